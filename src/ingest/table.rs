//! Tables from CSV (comma or semicolon separated; decimal comma with semicolons) and
//! from `.xlsx` workbooks (first sheet or a named one).

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::protocol::closest;

/// A data file read as text cells, with spreadsheet row numbers. The cells live in one
/// text buffer (a million-row file costs little more memory than its size).
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    pub path: PathBuf,
    /// The worksheet the table was read from, when `path` is a workbook.
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    /// Decimal comma: `1,5` means 1.5 (semicolon-separated files).
    pub decimal_comma: bool,
    /// Spreadsheet row number of each data row; the header is row 1.
    row_numbers: Vec<usize>,
    /// Trimmed cell text, row after row, `headers.len()` cells per row.
    text: String,
    spans: Vec<(u32, u32)>,
}

/// Collects rows into a [`DataTable`]'s buffer.
struct TableBuilder {
    width: usize,
    row_numbers: Vec<usize>,
    text: String,
    spans: Vec<(u32, u32)>,
}

impl TableBuilder {
    fn new(width: usize) -> Self {
        TableBuilder {
            width,
            row_numbers: Vec::new(),
            text: String::new(),
            spans: Vec::new(),
        }
    }

    /// Adds a row (cells beyond the header's width are dropped, missing ones are blank);
    /// rows with every cell blank are skipped.
    fn push<'a>(&mut self, row: usize, cells: impl Iterator<Item = &'a str>) {
        let mark = (self.text.len(), self.spans.len());
        let mut any = false;
        for cell in cells.take(self.width) {
            let cell = cell.trim();
            any |= !cell.is_empty();
            let start = self.text.len() as u32;
            self.text.push_str(cell);
            self.spans.push((start, self.text.len() as u32));
        }
        if !any {
            self.text.truncate(mark.0);
            self.spans.truncate(mark.1);
            return;
        }
        let end = self.text.len() as u32;
        while self.spans.len() < mark.1 + self.width {
            self.spans.push((end, end));
        }
        self.row_numbers.push(row);
    }

    fn finish(
        self,
        path: &Path,
        sheet: Option<String>,
        headers: Vec<String>,
        decimal_comma: bool,
    ) -> DataTable {
        DataTable {
            path: path.to_path_buf(),
            sheet,
            headers,
            decimal_comma,
            row_numbers: self.row_numbers,
            text: self.text,
            spans: self.spans,
        }
    }
}

/// Numbers of one column with the row each came from; blank cells are skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericColumn {
    pub name: String,
    pub values: Vec<f64>,
    pub rows: Vec<usize>,
    pub blank_rows: Vec<usize>,
    /// The first value; `deviations` are the values minus it.
    pub centre: f64,
    /// value − centre, computed exactly from the decimal text and rounded once, so that
    /// data sharing many leading digits (1000000000.2, 1000000000.1, …) keep the digits
    /// a double cannot store. Falls back to the difference of doubles for cells in
    /// exponent notation or with more than 30 digits.
    pub deviations: Vec<f64>,
}

/// A plain decimal `[-+]digits[.digits]` as (mantissa, decimals): "12.50" → (1250, 2).
fn decimal_parts(text: &str) -> Option<(i128, u32)> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    if whole.len() + fraction.len() > 30
        || whole.len() + fraction.len() == 0
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut m: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        m = m * 10 + i128::from(b - b'0');
    }
    Some((if negative { -m } else { m }, fraction.len() as u32))
}

