//! The errors preclin reports, each with enough context to act on, and their exit codes.

use crate::ingest::IngestError;
use crate::protocol::ResolveError;
use crate::stats::StatsError;
use crate::study::{AllocationError, OutputError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Protocol(#[from] ResolveError),
    #[error(
        "{0}\nhelp: change --n-per-group or --block-by, or the protocol's randomisation section"
    )]
    Allocation(#[from] AllocationError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot build the Excel workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    #[error(transparent)]
    Ingest(Box<IngestError>),
    #[error("{source}\nhelp: {}", .source.hint())]
    Stats {
        #[from]
        source: StatsError,
    },
    #[error(transparent)]
    Study(Box<crate::analysis::AnalysisError>),
    #[error("{path}: column {column} has no group {level:?}\nhelp: the groups are {}", known.join(", "))]
    UnknownGroup {
        path: String,
        column: String,
        level: String,
        known: Vec<String>,
    },
    #[error("{path}: {source}\nhelp: {}", .source.hint())]
    Analysis { path: String, source: StatsError },
    #[error("--scores {given:?} must be {groups} numbers separated by commas, one per group in order of first appearance")]
    Scores { given: String, groups: usize },
    #[error("--level must lie between 0 and 1 (exclusive), not {0}")]
    Level(f64),
    #[error("--alpha must lie between 0 and 1 (exclusive), not {0}")]
    Alpha(f64),
    #[error(transparent)]
    Record(#[from] crate::record::RecordError),
    #[error(transparent)]
    Instrument(#[from] crate::instrument::InstrumentError),
    #[error("{invalid} of {total} protocol files are invalid")]
    InvalidProtocols { invalid: usize, total: usize },
}

impl From<crate::analysis::AnalysisError> for Error {
    fn from(e: crate::analysis::AnalysisError) -> Self {
        Error::Study(Box::new(e))
    }
}

impl From<IngestError> for Error {
    fn from(e: IngestError) -> Self {
        Error::Ingest(Box::new(e))
    }
}

impl Error {
    /// 2 for bad input or a refused request (the user can fix it); 1 for failures of the
    /// machine (disk, permissions) or of preclin itself.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Output(OutputError::Io { .. }) | Error::Workbook(_) => 1,
            Error::Record(crate::record::RecordError::Io { .. }) => 1,
            Error::Instrument(crate::instrument::InstrumentError::Io { .. }) => 1,
            _ => 2,
        }
    }
}
