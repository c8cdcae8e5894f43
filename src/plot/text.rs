//! Text measurement with the embedded font, so that layout reserves exactly the room the
//! drawn text takes. Sizes are em sizes in any unit (points in the layout); results are in
//! the same unit.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId};

use super::theme::DEJAVU_SANS;

/// The embedded font, parsed once. `None` only if the compiled-in file were corrupt, in
/// which case measurements fall back to typical proportions of a sans-serif face.
fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(DEJAVU_SANS).ok())
        .as_ref()
}

fn units_per_em(font: &FontRef<'_>) -> f64 {
    f64::from(font.units_per_em().unwrap_or(2048.0))
}

/// Ascent above and descent below the baseline of the face, in em.
pub(crate) fn ascent_descent() -> (f64, f64) {
    match font() {
        Some(f) => {
            let upem = units_per_em(f);
            (
                f64::from(f.ascent_unscaled()) / upem,
                -f64::from(f.descent_unscaled()) / upem,
            )
        }
        None => (0.93, 0.24),
    }
}

/// Ratio of the rasteriser's "pixel height" (ascent + descent) to the em size: the bitmap
/// renderer scales glyphs so that ascent + descent equals the size it is given.
pub(crate) fn height_per_em() -> f64 {
    let (a, d) = ascent_descent();
    a + d
}

/// Distance between baselines of a multi-line label, in em.
pub(crate) const LINE_SPACING: f64 = 1.2;

/// Advance width of `text` at em size `size`, kerning included.
pub(crate) fn width(text: &str, size: f64) -> f64 {
    let Some(f) = font() else {
        return 0.6 * size * text.chars().count() as f64;
    };
    let mut units = 0.0f64;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            units += f64::from(f.kern_unscaled(p, id));
        }
        units += f64::from(f.h_advance_unscaled(id));
        prev = Some(id);
    }
    units / units_per_em(f) * size
}

/// Ink extent of `text` at em size `size`: how far the drawn glyphs reach above the
/// baseline and below it (both positive when the ink crosses them). Text without ink
/// (empty or spaces) gives `(0, 0)`.
pub(crate) fn ink(text: &str, size: f64) -> (f64, f64) {
    let Some(f) = font() else {
        return if text.trim().is_empty() {
            (0.0, 0.0)
        } else {
            (0.73 * size, 0.0)
        };
    };
    let upem = units_per_em(f);
    let mut above = f64::NEG_INFINITY;
    let mut below = f64::NEG_INFINITY;
    for c in text.chars() {
        if let Some(outline) = f.outline(f.glyph_id(c)) {
            // Unscaled bounds, y upwards; ab_glyph stores the top in `min.y`, so take
            // both ends without assuming which is which.
            let (a, b) = (
                f64::from(outline.bounds.min.y),
                f64::from(outline.bounds.max.y),
            );
            above = above.max(a.max(b));
            below = below.max(-a.min(b));
        }
    }
    if above == f64::NEG_INFINITY {
        return (0.0, 0.0);
    }
    (above / upem * size, below / upem * size)
}

/// Cap height (the top of "H") in em: where digits and capitals end.
pub(crate) fn cap_height() -> f64 {
    ink("H", 1.0).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_scale_with_size_and_length() {
        let w7 = width("Immobility (s)", 7.0);
        assert!((width("Immobility (s)", 14.0) - 2.0 * w7).abs() < 1e-9);
        assert!(w7 > 35.0 && w7 < 60.0, "{w7}");
        assert!(width("", 7.0) == 0.0);
        // DejaVu digits are tabular: every digit has the same advance.
        assert!((width("0", 10.0) - width("8", 10.0)).abs() < 1e-9);
    }

    #[test]
    fn ink_of_digits_sits_on_the_baseline_and_p_descends() {
        let (up, down) = ink("0.012", 10.0);
        assert!(up > 7.0 && up < 7.7, "{up}");
        assert!(down < 0.3, "{down}");
        let (_, down) = ink("p", 10.0);
        assert!(down > 1.5, "{down}");
        assert_eq!(ink("  ", 10.0), (0.0, 0.0));
        // Asterisks float well above the baseline.
        let (up, down) = ink("***", 10.0);
        assert!(up > 7.0 && down < -2.0, "{up} {down}");
    }

    #[test]
    fn face_metrics_are_dejavu_sans() {
        let (a, d) = ascent_descent();
        assert!(
            (a - 0.928).abs() < 0.01 && (d - 0.236).abs() < 0.01,
            "{a} {d}"
        );
        assert!((cap_height() - 0.729).abs() < 0.01);
    }
}
