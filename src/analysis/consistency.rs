//! Rules between the cells of one animal's row of the scoring sheet. Each cell can be in
//! range and the row still impossible: a latency to the first immobility of 300 s beside
//! 200 s of immobility in a window that ends at 360 s. Where two cells contradict each
//! other the row is refused, naming both; nothing is corrected or guessed.
//!
//! The rules (`docs/capture-integrity.md`), with a tolerance of 1 s for times read off a
//! stopwatch or a video, and of one sample for tallies:
//!
//! - **Latency and time in the window** (latency measured from the session start): no
//!   time of the behaviour can lie before its first bout, so the time in the window is at
//!   most the part of the window after the latency; an empty latency (never seen before
//!   the censoring time) allows none before that time. A first bout that starts inside
//!   the window leaves some time in the window (per bin: in the bin where it starts).
//!   With a latency measured from the window start, a bout begun before the window may run
//!   into it, so only the bins and totals are checked against each other.
//! - **Bins and the total**: the sum of the bins inside the window equals a total column
//!   when the sheet has one (checked where the bins are read).
//! - **Tallies**: the samples of all behaviours together are at most the samples of the
//!   window; each is a whole number.
//! - **Bouts** (sheets made from an event log): a whole number of bouts; none exactly when
//!   there is no time in the window; their number times their mean duration gives the
//!   time in the window.

use std::path::Path;

use super::fst::{AnimalScores, BinLayout};
use super::AnalysisError;
use crate::ingest::DataTable;
use crate::protocol::{LatencyOrigin, ScoringMethod};

/// Seconds by which hand-timed cells may disagree before they contradict each other.
pub const TIME_TOLERANCE_S: f64 = 1.0;

/// What the rules need of the protocol's scoring section.
#[derive(Debug, Clone)]
pub(crate) struct ScoringRules {
    pub window: (f64, f64),
    pub method: ScoringMethod,
    pub bins: Option<BinLayout>,
    pub samples: Option<f64>,
    pub sampling_interval_s: f64,
    /// The latency's behaviour, censoring time (from its origin) and origin.
    pub latency: Option<(String, f64, LatencyOrigin)>,
}

