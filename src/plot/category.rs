//! Dot plots: every animal a point, grouped along the x axis, with the group's mean or
//! median and error bar, and significance brackets above.

use plotters::style::RGBColor;

use super::axes::{self, Key, Legend, Placement, LEGEND_GAP};
use super::layout::{
    beeswarm, nice_ticks, plottable, stack_brackets, summarise, tick_labels, wrap_label,
    BracketSpec, Centre, FigureWidth, Style, Summary, PT_PER_MM,
};
use super::scene::{Anchor, Scene, BLACK};
use super::{text, theme::group_colour, Bracket, DotGroup, FactorialCell, Figure};
use crate::study::StudyRng;

/// Height of dot plots, in millimetres.
fn height_mm(width: FigureWidth) -> f64 {
    match width {
        FigureWidth::OneColumn => 70.0,
        FigureWidth::TwoColumn => 100.0,
    }
}

/// Widest a group's column may be, in millimetres, at one and two columns: beyond it the
/// plot is narrower than the figure and centred in it, rather than stretched. The columns
/// of a factorial plot's clusters are narrower, so that a cluster reads as one.
const MAX_SLOT_MM: [f64; 2] = [22.0, 26.0];
const MAX_CELL_SLOT_MM: [f64; 2] = [14.0, 16.0];
/// Gap between the clusters of a factorial plot, in slots.
const CLUSTER_GAP: f64 = 0.6;
/// Space between a marker and its neighbours in the swarm.
const MARKER_GAP: f64 = 0.4;
/// Bracket legs, gaps above the data and between stacked brackets, text above the line.
const BRACKET_LEG: f64 = 3.0;
const BRACKET_GAP: f64 = 2.5;
const BRACKET_TEXT_GAP: f64 = 1.5;
/// Smallest height left to the data when many brackets stack up: a share of its height
/// without brackets, and at least an absolute minimum (points). Beyond it the figure
/// grows taller.
const MIN_PLOT_SHARE: f64 = 0.5;
const MIN_PLOT_HEIGHT: f64 = 40.0;
/// Least space between the group labels of neighbouring columns.
const LABEL_SPACE: f64 = 3.0;
/// Deepest the group labels may reach below the axis, as a share of the figure's height.
const MAX_LABEL_DEPTH: f64 = 0.3;

/// One column of points.
struct Slot {
    /// Centre, in slot widths from the y axis.
    centre: f64,
    values: Vec<f64>,
    colour: RGBColor,
}

/// A label under the x axis, centred on `centre` with `room` slot widths to itself.
struct Label {
    text: String,
    centre: f64,
    room: f64,
}

struct CategoryPlot<'a> {
    slots: Vec<Slot>,
    /// Width of the plot, in slot widths.
    units: f64,
    /// Widest a slot may be, in millimetres, at one and two columns.
    max_slot_mm: [f64; 2],
    labels: Vec<Label>,
    legend: Option<Legend>,
    brackets: &'a [Bracket],
    summary: Summary,
    y_label: &'a str,
    seed: u64,
    width: FigureWidth,
}

/// Group labels laid out under the axis: horizontal (possibly wrapped) lines, or all
/// labels turned to read upwards when a word does not fit its column.
enum LabelLayout {
    Horizontal(Vec<Vec<String>>),
    Vertical(Vec<Vec<String>>),
}

impl LabelLayout {
    fn new(labels: &[Label], unit: f64, style: &Style, max_depth: f64) -> LabelLayout {
        let wrapped: Option<Vec<Vec<String>>> = labels
            .iter()
            .map(|l| wrap_label(&l.text, style.font, (l.room * unit - LABEL_SPACE).max(1.0)))
            .collect();
        match wrapped {
            Some(lines) => LabelLayout::Horizontal(lines),
            // Turned labels keep their lines side by side, each wrapped to the depth
            // allowed (a single word longer than that stays whole).
            None => LabelLayout::Vertical(
                labels
                    .iter()
                    .map(|l| {
                        wrap_label(&l.text, style.font, max_depth).unwrap_or_else(|| {
                            l.text.split('\n').map(|p| p.trim().to_string()).collect()
                        })
                    })
                    .collect(),
            ),
        }
    }

