//! Peak tables as Agilent ChemStation and OpenLab CDS export them to CSV (a report's
//! "Export to CSV", or a custom report's table): one line per peak of an injection, under
//! a header line that names its columns. Lines above the header (the sequence's name,
//! the method, the date) are skipped. The columns taken, by their header (case and a
//! unit in brackets aside; comma-, semicolon- or tab-separated; UTF-8 or UTF-16):
//!
//! | what | headers accepted | needed |
//! |---|---|---|
//! | sample identifier | `Sample Name`, `Sample` | yes |
//! | analyte | `Name`, `Compound`, `Compound Name`, `Peak Name` | yes |
//! | peak area | `Area` (its unit in brackets: `Area [mAU*s]`) | yes |
//! | retention time | `RT`, `RetTime`, `Ret Time`, `Retention Time` (`[min]`) | no |
//! | role | `Sample Type`, `Type` (`Calibration`, `Standard`, `Cal` … are standards) | no |
//! | calibration level | `Level`, `Cal Level`, `Calib Level`, `Calibration Level` | no |
//! | injection | `Inj`, `Injection`, `Injection Number`, `Inj #` | no |
//! | run | `Sequence`, `Sequence Name`, `Batch` | no |
//!
//! Without a role column, a line with a calibration level is a standard's. Consecutive
//! lines of one sample and injection are one injection; a peak without a name (an
//! unidentified peak) is kept without one.

use std::path::Path;

use super::asm::{Injection, LcDocument, Peak};
use super::{bad, read_text, InstrumentError};

/// The column of each field, by index in the header line.
#[derive(Debug, Default)]
struct Columns {
    sample: usize,
    name: usize,
    area: usize,
    unit: String,
    retention: Option<(usize, f64)>,
    role: Option<usize>,
    level: Option<usize>,
    injection: Option<usize>,
    run: Option<usize>,
}

/// A header cell without its unit: (`area`, `mAU*s`) for `Area [mAU*s]`.
fn header(cell: &str) -> (String, String) {
    let cell = cell.trim().trim_matches('"').trim();
    let (name, unit) = match cell.find(['[', '(']) {
        Some(i) => (
            &cell[..i],
            cell[i + 1..].trim_end_matches([']', ')']).trim(),
        ),
        None => (cell, ""),
    };
    (name.trim().to_lowercase(), unit.to_string())
}

fn find_columns(cells: &[&str]) -> Option<Columns> {
    let heads: Vec<(String, String)> = cells.iter().map(|c| header(c)).collect();
    let find = |names: &[&str]| heads.iter().position(|(h, _)| names.contains(&h.as_str()));
    let sample = find(&["sample name", "sample"])?;
    let name = find(&["name", "compound", "compound name", "peak name"])?;
    let area = find(&["area"])?;
    let retention = find(&["rt", "rettime", "ret time", "retention time"]).map(|i| {
        // Seconds for the ASM reader's `retention_time_s`.
        let scale = match heads[i].1.to_lowercase().as_str() {
            "s" | "sec" => 1.0,
            _ => 60.0,
        };
        (i, scale)
    });
    Some(Columns {
        sample,
        name,
        area,
        unit: heads[area].1.clone(),
        retention,
        role: find(&["sample type", "type"]),
        level: find(&["level", "cal level", "calib level", "calibration level"]),
        injection: find(&["inj", "injection", "injection number", "inj #"]),
        run: find(&["sequence", "sequence name", "batch"]),
    })
}

/// The separator of the header line: the one that splits it into the most cells.
fn separator(line: &str) -> u8 {
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&s| line.bytes().filter(|&b| b == s).count())
        .unwrap_or(b',')
}

/// Reads a ChemStation / OpenLab peak-table CSV into injections and peaks.
pub fn read_peak_table(path: &Path) -> Result<LcDocument, InstrumentError> {
    let text = read_text(path)?;
    parse_peak_table(path, &text)
}

