//! Behavioural event logs — BORIS exports and the simplest hand-made log — read into
//! events (bouts and points) that keep the spreadsheet row they came from.
//!
//! # Formats
//!
//! The format is recognised from the content, never from the file name. Columns are
//! separated by tabs (when the first non-blank line holds a tab) or commas. Columns are
//! found by name, wherever they stand, ignoring case, spaces and punctuation (`Start (s)`,
//! `Start(s)` and `start_s` are one column; `behaviour` is `behavior`), so independent
//! variables and modifiers may add or move columns freely.
//!
//! **BORIS aggregated events** — one row per event with its start and stop. Three layouts:
//!
//! * BORIS 7: `Observation id, Observation date, Description, Media file, Total length,
//!   FPS, ‹independent variables›, Subject, Behavior, Behavioral category, Modifiers,
//!   Behavior type, Start (s), Stop (s), Duration (s), Comment start, Comment stop`.
//! * BORIS 8 before 8.22: `Observation id, Observation date, Description, Observation
//!   type, Source, Total length, FPS, ‹independent variables›, Subject, Observation
//!   duration by subject by observation, Behavior, Behavioral category, Modifiers` (later
//!   `Modifier #1, Modifier #2, …`) `, Behavior type, Start (s), Stop (s), Duration (s),
//!   Image index start, Image index stop, Image file path start, Image file path stop,
//!   Comment start, Comment stop`.
//! * BORIS 8.22 and later: `Observation id, Observation date, Description, Observation
//!   type, Source, Time offset (s), Coding duration, Media duration (s), FPS (frame/s),
//!   ‹independent variables›, Subject, Observation duration by subject by observation,
//!   Behavior, Behavioral category, Modifier #1, …, Behavior type, Start (s), Stop (s),
//!   Duration (s), Media file name, Image index start, Image index stop, Image file path
//!   start, Image file path stop, Comment start, Comment stop`.
//!
//! The layout is told by its columns: any of `Media file name`, `Media duration (s)`,
//! `FPS (frame/s)`, `Coding duration` or `Time offset (s)` means 8.22 or later; any of
//! `Observation type`, `Source`, `Observation duration by subject by observation`, `Image
//! index start` or `Modifier #1` means BORIS 8; otherwise BORIS 7. `Behavior type` is
//! `STATE` or `POINT`; a point's `Duration (s)` is `NA` and its stop is its start.
//!
//! **BORIS tabular events** — one row per START, STOP or POINT:
//!
//! * BORIS 7 (and 6): a block of `key, value` rows (`Observation id`, `Media file(s)`,
//!   `Player #1`, `Observation date`, `Description`, `Time offset (s)`, `independent
//!   variables` with `variable, value` and one row per variable), then the header `Time,
//!   Media file path, Total length, FPS, Subject, Behavior, Behavioral category, Modifier 1,
//!   …, Comment, Status` (BORIS 6 has no `Behavioral category`), with START, STOP or
//!   POINT in `Status`.
//! * BORIS 8: no block; every row carries `Observation id, Observation date, Description,
//!   Observation duration, Observation type, Source, Time offset (s), Media duration (s),
//!   FPS, ‹independent variables›, Subject, Behavior, Behavioral category, Modifier #1, …,
//!   Behavior type, Time, Media file name, Image index, Image file path, Comment`, with
//!   START, STOP or POINT in `Behavior type`.
//!
//! A START is paired with the next STOP of the same animal and behaviour, in one pass.
//!
//! **Plain CSV** — `animal, behaviour, start_s, stop_s`, one row per event; a blank stop
//! makes a point event.
//!
//! Sources: the BORIS source at github.com/olivierfriard/BORIS — the header lists of
//! `export_aggregated_events` and `export_tabular_events` in `boris/export_events.py` and
//! `boris/export_observation.py` (the BORIS 7 module; the 2022 module, commit 006d42ce, with
//! `Modifiers`, and a later 2022 one with `Modifier #n`; the 2024 modules, commits d21e115c
//! and 089ba170) — and the reference exports of its test suite (`tests/files/`), copied
//! into `tests/fixtures/boris/`.
//!
//! # Animals
//!
//! The animal of an event is its BORIS `Subject`, unless the subject is empty or `No focal
//! subject`: then it is the `Observation id`. Labs usually film one animal per video and
//! name the observation by the animal's blind code, so the observation names the animal;
//! when several animals share a video (side-by-side cylinders), each is a subject. A subject
//! coded in two observations of one file is refused rather than pooled: it would merge
//! different videos (or sessions) into one animal.
//!
//! # Times
//!
//! Times are seconds from the start of the observation, as BORIS writes them; with a
//! playlist of several media files they run on across the files, and `Total length` /
//! `Media duration (s)` (kept per animal in [`EventLog::media_duration_s`]) is the length
//! of the whole playlist.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::table::{parse_number, IngestError};

