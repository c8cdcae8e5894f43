//! Recording trials at the bench: `preclin record STUDY`.
//!
//! The study's run order, scoring window and ethogram drive the recording; the scorer sees
//! blind codes and cages only. Each trial is kept in its journal ([`journal`]); when it
//! ends, its row of `sheets/scoring.csv` is filled in by the same scoring rules
//! `preclin import boris` applies to an event log ([`crate::analysis::score_animal`]), and
//! every finished trial is exported as `sheets/events/events.csv`, a plain
//! `animal,behaviour,start_s,stop_s` event log that `preclin import boris` reads. See
//! `docs/tutorial-record.md`.

pub mod agreement;
pub mod bench;
pub mod journal;
pub mod recorder;
pub mod screen;
pub mod script;
pub mod trial;

use std::path::{Path, PathBuf};

pub use bench::{Bench, RunOrderEntry, Status};
pub use recorder::Recorder;
pub use trial::{Action, Bout, Ending, Totals, Trial};

/// What can stop a recording, each with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Study(#[from] Box<crate::analysis::AnalysisError>),
    #[error("{path}: protocol {protocol} has no [scoring] section, so there is nothing to record\nhelp: record studies whose protocol scores behaviours (e.g. fst-mouse)")]
    NoScoring { path: PathBuf, protocol: String },
    #[error("{path} is missing, so the order of the trials is not known\nhelp: the run order is written by `preclin template`; copy sheets/run-order.csv back from the template")]
    NoRunOrder { path: PathBuf },
    #[error(
        "blind code `{code}` is not in the run order of {path}\nhelp: the blind codes are {known}"
    )]
    UnknownAnimal {
        code: String,
        path: PathBuf,
        known: String,
    },
    #[error("{path}, line {line}: the journal is {} ({intact} intact lines before it); nothing was changed\nhelp: run again with --repair to keep the intact lines and go on (the file as it is now is kept beside it as .damaged)", if *cut_short { "cut short" } else { "damaged" })]
    DamagedJournal {
        path: PathBuf,
        line: usize,
        intact: usize,
        cut_short: bool,
    },
    #[error("the trial of {code} was not finished ({path})\nhelp: choose with --unfinished resume (go on from its last event), discard (kept aside as .discarded) or failed (the animal is excluded as a recording failure)")]
    Unfinished { code: String, path: PathBuf },
    #[error("{code} was already recorded ({path}); nothing was changed\nhelp: to record the animal again, add --again: the earlier journal is kept beside the new one")]
    AlreadyRecorded { code: String, path: PathBuf },
    #[error("{path}, row {row}: the row of {code} changed on disk while recording; it was not overwritten (the trial is kept in {journal})\nhelp: check the row; run `preclin record` again to write the trial into an empty row")]
    RowChanged {
        path: PathBuf,
        row: usize,
        code: String,
        journal: PathBuf,
    },
    #[error("{path}: the `scoring` sheet of the workbook holds scores; record writes sheets/scoring.csv, and analyze reads only one of the two\nhelp: keep the scores in one place: move the workbook's scores into sheets/scoring.csv, or empty that sheet")]
    WorkbookHoldsScores { path: PathBuf },
    #[error("{path}, row {row}: `{value}` in column `{column}` is already filled for {code}\nhelp: record writes into empty scoring cells only; clear them or use --again")]
    RowFilled {
        path: PathBuf,
        row: usize,
        column: String,
        value: String,
        code: String,
    },
    #[error("{path}, line {line}: {message}\nhelp: {hint}")]
    Script {
        path: PathBuf,
        line: usize,
        message: String,
        hint: String,
    },
    #[error("`{value}` for {column}: {problem}\nhelp: {hint}")]
    BadField {
        column: String,
        value: String,
        problem: String,
        hint: String,
    },
    #[error("the terminal is {have_w}×{have_h}; the recorder needs at least {need_w}×{need_h} characters\nhelp: enlarge the window or make the font smaller, then start again")]
    TerminalTooSmall {
        have_w: u16,
        have_h: u16,
        need_w: u16,
        need_h: u16,
    },
    #[error("the recorder needs a terminal (standard input and output are not one)\nhelp: run `preclin record` in a terminal window, or give the key presses with --script FILE")]
    NoTerminal,
    #[error("{path}: observer {name} has recorded nothing in this study\nhelp: record with `preclin record STUDY --observer {name}` first; the observers are the folders of sheets/events/")]
    NoObserver { name: String, path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl RecordError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        RecordError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<crate::analysis::AnalysisError> for RecordError {
    fn from(e: crate::analysis::AnalysisError) -> Self {
        RecordError::Study(Box::new(e))
    }
}

impl From<crate::ingest::IngestError> for RecordError {
    fn from(e: crate::ingest::IngestError) -> Self {
        RecordError::Study(Box::new(e.into()))
    }
}

/// What to do with a trial that was not finished when preclin stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfinished {
    Resume,
    Discard,
    Failed,
}
