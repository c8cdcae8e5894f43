//! Scores from behavioural event logs (BORIS exports or a plain `animal, behaviour,
//! start_s, stop_s` CSV), written in the study's own scoring-sheet layout so that the
//! scientist can inspect them before analysis (`preclin import boris`).
//!
//! - Animals are matched to the study's blind codes exactly; an animal of the log that is
//!   not in the allocation key is an error naming the log's row.
//! - Behaviours are matched to the protocol's by code or name, ignoring case; other
//!   behaviours of the log (e.g. "swimming" when only immobility is scored) are ignored
//!   and listed.
//! - Events must lie within the session (0 to its length); unpaired and overlapping state
//!   events were already refused by the reader.
//! - Continuous scoring: time in the window is the overlap of each bout with it; bouts
//!   shorter than the protocol's `min_bout_s` are dropped first (they are not counted as
//!   immobility, as when scoring by hand), and their number and mean duration in the
//!   window go to `<behaviour>_bouts` and `<behaviour>_mean_bout_s`.
//! - Bins: the overlap with each bin. Time sampling: the behaviour under way at the end of
//!   each sampling interval.
//! - Latency: the start of the first bout (after the filter) from the protocol's origin;
//!   left empty (censored) when there is none before the censoring time.

use std::collections::BTreeMap;

use super::study::Study;
use super::AnalysisError;
use crate::ingest::{self, EventLog};
use crate::protocol::{bin_column, CensorPoint, LatencyOrigin, Scoring, ScoringMethod};

/// The sheet built from a log, and what the scientist should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedScores {
    /// Header and rows, in the layout of sheets/scoring.csv plus bout columns.
    pub rows: Vec<Vec<String>>,
    /// Animals of the study with no event in the log (left unscored).
    pub not_in_log: Vec<String>,
    /// Behaviours of the log that the protocol does not score.
    pub ignored_behaviours: Vec<String>,
}

/// A behaviour of the log is the protocol's when it is written as its code or its name.
fn matches(code: &str, name: &str, seen: &str) -> bool {
    seen.eq_ignore_ascii_case(code) || seen.eq_ignore_ascii_case(name)
}

fn overlap(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0.0)
}

