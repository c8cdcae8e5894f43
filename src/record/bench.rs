//! The study as the bench sees it: run order (blind codes and cages, never groups), the
//! ethogram and scoring window, the cells typed before each swim, the journals, and the
//! scoring sheet a finished trial is written into.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::journal::{self, EndReason, Line, Replayed};
use super::{RecordError, Trial};
use crate::analysis::{load_study_blind, score_animal, scoring_of};
use crate::ingest::{self, parse_number};
use crate::protocol::{
    capture_sheets, CaptureColumn, ColumnKind, ExclusionCriterion, Protocol, Scoring,
};

/// One line of `sheets/run-order.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOrderEntry {
    pub order: String,
    pub code: String,
    pub cage: String,
}

/// Where an animal's recording stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    NotRecorded,
    Unfinished,
    Finished,
}

/// A study opened for recording.
#[derive(Debug, Clone)]
pub struct Bench {
    pub dir: PathBuf,
    pub protocol: Protocol,
    pub scoring: Scoring,
    pub session_s: f64,
    /// Behaviour names of the ethogram, in the protocol's order.
    pub names: Vec<String>,
    /// The key of each behaviour: its code when it is one character, else its number.
    pub keys: Vec<char>,
    pub run_order: Vec<RunOrderEntry>,
    /// Cells typed before the swim (test date, body weight, water temperature …).
    pub fields: Vec<CaptureColumn>,
    /// Columns the recording fills from the events.
    pub score_columns: Vec<String>,
    /// A second observer's name: journals under `sheets/events/<observer>/`, no sheet rows.
    pub observer: Option<String>,
    /// The scoring sheet's rows as last read or written, by blind code.
    rows_seen: BTreeMap<String, Vec<String>>,
    sheet_header: Vec<String>,
}

const SHEET: &str = "sheets/scoring.csv";

/// Sheet rows by blind code: every cell of the row, in the sheet's column order.
pub type SheetRows = BTreeMap<String, Vec<String>>;

