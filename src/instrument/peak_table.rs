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
//! | role | `Sample Type` (`Calibration`, `Standard`, `Cal` … are standards) | no |
//! | calibration level | `Level`, `Cal Level`, `Calib Level`, `Calibration Level` | no |
//! | injection | `Inj`, `Injection`, `Injection Number`, `Inj #` | no |
//! | run | `Sequence`, `Sequence Name`, `Batch` | no |
//!
//! When several headers name one field, the first of the list above is taken (`Sample
//! Name` before `Sample`). A `Type` column is not the role: ChemStation writes the peak's
//! baseline type there (`BB`, `VB`). Without a role, or with one that is neither a
//! standard's nor a sample's (`Sample`, `Unknown`, `QC`, `Blank` are samples'), a line with
//! a calibration level is a standard's. The lines of one run, sample and injection are one
//! injection wherever they stand (a table sorted by compound too), in the order the
//! injections first appear; a peak without a name (an unidentified peak) is kept without
//! one. In a semicolon-separated table a decimal comma is read as the decimal mark.

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
    // The first of `names` (in their order of preference) that heads a column.
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| heads.iter().position(|(h, _)| h == n))
    };
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
        // Not `Type`: in a ChemStation peak table that is the peak's baseline type (BB, BV).
        role: find(&["sample type"]),
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
    let comma = sep == b';';
    let mut injections: Vec<Injection> = Vec::new();
    // Run, sample and injection → index in `injections`.
    let mut index: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    for (i, line) in lines.iter().enumerate().skip(head + 1) {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cells = split(line, sep);
        let cell = |c: usize| cells.get(c).map_or("", String::as_str);
        let optional = |c: Option<usize>| c.map_or("", cell);
        let area_text = cell(cols.area);
        let area = crate::ingest::parse_number(area_text, comma)
            .filter(|a| a.is_finite())
            .ok_or_else(|| {
                bad(
                    path,
                    n,
                    format!("the peak area `{area_text}` is not a number"),
                    "export the peak table as the data system wrote it (a decimal comma only in a semicolon-separated table)",
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
        let standard = if type_text.starts_with("cal")
            || type_text.starts_with("std")
            || type_text.contains("standard")
        {
            true
        } else if ["sample", "unknown", "qc", "blank", "control"]
            .iter()
            .any(|t| type_text.starts_with(t))
        {
            false
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
        let key = (batch.clone(), sample.clone(), injection.clone());
        let k = *index.entry(key).or_insert(injections.len());
        if k == injections.len() {
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
            .and_then(|(c, scale)| crate::ingest::parse_number(cell(c), comma).map(|t| t * scale));
        injections[k].peaks.push(Peak {
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

/// Reads a chromatography run's export: an ASM document (JSON, told by its first
/// character `{`) or a peak-table CSV.
pub fn read_lc_export(path: &Path) -> Result<LcDocument, InstrumentError> {
    let text = read_text(path)?;
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        super::asm::parse_asm_lc(path, &text)
    } else {
        parse_peak_table(path, &text)
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

    #[test]
    fn a_peak_type_column_is_not_the_role_and_the_level_decides() {
        // ChemStation's `Type` is the baseline type; without `Sample Type`, the level tells.
        let text = "Sample Name,Type,Level,Name,Area\nSTD2,BB,2,paraxanthine,100\nC3XC,BV,,paraxanthine,50\n";
        let doc = parse_peak_table(Path::new("r.csv"), text).unwrap();
        assert!(doc.injections[0].is_standard());
        assert_eq!(doc.injections[0].level, Some(2));
        assert!(!doc.injections[1].is_standard());
        // `Sample Name` is preferred to `Sample` wherever it stands.
        let text = "Sample,Sample Name,Name,Area\nvial 3,C3XC,p,1\n";
        let doc = parse_peak_table(Path::new("r.csv"), text).unwrap();
        assert_eq!(doc.injections[0].sample, "C3XC");
    }

    #[test]
    fn a_table_sorted_by_compound_gives_one_injection_per_sample() {
        let text = "Sample Name,Inj,Name,Area\nSTD1,1,a,10\nSTD2,1,a,20\nSTD1,1,b,30\nSTD2,1,b,40\nSTD1,2,a,11\n";
        let doc = parse_peak_table(Path::new("r.csv"), text).unwrap();
        type Read<'a> = (&'a str, &'a str, Vec<(&'a str, f64)>);
        let peaks: Vec<Read> = doc
            .injections
            .iter()
            .map(|i| {
                (
                    i.sample.as_str(),
                    i.injection.as_str(),
                    i.peaks.iter().map(|p| (p.name.as_str(), p.area)).collect(),
                )
            })
            .collect();
        assert_eq!(
            peaks,
            vec![
                ("STD1", "1", vec![("a", 10.0), ("b", 30.0)]),
                ("STD2", "1", vec![("a", 20.0), ("b", 40.0)]),
                ("STD1", "2", vec![("a", 11.0)]),
            ]
        );
    }

    #[test]
    fn a_semicolon_table_reads_decimal_commas() {
        let text = "Sample Name;Name;RT [min];Area [mAU*s]\r\nC3XC;p;4,25;1234,5\r\n";
        let doc = parse_peak_table(Path::new("r.csv"), text).unwrap();
        let p = &doc.injections[0].peaks[0];
        assert_eq!(p.area, 1234.5);
        assert_eq!(p.retention_time_s, Some(4.25 * 60.0));
        // In a comma-separated table a comma cannot be a decimal mark.
        let e = parse_peak_table(
            Path::new("r.csv"),
            "Sample Name,Name,Area\nC3XC,p,\"1234,5\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("`1234,5` is not a number"), "{e}");
    }
}
