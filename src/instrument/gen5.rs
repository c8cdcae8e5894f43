//! BioTek Gen5 text exports (File › Export, "Text", as Gen5 3.x writes them): tab-separated
//! blocks, one plate after another from its `Plate Number` line.
//!
//! - `Layout`: per plate row a `Well ID` line (`STD1`, `SPL1`, `BLK` …) and a `Conc/Dil`
//!   line (the standard's concentration or the sample's dilution), under a header of the
//!   column numbers;
//! - one matrix per read, titled by its wavelength (`660`), each row ending with that title;
//! - results Gen5 computed (`Conc`, `Blank 660` …), titled and laid out the same way;
//! - `Curve Fitting Results`: the curve's formula and parameters (`Y=A*X+B`, A, B, R2).
//!
//! A cell between asterisks (`*0.356*`: outside the curve, or marked by the user) or a
//! non-numeric cell (`OVRFLW`, `?????`, `Masked`, `<0.000`) is a [`PlateValue::Flagged`].

use std::path::Path;

use super::InstrumentError;

/// One cell of a plate matrix.
#[derive(Debug, Clone, PartialEq)]
pub enum PlateValue {
    Number(f64),
    /// As the reader wrote it.
    Flagged(String),
    Empty,
}

impl PlateValue {
    pub(crate) fn parse(cell: &str) -> PlateValue {
        let cell = cell.trim();
        if cell.is_empty() {
            return PlateValue::Empty;
        }
        match cell.parse::<f64>() {
            Ok(v) if v.is_finite() => PlateValue::Number(v),
            _ => PlateValue::Flagged(cell.to_string()),
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            PlateValue::Number(v) => Some(*v),
            _ => None,
        }
    }
}

/// A matrix of the plate: its title (the wavelength, `Conc` …) and its cells by well.
#[derive(Debug, Clone, PartialEq)]
pub struct Gen5Matrix {
    pub title: String,
    /// (well, value, line of the file).
    pub cells: Vec<(String, PlateValue, usize)>,
}

/// The curve Gen5 fitted, as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Gen5Curve {
    pub name: String,
    pub formula: String,
    /// Parameter name → value as printed (`A` → 0.00297).
    pub parameters: Vec<(String, PlateValue)>,
}

/// One plate of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct Gen5Plate {
    pub name: String,
    /// Well → (Well ID, Conc/Dil), from the `Layout` block.
    pub layout: Vec<(String, String, PlateValue)>,
    pub matrices: Vec<Gen5Matrix>,
    pub curves: Vec<Gen5Curve>,
    /// The line of its `Plate Number`.
    pub line: usize,
}

impl Gen5Plate {
    /// The matrices of raw reads: those titled by a wavelength.
    pub fn reads(&self) -> impl Iterator<Item = &Gen5Matrix> {
        self.matrices
            .iter()
            .filter(|m| m.title.parse::<f64>().is_ok())
    }

    pub fn matrix(&self, title: &str) -> Option<&Gen5Matrix> {
        self.matrices.iter().find(|m| m.title == title)
    }
}

/// A Gen5 export: its software version and plates.
#[derive(Debug, Clone, PartialEq)]
pub struct Gen5Export {
    pub version: Option<String>,
    pub plates: Vec<Gen5Plate>,
}

/// Column numbers of a header line (`\t1\t2 … 12`), or None when the line is not one.
fn column_header(cells: &[&str]) -> Option<Vec<String>> {
    if cells.len() < 2 || !cells[0].trim().is_empty() {
        return None;
    }
    let numbers: Vec<String> = cells[1..]
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    (!numbers.is_empty() && numbers.iter().all(|c| c.parse::<u32>().is_ok())).then_some(numbers)
}

fn is_row_letter(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_uppercase())
}

/// Reads a Gen5 text export.
pub fn read_gen5(path: &Path) -> Result<Gen5Export, InstrumentError> {
    parse_gen5(path, &super::read_text(path)?)
}