impl Bench {
    pub fn open(dir: &Path, observer: Option<String>) -> Result<Self, RecordError> {
        let study = load_study_blind(dir)?;
        let (scoring, session_s) = match scoring_of(&study) {
            Ok((s, len)) => (s.clone(), len),
            Err(_) => {
                return Err(RecordError::NoScoring {
                    path: dir.join("study.toml"),
                    protocol: study.protocol.id.clone(),
                })
            }
        };
        let order_path = dir.join("sheets/run-order.csv");
        if !order_path.exists() {
            return Err(RecordError::NoRunOrder { path: order_path });
        }
        let table = ingest::read_table(&order_path, None)?;
        let (oi, ci) = (
            table.column_index("run_order")?,
            table.column_index("blind_code")?,
        );
        let cage = table.column_index("cage").ok();
        let run_order = (0..table.row_count())
            .map(|r| RunOrderEntry {
                order: table.cell(r, oi).to_string(),
                code: table.cell(r, ci).to_string(),
                cage: cage
                    .map(|c| table.cell(r, c).to_string())
                    .unwrap_or_default(),
            })
            .collect();
        let names: Vec<String> = scoring.behaviours.iter().map(|b| b.name.clone()).collect();
        let keys = scoring
            .behaviours
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut chars = b.code.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_alphanumeric() => c.to_ascii_lowercase(),
                    _ => char::from_digit(i as u32 + 1, 10).unwrap_or('?'),
                }
            })
            .collect();
        let score_columns: Vec<String> =
            score_animal(&scoring, session_s, &[]).into_keys().collect();
        let sheet = capture_sheets(&study.protocol)
            .into_iter()
            .find(|s| s.name == "scoring")
            .map(|s| s.columns)
            .unwrap_or_default();
        let fields = sheet
            .into_iter()
            .filter(|c| {
                !c.prefilled
                    && !score_columns.contains(&c.name)
                    && !["excluded", "exclusion_reason", "notes"].contains(&c.name.as_str())
            })
            .collect();
        let mut bench = Bench {
            dir: dir.to_path_buf(),
            protocol: study.protocol,
            scoring,
            session_s,
            names,
            keys,
            run_order,
            fields,
            score_columns,
            observer,
            rows_seen: BTreeMap::new(),
            sheet_header: Vec::new(),
        };
        if bench.observer.is_none() {
            bench.check_workbook()?;
            (bench.sheet_header, bench.rows_seen) = bench.read_rows()?;
        }
        Ok(bench)
    }

    /// Scores typed into the workbook's `scoring` sheet would make analyze refuse both.
    fn check_workbook(&self) -> Result<(), RecordError> {
        let path = self.dir.join("sheets/capture.xlsx");
        if !path.exists() {
            return Ok(());
        }
        let Ok(table) = ingest::read_table(&path, Some("scoring")) else {
            return Ok(());
        };
        let filled = self.score_columns.iter().any(|name| {
            table
                .column_index(name)
                .is_ok_and(|c| (0..table.row_count()).any(|r| !table.cell(r, c).is_empty()))
        });
        if filled {
            return Err(RecordError::WorkbookHoldsScores { path });
        }
        Ok(())
    }

    pub fn session_ms(&self) -> u64 {
        (self.session_s * 1000.0).round() as u64
    }

    pub fn entry(&self, code: &str) -> Result<&RunOrderEntry, RecordError> {
        self.run_order
            .iter()
            .find(|e| e.code == code)
            .ok_or_else(|| RecordError::UnknownAnimal {
                code: code.to_string(),
                path: self.dir.join("sheets/run-order.csv"),
                known: self.known_codes(),
            })
    }

    fn known_codes(&self) -> String {
        let codes: Vec<&str> = self.run_order.iter().map(|e| e.code.as_str()).collect();
        if codes.len() > 12 {
            format!("{} … ({} animals)", codes[..12].join(", "), codes.len())
        } else {
            codes.join(", ")
        }
    }

    pub fn events_dir(&self) -> PathBuf {
        let dir = self.dir.join("sheets/events");
        match &self.observer {
            Some(o) => dir.join(o),
            None => dir,
        }
    }

    pub fn journal_path(&self, code: &str) -> PathBuf {
        self.events_dir().join(format!("{code}.jsonl"))
    }

    /// Where the animal's recording stands; a damaged journal is an error.
    pub fn status(&self, code: &str) -> Result<Status, RecordError> {
        let path = self.journal_path(code);
        if !path.exists() {
            return Ok(Status::NotRecorded);
        }
        let lines = journal::read(&path)?;
        Ok(if lines.iter().any(|l| matches!(l, Line::End { .. })) {
            Status::Finished
        } else {
            Status::Unfinished
        })
    }

    /// The first animal of the run order whose trial is not finished.
    pub fn next_animal(&self) -> Result<Option<&RunOrderEntry>, RecordError> {
        for e in &self.run_order {
            if self.status(&e.code)? != Status::Finished {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// Replays the animal's journal.
    pub fn replay(&self, code: &str) -> Result<Replayed, RecordError> {
        let lines = journal::read(&self.journal_path(code))?;
        Ok(journal::replay(&lines, self.session_ms(), &self.names))
    }

    /// Checks a cell typed before the swim and returns it as it goes into the sheet.
    pub fn check_field(&self, column: &CaptureColumn, value: &str) -> Result<String, RecordError> {
        let value = value.trim();
        let bad = |problem: String, hint: String| RecordError::BadField {
            column: column.name.clone(),
            value: value.to_string(),
            problem,
            hint,
        };
        if value.is_empty() {
            return Ok(String::new());
        }
        match column.kind {
            ColumnKind::Number | ColumnKind::Integer => {
                let v = parse_number(value, false).ok_or_else(|| {
                    bad(
                        "is not a number".into(),
                        "type a number such as 24.5".into(),
                    )
                })?;
                if column.kind == ColumnKind::Integer && v.fract() != 0.0 {
                    return Err(bad("is not a whole number".into(), "type e.g. 3".into()));
                }
                let range = || match (column.min, column.max) {
                    (Some(a), Some(b)) => format!("{} takes {a} to {b}", column.name),
                    (Some(a), None) => format!("{} takes {a} or more", column.name),
                    (None, Some(b)) => format!("{} takes up to {b}", column.name),
                    (None, None) => String::new(),
                };
                if column.min.is_some_and(|m| v < m) || column.max.is_some_and(|m| v > m) {
                    return Err(bad("is out of range".into(), range()));
                }
            }
            ColumnKind::Date if crate::analysis::iso_date(value).is_none() => {
                return Err(bad(
                    "is not a date".into(),
                    "type the date as YYYY-MM-DD, e.g. 2026-12-07".into(),
                ));
            }
            ColumnKind::Choice
                if !column.choices.is_empty() && !column.choices.iter().any(|c| c == value) =>
            {
                return Err(bad(
                    "is not one of the choices".into(),
                    format!("choose one of {}", column.choices.join(", ")),
                ));
            }
            ColumnKind::YesNo if ingest::parse_yes_no(value).is_none() => {
                return Err(bad("is not yes or no".into(), "type yes or no".into()));
            }
            _ => {}
        }
        Ok(value.to_string())
    }

    /// The protocol's criterion that a typed cell breaks (water out of 23–25 °C …).
    pub fn broken_criterion(&self, fields: &[(String, String)]) -> Option<&ExclusionCriterion> {
        self.protocol.exclusions.iter().find(|e| {
            let Some(col) = &e.column else { return false };
            fields
                .iter()
                .find(|(n, _)| n == col)
                .and_then(|(_, v)| parse_number(v, false))
                .is_some_and(|v| e.min.is_some_and(|m| v < m) || e.max.is_some_and(|m| v > m))
        })
    }

    /// Criteria a trial can be stopped for (those checked during the test, without a column).
    pub fn stop_reasons(&self) -> Vec<&ExclusionCriterion> {
        self.protocol
            .exclusions
            .iter()
            .filter(|e| {
                e.column.is_none() && e.stage == crate::protocol::ExclusionStage::DuringTest
            })
            .collect()
    }

    /// The exclusion id for a trial marked failed.
    pub fn failure_reason(&self) -> String {
        self.protocol
            .exclusions
            .iter()
            .find(|e| e.id.contains("recording") || e.id.contains("fail"))
            .map_or("other".into(), |e| e.id.clone())
    }

    /// The scoring sheet's header and its rows by blind code, as on disk now.
    pub fn sheet_rows(&self) -> Result<(Vec<String>, SheetRows), RecordError> {
        self.read_rows()
    }

    fn read_rows(&self) -> Result<(Vec<String>, SheetRows), RecordError> {
        let path = self.dir.join(SHEET);
        let table = ingest::read_table(&path, None)?;
        let ci = table.column_index("blind_code")?;
        let rows = (0..table.row_count())
            .map(|r| {
                let row: Vec<String> = (0..table.headers.len())
                    .map(|c| table.cell(r, c).to_string())
                    .collect();
                (table.cell(r, ci).to_string(), row)
            })
            .collect();
        Ok((table.headers.clone(), rows))
    }

    /// Refuses to record an animal whose scoring cells are filled already, unless `again`.
    pub fn check_row_free(&self, code: &str, again: bool) -> Result<(), RecordError> {
        if self.observer.is_some() || again {
            return Ok(());
        }
        let path = self.dir.join(SHEET);
        let table = ingest::read_table(&path, None)?;
        let ci = table.column_index("blind_code")?;
        for r in 0..table.row_count() {
            if table.cell(r, ci) != code {
                continue;
            }
            for column in &self.score_columns {
                if let Ok(c) = table.column_index(column) {
                    if !table.cell(r, c).is_empty() {
                        return Err(RecordError::RowFilled {
                            path,
                            row: table.row_number(r),
                            column: column.clone(),
                            value: table.cell(r, c).to_string(),
                            code: code.to_string(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The sheet cells of a finished trial.
    pub fn row_cells(&self, r: &Replayed) -> BTreeMap<String, String> {
        let mut cells: BTreeMap<String, String> = r.fields.iter().cloned().collect();
        let t = &r.trial;
        let mut notes: Vec<String> = t
            .notes
            .iter()
            .map(|(at, text)| format!("{text} (at {} s)", seconds(*at)))
            .collect();
        if !t.pauses.is_empty() {
            let at: Vec<String> = t
                .pauses
                .iter()
                .map(|p| format!("{} s", seconds(*p)))
                .collect();
            notes.push(format!("paused at {}", at.join(", ")));
        } else if t.interrupted {
            notes.push("interrupted: preclin stopped during the trial and it was resumed".into());
        }
        let mut exclusion = self.broken_criterion(&r.fields).map(|e| e.id.clone());
        match &t.ending {
            Some(super::Ending::Early {
                at_ms,
                exclusion: why,
            }) => {
                notes.push(if r.failed {
                    format!("trial failed at {} s", seconds(*at_ms))
                } else {
                    format!("trial stopped at {} s ({why})", seconds(*at_ms))
                });
                exclusion = exclusion.or(Some(why.clone()));
            }
            _ => {
                for (k, v) in t.totals(&self.scoring, self.session_s).cells {
                    cells.insert(k, v);
                }
            }
        }
        cells.insert(
            "excluded".into(),
            if exclusion.is_some() { "yes" } else { "no" }.into(),
        );
        cells.insert("exclusion_reason".into(), exclusion.unwrap_or_default());
        cells.insert("notes".into(), notes.join("; "));
        cells
    }

    /// Writes a finished trial into its row of the scoring sheet (refusing when the row
    /// changed on disk since it was read) and the event log of every finished trial.
    pub fn write_trial(&mut self, code: &str) -> Result<(), RecordError> {
        let replayed = self.replay(code)?;
        if self.observer.is_none() {
            let path = self.dir.join(SHEET);
            let (header, now) = self.read_rows()?;
            let table = ingest::read_table(&path, None)?;
            let ci = table.column_index("blind_code")?;
            let r = (0..table.row_count())
                .find(|&r| table.cell(r, ci) == code)
                .ok_or_else(|| RecordError::UnknownAnimal {
                    code: code.to_string(),
                    path: path.clone(),
                    known: self.known_codes(),
                })?;
            if self.rows_seen.get(code) != now.get(code) {
                return Err(RecordError::RowChanged {
                    path,
                    row: table.row_number(r),
                    code: code.to_string(),
                    journal: self.journal_path(code),
                });
            }
            let cells = self.row_cells(&replayed);
            let mut rows = vec![header.clone()];
            for i in 0..table.row_count() {
                let mut row: Vec<String> = (0..header.len())
                    .map(|c| table.cell(i, c).to_string())
                    .collect();
                if i == r {
                    for (c, h) in header.iter().enumerate() {
                        if let Some(v) = cells.get(h) {
                            row[c] = v.clone();
                        }
                    }
                    self.rows_seen.insert(code.to_string(), row.clone());
                }
                rows.push(row);
            }
            write_atomic(&path, &crate::study::csv_text(&rows))?;
        }
        self.export_events()
    }

    /// `sheets/events/events.csv`: the bouts of every trial that ran its full session.
    pub fn export_events(&self) -> Result<(), RecordError> {
        let mut rows = vec![vec![
            "animal".to_string(),
            "behaviour".into(),
            "start_s".into(),
            "stop_s".into(),
        ]];
        for e in &self.run_order {
            if self.status(&e.code)? != Status::Finished {
                continue;
            }
            let r = self.replay(&e.code)?;
            if r.failed || !matches!(r.trial.ending, Some(super::Ending::Duration)) {
                continue;
            }
            for b in r.trial.bouts() {
                rows.push(vec![
                    e.code.clone(),
                    self.names[b.behaviour].clone(),
                    seconds(b.start_ms),
                    seconds(b.stop_ms),
                ]);
            }
        }
        write_atomic(
            &self.events_dir().join("events.csv"),
            &crate::study::csv_text(&rows),
        )
    }

    /// Writes the rows of trials that finished but whose sheet row is still empty (a write
    /// that was refused, or preclin stopped between the journal and the sheet).
    pub fn catch_up(&mut self) -> Result<Vec<String>, RecordError> {
        let mut written = Vec::new();
        if self.observer.is_some() {
            return Ok(written);
        }
        let codes: Vec<String> = self.run_order.iter().map(|e| e.code.clone()).collect();
        for code in codes {
            let blank = self.rows_seen.get(&code).is_some_and(|row| {
                self.sheet_header.iter().zip(row).all(|(h, v)| {
                    v.is_empty() || !(self.score_columns.contains(h) || h == "excluded")
                })
            });
            if blank && self.status(&code)? == Status::Finished {
                self.write_trial(&code)?;
                written.push(code);
            }
        }
        Ok(written)
    }

    /// The trial's first journal lines: the header and the typed fields.
    pub fn header_line(&self, code: &str, clock: &str) -> Line {
        Line::Trial {
            blind_code: code.to_string(),
            protocol: self.protocol.id.clone(),
            clock: clock.to_string(),
        }
    }

    /// A new trial of the protocol's length.
    pub fn new_trial(&self) -> Trial {
        Trial::new(self.session_ms(), self.names.len())
    }

    /// The end line a trial marked failed gets.
    pub fn failed_line(&self, t_ms: u64) -> Line {
        Line::End {
            t_ms,
            reason: EndReason::Failed,
            exclusion: Some(self.failure_reason()),
        }
    }
}

/// Milliseconds as seconds with up to three decimals.
pub fn seconds(ms: u64) -> String {
    let s = format!("{}.{:03}", ms / 1000, ms % 1000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Writes `bytes` to `path` through a file beside it, so that the file is whole or as before.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RecordError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| RecordError::io(dir, e))?;
    }
    let staging = path.with_extension("preclin-tmp");
    std::fs::write(&staging, bytes)
        .and_then(|()| std::fs::File::open(&staging)?.sync_all())
        .and_then(|()| std::fs::rename(&staging, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&staging);
            RecordError::io(path, e)
        })
}