/// x − x₀ for decimal texts, exactly and rounded once; `None` when a text is not a plain
/// decimal or the digits do not fit.
fn exact_deviations(parts: &[(i128, u32)]) -> Option<Vec<f64>> {
    let scale = parts.iter().map(|p| p.1).max()?;
    if scale > 30 {
        return None;
    }
    let aligned = |(m, s): (i128, u32)| m.checked_mul(10i128.checked_pow(scale - s)?);
    let first = aligned(parts[0])?;
    let divisor = 10f64.powi(scale as i32);
    parts
        .iter()
        .map(|&p| Some((aligned(p)?.checked_sub(first)? as f64) / divisor))
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}, row {row}: {message}")]
    Csv {
        path: PathBuf,
        row: usize,
        message: String,
    },
    /// Bytes that are not UTF-8 text: decoding them any other way would change characters
    /// without a word.
    #[error("{path}, row {row}: byte 0x{byte:02X} is not UTF-8 text\nhelp: save the file as UTF-8 (Excel: Save As › \"CSV UTF-8 (Comma delimited)\"); preclin does not guess another encoding, as that could change characters silently")]
    Encoding { path: PathBuf, row: usize, byte: u8 },
    /// A quoted cell that runs on over the following rows.
    #[error("{path}, row {row}, column `{column}`: a quote (\") opens here and is not closed, so the rows below are read into this cell\nhelp: close the quote, or remove it; a quote inside a cell is written twice (\"\")")]
    UnclosedQuote {
        path: PathBuf,
        row: usize,
        column: String,
    },
    /// A row with more or fewer cells than the header: its cells would land in the wrong columns.
    #[error("{path}, row {row}: {cells} cells but the header has {columns} columns\nhelp: {hint}")]
    Ragged {
        path: PathBuf,
        row: usize,
        cells: usize,
        columns: usize,
        hint: String,
    },
    #[error("cannot read workbook {path}: {message}\nhelp: save it again from Excel or LibreOffice as an Excel workbook (.xlsx); an .xls file renamed to .xlsx, or a damaged or partly copied file, cannot be read")]
    Workbook { path: PathBuf, message: String },
    /// Two columns of one name: which one holds the data would be a guess.
    #[error("{path}, row 1: column `{column}` appears twice (columns {first} and {second})\nhelp: rename or delete one of them; preclin does not choose between two columns of the same name")]
    DuplicateColumn {
        path: PathBuf,
        column: String,
        first: String,
        second: String,
    },
    #[error("{path} has no sheet `{sheet}`\nhelp: its sheets are: {available}")]
    NoSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{path} holds no data rows under its header\nhelp: fill in at least one row below the header, or check that this is the right file")]
    Empty { path: PathBuf },
    #[error("{path} has no column `{column}`\nhelp: {hint}")]
    NoColumn {
        path: PathBuf,
        column: String,
        hint: String,
    },
    #[error("{path}, row {row}, column `{column}` is empty\nhelp: {hint}")]
    BlankCell {
        path: PathBuf,
        row: usize,
        column: String,
        hint: String,
    },
    #[error("{path}, row {row}, column `{column}`: `{value}` is {problem}\nhelp: {hint}")]
    BadValue {
        path: PathBuf,
        row: usize,
        column: String,
        value: String,
        problem: &'static str,
        hint: &'static str,
    },
    #[error("{path}: {message}\nhelp: {hint}")]
    Layout {
        path: PathBuf,
        message: String,
        hint: String,
    },
    #[error("{path}, row {row}, column `{column}`: `{value}` is not a number\nhelp: {hint}")]
    NotNumeric {
        path: PathBuf,
        row: usize,
        column: String,
        value: String,
        hint: String,
    },
    #[error("{path} is empty\nhelp: {hint}")]
    EmptyFile { path: PathBuf, hint: &'static str },
    #[error(
        "{path}, row {row}: not a behaviour event log; its first row holds {seen}\nhelp: the accepted logs are BORIS aggregated events (columns Subject, Behavior, Start (s), Stop (s)), BORIS tabular events (Time, Subject, Behavior, Status or Behavior type) and a plain CSV with the columns animal, behaviour, start_s, stop_s; columns are separated by tabs or commas"
    )]
    UnknownFormat {
        path: PathBuf,
        row: usize,
        seen: String,
    },
    /// A value of an event log that is wrong with respect to its event: unpaired, overlapping,
    /// stopping before it starts, or outside the session.
    #[error("{path}, row {row}, column `{column}`: `{value}` {message}\nhelp: {hint}")]
    Event {
        path: PathBuf,
        row: usize,
        column: String,
        value: String,
        message: Box<str>,
        hint: &'static str,
    },
}

/// Reads a CSV or `.xlsx` file. `sheet` picks a worksheet of a workbook (default: the first).
pub fn read_table(path: &Path, sheet: Option<&str>) -> Result<DataTable, IngestError> {
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let table = if is_xlsx {
        read_xlsx(path, sheet)?
    } else {
        read_csv(path)?
    };
    for (i, h) in table.headers.iter().enumerate() {
        if let Some(j) = (!h.is_empty())
            .then(|| table.headers[i + 1..].iter().position(|x| x == h))
            .flatten()
        {
            return Err(IngestError::DuplicateColumn {
                path: table.location(),
                column: h.clone(),
                first: spreadsheet_column(i),
                second: spreadsheet_column(i + 1 + j),
            });
        }
    }
    if table.row_numbers.is_empty() {
        return Err(IngestError::Empty {
            path: table.location(),
        });
    }
    Ok(table)
}

