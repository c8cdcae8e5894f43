//! Relative quantification of mRNA by real-time PCR: wells in, one ΔCq per animal and
//! target out, with every intermediate step kept for the report.
//!
//! # Input files
//!
//! [`read_qpcr`] recognises three layouts from their content (not their file name):
//!
//! - **The preclin capture sheet `qpcr`** (CSV or the `qpcr` sheet of a study
//!   workbook): `plate,well,blind_code,target,cq,undetermined`. A well that did not
//!   amplify has an empty `cq` and `undetermined = yes`; the text `Undetermined` in `cq`
//!   is accepted too.
//! - **Applied Biosystems QuantStudio / 7500 / StepOne "Results" export** (`.txt`, tab
//!   separated, or `.csv`): a header block of `* key = value` lines, then sections such as
//!   `[Sample Setup]`, `[Amplification Data]` and `[Results]`. Only `[Results]` is read,
//!   up to the next blank line or `[section]`. Its header row holds `Well`,
//!   `Well Position`, `Omit`, `Sample Name`, `Target Name`, `Task`, `Reporter`,
//!   `Quencher` and the per-well threshold cycle under `CT` (QuantStudio 6/7 Flex, 7500),
//!   `Ct`, `Cq` (Design & Analysis 2) or `Cт`; summary columns (`Ct Mean`, `Ct SD`,
//!   `Quantity`, `NOAMP`, …) are ignored. A well without amplification has
//!   `Undetermined` (or an empty cell). A `[Results]` table pasted without its header
//!   block (first line `Well,Well Position,…`) is read too. Layout checked against the
//!   QuantStudio example exports in the test data of Benchling's `allotropy` parser
//!   (`tests/parsers/appbio_quantstudio/testdata/`).
//! - **Bio-Rad CFX Maestro / CFX Manager "Quantification Cq Results" CSV**: header
//!   `,Well,Fluor,Target,Content,Sample,Biological Set Name,Cq,Cq Mean,Cq Std. Dev,
//!   Starting Quantity (SQ),Log Starting Quantity,SQ Mean,SQ Std. Dev,Set Point,Well Note`
//!   (first column unnamed and empty). No amplification is `NaN` or an empty `Cq`. Layout
//!   checked against CFX96/CFX Connect exports published in the Roberts Lab
//!   `project-gigas-carryover` repository (`data/qPCR/Cq/*Quantification-Cq-Results.csv`).
//!
//! Only sample wells are kept: QuantStudio `Task` other than `UNKNOWN` (`NTC`,
//! `STANDARD`, `BlockedIPC`, …) and CFX `Content` other than `Unkn`/`Unkn-NN` (`NTC`,
//! `Std-NN`, `Pos Ctrl`, `Neg Ctrl`, `NRT`, …) are left out and counted in
//! [`QpcrData::controls_skipped`]; QuantStudio wells with `Omit = true` are counted in
//! [`QpcrData::omitted`].
//!
//! # Calculations ([`relative_expression`])
//!
//! 1. **Technical replicates.** The wells of one sample and gene are averaged: mean Cq,
//!    SD (n − 1) and n; an SD above [`QpcrPolicy::max_replicate_sd`] is flagged. Wells
//!    that are undetermined or above [`QpcrPolicy::max_cq`] are handled by
//!    [`UndeterminedRule`] (left out, or set to a fixed Cq) and listed in
//!    [`QpcrResult::handled_wells`].
//! 2. **Reference genes.** The normaliser of a sample is the geometric mean of the
//!    relative quantities of its reference genes, which on the Cq scale is the arithmetic
//!    mean of their Cq (Vandesompele et al. 2002, Genome Biol 3:research0034). With two or
//!    more reference genes the geNorm stability M of each is reported: for genes j and k,
//!    V_jk is the SD across samples of log2(RQ_j / RQ_k) = (Cq_k − Cq_j)·log2 E; M_j is
//!    the mean of V_jk over k ≠ j (Vandesompele 2002). With exactly two genes both M are
//!    equal.
//! 3. **ΔCq** = Cq(target) − Cq(reference) per animal and target; **ΔΔCq** = ΔCq − the
//!    mean ΔCq of the control group; **fold change** 2^−ΔΔCq (Livak & Schmittgen 2001,
//!    Methods 25:402–408).
//! 4. **Pfaffl ratio**, when amplification efficiencies E are given per gene (as
//!    1 + efficiency: 1.95 for 95%): E_target^(ΔCq_target) / geometric mean over reference
//!    genes of E_ref^(ΔCq_ref), where ΔCq_gene = mean Cq of the control animals − Cq of
//!    the sample (Pfaffl 2001, Nucleic Acids Res 29:e45). With E = 2 for every gene and
//!    every reference gene measured in every animal it equals 2^−ΔΔCq.
//! 5. **Group summary** per target and group: mean ΔCq ± SD, mean ΔΔCq with its 95% t
//!    interval (SD/√n, n − 1 degrees of freedom), converted to the fold-change interval
//!    (2^−upper, 2^−lower). The interval treats the control mean as fixed.
//!
//! Statistics (group comparisons) are done on ΔCq, which is close to normally
//! distributed; fold changes are skewed and are for display only.
//! `docs/qpcr-worked-example.md` works one example by hand; a unit test reproduces it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::ingest::{parse_number, read_table, DataTable, IngestError};
use crate::stats::{mean, variance};

/// One qPCR well of a sample (control wells are not kept).
#[derive(Debug, Clone, PartialEq)]
pub struct QpcrWell {
    pub plate: String,
    pub well: String,
    /// The sample's name: the animal's blind code.
    pub sample: String,
    /// Gene (target or reference gene).
    pub target: String,
    /// Quantification cycle; `None` when the well did not amplify (Undetermined).
    pub cq: Option<f64>,
    /// Spreadsheet row (line number of a text export) of the well.
    pub row: usize,
}

/// The layout a qPCR file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QpcrFormat {
    /// The preclin capture sheet `qpcr`.
    CaptureSheet,
    /// Applied Biosystems QuantStudio / 7500 "Results" export.
    QuantStudio,
    /// Bio-Rad CFX Maestro "Quantification Cq Results" CSV.
    Cfx,
}

/// The sample wells of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct QpcrData {
    pub path: PathBuf,
    pub format: QpcrFormat,
    pub wells: Vec<QpcrWell>,
    /// No-template controls, standards, blanks and other non-sample wells left out.
    pub controls_skipped: usize,
    /// Wells marked omitted in the instrument software, left out.
    pub omitted: usize,
}

