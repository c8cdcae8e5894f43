//! Calibration curves: the standards and the fitted curve in an upper panel, the
//! back-calculated error of each standard in a lower panel, over one x axis.

use super::axes::{self, Key, Legend, XAxis, YTitle, LABEL_GAP};
use super::layout::{
    nice_ticks, plottable, tick_labels_powers_from, wrap_label, FigureWidth, Style, Ticks,
    PT_PER_MM,
};
use super::scene::{Item, Rgba, Scene};
use super::theme::{group_colour, LIMIT_GREY, ZERO_GREY};
use super::{text, CalibrationCurve, Figure};

/// Height of calibration figures, in millimetres: taller than a time course, for two
/// panels.
fn height_mm(width: FigureWidth) -> f64 {
    match width {
        FigureWidth::OneColumn => 80.0,
        FigureWidth::TwoColumn => 100.0,
    }
}

/// Tick labels reaching 100 000 are written with a common power of ten ("2.5×10⁵").
const POWERS_FROM: f64 = 1e5;
/// Share of the height of both panels that the upper one takes.
const UPPER_SHARE: f64 = 2.0 / 3.0;
/// Space between the panels, beyond the upper panel's tick marks, in em of the tick labels.
const PANEL_GAP_EM: f64 = 2.0;
/// Least space between tick labels of the error axis, in em.
const ERROR_TICK_SPACING_EM: f64 = 2.0;
/// Dash and gap of the acceptance limits, in points.
const DASH: (f64, f64) = (2.5, 1.5);
/// Half-length of the limit drawn at the lowest standard, in marker radii.
const LOWEST_HALF: f64 = 3.5;
/// Length of the tick of a study sample's response, inside the y axis, in points.
const RUG_LENGTH: f64 = 4.0;
/// Distance of the key inside the upper panel from its y axis, in points.
const KEY_INSET: f64 = 8.0;
/// Least space between the titles of the two y axes, in points.
const TITLE_SPACE: f64 = 6.0;

/// Palette positions (see [`group_colour`]): blue standards, a black curve, vermillion for
/// failing standards, bluish green study samples.
const STANDARD: usize = 4;
const CURVE: usize = 7;
const FAILING: usize = 5;
const SAMPLE: usize = 2;

/// The drawable part of a calibration curve.
struct Data {
    /// Standards with a plottable concentration and response: `(x, y, failing)`.
    standards: Vec<(f64, f64, bool)>,
    /// Non-zero standards with a plottable error: `(x, %RE, failing)`.
    errors: Vec<(f64, f64, bool)>,
    /// The fitted curve, in order of x.
    fitted: Vec<(f64, f64)>,
    samples: Vec<f64>,
    limit: Option<f64>,
    /// Concentration of the lowest non-zero standard and its limit, when that limit is
    /// usable and differs from the general one.
    lowest: Option<(f64, f64)>,
}

fn positive(v: f64) -> Option<f64> {
    (plottable(v) && v > 0.0).then_some(v)
}

/// Smallest and largest of `values`, or `empty` when there are none.
fn span(values: impl Iterator<Item = f64>, empty: (f64, f64)) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo <= hi {
        (lo, hi)
    } else {
        empty
    }
}

impl Data {
    fn new(curve: &CalibrationCurve) -> Data {
        let standards = curve
            .standards
            .iter()
            .filter(|s| plottable(s.x) && plottable(s.y))
            .map(|s| (s.x, s.y, s.failing))
            .collect();
        let errors = curve
            .standards
            .iter()
            .filter(|s| plottable(s.x) && s.x != 0.0)
            .filter_map(|s| {
                let e = s.relative_error_pct.filter(|e| plottable(*e))?;
                Some((s.x, e, s.failing))
            })
            .collect();
        let mut fitted: Vec<(f64, f64)> = curve
            .fitted
            .iter()
            .copied()
            .filter(|(x, y)| plottable(*x) && plottable(*y))
            .collect();
        fitted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let limit = positive(curve.limit_pct);
        let lowest_x = curve
            .standards
            .iter()
            .map(|s| s.x)
            .filter(|x| plottable(*x) && *x > 0.0)
            .min_by(f64::total_cmp);
        let lowest = positive(curve.lowest_limit_pct)
            .filter(|l| Some(*l) != limit)
            .and_then(|l| lowest_x.map(|x| (x, l)));
        Data {
            standards,
            errors,
            fitted,
            samples: curve
                .samples
                .iter()
                .copied()
                .filter(|y| plottable(*y))
                .collect(),
            limit,
            lowest,
        }
    }