/// The kind of log a file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventLogFormat {
    /// BORIS "aggregated events"; `version` is `"7"`, `"8"` (before 8.22) or `"8.22+"`.
    BorisAggregated { version: &'static str },
    /// BORIS "tabular events" (START/STOP/POINT rows), BORIS 6 to 8.
    BorisTabular,
    /// `animal, behaviour, start_s, stop_s`.
    PlainCsv,
}

impl fmt::Display for EventLogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventLogFormat::BorisAggregated { version } => {
                write!(f, "BORIS aggregated events (BORIS {version} layout)")
            }
            EventLogFormat::BorisTabular => f.write_str("BORIS tabular events"),
            EventLogFormat::PlainCsv => f.write_str("plain CSV event log"),
        }
    }
}

/// One bout of a state behaviour, or one point event.
#[derive(Debug, Clone, PartialEq)]
pub struct BehaviourEvent {
    pub animal: String,
    /// The behaviour as written in the log (the BORIS behaviour code).
    pub behaviour: String,
    pub start_s: f64,
    /// Equal to `start_s` for a point event.
    pub stop_s: f64,
    pub point: bool,
    /// Spreadsheet row of the event (of its START in tabular exports).
    pub row: usize,
    /// Spreadsheet row of its stop: the STOP row in tabular exports, otherwise `row`.
    pub stop_row: usize,
}

/// The events of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLog {
    pub path: PathBuf,
    pub format: EventLogFormat,
    /// In file order (tabular exports: in the order of the START rows).
    pub events: Vec<BehaviourEvent>,
    /// Length of the media per animal, when the export has it (`Total length` or
    /// `Media duration (s)`; the sum over a playlist).
    pub media_duration_s: BTreeMap<String, f64>,
    /// Headers of the start and the stop times as written in the file (`Time` for both in
    /// tabular exports), for messages.
    pub start_column: String,
    pub stop_column: String,
}

const EMPTY_HINT: &str = "BORIS writes an empty file when no event falls in the time interval chosen at export, or no subject or behaviour was selected; export again with the full observation and all subjects and behaviours";

/// Reads a behavioural event log (see the module documentation for the formats).
pub fn read_event_log(path: &Path) -> Result<EventLog, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    parse_event_log(path, &super::decode_text(path, &bytes)?)
}

/// Reads an event log from text; `path` is used in messages only.
pub fn parse_event_log(path: &Path, text: &str) -> Result<EventLog, IngestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(first_line) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Err(IngestError::EmptyFile {
            path: path.to_path_buf(),
            hint: EMPTY_HINT,
        });
    };
    let delimiter = if first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut rows = Rows {
        path,
        text: text.as_bytes(),
        consumed: 0,
        line_breaks: 0,
        reader: csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes()),
        record: csv::StringRecord::new(),
    };
    let Some(first_row) = rows.advance()? else {
        return Err(IngestError::EmptyFile {
            path: path.to_path_buf(),
            hint: EMPTY_HINT,
        });
    };
    let unknown = |rows: &Rows| IngestError::UnknownFormat {
        path: path.to_path_buf(),
        row: first_row,
        seen: rows.seen(),
    };
    let header = Header::new(&rows.record);
    if let Some(kind) = header.kind() {
        return read_events(&mut rows, &header, kind, "");
    }
    // BORIS 7 tabular exports open with `key, value` rows before the header of the events.
    if header.keys.first().map(String::as_str) != Some(OBSERVATION[0]) {
        return Err(unknown(&rows));
    }
    let error = unknown(&rows);
    let mut observation = rows.cell(1).to_string();
    while rows.advance()?.is_some() {
        let header = Header::new(&rows.record);
        match header.kind() {
            Some(kind @ Kind::Tabular) => {
                return read_events(&mut rows, &header, kind, &observation)
            }
            _ if header.keys.first().map(String::as_str) == Some(OBSERVATION[0]) => {
                observation = rows.cell(1).to_string();
            }
            _ => {}
        }
    }
    Err(error)
}

/// Checks that every event lies within a session of `session_s` seconds.
pub fn check_session(log: &EventLog, session_s: f64) -> Result<(), IngestError> {
    const HINT: &str = "events must lie between 0 s and the end of the session: check the session's duration in the protocol, and in BORIS set the observation's time offset so that 0 s is when the animal enters the water";
    for e in &log.events {
        if e.start_s < 0.0 {
            return Err(event_error(
                &log.path,
                e.row,
                &log.start_column,
                e.start_s,
                "is before the start of the session (0 s)".into(),
                HINT,
            ));
        }
        if e.stop_s > session_s {
            let what = if e.point { "event" } else { "bout" };
            return Err(event_error(
                &log.path,
                e.stop_row,
                &log.stop_column,
                e.stop_s,
                format!(
                    "is after the end of the {session_s} s session (the {what} of `{}` of animal `{}`)",
                    e.behaviour, e.animal
                ),
                HINT,
            ));
        }
    }
    Ok(())
}

