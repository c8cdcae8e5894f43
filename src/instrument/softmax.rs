//! Molecular Devices SoftMax Pro text exports (UTF-16 or UTF-8; `##BLOCKS= n`, blocks that
//! each end with `~End`):
//!
//! - `Plate:` blocks in `PlateFormat`: a `Plate:` line (name, version, format, read type,
//!   mode, …, the wavelength, columns, wells, rows), a header of the column numbers (the
//!   first cell `Temperature(¡C)`), then one line per plate row whose first cell is the
//!   temperature (on the first row) and whose next cells are the wells; SoftMax may add a
//!   second matrix of the same values, which is not read.
//! - `Plate:` blocks in `TimeFormat`: the same `Plate:` line, a header naming the wells
//!   (`Time(hh:mm:ss)`, `Temperature(¡C)`, `A1` … `H12`) and one line per read. An
//!   endpoint read at one wavelength is one line; a kinetic read or several wavelengths
//!   are refused with a hint (the protein assay takes one endpoint value per well).
//! - `Group:` blocks: a header line (`Sample`, `Standard Value …`, `Wells`,
//!   `BackCalcConc`, `WellPlateName` …) and one line per well, the sample's name written on
//!   its first well only. `Group: Standards` names the standard wells and their
//!   concentrations; the other groups name the samples.

use std::path::Path;

use super::gen5::PlateValue;
use super::InstrumentError;

/// One plate read.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftmaxPlate {
    pub name: String,
    pub wavelength: String,
    /// (well, value, line of the file).
    pub cells: Vec<(String, PlateValue, usize)>,
}

/// One line of a `Group:` table.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupWell {
    pub group: String,
    pub sample: String,
    pub plate: String,
    pub well: String,
    /// `Standard Value …` of a standard.
    pub standard: Option<f64>,
    /// SoftMax's own back-calculated concentration (`BackCalcConc` or `Conc`).
    pub back_calculated: PlateValue,
    pub line: usize,
}

/// A SoftMax Pro export.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftmaxExport {
    pub plates: Vec<SoftmaxPlate>,
    pub groups: Vec<GroupWell>,
}

/// Whether `text` is a SoftMax Pro export.
pub fn is_softmax(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').starts_with("##BLOCKS")
}

/// The line of the `~End` that closes the block starting at line `i` — or, when the block
/// has none, the line before the next `Plate:` or `Group:` block, which is not swallowed.
fn block_end(lines: &[Vec<&str>], i: usize) -> usize {
    let mut j = i;
    while j < lines.len() && lines[j][0].trim() != "~End" {
        let next = j + 1;
        let first = lines.get(next).map_or("", |l| l[0].trim());
        if first == "Plate:" || first.starts_with("Group:") {
            return j;
        }
        j = next;
    }
    j
}

/// Whether a header cell names a well (`A1`, `H12`, `P24`).
fn well_name(cell: &str) -> bool {
    let mut chars = cell.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && !chars.as_str().is_empty()
        && chars.as_str().chars().all(|c| c.is_ascii_digit())
}

/// The `TimeFormat` plate whose `Plate:` line is `lines[i]`: one endpoint read, wells as
/// columns. The `Plate:` line's fields are SoftMax's export 1.3 layout: read type (4),
/// kinetic points (8), number of wavelengths (14), the wavelengths (15).
fn time_format_plate(
    path: &Path,
    lines: &[Vec<&str>],
    i: usize,
) -> Result<SoftmaxPlate, InstrumentError> {
    let bad = |line: usize, message: String, hint: &str| super::bad(path, line, message, hint);
    let field = |k: usize| lines[i].get(k).map_or("", |c| c.trim());
    let name = field(1).to_string();
    let n = i + 1;
    let points = field(8);
    if field(4) != "Endpoint" || !(points.is_empty() || points == "1") {
        return Err(bad(
            n,
            format!(
                "plate `{name}` is a {} read ({} points), not one endpoint read",
                field(4),
                if points.is_empty() { "?" } else { points }
            ),
            "export the endpoint values of the plate (or a reduced plate) from SoftMax Pro",
        ));
    }
    let wavelengths: Vec<&str> = field(15).split_whitespace().collect();
    if wavelengths.len() != 1 {
        return Err(bad(
            n,
            format!(
                "plate `{name}` is read at {} wavelengths in TimeFormat",
                wavelengths.len()
            ),
            "export it in PlateFormat, or one wavelength per plate",
        ));
    }
    let header = lines.get(i + 1).cloned().unwrap_or_default();
    let wells: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .filter(|(_, c)| well_name(c.trim()))
        .map(|(k, c)| (k, c.trim().to_string()))
        .collect();
    if wells.is_empty() {
        return Err(bad(
            n + 1,
            format!("plate `{name}`: the line under `Plate:` names no wells (A1, A2 …)"),
            "export the plate again from SoftMax Pro",
        ));
    }
    let ended = |l: Option<&Vec<&str>>| {
        l.is_none_or(|l| l[0].trim() == "~End" || l.iter().all(|c| c.trim().is_empty()))
    };
    if ended(lines.get(i + 2)) {
        return Err(bad(
            n + 2,
            format!("plate `{name}` has no values under its header"),
            "the file is cut short; export it again",
        ));
    }
    if !ended(lines.get(i + 3)) {
        return Err(bad(
            n + 3,
            format!("plate `{name}` has more than one read"),
            "export the endpoint values of the plate (or a reduced plate) from SoftMax Pro",
        ));
    }
    let values = &lines[i + 2];
    Ok(SoftmaxPlate {
        name,
        wavelength: wavelengths[0].to_string(),
        cells: wells
            .into_iter()
            .map(|(k, well)| {
                (
                    well,
                    PlateValue::parse(values.get(k).copied().unwrap_or("")),
                    n + 2,
                )
            })
            .collect(),
    })
}