    fn any_failing(&self) -> bool {
        self.standards.iter().any(|s| s.2) || self.errors.iter().any(|e| e.2)
    }

    fn x_range(&self) -> (f64, f64) {
        let xs = self.standards.iter().map(|s| s.0);
        let xs = xs.chain(self.errors.iter().map(|e| e.0));
        span(xs.chain(self.fitted.iter().map(|f| f.0)), (0.0, 1.0))
    }

    fn response_range(&self) -> (f64, f64) {
        let ys = self.standards.iter().map(|s| s.1);
        let ys = ys.chain(self.fitted.iter().map(|f| f.1));
        span(ys.chain(self.samples.iter().copied()), (0.0, 1.0))
    }

    /// The widest acceptance limit drawn, or 0.
    fn widest_limit(&self) -> f64 {
        let lowest = self.lowest.map_or(0.0, |l| l.1);
        self.limit.unwrap_or(0.0).max(lowest)
    }
}

/// Ticks of the error axis, with at most `max_intervals` intervals: multiples of the
/// acceptance limit (0, ±15, ±30 for 15 %), or of 2, 5, 10, … times it when the errors
/// reach further, so that the limit lines sit on labelled ticks. The axis reaches past
/// every limit (no limit line lies on the axis line) and covers every error. Without a
/// usable limit, nice ticks over the errors.
fn error_ticks(errors: &[f64], limit: Option<f64>, widest: f64, max_intervals: usize) -> Ticks {
    let (lo, hi) = span(errors.iter().copied(), (0.0, 0.0));
    if let Some(limit) = limit {
        for power in 0..=12 {
            for factor in [1.0, 2.0, 5.0] {
                let step = limit * factor * 10f64.powi(power);
                if !step.is_finite() {
                    continue;
                }
                let beyond = (widest / step).floor() + 1.0;
                let below = beyond.max((-lo / step - 1e-9).ceil());
                let above = beyond.max((hi / step - 1e-9).ceil());
                if below + above <= max_intervals as f64 {
                    return Ticks::fixed(-below * step, above * step, step);
                }
            }
        }
    }
    nice_ticks(lo.min(-widest), hi.max(widest), max_intervals)
}

/// `title` broken at spaces to fit `length` (a single word longer than that stays
/// whole); no lines for an empty title.
fn title_lines(title: &str, size: f64, length: f64) -> Vec<String> {
    if title.trim().is_empty() {
        return Vec::new();
    }
    let longest_word = title
        .split_whitespace()
        .map(|w| text::width(w, size))
        .fold(0.0, f64::max);
    wrap_label(title, size, length.max(longest_word)).unwrap_or_else(|| vec![title.to_string()])
}

/// Page y of the centres of the upper and lower y titles, `lengths` long: the middle of
/// their panels (`(top, bottom)` each), unless they would come within [`TITLE_SPACE`] of
/// each other; then the upper one moves up within its panel, and the lower one down if
/// that is not enough.
fn title_centres(upper: (f64, f64), lower: (f64, f64), lengths: (f64, f64)) -> (f64, f64) {
    let (half_u, half_l) = (lengths.0 / 2.0, lengths.1 / 2.0);
    let mut cu = (upper.0 + upper.1) / 2.0;
    let mut cl = (lower.0 + lower.1) / 2.0;
    let overlap = cu + half_u + TITLE_SPACE - (cl - half_l);
    if overlap > 0.0 {
        let up = overlap.min((cu - half_u - upper.0).max(0.0));
        cu -= up;
        cl += (overlap - up).min((lower.1 - cl - half_l).max(0.0));
    }
    (cu, cl)
}

