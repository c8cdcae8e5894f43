//! The rules one cell of a capture sheet must meet, from what `sheets/columns.csv` says of
//! its column: a number (with its range), a whole number, an ISO date, yes/no, one of a
//! list, a blind code of the study, or free text. The same check serves every sheet, CSV or
//! workbook, so that no cell is taken for something it is not.

use std::path::Path;

use super::AnalysisError;
use crate::ingest::{parse_number, parse_yes_no, DataTable};
use crate::protocol::{CaptureColumn, ChoiceSource, ColumnKind};

/// Checks cell (`r`, `c`) of `table` against `column`; an empty cell passes (whether it may
/// be empty is the reader's decision). `is_blind_code` answers for columns that take the
/// study's blind codes.
pub(crate) fn check_cell(
    table: &DataTable,
    location: &Path,
    r: usize,
    c: usize,
    column: &CaptureColumn,
    is_blind_code: &dyn Fn(&str) -> bool,
) -> Result<(), AnalysisError> {
    let cell = table.cell(r, c);
    if cell.is_empty() {
        return Ok(());
    }
    let bad = |problem: String, hint: String| {
        AnalysisError::cell(
            location,
            table.row_number(r),
            &column.name,
            cell,
            problem,
            hint,
        )
    };
    match column.kind {
        ColumnKind::Number | ColumnKind::Integer => {
            let v = parse_number(cell, table.decimal_comma).ok_or_else(|| {
                let problem = if looks_like_date(cell) {
                    "is a date, not a number"
                } else {
                    "is not a number"
                };
                bad(problem.into(), table.number_hint(cell))
            })?;
            if column.kind == ColumnKind::Integer && v.fract() != 0.0 {
                return Err(bad(
                    "is not a whole number".into(),
                    format!("`{}` counts whole units; enter e.g. 3", column.name),
                ));
            }
            if let Some(min) = column.min.filter(|&m| v < m) {
                let problem = if min == 0.0 {
                    "is negative".to_string()
                } else {
                    format!("is below {min}")
                };
                return Err(bad(problem, limits_hint(column)));
            }
            if let Some(max) = column.max.filter(|&m| v > m) {
                return Err(bad(format!("is above {max}"), limits_hint(column)));
            }
        }
        ColumnKind::Date => {
            if iso_date(cell).is_none() {
                return Err(bad(
                    "is not a date".into(),
                    format!(
                        "write the date as YYYY-MM-DD (e.g. 2026-11-23), or as a date cell of the workbook; `{}`: {}",
                        column.name, column.description
                    ),
                ));
            }
        }
        ColumnKind::YesNo => {
            if parse_yes_no(cell).is_none() {
                return Err(bad(
                    "is not yes or no".into(),
                    "write yes (or 1), or leave the cell empty for no".into(),
                ));
            }
        }
        ColumnKind::Choice => {
            if column.choices_from == Some(ChoiceSource::BlindCodes) {
                if !is_blind_code(cell) {
                    return Err(bad(
                        "is not a blind code of this study".into(),
                        "codes are case-sensitive; compare with sheets/run-order.csv".into(),
                    ));
                }
            } else if !column.choices.is_empty() && !column.choices.iter().any(|x| x == cell) {
                let hint = match crate::protocol::closest(cell, &column.choices) {
                    Some(best) => format!(
                        "did you mean `{best}`? The allowed values are: {}",
                        column.choices.join(", ")
                    ),
                    None => format!("the allowed values are: {}", column.choices.join(", ")),
                };
                return Err(bad("is not one of the allowed values".into(), hint));
            }
        }
        ColumnKind::Text => {}
    }
    Ok(())
}

/// What a column accepts, for a hint: its range, what it is, and a reminder of the unit.
pub(crate) fn limits_hint(c: &CaptureColumn) -> String {
    let range = match (c.min, c.max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => String::new(),
    };
    let what = if c.description.is_empty() {
        String::new()
    } else {
        format!(" ({})", c.description)
    };
    format!(
        "`{}`{what} must be {range}; check the value and its unit",
        c.name
    )
}

/// (year, month, day) of an ISO date `YYYY-MM-DD` (a time after `T` or a space is allowed,
/// as a workbook's date cell with a time reads); None unless it is a real calendar day
/// between 1900 and 2199.
pub fn iso_date(cell: &str) -> Option<(u32, u32, u32)> {
    let date = cell.split(['T', ' ']).next()?;
    let rest = &cell[date.len()..];
    if !rest.is_empty() && !valid_time(&rest[1..]) {
        return None;
    }
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(&date[..4])?, num(&date[5..7])?, num(&date[8..])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..2200).contains(&y) && (1..=days).contains(&d)).then_some((y, m, d))
}

fn valid_time(t: &str) -> bool {
    let parts: Vec<&str> = t.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().enumerate().all(|(i, p)| {
            let whole = p.split('.').next().unwrap_or("");
            let limit = [24, 60, 61][i];
            whole.len() == 2
                && whole.parse::<u32>().is_ok_and(|v| v < limit)
                && (i == 2 || !p.contains('.'))
        })
}

fn looks_like_date(cell: &str) -> bool {
    iso_date(cell).is_some()
        || cell.split(['/', '.', '-']).count() == 3
            && cell
                .split(['/', '.', '-'])
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn dates_are_real_calendar_days() {
        assert_eq!(iso_date("2026-11-23"), Some((2026, 11, 23)));
        assert_eq!(iso_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(iso_date("2026-12-01T09:30:00"), Some((2026, 12, 1)));
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-04-31",
            "5x",
            "23/11/2026",
            "2026-1-5",
            "46000",
            "2026-11-23T25:00",
            "+026-11-23",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
        assert_eq!(iso_date("2000-02-29"), Some((2000, 2, 29)));
    }
}
