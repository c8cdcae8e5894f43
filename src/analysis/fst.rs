//! Forced swim test scores from the filled scoring sheet: validated per animal, with the
//! endpoints of the protocol's scoring section.
//!
//! - Continuous scoring: `<behaviour>_s`, the total time in the scoring window.
//! - Bins: `<behaviour>_min<k>_s` (or `_bin<k>_s`) per bin of the session; the total in the
//!   window is the sum of the bins inside it (checked against a `<behaviour>_s` column when
//!   the sheet also has one).
//! - Time sampling: `<behaviour>_count`, samples scored as the behaviour; their sum cannot
//!   exceed the number of samples in the window.
//! - Latency: `latency_<behaviour>_s`; an empty cell means the behaviour never occurred, so
//!   the latency is censored at the protocol's censoring point.
//!
//! Exclusions come from the sheet (`excluded`, `exclusion_reason`) and from the protocol's
//! criteria with a column and limits (e.g. water temperature); excluded animals keep their
//! row in the tables and are left out of the statistics.

use std::collections::BTreeMap;

use super::cells::check_cell;
use super::consistency::{check_animal, ScoringRules};
use super::study::{KeyEntry, Study};
use super::AnalysisError;
use crate::ingest::{parse_number, DataTable};
use crate::protocol::{
    bin_column, capture_sheets, CaptureColumn, CensorPoint, LatencyOrigin, Protocol, Scoring,
    ScoringMethod,
};

/// Why an animal is left out of the statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub reason: String,
    /// "scoring sheet" or "criterion <id>".
    pub source: String,
    /// The protocol's exclusion criterion (its id), or none when the reason is not one.
    pub criterion: Option<String>,
}

/// A latency: the time, and whether the behaviour was seen (false: censored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyValue {
    pub time_s: f64,
    pub observed: bool,
}

/// One animal's row of the scoring sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct AnimalScores {
    pub blind_code: String,
    /// Index into the protocol's groups (from the allocation key).
    pub group: usize,
    pub row: usize,
    pub exclusion: Option<Exclusion>,
    /// Scalar endpoints by column name (`immobility_s`, `swimming_count`, …).
    pub values: BTreeMap<String, f64>,
    /// Per-bin values by behaviour, every bin of the session.
    pub bins: BTreeMap<String, Vec<f64>>,
    pub latency: Option<LatencyValue>,
}

/// Bins of the session.
#[derive(Debug, Clone, PartialEq)]
pub struct BinLayout {
    pub width_s: f64,
    pub count: usize,
    /// Indices of the bins inside the scoring window.
    pub in_window: Vec<usize>,
}

/// The scores of a study, with the layout they follow.
#[derive(Debug, Clone, PartialEq)]
pub struct FstScores {
    pub animals: Vec<AnimalScores>,
    pub window: (f64, f64),
    pub session_s: f64,
    pub method: ScoringMethod,
    pub bins: Option<BinLayout>,
    /// Samples in the window for time sampling.
    pub samples: Option<f64>,
    /// The latency's behaviour, origin and censoring time (from its origin).
    pub latency: Option<(String, f64)>,
    /// The scalar endpoint columns, in the protocol's order of behaviours.
    pub scalar_columns: Vec<String>,
}

fn session_length(p: &Protocol, s: &Scoring) -> f64 {
    p.sessions
        .iter()
        .find(|x| x.name == s.session)
        .map_or(s.window_end_s, |x| x.duration_s)
}

/// The columns whose cells hold scores (to find the filled sheet).
pub fn score_columns(p: &Protocol) -> Vec<String> {
    let Some(s) = &p.scoring else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in &s.behaviours {
        match s.method {
            ScoringMethod::Continuous => out.push(format!("{}_s", b.name)),
            ScoringMethod::TimeSampling => out.push(format!("{}_count", b.name)),
            ScoringMethod::Bins => {
                let width = s.bin_width_s.unwrap_or(60.0);
                let n = (session_length(p, s) / width).round() as usize;
                out.extend((0..n).map(|k| bin_column(&b.name, k, width)));
            }
        }
    }
    if let Some(l) = &s.latency {
        out.push(format!("latency_{}_s", l.behaviour));
    }
    out
}

use super::sheet::yes;

/// The protocol's scoring section and the length of the scored session.
pub fn scoring_of(study: &Study) -> Result<(&Scoring, f64), AnalysisError> {
    let p = &study.protocol;
    match &p.scoring {
        Some(s) => Ok((s, session_length(p, s))),
        None => Err(AnalysisError::Study {
            path: study.dir.join("study.toml"),
            message: format!("protocol {} has no [scoring] section", p.id),
            hint: "scores are read with the protocol's scoring window and method".into(),
        }),
    }
}