/// One panel: its extent down the page and its y axis.
struct Panel {
    top: f64,
    bottom: f64,
    ticks: Ticks,
    labels: Vec<String>,
    title: Vec<String>,
}

impl Panel {
    fn y(&self, v: f64) -> f64 {
        let t = &self.ticks;
        self.bottom - (v - t.lo) / (t.hi - t.lo) * (self.bottom - self.top)
    }

    fn title_length(&self, style: &Style) -> f64 {
        axes::widest(&self.title, style.title_font)
    }
}

fn labels(ticks: &Ticks) -> Vec<String> {
    tick_labels_powers_from(ticks, POWERS_FROM)
}

/// Whether anything of the data lies within `rect` (`(left, top, right, bottom)` in page
/// points): a standard's marker, or the fitted curve.
fn covers(
    rect: (f64, f64, f64, f64),
    markers: &[(f64, f64)],
    radius: f64,
    path: &[(f64, f64)],
) -> bool {
    let (l, t, r, b) = rect;
    let inside = |(x, y): (f64, f64), m: f64| x >= l - m && x <= r + m && y >= t - m && y <= b + m;
    if markers.iter().any(|&p| inside(p, radius)) {
        return true;
    }
    path.windows(2).any(|w| {
        let (a, c) = (w[0], w[1]);
        let n = ((c.0 - a.0).hypot(c.1 - a.1)).ceil().clamp(1.0, 1e4) as usize;
        (0..=n).any(|k| {
            let f = k as f64 / n as f64;
            inside((a.0 + f * (c.0 - a.0), a.1 + f * (c.1 - a.1)), 0.5)
        })
    })
}