/// Parses the text of a SoftMax Pro export (see the module's documentation).
pub fn parse_softmax(path: &Path, text: &str) -> Result<SoftmaxExport, InstrumentError> {
    let bad = |line: usize, message: String, hint: &str| super::bad(path, line, message, hint);
    let lines = super::tab_lines(text);
    let mut export = SoftmaxExport {
        plates: Vec::new(),
        groups: Vec::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i][0].trim().trim_start_matches('\u{feff}');
        let n = i + 1;
        if first == "Plate:" {
            let cells = &lines[i];
            let name = cells.get(1).map_or("", |c| c.trim()).to_string();
            if cells.get(3).is_some_and(|c| c.trim() == "TimeFormat") {
                let plate = time_format_plate(path, &lines, i)?;
                if export.plates.iter().any(|p| p.name == plate.name) {
                    return Err(bad(
                        n,
                        format!("plate `{name}` appears twice"),
                        "each plate is read once; remove the repeated block",
                    ));
                }
                export.plates.push(plate);
                i = block_end(&lines, i);
                i += 1;
                continue;
            }
            // The trailing numbers: …, wavelength, first column, columns, wells, …, rows.
            let numbers: Vec<&str> = cells[7.min(cells.len())..]
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect();
            let count = |k: usize| {
                numbers
                    .len()
                    .checked_sub(k)
                    .and_then(|j| numbers[j].parse::<usize>().ok())
            };
            let (Some(columns), Some(wells), Some(rows)) = (count(4), count(3), count(1)) else {
                return Err(bad(
                    n,
                    format!("the `Plate:` line of `{name}` does not give the plate's size"),
                    "export the plate again from SoftMax Pro",
                ));
            };
            if columns * rows != wells || rows > 26 {
                return Err(bad(
                    n,
                    format!("plate `{name}`: {columns} columns × {rows} rows is not {wells} wells"),
                    "export the plate again from SoftMax Pro",
                ));
            }
            let wavelength = numbers[numbers.len() - 6].to_string();
            let mut cells_out = Vec::new();
            for r in 0..rows {
                let j = i + 2 + r;
                let row = lines.get(j).ok_or_else(|| {
                    bad(
                        j,
                        format!("plate `{name}` ends before its row {}", r + 1),
                        "the file is cut short; export it again",
                    )
                })?;
                if row.first().is_some_and(|c| c.trim() == "~End") {
                    return Err(bad(
                        j + 1,
                        format!("plate `{name}` has {r} rows of {rows}"),
                        "the file is cut short; export it again",
                    ));
                }
                let letter = char::from(b'A' + r as u8);
                for c in 0..columns {
                    let cell = row.get(c + 2).copied().unwrap_or("");
                    cells_out.push((format!("{letter}{}", c + 1), PlateValue::parse(cell), j + 1));
                }
            }
            if export.plates.iter().any(|p| p.name == name) {
                return Err(bad(
                    n,
                    format!("plate `{name}` appears twice"),
                    "each plate is read once; remove the repeated block",
                ));
            }
            export.plates.push(SoftmaxPlate {
                name,
                wavelength,
                cells: cells_out,
            });
            i = block_end(&lines, i);
        } else if let Some(group) = first.strip_prefix("Group:") {
            let group = group.trim().to_string();
            let header: Vec<String> = lines
                .get(i + 1)
                .map(|h| h.iter().map(|c| c.trim().to_string()).collect())
                .unwrap_or_default();
            let col = |name: &str| header.iter().position(|h| h.starts_with(name));
            let (sample_c, wells_c, plate_c) = (col("Sample"), col("Wells"), col("WellPlateName"));
            let standard_c = col("Standard Value");
            let conc_c = col("BackCalcConc").or_else(|| col("Conc"));
            let mut j = i + 2;
            let mut sample = String::new();
            while let Some(row) = lines.get(j) {
                // The table ends at a blank line (SoftMax's notes on the columns follow).
                if row[0].trim() == "~End" || row.iter().all(|c| c.trim().is_empty()) {
                    break;
                }
                let at = |c: Option<usize>| c.and_then(|c| row.get(c)).map_or("", |v| v.trim());
                if let (Some(_), Some(_)) = (wells_c, sample_c) {
                    if !at(sample_c).is_empty() {
                        sample = at(sample_c).to_string();
                    }
                    let well = at(wells_c);
                    if !well.is_empty() {
                        export.groups.push(GroupWell {
                            group: group.clone(),
                            sample: sample.clone(),
                            plate: at(plate_c).to_string(),
                            well: well.to_string(),
                            standard: at(standard_c).parse().ok(),
                            back_calculated: PlateValue::parse(at(conc_c)),
                            line: j + 1,
                        });
                    }
                }
                j += 1;
            }
            i = j;
            i = block_end(&lines, i);
        }
        i += 1;
    }
    if export.plates.is_empty() {
        return Err(bad(
            1,
            "no `Plate:` block was found".into(),
            "export the plates from SoftMax Pro as text (File › Export), with the plate data",
        ));
    }
    // A standard's concentration is written on its first well only: carry it down.
    let mut last: Option<(String, String, f64)> = None;
    for g in &mut export.groups {
        match (g.standard, &last) {
            (Some(v), _) => last = Some((g.group.clone(), g.sample.clone(), v)),
            (None, Some((group, sample, v))) if *group == g.group && *sample == g.sample => {
                g.standard = Some(*v)
            }
            _ => {}
        }
    }
    Ok(export)
}
