//! Tables read as experimental layouts: crossed factors, repeated measures in long format,
//! calibration standards and survival times. Each keeps spreadsheet rows for messages.

use std::collections::HashMap;

use super::table::{parse_number, DataTable, IngestError};

/// One factor column: level labels in order of first appearance and each value's level.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorColumn {
    pub name: String,
    pub levels: Vec<String>,
    pub codes: Vec<usize>,
}

/// Values of one column with the levels of several factor columns.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorValues {
    /// The column's first value; `deviations` are the values minus it (exact, see
    /// [`super::NumericColumn`]).
    pub centre: f64,
    pub deviations: Vec<f64>,
    pub rows: Vec<usize>,
    pub factors: Vec<FactorColumn>,
    pub blank_rows: Vec<usize>,
}

fn blank_label(table: &DataTable, row: usize, column: &str, what: &str) -> IngestError {
    IngestError::BlankCell {
        path: table.location(),
        row,
        column: column.to_string(),
        hint: format!("every value needs its {what}; fill it in or clear the value"),
    }
}

/// Codes the labels of `column` on the given data rows (indices into the table).
fn code_column(
    table: &DataTable,
    column: &str,
    data_rows: &[usize],
    what: &str,
) -> Result<FactorColumn, IngestError> {
    let ci = table.column_index(column)?;
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut levels = Vec::new();
    let mut codes = Vec::with_capacity(data_rows.len());
    for &r in data_rows {
        let label = table.cell(r, ci);
        if label.is_empty() {
            return Err(blank_label(table, table.row_number(r), column, what));
        }
        let next = index.len();
        let code = *index.entry(label).or_insert_with(|| {
            levels.push(label.to_string());
            next
        });
        codes.push(code);
    }
    Ok(FactorColumn {
        name: column.to_string(),
        levels,
        codes,
    })
}

/// Table row indices of the values of `value` (blank cells skipped).
fn value_rows(table: &DataTable, rows: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(rows.len());
    let mut cursor = 0;
    for row in rows {
        while table.row_number(cursor) != *row {
            cursor += 1;
        }
        out.push(cursor);
    }
    out
}

/// The values of `value` with the levels of each factor column.
pub fn factor_values(
    table: &DataTable,
    value: &str,
    factors: &[&str],
) -> Result<FactorValues, IngestError> {
    let numbers = table.numeric_column(value)?;
    let data_rows = value_rows(table, &numbers.rows);
    let factors = factors
        .iter()
        .map(|f| code_column(table, f, &data_rows, "factor level"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FactorValues {
        centre: numbers.centre,
        deviations: numbers.deviations,
        rows: numbers.rows,
        factors,
        blank_rows: numbers.blank_rows,
    })
}

/// A subject left out of a repeated-measures analysis, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ExcludedSubject {
    pub subject: String,
    /// The within-subject levels with no value for this subject.
    pub missing: Vec<String>,
}

/// Repeated measures in long format turned into complete subjects × levels.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatedLayout {
    pub subjects: Vec<String>,
    pub within: FactorColumn,
    /// The between-subject factor: its levels, and each kept subject's level.
    pub between: Option<FactorColumn>,
    /// `values[i * k + j]`: subject i at within level j, minus `centre`.
    pub values: Vec<f64>,
    pub centre: f64,
    pub excluded: Vec<ExcludedSubject>,
    pub blank_rows: Vec<usize>,
}

