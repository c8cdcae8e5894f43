//! Publication-ready figures: pure functions from data to an SVG document and a 300 dpi
//! PNG, sized for a journal column (see `docs/figures.md`).
//!
//! The house style is shared by every figure: the embedded DejaVu Sans (so figures render
//! the same on any machine, without system fonts), the Okabe–Ito palette, text of at least
//! 7 pt at the printed width, open axes without grid or title. The same inputs give
//! byte-identical output.

mod axes;
mod calibration;
mod category;
mod layout;
mod lines;
mod scene;
mod text;
mod theme;

pub use calibration::calibration_plot;
pub use category::{dot_plot, factorial_plot};
pub use layout::{FigureWidth, Summary};
pub use lines::{km_plot, time_course};
pub use scene::PNG_DPI;
pub use theme::{group_colour, register_font, FONT_FAMILY, OKABE_ITO};

use crate::stats::KaplanMeier;

/// A rendered figure.
///
/// The SVG declares its physical size in points (`width="240.9pt"` for one column), with
/// a tenth of a point as its user unit; text stays text, in DejaVu Sans (with common
/// sans-serif fallbacks). The PNG is RGB on white at [`PNG_DPI`], its resolution recorded
/// in the pHYs chunk, so it prints at the column width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub svg: String,
    pub png: Vec<u8>,
}

impl Figure {
    /// Renders a scene to both formats. Drawing into memory does not fail (see
    /// `scene.rs`); should a backend report an error anyway, that output is left empty
    /// rather than panicking.
    fn from_scene(scene: &scene::Scene) -> Figure {
        Figure {
            svg: scene::render_svg(scene).unwrap_or_default(),
            png: scene::render_png(scene).unwrap_or_default(),
        }
    }
}

/// One group of a dot plot: its label under the x axis (a `\n` starts a new line, e.g.
/// `"Imipramine\n30 mg/kg"`) and one value per animal. Values that are NaN or infinite are
/// not drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct DotGroup {
    pub label: String,
    pub values: Vec<f64>,
}

/// A significance bracket between two groups (or cells, for [`factorial_plot`]), by index,
/// with its text centred above: `"***"`, `"ns"` or `"p = 0.012"`. Brackets whose indices
/// do not name two different groups are not drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Bracket {
    pub from: usize,
    pub to: usize,
    pub text: String,
}

/// The animals of one cell of a two-factor design: level indices into the `a_levels` and
/// `b_levels` of [`factorial_plot`].
#[derive(Debug, Clone, PartialEq)]
pub struct FactorialCell {
    pub a_level: usize,
    pub b_level: usize,
    pub values: Vec<f64>,
}

/// One group of a time course: `(x, mean, sem)` per bin.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64, f64)>,
}

/// One group's Kaplan–Meier estimate: `(time, S(t) just after)` at each event time, and
/// `(time, S)` of each censored animal (drawn as a tick).
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalCurve {
    pub label: String,
    pub steps: Vec<(f64, f64)>,
    pub censored: Vec<(f64, f64)>,
}

impl SurvivalCurve {
    /// The curve of a Kaplan–Meier estimate: a step at each time with events, a censor
    /// mark at each time with censored animals.
    pub fn from_kaplan_meier(label: &str, km: &KaplanMeier) -> SurvivalCurve {
        SurvivalCurve {
            label: label.to_string(),
            steps: km
                .steps
                .iter()
                .filter(|s| s.n_event > 0)
                .map(|s| (s.time, s.survival))
                .collect(),
            censored: km
                .steps
                .iter()
                .filter(|s| s.n_censor > 0)
                .map(|s| (s.time, s.survival))
                .collect(),
        }
    }
}

/// One calibration standard: nominal concentration, response, back-calculated error in %
/// (`None` when the curve cannot read the response back), and whether it failed
/// acceptance.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationPoint {
    pub x: f64,
    pub y: f64,
    pub relative_error_pct: Option<f64>,
    pub failing: bool,
}

/// A calibration curve to draw with [`calibration_plot`].
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationCurve {
    /// The standards; blanks (x = 0) are drawn in the upper panel only.
    pub standards: Vec<CalibrationPoint>,
    /// The fitted curve sampled along x (evaluated by the caller: a straight line needs
    /// its two ends, a quadratic some 50 to 100 points), drawn as a line through them.
    pub fitted: Vec<(f64, f64)>,
    /// Acceptance limit of the back-calculated error, in % (15): dashed lines at ±limit.
    pub limit_pct: f64,
    /// The limit at the lowest non-zero standard, in % (20): short dashed lines there.
    pub lowest_limit_pct: f64,
    /// Responses of study samples: short ticks inside the y axis of the upper panel.
    pub samples: Vec<f64>,
    /// Title of the shared x axis, e.g. `"Nominal concentration (µM)"`.
    pub x_label: String,
    /// Title of the response axis, e.g. `"Peak area ratio"`.
    pub y_label: String,
    /// Title of the error axis, e.g. `"Back-calculated error (%)"`.
    pub residual_label: String,
}
