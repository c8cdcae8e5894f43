//! A figure as a list of drawing primitives in points (1/72 inch, y downwards), and its
//! rendering to SVG and PNG through plotters' backends.
//!
//! Layout happens once, in points; each backend only scales and rounds. The SVG uses a
//! tenth of a point as its user unit and declares its physical size in points; the PNG is
//! drawn at twice its final resolution and averaged down (anti-aliasing every shape, not
//! only text), then encoded with its resolution in the pHYs chunk.
//!
//! Drawing into memory cannot fail: the SVG backend appends to a `String`, the bitmap
//! backend writes into a buffer of exactly its size, and the only font is compiled in and
//! registered before drawing. Backend results are still propagated as [`RenderError`];
//! the public figure functions turn one into an empty output instead of panicking.

use plotters::backend::{BitMapBackend, DrawingBackend, RGBPixel, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontTransform, IntoFont, RGBAColor, RGBColor, ShapeStyle, TextStyle};

use super::text;
use super::theme::{register_font, FONT_FAMILY};

/// Resolution of the PNG, in pixels per inch.
pub const PNG_DPI: f64 = 300.0;
/// The PNG is drawn this many times larger in each direction, then averaged down.
const SUPERSAMPLE: u32 = 2;
/// SVG user units per point.
const SVG_UNITS_PER_PT: f64 = 10.0;
/// Family written into the SVG, for viewers and editors that do not have DejaVu Sans.
const SVG_FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/// A colour with opacity (0 transparent, 1 opaque).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rgba(pub RGBColor, pub f64);

impl Rgba {
    pub(crate) fn solid(c: RGBColor) -> Self {
        Rgba(c, 1.0)
    }
    fn plotters(self) -> RGBAColor {
        RGBAColor(self.0 .0, self.0 .1, self.0 .2, self.1)
    }
}

pub(crate) const BLACK: Rgba = Rgba(RGBColor(0, 0, 0), 1.0);

/// Horizontal placement of text relative to its anchor point (along the reading direction
/// for vertical text).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    /// Fraction of the text's width that lies before the anchor point.
    fn before(self) -> f64 {
        match self {
            Anchor::Start => 0.0,
            Anchor::Middle => 0.5,
            Anchor::End => 1.0,
        }
    }
}

pub(crate) type Pt = (f64, f64);

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    /// A straight line; square caps extend it by half its width at both ends, so that
    /// lines meeting at a corner close it.
    Line {
        from: Pt,
        to: Pt,
        width: f64,
        colour: Rgba,
        square_caps: bool,
    },
    /// A polyline with mitred joins.
    Path {
        points: Vec<Pt>,
        width: f64,
        colour: Rgba,
    },
    /// A filled rectangle.
    Rect { min: Pt, max: Pt, colour: Rgba },
    Circle {
        centre: Pt,
        radius: f64,
        fill: Option<Rgba>,
        stroke: Option<(Rgba, f64)>,
    },
    /// One line of text; `at` is a point of the baseline. Vertical text reads upwards,
    /// its baseline a vertical line through `at`.
    Text {
        text: String,
        at: Pt,
        anchor: Anchor,
        size: f64,
        colour: Rgba,
        vertical: bool,
    },
}

/// Everything drawn in one figure, in points.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scene {
    pub width: f64,
    pub height: f64,
    pub items: Vec<Item>,
}

impl Scene {
    pub(crate) fn new(width: f64, height: f64) -> Self {
        Scene {
            width,
            height,
            items: Vec::new(),
        }
    }

    pub(crate) fn line(&mut self, from: Pt, to: Pt, width: f64, colour: Rgba) {
        self.items.push(Item::Line {
            from,
            to,
            width,
            colour,
            square_caps: false,
        });
    }

    pub(crate) fn capped_line(&mut self, from: Pt, to: Pt, width: f64, colour: Rgba) {
        self.items.push(Item::Line {
            from,
            to,
            width,
            colour,
            square_caps: true,
        });
    }