/// Parses the text of a peak-table CSV (see the module's table of columns).
pub fn parse_peak_table(path: &Path, text: &str) -> Result<LcDocument, InstrumentError> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let split = |line: &str, sep: u8| -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(sep)
            .flexible(true)
            .from_reader(line.as_bytes());
        reader
            .records()
            .next()
            .and_then(Result::ok)
            .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
            .unwrap_or_default()
    };
    let found = lines.iter().enumerate().find_map(|(i, l)| {
        let sep = separator(l);
        let cells = split(l, sep);
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        find_columns(&refs).map(|c| (i, sep, c))
    });
    let Some((head, sep, cols)) = found else {
        return Err(bad(
            path,
            1,
            "has no header line naming the sample, the analyte and the peak area".into(),
            "export the peak table with its header (`Sample Name`, `Name` or `Compound`, `Area`); docs/tutorial-cms.md lists the columns read",
        ));
    };
    let stem = path
        .file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().to_string());
    let mut injections: Vec<Injection> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(head + 1) {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cells = split(line, sep);
        let cell = |c: usize| cells.get(c).map_or("", String::as_str);
        let optional = |c: Option<usize>| c.map_or("", cell);
        let area_text = cell(cols.area);
        let area = crate::ingest::parse_number(area_text, false)
            .filter(|a| a.is_finite())
            .ok_or_else(|| {
                bad(
                    path,
                    n,
                    format!("the peak area `{area_text}` is not a number"),
                    "export the peak table as the data system wrote it, with a point as decimal separator",
                )
            })?;
        let level_text = optional(cols.level);
        let level = if level_text.is_empty() {
            None
        } else {
            Some(level_text.parse::<u32>().map_err(|_| {
                bad(
                    path,
                    n,
                    format!("the calibration level `{level_text}` is not a whole number"),
                    "levels are numbered 1, 2, 3 … in the data system's calibration table",
                )
            })?)
        };
        let type_text = optional(cols.role).to_lowercase();
        let standard = if cols.role.is_some() {
            type_text.starts_with("cal")
                || type_text.starts_with("std")
                || type_text.contains("standard")
        } else {
            level.is_some()
        };
        let sample = cell(cols.sample).to_string();
        let injection = optional(cols.injection).to_string();
        let run = optional(cols.run);
        let batch = if run.is_empty() {
            stem.clone()
        } else {
            run.to_string()
        };
        let at = format!("line {n}");
        let same = injections
            .last()
            .is_some_and(|j| j.sample == sample && j.injection == injection && j.batch == batch);
        if !same {
            injections.push(Injection {
                sample,
                role: if standard {
                    "standard sample role".into()
                } else {
                    "unknown sample role".into()
                },
                injection,
                batch,
                level,
                peaks: Vec::new(),
                at: at.clone(),
            });
        }
        let retention_time_s = cols
            .retention
            .and_then(|(c, scale)| crate::ingest::parse_number(cell(c), false).map(|t| t * scale));
        injections
            .last_mut()
            .expect("an injection was just pushed")
            .peaks
            .push(Peak {
                name: cell(cols.name).to_string(),
                area,
                unit: cols.unit.clone(),
                retention_time_s,
                at,
            });
    }
    Ok(LcDocument {
        software: "ChemStation / OpenLab peak table".into(),
        injections,
    })
}

/// Reads a chromatography run's export: an ASM document (JSON) or a peak-table CSV.
pub fn read_lc_export(path: &Path) -> Result<LcDocument, InstrumentError> {
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if json {
        super::read_asm_lc(path)
    } else {
        read_peak_table(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peak_table_is_read_under_its_header_whatever_lies_above() {
        let text = "Sequence:;S-7\r\n\r\nSample Name;Sample Type;Level;Compound;RetTime [min];Area [mAU*s]\r\nSTD1;Calibration;1;paraxanthine;4.20;5401.5\r\nSTD1;Calibration;1;caffeine;7.01;402000\r\nC3XC;Sample;;paraxanthine;4.21;37369\r\n";
        let doc = parse_peak_table(Path::new("runs/CAF-9.csv"), text).unwrap();
        assert_eq!(doc.injections.len(), 2);
        let std = &doc.injections[0];
        assert!(std.is_standard());
        assert_eq!((std.level, std.batch.as_str()), (Some(1), "CAF-9"));
        assert_eq!(std.peaks.len(), 2);
        assert_eq!(std.peaks[0].area, 5401.5);
        assert_eq!(std.peaks[0].unit, "mAU*s");
        assert_eq!(std.peaks[0].retention_time_s, Some(4.20 * 60.0));
        assert_eq!(std.peaks[0].at, "line 4");
        let sample = &doc.injections[1];
        assert!(!sample.is_standard());
        assert_eq!(
            (sample.sample.as_str(), sample.peaks[0].area),
            ("C3XC", 37369.0)
        );
    }

    #[test]
    fn a_peak_table_without_its_columns_or_with_a_bad_area_is_refused_at_its_line() {
        let e = parse_peak_table(Path::new("x.csv"), "Peak,RT,Height\n1,4.2,300\n").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        assert!(e.to_string().contains("Sample Name"), "{e}");
        let e =
            parse_peak_table(Path::new("x.csv"), "Sample Name,Name,Area\nA1,p,12o4\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(e.to_string().contains("`12o4`"), "{e}");
    }
}