/// The figure, its key (when some standard fails) inside the upper panel or above it.
/// Returns the scene, and whether the key inside the panel would cover data.
fn draw(
    data: &Data,
    curve: &CalibrationCurve,
    width: FigureWidth,
    key_above: bool,
) -> (Scene, bool) {
    let style = Style::for_width(width);
    let (w, h) = (width.mm() * PT_PER_MM, height_mm(width) * PT_PER_MM);
    let cap = text::cap_height() * style.font;
    let key = Legend {
        title: String::new(),
        entries: if data.any_failing() {
            vec![("failing standard".to_string(), group_colour(FAILING))]
        } else {
            Vec::new()
        },
        key: Key::OpenMarker,
    };
    let key_above = key_above && !key.entries.is_empty();

    // Down the page: the key above (if there), the upper panel, a gap, the lower panel
    // and the x axis with its labels and title.
    let key_depth = if key_above {
        key.top_height(&style, w - 2.0 * style.pad)
    } else {
        0.0
    };
    let top = style.pad + key_depth + cap / 2.0 + 1.0;
    let axis_y = h - style.pad - axes::x_axis_depth(&style, &curve.x_label);
    let gap = style.tick_len + PANEL_GAP_EM * style.font;
    let both = (axis_y - top - gap).max(2.0);
    let upper_bottom = top + UPPER_SHARE * both;
    let lower_top = upper_bottom + gap;

    let y_ticks = {
        let (lo, hi) = data.response_range();
        nice_ticks(lo, hi, 5)
    };
    let errors: Vec<f64> = data.errors.iter().map(|e| e.1).collect();
    let max_error_intervals = ((axis_y - lower_top) / (ERROR_TICK_SPACING_EM * style.font))
        .floor()
        .clamp(2.0, 6.0) as usize;
    let base = data.limit.or(data.lowest.map(|l| l.1));
    let e_ticks = error_ticks(&errors, base, data.widest_limit(), max_error_intervals);
    let upper = Panel {
        top,
        bottom: upper_bottom,
        labels: labels(&y_ticks),
        ticks: y_ticks,
        title: title_lines(&curve.y_label, style.title_font, upper_bottom - top),
    };
    let lower = Panel {
        top: lower_top,
        bottom: axis_y,
        labels: labels(&e_ticks),
        ticks: e_ticks,
        title: title_lines(&curve.residual_label, style.title_font, axis_y - lower_top),
    };

    // Across: both y axes on one line, their titles lined up.
    let label_room =
        axes::widest(&upper.labels, style.font).max(axes::widest(&lower.labels, style.font));
    let title_room = axes::y_title_room(&style, upper.title.len().max(lower.title.len()));
    let left = style.pad + title_room + label_room + LABEL_GAP + style.tick_len;
    let estimate = (w - left - style.pad).max(20.0);
    let (x_ticks, _) = axes::ticks_that_fit(&style, data.x_range(), estimate, &labels);
    let x_labels = labels(&x_ticks);
    let last_half = x_labels
        .last()
        .map_or(0.0, |l| text::width(l, style.font) / 2.0);
    let right = w - style.pad - last_half;
    let x = |v: f64| left + (v - x_ticks.lo) / (x_ticks.hi - x_ticks.lo) * (right - left);
    let tick_x: Vec<f64> = x_ticks.values.iter().map(|v| x(*v)).collect();

    let mut scene = Scene::new(w, h);
    let centres = title_centres(
        (upper.top, upper.bottom),
        (lower.top, lower.bottom),
        (upper.title_length(&style), lower.title_length(&style)),
    );
    for (panel, centre, last) in [(&upper, centres.0, false), (&lower, centres.1, true)] {
        axes::draw_y_axis(
            &mut scene,
            &style,
            left,
            &|v| panel.y(v),
            &panel.ticks,
            &panel.labels,
            &YTitle {
                lines: panel.title.clone(),
                label_room,
                centre: Some(centre),
            },
        );
        axes::draw_x_axis(
            &mut scene,
            &style,
            &XAxis {
                y: panel.bottom,
                span: (left, right),
                ticks: tick_x.clone(),
                labels: if last { &x_labels } else { &[] },
                title: if last { &curve.x_label } else { "" },
                title_x: (left + right) / 2.0,
            },
        );
    }

    // Lower panel: zero, the limits, the errors.
    let thin = style.bracket_width;
    if lower.ticks.lo < 0.0 && lower.ticks.hi > 0.0 {
        let y0 = lower.y(0.0);
        scene.line((left, y0), (right, y0), thin, Rgba::solid(ZERO_GREY));
    }
    let grey = Rgba::solid(LIMIT_GREY);
    if let Some(limit) = data.limit {
        for v in [limit, -limit] {
            let y = lower.y(v);
            scene.dashed_line((left, y), (right, y), thin, grey, DASH);
        }
    }
    if let Some((at, limit)) = data.lowest {
        let half = LOWEST_HALF * style.marker_radius;
        let (a, b) = ((x(at) - half).max(left), (x(at) + half).min(right));
        for v in [limit, -limit] {
            let y = lower.y(v);
            scene.dashed_line((a, y), (b, y), thin, grey, DASH);
        }
    }
    let point = |scene: &mut Scene, centre: (f64, f64), failing: bool| {
        if failing {
            axes::open_marker(scene, &style, centre, group_colour(FAILING));
        } else {
            axes::marker(scene, &style, centre, group_colour(STANDARD));
        }
    };
    for &(ex, e, failing) in &data.errors {
        point(&mut scene, (x(ex), lower.y(e)), failing);
    }

    // Upper panel: study samples at the axis, the curve, the standards.
    for &s in &data.samples {
        let y = upper.y(s);
        let from = left + style.axis_width / 2.0;
        scene.line(
            (from, y),
            (left + RUG_LENGTH, y),
            style.axis_width,
            Rgba::solid(group_colour(SAMPLE)),
        );
    }
    let path: Vec<(f64, f64)> = data
        .fitted
        .iter()
        .map(|&(fx, fy)| (x(fx), upper.y(fy)))
        .collect();
    scene.items.push(Item::Path {
        points: path.clone(),
        width: style.data_line_width,
        colour: Rgba::solid(group_colour(CURVE)),
    });
    let markers: Vec<(f64, f64)> = data
        .standards
        .iter()
        .map(|&(sx, sy, _)| (x(sx), upper.y(sy)))
        .collect();
    for (&centre, &(_, _, failing)) in markers.iter().zip(&data.standards) {
        point(&mut scene, centre, failing);
    }

    // The key.
    let mut covered = false;
    if key_above {
        key.draw_top(&mut scene, &style, left, style.pad, w - style.pad - left);
    } else if !key.entries.is_empty() {
        let (kx, ky) = (left + KEY_INSET, upper.top);
        let rect = (kx, ky, kx + key.width(&style), ky + key.height(&style));
        covered = covers(rect, &markers, style.marker_radius + 1.0, &path);
        key.draw(&mut scene, &style, kx, ky);
    }
    (scene, covered)
}