/// Reads the wells of a qPCR file, recognising its layout from its content. `codes`, when
/// given, are the study's blind codes: a sample name outside them is an error.
pub fn read_qpcr(path: &Path, codes: Option<&[String]>) -> Result<QpcrData, IngestError> {
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        let table = read_table(path, Some("qpcr"))?;
        return capture_sheet(&table, codes);
    }
    let bytes = std::fs::read(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let text = crate::ingest::decode_text(path, &bytes)?;
    let lines: Vec<&str> = text.lines().collect();
    let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Err(IngestError::EmptyFile {
            path: path.to_path_buf(),
            hint: "export the results of the run (QuantStudio: Results; CFX: Quantification Cq Results) or fill in the qpcr sheet",
        });
    };
    let head = lines[first].trim();
    let header_cells: Vec<String> = split_line(head, delimiter(head))
        .into_iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let has = |name: &str| header_cells.iter().any(|c| c == name);
    if head.starts_with('*') || head.starts_with('[') {
        let Some(section) = lines
            .iter()
            .position(|l| l.trim().eq_ignore_ascii_case("[Results]"))
        else {
            return Err(IngestError::Layout {
                path: path.to_path_buf(),
                message: "this instrument export has no [Results] section".into(),
                hint: "export the Results table (QuantStudio: File › Export, tick Results)".into(),
            });
        };
        let Some(header) = (section + 1..lines.len()).find(|&i| !lines[i].trim().is_empty()) else {
            return Err(IngestError::Empty {
                path: path.to_path_buf(),
            });
        };
        quantstudio(path, &lines, header, codes)
    } else if has("well position") && has("sample name") {
        quantstudio(path, &lines, first, codes)
    } else if has("fluor") && has("content") {
        cfx(path, &lines, first, codes)
    } else if has("blind_code") {
        let table = read_table(path, None)?;
        capture_sheet(&table, codes)
    } else {
        Err(IngestError::Layout {
            path: path.to_path_buf(),
            message: format!("row {}: not a qPCR results file; its first row is `{head}`", first + 1),
            hint: "the accepted files are the preclin qpcr sheet (plate, well, blind_code, target, cq, undetermined), a QuantStudio/7500 Results export ([Results] with Well Position, Sample Name, Target Name, CT) and a CFX Quantification Cq Results CSV (Well, Fluor, Target, Content, Sample, Cq)".into(),
        })
    }
}

fn delimiter(line: &str) -> u8 {
    if line.contains('\t') {
        b'\t'
    } else if line.matches(';').count() > line.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// The cells of one delimited line (quotes allowed), trimmed.
fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        Some(Ok(r)) => r.iter().map(|c| c.trim().to_string()).collect(),
        _ => line
            .split(delimiter as char)
            .map(|c| c.trim().to_string())
            .collect(),
    }
}

/// A table inside a text export: header cells and (line number, cells) rows.
struct Section {
    headers: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    /// Tab- or semicolon-separated: a comma in a number is a decimal comma (`23,456`), as
    /// instruments set to a European locale write it.
    decimal_comma: bool,
}

impl Section {
    /// From the header at line index `header` to the next blank line or `[section]`.
    /// A row with more cells than the header and the other rows is refused: an extra
    /// separator (a decimal comma in a comma-separated export) shifts its cells. Fewer
    /// cells are accepted, as exports leave trailing empty cells out.
    fn read(path: &Path, lines: &[&str], header: usize) -> Result<Section, IngestError> {
        let d = delimiter(lines[header]);
        let headers = split_line(lines[header].trim(), d);
        let mut rows = Vec::new();
        for (i, line) in lines.iter().enumerate().skip(header + 1) {
            let t = line.trim();
            if t.is_empty() || t.starts_with('[') {
                break;
            }
            rows.push((i + 1, split_line(line, d)));
        }
        let mut widths: BTreeMap<usize, usize> = BTreeMap::new();
        for (_, cells) in &rows {
            *widths.entry(cells.len()).or_default() += 1;
        }
        let usual = widths
            .iter()
            .max_by_key(|&(w, n)| (*n, *w))
            .map_or(0, |(w, _)| *w);
        let widest = headers.len().max(usual);
        if let Some((row, cells)) = rows.iter().find(|(_, c)| c.len() > widest) {
            return Err(IngestError::Ragged {
                path: path.to_path_buf(),
                row: *row,
                cells: cells.len(),
                columns: headers.len(),
                hint: if d == b',' {
                    "a decimal comma in a comma-separated export splits a number in two: export again with the point as decimal mark, or as tab-separated text".into()
                } else {
                    "an extra separator shifts the cells after it into the wrong columns; export the results again".into()
                },
            });
        }
        Ok(Section {
            headers,
            rows,
            decimal_comma: d != b',',
        })
    }

    fn find(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
    }

    fn column(&self, path: &Path, names: &[&str]) -> Result<usize, IngestError> {
        self.find(names).ok_or_else(|| IngestError::NoColumn {
            path: path.to_path_buf(),
            column: names[0].to_string(),
            hint: format!("the columns are: {}", self.headers.join(", ")),
        })
    }
}

fn cell(cells: &[String], i: usize) -> &str {
    cells.get(i).map_or("", String::as_str)
}

fn plate_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Checks a sample name against the blind codes.
fn check_sample(
    path: &Path,
    row: usize,
    column: &str,
    sample: &str,
    codes: Option<&[String]>,
) -> Result<(), IngestError> {
    if sample.is_empty() {
        return Err(IngestError::BlankCell {
            path: path.to_path_buf(),
            row,
            column: column.to_string(),
            hint: "every sample well needs the animal's blind code as its sample name".into(),
        });
    }
    if let Some(codes) = codes {
        if !codes.iter().any(|c| c == sample) {
            return Err(IngestError::BadValue {
                path: path.to_path_buf(),
                row,
                column: column.to_string(),
                value: sample.to_string(),
                problem: "not a blind code of this study",
                hint: "name each sample by the animal's blind code (see the allocation key); mark no-template controls and standards as such (Task NTC/STANDARD, Content NTC/Std)",
            });
        }
    }
    Ok(())
}

/// A Cq cell: a number, or `None` for no amplification.
fn cq_value(
    path: &Path,
    row: usize,
    column: &str,
    text: &str,
    decimal_comma: bool,
) -> Result<Option<f64>, IngestError> {
    if text.is_empty()
        || text.eq_ignore_ascii_case("undetermined")
        || text.eq_ignore_ascii_case("nan")
        || text.eq_ignore_ascii_case("n/a")
    {
        return Ok(None);
    }
    let value = parse_number(text, decimal_comma).ok_or_else(|| IngestError::NotNumeric {
            path: path.to_path_buf(),
            row,
            column: column.to_string(),
            value: text.to_string(),
            hint: if !decimal_comma && parse_number(text, true).is_some() {
                "this file is comma-separated, so its Cq values need a decimal point: export again with the point as decimal mark, or as tab-separated text, where a decimal comma is read".into()
            } else {
                "a Cq is a number of cycles, `Undetermined` or empty when the well did not amplify"
                    .into()
            },
        })?;
    if !(value > 0.0 && value <= MAX_CYCLES) {
        return Err(IngestError::BadValue {
            path: path.to_path_buf(),
            row,
            column: column.to_string(),
            value: text.to_string(),
            problem: "not a cycle number (more than 0, at most 99)",
            hint: "a Cq counts PCR cycles; check the value, or write Undetermined for a well that did not amplify",
        });
    }
    Ok(Some(value))
}

/// The most cycles a real-time PCR instrument runs (CFX and QuantStudio stop at 99 or less).
const MAX_CYCLES: f64 = 99.0;

/// The columns of an instrument export that make a sample well.
struct WellColumns<'a> {
    well: usize,
    sample: usize,
    sample_name: &'a str,
    target: usize,
    target_name: &'a str,
    cq: usize,
    cq_name: &'a str,
    /// Whether a comma in the Cq is the decimal mark (see [`Section`]).
    decimal_comma: bool,
}

