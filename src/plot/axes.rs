//! Pieces every figure shares: the y axis with its title, data markers and the legend.

use plotters::style::RGBColor;

use super::layout::{Style, Ticks};
use super::scene::{Anchor, Item, Rgba, Scene, BLACK};
use super::text;

/// Gap between tick marks and their labels, and between labels and axis titles.
pub(crate) const LABEL_GAP: f64 = 2.0;
pub(crate) const TITLE_GAP: f64 = 4.0;

/// Opacity of a marker's fill (its outline is opaque).
const MARKER_FILL_ALPHA: f64 = 0.45;

/// Distance from the left edge of the figure to the y axis line: padding, the rotated
/// title, tick labels and tick marks.
pub(crate) fn y_axis_margin(style: &Style, labels: &[String], title: &str) -> f64 {
    let (asc, desc) = text::ascent_descent();
    let widest = labels
        .iter()
        .map(|l| text::width(l, style.font))
        .fold(0.0, f64::max);
    let title_room = if title.is_empty() {
        0.0
    } else {
        (asc + desc) * style.title_font + TITLE_GAP
    };
    style.pad + title_room + widest + LABEL_GAP + style.tick_len
}

/// Draws the y axis at `x` over the ticks, labelled, with its title centred along it.
pub(crate) fn draw_y_axis(
    scene: &mut Scene,
    style: &Style,
    x: f64,
    y_of: &dyn Fn(f64) -> f64,
    ticks: &Ticks,
    labels: &[String],
    title: &str,
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
    // The title's descent faces the tick labels.
    let (_, desc) = text::ascent_descent();
    let widest = labels
        .iter()
        .map(|l| text::width(l, style.font))
        .fold(0.0, f64::max);
    let baseline = x - style.tick_len - LABEL_GAP - widest - TITLE_GAP - desc * style.title_font;
    scene.vertical_text(
        title,
        (baseline, (y_lo + y_hi) / 2.0),
        Anchor::Middle,
        style.title_font,
    );
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

/// How a legend entry shows its group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Key {
    /// A data marker (dot plots).
    Marker,
    /// A line with a solid disc (time courses).
    LineMarker,
    /// A line (survival curves).
    Line,
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