/// The bouts (state events) of one behaviour of one animal, sorted by start: `(start, stop)`
/// in seconds. Names are compared exactly, as written in the log.
pub fn behaviour_intervals(log: &EventLog, animal: &str, behaviour: &str) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = log
        .events
        .iter()
        .filter(|e| !e.point && e.animal == animal && e.behaviour == behaviour)
        .map(|e| (e.start_s, e.stop_s))
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    out
}

/// The behaviours of the log, as written (to be matched to a protocol's codes or names).
pub fn behaviours(log: &EventLog) -> BTreeSet<String> {
    log.events.iter().map(|e| e.behaviour.clone()).collect()
}

/// The animals of the log in order of first appearance.
pub fn animals(log: &EventLog) -> Vec<String> {
    let mut seen = HashSet::new();
    log.events
        .iter()
        .filter(|e| seen.insert(e.animal.as_str()))
        .map(|e| e.animal.clone())
        .collect()
}

// Column keys: header names lower-cased with only letters and digits kept.
const OBSERVATION: &[&str] = &["observationid"];
const SUBJECT: &[&str] = &["subject"];
const BEHAVIOUR: &[&str] = &["behavior"];
const START: &[&str] = &["starts", "start"];
const STOP: &[&str] = &["stops", "stop"];
const EVENT_TYPE: &[&str] = &["behaviortype"];
const TIME: &[&str] = &["time", "times"];
const STATUS: &[&str] = &["status"];
const ANIMAL: &[&str] = &["animal"];
const MEDIA_DURATION: &[&str] = &["mediadurations", "totallength", "totalduration"];
const BORIS_8_22: &[&str] = &[
    "mediafilename",
    "mediadurations",
    "fpsframes",
    "codingduration",
    "timeoffsets",
];
const BORIS_8: &[&str] = &[
    "observationtype",
    "source",
    "observationdurationbysubjectbyobservation",
    "imageindexstart",
    "modifier1",
];

fn key(header: &str) -> String {
    let k: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    k.replace("behaviour", "behavior")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Aggregated(&'static str),
    Tabular,
    Plain,
}

/// A header row: the names as written and their keys.
struct Header {
    names: Vec<String>,
    keys: Vec<String>,
}

impl Header {
    fn new(record: &csv::StringRecord) -> Self {
        let names: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
        let keys = names.iter().map(|h| key(h)).collect();
        Header { names, keys }
    }

    fn has(&self, keys: &[&str]) -> bool {
        self.first(keys).is_some()
    }

    /// The first column with one of `keys` (observation columns come before the
    /// independent variables).
    fn first(&self, keys: &[&str]) -> Option<usize> {
        self.keys.iter().position(|k| keys.contains(&k.as_str()))
    }

    /// The last column with one of `keys` (event columns come after the independent
    /// variables, which might share a name).
    fn last(&self, keys: &[&str]) -> Option<usize> {
        self.keys.iter().rposition(|k| keys.contains(&k.as_str()))
    }

    fn kind(&self) -> Option<Kind> {
        let named = self.has(SUBJECT) || self.has(OBSERVATION);
        if self.has(BEHAVIOUR) && self.has(START) && self.has(STOP) && named {
            let version = if self.has(BORIS_8_22) {
                "8.22+"
            } else if self.has(BORIS_8) {
                "8"
            } else {
                "7"
            };
            Some(Kind::Aggregated(version))
        } else if self.has(BEHAVIOUR)
            && self.has(TIME)
            && (self.has(STATUS) || self.has(EVENT_TYPE))
            && named
        {
            Some(Kind::Tabular)
        } else if self.has(ANIMAL) && self.has(BEHAVIOUR) && self.has(START) && self.has(STOP) {
            Some(Kind::Plain)
        } else {
            None
        }
    }
}

/// The rows of a file, one at a time.
struct Rows<'a> {
    path: &'a Path,
    text: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    /// Bytes read so far, and the line breaks among them.
    consumed: usize,
    line_breaks: usize,
}

