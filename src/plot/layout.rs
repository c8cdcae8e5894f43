//! Layout helpers shared by the figures: physical sizes and font sizes, nice axis ticks
//! and their labels, the summary drawn over the points, the beeswarm that keeps points
//! from hiding each other, and the stacking of significance brackets.

use crate::stats::{mean, quantile_type7, variance};
use crate::study::StudyRng;

/// Points per millimetre.
pub(crate) const PT_PER_MM: f64 = 72.0 / 25.4;

/// Journal column width of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureWidth {
    /// One column: 85 mm.
    OneColumn,
    /// Two columns (full page width): 180 mm.
    TwoColumn,
}

impl FigureWidth {
    /// Width in millimetres.
    pub fn mm(self) -> f64 {
        match self {
            FigureWidth::OneColumn => 85.0,
            FigureWidth::TwoColumn => 180.0,
        }
    }

    /// Size of tick labels, group labels, legend entries and bracket text, in points at
    /// the final printed width: 7 pt at 85 mm rising linearly to 8 pt at 180 mm (never
    /// below 7 pt, the smallest size journals accept). Axis titles are 1 pt larger.
    pub fn font_pt(self) -> f64 {
        font_pt_for_width(self.mm())
    }
}

pub(crate) fn font_pt_for_width(mm: f64) -> f64 {
    (7.0 + (mm - 85.0) / 95.0).clamp(7.0, 9.0)
}

/// Line widths, lengths and text sizes of one figure, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    /// Tick labels, group labels, legend and bracket text.
    pub font: f64,
    /// Axis titles.
    pub title_font: f64,
    pub axis_width: f64,
    pub tick_len: f64,
    pub marker_radius: f64,
    pub marker_stroke: f64,
    /// Mean or median line.
    pub centre_width: f64,
    pub error_width: f64,
    pub bracket_width: f64,
    pub data_line_width: f64,
    /// Blank border around everything.
    pub pad: f64,
}

impl Style {
    pub(crate) fn for_width(width: FigureWidth) -> Style {
        let font = width.font_pt();
        let wide = width == FigureWidth::TwoColumn;
        Style {
            font,
            title_font: font + 1.0,
            axis_width: 0.75,
            tick_len: 3.0,
            marker_radius: if wide { 2.6 } else { 2.2 },
            marker_stroke: 0.6,
            centre_width: 1.0,
            error_width: 0.75,
            bracket_width: 0.6,
            data_line_width: 1.0,
            pad: 3.0,
        }
    }
}

/// Values that can be placed on an axis: finite and at most 1e300 in magnitude (so that
/// sums and tick arithmetic stay finite). Everything else is treated as missing.
pub(crate) fn plottable(v: f64) -> bool {
    v.is_finite() && v.abs() <= 1e300
}

/// Axis range with equally spaced round ticks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

impl Ticks {
    pub(crate) fn fixed(lo: f64, hi: f64, step: f64) -> Ticks {
        let n = ((hi - lo) / step).round().max(1.0) as usize;
        Ticks {
            lo,
            hi,
            step,
            values: (0..=n).map(|i| lo + i as f64 * step).collect(),
        }
    }
}

/// Round ticks covering `[lo, hi]` and zero, with at most `max_intervals` intervals: the
/// step is 1, 2, 2.5 or 5 times a power of ten, the smallest that fits. Non-finite or
/// reversed input falls back to 0–1.
pub(crate) fn nice_ticks(lo: f64, hi: f64, max_intervals: usize) -> Ticks {
    let max_intervals = max_intervals.max(1) as f64;
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
        (lo.min(0.0), hi.max(0.0))
    } else {
        (0.0, 1.0)
    };
    if hi == lo {
        hi = lo + 1.0;
    }
    // Keep a range of at most a few 1e300 so that nothing overflows.
    lo = lo.max(-1e300);
    hi = hi.min(1e300);
    let raw = (hi - lo) / max_intervals;
    let e = raw.log10().floor() as i32;
    // The step as m × 10^k; tick i is computed as (i·m) / 10^−k when k < 0 so that
    // 0.6 is 0.6 and not 3 × 0.2 = 0.6000000000000001.
    let times_step = |i: f64, m: f64, k: i32| {
        if k < 0 {
            i * m / 10f64.powi(-k)
        } else {
            i * m * 10f64.powi(k)
        }
    };
    let mut chosen = (1.0, e + 3);
    'search: for k in e..=e + 2 {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = times_step(1.0, m, k);
            let n = (hi / step - 1e-9).ceil() - (lo / step + 1e-9).floor();
            if n <= max_intervals {
                chosen = (m, k);
                break 'search;
            }
        }
    }
    let (m, k) = chosen;
    let step = times_step(1.0, m, k);
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let n = (last - first).max(1.0) as usize;
    let values: Vec<f64> = (0..=n)
        .map(|i| times_step(first + i as f64, m, k))
        .collect();
    Ticks {
        lo: values[0],
        hi: values[n],
        step,
        values,
    }
}

