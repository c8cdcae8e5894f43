//! Figures: the house style shared by every plot — the embedded font (so figures render
//! the same on any machine, without system fonts) and the Okabe–Ito palette.

mod theme;

pub use theme::{group_colour, register_font, FONT_FAMILY, OKABE_ITO};