/// Reads `value` by `subject` and `within` (one row per subject and level), with an
/// optional `between` column that must be constant within a subject. Subjects missing a
/// level are excluded and listed; a repeated row, or a level with no value for any subject,
/// is an error naming the rows.
pub fn repeated_layout(
    table: &DataTable,
    value: &str,
    subject: &str,
    within: &str,
    between: Option<&str>,
) -> Result<RepeatedLayout, IngestError> {
    let numbers = table.numeric_column(value)?;
    let data_rows = value_rows(table, &numbers.rows);
    let subjects = code_column(table, subject, &data_rows, "subject")?;
    let within_col = code_column(table, within, &data_rows, "level of the within factor")?;
    // A level seen only on rows with a blank value has no data at all.
    let wi = table.column_index(within)?;
    for r in 0..table.row_count() {
        let label = table.cell(r, wi);
        if !label.is_empty() && !within_col.levels.iter().any(|l| l == label) {
            return Err(IngestError::Layout {
                path: table.location(),
                message: format!(
                    "level `{label}` of `{within}` has no value in `{value}` for any subject"
                ),
                hint: format!(
                    "fill in `{value}` for `{label}`, or delete its rows to analyse the other levels"
                ),
            });
        }
    }
    let between_col = between
        .map(|b| code_column(table, b, &data_rows, "group"))
        .transpose()?;
    let (n, k) = (subjects.levels.len(), within_col.levels.len());
    let mut cell_row: Vec<Option<usize>> = vec![None; n * k];
    let mut subject_group: Vec<Option<(usize, usize)>> = vec![None; n];
    for (i, &row) in numbers.rows.iter().enumerate() {
        let (s, w) = (subjects.codes[i], within_col.codes[i]);
        if let Some(first) = cell_row[s * k + w] {
            return Err(IngestError::Layout {
                path: table.location(),
                message: format!(
                    "row {row}: subject `{}` at `{within}` = `{}` again (first on row {})",
                    subjects.levels[s], within_col.levels[w], numbers.rows[first]
                ),
                hint: "each subject has one value per level; remove or correct the repeated row"
                    .into(),
            });
        }
        cell_row[s * k + w] = Some(i);
        if let Some(b) = &between_col {
            match subject_group[s] {
                None => subject_group[s] = Some((b.codes[i], row)),
                Some((g, first)) if g != b.codes[i] => {
                    return Err(IngestError::Layout {
                        path: table.location(),
                        message: format!(
                            "row {row}: subject `{}` is in `{}` here but in `{}` on row {first}",
                            subjects.levels[s], b.levels[b.codes[i]], b.levels[g]
                        ),
                        hint: format!("a subject belongs to one level of `{}`", b.name),
                    })
                }
                Some(_) => {}
            }
        }
    }
    let mut layout = RepeatedLayout {
        subjects: Vec::new(),
        within: FactorColumn {
            name: within_col.name.clone(),
            levels: within_col.levels.clone(),
            codes: (0..k).collect(),
        },
        between: between_col.as_ref().map(|b| FactorColumn {
            name: b.name.clone(),
            levels: b.levels.clone(),
            codes: Vec::new(),
        }),
        values: Vec::new(),
        centre: numbers.centre,
        excluded: Vec::new(),
        blank_rows: numbers.blank_rows.clone(),
    };
    for s in 0..n {
        let cells = &cell_row[s * k..(s + 1) * k];
        if cells.iter().any(Option::is_none) {
            layout.excluded.push(ExcludedSubject {
                subject: subjects.levels[s].clone(),
                missing: (0..k)
                    .filter(|&w| cells[w].is_none())
                    .map(|w| within_col.levels[w].clone())
                    .collect(),
            });
            continue;
        }
        layout.subjects.push(subjects.levels[s].clone());
        layout
            .values
            .extend(cells.iter().flatten().map(|&i| numbers.deviations[i]));
        if let (Some(b), Some((g, _))) = (layout.between.as_mut(), subject_group[s]) {
            b.codes.push(g);
        }
    }
    if layout.subjects.is_empty() {
        return Err(IngestError::Layout {
            path: table.location(),
            message: format!("no subject has a value at every level of `{within}`"),
            hint: "repeated-measures ANOVA needs complete subjects".into(),
        });
    }
    Ok(layout)
}