const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// Tick labels: as many decimals as the step needs, a true minus sign, and a common
/// power of ten ("2.5×10⁶") when the numbers reach a million or the step is below 0.001.
pub(crate) fn tick_labels(ticks: &Ticks) -> Vec<String> {
    tick_labels_powers_from(ticks, 1e6)
}

/// Tick labels as [`tick_labels`], with the common power of ten from `threshold` on: the
/// largest tick (in magnitude) of at least `threshold` writes every label as a multiple of
/// 10 to the power of that tick's order ("0.5×10⁵", …, "2.5×10⁵" for 0 to 250 000 from
/// 10⁵), so that long numbers stay short and their zeros need no counting.
pub(crate) fn tick_labels_powers_from(ticks: &Ticks, threshold: f64) -> Vec<String> {
    let step = ticks.step;
    let biggest = ticks.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (divisor, suffix) = if biggest >= threshold || step < 1e-3 {
        let e = biggest.log10().floor() as i32;
        let mut suffix = String::from("×10");
        if e < 0 {
            suffix.push('⁻');
        }
        for d in e.unsigned_abs().to_string().bytes() {
            suffix.push(SUPERSCRIPT[usize::from(d - b'0')]);
        }
        (10f64.powi(e), suffix)
    } else {
        (1.0, String::new())
    };
    let scaled_step = step / divisor;
    let decimals = (0..=12)
        .find(|&d| {
            let x = scaled_step * 10f64.powi(d);
            (x - x.round()).abs() < 1e-6 * x.max(1.0)
        })
        .unwrap_or(12) as usize;
    ticks
        .values
        .iter()
        .map(|&v| {
            if v.abs() < step * 1e-6 {
                return "0".to_string();
            }
            let s = format!("{:.*}", decimals, (v / divisor).abs());
            let sign = if v < 0.0 { "\u{2212}" } else { "" };
            format!("{sign}{s}{suffix}")
        })
        .collect()
}

/// Centre and error bar drawn over the points of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// Mean ± standard error of the mean.
    MeanSem,
    /// Mean ± standard deviation (n − 1).
    MeanSd,
    /// Median with the interquartile range (quartiles of type 7, as R's default).
    MedianIqr,
}

/// A group's centre (mean or median) and the ends of its error bar, if it has one.
pub(crate) type Centre = (f64, Option<(f64, f64)>);

/// Centre line and error bar ends of `values` (plottable values only): `None` for no
/// values; no bar for a single value.
pub(crate) fn summarise(values: &[f64], summary: Summary) -> Option<Centre> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let result = match summary {
        Summary::MeanSem | Summary::MeanSd => {
            let m = mean(values);
            let bar = if values.len() < 2 {
                None
            } else {
                let sd = variance(values).max(0.0).sqrt();
                let half = if summary == Summary::MeanSem {
                    sd / n.sqrt()
                } else {
                    sd
                };
                Some((m - half, m + half))
            };
            (m, bar)
        }
        Summary::MedianIqr => {
            let mut sorted = values.to_vec();
            sorted.sort_by(f64::total_cmp);
            let bar = (values.len() >= 2)
                .then(|| (quantile_type7(&sorted, 0.25), quantile_type7(&sorted, 0.75)));
            (quantile_type7(&sorted, 0.5), bar)
        }
    };
    let (centre, bar) = result;
    let bar = bar.filter(|(a, b)| plottable(*a) && plottable(*b));
    plottable(centre).then_some((centre, bar))
}