/// One sample well of an instrument export: the sample checked against the blind codes,
/// a target required, the Cq read.
fn sample_well(
    path: &Path,
    row: usize,
    cells: &[String],
    columns: &WellColumns,
    plate: &str,
    codes: Option<&[String]>,
) -> Result<QpcrWell, IngestError> {
    let name = cell(cells, columns.sample);
    check_sample(path, row, columns.sample_name, name, codes)?;
    let gene = cell(cells, columns.target);
    if gene.is_empty() {
        return Err(IngestError::BlankCell {
            path: path.to_path_buf(),
            row,
            column: columns.target_name.into(),
            hint: "assign a target to every sample well in the plate setup before exporting".into(),
        });
    }
    Ok(QpcrWell {
        plate: plate.to_string(),
        well: cell(cells, columns.well).to_string(),
        sample: name.to_string(),
        target: gene.to_string(),
        cq: cq_value(
            path,
            row,
            columns.cq_name,
            cell(cells, columns.cq),
            columns.decimal_comma,
        )?,
        row,
    })
}

fn quantstudio(
    path: &Path,
    lines: &[&str],
    header: usize,
    codes: Option<&[String]>,
) -> Result<QpcrData, IngestError> {
    let s = Section::read(path, lines, header)?;
    let cq = s.column(path, &["CT", "Cq", "Cт", "CRT"])?;
    let columns = WellColumns {
        well: s.column(path, &["Well Position", "Well"])?,
        sample: s.column(path, &["Sample Name"])?,
        sample_name: "Sample Name",
        target: s.column(path, &["Target Name"])?,
        target_name: "Target Name",
        cq,
        cq_name: &s.headers[cq],
        decimal_comma: s.decimal_comma,
    };
    let task = s.find(&["Task"]);
    let omit = s.find(&["Omit"]);
    let plate = plate_name(path);
    let mut data = QpcrData {
        path: path.to_path_buf(),
        format: QpcrFormat::QuantStudio,
        wells: Vec::new(),
        controls_skipped: 0,
        omitted: 0,
    };
    for (row, cells) in &s.rows {
        if omit.is_some_and(|i| cell(cells, i).eq_ignore_ascii_case("true")) {
            data.omitted += 1;
            continue;
        }
        let task = task.map_or("", |i| cell(cells, i));
        if !(task.is_empty() || task.eq_ignore_ascii_case("UNKNOWN")) {
            data.controls_skipped += 1;
            continue;
        }
        data.wells
            .push(sample_well(path, *row, cells, &columns, &plate, codes)?);
    }
    finish(data)
}

fn cfx(
    path: &Path,
    lines: &[&str],
    header: usize,
    codes: Option<&[String]>,
) -> Result<QpcrData, IngestError> {
    let s = Section::read(path, lines, header)?;
    let content = s.column(path, &["Content"])?;
    let columns = WellColumns {
        well: s.column(path, &["Well"])?,
        sample: s.column(path, &["Sample"])?,
        sample_name: "Sample",
        target: s.column(path, &["Target"])?,
        target_name: "Target",
        cq: s.column(path, &["Cq"])?,
        cq_name: "Cq",
        decimal_comma: s.decimal_comma,
    };
    let plate = plate_name(path);
    let mut data = QpcrData {
        path: path.to_path_buf(),
        format: QpcrFormat::Cfx,
        wells: Vec::new(),
        controls_skipped: 0,
        omitted: 0,
    };
    for (row, cells) in &s.rows {
        let kind = cell(cells, content);
        if !kind
            .get(..4)
            .is_some_and(|k| k.eq_ignore_ascii_case("unkn"))
        {
            data.controls_skipped += 1;
            continue;
        }
        data.wells
            .push(sample_well(path, *row, cells, &columns, &plate, codes)?);
    }
    finish(data)
}

fn capture_sheet(table: &DataTable, codes: Option<&[String]>) -> Result<QpcrData, IngestError> {
    let location = table.location();
    let path = location.as_path();
    let plate = table.column_index("plate").ok();
    let well = table.column_index("well")?;
    let sample = table.column_index("blind_code")?;
    let target = table.column_index("target")?;
    let cq = table.column_index("cq")?;
    let undetermined = table.column_index("undetermined").ok();
    let mut data = QpcrData {
        path: table.path.clone(),
        format: QpcrFormat::CaptureSheet,
        wells: Vec::new(),
        controls_skipped: 0,
        omitted: 0,
    };
    for r in 0..table.row_count() {
        let row = table.row_number(r);
        let name = table.cell(r, sample);
        check_sample(path, row, "blind_code", name, codes)?;
        let gene = table.cell(r, target);
        if gene.is_empty() {
            return Err(IngestError::BlankCell {
                path: path.to_path_buf(),
                row,
                column: "target".into(),
                hint: "name the gene measured in every well".into(),
            });
        }
        let flag = undetermined.map_or("", |i| table.cell(r, i));
        let flagged = match crate::ingest::parse_yes_no(flag) {
            Some(f) => f,
            None => {
                return Err(IngestError::BadValue {
                    path: path.to_path_buf(),
                    row,
                    column: "undetermined".into(),
                    value: flag.to_string(),
                    problem: "not yes or no",
                    hint: "write yes when the well did not amplify, otherwise leave it empty",
                })
            }
        };
        let text = table.cell(r, cq);
        let value = cq_value(path, row, "cq", text, table.decimal_comma)?;
        if value.is_some() && flagged {
            return Err(IngestError::BadValue {
                path: path.to_path_buf(),
                row,
                column: "cq".into(),
                value: text.to_string(),
                problem: "given for a well marked undetermined",
                hint: "clear the Cq of a well that did not amplify, or clear `undetermined`",
            });
        }
        if text.is_empty() && !flagged {
            return Err(IngestError::BlankCell {
                path: path.to_path_buf(),
                row,
                column: "cq".into(),
                hint:
                    "fill in the Cq, or write yes in `undetermined` when the well did not amplify"
                        .into(),
            });
        }
        data.wells.push(QpcrWell {
            plate: plate.map_or_else(String::new, |i| table.cell(r, i).to_string()),
            well: table.cell(r, well).to_string(),
            sample: name.to_string(),
            target: gene.to_string(),
            cq: value,
            row,
        });
    }
    finish(data)
}

fn finish(data: QpcrData) -> Result<QpcrData, IngestError> {
    if data.wells.is_empty() {
        return Err(IngestError::Layout {
            path: data.path.clone(),
            message: format!(
                "no sample wells ({} control and {} omitted wells left out)",
                data.controls_skipped, data.omitted
            ),
            hint: "sample wells are those with Task UNKNOWN (QuantStudio) or Content Unkn (CFX)"
                .into(),
        });
    }
    Ok(data)
}

/// What to do with a well that did not amplify or whose Cq exceeds [`QpcrPolicy::max_cq`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UndeterminedRule {
    /// Leave the well out of its replicate mean.
    Exclude,
    /// Use this Cq instead (for example 40, the number of cycles run).
    SetTo(f64),
}

/// Acceptance rules for wells and technical replicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QpcrPolicy {
    /// Cq above this is treated like an undetermined well (default 35).
    pub max_cq: f64,
    pub undetermined: UndeterminedRule,
    /// Replicate SD above this is flagged (default 0.5 cycles).
    pub max_replicate_sd: f64,
}

impl Default for QpcrPolicy {
    fn default() -> Self {
        QpcrPolicy {
            max_cq: 35.0,
            undetermined: UndeterminedRule::Exclude,
            max_replicate_sd: 0.5,
        }
    }
}

/// A well the policy changed: undetermined or above `max_cq`.
#[derive(Debug, Clone, PartialEq)]
pub struct HandledWell {
    pub plate: String,
    pub well: String,
    pub sample: String,
    pub target: String,
    pub row: usize,
    /// The Cq read (`None`: undetermined).
    pub cq: Option<f64>,
    /// The Cq used instead (`None`: left out).
    pub used: Option<f64>,
}

