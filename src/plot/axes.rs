//! Pieces every figure shares: the y axis with its title, data markers and the legend.

use plotters::style::RGBColor;

use super::layout::{nice_ticks, Style, Ticks};
use super::scene::{Anchor, Item, Rgba, Scene, BLACK};
use super::text;

/// Gap between tick marks and their labels, and between labels and axis titles.
pub(crate) const LABEL_GAP: f64 = 2.0;
pub(crate) const TITLE_GAP: f64 = 4.0;

/// Opacity of a marker's fill (its outline is opaque).
const MARKER_FILL_ALPHA: f64 = 0.45;

/// Width of the widest of `labels` at `size`.
pub(crate) fn widest(labels: &[String], size: f64) -> f64 {
    labels
        .iter()
        .map(|l| text::width(l, size))
        .fold(0.0, f64::max)
}

/// Room taken across the page by a y axis title of `lines` lines (rotated, side by side),
/// with its gap to the tick labels; 0 without a title.
pub(crate) fn y_title_room(style: &Style, lines: usize) -> f64 {
    if lines == 0 {
        return 0.0;
    }
    let (asc, desc) = text::ascent_descent();
    (asc + desc + (lines - 1) as f64 * text::LINE_SPACING) * style.title_font + TITLE_GAP
}

/// Distance from the left edge of the figure to the y axis line: padding, the rotated
/// title, tick labels and tick marks.
pub(crate) fn y_axis_margin(style: &Style, labels: &[String], title: &str) -> f64 {
    let lines = usize::from(!title.is_empty());
    style.pad + y_title_room(style, lines) + widest(labels, style.font) + LABEL_GAP + style.tick_len
}

/// The title of a y axis: its lines (reading upwards, the first farthest from the axis),
/// the room left to the tick labels (at least the widest of them; more to line up with
/// another axis above or below), and where along the page its centre goes (`None`: the
/// middle of the axis).
pub(crate) struct YTitle {
    pub lines: Vec<String>,
    pub label_room: f64,
    pub centre: Option<f64>,
}

impl YTitle {
    /// A title of one line, next to `labels`, centred along its axis.
    pub(crate) fn centred(title: &str, labels: &[String], style: &Style) -> YTitle {
        YTitle {
            lines: vec![title.to_string()],
            label_room: widest(labels, style.font),
            centre: None,
        }
    }
}

/// Draws the y axis at `x` over the ticks, labelled, with its title.
pub(crate) fn draw_y_axis(
    scene: &mut Scene,
    style: &Style,
    x: f64,
    y_of: &dyn Fn(f64) -> f64,
    ticks: &Ticks,
    labels: &[String],
    title: &YTitle,
) {
    let (y_lo, y_hi) = (y_of(ticks.lo), y_of(ticks.hi));
    scene.capped_line((x, y_lo), (x, y_hi), style.axis_width, BLACK);
    let cap = text::cap_height() * style.font;
    for (v, label) in ticks.values.iter().zip(labels) {
        let y = y_of(*v);
        scene.line((x - style.tick_len, y), (x, y), style.axis_width, BLACK);
        scene.text(
            label,
            (x - style.tick_len - LABEL_GAP, y + cap / 2.0),
            Anchor::End,
            style.font,
        );
    }
    // The last line's descent faces the tick labels.
    let (_, desc) = text::ascent_descent();
    let nearest =
        x - style.tick_len - LABEL_GAP - title.label_room - TITLE_GAP - desc * style.title_font;
    let centre = title.centre.unwrap_or((y_lo + y_hi) / 2.0);
    let spacing = text::LINE_SPACING * style.title_font;
    let n = title.lines.len();
    for (k, line) in title.lines.iter().enumerate() {
        scene.vertical_text(
            line,
            (nearest - (n - 1 - k) as f64 * spacing, centre),
            Anchor::Middle,
            style.title_font,
        );
    }
}

/// An x axis: its line at page `y` from `span.0` to `span.1`, a tick at each page x of
/// `ticks`, labelled by `labels` (no labels when empty: a panel above another), and its
/// title centred on `title_x`.
pub(crate) struct XAxis<'a> {
    pub y: f64,
    pub span: (f64, f64),
    pub ticks: Vec<f64>,
    pub labels: &'a [String],
    pub title: &'a str,
    pub title_x: f64,
}

/// Depth of an x axis below its line: ticks, labels and the title.
pub(crate) fn x_axis_depth(style: &Style, title: &str) -> f64 {
    let (asc, desc) = text::ascent_descent();
    let cap = text::cap_height() * style.font;
    let title_depth = if title.is_empty() {
        0.0
    } else {
        TITLE_GAP + (asc + desc) * style.title_font
    };
    title_depth + style.tick_len + LABEL_GAP + cap
}