    /// Depth below the axis line, gap included.
    fn depth(&self, style: &Style) -> f64 {
        let (asc, desc) = text::ascent_descent();
        match self {
            LabelLayout::Horizontal(lines) => {
                let n = lines.iter().map(Vec::len).max().unwrap_or(0);
                if n == 0 {
                    return 0.0;
                }
                style.tick_len + (asc + desc + (n - 1) as f64 * text::LINE_SPACING) * style.font
            }
            LabelLayout::Vertical(lines) => {
                style.tick_len
                    + lines
                        .iter()
                        .flatten()
                        .map(|l| text::width(l, style.font))
                        .fold(0.0, f64::max)
            }
        }
    }

    fn draw(&self, scene: &mut Scene, style: &Style, centres: &[f64], axis_y: f64) {
        let (asc, _) = text::ascent_descent();
        match self {
            LabelLayout::Horizontal(lines) => {
                for (label, &x) in lines.iter().zip(centres) {
                    for (k, line) in label.iter().enumerate() {
                        let baseline = axis_y
                            + style.tick_len
                            + (asc + k as f64 * text::LINE_SPACING) * style.font;
                        scene.text(line, (x, baseline), Anchor::Middle, style.font);
                    }
                }
            }
            LabelLayout::Vertical(lines) => {
                // Reading upwards, first line leftmost, the block centred on the column.
                let cap = text::cap_height() * style.font;
                let spacing = text::LINE_SPACING * style.font;
                for (label, &x) in lines.iter().zip(centres) {
                    let first = x + cap / 2.0 - (label.len() as f64 - 1.0) * spacing / 2.0;
                    for (k, line) in label.iter().enumerate() {
                        scene.vertical_text(
                            line,
                            (first + k as f64 * spacing, axis_y + style.tick_len),
                            Anchor::End,
                            style.font,
                        );
                    }
                }
            }
        }
    }
}

/// Where everything of the data area goes, for one choice of the plot's top.
struct Arranged {
    /// Page y of each value of each slot, and its horizontal offset.
    points: Vec<Vec<(f64, f64)>>,
    /// Summary per slot: centre and bar ends, as page y.
    summaries: Vec<Option<Centre>>,
    /// Drawn brackets: slot indices, text, page y of the line.
    brackets: Vec<(usize, usize, String, f64)>,
    /// Highest ink of the brackets (page y), or infinity without brackets.
    top: f64,
}

fn is_stars(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().all(|c| c == '*' || c == ' ')
}

fn bracket_font(style: &Style, text: &str) -> f64 {
    // Asterisks are small glyphs; they get the size of the axis titles plus one.
    if is_stars(text) {
        style.title_font + 1.0
    } else {
        style.font
    }
}

