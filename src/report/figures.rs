//! The figures of a study report, drawn by `plot` from the analysed data.

use super::html::StudyFigure;
use crate::analysis::Analysis;

/// Every figure of the report, in the order they appear.
pub fn study_figures(_a: &Analysis) -> Vec<StudyFigure> {
    Vec::new()
}