/// The letter of a spreadsheet column (0 → A, 26 → AA).
fn spreadsheet_column(mut index: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (index % 26) as u8) as char);
        if index < 26 {
            return s;
        }
        index = index / 26 - 1;
    }
}

/// The text of a data file: UTF-8 (a byte-order mark is dropped), or UTF-16 when the file
/// starts with its byte-order mark (Excel's "Unicode text"). Anything else is refused at the
/// row of the first bad byte.
pub(crate) fn decode_text(path: &Path, bytes: &[u8]) -> Result<String, IngestError> {
    let utf16 = |big: bool, body: &[u8]| -> Result<String, IngestError> {
        let units = body.chunks(2).map(|c| {
            let pair = [c[0], *c.get(1).unwrap_or(&0)];
            if big {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        let mut text = String::with_capacity(body.len() / 2);
        for unit in char::decode_utf16(units) {
            match unit {
                Ok(c) => text.push(c),
                Err(e) => {
                    return Err(IngestError::Encoding {
                        path: path.to_path_buf(),
                        row: text.matches('\n').count() + 1,
                        byte: (e.unpaired_surrogate() >> 8) as u8,
                    })
                }
            }
        }
        Ok(text)
    };
    match bytes {
        [0xFF, 0xFE, body @ ..] => utf16(false, body),
        [0xFE, 0xFF, body @ ..] => utf16(true, body),
        _ => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(body) {
                Ok(t) => Ok(t.to_string()),
                Err(e) => {
                    let at = e.valid_up_to();
                    Err(IngestError::Encoding {
                        path: path.to_path_buf(),
                        row: body[..at].iter().filter(|&&b| b == b'\n').count() + 1,
                        byte: body[at],
                    })
                }
            }
        }
    }
}

/// A text cell as preclin writes it into CSV so that no spreadsheet runs it as a formula
/// (OWASP, CSV injection): text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return, after any leading apostrophes, gets one more apostrophe in front. Numbers
/// (`-1.5`, `+2e3`) are left as they are. [`unguard_cell`] undoes it.
pub fn guard_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(cell) && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The text of a cell written by [`guard_cell`]: one leading apostrophe is dropped when
/// what follows it would be read as a formula.
pub fn unguard_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

fn needs_guard(cell: &str) -> bool {
    matches!(
        cell.trim_start_matches('\'').as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// `[-+]digits[.digits][e[-+]digits]` (or `.digits`): what a spreadsheet reads as a number.
fn is_plain_number(cell: &str) -> bool {
    let b = cell.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut n = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'-' | b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

fn read_csv(path: &Path) -> Result<DataTable, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let text = decode_text(path, &bytes)?;
    // Semicolons in the header mean a European CSV, where the comma is the decimal mark.
    let first_line = text.lines().next().unwrap_or("");
    let semicolon = first_line.matches(';').count() > first_line.matches(',').count();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if semicolon { b';' } else { b',' })
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.records().next() {
        Some(Ok(r)) => r
            .iter()
            .map(|h| unguard_cell(h.trim()).to_string())
            .collect(),
        Some(Err(e)) => return Err(csv_error(path, &e, &mut LineCounter::new(text.as_bytes()))),
        None => {
            return Err(IngestError::EmptyFile {
                path: path.to_path_buf(),
                hint: "the file holds neither a header nor rows; save the sheet again, or copy the header from the template",
            })
        }
    };
    let mut builder = TableBuilder::new(headers.len());
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, &e, &mut lines)),
        }
        let row = record
            .position()
            .map_or(0, |p| lines.line_at(p.byte() as usize));
        // A quote opened and never closed swallows the rows after it into one cell.
        let sep = if semicolon { ';' } else { ',' };
        if let Some(i) = record.iter().position(|c| {
            c.contains('\n')
                && c.lines()
                    .any(|l| headers.len() > 2 && l.matches(sep).count() + 2 >= headers.len())
        }) {
            return Err(IngestError::UnclosedQuote {
                path: path.to_path_buf(),
                row,
                column: headers.get(i).cloned().unwrap_or_default(),
            });
        }
        // A row of blank cells is a blank row, however many separators it has.
        if record.len() != headers.len() && record.iter().any(|c| !c.trim().is_empty()) {
            return Err(ragged(path, row, &record, &headers, semicolon));
        }
        builder.push(row, record.iter().map(unguard_cell));
    }
    Ok(builder.finish(path, None, headers, semicolon))
}