impl CategoryPlot<'_> {
    fn figure(&self) -> Figure {
        Figure::from_scene(&self.scene())
    }

    fn scene(&self) -> Scene {
        let style = Style::for_width(self.width);
        let (w, mut h) = (
            self.width.mm() * PT_PER_MM,
            height_mm(self.width) * PT_PER_MM,
        );

        // The y range: every plotted value and the ends of every error bar.
        let summaries: Vec<_> = self
            .slots
            .iter()
            .map(|s| summarise(&s.values, self.summary))
            .collect();
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for (slot, summary) in self.slots.iter().zip(&summaries) {
            for &v in &slot.values {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            if let Some((c, bar)) = summary {
                let (a, b) = bar.unwrap_or((*c, *c));
                lo = lo.min(a).min(*c);
                hi = hi.max(b).max(*c);
            }
        }
        let ticks = if lo <= hi {
            nice_ticks(lo, hi, 5)
        } else {
            nice_ticks(0.0, 1.0, 5)
        };
        let labels = tick_labels(&ticks);

        // Horizontal layout.
        let axis_x = axes::y_axis_margin(&style, &labels, self.y_label);
        let placement = self
            .legend
            .as_ref()
            .map_or(Placement::None, |l| l.placement(&style, w));
        let right = style.pad
            + match (&self.legend, placement) {
                (Some(l), Placement::Right) => l.width(&style) + LEGEND_GAP,
                _ => 0.0,
            };
        let available = (w - axis_x - right).max(10.0);
        let units = self.units.max(1.0);
        let max_slot = match self.width {
            FigureWidth::OneColumn => self.max_slot_mm[0],
            FigureWidth::TwoColumn => self.max_slot_mm[1],
        };
        let unit = (available / units).min(max_slot * PT_PER_MM);
        let slack = available - unit * units;
        let axis_x = axis_x + slack / 2.0;
        let centre_x: Vec<f64> = self
            .slots
            .iter()
            .map(|s| axis_x + s.centre * unit)
            .collect();

        // Vertical layout: group labels at the bottom, a legend above (if there), and
        // between them the data, pushed down as far as the brackets need. When the data
        // would keep less than its minimum height, the figure grows taller instead.
        let label_layout = LabelLayout::new(&self.labels, unit, &style, MAX_LABEL_DEPTH * h);
        let depth = label_layout.depth(&style);
        let legend_top = match (&self.legend, placement) {
            (Some(l), Placement::Top) => l.top_height(&style, w - style.pad - axis_x),
            _ => 0.0,
        };
        let ceiling = style.pad + legend_top;
        let natural_top = ceiling + text::cap_height() * style.font / 2.0;
        let min_plot =
            ((h - style.pad - depth - natural_top) * MIN_PLOT_SHARE).max(MIN_PLOT_HEIGHT);
        let layout_for = |h: f64| {
            let axis_y = h - style.pad - depth;
            let mut plot_top = natural_top;
            let mut arranged = self.arrange(&style, &ticks, &centre_x, unit, plot_top, axis_y);
            for _ in 0..40 {
                let overshoot = ceiling - arranged.top;
                let limit = axis_y - min_plot;
                if overshoot <= 0.01 || plot_top >= limit {
                    break;
                }
                plot_top = (plot_top + overshoot).min(limit);
                arranged = self.arrange(&style, &ticks, &centre_x, unit, plot_top, axis_y);
            }
            (axis_y, plot_top, arranged)
        };
        let (mut axis_y, mut plot_top, mut arranged) = layout_for(h);
        let overshoot = ceiling - arranged.top;
        if overshoot > 0.01 {
            h += overshoot;
            (axis_y, plot_top, arranged) = layout_for(h);
        }
        let mut scene = Scene::new(w, h);
        let y_of = |v: f64| axis_y - (v - ticks.lo) / (ticks.hi - ticks.lo) * (axis_y - plot_top);

        // Axes: the x axis spans the columns; a thin line marks zero inside the range.
        axes::draw_y_axis(
            &mut scene,
            &style,
            axis_x,
            &y_of,
            &ticks,
            &labels,
            &axes::YTitle::centred(self.y_label, &labels, &style),
        );
        scene.capped_line(
            (axis_x, axis_y),
            (axis_x + units * unit, axis_y),
            style.axis_width,
            BLACK,
        );
        if ticks.lo < 0.0 && ticks.hi > 0.0 {
            scene.line(
                (axis_x, y_of(0.0)),
                (axis_x + units * unit, y_of(0.0)),
                style.bracket_width,
                super::scene::Rgba::solid(super::theme::ZERO_GREY),
            );
        }
        label_layout.draw(
            &mut scene,
            &style,
            &self
                .labels
                .iter()
                .map(|l| axis_x + l.centre * unit)
                .collect::<Vec<_>>(),
            axis_y,
        );

        // Points, then the summary in black on top.
        for ((slot, points), &cx) in self.slots.iter().zip(&arranged.points).zip(&centre_x) {
            for &(y, dx) in points {
                axes::marker(&mut scene, &style, (cx + dx, y), slot.colour);
            }
        }
        let half = (0.3 * unit).min(10.0 + style.marker_radius);
        for (summary, &cx) in arranged.summaries.iter().zip(&centre_x) {
            let Some((c, bar)) = summary else { continue };
            if let Some((a, b)) = bar {
                if (a - b).abs() > 0.05 {
                    let cap = 0.45 * half;
                    scene.line((cx, *a), (cx, *b), style.error_width, BLACK);
                    for y in [*a, *b] {
                        scene.line((cx - cap, y), (cx + cap, y), style.error_width, BLACK);
                    }
                }
            }
            scene.line((cx - half, *c), (cx + half, *c), style.centre_width, BLACK);
        }

        // Brackets.
        for (from, to, label, y) in &arranged.brackets {
            let (x1, x2) = bracket_ends(centre_x[*from], centre_x[*to], unit);
            let w = style.bracket_width;
            scene.items.push(super::scene::Item::Path {
                points: vec![
                    (x1, y + BRACKET_LEG),
                    (x1, *y),
                    (x2, *y),
                    (x2, y + BRACKET_LEG),
                ],
                width: w,
                colour: BLACK,
            });
            let size = bracket_font(&style, label);
            let (_, below) = text::ink(label, size);
            scene.text(
                label,
                ((x1 + x2) / 2.0, y - BRACKET_TEXT_GAP - below),
                Anchor::Middle,
                size,
            );
        }

        match (&self.legend, placement) {
            (Some(legend), Placement::Right) => legend.draw(
                &mut scene,
                &style,
                axis_x + units * unit + LEGEND_GAP,
                plot_top,
            ),
            (Some(legend), Placement::Top) => legend.draw_top(
                &mut scene,
                &style,
                axis_x,
                style.pad,
                w - style.pad - axis_x,
            ),
            _ => {}
        }
        scene
    }

    fn arrange(
        &self,
        style: &Style,
        ticks: &super::layout::Ticks,
        centre_x: &[f64],
        unit: f64,
        plot_top: f64,
        axis_y: f64,
    ) -> Arranged {
        let y_of = |v: f64| axis_y - (v - ticks.lo) / (ticks.hi - ticks.lo) * (axis_y - plot_top);
        let diameter = 2.0 * style.marker_radius + style.marker_stroke + MARKER_GAP;
        let points: Vec<Vec<(f64, f64)>> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let ys: Vec<f64> = slot.values.iter().map(|&v| y_of(v)).collect();
                let mut rng = StudyRng::new(self.seed, &format!("plot-jitter:{i}"));
                let xs = beeswarm(&ys, diameter, 0.45 * unit, style.marker_radius, &mut rng);
                ys.into_iter().zip(xs).collect()
            })
            .collect();
        let summaries: Vec<_> = self
            .slots
            .iter()
            .map(|s| {
                summarise(&s.values, self.summary)
                    .map(|(c, bar)| (y_of(c), bar.map(|(a, b)| (y_of(a), y_of(b)))))
            })
            .collect();
        // Highest ink (smallest page y) of each slot.
        let tops: Vec<f64> = points
            .iter()
            .zip(&summaries)
            .map(|(pts, summary)| {
                let reach = style.marker_radius + style.marker_stroke / 2.0;
                let mut top = pts
                    .iter()
                    .map(|p| p.0 - reach)
                    .fold(f64::INFINITY, f64::min);
                if let Some((c, bar)) = summary {
                    top = top.min(*c);
                    if let Some((a, b)) = bar {
                        top = top.min(a.min(*b));
                    }
                }
                top
            })
            .collect();

        let mut kept = Vec::new();
        let mut specs = Vec::new();
        for b in self.brackets {
            let (from, to) = (b.from.min(b.to), b.from.max(b.to));
            if from == to || to >= self.slots.len() {
                continue;
            }
            // Slots are not always in x order (factorial cells): the bracket spans the
            // two columns from left to right.
            let (left, right) = (
                centre_x[from].min(centre_x[to]),
                centre_x[from].max(centre_x[to]),
            );
            let (x1, x2) = bracket_ends(left, right, unit);
            // The data under the bracket: every column whose centre it spans.
            let data_top = tops
                .iter()
                .zip(centre_x)
                .filter(|(_, &x)| x >= left - 1e-9 && x <= right + 1e-9)
                .map(|(t, _)| *t)
                .fold(axis_y, f64::min);
            let size = bracket_font(style, &b.text);
            let (above, below) = text::ink(&b.text, size);
            let ink = if b.text.trim().is_empty() {
                0.0
            } else {
                above + below
            };
            specs.push(BracketSpec {
                x1,
                x2,
                floor: data_top - BRACKET_GAP - BRACKET_LEG,
                text_width: text::width(&b.text, size),
                text_height: BRACKET_TEXT_GAP + ink,
            });
            kept.push((from, to, b.text.clone()));
        }
        let ys = stack_brackets(&specs, BRACKET_LEG, BRACKET_GAP);
        let top = ys
            .iter()
            .zip(&specs)
            .map(|(y, s)| y - s.text_height)
            .fold(f64::INFINITY, f64::min);
        Arranged {
            points,
            summaries,
            brackets: kept
                .into_iter()
                .zip(ys)
                .map(|((f, t, s), y)| (f, t, s, y))
                .collect(),
            top,
        }
    }
}