fn seconds(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Checks the cells of animal `a` (table row `r`) against each other.
pub(crate) fn check_animal(
    rules: &ScoringRules,
    table: &DataTable,
    path: &Path,
    r: usize,
    a: &AnimalScores,
) -> Result<(), AnalysisError> {
    let text = |column: &str| {
        table
            .column_index(column)
            .map_or(String::new(), |c| table.cell(r, c).to_string())
    };
    let clash = |column: &str, other: &str, problem: String, hint: &str| {
        let other_value = text(other);
        let shown = if other_value.is_empty() {
            "empty".to_string()
        } else {
            format!("`{other_value}`")
        };
        AnalysisError::cell(
            path,
            table.row_number(r),
            column,
            &text(column),
            format!("{problem} (`{other}` is {shown})"),
            hint.to_string(),
        )
    };
    check_bouts(rules, a, &clash)?;
    let Some((behaviour, censor, origin)) = &rules.latency else {
        return Ok(());
    };
    let (Some(latency), LatencyOrigin::SessionStart) = (a.latency, origin) else {
        return Ok(());
    };
    let latency_column = format!("latency_{behaviour}_s");
    // The earliest time the behaviour can have been under way.
    let onset = if latency.observed {
        latency.time_s
    } else {
        *censor
    };
    let what = if latency.observed {
        format!("its first bout starts at {} s", seconds(onset))
    } else {
        format!("it was never seen before {} s", seconds(onset))
    };
    let hint = "the latency and the time of the behaviour come from the same observation; correct whichever was misread or typed wrong (an empty latency means the behaviour never occurred)";
    let (ws, we) = rules.window;
    match rules.method {
        ScoringMethod::Continuous => {
            let column = format!("{behaviour}_s");
            let Some(&total) = a.values.get(&column) else {
                return Ok(());
            };
            let room = (we - ws.max(onset)).max(0.0);
            if total > room + TIME_TOLERANCE_S {
                return Err(clash(
                    &column,
                    &latency_column,
                    format!(
                        "is more than the {} s of the window ({}–{} s) after the latency: {what}",
                        seconds(room),
                        seconds(ws),
                        seconds(we)
                    ),
                    hint,
                ));
            }
            if latency.observed && total <= 0.0 && onset >= ws && onset < we - TIME_TOLERANCE_S {
                return Err(clash(
                    &column,
                    &latency_column,
                    format!("is 0, but {what}, inside the window"),
                    hint,
                ));
            }
        }
        ScoringMethod::Bins => {
            let (Some(layout), Some(values)) = (&rules.bins, a.bins.get(behaviour)) else {
                return Ok(());
            };
            for (k, &v) in values.iter().enumerate() {
                let (from, to) = (k as f64 * layout.width_s, (k + 1) as f64 * layout.width_s);
                let column = crate::protocol::bin_column(behaviour, k, layout.width_s);
                let room = (to - from.max(onset)).max(0.0);
                if v > room + TIME_TOLERANCE_S {
                    return Err(clash(
                        &column,
                        &latency_column,
                        format!(
                            "is more than the {} s of this bin ({}–{} s) after the latency: {what}",
                            seconds(room),
                            seconds(from),
                            seconds(to)
                        ),
                        hint,
                    ));
                }
                if latency.observed && v <= 0.0 && onset >= from && onset < to - TIME_TOLERANCE_S {
                    return Err(clash(
                        &column,
                        &latency_column,
                        format!(
                            "is 0, but {what}, inside this bin ({}–{} s)",
                            seconds(from),
                            seconds(to)
                        ),
                        hint,
                    ));
                }
            }
        }
        ScoringMethod::TimeSampling => {
            let column = format!("{behaviour}_count");
            let (Some(&count), Some(n)) = (a.values.get(&column), rules.samples) else {
                return Ok(());
            };
            let dt = rules.sampling_interval_s;
            // Samples are taken at the end of each interval; those after the onset can count.
            let after = (1..=n as usize)
                .filter(|&k| ws + k as f64 * dt > onset - TIME_TOLERANCE_S)
                .count() as f64;
            if count > after + 1.0 {
                return Err(clash(
                    &column,
                    &latency_column,
                    format!(
                        "is more than the {after} samples of the window after the latency: {what}"
                    ),
                    hint,
                ));
            }
        }
    }
    Ok(())
}

fn check_bouts(
    rules: &ScoringRules,
    a: &AnimalScores,
    clash: &dyn Fn(&str, &str, String, &str) -> AnalysisError,
) -> Result<(), AnalysisError> {
    if rules.method != ScoringMethod::Continuous {
        return Ok(());
    }
    let hint = "the bout columns come from the event log; import it again (`preclin import boris`) rather than editing them, or clear them";
    for (column, &bouts) in a.values.iter().filter(|(k, _)| k.ends_with("_bouts")) {
        let behaviour = column.trim_end_matches("_bouts");
        let total_column = format!("{behaviour}_s");
        let mean_column = format!("{behaviour}_mean_bout_s");
        if bouts.fract() != 0.0 {
            return Err(clash(
                column,
                &total_column,
                "is not a whole number of bouts".into(),
                hint,
            ));
        }
        let Some(&total) = a.values.get(&total_column) else {
            continue;
        };
        if (bouts == 0.0) != (total <= 0.0) {
            let problem = if bouts == 0.0 {
                "is 0 bouts, but there is time in the window".to_string()
            } else {
                "counts bouts, but there is no time in the window".to_string()
            };
            return Err(clash(column, &total_column, problem, hint));
        }
        match a.values.get(&mean_column) {
            Some(&mean) if bouts == 0.0 => {
                return Err(clash(
                    &mean_column,
                    column,
                    format!("gives a mean bout of {} s for no bout", seconds(mean)),
                    hint,
                ))
            }
            Some(&mean) => {
                let implied = bouts * mean;
                if (implied - total).abs() > 0.01 + 0.001 * bouts {
                    return Err(clash(
                        &mean_column,
                        &total_column,
                        format!(
                            "times {bouts} bouts is {} s, not the time in the window",
                            seconds(implied)
                        ),
                        hint,
                    ));
                }
            }
            None => {}
        }
    }
    Ok(())
}
