//! `preclin record STUDY --script FILE`: the key presses of one or more trials from a file,
//! for tests, demonstrations and scoring from a video's timestamps. One command per line;
//! `#` starts a comment:
//!
//! ```text
//! animal M77C                 # the animal (default: the next unrecorded one in run order)
//! field body_weight_g 25.1    # a cell typed before the swim
//! field water_temperature_c 24
//! start                       # the session clock starts at 0
//! 61.25 i                     # at 61.25 s, the key of a behaviour (its key, code or name)
//! 75 i
//! 100 pause                   # also: resume, undo, note TEXT, stop EXCLUSION
//! 400 end                     # the clock runs on to the end of the session
//! ```
//!
//! With `--pace real` the commands are played at their times on the wall clock and each
//! taken action (and `start`, when the clock starts) is acknowledged on standard output
//! (`ack LINE`) after it is on disk. A script that stops before the end leaves the trial
//! unfinished, as a stop of preclin would.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::bench::Bench;
use super::recorder::{Begun, Recorder};
use super::{Action, RecordError, Unfinished};

/// How the script's times are played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// As fast as possible (the times are the times).
    Instant,
    /// At the wall clock: a command at 61.25 s is played 61.25 s after `start`.
    Real,
}

/// Options of a scripted recording.
#[derive(Debug, Clone)]
pub struct ScriptOptions {
    pub again: bool,
    pub unfinished: Option<Unfinished>,
    pub pace: Pace,
    /// The animal to begin with, before any `animal` line.
    pub animal: Option<String>,
}

/// Runs the script at `path` against `bench`; returns the blind codes whose trials ended.
pub fn run_script(
    bench: &mut Bench,
    path: &Path,
    options: &ScriptOptions,
    out: &mut dyn Write,
) -> Result<Vec<String>, RecordError> {
    let text = std::fs::read_to_string(path).map_err(|e| RecordError::io(path, e))?;
    let bad = |line: usize, message: String, hint: &str| RecordError::Script {
        path: path.to_path_buf(),
        line,
        message,
        hint: hint.to_string(),
    };
    let mut recorder: Option<Recorder> = None;
    let mut done = Vec::new();
    let mut clock_origin = Instant::now();
    let begin = |bench: &mut Bench, code: &str| -> Result<Option<Recorder>, RecordError> {
        match Recorder::begin(bench, code, options.again, options.unfinished, "script")? {
            Begun::Recording(r) => Ok(Some(*r)),
            Begun::MarkedFailed => Ok(None),
        }
    };
    if let Some(code) = &options.animal {
        recorder = begin(bench, code)?;
    }
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        match word {
            "animal" => {
                finish(bench, &mut recorder, &mut done)?;
                recorder = begin(bench, rest)?;
                if recorder.is_none() {
                    done.push(rest.to_string());
                }
            }
            "field" => {
                let r = ensure(bench, &mut recorder, begin)?;
                let (name, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                r.field(bench, name, value.trim())?;
            }
            "start" => {
                let r = ensure(bench, &mut recorder, begin)?;
                r.start()?;
                clock_origin = Instant::now()
                    .checked_sub(Duration::from_millis(r.trial.now_ms))
                    .unwrap_or_else(Instant::now);
                if options.pace == Pace::Real {
                    writeln!(out, "ack {n}").ok();
                    out.flush().ok();
                }
            }
            _ => {
                let seconds: f64 = word.parse().map_err(|_| {
                    bad(
                        n,
                        format!("`{word}` is not a command or a time in seconds"),
                        "commands are animal, field, start, or a time followed by a key",
                    )
                })?;
                if !(seconds >= 0.0 && seconds.is_finite()) {
                    return Err(bad(
                        n,
                        format!("`{word}` is not a time of the session"),
                        "times are seconds from the start, 0 or more",
                    ));
                }
                let t_ms = (seconds * 1000.0).round() as u64;
                let Some(r) = recorder.as_mut() else {
                    return Err(bad(
                        n,
                        "a time before any trial".into(),
                        "begin with `animal CODE` (or `start`)",
                    ));
                };
                if !r.started {
                    return Err(bad(
                        n,
                        "a time before `start`".into(),
                        "add a line `start` when the session begins",
                    ));
                }
                if options.pace == Pace::Real {
                    let due = clock_origin + Duration::from_millis(t_ms);
                    std::thread::sleep(due.saturating_duration_since(Instant::now()));
                }
                let action = parse_action(bench, rest).ok_or_else(|| {
                    bad(n, format!("`{rest}` is not a key of this protocol"), &format!(
                        "keys: {} (the behaviours), pause, resume, undo, note TEXT, stop EXCLUSION, end",
                        bench.names.join(", ")
                    ))
                })?;
                let taken = match action {
                    Some(a) => r.act(bench, t_ms, &a)?,
                    None => {
                        r.tick(bench, t_ms)?;
                        true
                    }
                };
                if taken && options.pace == Pace::Real {
                    writeln!(out, "ack {n}").ok();
                    out.flush().ok();
                }
            }
        }
    }
    if recorder.as_ref().is_some_and(|r| r.trial.finished()) {
        finish(bench, &mut recorder, &mut done)?;
    }
    Ok(done)
}

/// The action a script's key names; `None` inside `Some` for `end` (only the clock runs on).
fn parse_action(bench: &Bench, key: &str) -> Option<Option<Action>> {
    let (word, rest) = key.split_once(char::is_whitespace).unwrap_or((key, ""));
    let rest = rest.trim();
    Some(Some(match word {
        "pause" => Action::Pause,
        "resume" => Action::Resume,
        "undo" => Action::Undo,
        "note" => Action::Note(rest.to_string()),
        "stop" => Action::EndEarly(rest.to_string()),
        "end" => return Some(None),
        _ => {
            let i = bench
                .scoring
                .behaviours
                .iter()
                .enumerate()
                .position(|(i, b)| {
                    word.eq_ignore_ascii_case(&b.code)
                        || word.eq_ignore_ascii_case(&b.name)
                        || word.chars().eq(std::iter::once(bench.keys[i]))
                })?;
            Action::Toggle(i)
        }
    }))
}

fn ensure<'a>(
    bench: &mut Bench,
    recorder: &'a mut Option<Recorder>,
    begin: impl Fn(&mut Bench, &str) -> Result<Option<Recorder>, RecordError>,
) -> Result<&'a mut Recorder, RecordError> {
    if recorder.is_none() {
        let code = bench
            .next_animal()?
            .map(|e| e.code.clone())
            .ok_or_else(|| RecordError::AlreadyRecorded {
                code: "every animal".into(),
                path: bench.events_dir(),
            })?;
        *recorder = begin(bench, &code)?;
    }
    recorder
        .as_mut()
        .ok_or_else(|| RecordError::AlreadyRecorded {
            code: "the animal".into(),
            path: bench.events_dir(),
        })
}

fn finish(
    _bench: &mut Bench,
    recorder: &mut Option<Recorder>,
    done: &mut Vec<String>,
) -> Result<(), RecordError> {
    if let Some(r) = recorder.take() {
        if r.trial.finished() {
            done.push(r.code);
        }
    }
    Ok(())
}
