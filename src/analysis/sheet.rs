//! The capture sheets of a study (`sheets/NAME.csv` or the `NAME` worksheet of
//! `sheets/capture.xlsx`), read back and checked cell by cell against the protocol's column
//! specifications: numbers and integers within their limits, choices among the allowed
//! values, blind codes of the allocation key, yes/no flags and required cells. A bad cell
//! is reported with its file, spreadsheet row, column, value and a hint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::cells::check_cell;
use super::study::{filled_cells, Study};
use super::AnalysisError;
use crate::ingest::{self, parse_number, DataTable, IngestError};
use crate::protocol::{CaptureColumn, ColumnSpec, SheetSpec};

pub(crate) use crate::ingest::parse_yes_no as yes;

/// A filled capture sheet whose every cell has been checked.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub spec: SheetSpec,
    pub table: DataTable,
    /// Empty cells filled from an instrument's export, by (table row, column).
    pub filled: BTreeMap<(usize, String), FilledCell>,
}

/// A value an instrument's export gave to an empty cell of a sheet, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct FilledCell {
    pub value: f64,
    /// "sheets/plate-reader/BCA-2.txt, line 40".
    pub from: String,
}

/// Reads the table at `path` (a worksheet when it is a workbook); an empty sheet is None.
fn read_optional(path: &Path, worksheet: Option<&str>) -> Result<Option<DataTable>, IngestError> {
    match ingest::read_table(path, worksheet) {
        Ok(t) => Ok(Some(t)),
        Err(IngestError::Empty { .. } | IngestError::EmptyFile { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The filled sheet `spec.name` of the study, checked cell by cell: its CSV or its
/// worksheet in capture.xlsx, whichever holds data (refusing when both do); None when
/// neither does.
pub fn capture_sheet(study: &mut Study, spec: &SheetSpec) -> Result<Option<Sheet>, AnalysisError> {
    capture_sheet_filled_by(study, spec, &[])
}

/// As [`capture_sheet`], with the `columns` an instrument's export fills allowed empty:
/// the caller fills them ([`Sheet::fill`]) and checks that none stays empty.
pub fn capture_sheet_filled_by(
    study: &mut Study,
    spec: &SheetSpec,
    columns: &[&str],
) -> Result<Option<Sheet>, AnalysisError> {
    let Some(table) = filled_table(study, spec)? else {
        return Ok(None);
    };
    let mut spec = spec.clone();
    for c in spec.columns.iter_mut() {
        if columns.contains(&c.name.as_str()) {
            c.required = false;
        }
    }
    let sheet = Sheet {
        spec,
        table,
        filled: BTreeMap::new(),
    };
    sheet.check(study)?;
    Ok(Some(sheet))
}

/// The table of the filled sheet `spec.name` (as [`capture_sheet`], without checking its
/// cells: for sheets whose reader checks them itself), recorded as an input.
pub fn filled_table(
    study: &mut Study,
    spec: &SheetSpec,
) -> Result<Option<DataTable>, AnalysisError> {
    let columns: Vec<String> = spec.columns.iter().map(|c| c.name.clone()).collect();
    let csv_path = study.dir.join(format!("sheets/{}.csv", spec.name));
    let xlsx_path = study.dir.join("sheets/capture.xlsx");
    let csv = if csv_path.exists() {
        read_optional(&csv_path, None)?
    } else {
        None
    };
    let xlsx = if xlsx_path.exists() {
        match read_optional(&xlsx_path, Some(&spec.name)) {
            Err(IngestError::NoSheet { .. }) => None,
            other => other?,
        }
    } else {
        None
    };
    let filled = |t: &Option<DataTable>| t.as_ref().is_some_and(|t| filled_cells(t, &columns) > 0);
    let (table, path) = match (filled(&csv), filled(&xlsx)) {
        (true, false) => (csv, csv_path),
        (false, true) => (xlsx, xlsx_path),
        (true, true) => {
            return Err(AnalysisError::Study {
                path: study.dir.join("sheets"),
                message: format!(
                    "both {}.csv and the `{}` sheet of capture.xlsx hold data",
                    spec.name, spec.name
                ),
                hint: format!(
                    "keep the data in one of them: empty the other, or move it out of sheets/ (sheets/{}.csv is read when the workbook's sheet is empty)",
                    spec.name
                ),
            })
        }
        (false, false) => return Ok(None),
    };
    study.record_input(&path)?;
    Ok(table)
}

impl Sheet {
    /// The file (and worksheet) the sheet was read from, as errors name it.
    pub fn location(&self) -> PathBuf {
        self.table.location()
    }

    /// Data rows (rows with something in the protocol's columns), as table indexes.
    pub fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        let idx: Vec<usize> = self
            .spec
            .columns
            .iter()
            .filter_map(|c| self.table.column_index(&c.name).ok())
            .collect();
        (0..self.table.row_count())
            .filter(move |&r| idx.iter().any(|&c| !self.table.cell(r, c).is_empty()))
    }

    /// A located error at row `r` (table index), column `column`; a value filled from an
    /// instrument's export is shown with where it came from.
    pub fn error(&self, r: usize, column: &str, problem: String, hint: String) -> AnalysisError {
        let (value, problem) = match self.filled.get(&(r, column.to_string())) {
            Some(f) => (
                format!("{}", f.value),
                format!("(from {}) {problem}", f.from),
            ),
            None => (
                self.table
                    .column_index(column)
                    .map(|c| self.table.cell(r, c).to_string())
                    .unwrap_or_default(),
                problem,
            ),
        };
        AnalysisError::cell(
            &self.table.location(),
            self.table.row_number(r),
            column,
            &value,
            problem,
            hint,
        )
    }

    /// The text of a cell ("" when blank or when the column is absent).
    pub fn text(&self, r: usize, column: &str) -> &str {
        self.table
            .column_index(column)
            .map_or("", |c| self.table.cell(r, c))
    }

    /// A checked number (or the value an export filled in); None when blank.
    pub fn number(&self, r: usize, column: &str) -> Option<f64> {
        if let Some(f) = self.filled.get(&(r, column.to_string())) {
            return Some(f.value);
        }
        parse_number(self.text(r, column), self.table.decimal_comma)
    }

    /// Fills the empty cell at row `r`, `column` with a value from an instrument's export,
    /// checked against the column's limits as a typed value would be.
    pub fn fill(
        &mut self,
        r: usize,
        column: &str,
        value: f64,
        from: String,
    ) -> Result<(), AnalysisError> {
        self.filled
            .insert((r, column.to_string()), FilledCell { value, from });
        if let Some(c) = self.spec.columns.iter().find(|c| c.name == column) {
            let low = c.min.is_some_and(|m| value < m);
            let high = c.max.is_some_and(|m| value > m);
            if low || high {
                let range = match (c.min, c.max) {
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                return Err(self.error(
                    r,
                    column,
                    format!("is outside the column's range: it must be {range}"),
                    "check the instrument's value; if it is right, widen the column's limits in the protocol".into(),
                ));
            }
        }
        Ok(())
    }

    /// A number that must be there (the check has made sure of it for required columns).
    pub fn value(&self, r: usize, column: &str) -> Result<f64, AnalysisError> {
        self.number(r, column).ok_or_else(|| {
            self.error(
                r,
                column,
                "is empty".into(),
                "this value is needed for the calculation; enter it".into(),
            )
        })
    }

    /// A checked yes/no cell (blank is no).
    pub fn flag(&self, r: usize, column: &str) -> bool {
        yes(self.text(r, column)).unwrap_or(false)
    }

    /// Checks every cell of every data row against the column specifications.
    fn check(&self, study: &Study) -> Result<(), AnalysisError> {
        let mut present = Vec::new();
        for c in &self.spec.columns {
            match self.table.column_index(&c.name) {
                Ok(i) => present.push((c, i)),
                Err(e) if c.required => return Err(e.into()),
                Err(_) => {}
            }
        }
        for r in self.rows() {
            for &(spec, i) in &present {
                self.check_cell(study, r, spec, self.table.cell(r, i))?;
            }
        }
        Ok(())
    }

    fn check_cell(
        &self,
        study: &Study,
        r: usize,
        c: &ColumnSpec,
        cell: &str,
    ) -> Result<(), AnalysisError> {
        if cell.is_empty() && c.required {
            return Err(self.error(
                r,
                &c.name,
                "is empty".into(),
                format!(
                    "`{}` is required on every row of the {} sheet{}",
                    c.name,
                    self.spec.name,
                    c.description
                        .as_ref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                ),
            ));
        }
        let column = CaptureColumn::from_spec(c);
        let i = self.table.column_index(&c.name)?;
        check_cell(
            &self.table,
            &self.table.location(),
            r,
            i,
            &column,
            &|code| study.entry(code).is_some(),
        )
    }
}