/// Calibration curve with the back-calculated error of each standard: see
/// `docs/figures.md`.
pub fn calibration_plot(curve: &CalibrationCurve, width: FigureWidth) -> Figure {
    let data = Data::new(curve);
    let (scene, covered) = draw(&data, curve, width, false);
    if covered {
        return Figure::from_scene(&draw(&data, curve, width, true).0);
    }
    Figure::from_scene(&scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_ticks_are_multiples_of_the_limit_past_every_limit() {
        // 15 % with 20 % at the lowest standard: ±30 in steps of 15.
        let t = error_ticks(&[-4.0, 12.0, 3.0], Some(15.0), 20.0, 4);
        assert_eq!(t.values, [-30.0, -15.0, 0.0, 15.0, 30.0]);
        // The limit alone still leaves room beyond it.
        let t = error_ticks(&[], Some(15.0), 15.0, 4);
        assert_eq!((t.lo, t.hi), (-30.0, 30.0));
        // An error beyond: a wider side, then a wider step when there is no room.
        let t = error_ticks(&[-38.0], Some(15.0), 20.0, 6);
        assert_eq!(t.values, [-45.0, -30.0, -15.0, 0.0, 15.0, 30.0]);
        let t = error_ticks(&[-38.0], Some(15.0), 20.0, 4);
        assert_eq!(t.values, [-60.0, -30.0, 0.0, 30.0]);
        let t = error_ticks(&[420.0], Some(15.0), 20.0, 4);
        assert_eq!((t.step, t.lo, t.hi), (150.0, -150.0, 450.0));
        // Other limits keep their own multiples.
        let t = error_ticks(&[], Some(12.5), 12.5, 4);
        assert_eq!(t.values, [-25.0, -12.5, 0.0, 12.5, 25.0]);
    }

    #[test]
    fn error_ticks_without_a_limit_are_nice_ticks() {
        let t = error_ticks(&[-7.0, 9.0], None, 0.0, 4);
        assert_eq!(t.values, [-10.0, -5.0, 0.0, 5.0, 10.0]);
        assert_eq!(error_ticks(&[], None, 0.0, 4), nice_ticks(0.0, 0.0, 4));
        // A limit too small to step through huge errors falls back as well.
        let t = error_ticks(&[1e200], Some(1e-200), 1e-200, 4);
        assert!(t.hi >= 1e200 && t.values.len() <= 5);
    }

    #[test]
    fn titles_wrap_to_their_panel_and_keep_long_words_whole() {
        assert!(title_lines("  ", 8.0, 50.0).is_empty());
        assert_eq!(
            title_lines("Peak area ratio", 8.0, 200.0),
            ["Peak area ratio"]
        );
        let lines = title_lines("Back-calculated error (%)", 8.0, 40.0);
        assert_eq!(lines, ["Back-calculated", "error (%)"]);
    }

    #[test]
    fn titles_move_apart_within_their_panels() {
        // Short titles stay in the middle of their panels.
        assert_eq!(
            title_centres((0.0, 100.0), (120.0, 160.0), (40.0, 30.0)),
            (50.0, 140.0)
        );
        // A long lower title pushes the upper one up.
        let (cu, cl) = title_centres((0.0, 100.0), (120.0, 160.0), (60.0, 120.0));
        assert_eq!(cl, 140.0);
        assert!((cu - 44.0).abs() < 1e-9, "{cu}");
        assert!((cl - 60.0) - (cu + 30.0) >= TITLE_SPACE - 1e-9, "{cu} {cl}");
    }
}
