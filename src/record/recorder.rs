//! One animal's trial being recorded: every action goes to the journal (on disk) before it
//! counts, and the end of the trial writes the sheet. The live screen and `--script` both
//! drive a [`Recorder`], with their own clocks.

use super::bench::{Bench, Status};
use super::journal::{self, EndReason, Journal, Line};
use super::{Action, RecordError, Trial, Unfinished};

pub struct Recorder {
    pub code: String,
    pub journal: Journal,
    pub trial: Trial,
    pub fields: Vec<(String, String)>,
    pub started: bool,
    /// The trial was resumed after preclin stopped during it.
    pub resumed: bool,
}

/// How [`Recorder::begin`] went.
pub enum Begun {
    Recording(Box<Recorder>),
    /// The unfinished trial was marked failed and written; nothing to record.
    MarkedFailed,
}

impl Recorder {
    /// Opens the trial of `code`: a new journal, or the unfinished one as `unfinished` says.
    pub fn begin(
        bench: &mut Bench,
        code: &str,
        again: bool,
        unfinished: Option<Unfinished>,
        clock: &str,
    ) -> Result<Begun, RecordError> {
        bench.entry(code)?;
        let path = bench.journal_path(code);
        let fresh = |bench: &Bench| -> Result<Recorder, RecordError> {
            let mut journal = Journal::open(&path)?;
            journal.append(&bench.header_line(code, clock))?;
            Ok(Recorder {
                code: code.to_string(),
                journal,
                trial: bench.new_trial(),
                fields: Vec::new(),
                started: false,
                resumed: false,
            })
        };
        match bench.status(code)? {
            Status::NotRecorded => {
                bench.check_row_free(code, again)?;
                Ok(Begun::Recording(Box::new(fresh(bench)?)))
            }
            Status::Finished if !again => Err(RecordError::AlreadyRecorded {
                code: code.to_string(),
                path,
            }),
            Status::Finished => {
                set_aside(&path, "take")?;
                Ok(Begun::Recording(Box::new(fresh(bench)?)))
            }
            Status::Unfinished => match unfinished {
                None => Err(RecordError::Unfinished {
                    code: code.to_string(),
                    path,
                }),
                Some(Unfinished::Discard) => {
                    set_aside(&path, "discarded")?;
                    bench.check_row_free(code, again)?;
                    Ok(Begun::Recording(Box::new(fresh(bench)?)))
                }
                Some(Unfinished::Failed) => {
                    let r = bench.replay(code)?;
                    let mut journal = Journal::open(&path)?;
                    journal.append(&bench.failed_line(r.trial.now_ms))?;
                    bench.write_trial(code)?;
                    Ok(Begun::MarkedFailed)
                }
                Some(Unfinished::Resume) => {
                    let r = bench.replay(code)?;
                    let mut journal = Journal::open(&path)?;
                    let mut trial = r.trial;
                    if r.started {
                        journal.append(&Line::Restarted { t_ms: trial.now_ms })?;
                        trial.interrupted = true;
                        trial.paused = true;
                    }
                    Ok(Begun::Recording(Box::new(Recorder {
                        code: code.to_string(),
                        journal,
                        trial,
                        fields: r.fields,
                        started: r.started,
                        resumed: r.started,
                    })))
                }
            },
        }
    }

    /// A cell typed before the swim, checked, then kept.
    pub fn field(&mut self, bench: &Bench, name: &str, value: &str) -> Result<(), RecordError> {
        let column = bench
            .fields
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| RecordError::BadField {
                column: name.to_string(),
                value: value.to_string(),
                problem: "is not a cell of the scoring sheet typed before the swim".into(),
                hint: format!(
                    "the cells are {}",
                    bench
                        .fields
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let value = bench.check_field(column, value)?;
        self.journal.append(&Line::Field {
            name: name.to_string(),
            value: value.clone(),
        })?;
        self.fields.retain(|(n, _)| n != name);
        self.fields.push((name.to_string(), value));
        Ok(())
    }

    /// The session clock starts.
    pub fn start(&mut self) -> Result<(), RecordError> {
        if !self.started {
            self.journal.append(&Line::Start)?;
            self.started = true;
        }
        Ok(())
    }

    /// Applies `action` at session time `t_ms`: on disk first, then in the trial. Returns
    /// whether it applied; a trial that ends with it is written to the sheet.
    pub fn act(
        &mut self,
        bench: &mut Bench,
        t_ms: u64,
        action: &Action,
    ) -> Result<bool, RecordError> {
        self.tick(bench, t_ms)?;
        let mut next = self.trial.clone();
        if !self.started || !next.apply(t_ms, action) {
            return Ok(false);
        }
        let t = next.now_ms;
        let line = match action {
            Action::Toggle(i) => Line::Key {
                t_ms: t,
                behaviour: bench.names[*i].clone(),
            },
            Action::Pause => Line::Pause { t_ms: t },
            Action::Resume => Line::Resume { t_ms: t },
            Action::Undo => Line::Undo { t_ms: t },
            Action::Note(text) => Line::Note {
                t_ms: t,
                text: text.clone(),
            },
            Action::EndEarly(why) => Line::End {
                t_ms: t,
                reason: EndReason::Early,
                exclusion: Some(why.clone()),
            },
        };
        self.journal.append(&line)?;
        self.trial = next;
        if self.trial.finished() {
            bench.write_trial(&self.code)?;
        }
        Ok(true)
    }

    /// The session clock reads `t_ms`; at the protocol's duration the trial ends.
    pub fn tick(&mut self, bench: &mut Bench, t_ms: u64) -> Result<(), RecordError> {
        if !self.started || self.trial.finished() || t_ms < self.trial.duration_ms {
            if self.started && !self.trial.finished() {
                self.trial.tick(t_ms);
            }
            return Ok(());
        }
        self.journal.append(&Line::End {
            t_ms: self.trial.duration_ms,
            reason: EndReason::Duration,
            exclusion: None,
        })?;
        self.trial.tick(t_ms);
        bench.write_trial(&self.code)
    }
}

/// Keeps a journal aside under a new name, never replacing a file.
fn set_aside(path: &std::path::Path, tag: &str) -> Result<(), RecordError> {
    let to = journal::free_name(path, tag);
    std::fs::rename(path, &to).map_err(|e| RecordError::io(path, e))
}
