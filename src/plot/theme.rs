//! Font and colours of every figure.

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor};

/// DejaVu Sans (Bitstream Vera licence, see `fonts/DejaVuSans-LICENSE.txt`), compiled in.
pub(crate) const DEJAVU_SANS: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

/// The family name figures ask plotters for.
pub const FONT_FAMILY: &str = "preclin-sans";

/// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
/// colour-vision deficiency. Black is last so that groups get colours first.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x00, 0x00, 0x00), // black
];

/// The line marking zero inside an axis range.
pub(crate) const ZERO_GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Reference lines such as acceptance limits.
pub(crate) const LIMIT_GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Colour of the i-th group (cycling through the palette).
pub fn group_colour(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// Registers the embedded font with plotters under [`FONT_FAMILY`]; safe to call often.
pub fn register_font() {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            // The font is compiled in and known to parse; a failure here is a build defect.
            plotters::style::register_font(FONT_FAMILY, style, DEJAVU_SANS)
                .unwrap_or_else(|_| panic!("embedded font does not parse"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn embedded_font_draws_text_without_system_fonts() {
        register_font();
        let (w, h) = (200u32, 60u32);
        let mut buffer = vec![255u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
            let font = (FONT_FAMILY, 24).into_font().color(&BLACK);
            root.draw_text("Immobility (s)", &font, (5, 15)).unwrap();
            root.present().unwrap();
        }
        let dark = buffer
            .chunks(3)
            .filter(|px| px.iter().all(|&c| c < 128))
            .count();
        assert!(dark > 200, "text should darken pixels, found {dark}");
    }

    #[test]
    fn palette_is_okabe_ito() {
        assert_eq!(group_colour(0), RGBColor(0xE6, 0x9F, 0x00));
        assert_eq!(group_colour(8), group_colour(0));
    }
}