fn fmt(x: f64) -> String {
    // Times to the millisecond, as BORIS exports them.
    let s = format!("{:.3}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Converts the log into the study's scoring sheet.
pub fn scores_from_events(study: &Study, log: &EventLog) -> Result<ImportedScores, AnalysisError> {
    let (s, session_s) = super::fst::scoring_of(study)?;
    ingest::check_session(log, session_s)?;
    // Every animal of the log must be one of the study.
    for e in &log.events {
        if study.entry(&e.animal).is_none() {
            return Err(AnalysisError::cell(
                &log.path,
                e.row,
                "animal",
                &e.animal,
                "is not a blind code of this study".into(),
                "name each observation (or subject) by the animal's blind code, as on sheets/run-order.csv".into(),
            ));
        }
    }
    let ignored: Vec<String> = ingest::behaviours(log)
        .into_iter()
        .filter(|b| !s.behaviours.iter().any(|x| matches(&x.code, &x.name, b)))
        .collect();
    let base = ingest::read_table(&study.dir.join("sheets/scoring.csv"), None)?;
    let mut header = base.headers.clone();
    let continuous = s.method == ScoringMethod::Continuous;
    if continuous {
        for b in &s.behaviours {
            for extra in [
                format!("{}_bouts", b.name),
                format!("{}_mean_bout_s", b.name),
            ] {
                if !header.contains(&extra) {
                    let at = header
                        .iter()
                        .position(|h| h == &format!("{}_s", b.name))
                        .map_or(header.len(), |i| i + 1);
                    header.insert(at, extra);
                }
            }
        }
    }
    let mut by_animal: BTreeMap<&str, Vec<&ingest::BehaviourEvent>> = BTreeMap::new();
    for e in &log.events {
        by_animal.entry(e.animal.as_str()).or_default().push(e);
    }
    let code_i = base.column_index("blind_code")?;
    let mut rows = vec![header.clone()];
    let mut not_in_log = Vec::new();
    for r in 0..base.row_count() {
        let code = base.cell(r, code_i).to_string();
        let mut values: BTreeMap<String, String> = base
            .headers
            .iter()
            .enumerate()
            .map(|(c, h)| (h.clone(), base.cell(r, c).to_string()))
            .collect();
        if let Some(events) = by_animal.get(code.as_str()) {
            values.extend(score_animal(s, session_s, events));
        } else {
            not_in_log.push(code.clone());
        }
        rows.push(
            header
                .iter()
                .map(|h| values.get(h).cloned().unwrap_or_default())
                .collect(),
        );
    }
    Ok(ImportedScores {
        rows,
        not_in_log,
        ignored_behaviours: ignored,
    })
}

/// The scoring-sheet cells of one animal from its events: the columns of the protocol's
/// scoring method (time in the window, bouts, bins or sampled counts) and the latency. The
/// recorder shows the same numbers live, so a trial recorded at the bench, its exported
/// event log and a BORIS export of the same bouts give one result.
pub fn score_animal(
    s: &Scoring,
    session_s: f64,
    events: &[&ingest::BehaviourEvent],
) -> BTreeMap<String, String> {
    let window = (s.window_start_s, s.window_end_s);
    let mut values = BTreeMap::new();
    let intervals = |b: &crate::protocol::Behaviour| -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = events
            .iter()
            .filter(|e| !e.point && matches(&b.code, &b.name, &e.behaviour))
            .map(|e| (e.start_s, e.stop_s))
            .filter(|(a, z)| z - a >= s.min_bout_s)
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    for b in &s.behaviours {
        let bouts = intervals(b);
        match s.method {
            ScoringMethod::Continuous => {
                let total: f64 = bouts.iter().map(|&x| overlap(x, window)).sum();
                let inside: Vec<f64> = bouts
                    .iter()
                    .map(|&x| overlap(x, window))
                    .filter(|d| *d > 0.0)
                    .collect();
                values.insert(format!("{}_s", b.name), fmt(total));
                values.insert(format!("{}_bouts", b.name), inside.len().to_string());
                values.insert(
                    format!("{}_mean_bout_s", b.name),
                    if inside.is_empty() {
                        String::new()
                    } else {
                        fmt(inside.iter().sum::<f64>() / inside.len() as f64)
                    },
                );
            }
            ScoringMethod::Bins => {
                let width = s.bin_width_s.unwrap_or(60.0);
                let n = (session_s / width).round() as usize;
                for k in 0..n {
                    let bin = (k as f64 * width, (k + 1) as f64 * width);
                    let t: f64 = bouts.iter().map(|&x| overlap(x, bin)).sum();
                    values.insert(bin_column(&b.name, k, width), fmt(t));
                }
            }
            ScoringMethod::TimeSampling => {
                let dt = s.sampling_interval_s.unwrap_or(5.0);
                let n = ((window.1 - window.0) / dt).round() as usize;
                let count = (1..=n)
                    .filter(|k| {
                        let t = window.0 + *k as f64 * dt;
                        bouts.iter().any(|&(a, z)| a < t && t <= z)
                    })
                    .count();
                values.insert(format!("{}_count", b.name), count.to_string());
            }
        }
    }
    if let Some(l) = &s.latency {
        if let Some(b) = s.behaviours.iter().find(|b| b.name == l.behaviour) {
            let origin = match l.measured_from {
                LatencyOrigin::SessionStart => 0.0,
                LatencyOrigin::WindowStart => window.0,
            };
            let censor = match l.censored_at {
                CensorPoint::WindowEnd => window.1,
                CensorPoint::SessionEnd => session_s,
            };
            let first = intervals(b)
                .into_iter()
                .map(|(a, _)| a)
                .find(|a| *a >= origin && *a < censor);
            values.insert(
                format!("latency_{}_s", l.behaviour),
                first.map_or(String::new(), |a| fmt(a - origin)),
            );
        }
    }
    values
}