/// The error for a row whose cells do not line up with the header, with a hint that fits
/// what probably happened.
fn ragged(
    path: &Path,
    row: usize,
    record: &csv::StringRecord,
    headers: &[String],
    semicolon: bool,
) -> IngestError {
    let hint = if record.len() > headers.len() {
        let extra = record.len() - headers.len();
        let mut hint = format!(
            "an extra separator shifts every cell after it into the wrong column; remove the {extra} extra cell{} so that the row has exactly {} cells",
            if extra == 1 { "" } else { "s" },
            headers.len()
        );
        if !semicolon {
            hint.push_str(" (a decimal comma, as in 150,2, splits a number in two in a comma-separated file: write 150.2, or separate the columns with semicolons)");
        }
        hint
    } else {
        format!(
            "a missing separator shifts every cell after it into the wrong column; give the row all {} cells (empty ones too), as under the header",
            headers.len()
        )
    };
    IngestError::Ragged {
        path: path.to_path_buf(),
        row,
        cells: record.len(),
        columns: headers.len(),
        hint,
    }
}

/// Spreadsheet row (1-based line) of a byte offset. The csv reader's own line count lags
/// behind on CRLF files, so rows are counted here from the bytes; offsets only grow.
struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            pos: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: usize) -> usize {
        // A record's offset may point at the line end before it (after a CR).
        let mut byte = byte.min(self.text.len());
        while byte < self.text.len() && matches!(self.text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte < self.pos {
            *self = LineCounter::new(self.text);
        }
        self.line += self.text[self.pos..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = byte;
        self.line
    }
}

fn csv_error(path: &Path, e: &csv::Error, lines: &mut LineCounter) -> IngestError {
    let row = e.position().map_or(0, |p| lines.line_at(p.byte() as usize));
    IngestError::Csv {
        path: path.to_path_buf(),
        row,
        message: e.to_string(),
    }
}

fn read_xlsx(path: &Path, sheet: Option<&str>) -> Result<DataTable, IngestError> {
    let workbook_error = |message: String| IngestError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let mut wb: Xlsx<_> =
        open_workbook(path).map_err(|e: calamine::XlsxError| workbook_error(e.to_string()))?;
    let names = wb.sheet_names().to_vec();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(IngestError::NoSheet {
                path: path.to_path_buf(),
                sheet: s.to_string(),
                available: names.join(", "),
            })
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| workbook_error("it has no worksheets".into()))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| workbook_error(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows_iter = range.rows().enumerate();
    let headers: Vec<String> = match rows_iter.next() {
        Some((_, r)) => r.iter().map(|c| cell_text(c).trim().to_string()).collect(),
        None => {
            return Err(IngestError::Empty {
                path: path.to_path_buf(),
            })
        }
    };
    let mut builder = TableBuilder::new(headers.len());
    for (i, r) in rows_iter {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        // Spreadsheet rows are 1-based; the header sits in the range's first row.
        builder.push(first_row + i + 1, cells.iter().map(String::as_str));
    }
    Ok(builder.finish(path, Some(name), headers, false))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Shortest text that reads back as the same double.
        Data::Float(f) => format!("{f:?}").trim_end_matches(".0").to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // A date cell reads as its ISO date (with the time when it has one), never as
        // Excel's day count.
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, sec, ms) = d.to_ymd_hms_milli();
            if (h, mi, sec, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{sec:02}")
            }
        }
        Data::DateTimeIso(s) => s.clone(),
        other => other.to_string(),
    }
}

impl DataTable {
    /// Where the table came from, as errors name it: the file, and for a workbook the
    /// worksheet (`sheets/capture.xlsx, sheet hplc_samples`).
    pub fn location(&self) -> PathBuf {
        match &self.sheet {
            Some(sheet) => PathBuf::from(format!("{}, sheet {sheet}", self.path.display())),
            None => self.path.clone(),
        }
    }