/// Horizontal offsets for points at heights `ys` (points) so that no two markers of
/// diameter `diameter` overlap, each as close as possible to a small seeded jitter of at
/// most ±`jitter`, and none further than `max_half` from the centre.
///
/// Points are placed from the lowest up (ties by input order). A point keeps its jitter
/// when that position is free; otherwise it goes to the nearest free position touching an
/// already placed marker. Only when no free position remains within `max_half` does it
/// take the position that overlaps least. The same input and seed give the same offsets.
pub(crate) fn beeswarm(
    ys: &[f64],
    diameter: f64,
    max_half: f64,
    jitter: f64,
    rng: &mut StudyRng,
) -> Vec<f64> {
    const RESOLUTION: u64 = 1 << 53;
    let mut order: Vec<usize> = (0..ys.len()).collect();
    order.sort_by(|&a, &b| ys[a].total_cmp(&ys[b]).then(a.cmp(&b)));
    let max_half = max_half.max(0.0);
    let jitter = jitter.clamp(0.0, max_half);
    let mut xs = vec![0.0; ys.len()];
    let mut placed: Vec<(f64, f64)> = Vec::with_capacity(ys.len());
    let clearance = |x: f64, y: f64, placed: &[(f64, f64)]| {
        placed
            .iter()
            .map(|&(px, py)| (x - px).hypot(y - py))
            .fold(f64::INFINITY, f64::min)
    };
    for &i in &order {
        let y = ys[i];
        let u = rng.below(RESOLUTION) as f64 / RESOLUTION as f64;
        let x0 = (2.0 * u - 1.0) * jitter;
        let mut candidates = vec![x0];
        for &(px, py) in &placed {
            let dy = (y - py).abs();
            if dy < diameter {
                let dx = (diameter * diameter - dy * dy).sqrt() * (1.0 + 1e-9);
                candidates.push(px - dx);
                candidates.push(px + dx);
            }
        }
        let tolerance = diameter * (1.0 - 1e-6);
        let free = candidates
            .iter()
            .copied()
            .filter(|x| x.abs() <= max_half + 1e-9 && clearance(*x, y, &placed) >= tolerance)
            .min_by(|a, b| {
                (a - x0)
                    .abs()
                    .total_cmp(&(b - x0).abs())
                    .then(a.abs().total_cmp(&b.abs()))
                    .then(a.total_cmp(b))
            });
        let x = free.unwrap_or_else(|| {
            // Crowded: the position within bounds that overlaps least.
            let steps = 40;
            (0..=steps)
                .map(|k| -max_half + 2.0 * max_half * k as f64 / steps as f64)
                .chain(candidates.iter().map(|x| x.clamp(-max_half, max_half)))
                .max_by(|a, b| {
                    clearance(*a, y, &placed)
                        .total_cmp(&clearance(*b, y, &placed))
                        .then((b - x0).abs().total_cmp(&(a - x0).abs()))
                })
                .unwrap_or(0.0)
        });
        xs[i] = x;
        placed.push((x, y));
    }
    xs
}

/// A significance bracket to place: its line from `x1` to `x2`, the lowest its line may
/// sit (`floor`, page y growing downwards: just above the data under it), and the ink of
/// its text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BracketSpec {
    pub x1: f64,
    pub x2: f64,
    pub floor: f64,
    pub text_width: f64,
    /// Height of the text's ink plus the gap between text and line.
    pub text_height: f64,
}

/// Vertical position (page y of the line) of each bracket. Short brackets are placed
/// first, each as low as the data under it allows and above every bracket already placed
/// whose box (line, legs of length `leg`, and text) it would touch horizontally; boxes are
/// kept `gap` apart.
pub(crate) fn stack_brackets(specs: &[BracketSpec], leg: f64, gap: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (&specs[a], &specs[b]);
        (sa.x2 - sa.x1)
            .total_cmp(&(sb.x2 - sb.x1))
            .then(sa.x1.total_cmp(&sb.x1))
            .then(a.cmp(&b))
    });
    let extent = |s: &BracketSpec| {
        let c = (s.x1 + s.x2) / 2.0;
        (
            s.x1.min(c - s.text_width / 2.0),
            s.x2.max(c + s.text_width / 2.0),
        )
    };
    let mut ys = vec![0.0; specs.len()];
    // Placed boxes: horizontal extent and top.
    let mut boxes: Vec<(f64, f64, f64)> = Vec::new();
    for i in order {
        let s = &specs[i];
        let (l, r) = extent(s);
        let mut y = s.floor;
        for &(bl, br, top) in &boxes {
            if l < br + gap && bl < r + gap {
                y = y.min(top - gap - leg);
            }
        }
        ys[i] = y;
        boxes.push((l, r, y - s.text_height));
    }
    ys
}