impl Rows<'_> {
    /// Moves to the next row with a non-blank cell and returns its spreadsheet row.
    fn advance(&mut self) -> Result<Option<usize>, IngestError> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) => {
                    return Err(IngestError::Csv {
                        path: self.path.to_path_buf(),
                        row: self.line_breaks + 1,
                        message: e.to_string(),
                    })
                }
            }
            // The reader's own line count lags behind blank lines and CRLF line ends, so the
            // row is counted here: the line on which the record's first byte stands.
            let end = (self.reader.position().byte() as usize).min(self.text.len());
            let read = &self.text[self.consumed..end];
            let skip = read
                .iter()
                .position(|&b| b != b'\r' && b != b'\n')
                .unwrap_or(read.len());
            let row = self.line_breaks + count_line_breaks(&read[..skip]) + 1;
            self.line_breaks += count_line_breaks(read);
            self.consumed = end;
            if self.record.iter().any(|c| !c.trim().is_empty()) {
                return Ok(Some(row));
            }
        }
    }

    /// Trimmed text of a cell of the current row ("" when missing).
    fn cell(&self, column: usize) -> &str {
        self.record.get(column).unwrap_or("").trim()
    }

    /// The non-blank cells of the current row, for a message.
    fn seen(&self) -> String {
        const SHOWN: usize = 12;
        let cells: Vec<String> = self
            .record
            .iter()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| format!("`{c}`"))
            .collect();
        let mut out = cells
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if cells.len() > SHOWN {
            out.push_str(&format!(" and {} more", cells.len() - SHOWN));
        }
        out
    }
}

fn count_line_breaks(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn event_error(
    path: &Path,
    row: usize,
    column: &str,
    value: impl fmt::Display,
    message: String,
    hint: &'static str,
) -> IngestError {
    IngestError::Event {
        path: path.to_path_buf(),
        row,
        column: column.to_string(),
        value: value.to_string(),
        message: message.into_boxed_str(),
        hint,
    }
}

fn blank(path: &Path, row: usize, column: &str, hint: &str) -> IngestError {
    IngestError::BlankCell {
        path: path.to_path_buf(),
        row,
        column: column.to_string(),
        hint: hint.to_string(),
    }
}

/// A time in seconds: a plain non-negative number.
fn time(rows: &Rows, column: usize, name: &str, row: usize) -> Result<f64, IngestError> {
    let cell = rows.cell(column);
    if cell.is_empty() {
        return Err(blank(
            rows.path,
            row,
            name,
            "every event needs its time in seconds",
        ));
    }
    let bad = |problem: &'static str, hint: &'static str| IngestError::BadValue {
        path: rows.path.to_path_buf(),
        row,
        column: name.to_string(),
        value: cell.to_string(),
        problem,
        hint,
    };
    let Some(value) = parse_number(cell, false) else {
        let hint = if cell.eq_ignore_ascii_case("NA") {
            "BORIS writes NA when an event has no time (observations from images without timestamps); score from a video or live to get times"
        } else if cell.contains(',') {
            "write decimals with a point (12.5)"
        } else {
            "write the time in seconds as a plain number, e.g. 12.5"
        };
        return Err(bad("not a number", hint));
    };
    if value < 0.0 {
        return Err(bad(
            "a negative time",
            "times are seconds from the start of the observation; check the observation's time offset in BORIS",
        ));
    }
    Ok(value)
}

/// Media length from `Total length` (`539.920`) or `Media duration (s)` (`180.000;359.960`
/// for a playlist, `|` between players): the sum over the first player's playlist, rounded
/// to the microsecond so that 150.000 + 150.040 is 300.04 (BORIS writes milliseconds).
fn media_duration(cell: &str) -> Option<f64> {
    let first_player = cell.split('|').next()?;
    let mut total = 0.0;
    for part in first_player.split(';') {
        total += parse_number(part.trim(), false)?;
    }
    Some((total * 1e6).round() / 1e6)
}

/// An animal seen in the log: the observation it was first coded in, and where.
struct AnimalSeen {
    id: u32,
    observation: String,
    row: usize,
}

/// Collects events, naming animals and behaviours once.
struct Builder<'a> {
    path: &'a Path,
    events: Vec<BehaviourEvent>,
    /// (animal, behaviour) ids of each event.
    ids: Vec<(u32, u32)>,
    animals: HashMap<String, AnimalSeen>,
    behaviours: HashMap<String, u32>,
    media: BTreeMap<String, f64>,
}

impl<'a> Builder<'a> {
    fn new(path: &'a Path) -> Self {
        Builder {
            path,
            events: Vec::new(),
            ids: Vec::new(),
            animals: HashMap::new(),
            behaviours: HashMap::new(),
            media: BTreeMap::new(),
        }
    }

    /// The animal of a row: its subject, or its observation without a focal subject.
    fn animal(
        &mut self,
        subject: &str,
        observation: &str,
        row: usize,
        column: &str,
    ) -> Result<(u32, String), IngestError> {
        let from_subject = !subject.is_empty() && !subject.eq_ignore_ascii_case("No focal subject");
        let name = if from_subject { subject } else { observation };
        if name.is_empty() {
            return Err(blank(
                self.path,
                row,
                column,
                "every event needs its animal: name the subject in BORIS, or keep the Observation id, which names the animal when there is no focal subject",
            ));
        }
        if let Some(seen) = self.animals.get(name) {
            if from_subject && !observation.is_empty() && seen.observation != observation {
                return Err(event_error(
                    self.path,
                    row,
                    column,
                    subject,
                    format!(
                        "is coded in observation `{observation}` here and in observation `{}` on row {}",
                        seen.observation, seen.row
                    ),
                    "each animal is one observation: give every animal its own subject in BORIS, or code it as No focal subject so that the observation id names it",
                ));
            }
            return Ok((seen.id, name.to_string()));
        }
        let id = self.animals.len() as u32;
        self.animals.insert(
            name.to_string(),
            AnimalSeen {
                id,
                observation: observation.to_string(),
                row,
            },
        );
        Ok((id, name.to_string()))
    }