    /// A dashed line: dashes `dash` long, `gap` apart, the first starting at `from` and the
    /// last cut short at `to`.
    pub(crate) fn dashed_line(
        &mut self,
        from: Pt,
        to: Pt,
        width: f64,
        colour: Rgba,
        (dash, gap): (f64, f64),
    ) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = dx.hypot(dy);
        if !(len.is_finite() && dash > 0.0 && gap >= 0.0) {
            return;
        }
        let at = |d: f64| (from.0 + dx * d / len, from.1 + dy * d / len);
        let mut start = 0.0;
        while start < len {
            let end = (start + dash).min(len);
            self.line(at(start), at(end), width, colour);
            start = end + gap;
        }
    }

    pub(crate) fn text(&mut self, text: &str, at: Pt, anchor: Anchor, size: f64) {
        if text.is_empty() {
            return;
        }
        self.items.push(Item::Text {
            text: text.to_string(),
            at,
            anchor,
            size,
            colour: BLACK,
            vertical: false,
        });
    }

    pub(crate) fn vertical_text(&mut self, text: &str, at: Pt, anchor: Anchor, size: f64) {
        if text.is_empty() {
            return;
        }
        self.items.push(Item::Text {
            text: text.to_string(),
            at,
            anchor,
            size,
            colour: BLACK,
            vertical: true,
        });
    }
}

/// A backend failed while drawing (not expected for in-memory targets; see the module
/// documentation).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot draw the figure: {0}")]
pub struct RenderError(String);

fn fail<E: std::fmt::Display>(e: E) -> RenderError {
    RenderError(e.to_string())
}

/// Size in device units of a length in points.
fn device_size(pt: f64, scale: f64) -> u32 {
    let v = (pt * scale).round();
    if v.is_finite() && v >= 1.0 {
        v.min(1e6) as u32
    } else {
        1
    }
}

fn device_point(p: Pt, scale: f64) -> (i32, i32) {
    let clamp = |v: f64| {
        let v = (v * scale).round();
        if v.is_finite() {
            v.clamp(-1e8, 1e8) as i32
        } else {
            0
        }
    };
    (clamp(p.0), clamp(p.1))
}

