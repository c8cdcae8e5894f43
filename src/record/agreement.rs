//! `preclin record STUDY --agreement NAME`: how well a second observer's recordings agree
//! with the scores of the study's scoring sheet, per score column: ICC(2,1) (absolute
//! agreement), ICC(3,1) (consistency) and Bland–Altman bias with limits of agreement
//! ([`crate::stats::intraclass`], [`crate::stats::bland_altman`]).
//!
//! The first observer's scores are the sheet's, whether recorded, typed or imported: they
//! are what `analyze` reads. The second observer's are replayed from the journals under
//! `sheets/events/NAME/`. An animal counts when the second observer finished its trial,
//! neither observer excluded it, and both have a number in the column.

use std::fmt::Write;

use super::bench::{Bench, Status};
use super::RecordError;
use crate::report::{apa_df, apa_p};
use crate::stats::{bland_altman, intraclass, BlandAltman, Icc};

/// The agreement on one score column.
#[derive(Debug, Clone)]
pub struct ColumnAgreement {
    pub column: String,
    /// Blind codes with both scores: (code, first, second).
    pub pairs: Vec<(String, f64, f64)>,
    /// ICC(1), ICC(2,1), ICC(3,1); none with fewer than 2 animals or no spread.
    pub icc: Option<[Icc; 3]>,
    pub bland_altman: Option<BlandAltman>,
}

/// The agreement of observer `name` with the scoring sheet.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub observer: String,
    pub columns: Vec<ColumnAgreement>,
    /// Animals the second observer finished that either observer excluded.
    pub excluded: Vec<String>,
    /// Animals of the run order the second observer has not finished.
    pub not_recorded: usize,
}

/// Compares the journals of observer `name` with the scoring sheet of `first`.
pub fn agreement(first: &Bench, name: &str) -> Result<Agreement, RecordError> {
    let second = Bench::open(&first.dir, Some(name.to_string()))?;
    if !second.events_dir().is_dir() {
        return Err(RecordError::NoObserver {
            name: name.to_string(),
            path: second.events_dir(),
        });
    }
    let (header, rows) = first.sheet_rows()?;
    let at = |row: &[String], column: &str| {
        header
            .iter()
            .position(|h| h == column)
            .map(|c| row[c].trim().to_string())
            .unwrap_or_default()
    };
    let mut columns: Vec<ColumnAgreement> = first
        .score_columns
        .iter()
        .filter(|c| header.contains(c))
        .map(|c| ColumnAgreement {
            column: c.clone(),
            pairs: Vec::new(),
            icc: None,
            bland_altman: None,
        })
        .collect();
    let (mut excluded, mut not_recorded) = (Vec::new(), 0);
    for e in &first.run_order {
        if second.status(&e.code)? != Status::Finished {
            not_recorded += 1;
            continue;
        }
        let theirs = second.row_cells(&second.replay(&e.code)?);
        let Some(ours) = rows.get(&e.code) else {
            continue;
        };
        let excluded_by = |v: &str| v.eq_ignore_ascii_case("yes");
        if excluded_by(&at(ours, "excluded"))
            || theirs.get("excluded").is_some_and(|v| excluded_by(v))
        {
            excluded.push(e.code.clone());
            continue;
        }
        for c in &mut columns {
            let number = |v: &str| v.trim().parse::<f64>().ok().filter(|x| x.is_finite());
            let a = number(&at(ours, &c.column));
            let b = theirs.get(&c.column).and_then(|v| number(v));
            if let (Some(a), Some(b)) = (a, b) {
                c.pairs.push((e.code.clone(), a, b));
            }
        }
    }
    for c in &mut columns {
        let scores: Vec<Vec<f64>> = c.pairs.iter().map(|(_, a, b)| vec![*a, *b]).collect();
        c.icc = intraclass(&scores, 0.95).ok();
        let (a, b): (Vec<f64>, Vec<f64>) = c.pairs.iter().map(|(_, a, b)| (*a, *b)).unzip();
        c.bland_altman = bland_altman(&a, &b, 0.95).ok();
    }
    Ok(Agreement {
        observer: name.to_string(),
        columns,
        excluded,
        not_recorded,
    })
}

/// "1 animal", "3 animals".
fn animals(n: usize) -> String {
    format!("{n} animal{}", if n == 1 { "" } else { "s" })
}

/// The agreement as text for the terminal.
pub fn render(a: &Agreement) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Agreement of observer {} with sheets/scoring.csv (95 % intervals)",
        a.observer
    );
    if !a.excluded.is_empty() {
        let _ = writeln!(
            s,
            "  left out, excluded by either observer: {}",
            a.excluded.join(", ")
        );
    }
    if a.not_recorded > 0 {
        let _ = writeln!(
            s,
            "  not recorded by {}: {}",
            a.observer,
            animals(a.not_recorded)
        );
    }
    for c in &a.columns {
        let _ = writeln!(
            s,
            "\n{} — {} scored by both",
            c.column,
            animals(c.pairs.len())
        );
        let limit = |x: f64| {
            if x.is_finite() {
                format!("{x:.3}")
            } else {
                "—".to_string()
            }
        };
        match &c.icc {
            Some([_, absolute, consistency]) => {
                for (label, icc) in [
                    ("ICC(2,1) absolute agreement", absolute),
                    ("ICC(3,1) consistency       ", consistency),
                ] {
                    let f = if icc.f.is_finite() {
                        format!("{:.2}", icc.f)
                    } else {
                        "∞".into()
                    };
                    let _ = writeln!(
                        s,
                        "  {label}  {:.3} [{}, {}]   F({}, {}) = {f}, {}",
                        icc.value,
                        limit(icc.lower),
                        limit(icc.upper),
                        apa_df(icc.df1),
                        apa_df(icc.df2),
                        apa_p(icc.p)
                    );
                }
            }
            None => {
                let _ = writeln!(
                    s,
                    "  intraclass correlation not computed: needs at least 2 animals whose scores vary"
                );
            }
        }
        match &c.bland_altman {
            Some(ba) => {
                let _ = writeln!(
                    s,
                    "  Bland–Altman bias ({} − sheet)  {:.3} [{}, {}]; SD of differences {:.3}; limits of agreement {:.3} to {:.3}",
                    a.observer,
                    ba.bias,
                    limit(ba.bias_lower),
                    limit(ba.bias_upper),
                    ba.sd,
                    ba.lower_limit,
                    ba.upper_limit
                );
            }
            None => {
                let _ = writeln!(s, "  Bland–Altman not computed: needs at least 2 animals");
            }
        }
    }
    s
}