    fn behaviour(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.behaviours.get(name) {
            return id;
        }
        let id = self.behaviours.len() as u32;
        self.behaviours.insert(name.to_string(), id);
        id
    }

    fn media(&mut self, animal: &str, cell: &str) {
        if !self.media.contains_key(animal) {
            if let Some(d) = media_duration(cell) {
                self.media.insert(animal.to_string(), d);
            }
        }
    }

    /// Adds an event read on `row` (its STOP row too, until a STOP says otherwise).
    fn push(
        &mut self,
        ids: (u32, u32),
        animal: String,
        behaviour: &str,
        (start_s, stop_s): (f64, f64),
        point: bool,
        row: usize,
    ) -> usize {
        self.events.push(BehaviourEvent {
            animal,
            behaviour: behaviour.to_string(),
            start_s,
            stop_s,
            point,
            row,
            stop_row: row,
        });
        self.ids.push(ids);
        self.events.len() - 1
    }

    /// Checks that no two bouts of one behaviour of one animal overlap (one sort, then one
    /// pass), and returns the log.
    fn finish(
        self,
        format: EventLogFormat,
        start_column: &str,
        stop_column: &str,
    ) -> Result<EventLog, IngestError> {
        if self.events.is_empty() {
            return Err(IngestError::Empty {
                path: self.path.to_path_buf(),
            });
        }
        let mut order: Vec<usize> = (0..self.events.len())
            .filter(|&i| !self.events[i].point)
            .collect();
        let ev = &self.events;
        order.sort_unstable_by(|&a, &b| {
            self.ids[a]
                .cmp(&self.ids[b])
                .then(ev[a].start_s.total_cmp(&ev[b].start_s))
                .then(ev[a].row.cmp(&ev[b].row))
        });
        // The overlap whose later bout comes first in the file: (earlier, later).
        let mut worst: Option<(usize, usize)> = None;
        let mut open: Option<usize> = None; // the bout reaching furthest in the current group
        for (n, &i) in order.iter().enumerate() {
            if n > 0 && self.ids[order[n - 1]] != self.ids[i] {
                open = None;
            }
            if let Some(o) = open {
                if ev[i].start_s < ev[o].stop_s && worst.is_none_or(|(_, w)| ev[i].row < ev[w].row)
                {
                    worst = Some((o, i));
                }
                if ev[i].stop_s > ev[o].stop_s {
                    open = Some(i);
                }
            } else {
                open = Some(i);
            }
        }
        if let Some((o, i)) = worst {
            let (first, later) = (&ev[o], &ev[i]);
            return Err(event_error(
                self.path,
                later.row,
                start_column,
                later.start_s,
                format!(
                    "starts while the `{}` bout of animal `{}` from row {} ({} – {} s) is still going on",
                    first.behaviour, first.animal, first.row, first.start_s, first.stop_s
                ),
                "bouts of one behaviour of one animal cannot overlap; correct the times in BORIS (or the log) and export again",
            ));
        }
        Ok(EventLog {
            path: self.path.to_path_buf(),
            format,
            events: self.events,
            media_duration_s: self.media,
            start_column: start_column.to_string(),
            stop_column: stop_column.to_string(),
        })
    }
}

fn read_events(
    rows: &mut Rows,
    header: &Header,
    kind: Kind,
    observation: &str,
) -> Result<EventLog, IngestError> {
    match kind {
        Kind::Aggregated(version) => read_aggregated(rows, header, version),
        Kind::Tabular => read_tabular(rows, header, observation),
        Kind::Plain => read_plain(rows, header),
    }
}

/// Index and name of a column the header is known to have.
fn column(header: &Header, at: Option<usize>) -> (usize, &str) {
    let i = at.expect("the header's kind guarantees the column");
    (i, header.names[i].as_str())
}

fn behaviour_name<'r>(
    rows: &'r Rows,
    column: (usize, &str),
    row: usize,
) -> Result<&'r str, IngestError> {
    let name = rows.cell(column.0);
    if name.is_empty() {
        return Err(blank(
            rows.path,
            row,
            column.1,
            "every event needs its behaviour",
        ));
    }
    Ok(name)
}