    /// What to do about `cell` of this table, which is not a number.
    pub fn number_hint(&self, cell: &str) -> String {
        if cell.contains(',') && !self.decimal_comma {
            if self.sheet.is_some() {
                "the cell holds text: type the number with the decimal mark of your spreadsheet, so that it is stored as a number".into()
            } else {
                "this file is comma-separated, so write decimals with a point (12.5), or save it with semicolons to use decimal commas".into()
            }
        } else if cell.chars().any(|c| c.is_ascii_digit()) {
            "write only the number, without units or other text; leave the cell empty if the value is missing".into()
        } else if self.headers.iter().any(|h| h.eq_ignore_ascii_case("notes")) {
            "leave the cell empty if the value is missing; use the notes column for remarks".into()
        } else {
            "write the number, or leave the cell empty if the value is missing".into()
        }
    }

    /// Number of data rows (blank rows are not kept).
    pub fn row_count(&self) -> usize {
        self.row_numbers.len()
    }

    /// Spreadsheet row number of data row `i`.
    pub fn row_number(&self, i: usize) -> usize {
        self.row_numbers[i]
    }

    /// The trimmed text of data row `i`, column `column` ("" when blank or missing).
    pub fn cell(&self, i: usize, column: usize) -> &str {
        let (start, end) = self.spans[i * self.headers.len() + column];
        &self.text[start as usize..end as usize]
    }

    /// Index of a column by header, with a suggestion when it is misspelled.
    pub fn column_index(&self, column: &str) -> Result<usize, IngestError> {
        if let Some(i) = self.headers.iter().position(|h| h == column) {
            return Ok(i);
        }
        let hint = match closest(column, &self.headers) {
            Some(best) => format!(
                "did you mean `{best}`? The columns are: {}",
                self.headers.join(", ")
            ),
            None => format!("the columns are: {}", self.headers.join(", ")),
        };
        Err(IngestError::NoColumn {
            path: self.location(),
            column: column.to_string(),
            hint,
        })
    }

    /// A column parsed as numbers. Blank cells are skipped (their rows are listed);
    /// anything else that is not a number is an error naming file, row and column.
    pub fn numeric_column(&self, column: &str) -> Result<NumericColumn, IngestError> {
        let i = self.column_index(column)?;
        let mut out = NumericColumn {
            name: column.to_string(),
            values: Vec::new(),
            rows: Vec::new(),
            blank_rows: Vec::new(),
            centre: 0.0,
            deviations: Vec::new(),
        };
        let mut parts: Option<Vec<(i128, u32)>> = Some(Vec::new());
        for r in 0..self.row_count() {
            let (row, cell) = (self.row_number(r), self.cell(r, i));
            if cell.is_empty() {
                out.blank_rows.push(row);
                continue;
            }
            match parse_number(cell, self.decimal_comma) {
                Some(v) => {
                    out.values.push(v);
                    out.rows.push(row);
                    if let Some(list) = parts.as_mut() {
                        // Borrowed unless the decimal comma needs rewriting: no
                        // allocation per cell of a large file.
                        let text: std::borrow::Cow<str> = if self.decimal_comma {
                            cell.replacen(',', ".", 1).into()
                        } else {
                            cell.into()
                        };
                        match decimal_parts(&text) {
                            Some(p) => list.push(p),
                            None => parts = None,
                        }
                    }
                }
                None => {
                    return Err(IngestError::NotNumeric {
                        path: self.location(),
                        row,
                        column: column.to_string(),
                        value: cell.to_string(),
                        hint: self.number_hint(cell),
                    })
                }
            }
        }
        out.centre = out.values.first().copied().unwrap_or(0.0);
        out.deviations = parts
            .filter(|p| !p.is_empty())
            .and_then(|p| exact_deviations(&p))
            .unwrap_or_else(|| out.values.iter().map(|v| v - out.centre).collect());
        Ok(out)
    }
}

/// The values of one column split into groups.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedValues {
    /// (label, values) in order of first appearance.
    pub groups: Vec<(String, Vec<f64>)>,
    /// Spreadsheet row of each value, parallel to `groups`.
    pub rows: Vec<Vec<usize>>,
    /// The column's first value, and each value minus it (see [`NumericColumn`]),
    /// parallel to `groups`: statistics that do not depend on location use these.
    pub centre: f64,
    pub deviations: Vec<Vec<f64>>,
    /// Spreadsheet rows whose value cell was blank (skipped).
    pub blank_rows: Vec<usize>,
}

