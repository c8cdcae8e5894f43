//! The event journal of one trial: `sheets/events/<blind_code>.jsonl` (or
//! `sheets/events/<observer>/<blind_code>.jsonl` for a second observer), one JSON object
//! per line, appended and flushed to disk (`fsync`) before the screen shows the key as
//! taken. A trial is its journal: replaying the lines through [`Trial`] gives it back, so
//! preclin stopping at any moment loses at most the key being pressed.
//!
//! Lines (`"line"` says which):
//!
//! - `{"line":"trial","blind_code":"M77C","protocol":"fst-mouse","clock":"live"}` — first;
//! - `{"line":"field","name":"body_weight_g","value":"25.1"}` — a cell typed before the swim;
//! - `{"line":"start"}` — the session clock starts at 0;
//! - `{"line":"key","t_ms":61250,"behaviour":"immobility"}` — a behaviour key;
//! - `{"line":"pause","t_ms":…}`, `{"line":"resume","t_ms":…}`, `{"line":"undo","t_ms":…}`;
//! - `{"line":"note","t_ms":…,"text":"…"}`;
//! - `{"line":"restarted","t_ms":…}` — preclin was stopped during the trial and resumed it;
//! - `{"line":"end","t_ms":…,"reason":"duration"}`, or `"reason":"early"` with
//!   `"exclusion"`, or `"reason":"failed"` (the trial was marked failed after a stop).
//!
//! Times are session times in milliseconds (pauses excluded).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::trial::{Action, Trial};
use super::RecordError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "kebab-case")]
pub enum Line {
    Trial {
        blind_code: String,
        protocol: String,
        clock: String,
    },
    Field {
        name: String,
        value: String,
    },
    Start,
    Key {
        t_ms: u64,
        behaviour: String,
    },
    Pause {
        t_ms: u64,
    },
    Resume {
        t_ms: u64,
    },
    Undo {
        t_ms: u64,
    },
    Note {
        t_ms: u64,
        text: String,
    },
    Restarted {
        t_ms: u64,
    },
    End {
        t_ms: u64,
        reason: EndReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exclusion: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndReason {
    Duration,
    Early,
    Failed,
}

/// A journal opened for appending.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (creating) the journal at `path` for appending.
    pub fn open(path: &Path) -> Result<Self, RecordError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| RecordError::io(dir, e))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| RecordError::io(path, e))?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends `line` and waits until it is on disk.
    pub fn append(&mut self, line: &Line) -> Result<(), RecordError> {
        let mut text = serde_json::to_string(line).expect("a journal line serialises");
        text.push('\n');
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| RecordError::io(&self.path, e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lines of a journal; a damaged line (cut short by a power cut, or edited) is an error
/// naming it, with the number of intact lines before it.
pub fn read(path: &Path) -> Result<Vec<Line>, RecordError> {
    let bytes = std::fs::read(path).map_err(|e| RecordError::io(path, e))?;
    let mut lines = Vec::new();
    for (i, raw) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let complete = raw.ends_with(b"\n");
        let text = String::from_utf8_lossy(raw);
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(text.trim_end()) {
            Ok(line) if complete => lines.push(line),
            Ok(_) | Err(_) => {
                return Err(RecordError::DamagedJournal {
                    path: path.to_path_buf(),
                    line: i + 1,
                    intact: lines.len(),
                    cut_short: !complete,
                })
            }
        }
    }
    Ok(lines)
}

/// Keeps the intact lines of a damaged journal: the file as it was is kept beside it
/// (`<name>.damaged`, or `.damaged-2` …), and the journal holds the lines before the damage.
pub fn repair(path: &Path) -> Result<(PathBuf, usize), RecordError> {
    let bytes = std::fs::read(path).map_err(|e| RecordError::io(path, e))?;
    let mut keep = 0;
    for raw in bytes.split_inclusive(|b| *b == b'\n') {
        let ok = raw.ends_with(b"\n")
            && serde_json::from_str::<Line>(String::from_utf8_lossy(raw).trim_end()).is_ok();
        if !ok && !String::from_utf8_lossy(raw).trim().is_empty() {
            break;
        }
        keep += raw.len();
    }
    let kept = free_name(path, "damaged");
    std::fs::copy(path, &kept).map_err(|e| RecordError::io(&kept, e))?;
    let staging = path.with_extension("jsonl.preclin-tmp");
    std::fs::write(&staging, &bytes[..keep])
        .and_then(|()| File::open(&staging)?.sync_all())
        .and_then(|()| std::fs::rename(&staging, path))
        .map_err(|e| RecordError::io(path, e))?;
    let intact = read(path)?.len();
    Ok((kept, intact))
}

/// `path` with `.tag` (or `.tag-2`, `.tag-3` …) added so as not to replace any file.
pub fn free_name(path: &Path, tag: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    (1..)
        .map(|k| {
            let name = if k == 1 {
                format!("{stem}.{tag}.jsonl")
            } else {
                format!("{stem}.{tag}-{k}.jsonl")
            };
            path.with_file_name(name)
        })
        .find(|p| !p.exists())
        .expect("a free name")
}

/// What a journal holds: the typed fields and the trial replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    pub fields: Vec<(String, String)>,
    pub started: bool,
    pub trial: Trial,
    /// The trial was marked failed.
    pub failed: bool,
}

/// Replays `lines` into a trial of `duration_ms` with the ethogram `names`.
pub fn replay(lines: &[Line], duration_ms: u64, names: &[String]) -> Replayed {
    let mut r = Replayed {
        fields: Vec::new(),
        started: false,
        trial: Trial::new(duration_ms, names.len()),
        failed: false,
    };
    for line in lines {
        match line {
            Line::Trial { .. } => {}
            Line::Field { name, value } => {
                r.fields.retain(|(n, _)| n != name);
                r.fields.push((name.clone(), value.clone()));
            }
            Line::Start => r.started = true,
            Line::Key { t_ms, behaviour } => {
                if let Some(i) = names.iter().position(|n| n == behaviour) {
                    r.trial.apply(*t_ms, &Action::Toggle(i));
                }
            }
            Line::Pause { t_ms } => {
                r.trial.apply(*t_ms, &Action::Pause);
            }
            Line::Resume { t_ms } => {
                r.trial.apply(*t_ms, &Action::Resume);
            }
            Line::Undo { t_ms } => {
                r.trial.apply(*t_ms, &Action::Undo);
            }
            Line::Note { t_ms, text } => {
                r.trial.apply(*t_ms, &Action::Note(text.clone()));
            }
            Line::Restarted { t_ms } => {
                r.trial.tick(*t_ms);
                r.trial.interrupted = true;
                r.trial.paused = true;
            }
            Line::End {
                t_ms,
                reason,
                exclusion,
            } => match reason {
                EndReason::Duration => r.trial.tick((*t_ms).max(duration_ms)),
                EndReason::Early => {
                    r.trial.apply(
                        *t_ms,
                        &Action::EndEarly(exclusion.clone().unwrap_or_default()),
                    );
                }
                EndReason::Failed => {
                    r.failed = true;
                    r.trial.apply(
                        *t_ms,
                        &Action::EndEarly(exclusion.clone().unwrap_or_default()),
                    );
                }
            },
        }
    }
    r
}

/// The I/O error of a journal, for callers that only have `io::Error`.
pub fn io_error(path: &Path, e: io::Error) -> RecordError {
    RecordError::io(path, e)
}