/// Ends of a bracket's line between two column centres: pulled in slightly so that
/// brackets meeting at a column do not touch.
fn bracket_ends(a: f64, b: f64, unit: f64) -> (f64, f64) {
    let inset = (0.05 * unit).clamp(1.0, 2.5);
    (a + inset, b - inset)
}

fn finite_values(values: &[f64]) -> Vec<f64> {
    values.iter().copied().filter(|v| plottable(*v)).collect()
}

/// Dot plot of groups side by side: see `docs/figures.md`.
pub fn dot_plot(
    groups: &[DotGroup],
    summary: Summary,
    brackets: &[Bracket],
    y_label: &str,
    seed: u64,
    width: FigureWidth,
) -> Figure {
    let slots = groups
        .iter()
        .enumerate()
        .map(|(i, g)| Slot {
            centre: i as f64 + 0.5,
            values: finite_values(&g.values),
            colour: group_colour(i),
        })
        .collect();
    let labels = groups
        .iter()
        .enumerate()
        .map(|(i, g)| Label {
            text: g.label.clone(),
            centre: i as f64 + 0.5,
            room: 1.0,
        })
        .collect();
    CategoryPlot {
        slots,
        units: groups.len() as f64,
        max_slot_mm: MAX_SLOT_MM,
        labels,
        legend: None,
        brackets,
        summary,
        y_label,
        seed,
        width,
    }
    .figure()
}