fn stop_before_start(
    path: &Path,
    row: usize,
    column: &str,
    stop: f64,
    start: f64,
    start_row: usize,
) -> IngestError {
    let at = if start_row == row {
        String::new()
    } else {
        format!(" on row {start_row}")
    };
    event_error(
        path,
        row,
        column,
        stop,
        format!("is before the start of its event ({start} s{at})"),
        "an event stops after it starts; check both times",
    )
}

fn read_aggregated(
    rows: &mut Rows,
    header: &Header,
    version: &'static str,
) -> Result<EventLog, IngestError> {
    let observation = header.first(OBSERVATION);
    let subject = header.last(SUBJECT);
    let subject_name = subject
        .or(observation)
        .map_or("Subject", |i| header.names[i].as_str());
    let behaviour = column(header, header.last(BEHAVIOUR));
    let start = column(header, header.last(START));
    let stop = column(header, header.last(STOP));
    let kind = header.last(EVENT_TYPE);
    let media = header.first(MEDIA_DURATION);
    let mut b = Builder::new(rows.path);
    while let Some(row) = rows.advance()? {
        let name = behaviour_name(rows, behaviour, row)?;
        let point = match kind {
            None => false,
            Some(k) => {
                let cell = rows.cell(k);
                if cell.eq_ignore_ascii_case("POINT") {
                    true
                } else if cell.eq_ignore_ascii_case("STATE") || cell.is_empty() {
                    false
                } else {
                    return Err(IngestError::BadValue {
                        path: rows.path.to_path_buf(),
                        row,
                        column: header.names[k].clone(),
                        value: cell.to_string(),
                        problem: "not STATE or POINT",
                        hint: "BORIS writes STATE for a bout and POINT for a point event",
                    });
                }
            }
        };
        let t0 = time(rows, start.0, start.1, row)?;
        let t1 = if point {
            t0
        } else {
            time(rows, stop.0, stop.1, row)?
        };
        if t1 < t0 {
            return Err(stop_before_start(rows.path, row, stop.1, t1, t0, row));
        }
        let subject_cell = subject.map_or("", |i| rows.cell(i));
        let observation_cell = observation.map_or("", |i| rows.cell(i));
        let (animal_id, animal) = b.animal(subject_cell, observation_cell, row, subject_name)?;
        if let Some(m) = media {
            b.media(&animal, rows.cell(m));
        }
        let behaviour_id = b.behaviour(name);
        b.push(
            (animal_id, behaviour_id),
            animal,
            name,
            (t0, t1),
            point,
            row,
        );
    }
    b.finish(EventLogFormat::BorisAggregated { version }, start.1, stop.1)
}

fn read_tabular(
    rows: &mut Rows,
    header: &Header,
    observation: &str,
) -> Result<EventLog, IngestError> {
    let observation_column = header.first(OBSERVATION);
    let subject = header.last(SUBJECT);
    let subject_name = subject
        .or(observation_column)
        .map_or("Subject", |i| header.names[i].as_str());
    let behaviour = column(header, header.last(BEHAVIOUR));
    let time_column = column(header, header.last(TIME));
    let status = column(header, header.last(STATUS).or(header.last(EVENT_TYPE)));
    let media = header.first(MEDIA_DURATION);
    let mut b = Builder::new(rows.path);
    // The open bout (index into the events) of each (animal, behaviour).
    let mut open: HashMap<(u32, u32), usize> = HashMap::new();
    while let Some(row) = rows.advance()? {
        let name = behaviour_name(rows, behaviour, row)?;
        let cell = rows.cell(status.0);
        let status_value = ["START", "STOP", "POINT"]
            .into_iter()
            .find(|s| cell.eq_ignore_ascii_case(s))
            .ok_or_else(|| IngestError::BadValue {
                path: rows.path.to_path_buf(),
                row,
                column: status.1.to_string(),
                value: cell.to_string(),
                problem: "not START, STOP or POINT",
                hint:
                    "tabular exports mark each row START or STOP (a bout) or POINT (a point event)",
            })?;
        let t = time(rows, time_column.0, time_column.1, row)?;
        let subject_cell = subject.map_or("", |i| rows.cell(i));
        let observation_cell = observation_column.map_or(observation, |i| rows.cell(i));
        let (animal_id, animal) = b.animal(subject_cell, observation_cell, row, subject_name)?;
        if let Some(m) = media {
            b.media(&animal, rows.cell(m));
        }
        let ids = (animal_id, b.behaviour(name));
        match status_value {
            "START" => {
                if let Some(&first) = open.get(&ids) {
                    let e = &b.events[first];
                    return Err(event_error(
                        rows.path,
                        e.row,
                        status.1,
                        "START",
                        format!(
                            "of `{}` for animal `{}` has no STOP: another START follows on row {row}",
                            e.behaviour, e.animal
                        ),
                        "every START of a state behaviour needs a STOP before the next START; fix the observation in BORIS (Observations ▸ Fix unpaired events) and export again",
                    ));
                }
                let i = b.push(ids, animal, name, (t, f64::NAN), false, row);
                open.insert(ids, i);
            }
            "STOP" => {
                let Some(i) = open.remove(&ids) else {
                    return Err(event_error(
                        rows.path,
                        row,
                        status.1,
                        "STOP",
                        format!("of `{name}` for animal `{animal}` has no START before it"),
                        "every STOP of a state behaviour closes a START of the same behaviour and animal; fix the observation in BORIS and export again",
                    ));
                };
                let e = &mut b.events[i];
                if t < e.start_s {
                    return Err(stop_before_start(
                        rows.path,
                        row,
                        time_column.1,
                        t,
                        e.start_s,
                        e.row,
                    ));
                }
                e.stop_s = t;
                e.stop_row = row;
            }
            _ => {
                b.push(ids, animal, name, (t, t), true, row);
            }
        }
    }
    if let Some(&i) = open.values().min() {
        let e = &b.events[i];
        return Err(event_error(
            rows.path,
            e.row,
            status.1,
            "START",
            format!(
                "of `{}` for animal `{}` has no STOP after it",
                e.behaviour, e.animal
            ),
            "every START of a state behaviour needs a STOP; fix the observation in BORIS (Observations ▸ Fix unpaired events) and export again",
        ));
    }
    b.finish(EventLogFormat::BorisTabular, time_column.1, time_column.1)
}