/// Values of `value` split by the labels in `group` (first appearance order), or one group
/// named after the value column. Rows with a blank value are skipped and listed.
pub fn grouped_values(
    table: &DataTable,
    value: &str,
    group: Option<&str>,
) -> Result<GroupedValues, IngestError> {
    let numbers = table.numeric_column(value)?;
    let blank_rows = numbers.blank_rows.clone();
    let Some(group) = group else {
        return Ok(GroupedValues {
            groups: vec![(value.to_string(), numbers.values)],
            rows: vec![numbers.rows],
            centre: numbers.centre,
            deviations: vec![numbers.deviations],
            blank_rows,
        });
    };
    let gi = table.column_index(group)?;
    let mut groups: Vec<(String, Vec<f64>)> = Vec::new();
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut deviations: Vec<Vec<f64>> = Vec::new();
    // Both lists are in sheet order, so one forward walk pairs each value with its label.
    let mut cursor = 0;
    for ((v, row), d) in numbers
        .values
        .iter()
        .zip(&numbers.rows)
        .zip(&numbers.deviations)
    {
        while table.row_number(cursor) != *row {
            cursor += 1;
        }
        let label = table.cell(cursor, gi);
        if label.is_empty() {
            return Err(IngestError::BlankCell {
                path: table.location(),
                row: *row,
                column: group.to_string(),
                hint: "every value needs its group; fill in the group or clear the value".into(),
            });
        }
        match groups.iter().position(|(g, _)| g == label) {
            Some(i) => {
                groups[i].1.push(*v);
                rows[i].push(*row);
                deviations[i].push(*d);
            }
            None => {
                groups.push((label.to_string(), vec![*v]));
                rows.push(vec![*row]);
                deviations.push(vec![*d]);
            }
        }
    }
    Ok(GroupedValues {
        groups,
        rows,
        centre: numbers.centre,
        deviations,
        blank_rows,
    })
}

/// `yes`/`no` as typed in a sheet (also 1/0, y/n, true/false, x; blank is no); None when
/// it is neither.
pub fn parse_yes_no(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "" | "0" | "no" | "n" | "false" => Some(false),
        "1" | "yes" | "y" | "true" | "x" => Some(true),
        _ => None,
    }
}

/// Parses a finite number; with `decimal_comma`, `12,5` is 12.5.
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let owned;
    let text = if decimal_comma && cell.contains(',') && !cell.contains('.') {
        owned = cell.replacen(',', ".", 1);
        owned.as_str()
    } else {
        cell
    };
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deviations_are_exact_in_decimal() {
        let parts: Vec<(i128, u32)> = ["1000000000.2", "1000000000.1", "1000000000.3", "-7"]
            .iter()
            .map(|t| decimal_parts(t).unwrap())
            .collect();
        let d = exact_deviations(&parts).unwrap();
        // As doubles, 1000000000.1 − 1000000000.2 = −0.099999904…; in decimal it is −0.1.
        assert_eq!(d[..3], [0.0, -0.1, 0.1]);
        assert_eq!(d[3], -1000000007.2);
        assert!(decimal_parts("1e5").is_none() && decimal_parts("").is_none());
    }

    #[test]
    fn decimal_comma_only_with_semicolons() {
        assert_eq!(parse_number("12,5", true), Some(12.5));
        assert_eq!(parse_number("12,5", false), None);
        assert_eq!(parse_number("-3.25e2", false), Some(-325.0));
        assert_eq!(parse_number("NaN", false), None);
        assert_eq!(parse_number("inf", false), None);
    }

    #[test]
    fn the_hint_for_a_bad_number_fits_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let csv = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            read_table(&p, None).unwrap()
        };
        let with_notes = csv("a.csv", "dose,notes\n1,\n");
        let without = csv("b.csv", "dose,area\n1,2\n");
        assert!(with_notes
            .number_hint("12,5")
            .contains("decimals with a point"));
        assert!(with_notes.number_hint("12 mg").contains("without units"));
        assert!(with_notes.number_hint("lost").contains("notes column"));
        assert!(!without.number_hint("lost").contains("notes"));
        // A decimal comma in a workbook is text typed into a number cell.
        let p = dir.path().join("c.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("doses").unwrap();
        ws.write_string(0, 0, "dose").unwrap();
        ws.write_string(1, 0, "12,5").unwrap();
        wb.save(&p).unwrap();
        let book = read_table(&p, Some("doses")).unwrap();
        assert!(book.number_hint("12,5").contains("stored as a number"));
        assert_eq!(book.location(), dir.path().join("c.xlsx, sheet doses"));
    }
}