pub(crate) fn draw_x_axis(scene: &mut Scene, style: &Style, axis: &XAxis) {
    let (asc, _) = text::ascent_descent();
    let cap = text::cap_height() * style.font;
    let y = axis.y;
    scene.capped_line((axis.span.0, y), (axis.span.1, y), style.axis_width, BLACK);
    for (i, &x) in axis.ticks.iter().enumerate() {
        scene.line((x, y), (x, y + style.tick_len), style.axis_width, BLACK);
        if let Some(label) = axis.labels.get(i) {
            scene.text(
                label,
                (x, y + style.tick_len + LABEL_GAP + cap),
                Anchor::Middle,
                style.font,
            );
        }
    }
    scene.text(
        axis.title,
        (
            axis.title_x,
            y + style.tick_len + LABEL_GAP + cap + TITLE_GAP + asc * style.title_font,
        ),
        Anchor::Middle,
        style.title_font,
    );
}

/// Round ticks over `[lo, hi]` with as many intervals (2 to 10) as fit `length` points
/// with room for their labels, judged on the widest label of a fine probe. Returns the
/// ticks and the number of intervals allowed.
pub(crate) fn ticks_that_fit(
    style: &Style,
    (lo, hi): (f64, f64),
    length: f64,
    labels: &dyn Fn(&Ticks) -> Vec<String>,
) -> (Ticks, usize) {
    let probe = labels(&nice_ticks(lo, hi, 10));
    let max_intervals = (length / (widest(&probe, style.font) + 2.0 * style.font))
        .floor()
        .clamp(2.0, 10.0) as usize;
    (nice_ticks(lo, hi, max_intervals), max_intervals)
}

/// A data point: a disc in `colour`, its fill semi-transparent and its outline opaque and
/// a little darker (so that the light colours of the palette, yellow above all, still
/// stand out on white).
pub(crate) fn marker(scene: &mut Scene, style: &Style, centre: (f64, f64), colour: RGBColor) {
    scene.items.push(Item::Circle {
        centre,
        radius: style.marker_radius,
        fill: Some(Rgba(colour, MARKER_FILL_ALPHA)),
        stroke: Some((Rgba::solid(darker(colour)), style.marker_stroke)),
    });
}

/// `colour` with a fifth of black mixed in.
fn darker(colour: RGBColor) -> RGBColor {
    let mix = |c: u8| ((u16::from(c) * 4 + 2) / 5) as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// A solid disc (the means of a time course).
pub(crate) fn solid_marker(scene: &mut Scene, style: &Style, centre: (f64, f64), colour: RGBColor) {
    scene.items.push(Item::Circle {
        centre,
        radius: style.marker_radius,
        fill: Some(Rgba::solid(colour)),
        stroke: None,
    });
}

/// An open circle in `colour`, a little larger than a data marker and with a heavier
/// outline (standards that fail acceptance): it reads as different by shape as well as by
/// colour.
pub(crate) fn open_marker(scene: &mut Scene, style: &Style, centre: (f64, f64), colour: RGBColor) {
    scene.items.push(Item::Circle {
        centre,
        radius: style.marker_radius + OPEN_MARKER_STROKE / 2.0,
        fill: None,
        stroke: Some((Rgba::solid(colour), OPEN_MARKER_STROKE)),
    });
}

/// Outline of an open marker, in points.
const OPEN_MARKER_STROKE: f64 = 1.0;

/// How a legend entry shows its group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Key {
    /// A data marker (dot plots).
    Marker,
    /// A line with a solid disc (time courses).
    LineMarker,
    /// A line (survival curves).
    Line,
    /// An open circle (failing calibration standards).
    OpenMarker,
}

pub(crate) struct Legend {
    pub title: String,
    pub entries: Vec<(String, RGBColor)>,
    pub key: Key,
}

const KEY_LINE: f64 = 12.0;
const KEY_GAP: f64 = 3.0;

impl Legend {
    fn key_width(&self, style: &Style) -> f64 {
        match self.key {
            Key::Marker => 2.0 * style.marker_radius + style.marker_stroke,
            Key::OpenMarker => 2.0 * style.marker_radius + 2.0 * OPEN_MARKER_STROKE,
            Key::LineMarker | Key::Line => KEY_LINE,
        }
    }

    fn row_height(&self, style: &Style) -> f64 {
        (text::LINE_SPACING * style.font).max(2.0 * style.marker_radius + 2.0)
    }

    /// Width taken by the legend, or 0 without entries.
    pub(crate) fn width(&self, style: &Style) -> f64 {
        if self.entries.is_empty() {
            return 0.0;
        }
        let widest = self
            .entries
            .iter()
            .map(|(l, _)| text::width(l, style.font))
            .fold(0.0, f64::max);
        (self.key_width(style) + KEY_GAP + widest).max(text::width(&self.title, style.font))
    }

    /// Height of the legend drawn by [`Legend::draw`], one entry a row; 0 without entries.
    pub(crate) fn height(&self, style: &Style) -> f64 {
        if self.entries.is_empty() {
            return 0.0;
        }
        let rows = self.entries.len() + usize::from(!self.title.is_empty());
        rows as f64 * self.row_height(style)
    }