/// The technical replicates of one sample and gene.
#[derive(Debug, Clone, PartialEq)]
pub struct Replicates {
    pub sample: String,
    pub target: String,
    /// Cq values used (after the policy), in file order, and their rows.
    pub cqs: Vec<f64>,
    pub rows: Vec<usize>,
    pub n: usize,
    pub mean: f64,
    /// SD (n − 1); NaN for a single well.
    pub sd: f64,
    /// SD above the policy's `max_replicate_sd`.
    pub high_sd: bool,
}

/// The normaliser of one sample: the mean Cq of its reference genes.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceCq {
    pub sample: String,
    /// Reference genes measured in this sample, and their replicate mean Cq.
    pub genes: Vec<(String, f64)>,
    /// Arithmetic mean of the genes' Cq (log of the geometric mean of their quantities).
    pub cq: f64,
}

/// geNorm stability of one reference gene (lower is more stable).
#[derive(Debug, Clone, PartialEq)]
pub struct GeneStability {
    pub gene: String,
    /// Mean pairwise variation M; NaN when fewer than 2 samples have the genes.
    pub m: f64,
}

/// One animal and target.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleExpression {
    pub sample: String,
    pub group: String,
    pub target: String,
    pub target_cq: f64,
    pub reference_cq: f64,
    /// Cq(target) − Cq(reference).
    pub delta_cq: f64,
    /// ΔCq − mean ΔCq of the control group.
    pub delta_delta_cq: f64,
    /// 2^−ΔΔCq.
    pub fold_change: f64,
    /// Pfaffl's efficiency-corrected ratio, when efficiencies are given.
    pub pfaffl_ratio: Option<f64>,
}

/// One target in one group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupExpression {
    pub target: String,
    pub group: String,
    pub n: usize,
    pub mean_delta_cq: f64,
    /// SD of ΔCq (n − 1), equal to the SD of ΔΔCq; NaN when n < 2.
    pub sd_delta_cq: f64,
    pub mean_delta_delta_cq: f64,
    /// 95% t interval of the mean ΔΔCq; NaN when n < 2.
    pub ci95_delta_delta_cq: (f64, f64),
    /// 2^−(mean ΔΔCq), the geometric mean of the fold changes.
    pub fold_change: f64,
    /// (2^−upper, 2^−lower) of the ΔΔCq interval.
    pub fold_change_ci95: (f64, f64),
    /// Arithmetic mean of the animals' fold changes.
    pub mean_fold_change: f64,
    /// Geometric mean of the animals' Pfaffl ratios, when efficiencies are given.
    pub pfaffl_ratio: Option<f64>,
}

/// Every step of a relative-expression analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct QpcrResult {
    pub policy: QpcrPolicy,
    pub control_group: String,
    pub reference_genes: Vec<String>,
    pub handled_wells: Vec<HandledWell>,
    /// Per sample and gene, ordered by sample then gene.
    pub replicates: Vec<Replicates>,
    pub references: Vec<ReferenceCq>,
    /// geNorm M per reference gene (empty with one reference gene).
    pub stability: Vec<GeneStability>,
    /// Mean ΔCq of the control group per target.
    pub control_delta_cq: BTreeMap<String, f64>,
    /// Ordered by target, then sample.
    pub samples: Vec<SampleExpression>,
    /// Ordered by target; the control group first, then the others by name.
    pub groups: Vec<GroupExpression>,
}

/// Why relative expression cannot be computed; rows are those of the wells concerned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QpcrError {
    #[error("no reference genes were named\nhelp: name the reference genes (reference_genes in the protocol's qpcr assay)")]
    NoReferenceGenes,
    #[error("sample `{sample}` has the reference gene {present} but not {gene}\nhelp: every animal is normalised to the same reference genes; measure {gene} for this animal, or take {gene} out of the assay's reference_genes")]
    MissingReferenceGene {
        sample: String,
        gene: String,
        present: String,
    },
    #[error("no target genes were measured, only the reference genes {genes}")]
    NoTargets { genes: String },
    #[error("sample `{sample}` has {target} (rows {rows}) but none of the reference genes {genes}\nhelp: measure a reference gene for every sample on the plate, or leave the sample out")]
    NoReference {
        sample: String,
        target: String,
        rows: String,
        genes: String,
    },
    #[error("sample `{sample}`, {target}: every well (rows {rows}) is undetermined or above the Cq limit\nhelp: check the sample; to count non-amplified wells as expression at the detection limit, set undetermined wells to a Cq (for example 40)")]
    AllUndetermined {
        sample: String,
        target: String,
        rows: String,
    },
    #[error("sample `{sample}` (rows {rows}) is in no group\nhelp: every sample name must be a blind code of the allocation")]
    NoGroup { sample: String, rows: String },
    #[error("no animal of the control group `{control}` has {target}\nhelp: the groups measured are: {groups}")]
    NoControl {
        control: String,
        target: String,
        groups: String,
    },
    #[error("no amplification efficiency for {gene}\nhelp: give an efficiency for every target and reference gene, or none")]
    MissingEfficiency { gene: String },
    #[error("the amplification efficiency of {gene} is {value}\nhelp: give E as 1 + efficiency, between 1 and 2.5 (1.95 for 95%)")]
    BadEfficiency { gene: String, value: f64 },
}

/// Cq values used, their rows, and the rows of every well (used or not).
type WellsOfGene = (Vec<f64>, Vec<usize>, Vec<usize>);

