//! Figures over a continuous x axis: time courses (mean ± SEM per bin) and Kaplan–Meier
//! curves.

use plotters::style::RGBColor;

use super::axes::{self, Key, Legend, Placement, LEGEND_GAP};
use super::layout::{nice_ticks, plottable, tick_labels, FigureWidth, Style, Ticks, PT_PER_MM};
use super::scene::{Item, Rgba, Scene};
use super::{text, theme::group_colour, Figure, Series, SurvivalCurve};

/// Height of time courses and survival curves, in millimetres.
fn height_mm(width: FigureWidth) -> f64 {
    match width {
        FigureWidth::OneColumn => 65.0,
        FigureWidth::TwoColumn => 90.0,
    }
}

/// Shading of the scoring window.
const WINDOW_GREY: RGBColor = RGBColor(0xE6, 0xE6, 0xE6);

/// What the axes of a line figure show.
struct Frame<'a> {
    /// x range of the data (and window); the ticks are chosen once the width is known.
    x_range: (f64, f64),
    /// Where the x axis ends: the last tick, or a fixed value (the end of the test).
    x_end: Option<f64>,
    y_ticks: Ticks,
    y_labels: Vec<String>,
    x_title: &'a str,
    y_title: &'a str,
    legend: Legend,
}

/// The frame placed on the page.
struct Placed {
    style: Style,
    scene: Scene,
    x_lo: f64,
    x_hi: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    y_lo: f64,
    y_hi: f64,
}

impl Placed {
    fn x(&self, v: f64) -> f64 {
        self.left + (v - self.x_lo) / (self.x_hi - self.x_lo) * (self.right - self.left)
    }
    fn y(&self, v: f64) -> f64 {
        self.bottom - (v - self.y_lo) / (self.y_hi - self.y_lo) * (self.bottom - self.top)
    }
}

fn place(frame: &Frame, width: FigureWidth) -> Placed {
    let style = Style::for_width(width);
    let (w, h) = (width.mm() * PT_PER_MM, height_mm(width) * PT_PER_MM);
    let cap = text::cap_height() * style.font;

    let left = axes::y_axis_margin(&style, &frame.y_labels, frame.y_title);
    let legend_w = frame.legend.width(&style);
    let placement = frame.legend.placement(&style, w);
    let legend_room = if placement == Placement::Right {
        legend_w + LEGEND_GAP
    } else {
        0.0
    };
    // Ticks: as many as fit with room for their labels (judged on the widest end).
    let estimate = (w - left - legend_room - style.pad).max(20.0);
    let (mut x_ticks, max_intervals) =
        axes::ticks_that_fit(&style, frame.x_range, estimate, &tick_labels);
    let axis_hi = match frame.x_end {
        Some(end) => {
            match ticks_ending_at(end, max_intervals) {
                Some(t) => x_ticks = t,
                None => {
                    x_ticks.values.retain(|v| *v <= end * (1.0 + 1e-9));
                    x_ticks.hi = end;
                }
            }
            end
        }
        None => x_ticks.hi,
    };
    let x_labels = tick_labels(&x_ticks);
    let last_half = x_labels
        .last()
        .map_or(0.0, |l| text::width(l, style.font) / 2.0);
    let right = w - style.pad - legend_room.max(last_half);

    let bottom = h - style.pad - axes::x_axis_depth(&style, frame.x_title);
    let legend_top = if placement == Placement::Top {
        frame.legend.top_height(&style, w - style.pad - left)
    } else {
        0.0
    };
    let top = style.pad + legend_top + cap / 2.0 + 1.0;

    let mut scene = Scene::new(w, h);
    let mut placed = Placed {
        style,
        scene: Scene::default(),
        x_lo: x_ticks.lo,
        x_hi: axis_hi,
        left,
        right,
        top,
        bottom,
        y_lo: frame.y_ticks.lo,
        y_hi: frame.y_ticks.hi,
    };
    if placed.x_hi <= placed.x_lo {
        placed.x_hi = placed.x_lo + 1.0;
    }

    // Axes.
    let y_of = |v: f64| placed.y(v);
    axes::draw_y_axis(
        &mut scene,
        &style,
        left,
        &y_of,
        &frame.y_ticks,
        &frame.y_labels,
        &axes::YTitle::centred(frame.y_title, &frame.y_labels, &style),
    );
    axes::draw_x_axis(
        &mut scene,
        &style,
        &axes::XAxis {
            y: bottom,
            span: (left, placed.x(placed.x_hi)),
            ticks: x_ticks.values.iter().map(|v| placed.x(*v)).collect(),
            labels: &x_labels,
            title: frame.x_title,
            title_x: (left + right) / 2.0,
        },
    );
    match placement {
        Placement::Right => frame
            .legend
            .draw(&mut scene, &style, w - style.pad - legend_w, top),
        Placement::Top => {
            frame
                .legend
                .draw_top(&mut scene, &style, left, style.pad, w - style.pad - left)
        }
        Placement::None => {}
    }
    placed.scene = scene;
    placed
}