/// Dot plot of a two-factor design: see `docs/figures.md`.
#[allow(clippy::too_many_arguments)]
pub fn factorial_plot(
    a_name: &str,
    a_levels: &[String],
    b_levels: &[String],
    cells: &[FactorialCell],
    summary: Summary,
    brackets: &[Bracket],
    y_label: &str,
    seed: u64,
    width: FigureWidth,
) -> Figure {
    let n_a = a_levels.len().max(1) as f64;
    let cluster = n_a + CLUSTER_GAP;
    let valid = |c: &FactorialCell| c.a_level < a_levels.len() && c.b_level < b_levels.len();
    // One slot per cell, in the order given, so that brackets can name cells by index.
    // Cells naming levels that do not exist are kept out of the plot (and brackets to them
    // are dropped).
    let mut slots = Vec::new();
    let mut index = Vec::new();
    for c in cells {
        if valid(c) {
            index.push(Some(slots.len()));
            slots.push(Slot {
                centre: c.b_level as f64 * cluster + c.a_level as f64 + 0.5,
                values: finite_values(&c.values),
                colour: group_colour(c.a_level),
            });
        } else {
            index.push(None);
        }
    }
    let brackets: Vec<Bracket> = brackets
        .iter()
        .filter_map(|b| {
            let from = index.get(b.from).copied().flatten()?;
            let to = index.get(b.to).copied().flatten()?;
            Some(Bracket {
                from,
                to,
                text: b.text.clone(),
            })
        })
        .collect();
    let labels = b_levels
        .iter()
        .enumerate()
        .map(|(j, b)| Label {
            text: b.clone(),
            centre: j as f64 * cluster + n_a / 2.0,
            room: n_a + CLUSTER_GAP * 0.8,
        })
        .collect();
    let legend = Legend {
        title: a_name.replace('\n', " "),
        entries: a_levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.replace('\n', " "), group_colour(i)))
            .collect(),
        key: Key::Marker,
    };
    let units = if b_levels.is_empty() {
        n_a
    } else {
        b_levels.len() as f64 * cluster - CLUSTER_GAP
    };
    CategoryPlot {
        slots,
        units,
        max_slot_mm: MAX_CELL_SLOT_MM,
        labels,
        legend: Some(legend),
        brackets: &brackets,
        summary,
        y_label,
        seed,
        width,
    }
    .figure()
}