fn rows_text(rows: &[usize]) -> String {
    rows.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sample SD (n − 1); NaN below 2 values.
fn sd(x: &[f64]) -> f64 {
    variance(x).sqrt()
}

/// Relative expression of every target gene against `reference_genes`, per animal and
/// per group, relative to `control_group`. `groups` maps each sample (blind code) to its
/// group; `efficiencies` (E = 1 + efficiency per gene) adds Pfaffl's ratio. See the
/// module documentation for each step.
pub fn relative_expression(
    wells: &[QpcrWell],
    groups: &BTreeMap<String, String>,
    control_group: &str,
    reference_genes: &[String],
    efficiencies: Option<&BTreeMap<String, f64>>,
    policy: &QpcrPolicy,
) -> Result<QpcrResult, QpcrError> {
    if reference_genes.is_empty() {
        return Err(QpcrError::NoReferenceGenes);
    }
    let is_reference = |g: &str| reference_genes.iter().any(|r| r == g);

    // 1. Wells by sample and gene, with the policy applied.
    let mut by_key: BTreeMap<(String, String), WellsOfGene> = BTreeMap::new();
    let mut handled_wells = Vec::new();
    for w in wells {
        let entry = by_key
            .entry((w.sample.clone(), w.target.clone()))
            .or_default();
        entry.2.push(w.row);
        let ok = w.cq.filter(|&c| c <= policy.max_cq);
        let used = match (ok, policy.undetermined) {
            (Some(c), _) => Some(c),
            (None, UndeterminedRule::Exclude) => None,
            (None, UndeterminedRule::SetTo(v)) => Some(v),
        };
        if ok.is_none() {
            handled_wells.push(HandledWell {
                plate: w.plate.clone(),
                well: w.well.clone(),
                sample: w.sample.clone(),
                target: w.target.clone(),
                row: w.row,
                cq: w.cq,
                used,
            });
        }
        if let Some(c) = used {
            entry.0.push(c);
            entry.1.push(w.row);
        }
    }
    let mut replicates = Vec::new();
    for ((sample, target), (cqs, rows, all_rows)) in by_key {
        if !groups.contains_key(&sample) {
            return Err(QpcrError::NoGroup {
                sample,
                rows: rows_text(&all_rows),
            });
        }
        if cqs.is_empty() {
            return Err(QpcrError::AllUndetermined {
                sample,
                target,
                rows: rows_text(&all_rows),
            });
        }
        let s = sd(&cqs);
        replicates.push(Replicates {
            n: cqs.len(),
            mean: mean(&cqs),
            sd: s,
            high_sd: s > policy.max_replicate_sd,
            sample,
            target,
            cqs,
            rows,
        });
    }
    let cq_of = |sample: &str, gene: &str| {
        replicates
            .iter()
            .find(|r| r.sample == sample && r.target == gene)
    };
    let targets: BTreeSet<&str> = replicates
        .iter()
        .map(|r| r.target.as_str())
        .filter(|t| !is_reference(t))
        .collect();
    if targets.is_empty() {
        return Err(QpcrError::NoTargets {
            genes: reference_genes.join(", "),
        });
    }
    if let Some(e) = efficiencies {
        for gene in targets
            .iter()
            .copied()
            .chain(reference_genes.iter().map(String::as_str))
        {
            match e.get(gene) {
                None => return Err(QpcrError::MissingEfficiency { gene: gene.into() }),
                Some(&v) if !(v > 1.0 && v <= 2.5) => {
                    return Err(QpcrError::BadEfficiency {
                        gene: gene.into(),
                        value: v,
                    })
                }
                Some(_) => {}
            }
        }
    }

    // 2. Reference Cq per sample, and geNorm M.
    let samples: BTreeSet<&str> = replicates.iter().map(|r| r.sample.as_str()).collect();
    let mut references = Vec::new();
    for &sample in &samples {
        let mut genes = Vec::new();
        let mut missing = Vec::new();
        for g in reference_genes {
            match cq_of(sample, g) {
                Some(r) => genes.push((g.clone(), r.mean)),
                None => missing.push(g.clone()),
            }
        }
        if genes.is_empty() {
            continue;
        }
        // A normaliser made of fewer genes would differ between animals by the genes'
        // Cq difference (often a cycle or more): refused rather than averaged.
        if let Some(gene) = missing.first() {
            return Err(QpcrError::MissingReferenceGene {
                sample: sample.to_string(),
                gene: gene.clone(),
                present: genes[0].0.clone(),
            });
        }
        let cqs: Vec<f64> = genes.iter().map(|g| g.1).collect();
        references.push(ReferenceCq {
            sample: sample.to_string(),
            cq: mean(&cqs),
            genes,
        });
    }
    let stability = if reference_genes.len() >= 2 {
        let log2e = |g: &str| {
            efficiencies
                .and_then(|e| e.get(g))
                .map_or(1.0, |e| e.log2())
        };
        reference_genes
            .iter()
            .map(|j| {
                let v: Vec<f64> = reference_genes
                    .iter()
                    .filter(|k| *k != j)
                    .map(|k| {
                        let a: Vec<f64> = samples
                            .iter()
                            .filter_map(|s| {
                                let (cj, ck) = (cq_of(s, j)?, cq_of(s, k)?);
                                Some(ck.mean * log2e(k) - cj.mean * log2e(j))
                            })
                            .collect();
                        sd(&a)
                    })
                    .collect();
                GeneStability {
                    gene: j.clone(),
                    m: mean(&v),
                }
            })
            .collect()
    } else {
        Vec::new()
    };

    // 3. ΔCq, control means, ΔΔCq and fold change; 4. Pfaffl.
    let mut control_delta_cq = BTreeMap::new();
    let mut sample_rows = Vec::new();
    let mut group_rows = Vec::new();
    for &target in &targets {
        let mut rows: Vec<SampleExpression> = Vec::new();
        for r in replicates.iter().filter(|r| r.target == target) {
            let Some(reference) = references.iter().find(|x| x.sample == r.sample) else {
                return Err(QpcrError::NoReference {
                    sample: r.sample.clone(),
                    target: target.to_string(),
                    rows: rows_text(&r.rows),
                    genes: reference_genes.join(", "),
                });
            };
            rows.push(SampleExpression {
                sample: r.sample.clone(),
                group: groups[&r.sample].clone(),
                target: target.to_string(),
                target_cq: r.mean,
                reference_cq: reference.cq,
                delta_cq: r.mean - reference.cq,
                delta_delta_cq: f64::NAN,
                fold_change: f64::NAN,
                pfaffl_ratio: None,
            });
        }
        let controls: Vec<&SampleExpression> =
            rows.iter().filter(|s| s.group == control_group).collect();
        if controls.is_empty() {
            let measured: BTreeSet<&str> = rows.iter().map(|s| s.group.as_str()).collect();
            return Err(QpcrError::NoControl {
                control: control_group.to_string(),
                target: target.to_string(),
                groups: measured.into_iter().collect::<Vec<_>>().join(", "),
            });
        }
        let control_mean = mean(&controls.iter().map(|s| s.delta_cq).collect::<Vec<_>>());
        // Control means of each gene's Cq, for Pfaffl.
        let control_cq = |gene: &str| {
            let v: Vec<f64> = controls
                .iter()
                .filter_map(|s| cq_of(&s.sample, gene).map(|r| r.mean))
                .collect();
            mean(&v)
        };
        let pfaffl_parts = efficiencies.map(|e| {
            let refs: Vec<(&str, f64, f64)> = reference_genes
                .iter()
                .map(|g| (g.as_str(), e[g], control_cq(g)))
                .collect();
            (e[target], control_cq(target), refs)
        });
        drop(controls);
        for s in &mut rows {
            s.delta_delta_cq = s.delta_cq - control_mean;
            s.fold_change = (-s.delta_delta_cq).exp2();
            if let Some((et, ct, refs)) = &pfaffl_parts {
                let mut log_ref = Vec::new();
                for (g, er, cr) in refs {
                    if let Some(r) = cq_of(&s.sample, g) {
                        log_ref.push((cr - r.mean) * er.ln());
                    }
                }
                let numerator = (ct - s.target_cq) * et.ln();
                s.pfaffl_ratio = Some((numerator - mean(&log_ref)).exp());
            }
        }
        control_delta_cq.insert(target.to_string(), control_mean);

        // 5. Group summaries.
        let mut names: Vec<&str> = vec![control_group];
        let others: BTreeSet<&str> = rows
            .iter()
            .map(|s| s.group.as_str())
            .filter(|g| *g != control_group)
            .collect();
        names.extend(others);
        for g in names {
            let members: Vec<&SampleExpression> = rows.iter().filter(|s| s.group == g).collect();
            let n = members.len();
            let dcq: Vec<f64> = members.iter().map(|s| s.delta_cq).collect();
            let ddcq: Vec<f64> = members.iter().map(|s| s.delta_delta_cq).collect();
            let folds: Vec<f64> = members.iter().map(|s| s.fold_change).collect();
            let m = mean(&ddcq);
            let s = sd(&dcq);
            let ci = if n >= 2 {
                let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
                    .map_or(f64::NAN, |d| d.inverse_cdf(0.975));
                let half = t * sd(&ddcq) / (n as f64).sqrt();
                (m - half, m + half)
            } else {
                (f64::NAN, f64::NAN)
            };
            let pfaffl_ratio = efficiencies.map(|_| {
                let logs: Vec<f64> = members
                    .iter()
                    .filter_map(|s| s.pfaffl_ratio.map(f64::ln))
                    .collect();
                mean(&logs).exp()
            });
            group_rows.push(GroupExpression {
                target: target.to_string(),
                group: g.to_string(),
                n,
                mean_delta_cq: mean(&dcq),
                sd_delta_cq: s,
                mean_delta_delta_cq: m,
                ci95_delta_delta_cq: ci,
                fold_change: (-m).exp2(),
                fold_change_ci95: ((-ci.1).exp2(), (-ci.0).exp2()),
                mean_fold_change: mean(&folds),
                pfaffl_ratio,
            });
        }
        sample_rows.extend(rows);
    }
    Ok(QpcrResult {
        policy: *policy,
        control_group: control_group.to_string(),
        reference_genes: reference_genes.to_vec(),
        handled_wells,
        replicates,
        references,
        stability,
        control_delta_cq,
        samples: sample_rows,
        groups: group_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/qpcr")
            .join(name)
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12, "{a} ≠ {b}");
    }

    fn well(sample: &str, target: &str, cq: Option<f64>, row: usize) -> QpcrWell {
        QpcrWell {
            plate: "1".into(),
            well: format!("W{row}"),
            sample: sample.into(),
            target: target.into(),
            cq,
            row,
        }
    }

    /// Wells from (sample, gene, Cq values); rows numbered from 2.
    fn wells(spec: &[(&str, &str, &[f64])]) -> Vec<QpcrWell> {
        let mut out = Vec::new();
        for (sample, gene, cqs) in spec {
            for &c in *cqs {
                let row = out.len() + 2;
                out.push(well(sample, gene, Some(c), row));
            }
        }
        out
    }

    fn strings(x: &[&str]) -> Vec<String> {
        x.iter().map(|s| s.to_string()).collect()
    }

    fn groups(spec: &[(&str, &str)]) -> BTreeMap<String, String> {
        spec.iter()
            .map(|(s, g)| (s.to_string(), g.to_string()))
            .collect()
    }

    /// The experiment of docs/qpcr-worked-example.md.
    fn worked_example() -> (Vec<QpcrWell>, BTreeMap<String, String>) {
        let w = wells(&[
            ("R01", "Cyp3a1", &[24.9, 25.1]),
            ("R01", "Actb", &[17.9, 18.1]),
            ("R01", "Gapdh", &[20.0, 20.0]),
            ("R02", "Cyp3a1", &[25.5, 25.7]),
            ("R02", "Actb", &[17.9, 18.1]),
            ("R02", "Gapdh", &[20.1, 20.3]),
            ("R03", "Cyp3a1", &[24.5, 24.7]),
            ("R03", "Actb", &[18.1, 18.3]),
            ("R03", "Gapdh", &[19.9, 20.1]),
            ("R04", "Cyp3a1", &[23.4, 23.6]),
            ("R04", "Actb", &[18.4, 18.6]),
            ("R04", "Gapdh", &[20.4, 20.6]),
            ("R05", "Cyp3a1", &[22.3, 22.5]),
            ("R05", "Actb", &[17.8, 18.0]),
            ("R05", "Gapdh", &[19.8, 20.0]),
            ("R06", "Cyp3a1", &[23.1, 23.9]),
            ("R06", "Actb", &[18.0, 18.0]),
            ("R06", "Gapdh", &[20.0, 20.0]),
        ]);
        let g = groups(&[
            ("R01", "vehicle"),
            ("R02", "vehicle"),
            ("R03", "vehicle"),
            ("R04", "drug"),
            ("R05", "drug"),
            ("R06", "drug"),
        ]);
        (w, g)
    }

    #[test]
    fn worked_example_of_the_docs() {
        let (w, g) = worked_example();
        let refs = strings(&["Actb", "Gapdh"]);
        let r =
            relative_expression(&w, &g, "vehicle", &refs, None, &QpcrPolicy::default()).unwrap();
        let s2 = 2f64.sqrt();
        // 1. Replicates: (sample, gene, mean, SD).
        let expected = [
            ("R01", "Actb", 18.0, 0.2 / s2),
            ("R01", "Cyp3a1", 25.0, 0.2 / s2),
            ("R01", "Gapdh", 20.0, 0.0),
            ("R02", "Actb", 18.0, 0.2 / s2),
            ("R02", "Cyp3a1", 25.6, 0.2 / s2),
            ("R02", "Gapdh", 20.2, 0.2 / s2),
            ("R03", "Actb", 18.2, 0.2 / s2),
            ("R03", "Cyp3a1", 24.6, 0.2 / s2),
            ("R03", "Gapdh", 20.0, 0.2 / s2),
            ("R04", "Actb", 18.5, 0.2 / s2),
            ("R04", "Cyp3a1", 23.5, 0.2 / s2),
            ("R04", "Gapdh", 20.5, 0.2 / s2),
            ("R05", "Actb", 17.9, 0.2 / s2),
            ("R05", "Cyp3a1", 22.4, 0.2 / s2),
            ("R05", "Gapdh", 19.9, 0.2 / s2),
            ("R06", "Actb", 18.0, 0.0),
            ("R06", "Cyp3a1", 23.5, 0.8 / s2),
            ("R06", "Gapdh", 20.0, 0.0),
        ];
        assert_eq!(r.replicates.len(), expected.len());
        for (rep, (sample, gene, m, sd)) in r.replicates.iter().zip(expected) {
            assert_eq!((rep.sample.as_str(), rep.target.as_str()), (sample, gene));
            assert_eq!(rep.n, 2);
            close(rep.mean, m);
            close(rep.sd, sd);
            assert_eq!(rep.high_sd, sample == "R06" && gene == "Cyp3a1");
        }
        assert!(r.handled_wells.is_empty());
        // 2. Reference Cq and geNorm M.
        let reference = [19.0, 19.1, 19.1, 19.5, 18.9, 19.0];
        for (x, cq) in r.references.iter().zip(reference) {
            close(x.cq, cq);
        }
        assert_eq!(r.stability.len(), 2);
        for s in &r.stability {
            close(s.m, 0.016f64.sqrt());
        }
        // 3. ΔCq, ΔΔCq, fold change.
        close(r.control_delta_cq["Cyp3a1"], 6.0);
        let per_animal = [
            ("R01", "vehicle", 6.0, 0.0, 1.0),
            ("R02", "vehicle", 6.5, 0.5, 1.0 / s2),
            ("R03", "vehicle", 5.5, -0.5, s2),
            ("R04", "drug", 4.0, -2.0, 4.0),
            ("R05", "drug", 3.5, -2.5, 4.0 * s2),
            ("R06", "drug", 4.5, -1.5, 2.0 * s2),
        ];
        assert_eq!(r.samples.len(), 6);
        for (s, (sample, group, d, dd, fold)) in r.samples.iter().zip(per_animal) {
            assert_eq!((s.sample.as_str(), s.group.as_str()), (sample, group));
            close(s.delta_cq, d);
            close(s.delta_delta_cq, dd);
            close(s.fold_change, fold);
            assert_eq!(s.pfaffl_ratio, None);
        }
        // 4. Group summaries; t(0.975, 2) = 0.95 / √0.04875.
        let half = 0.95 / 0.04875f64.sqrt() * 0.5 / 3f64.sqrt();
        close(half, 1.2420688558751656);
        let vehicle = &r.groups[0];
        let drug = &r.groups[1];
        assert_eq!((vehicle.group.as_str(), vehicle.n), ("vehicle", 3));
        assert_eq!((drug.group.as_str(), drug.n), ("drug", 3));
        close(vehicle.mean_delta_cq, 6.0);
        close(drug.mean_delta_cq, 4.0);
        close(vehicle.sd_delta_cq, 0.5);
        close(drug.sd_delta_cq, 0.5);
        close(vehicle.mean_delta_delta_cq, 0.0);
        close(drug.mean_delta_delta_cq, -2.0);
        close(vehicle.ci95_delta_delta_cq.0, -half);
        close(vehicle.ci95_delta_delta_cq.1, half);
        close(drug.ci95_delta_delta_cq.0, -2.0 - half);
        close(drug.ci95_delta_delta_cq.1, -2.0 + half);
        close(vehicle.fold_change, 1.0);
        close(drug.fold_change, 4.0);
        close(vehicle.fold_change_ci95.0, 0.4227659657478795);
        close(vehicle.fold_change_ci95.1, 2.3653748906466125);
        close(drug.fold_change_ci95.0, 1.691063862991518);
        close(drug.fold_change_ci95.1, 9.46149956258645);
        close(vehicle.mean_fold_change, (1.0 + 1.0 / s2 + s2) / 3.0);
        close(drug.mean_fold_change, (4.0 + 4.0 * s2 + 2.0 * s2) / 3.0);
        close(vehicle.mean_fold_change, 1.040440114519881);
        close(drug.mean_fold_change, 4.161760458079523);
    }

    #[test]
    fn pfaffl_reduces_to_delta_delta_cq_when_e_is_2() {
        let (w, g) = worked_example();
        let refs = strings(&["Actb", "Gapdh"]);
        let e: BTreeMap<String, f64> = ["Cyp3a1", "Actb", "Gapdh"]
            .iter()
            .map(|s| (s.to_string(), 2.0))
            .collect();
        let r = relative_expression(&w, &g, "vehicle", &refs, Some(&e), &QpcrPolicy::default())
            .unwrap();
        for s in &r.samples {
            close(s.pfaffl_ratio.unwrap(), s.fold_change);
        }
        close(r.samples[3].pfaffl_ratio.unwrap(), 4.0);
        close(r.groups[1].pfaffl_ratio.unwrap(), 4.0);
        // With E ≠ 2: R04, target E = 1.9, references E = 2: 1.9^(25.0666… − 23.5) · 2^0.4333….
        let e: BTreeMap<String, f64> = [("Cyp3a1", 1.9), ("Actb", 2.0), ("Gapdh", 2.0)]
            .iter()
            .map(|(s, v)| (s.to_string(), *v))
            .collect();
        let r = relative_expression(&w, &g, "vehicle", &refs, Some(&e), &QpcrPolicy::default())
            .unwrap();
        let expected = 1.9f64.powf(75.2 / 3.0 - 23.5) * 2f64.powf(0.4 + 0.1 / 3.0);
        assert!((r.samples[3].pfaffl_ratio.unwrap() - expected).abs() < 1e-12 * expected);
    }

    #[test]
    fn genorm_m_of_three_genes_by_hand() {
        // A − B: −2, −1, 0 → SD 1; A − C: −5, −4, −4 → SD √(1/3); B − C: −3, −3, −4 → SD √(1/3).
        // M(A) = M(B) = (1 + √(1/3)) / 2, M(C) = √(1/3).
        let w = wells(&[
            ("S1", "A", &[20.0]),
            ("S1", "B", &[22.0]),
            ("S1", "C", &[25.0]),
            ("S1", "T", &[30.0]),
            ("S2", "A", &[21.0]),
            ("S2", "B", &[22.0]),
            ("S2", "C", &[25.0]),
            ("S2", "T", &[30.0]),
            ("S3", "A", &[22.0]),
            ("S3", "B", &[22.0]),
            ("S3", "C", &[26.0]),
            ("S3", "T", &[30.0]),
        ]);
        let g = groups(&[("S1", "c"), ("S2", "c"), ("S3", "c")]);
        let r = relative_expression(
            &w,
            &g,
            "c",
            &strings(&["A", "B", "C"]),
            None,
            &QpcrPolicy::default(),
        )
        .unwrap();
        let third = (1.0f64 / 3.0).sqrt();
        close(r.stability[0].m, (1.0 + third) / 2.0);
        close(r.stability[1].m, (1.0 + third) / 2.0);
        close(r.stability[2].m, third);
        close(r.stability[2].m, 0.5773502691896257);
        close(r.stability[0].m, 0.7886751345948129);
    }

    #[test]
    fn undetermined_and_late_wells_follow_the_rule() {
        let mut w = wells(&[
            ("S1", "T", &[30.0, 36.0]),
            ("S1", "R", &[20.0, 20.0]),
            ("S2", "T", &[31.0]),
            ("S2", "R", &[20.0]),
        ]);
        w.push(well("S2", "T", None, 99));
        let g = groups(&[("S1", "c"), ("S2", "c")]);
        let refs = strings(&["R"]);
        let r = relative_expression(&w, &g, "c", &refs, None, &QpcrPolicy::default()).unwrap();
        assert_eq!(r.handled_wells.len(), 2);
        assert_eq!(r.handled_wells[0].cq, Some(36.0));
        assert_eq!(r.handled_wells[0].used, None);
        assert_eq!(
            (r.handled_wells[1].row, r.handled_wells[1].used),
            (99, None)
        );
        close(r.replicates[1].mean, 30.0);
        assert!(r.stability.is_empty());
        let policy = QpcrPolicy {
            undetermined: UndeterminedRule::SetTo(40.0),
            ..QpcrPolicy::default()
        };
        let r = relative_expression(&w, &g, "c", &refs, None, &policy).unwrap();
        close(r.replicates[1].mean, 35.0);
        close(r.replicates[3].mean, 35.5);
        assert!(r.replicates[1].high_sd);
    }

    #[test]
    fn errors_of_the_calculation() {
        let policy = QpcrPolicy::default();
        let refs = strings(&["Actb", "Gapdh"]);
        let g = groups(&[("S1", "vehicle"), ("S2", "drug")]);
        // A target with no reference gene for its sample.
        let w = wells(&[("S1", "Cyp3a1", &[25.0, 25.2]), ("S2", "Cyp3a1", &[24.0])]);
        let mut w2 = w.clone();
        w2.extend(wells(&[("S1", "Actb", &[18.0])]));
        // S1 has one reference gene of two: refused, the normaliser would differ.
        let e = relative_expression(&w2, &g, "vehicle", &refs, None, &policy).unwrap_err();
        assert_eq!(
            e,
            QpcrError::MissingReferenceGene {
                sample: "S1".into(),
                gene: "Gapdh".into(),
                present: "Actb".into()
            }
        );
        w2.extend(wells(&[("S1", "Gapdh", &[19.0])]));
        let e = relative_expression(&w2, &g, "vehicle", &refs, None, &policy).unwrap_err();
        assert_eq!(
            e,
            QpcrError::NoReference {
                sample: "S2".into(),
                target: "Cyp3a1".into(),
                rows: "4".into(),
                genes: "Actb, Gapdh".into()
            }
        );
        assert!(e.to_string().contains("sample `S2` has Cyp3a1"));
        // No control-group animals.
        let mut w3 = wells(&[
            ("S2", "Cyp3a1", &[24.0]),
            ("S2", "Actb", &[18.0]),
            ("S2", "Gapdh", &[19.0]),
        ]);
        let e = relative_expression(&w3, &g, "vehicle", &refs, None, &policy).unwrap_err();
        assert!(matches!(e, QpcrError::NoControl { ref groups, .. } if groups == "drug"));
        // An animal with only undetermined wells.
        w3.push(well("S1", "Cyp3a1", None, 7));
        w3.push(well("S1", "Cyp3a1", Some(38.0), 8));
        let e = relative_expression(&w3, &g, "vehicle", &refs, None, &policy).unwrap_err();
        assert_eq!(
            e,
            QpcrError::AllUndetermined {
                sample: "S1".into(),
                target: "Cyp3a1".into(),
                rows: "7, 8".into()
            }
        );
        // A sample outside the groups; no reference genes; a missing efficiency.
        let w4 = wells(&[("S9", "Cyp3a1", &[24.0])]);
        let e = relative_expression(&w4, &g, "vehicle", &refs, None, &policy).unwrap_err();
        assert!(matches!(e, QpcrError::NoGroup { ref sample, .. } if sample == "S9"));
        let e = relative_expression(&w2, &g, "vehicle", &[], None, &policy).unwrap_err();
        assert_eq!(e, QpcrError::NoReferenceGenes);
        let eff: BTreeMap<String, f64> = [("Cyp3a1".to_string(), 1.9)].into();
        let e = relative_expression(&w2, &g, "vehicle", &refs, Some(&eff), &policy).unwrap_err();
        assert!(matches!(e, QpcrError::MissingEfficiency { .. }));
    }

    #[test]
    fn reads_a_quantstudio_results_export() {
        let codes = strings(&["C01", "C02"]);
        let d = read_qpcr(&fixture("quantstudio-results.txt"), Some(&codes)).unwrap();
        assert_eq!(d.format, QpcrFormat::QuantStudio);
        assert_eq!(d.controls_skipped, 3);
        assert_eq!(d.omitted, 1);
        assert_eq!(d.wells.len(), 6);
        let first = &d.wells[0];
        assert_eq!(
            (
                first.well.as_str(),
                first.sample.as_str(),
                first.target.as_str()
            ),
            ("A1", "C01", "Cyp3a1")
        );
        assert_eq!((first.cq, first.row), (Some(24.912), 19));
        assert_eq!(first.plate, "quantstudio-results");
        let undetermined = &d.wells[3];
        assert_eq!((undetermined.well.as_str(), undetermined.cq), ("B1", None));
        assert_eq!(undetermined.row, 23);
    }

    #[test]
    fn reads_a_cfx_quantification_cq_results_csv() {
        let d = read_qpcr(&fixture("cfx-quantification-cq-results.csv"), None).unwrap();
        assert_eq!(d.format, QpcrFormat::Cfx);
        assert_eq!((d.controls_skipped, d.omitted), (4, 0));
        assert_eq!(d.wells.len(), 6);
        assert_eq!(d.wells[0].cq, Some(22.4135260134));
        assert_eq!((d.wells[0].well.as_str(), d.wells[0].row), ("A01", 2));
        assert_eq!(d.wells[2].target, "Gapdh");
        assert_eq!((d.wells[3].cq, d.wells[4].cq), (None, None));
        assert_eq!(d.wells[4].sample, "C02");
    }

    #[test]
    fn decimal_commas_are_read_in_tab_separated_exports_and_explained_in_comma_separated_ones() {
        let dir = tempfile::tempdir().unwrap();
        // QuantStudio on a European locale: tab-separated, `24,912`.
        let text = std::fs::read_to_string(fixture("quantstudio-results.txt")).unwrap();
        let european = text.replace("24.912", "24,912").replace("31.220", "31,220");
        let p = write(&dir, "european.txt", &european);
        let d = read_qpcr(&p, None).unwrap();
        assert_eq!(d.wells[0].cq, Some(24.912));
        assert_eq!(d.wells[4].cq, Some(31.220));
        // A comma-separated CFX export cannot hold a decimal comma unquoted; a quoted one
        // is refused with the way out.
        let cfx = std::fs::read_to_string(fixture("cfx-quantification-cq-results.csv"))
            .unwrap()
            .replace("22.5866364536,", "\"22,5866364536\",");
        let p = write(&dir, "cfx.csv", &cfx);
        match read_qpcr(&p, None).unwrap_err() {
            IngestError::NotNumeric {
                row, value, hint, ..
            } => {
                assert_eq!((row, value.as_str()), (3, "22,5866364536"));
                assert!(hint.contains("decimal point"), "{hint}");
            }
            e => panic!("{e}"),
        }
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn reads_the_capture_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            &dir,
            "qpcr.csv",
            "plate,well,blind_code,target,cq,undetermined\n1,A1,C01,Cyp3a1,25.1,\n1,A2,C01,Cyp3a1,,yes\n1,A3,C01,Actb,Undetermined,\n",
        );
        let d = read_qpcr(&p, Some(&strings(&["C01"]))).unwrap();
        assert_eq!(d.format, QpcrFormat::CaptureSheet);
        let cqs: Vec<_> = d.wells.iter().map(|w| (w.row, w.cq)).collect();
        assert_eq!(cqs, [(2, Some(25.1)), (3, None), (4, None)]);
    }

    #[test]
    fn import_errors_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let header = "plate,well,blind_code,target,cq,undetermined\n";
        // A sample that is not a blind code.
        let p = write(
            &dir,
            "a.csv",
            &format!("{header}1,A1,C01,Actb,18.2,\n1,A2,X07,Actb,18.3,\n"),
        );
        match read_qpcr(&p, Some(&strings(&["C01"]))).unwrap_err() {
            IngestError::BadValue {
                row, column, value, ..
            } => assert_eq!(
                (row, column.as_str(), value.as_str()),
                (3, "blind_code", "X07")
            ),
            e => panic!("{e}"),
        }
        // A Cq that is not a number, in each layout.
        let p = write(
            &dir,
            "b.csv",
            &format!("{header}1,A1,C01,Actb,18.2 cycles,\n"),
        );
        match read_qpcr(&p, None).unwrap_err() {
            IngestError::NotNumeric {
                row, column, value, ..
            } => assert_eq!(
                (row, column.as_str(), value.as_str()),
                (2, "cq", "18.2 cycles")
            ),
            e => panic!("{e}"),
        }
        let cfx = std::fs::read_to_string(fixture("cfx-quantification-cq-results.csv"))
            .unwrap()
            .replace("22.5866364536,", "n.d.,");
        let p = write(&dir, "c.csv", &cfx);
        match read_qpcr(&p, None).unwrap_err() {
            IngestError::NotNumeric { row, column, .. } => {
                assert_eq!((row, column.as_str()), (3, "Cq"))
            }
            e => panic!("{e}"),
        }
        let qs = std::fs::read_to_string(fixture("quantstudio-results.txt")).unwrap();
        let p = write(&dir, "d.txt", &qs);
        match read_qpcr(&p, Some(&strings(&["C01"]))).unwrap_err() {
            IngestError::BadValue { row, value, .. } => {
                assert_eq!((row, value.as_str()), (23, "C02"))
            }
            e => panic!("{e}"),
        }
        // A blank Cq not marked undetermined, and an unknown layout.
        let p = write(&dir, "e.csv", &format!("{header}1,A1,C01,Actb,,\n"));
        assert!(matches!(
            read_qpcr(&p, None).unwrap_err(),
            IngestError::BlankCell { row: 2, .. }
        ));
        let p = write(&dir, "f.csv", "animal,value\nA,1\n");
        let e = read_qpcr(&p, None).unwrap_err();
        assert!(e.to_string().contains("not a qPCR results file"), "{e}");
    }
}