/// Parses the text of a Gen5 export (see the module's documentation).
pub fn parse_gen5(path: &Path, text: &str) -> Result<Gen5Export, InstrumentError> {
    let bad = |line: usize, message: String, hint: &str| super::bad(path, line, message, hint);
    let lines = super::tab_lines(text);
    let mut export = Gen5Export {
        version: None,
        plates: Vec::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        let cells = &lines[i];
        let first = cells[0].trim();
        let n = i + 1;
        if first == "Software Version" {
            export.version = cells.get(1).map(|v| v.trim().to_string());
        } else if first == "Plate Number" {
            export.plates.push(Gen5Plate {
                name: cells.get(1).map_or(String::new(), |v| v.trim().to_string()),
                layout: Vec::new(),
                matrices: Vec::new(),
                curves: Vec::new(),
                line: n,
            });
        } else if first == "Curve Fitting Results" {
            let plate = export.plates.last_mut().ok_or_else(|| {
                bad(
                    n,
                    "curve results before any `Plate Number` line".into(),
                    "export the whole plate from Gen5",
                )
            })?;
            // A header line (after any blank ones), then one line per curve.
            let blank = |l: &Vec<&str>| l.iter().all(|c| c.trim().is_empty());
            let mut h = i + 1;
            while lines.get(h).is_some_and(blank) {
                h += 1;
            }
            let header: Vec<&str> = lines.get(h).cloned().unwrap_or_default();
            let mut j = h + 1;
            while let Some(row) = lines.get(j) {
                if row.iter().all(|c| c.trim().is_empty()) {
                    break;
                }
                plate.curves.push(Gen5Curve {
                    name: row[0].trim().to_string(),
                    formula: row.get(1).map_or(String::new(), |v| v.trim().to_string()),
                    parameters: header
                        .iter()
                        .zip(row.iter())
                        .skip(2)
                        .map(|(h, v)| (h.trim().to_string(), PlateValue::parse(v)))
                        .collect(),
                });
                j += 1;
            }
            i = j;
            continue;
        } else if !first.is_empty() && lines.get(i + 1).and_then(|l| column_header(l)).is_some() {
            // A titled block: `Layout`, a wavelength, or a result of Gen5's.
            let columns = column_header(&lines[i + 1]).unwrap_or_default();
            let title = first.to_string();
            let plate = export.plates.last_mut().ok_or_else(|| {
                bad(
                    n,
                    format!("block `{title}` before any `Plate Number` line"),
                    "export the whole plate from Gen5",
                )
            })?;
            let mut j = i + 2;
            let mut matrix = Gen5Matrix {
                title: title.clone(),
                cells: Vec::new(),
            };
            let mut letter = String::new();
            while let Some(row) = lines.get(j) {
                if row.iter().all(|c| c.trim().is_empty()) {
                    break;
                }
                let label = row.get(columns.len() + 1).map_or("", |v| v.trim());
                if is_row_letter(row[0]) {
                    letter = row[0].trim().to_string();
                } else if !row[0].trim().is_empty() || letter.is_empty() {
                    return Err(bad(
                        j + 1,
                        format!(
                            "`{}` in block `{title}` is not a plate row (A, B, …)",
                            row[0].trim()
                        ),
                        "the file does not look like a Gen5 text export; export it again from Gen5",
                    ));
                }
                for (k, col) in columns.iter().enumerate() {
                    let cell = row.get(k + 1).copied().unwrap_or("");
                    let well = format!("{letter}{col}");
                    if title == "Layout" {
                        match label {
                            "Well ID" => plate.layout.push((
                                well,
                                cell.trim().to_string(),
                                PlateValue::Empty,
                            )),
                            "Conc/Dil" => {
                                if let Some(entry) = plate.layout.iter_mut().find(|e| e.0 == well) {
                                    entry.2 = PlateValue::parse(cell);
                                }
                            }
                            _ => {}
                        }
                    } else {
                        matrix.cells.push((well, PlateValue::parse(cell), j + 1));
                    }
                }
                j += 1;
            }
            if title != "Layout" {
                if plate.matrices.iter().any(|m| m.title == title) {
                    return Err(bad(
                        n,
                        format!("plate `{}` has two blocks titled `{title}`", plate.name),
                        "each read of a plate is exported once; export the plate again from Gen5",
                    ));
                }
                plate.matrices.push(matrix);
            }
            i = j;
            continue;
        }
        i += 1;
    }
    if export.plates.iter().all(|p| p.reads().next().is_none()) {
        return Err(bad(
            1,
            "no plate read (a matrix titled by its wavelength) was found".into(),
            "export from Gen5 as text with the plate's raw reads (File › Export, Text)",
        ));
    }
    Ok(export)
}