/// Reads and validates the scoring sheet against the study's key and protocol.
pub fn read_scores(study: &Study, table: &DataTable) -> Result<FstScores, AnalysisError> {
    let p = &study.protocol;
    let (s, session_s) = scoring_of(study)?;
    let location = table.location();
    let path = &location;
    let col = |name: &str| table.column_index(name);
    let code_i = col("blind_code")?;
    let excluded_i = table.column_index("excluded").ok();
    let reason_i = table.column_index("exclusion_reason").ok();
    let window = (s.window_start_s, s.window_end_s);
    let window_len = window.1 - window.0;
    let cell_error = |row: usize, column: &str, value: &str, problem: String, hint: String| {
        AnalysisError::cell(path, row, column, value, problem, hint)
    };
    // A number in [0, max]; None when the cell is blank.
    let number =
        |r: usize, name: &str, max: f64, what: &str| -> Result<Option<f64>, AnalysisError> {
            let c = col(name)?;
            let cell = table.cell(r, c);
            if cell.is_empty() {
                return Ok(None);
            }
            let row = table.row_number(r);
            let v = parse_number(cell, table.decimal_comma).ok_or_else(|| {
                cell_error(
                    row,
                    name,
                    cell,
                    "is not a number".into(),
                    "enter the value in seconds or as a count, e.g. 152.5".into(),
                )
            })?;
            if v < 0.0 {
                return Err(cell_error(
                    row,
                    name,
                    cell,
                    "is negative".into(),
                    format!("{what} cannot be negative"),
                ));
            }
            if v > max + 1e-9 {
                return Err(cell_error(
                    row,
                    name,
                    cell,
                    format!("is more than {max}, the length of {what}"),
                    "check the value against the score sheet or the video".into(),
                ));
            }
            Ok(Some(v))
        };

    let bins = (s.method == ScoringMethod::Bins).then(|| {
        let width = s.bin_width_s.unwrap_or(60.0);
        let count = (session_s / width).round() as usize;
        let in_window = (0..count)
            .filter(|&k| {
                let (a, b) = (k as f64 * width, (k + 1) as f64 * width);
                a >= window.0 - 1e-9 && b <= window.1 + 1e-9
            })
            .collect();
        BinLayout {
            width_s: width,
            count,
            in_window,
        }
    });
    let samples = (s.method == ScoringMethod::TimeSampling)
        .then(|| (window_len / s.sampling_interval_s.unwrap_or(5.0)).round());
    let latency = s.latency.as_ref().map(|l| {
        let origin = match l.measured_from {
            LatencyOrigin::SessionStart => 0.0,
            LatencyOrigin::WindowStart => window.0,
        };
        let censor = match l.censored_at {
            CensorPoint::WindowEnd => window.1,
            CensorPoint::SessionEnd => session_s,
        };
        (l.behaviour.clone(), censor - origin)
    });
    let mut scalar_columns: Vec<String> = s
        .behaviours
        .iter()
        .map(|b| match s.method {
            ScoringMethod::TimeSampling => format!("{}_count", b.name),
            _ => format!("{}_s", b.name),
        })
        .collect();
    // Bouts, when the sheet has them (from an event log): optional per animal.
    let bout_columns: Vec<String> = if s.method == ScoringMethod::Continuous {
        s.behaviours
            .iter()
            .flat_map(|b| {
                [
                    format!("{}_bouts", b.name),
                    format!("{}_mean_bout_s", b.name),
                ]
            })
            .filter(|c| col(c).is_ok())
            .collect()
    } else {
        Vec::new()
    };
    scalar_columns.extend(bout_columns.iter().cloned());

    // Columns of the sheet that no score rule below reads (identity, test date, body weight,
    // water temperature, notes) are checked as the data dictionary says. The exclusion
    // reason may also be a reason the protocol did not foresee, so it is read below.
    let scored: Vec<String> = score_columns(p)
        .into_iter()
        .chain(["blind_code", "excluded", "exclusion_reason"].map(String::from))
        .collect();
    let record_columns: Vec<(CaptureColumn, usize)> = capture_sheets(p)
        .into_iter()
        .find(|sheet| sheet.name == "scoring")
        .map(|sheet| sheet.columns)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| !scored.contains(&c.name))
        .filter_map(|c| col(&c.name).ok().map(|i| (c, i)))
        .collect();
    let rules = ScoringRules {
        window,
        method: s.method,
        bins: bins.clone(),
        samples,
        sampling_interval_s: s.sampling_interval_s.unwrap_or(5.0),
        latency: s.latency.as_ref().map(|l| {
            let (behaviour, censor) = latency.clone().expect("latency follows the protocol");
            (behaviour, censor, l.measured_from)
        }),
    };

    let mut animals: Vec<AnimalScores> = Vec::new();
    for r in 0..table.row_count() {
        let row = table.row_number(r);
        let code = table.cell(r, code_i);
        for (column, i) in &record_columns {
            check_cell(table, path, r, *i, column, &|c| study.entry(c).is_some())?;
        }
        if code.is_empty() {
            return Err(cell_error(
                row,
                "blind_code",
                code,
                "is empty".into(),
                "every row needs the animal's blind code (see sheets/run-order.csv)".into(),
            ));
        }
        let Some(entry) = study.entry(code) else {
            return Err(cell_error(
                row,
                "blind_code",
                code,
                "is not a blind code of this study".into(),
                "codes are case-sensitive; compare with sheets/run-order.csv".into(),
            ));
        };
        if let Some(first) = animals.iter().find(|a| a.blind_code == code) {
            return Err(cell_error(
                row,
                "blind_code",
                code,
                format!("appears twice (first on row {})", first.row),
                "each animal has one row; delete or correct the repeated one".into(),
            ));
        }
        check_identity(table, path, r, entry)?;
        let mut exclusion = None;
        if let Some(ei) = excluded_i {
            let cell = table.cell(r, ei);
            let flag = yes(cell).ok_or_else(|| {
                cell_error(
                    row,
                    "excluded",
                    cell,
                    "is not yes or no".into(),
                    "write yes (or 1) for an excluded animal and leave it empty otherwise".into(),
                )
            })?;
            if flag {
                let reason = reason_i.map(|i| table.cell(r, i)).unwrap_or("");
                if reason.is_empty() {
                    let ids: Vec<&str> = p.exclusions.iter().map(|e| e.id.as_str()).collect();
                    return Err(cell_error(
                        row,
                        "exclusion_reason",
                        reason,
                        "is empty for an excluded animal".into(),
                        format!(
                            "give the reason, e.g. one of the protocol's criteria: {}",
                            ids.join(", ")
                        ),
                    ));
                }
                let notes = table.column_index("notes").map_or("", |i| table.cell(r, i));
                if reason == "other" && notes.is_empty() {
                    return Err(cell_error(
                        row,
                        "exclusion_reason",
                        reason,
                        "needs a note: `notes` is empty".into(),
                        "say in the notes column why the animal was excluded".into(),
                    ));
                }
                let criterion = p.exclusions.iter().find(|e| e.id == reason);
                exclusion = Some(Exclusion {
                    reason: criterion.map_or(reason.to_string(), |e| e.description.clone()),
                    source: "scoring sheet".into(),
                    criterion: criterion.map(|e| e.id.clone()),
                });
            }
        }
        // Criteria the protocol checks on the sheet itself.
        if exclusion.is_none() {
            for c in &p.exclusions {
                let Some(column) = &c.column else { continue };
                let Ok(ci) = col(column) else { continue };
                let cell = table.cell(r, ci);
                let Some(v) = parse_number(cell, table.decimal_comma) else {
                    continue;
                };
                let below = c.min.is_some_and(|m| v < m);
                let above = c.max.is_some_and(|m| v > m);
                if below || above {
                    exclusion = Some(Exclusion {
                        reason: format!("{} ({column} = {cell})", c.description),
                        source: format!("criterion {}", c.id),
                        criterion: Some(c.id.clone()),
                    });
                    break;
                }
            }
        }
        let mut animal = AnimalScores {
            blind_code: code.to_string(),
            group: entry.group,
            row,
            exclusion,
            values: BTreeMap::new(),
            bins: BTreeMap::new(),
            latency: None,
        };
        let required = animal.exclusion.is_none();
        let missing = |name: &str| {
            cell_error(
                row,
                name,
                "",
                "is empty".into(),
                "enter the score, or mark the animal excluded with a reason".into(),
            )
        };
        for b in &s.behaviours {
            match s.method {
                ScoringMethod::Continuous => {
                    let name = format!("{}_s", b.name);
                    match number(r, &name, window_len, "the scoring window")? {
                        Some(v) => {
                            animal.values.insert(name, v);
                        }
                        None if required => return Err(missing(&name)),
                        None => {}
                    }
                }
                ScoringMethod::TimeSampling => {
                    let name = format!("{}_count", b.name);
                    let n = samples.unwrap_or(0.0);
                    match number(r, &name, n, "the samples in the window")? {
                        Some(v) if v.fract() != 0.0 => {
                            return Err(cell_error(
                                row,
                                &name,
                                table.cell(r, col(&name)?),
                                "is not a whole number".into(),
                                "a tally counts samples: enter a whole number, e.g. 12".into(),
                            ))
                        }
                        Some(v) => {
                            animal.values.insert(name, v);
                        }
                        None if required => return Err(missing(&name)),
                        None => {}
                    }
                }
                ScoringMethod::Bins => {
                    let layout = bins.as_ref().expect("bins are laid out for binned scoring");
                    let mut values = Vec::with_capacity(layout.count);
                    for k in 0..layout.count {
                        let name = bin_column(&b.name, k, layout.width_s);
                        match number(r, &name, layout.width_s, "a bin")? {
                            Some(v) => values.push(v),
                            None if required => return Err(missing(&name)),
                            None => {}
                        }
                    }
                    if values.len() == layout.count {
                        let total: f64 = layout.in_window.iter().map(|&k| values[k]).sum();
                        let name = format!("{}_s", b.name);
                        if let Ok(ti) = col(&name) {
                            let cell = table.cell(r, ti);
                            if let Some(t) = parse_number(cell, table.decimal_comma) {
                                if (t - total).abs() > 0.05 {
                                    return Err(cell_error(
                                        row,
                                        &name,
                                        cell,
                                        format!("differs from the sum of the bins in the window ({total})"),
                                        "correct the bins or the total so that they add up".into(),
                                    ));
                                }
                            }
                        }
                        animal.values.insert(name, total);
                        animal.bins.insert(b.name.clone(), values);
                    }
                }
            }
        }
        for c in &bout_columns {
            if let Some(v) = number(r, c, f64::INFINITY, "a count or a bout")? {
                animal.values.insert(c.clone(), v);
            }
        }
        if let (Some(n), ScoringMethod::TimeSampling) = (samples, s.method) {
            let total: f64 = animal
                .values
                .iter()
                .filter(|(k, _)| k.ends_with("_count"))
                .map(|(_, v)| v)
                .sum();
            if total > n + 1e-9 {
                return Err(cell_error(
                    row,
                    &scalar_columns.join(" + "),
                    &total.to_string(),
                    format!("is more than the {n} samples of the window"),
                    "each sample is scored as one behaviour only; recount the tally".into(),
                ));
            }
        }
        if let Some((behaviour, censor)) = &latency {
            let name = format!("latency_{behaviour}_s");
            if col(&name).is_ok() {
                animal.latency = Some(match number(r, &name, *censor, "the observation")? {
                    Some(t) => LatencyValue {
                        time_s: t,
                        observed: true,
                    },
                    None => LatencyValue {
                        time_s: *censor,
                        observed: false,
                    },
                });
            }
        }
        check_animal(&rules, table, path, r, &animal)?;
        animals.push(animal);
    }
    let missing: Vec<&str> = study
        .key
        .iter()
        .filter(|k| !animals.iter().any(|a| a.blind_code == k.blind_code))
        .map(|k| k.blind_code.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(AnalysisError::Study {
            path: path.clone(),
            message: format!("no row for {} of the allocation key", missing.join(", ")),
            hint: "keep every animal's row; mark animals that were not tested as excluded, with the reason".into(),
        });
    }
    Ok(FstScores {
        animals,
        window,
        session_s,
        method: s.method,
        bins,
        samples,
        latency,
        scalar_columns,
    })
}

/// The identity cells preclin filled in (run order, cage, batch) must still be those of
/// the allocation key for the row's blind code: a row typed or pasted under another
/// animal's code would otherwise be analysed as that animal.
fn check_identity(
    table: &DataTable,
    path: &std::path::Path,
    r: usize,
    entry: &KeyEntry,
) -> Result<(), AnalysisError> {
    for (column, expected) in [
        ("run_order", &entry.run_order),
        ("cage", &entry.cage),
        ("batch", &entry.batch),
    ] {
        let Ok(c) = table.column_index(column) else {
            continue;
        };
        let cell = table.cell(r, c);
        if cell.is_empty() || expected.is_empty() {
            continue;
        }
        let same = match (cell.parse::<f64>(), expected.parse::<f64>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => cell == expected,
        };
        if !same {
            return Err(AnalysisError::cell(
                path,
                table.row_number(r),
                column,
                cell,
                format!(
                    "does not match blind code `{}`, whose {column} is {expected} in the allocation",
                    entry.blind_code
                ),
                "the row's blind code or its identity cells were changed; restore the row as the template wrote it (sheets/run-order.csv)".into(),
            ));
        }
    }
    Ok(())
}