/// Pairs of numbers from two columns (rows where both are blank are skipped; rows with
/// only `y` are returned separately as samples to read off the curve).
#[derive(Debug, Clone, PartialEq)]
pub struct XyColumns {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub rows: Vec<usize>,
    /// Responses without a concentration, with their rows.
    pub samples: Vec<(usize, f64)>,
}

fn number_at(
    table: &DataTable,
    r: usize,
    ci: usize,
    column: &str,
) -> Result<Option<f64>, IngestError> {
    let cell = table.cell(r, ci);
    if cell.is_empty() {
        return Ok(None);
    }
    parse_number(cell, table.decimal_comma)
        .map(Some)
        .ok_or_else(|| IngestError::NotNumeric {
            path: table.location(),
            row: table.row_number(r),
            column: column.to_string(),
            value: cell.to_string(),
            hint: "use plain numbers (e.g. 12.5) in this column".into(),
        })
}

/// Reads calibration standards (`x`, `y`) and samples (a `y` with a blank `x`).
pub fn xy_columns(table: &DataTable, x: &str, y: &str) -> Result<XyColumns, IngestError> {
    let (xi, yi) = (table.column_index(x)?, table.column_index(y)?);
    let mut out = XyColumns {
        x: vec![],
        y: vec![],
        rows: vec![],
        samples: vec![],
    };
    for r in 0..table.row_count() {
        let row = table.row_number(r);
        match (number_at(table, r, xi, x)?, number_at(table, r, yi, y)?) {
            (Some(a), Some(b)) => {
                out.x.push(a);
                out.y.push(b);
                out.rows.push(row);
            }
            (None, Some(b)) => out.samples.push((row, b)),
            (Some(_), None) => {
                return Err(IngestError::BlankCell {
                    path: table.location(),
                    row,
                    column: y.to_string(),
                    hint: "a standard needs its response; fill it in or clear the concentration"
                        .into(),
                })
            }
            (None, None) => {}
        }
    }
    Ok(out)
}

/// Survival times with event indicators and groups.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalColumns {
    pub groups: Vec<String>,
    /// Per group: times, events (true = observed), spreadsheet rows.
    pub times: Vec<Vec<f64>>,
    pub events: Vec<Vec<bool>>,
    pub rows: Vec<Vec<usize>>,
}

fn event_value(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "event" => Some(true),
        "0" | "false" | "no" | "censored" => Some(false),
        _ => None,
    }
}

/// Reads `time` (≥ 0), `event` (1/0, yes/no, true/false, event/censored) and `group`.
pub fn survival_columns(
    table: &DataTable,
    time: &str,
    event: &str,
    group: &str,
) -> Result<SurvivalColumns, IngestError> {
    let times = table.numeric_column(time)?;
    let data_rows = value_rows(table, &times.rows);
    let groups = code_column(table, group, &data_rows, "group")?;
    let ei = table.column_index(event)?;
    let mut out = SurvivalColumns {
        groups: groups.levels.clone(),
        times: vec![vec![]; groups.levels.len()],
        events: vec![vec![]; groups.levels.len()],
        rows: vec![vec![]; groups.levels.len()],
    };
    for (i, &r) in data_rows.iter().enumerate() {
        let row = times.rows[i];
        if times.values[i] < 0.0 {
            return Err(IngestError::BadValue {
                path: table.location(),
                row,
                column: time.to_string(),
                value: table.cell(r, table.column_index(time)?).to_string(),
                problem: "a negative time",
                hint: "times are durations from the start of the session",
            });
        }
        let cell = table.cell(r, ei);
        let e = event_value(cell).ok_or_else(|| IngestError::BadValue {
            path: table.location(),
            row,
            column: event.to_string(),
            value: cell.to_string(),
            problem: "not an event indicator",
            hint: "write 1 when the event was seen and 0 when the time is censored",
        })?;
        let g = groups.codes[i];
        out.times[g].push(times.values[i]);
        out.events[g].push(e);
        out.rows[g].push(row);
    }
    Ok(out)
}