/// A label broken into lines: first at its own line breaks, then, when a line is wider
/// than `max_width`, at spaces (greedily). Returns `None` if a single word is still too
/// wide.
pub(crate) fn wrap_label(label: &str, size: f64, max_width: f64) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    for part in label.split('\n') {
        let part = part.trim();
        if super::text::width(part, size) <= max_width {
            lines.push(part.to_string());
            continue;
        }
        let mut current = String::new();
        for word in part.split_whitespace() {
            if super::text::width(word, size) > max_width {
                return None;
            }
            let joined = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if super::text::width(&joined, size) <= max_width {
                current = joined;
            } else {
                lines.push(std::mem::take(&mut current));
                current = word.to_string();
            }
        }
        lines.push(current);
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_the_data_from_zero() {
        let t = nice_ticks(12.0, 173.0, 5);
        assert_eq!(t.values, vec![0.0, 50.0, 100.0, 150.0, 200.0]);
        let t = nice_ticks(0.0, 240.0, 5);
        assert_eq!((t.lo, t.hi, t.step), (0.0, 250.0, 50.0));
        let t = nice_ticks(0.0, 58.0, 5);
        assert_eq!(t.values, vec![0.0, 20.0, 40.0, 60.0]);
        let t = nice_ticks(0.0, 0.9, 5);
        assert_eq!((t.hi, t.step), (1.0, 0.2));
        let t = nice_ticks(0.0, 1.2, 5);
        assert_eq!((t.hi, t.step), (1.25, 0.25));
        // Negative data: the range still contains zero.
        let t = nice_ticks(-37.0, -5.0, 5);
        assert_eq!((t.lo, t.hi, t.step), (-40.0, 0.0, 10.0));
        let t = nice_ticks(-12.0, 31.0, 5);
        assert_eq!((t.lo, t.hi, t.step), (-20.0, 40.0, 20.0));
    }

    #[test]
    fn nice_ticks_of_degenerate_and_huge_ranges() {
        let zero_one = vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0];
        assert_eq!(nice_ticks(0.0, 0.0, 5).values, zero_one);
        assert_eq!(nice_ticks(f64::NAN, 3.0, 5).values, zero_one);
        let t = nice_ticks(7.0, 7.0, 5);
        assert_eq!((t.lo, t.hi, t.step), (0.0, 8.0, 2.0));
        let t = nice_ticks(0.0, 3.2e9, 5);
        assert_eq!((t.hi, t.step), (4e9, 1e9));
        let t = nice_ticks(0.0, 1e300, 5);
        assert!(t.hi.is_finite() && t.hi >= 1e300);
        let t = nice_ticks(0.0, 3e-7, 5);
        assert!(t.step > 0.0 && t.hi >= 3e-7 && t.values.len() <= 6);
    }

    #[test]
    fn tick_labels_use_the_decimals_of_the_step() {
        assert_eq!(
            tick_labels(&nice_ticks(0.0, 200.0, 5)),
            ["0", "50", "100", "150", "200"]
        );
        assert_eq!(
            tick_labels(&nice_ticks(0.0, 1.2, 5)),
            ["0", "0.25", "0.50", "0.75", "1.00", "1.25"]
        );
        assert_eq!(
            tick_labels(&nice_ticks(-20.0, 20.0, 4)),
            ["\u{2212}20", "\u{2212}10", "0", "10", "20"]
        );
        assert_eq!(
            tick_labels(&nice_ticks(0.0, 5e6, 5)),
            ["0", "1×10⁶", "2×10⁶", "3×10⁶", "4×10⁶", "5×10⁶"]
        );
        assert_eq!(
            tick_labels(&nice_ticks(0.0, 4e-4, 4)),
            ["0", "1×10⁻⁴", "2×10⁻⁴", "3×10⁻⁴", "4×10⁻⁴"]
        );
    }

    #[test]
    fn tick_labels_take_a_power_of_ten_from_the_threshold() {
        let ticks = nice_ticks(0.0, 250_000.0, 5);
        assert_eq!(
            tick_labels_powers_from(&ticks, 1e5),
            ["0", "0.5×10⁵", "1.0×10⁵", "1.5×10⁵", "2.0×10⁵", "2.5×10⁵"]
        );
        // Below the threshold, and by default below a million, plain numbers.
        assert_eq!(
            tick_labels(&ticks),
            ["0", "50000", "100000", "150000", "200000", "250000"]
        );
        assert_eq!(
            tick_labels_powers_from(&nice_ticks(0.0, 80_000.0, 4), 1e5),
            ["0", "20000", "40000", "60000", "80000"]
        );
        // The threshold is reached by the largest tick, not the data.
        assert_eq!(
            tick_labels_powers_from(&nice_ticks(0.0, 96_000.0, 5), 1e5),
            ["0", "0.2×10⁵", "0.4×10⁵", "0.6×10⁵", "0.8×10⁵", "1.0×10⁵"]
        );
        // Negative ticks count by magnitude; small steps keep their power of ten.
        assert_eq!(
            tick_labels_powers_from(&nice_ticks(-3e5, 1e5, 4), 1e5),
            [
                "\u{2212}3×10⁵",
                "\u{2212}2×10⁵",
                "\u{2212}1×10⁵",
                "0",
                "1×10⁵"
            ]
        );
        assert_eq!(
            tick_labels_powers_from(&nice_ticks(0.0, 4e-4, 4), 1e5),
            tick_labels(&nice_ticks(0.0, 4e-4, 4))
        );
    }

    #[test]
    fn font_size_follows_the_printed_width() {
        assert_eq!(FigureWidth::OneColumn.font_pt(), 7.0);
        assert_eq!(FigureWidth::TwoColumn.font_pt(), 8.0);
        assert_eq!(font_pt_for_width(40.0), 7.0);
        assert_eq!(font_pt_for_width(500.0), 9.0);
        // 7 pt at 300 dpi is 29 pixels of em.
        assert!((7.0 * 300.0 / 72.0 - 29.17f64).abs() < 0.01);
    }

    #[test]
    fn summaries() {
        let v = [2.0, 4.0, 6.0, 8.0];
        let (m, bar) = summarise(&v, Summary::MeanSd).unwrap();
        let sd = (20.0f64 / 3.0).sqrt();
        assert_eq!(m, 5.0);
        let (lo, hi) = bar.unwrap();
        assert!((lo - (5.0 - sd)).abs() < 1e-12 && (hi - (5.0 + sd)).abs() < 1e-12);
        let (_, bar) = summarise(&v, Summary::MeanSem).unwrap();
        assert!((bar.unwrap().1 - (5.0 + sd / 2.0)).abs() < 1e-12);
        let (med, bar) = summarise(&v, Summary::MedianIqr).unwrap();
        assert_eq!((med, bar), (5.0, Some((3.5, 6.5))));
        assert_eq!(summarise(&[3.0], Summary::MeanSem), Some((3.0, None)));
        assert_eq!(summarise(&[], Summary::MeanSem), None);
    }

    fn min_distance(xs: &[f64], ys: &[f64]) -> f64 {
        let mut d = f64::INFINITY;
        for i in 0..xs.len() {
            for j in 0..i {
                d = d.min((xs[i] - xs[j]).hypot(ys[i] - ys[j]));
            }
        }
        d
    }

    #[test]
    fn beeswarm_is_deterministic_and_never_overlaps_when_there_is_room() {
        let ys: Vec<f64> = [50.0, 50.5, 51.0, 50.0, 80.0, 50.2, 49.9, 50.0, 65.0, 50.1].to_vec();
        let run = |seed| beeswarm(&ys, 5.0, 30.0, 2.5, &mut StudyRng::new(seed, "t"));
        let xs = run(1);
        assert_eq!(xs, run(1));
        assert_ne!(xs, run(2));
        assert!(min_distance(&xs, &ys) >= 5.0 * (1.0 - 1e-6), "{xs:?}");
        assert!(xs.iter().all(|x| x.abs() <= 30.0));
        // Isolated points stay within the jitter of the centre.
        assert!(xs[4].abs() <= 2.5 && xs[8].abs() <= 2.5);
    }

    #[test]
    fn beeswarm_of_equal_values_spreads_them_side_by_side() {
        let ys = vec![10.0; 7];
        let xs = beeswarm(&ys, 4.0, 20.0, 1.0, &mut StudyRng::new(3, "t"));
        assert!(min_distance(&xs, &ys) >= 4.0 * (1.0 - 1e-6), "{xs:?}");
        let width = xs.iter().cloned().fold(f64::MIN, f64::max)
            - xs.iter().cloned().fold(f64::MAX, f64::min);
        assert!(width <= 6.0 * 4.0 + 1e-6, "{xs:?}");
    }

    #[test]
    fn beeswarm_stays_in_bounds_when_crowded() {
        let ys = vec![10.0; 30];
        let xs = beeswarm(&ys, 4.0, 10.0, 1.0, &mut StudyRng::new(3, "t"));
        assert!(xs.iter().all(|x| x.abs() <= 10.0 + 1e-9));
        assert!(beeswarm(&[], 4.0, 10.0, 1.0, &mut StudyRng::new(3, "t")).is_empty());
    }

    fn spec(x1: f64, x2: f64, floor: f64) -> BracketSpec {
        BracketSpec {
            x1,
            x2,
            floor,
            text_width: 10.0,
            text_height: 8.0,
        }
    }

    #[test]
    fn brackets_stack_without_overlapping() {
        // Groups at 0, 50, 100, 150; data tops (page y) 100 everywhere.
        let specs = [
            spec(0.0, 100.0, 100.0),
            spec(2.0, 48.0, 100.0),
            spec(52.0, 98.0, 100.0),
            spec(0.0, 150.0, 100.0),
            spec(102.0, 148.0, 100.0),
        ];
        let (leg, gap) = (3.0, 2.0);
        let ys = stack_brackets(&specs, leg, gap);
        // Adjacent short brackets share a level, just above the data.
        assert_eq!(ys[1], 100.0);
        assert_eq!(ys[2], 100.0);
        assert_eq!(ys[4], 100.0);
        // Longer ones go above every bracket they cover, clear of its text and legs.
        assert_eq!(ys[0], 100.0 - 8.0 - gap - leg);
        assert_eq!(ys[3], ys[0] - 8.0 - gap - leg);
        for i in 0..specs.len() {
            for j in 0..i {
                let (a, b) = (&specs[i], &specs[j]);
                let overlap_x = a.x1 < b.x2 && b.x1 < a.x2;
                if overlap_x {
                    let (top_a, bottom_a) = (ys[i] - a.text_height, ys[i] + leg);
                    let (top_b, bottom_b) = (ys[j] - b.text_height, ys[j] + leg);
                    assert!(bottom_a <= top_b || bottom_b <= top_a, "{i} {j} {ys:?}");
                }
            }
        }
    }

    #[test]
    fn brackets_rest_on_the_data_beneath() {
        let ys = stack_brackets(
            &[spec(0.0, 50.0, 80.0), spec(100.0, 150.0, 120.0)],
            3.0,
            2.0,
        );
        assert_eq!(ys, vec![80.0, 120.0]);
    }

    #[test]
    fn labels_wrap_at_spaces_and_line_breaks() {
        let lines = wrap_label("Imipramine\n30 mg/kg", 7.0, 100.0).unwrap();
        assert_eq!(lines, ["Imipramine", "30 mg/kg"]);
        let lines = wrap_label("Vehicle saline control", 7.0, 40.0).unwrap();
        assert_eq!(lines, ["Vehicle", "saline", "control"]);
        assert_eq!(wrap_label("Fluoxetine", 7.0, 10.0), None);
        assert_eq!(wrap_label("", 7.0, 10.0).unwrap(), [""]);
    }
}