fn read_plain(rows: &mut Rows, header: &Header) -> Result<EventLog, IngestError> {
    let animal_column = column(header, header.first(ANIMAL));
    let behaviour = column(header, header.first(BEHAVIOUR));
    let start = column(header, header.first(START));
    let stop = column(header, header.first(STOP));
    let mut b = Builder::new(rows.path);
    while let Some(row) = rows.advance()? {
        let animal_cell = rows.cell(animal_column.0);
        if animal_cell.is_empty() {
            return Err(blank(
                rows.path,
                row,
                animal_column.1,
                "every event needs its animal (its blind code)",
            ));
        }
        let name = behaviour_name(rows, behaviour, row)?;
        let t0 = time(rows, start.0, start.1, row)?;
        let point = rows.cell(stop.0).is_empty();
        let t1 = if point {
            t0
        } else {
            time(rows, stop.0, stop.1, row)?
        };
        if t1 < t0 {
            return Err(stop_before_start(rows.path, row, stop.1, t1, t0, row));
        }
        let (animal_id, animal) = b.animal(animal_cell, "", row, animal_column.1)?;
        let behaviour_id = b.behaviour(name);
        b.push(
            (animal_id, behaviour_id),
            animal,
            name,
            (t0, t1),
            point,
            row,
        );
    }
    b.finish(EventLogFormat::PlainCsv, start.1, stop.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<EventLog, IngestError> {
        parse_event_log(Path::new("log.csv"), text)
    }

    #[test]
    fn header_keys_ignore_case_spaces_and_punctuation() {
        assert_eq!(key("Start (s)"), "starts");
        assert_eq!(key("start_s"), "starts");
        assert_eq!(key("FPS (frame/s)"), "fpsframes");
        assert_eq!(key("Behaviour"), "behavior");
        assert_eq!(key("Modifier #1"), "modifier1");
        assert_eq!(key(" Observation id "), "observationid");
    }

    #[test]
    fn media_duration_sums_a_playlist() {
        assert_eq!(media_duration("539.920"), Some(539.92));
        assert_eq!(media_duration("180.000;360.000"), Some(540.0));
        assert_eq!(media_duration("180.000;360.000|90.000"), Some(540.0));
        assert_eq!(media_duration("NA"), None);
        assert_eq!(media_duration(""), None);
    }

    #[test]
    fn formats_are_told_by_their_headers() {
        let cases = [
            (
                "Observation id,Subject,Behavior,Behavior type,Start (s),Stop (s)\nA1,,imm,STATE,1,2\n",
                EventLogFormat::BorisAggregated { version: "7" },
            ),
            (
                "Observation id,Source,Subject,Behavior,Behavior type,Start (s),Stop (s)\nA1,,,imm,STATE,1,2\n",
                EventLogFormat::BorisAggregated { version: "8" },
            ),
            (
                "Observation id,Media duration (s),Subject,Behavior,Behavior type,Start (s),Stop (s)\nA1,300,,imm,STATE,1,2\n",
                EventLogFormat::BorisAggregated { version: "8.22+" },
            ),
            (
                "Observation id,Subject,Behavior,Behavior type,Time\nA1,,imm,START,1\nA1,,imm,STOP,2\n",
                EventLogFormat::BorisTabular,
            ),
            ("animal,behaviour,start_s,stop_s\nA1,imm,1,2\n", EventLogFormat::PlainCsv),
        ];
        for (text, format) in cases {
            let log = parse(text).unwrap();
            assert_eq!(log.format, format, "{text}");
            assert_eq!(log.events.len(), 1);
            assert_eq!((log.events[0].start_s, log.events[0].stop_s), (1.0, 2.0));
            assert_eq!(log.events[0].animal, "A1");
        }
    }

    #[test]
    fn rows_count_blank_lines_and_crlf_line_ends() {
        let rows_of = |text: &str| -> Vec<usize> {
            parse(text).unwrap().events.iter().map(|e| e.row).collect()
        };
        let lf = "animal,behaviour,start_s,stop_s\nA1,i,1,2\nA1,i,3,4\n";
        assert_eq!(rows_of(lf), [2, 3]);
        assert_eq!(rows_of(&lf.replace('\n', "\r\n")), [2, 3]);
        // Blank lines and rows of empty cells are rows of the spreadsheet too.
        let gaps = "\r\n\r\nanimal,behaviour,start_s,stop_s\r\n\r\nA1,i,1,2\r\n,,,\r\nA1,i,3,4";
        assert_eq!(rows_of(gaps), [5, 7]);
        // A quoted cell may hold commas.
        let quoted = "animal,behaviour,start_s,stop_s\n\"A,1\",i,1,2\nB,i,3,4\n";
        assert_eq!(rows_of(quoted), [2, 3]);
        assert_eq!(parse(quoted).unwrap().events[0].animal, "A,1");
    }

    #[test]
    fn tab_and_comma_give_the_same_events() {
        let comma = "animal,behaviour,start_s,stop_s\nA1,imm,1.5,2\nA1,swim,2,\n";
        let tab = comma.replace(',', "\t");
        assert_eq!(parse(comma).unwrap().events, parse(&tab).unwrap().events);
    }

    #[test]
    fn an_independent_variable_named_like_a_column_is_not_taken_for_it() {
        // `Subject` and `Behavior` here are independent variables before BORIS's own.
        let text = "Observation id,Total length,Subject,Behavior,Subject,Behavior,Behavior type,Start (s),Stop (s)\nA1,300,x,y,,imm,STATE,1,2\n";
        let log = parse(text).unwrap();
        assert_eq!(log.events[0].animal, "A1");
        assert_eq!(log.events[0].behaviour, "imm");
        assert_eq!(log.media_duration_s["A1"], 300.0);
    }

    /// Every variant's fields fit in 112 bytes; with its tag the error is 120, under
    /// clippy's `result_large_err` limit of 128.
    #[test]
    fn error_variants_stay_small() {
        assert!(std::mem::size_of::<IngestError>() <= 120);
    }

    /// 100,000 bouts (200,000 START/STOP rows) of 8 animals and 3 behaviours, paired in
    /// one pass.
    #[test]
    fn a_hundred_thousand_tabular_events() {
        const BOUTS: usize = 100_000;
        let names = ["immobility", "swimming", "climbing"];
        let mut text = String::with_capacity(BOUTS * 2 * 40);
        text.push_str("Observation id\tSubject\tBehavior\tBehavior type\tTime\n");
        // Each animal alternates behaviours; bouts of 1 s separated by 0.5 s.
        for i in 0..BOUTS {
            let animal = i % 8;
            let n = i / 8;
            let behaviour = names[n % 3];
            let start = n as f64 * 1.5;
            let stop = start + 1.0;
            text.push_str(&format!("A{animal}\t\t{behaviour}\tSTART\t{start}\n"));
            text.push_str(&format!("A{animal}\t\t{behaviour}\tSTOP\t{stop}\n"));
        }
        let log = parse(&text).unwrap();
        assert_eq!(log.format, EventLogFormat::BorisTabular);
        assert_eq!(log.events.len(), BOUTS);
        assert_eq!(animals(&log).len(), 8);
        assert_eq!(behaviours(&log).len(), 3);
        let last = &log.events[BOUTS - 1];
        let n = (BOUTS - 1) / 8;
        assert_eq!(last.animal, format!("A{}", (BOUTS - 1) % 8));
        assert_eq!(
            (last.start_s, last.stop_s),
            (n as f64 * 1.5, n as f64 * 1.5 + 1.0)
        );
        assert_eq!((last.row, last.stop_row), (2 * BOUTS, 2 * BOUTS + 1));
        let imm = behaviour_intervals(&log, "A3", "immobility");
        assert_eq!(imm.len(), (BOUTS / 8).div_ceil(3));
        assert!(imm.windows(2).all(|w| w[0].1 <= w[1].0));
        let total: f64 = log.events.iter().map(|e| e.stop_s - e.start_s).sum();
        assert_eq!(total, BOUTS as f64);
    }
}
