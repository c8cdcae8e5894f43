//! Instruments' own export files read as they are: plate readers (BioTek Gen5 text
//! exports, [`gen5`]) for the protein assay. Every value keeps its line in the file; a value
//! the instrument flagged (between asterisks, `OVRFLW`, `?????`, `Masked`, `<0.000`) is
//! carried as flagged, never read as a number.

pub mod gen5;

use std::path::PathBuf;

pub use gen5::{read_gen5, Gen5Curve, Gen5Export, Gen5Plate, PlateValue};

/// What can stop the reading of an instrument file, located at its line.
#[derive(Debug, thiserror::Error)]
pub enum InstrumentError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Text(Box<crate::ingest::IngestError>),
    #[error("{path}, line {line}: {message}\nhelp: {hint}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
        hint: String,
    },
}
