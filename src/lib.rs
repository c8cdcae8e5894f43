//! preclin: protocols, randomised and blinded data capture, analysis and reports for
//! preclinical pharmacology experiments (forced swim test, chronic mild stress and
//! cytochrome P450 studies).
//!
//! The flow runs left to right: [`protocol`] → [`study`] → (capture) → ingest → assay →
//! stats → plot → report. The [`cli`] module maps command-line arguments onto these calls.

pub mod analysis;
pub mod assay;
pub mod cli;
pub mod error;
pub mod ingest;
pub mod instrument;
pub mod plot;
pub mod protocol;
pub mod record;
pub mod report;
pub mod stats;
pub mod study;

pub use error::Error;
