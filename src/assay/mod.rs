//! Pure calculations of the assays: rows in (plain structs, one per line of a capture
//! sheet), results out with every intermediate step kept for the report. No files, no
//! data frames.
//!
//! - [`hplc`]: CYP activity from HPLC of probe metabolites (calibration per run and
//!   metabolite, run acceptance, blank subtraction, pmol/min/mg protein).
//! - [`protein`]: microsomal protein from a BCA or Lowry standard curve.
//! - [`western`]: Western blot densitometry as % of the control lanes of the same blot.
//! - [`sucrose`]: sucrose preference (or intake per body weight) per animal and week.
//! - [`qpcr`]: relative expression by ΔΔCq or Pfaffl from the capture sheet or the
//!   QuantStudio and CFX exports (worked by hand in `docs/qpcr-worked-example.md`).

pub mod hplc;
pub mod protein;
pub mod qpcr;
pub mod sucrose;
pub mod western;

use crate::stats::StatsError;

/// Why an assay's data cannot be turned into results; every variant names the rows at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssayError {
    /// Samples of an analyte (in a run, on a plate) that has no standards.
    #[error("{place}: samples but no standards")]
    NoStandards { place: String },
    /// Responses that do not increase with the standards' concentrations.
    #[error("{place}: the standard curve is not monotonic: the mean response at {higher} is {higher_response}, not above {lower_response} at {lower}")]
    NotMonotonic {
        place: String,
        lower: f64,
        higher: f64,
        lower_response: f64,
        higher_response: f64,
    },
    /// A quantity that must be positive (protein, time, volume, a density) is not.
    #[error("{place}: {field} must be greater than 0, but is {value}")]
    NotPositive {
        place: String,
        field: &'static str,
        value: f64,
    },
    /// A quantity that must not be negative is.
    #[error("{place}: {field} must not be negative, but is {value}")]
    Negative {
        place: String,
        field: &'static str,
        value: f64,
    },
    /// A value the calculation needs is missing or inconsistent with the other rows.
    #[error("{place}: {reason}")]
    Inconsistent { place: String, reason: String },
    /// A sample whose response lies outside the standard curve.
    #[error("{place}: {reason}")]
    OutsideCurve { place: String, reason: String },
    /// A Western blot target with no lane of the control group to normalise to.
    #[error("blot {blot}, target {target}: no lane of the control group; % of control needs at least one")]
    NoControlLanes { blot: String, target: String },
    /// The curve could not be fitted.
    #[error("{place}: {source}")]
    Fit {
        place: String,
        source: Box<StatsError>,
    },
}