/// Ticks from 0 whose last one is `end` itself (360 s gives 0, 60, …, 360): the step
/// with the most intervals, at least 3 and at most `max_intervals`, among 1, 2, 2.5, 3, 5
/// and 6 times a power of ten that divide `end`. `None` when no such step exists.
fn ticks_ending_at(end: f64, max_intervals: usize) -> Option<Ticks> {
    if !(end > 0.0 && end.is_finite()) {
        return None;
    }
    let e = (end / max_intervals.max(1) as f64).log10().floor() as i32;
    let mut best: Option<(usize, f64)> = None;
    for k in e - 1..=e + 1 {
        for m in [1.0, 2.0, 2.5, 3.0, 5.0, 6.0] {
            let step = if k < 0 {
                m / 10f64.powi(-k)
            } else {
                m * 10f64.powi(k)
            };
            let n = end / step;
            let rounded = n.round();
            if (n - rounded).abs() > 1e-9 * n || rounded < 3.0 || rounded > max_intervals as f64 {
                continue;
            }
            let n = rounded as usize;
            if best.is_none_or(|(b, _)| n > b) {
                best = Some((n, step));
            }
        }
    }
    best.map(|(_, step)| Ticks::fixed(0.0, end, step))
}

/// Time course of group means ± SEM: see `docs/figures.md`.
pub fn time_course(
    series: &[Series],
    window: Option<(f64, f64)>,
    x_label: &str,
    y_label: &str,
    width: FigureWidth,
) -> Figure {
    // Points with a plottable x and mean, in order of x; a SEM that is not plottable (or
    // negative) draws no bar.
    let clean: Vec<Vec<(f64, f64, Option<f64>)>> = series
        .iter()
        .map(|s| {
            let mut pts: Vec<_> = s
                .points
                .iter()
                .filter(|(x, m, _)| plottable(*x) && plottable(*m))
                .map(|&(x, m, e)| (x, m, (plottable(e) && e > 0.0).then_some(e)))
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            pts
        })
        .collect();
    let window = window
        .filter(|(a, b)| plottable(*a) && plottable(*b))
        .map(|(a, b)| (a.min(b), a.max(b)));

    let (mut x_lo, mut x_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut y_lo, mut y_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &(x, m, e) in clean.iter().flatten() {
        x_lo = x_lo.min(x);
        x_hi = x_hi.max(x);
        let e = e.unwrap_or(0.0);
        y_lo = y_lo.min(m - e);
        y_hi = y_hi.max(m + e);
    }
    if let Some((a, b)) = window {
        x_lo = x_lo.min(a);
        x_hi = x_hi.max(b);
    }
    if x_lo > x_hi {
        (x_lo, x_hi) = (0.0, 1.0);
    }
    let y_ticks = if y_lo <= y_hi {
        nice_ticks(y_lo, y_hi, 5)
    } else {
        nice_ticks(0.0, 1.0, 5)
    };
    let frame = Frame {
        x_range: (x_lo, x_hi),
        x_end: None,
        y_labels: tick_labels(&y_ticks),
        y_ticks,
        x_title: x_label,
        y_title: y_label,
        legend: Legend {
            title: String::new(),
            entries: series
                .iter()
                .enumerate()
                .map(|(i, s)| (s.label.replace('\n', " "), group_colour(i)))
                .collect(),
            key: Key::LineMarker,
        },
    };
    let mut p = place(&frame, width);
    let style = p.style;
    let mut items = Vec::new();
    if let Some((a, b)) = window {
        let (a, b) = (a.max(p.x_lo), b.min(p.x_hi));
        if b > a {
            // Behind everything, the axis included.
            items.push(Item::Rect {
                min: (p.x(a), p.top),
                max: (p.x(b), p.bottom),
                colour: Rgba::solid(WINDOW_GREY),
            });
        }
    }
    let mut drawn = Scene::default();
    for (i, pts) in clean.iter().enumerate() {
        let colour = group_colour(i);
        let cap = 0.9 * style.marker_radius + 0.6;
        for &(x, m, e) in pts {
            if let Some(e) = e {
                let (px, a, b) = (p.x(x), p.y(m - e), p.y(m + e));
                drawn.line((px, a), (px, b), style.error_width, Rgba::solid(colour));
                for y in [a, b] {
                    drawn.line(
                        (px - cap, y),
                        (px + cap, y),
                        style.error_width,
                        Rgba::solid(colour),
                    );
                }
            }
        }
        drawn.items.push(Item::Path {
            points: pts.iter().map(|&(x, m, _)| (p.x(x), p.y(m))).collect(),
            width: style.data_line_width,
            colour: Rgba::solid(colour),
        });
        for &(x, m, _) in pts {
            axes::solid_marker(&mut drawn, &style, (p.x(x), p.y(m)), colour);
        }
    }
    items.append(&mut p.scene.items);
    items.append(&mut drawn.items);
    p.scene.items = items;
    Figure::from_scene(&p.scene)
}

/// Kaplan–Meier curves: see `docs/figures.md`.
pub fn km_plot(
    curves: &[SurvivalCurve],
    x_max: f64,
    x_label: &str,
    y_label: &str,
    width: FigureWidth,
) -> Figure {
    let clean_pairs = |pairs: &[(f64, f64)]| {
        let mut v: Vec<(f64, f64)> = pairs
            .iter()
            .filter(|(t, s)| plottable(*t) && plottable(*s) && *t >= 0.0)
            .map(|&(t, s)| (t, s.clamp(0.0, 1.0)))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    let steps: Vec<_> = curves.iter().map(|c| clean_pairs(&c.steps)).collect();
    let censored: Vec<_> = curves.iter().map(|c| clean_pairs(&c.censored)).collect();
    let x_max = if plottable(x_max) && x_max > 0.0 {
        x_max
    } else {
        steps
            .iter()
            .chain(&censored)
            .flatten()
            .map(|p| p.0)
            .fold(0.0, f64::max)
    };
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let y_ticks = Ticks::fixed(0.0, 1.0, 0.25);
    let frame = Frame {
        x_range: (0.0, x_max),
        x_end: Some(x_max),
        y_labels: vec!["0", "25", "50", "75", "100"]
            .into_iter()
            .map(String::from)
            .collect(),
        y_ticks,
        x_title: x_label,
        y_title: y_label,
        legend: Legend {
            title: String::new(),
            entries: curves
                .iter()
                .enumerate()
                .map(|(i, c)| (c.label.replace('\n', " "), group_colour(i)))
                .collect(),
            key: Key::Line,
        },
    };
    let mut p = place(&frame, width);
    let style = p.style;
    let tick = 1.6 * style.marker_radius;
    for (i, (steps, censored)) in steps.iter().zip(&censored).enumerate() {
        let colour = Rgba::solid(group_colour(i));
        let mut points = vec![(0.0, 1.0)];
        let mut current = 1.0;
        let mut end: f64 = 0.0;
        for &(t, s) in steps.iter().filter(|(t, _)| *t <= x_max) {
            points.push((t, current));
            points.push((t, s));
            current = s;
            end = end.max(t);
        }
        for &(t, _) in censored.iter().filter(|(t, _)| *t <= x_max) {
            end = end.max(t);
        }
        points.push((end, current));
        let page: Vec<(f64, f64)> = points.iter().map(|&(t, s)| (p.x(t), p.y(s))).collect();
        p.scene.items.push(Item::Path {
            points: page,
            width: style.data_line_width,
            colour,
        });
        for &(t, s) in censored.iter().filter(|(t, _)| *t <= x_max) {
            let (x, y) = (p.x(t), p.y(s));
            p.scene
                .line((x, y - tick), (x, y + tick), style.data_line_width, colour);
        }
    }
    Figure::from_scene(&p.scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_of_a_test_duration_end_on_it() {
        assert_eq!(
            ticks_ending_at(360.0, 8).unwrap().values,
            [0.0, 60.0, 120.0, 180.0, 240.0, 300.0, 360.0]
        );
        assert_eq!(ticks_ending_at(300.0, 6).unwrap().step, 50.0);
        assert_eq!(ticks_ending_at(240.0, 4).unwrap().step, 60.0);
        assert!(ticks_ending_at(360.0, 4).is_none());
        assert_eq!(ticks_ending_at(6.0, 6).unwrap().step, 1.0);
        assert_eq!(ticks_ending_at(0.7, 8).unwrap().step, 0.1);
        assert!(ticks_ending_at(347.0, 8).is_none());
        assert!(ticks_ending_at(f64::NAN, 8).is_none());
    }
}