/// plotters writes `size / 1.24` as the SVG font size, which floating point can leave as
/// `70.00000000000001`: rounds every font size of the document to a hundredth.
fn tidy_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(KEY) {
        let (head, tail) = rest.split_at(at + KEY.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        match tail[..end].parse::<f64>() {
            Ok(v) => out.push_str(&format!("{}", (v * 100.0).round() / 100.0)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    Svg,
    Bitmap,
}

fn paint<DB: DrawingBackend>(
    scene: &Scene,
    db: &mut DB,
    scale: f64,
    target: Target,
) -> Result<(), RenderError> {
    for item in &scene.items {
        match item {
            Item::Line {
                from,
                to,
                width,
                colour,
                square_caps,
            } => {
                let (mut from, mut to) = (*from, *to);
                if *square_caps {
                    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
                    let len = dx.hypot(dy);
                    if len > 0.0 {
                        let (ux, uy) = (dx / len * width / 2.0, dy / len * width / 2.0);
                        from = (from.0 - ux, from.1 - uy);
                        to = (to.0 + ux, to.1 + uy);
                    }
                }
                let (a, b) = (device_point(from, scale), device_point(to, scale));
                if a == b {
                    continue;
                }
                let style = ShapeStyle {
                    color: colour.plotters(),
                    filled: false,
                    stroke_width: device_size(*width, scale),
                };
                db.draw_line(a, b, &style).map_err(fail)?;
            }
            Item::Path {
                points,
                width,
                colour,
            } => {
                let mut device: Vec<(i32, i32)> = Vec::with_capacity(points.len());
                for p in points {
                    let d = device_point(*p, scale);
                    if device.last() != Some(&d) {
                        device.push(d);
                    }
                }
                let style = ShapeStyle {
                    color: colour.plotters(),
                    filled: false,
                    stroke_width: device_size(*width, scale),
                };
                match device.len() {
                    0 | 1 => {}
                    2 => db.draw_line(device[0], device[1], &style).map_err(fail)?,
                    _ => db.draw_path(device, &style).map_err(fail)?,
                }
            }
            Item::Rect { min, max, colour } => {
                let style = ShapeStyle {
                    color: colour.plotters(),
                    filled: true,
                    stroke_width: 1,
                };
                let (a, b) = (device_point(*min, scale), device_point(*max, scale));
                if a.0 < b.0 && a.1 < b.1 {
                    db.draw_rect(a, b, &style, true).map_err(fail)?;
                }
            }
            Item::Circle {
                centre,
                radius,
                fill,
                stroke,
            } => {
                let c = device_point(*centre, scale);
                let r = device_size(*radius, scale);
                if let Some(fill) = fill {
                    let style = ShapeStyle {
                        color: fill.plotters(),
                        filled: true,
                        stroke_width: 1,
                    };
                    db.draw_circle(c, r, &style, true).map_err(fail)?;
                }
                if let Some((colour, width)) = stroke {
                    let style = ShapeStyle {
                        color: colour.plotters(),
                        filled: false,
                        stroke_width: device_size(*width, scale),
                    };
                    db.draw_circle(c, r, &style, false).map_err(fail)?;
                }
            }
            Item::Text {
                text: content,
                at,
                anchor,
                size,
                colour,
                vertical,
            } => {
                let em = size * scale;
                let colour = colour.plotters();
                match target {
                    Target::Svg => {
                        let em = (em * 100.0).round() / 100.0;
                        let h = match anchor {
                            Anchor::Start => HPos::Left,
                            Anchor::Middle => HPos::Center,
                            Anchor::End => HPos::Right,
                        };
                        // The SVG backend sets dy = 0.76 em for top-anchored text.
                        let drop = 0.76 * em / scale;
                        let (x, y) = if *vertical {
                            (at.0 - drop, at.1)
                        } else {
                            (at.0, at.1 - drop)
                        };
                        let mut style = TextStyle::from((FONT_FAMILY, em * 1.24).into_font())
                            .color(&colour)
                            .pos(Pos::new(h, VPos::Top));
                        if *vertical {
                            style = style.transform(FontTransform::Rotate270);
                        }
                        db.draw_text(content, &style, device_point((x, y), scale))
                            .map_err(fail)?;
                    }
                    Target::Bitmap => {
                        // The rasteriser puts the baseline half its size below the
                        // top-left corner it is given, and scales glyphs so that ascent +
                        // descent equals that size.
                        let rasteriser_size = em * text::height_per_em();
                        let before = text::width(content, *size) * anchor.before();
                        let half = rasteriser_size / 2.0 / scale;
                        let (x, y) = if *vertical {
                            (at.0 - half, at.1 + before)
                        } else {
                            (at.0 - before, at.1 - half)
                        };
                        let mut style = TextStyle::from((FONT_FAMILY, rasteriser_size).into_font())
                            .color(&colour)
                            .pos(Pos::new(HPos::Left, VPos::Top));
                        if *vertical {
                            style = style.transform(FontTransform::Rotate270);
                        }
                        db.draw_text(content, &style, device_point((x, y), scale))
                            .map_err(fail)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn svg_units(pt: f64) -> u32 {
    device_size(pt, SVG_UNITS_PER_PT)
}

/// The scene as an SVG document whose width and height are given in points.
pub(crate) fn render_svg(scene: &Scene) -> Result<String, RenderError> {
    register_font();
    let (w, h) = (svg_units(scene.width), svg_units(scene.height));
    let mut out = String::new();
    {
        let mut db = SVGBackend::with_string(&mut out, (w, h));
        paint(scene, &mut db, SVG_UNITS_PER_PT, Target::Svg)?;
        db.present().map_err(fail)?;
    }
    let plotters_root = format!("<svg width=\"{w}\" height=\"{h}\" ");
    let root = format!(
        "<svg width=\"{:.1}pt\" height=\"{:.1}pt\" ",
        f64::from(w) / SVG_UNITS_PER_PT,
        f64::from(h) / SVG_UNITS_PER_PT
    );
    let out = out.replacen(&plotters_root, &root, 1).replace(
        &format!("font-family=\"{FONT_FAMILY}\""),
        &format!("font-family=\"{SVG_FONT_FAMILY}\""),
    );
    Ok(tidy_font_sizes(&out))
}

/// Pixel size of the PNG of a scene.
pub(crate) fn png_size(scene: &Scene) -> (u32, u32) {
    let scale = PNG_DPI / 72.0;
    (
        device_size(scene.width, scale),
        device_size(scene.height, scale),
    )
}

/// The scene as a PNG at [`PNG_DPI`], white background, RGB, with a pHYs chunk.
pub(crate) fn render_png(scene: &Scene) -> Result<Vec<u8>, RenderError> {
    register_font();
    let (w, h) = png_size(scene);
    let (big_w, big_h) = (w * SUPERSAMPLE, h * SUPERSAMPLE);
    let mut big = vec![255u8; big_w as usize * big_h as usize * 3];
    {
        let mut db = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut big, (big_w, big_h))
            .map_err(fail)?;
        let scale = PNG_DPI / 72.0 * f64::from(SUPERSAMPLE);
        paint(scene, &mut db, scale, Target::Bitmap)?;
        db.present().map_err(fail)?;
    }
    let pixels = downsample(&big, big_w as usize, w as usize, h as usize);
    encode_png(&pixels, w, h)
}

/// Averages SUPERSAMPLE × SUPERSAMPLE blocks of an RGB image `big_w` pixels wide (rounded
/// to nearest). Row by row over slices, so that the compiler can drop the bounds checks.
fn downsample(big: &[u8], big_w: usize, w: usize, h: usize) -> Vec<u8> {
    let k = SUPERSAMPLE as usize;
    let n = (k * k) as u32;
    let row_len = big_w * 3;
    let mut out = vec![0u8; w * h * 3];
    let mut sums = vec![0u32; w * 3];
    for (y, out_row) in out.chunks_exact_mut(w * 3).enumerate() {
        sums.iter_mut().for_each(|s| *s = 0);
        let block = &big[y * k * row_len..(y + 1) * k * row_len];
        for row in block.chunks_exact(row_len) {
            for (sum, px) in sums
                .chunks_exact_mut(3)
                .zip(row[..w * k * 3].chunks_exact(k * 3))
            {
                for sample in px.chunks_exact(3) {
                    sum[0] += u32::from(sample[0]);
                    sum[1] += u32::from(sample[1]);
                    sum[2] += u32::from(sample[2]);
                }
            }
        }
        for (o, s) in out_row.iter_mut().zip(&sums) {
            *o = ((s + n / 2) / n) as u8;
        }
    }
    out
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, RenderError> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (PNG_DPI / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().map_err(fail)?;
        writer.write_image_data(rgb).map_err(fail)?;
        writer.finish().map_err(fail)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Scene {
        let mut s = Scene::new(100.0, 50.0);
        s.capped_line((10.0, 40.0), (90.0, 40.0), 0.75, BLACK);
        s.text("0.012", (50.0, 20.0), Anchor::Middle, 7.0);
        s.items.push(Item::Circle {
            centre: (20.0, 20.0),
            radius: 2.0,
            fill: Some(Rgba(RGBColor(0xE6, 0x9F, 0x00), 0.4)),
            stroke: Some((Rgba::solid(RGBColor(0xE6, 0x9F, 0x00)), 0.6)),
        });
        s
    }

    #[test]
    fn svg_is_sized_in_points_with_a_tenth_point_view_box() {
        let svg = render_svg(&sample()).unwrap();
        assert!(
            svg.starts_with("<svg width=\"100.0pt\" height=\"50.0pt\" viewBox=\"0 0 1000 500\""),
            "{}",
            &svg[..120]
        );
        assert!(svg.contains("font-size=\"70\""), "{svg}");
        assert!(svg.contains(SVG_FONT_FAMILY));
        assert!(!svg.contains(FONT_FAMILY));
    }

    #[test]
    fn png_has_300_dpi_and_the_physical_size() {
        let scene = sample();
        let png = render_png(&scene).unwrap();
        assert_eq!(png_size(&scene), (417, 208));
        let decoder = png::Decoder::new(png.as_slice());
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (417, 208));
        let dims = info.pixel_dims.unwrap();
        assert_eq!((dims.xppu, dims.unit), (11811, png::Unit::Meter));
    }

    #[test]
    fn dashed_lines_are_cut_into_dashes() {
        let mut s = Scene::new(20.0, 10.0);
        s.dashed_line((1.0, 5.0), (11.0, 5.0), 0.5, BLACK, (3.0, 1.0));
        let ends: Vec<(Pt, Pt)> = s
            .items
            .iter()
            .map(|i| match i {
                Item::Line { from, to, .. } => (*from, *to),
                _ => panic!("{i:?}"),
            })
            .collect();
        assert_eq!(
            ends,
            [
                ((1.0, 5.0), (4.0, 5.0)),
                ((5.0, 5.0), (8.0, 5.0)),
                ((9.0, 5.0), (11.0, 5.0))
            ]
        );
        // A line of no length, or a dash of none, draws nothing.
        let mut s = Scene::new(20.0, 10.0);
        s.dashed_line((1.0, 5.0), (1.0, 5.0), 0.5, BLACK, (3.0, 1.0));
        s.dashed_line((1.0, 5.0), (9.0, 5.0), 0.5, BLACK, (0.0, 1.0));
        s.dashed_line((1.0, 5.0), (f64::NAN, 5.0), 0.5, BLACK, (3.0, 1.0));
        assert!(s.items.is_empty());
    }

    #[test]
    fn svg_font_sizes_are_tidy() {
        assert_eq!(
            tidy_font_sizes(
                r#"<text font-size="52.00000000000001">a</text><text font-size="7.5">"#
            ),
            r#"<text font-size="52">a</text><text font-size="7.5">"#
        );
        let mut scene = Scene::new(50.0, 20.0);
        for tenths in 50..120 {
            scene.text("x", (1.0, 10.0), Anchor::Start, f64::from(tenths) / 10.0);
        }
        let svg = render_svg(&scene).unwrap();
        for tenths in 50..120 {
            assert!(svg.contains(&format!("font-size=\"{tenths}\"")), "{tenths}");
        }
    }
}