    /// On the right of the plot when it takes at most [`RIGHT_LEGEND_SHARE`] of the figure's
    /// width, otherwise above the plot.
    pub(crate) fn placement(&self, style: &Style, figure_width: f64) -> Placement {
        if self.entries.is_empty() {
            Placement::None
        } else if self.width(style) <= RIGHT_LEGEND_SHARE * figure_width {
            Placement::Right
        } else {
            Placement::Top
        }
    }

    fn entry_width(&self, style: &Style, label: &str) -> f64 {
        self.key_width(style) + KEY_GAP + text::width(label, style.font)
    }

    /// Grid of a legend above a plot `width` wide: the title (if any) on the left of the
    /// first row, the entries in equal columns after it. Returns the left edge of the
    /// grid, its column width, and its number of columns and rows.
    fn grid(&self, style: &Style, width: f64) -> (f64, f64, usize, usize) {
        let start = if self.title.is_empty() {
            0.0
        } else {
            text::width(&self.title, style.font) + ENTRY_SPACE
        };
        let column = self
            .entries
            .iter()
            .map(|(l, _)| self.entry_width(style, l))
            .fold(0.0, f64::max)
            + ENTRY_SPACE;
        let fit = ((width - start + ENTRY_SPACE) / column).floor();
        let columns = if fit.is_finite() && fit >= 1.0 {
            (fit as usize).min(self.entries.len()).max(1)
        } else {
            1
        };
        let rows = self.entries.len().div_ceil(columns).max(1);
        (start, column, columns, rows)
    }

    /// Height of the legend above a plot `width` wide, gap below it included.
    pub(crate) fn top_height(&self, style: &Style, width: f64) -> f64 {
        let (_, _, _, rows) = self.grid(style, width);
        rows as f64 * self.row_height(style) + TOP_LEGEND_GAP
    }

    /// Draws the legend above a plot, in rows `width` wide from `(x, y)`.
    pub(crate) fn draw_top(&self, scene: &mut Scene, style: &Style, x: f64, y: f64, width: f64) {
        let cap = text::cap_height() * style.font;
        let row_h = self.row_height(style);
        let (start, column, columns, _) = self.grid(style, width);
        if !self.title.is_empty() {
            scene.text(
                &self.title,
                (x, y + row_h / 2.0 + cap / 2.0),
                Anchor::Start,
                style.font,
            );
        }
        for (i, (label, colour)) in self.entries.iter().enumerate() {
            let (row, col) = (i / columns, i % columns);
            let at = (
                x + start + col as f64 * column,
                y + (row as f64 + 0.5) * row_h,
            );
            self.entry(scene, style, at, label, *colour);
        }
    }

    /// One key and its label, the key's left end at `x`, centred on `centre_y`.
    fn entry(
        &self,
        scene: &mut Scene,
        style: &Style,
        (x, centre_y): (f64, f64),
        label: &str,
        colour: RGBColor,
    ) {
        let cap = text::cap_height() * style.font;
        let key = self.key_width(style);
        match self.key {
            Key::Marker => marker(scene, style, (x + key / 2.0, centre_y), colour),
            Key::OpenMarker => open_marker(scene, style, (x + key / 2.0, centre_y), colour),
            Key::LineMarker | Key::Line => {
                scene.line(
                    (x, centre_y),
                    (x + key, centre_y),
                    style.data_line_width,
                    Rgba::solid(colour),
                );
                if self.key == Key::LineMarker {
                    solid_marker(scene, style, (x + key / 2.0, centre_y), colour);
                }
            }
        }
        scene.text(
            label,
            (x + key + KEY_GAP, centre_y + cap / 2.0),
            Anchor::Start,
            style.font,
        );
    }

    /// Draws the legend with its top left corner at `(x, y)`, one entry per row.
    pub(crate) fn draw(&self, scene: &mut Scene, style: &Style, x: f64, y: f64) {
        if self.entries.is_empty() {
            return;
        }
        let cap = text::cap_height() * style.font;
        let row = self.row_height(style);
        let mut centre_y = y + row / 2.0;
        if !self.title.is_empty() {
            scene.text(
                &self.title,
                (x, centre_y + cap / 2.0),
                Anchor::Start,
                style.font,
            );
            centre_y += row;
        }
        for (label, colour) in &self.entries {
            self.entry(scene, style, (x, centre_y), label, *colour);
            centre_y += row;
        }
    }
}

/// Where a legend goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Placement {
    /// No entries: no legend.
    None,
    Right,
    Top,
}

/// Largest share of the figure's width a legend on the right may take.
const RIGHT_LEGEND_SHARE: f64 = 0.3;
/// Space between entries of a legend above the plot, and below that legend.
const ENTRY_SPACE: f64 = 8.0;
const TOP_LEGEND_GAP: f64 = 3.0;

/// Gap between the plot and a legend on its right.
pub(crate) const LEGEND_GAP: f64 = 8.0;
