//! Instruments' exports dropped into a study's `sheets/` folders, joined to the capture
//! sheets that serve as their plate map and injection list.
//!
//! - **Plate readers** (`sheets/plate-reader/`, Gen5 or SoftMax Pro): a `protein-assay` row
//!   with an empty `absorbance` takes the reader's value of its plate and well. A sheet's
//!   plate is the reader's plate of the same name or, when the export holds one plate, the
//!   export's file name without its extension (`BCA-2.txt` is plate `BCA-2`). A value the
//!   reader flagged (`*0.356*`, `OVRFLW`) fills nothing: the well is left out of the curve
//!   and listed in the report, unless the sheet gives a value for it, which is then used.
//!   The reader's layout must agree with the sheet: sample wells on both, and standard
//!   concentrations in one proportion over the plate (a unit may differ, a shift may not).
//! - **Chromatography** (`sheets/hplc-exports/`, ASM `.json` or a ChemStation / OpenLab
//!   peak-table `.csv`): an HPLC row with an empty `peak_area` takes the area of the peak
//!   named as its metabolite in its injection. A run is the export's batch or sequence
//!   name, or the file name without its extension. A standard's injection is the standard
//!   injection of its level (the level the data system records, or the number that ends
//!   the sample identifier: `STD3`, `Cal 3`); a sample's injection is the one whose sample
//!   identifier is the row's blind code, and for a no-NADPH blank the blind code followed
//!   by `-blank` (`C3XC-blank`; `_blank` and ` blank` too). Rows of the same run, level or
//!   sample take the injections in their order in the export.
//!
//! Refused, each at its file and line (or JSON path) and the sheet's row: a value in both
//! the sheet and the export (a value the reader flagged aside), a row the export cannot fill, a well or injection the sheets
//! do not list, peak areas in two units within a run, and the same plate or run in two
//! files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::sheet::Sheet;
use super::study::Study;
use super::AnalysisError;
use crate::instrument::{self, Injection, PlateValue};

/// Where plate-reader exports of the protein assay are read from.
pub const PLATE_READER_EXPORTS: &str = "sheets/plate-reader";
/// Where chromatography exports of the HPLC runs are read from.
pub const HPLC_EXPORTS: &str = "sheets/hplc-exports";

/// Files a desktop leaves in folders, which are not exports.
const NOT_EXPORTS: [&str; 3] = ["Thumbs.db", "desktop.ini", ".DS_Store"];

/// The files of an exports folder of the study, sorted; hidden files (`.name`), Office
/// lock files (`~$name`) and what Windows and macOS leave in folders are not read.
pub(super) fn export_files(study: &Study, folder: &str) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(study.dir.join(folder)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p.file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.starts_with('.') || n.starts_with("~$") || NOT_EXPORTS.contains(&n.as_ref())
                })
        })
        .collect();
    found.sort();
    found
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().to_string())
}

fn at_file(study: &Study, path: &Path, message: String, hint: String) -> AnalysisError {
    AnalysisError::Study {
        path: path.to_path_buf(),
        message,
        hint: format!("{hint} ({} is read beside the sheets)", study.shown(path)),
    }
}

/// A well the plate reader flagged, left out of the curve unless the sheet gives a value.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggedWell {
    pub plate: String,
    pub well: String,
    /// The reader's text (`*0.356*`, `OVRFLW`).
    pub raw: String,
    /// "sheets/plate-reader/BCA-2.txt, line 52".
    pub from: String,
    /// The sheet's value used instead, when it gives one.
    pub typed: Option<f64>,
}

/// Fills the empty `absorbance` cells of the protein-assay sheet from the plate-reader
/// exports; the wells the reader flagged are returned (their rows: `left_out`).
pub(super) fn fill_absorbances(
    study: &mut Study,
    sheet: &mut Sheet,
    files: &[PathBuf],
    wavelength: Option<&str>,
) -> Result<(Vec<FlaggedWell>, BTreeSet<usize>), AnalysisError> {
    let mut rows: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in sheet.rows() {
        let (plate, well) = (sheet.text(r, "plate"), sheet.text(r, "well"));
        if let Some(first) = rows.insert((plate.to_string(), well.to_string()), r) {
            return Err(sheet.error(
                r,
                "well",
                format!(
                    "of plate `{plate}` is also on row {}",
                    sheet.table.row_number(first)
                ),
                "each well of a plate has one row; delete or correct the repeated one".into(),
            ));
        }
    }
    let plates: BTreeSet<String> = rows.keys().map(|(p, _)| p.clone()).collect();
    // Per plate, the sheet's standard concentration over the reader's (its unit may differ)
    // and where that was first seen.
    let mut unit_of: BTreeMap<String, (f64, String)> = BTreeMap::new();
    let mut from_file: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut flagged = Vec::new();
    let mut left_out = BTreeSet::new();
    for path in files {
        let export = instrument::read_plate_reader(path, wavelength).map_err(|e| match e {
            instrument::InstrumentError::Format {
                path,
                line,
                message,
                hint,
            } if hint.contains("--wavelength") => AnalysisError::Study {
                path,
                message: format!("line {line}: {message}"),
                hint: "choose the read with `wavelength_nm` in the protein assay of the protocol"
                    .into(),
            },
            e => AnalysisError::from(e),
        })?;
        study.record_input(path)?;
        let name_of = |plate: &str| -> Option<String> {
            if plates.contains(plate) {
                Some(plate.to_string())
            } else if export.plates.len() == 1 && plates.contains(&stem(path)) {
                Some(stem(path))
            } else {
                None
            }
        };
        for plate in &export.plates {
            let Some(name) = name_of(plate) else {
                return Err(at_file(
                    study,
                    path,
                    format!(
                        "plate `{plate}` is not a plate of the protein-assay sheet ({})",
                        plates.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                    "name the export after its plate on the sheet (e.g. BCA-2.txt for plate BCA-2), or use the reader's plate name in the sheet's plate column".into(),
                ));
            };
            if let Some(first) = from_file.insert(name.clone(), path.clone()) {
                return Err(at_file(
                    study,
                    path,
                    format!("holds plate `{name}`, which {} holds too", study.shown(&first)),
                    "each plate is read once: move one of the two exports out of sheets/plate-reader/".into(),
                ));
            }
        }
        for w in &export.wells {
            let Some(name) = name_of(&w.plate) else {
                continue;
            };
            let from = format!("{}, line {}", study.shown(path), w.line);
            let Some(&r) = rows.get(&(name.clone(), w.well.clone())) else {
                if w.role.is_some() {
                    return Err(at_file(
                        study,
                        path,
                        format!(
                            "line {}: well {} of plate `{name}` ({} in the reader's layout) is not on the protein-assay sheet",
                            w.line, w.well, w.name
                        ),
                        format!("add a row for plate {name}, well {} to the protein-assay sheet (its role, and the blind code of a sample)", w.well),
                    ));
                }
                continue;
            };
            check_layout(sheet, r, w, &from, &mut unit_of)?;
            let typed = sheet.number(r, "absorbance");
            match (&w.value, typed) {
                (PlateValue::Number(x), None) => sheet.fill(r, "absorbance", *x, from)?,
                (PlateValue::Number(x), Some(_)) => {
                    return Err(sheet.error(
                        r,
                        "absorbance",
                        format!("is given here and by the plate reader ({x} at {from})"),
                        "keep each absorbance in one place: empty the cell to take the reader's value, or move the export out of sheets/plate-reader/".into(),
                    ))
                }
                (PlateValue::Flagged(raw), typed) => {
                    if typed.is_none() {
                        left_out.insert(r);
                    }
                    flagged.push(FlaggedWell {
                        plate: name.clone(),
                        well: w.well.clone(),
                        raw: raw.clone(),
                        from,
                        typed,
                    });
                }
                (PlateValue::Empty, _) => {}
            }
        }
    }
    for ((plate, well), &r) in &rows {
        if sheet.number(r, "absorbance").is_some() || left_out.contains(&r) {
            continue;
        }
        let problem = match from_file.get(plate) {
            Some(path) => format!(
                "is empty, and the reader's export {} has no value for well {well} of plate {plate}",
                study.shown(path)
            ),
            None => format!("is empty, and no export in sheets/plate-reader/ holds plate {plate}"),
        };
        return Err(sheet.error(
            r,
            "absorbance",
            problem,
            "type the absorbance, correct the plate or well, or add the plate's export to sheets/plate-reader/ (named after the plate, e.g. BCA-2.txt)".into(),
        ));
    }
    Ok((flagged, left_out))
}

/// Refuses a sheet row that contradicts the reader's layout: a sample well on one side and
/// a standard or blank on the other, or standard concentrations that are not in the same
/// proportion on every well of the plate (one unit on the sheet, another in the reader is
/// fine; a shifted plate map is not).
fn check_layout(
    sheet: &Sheet,
    r: usize,
    w: &instrument::ReaderWell,
    from: &str,
    unit_of: &mut BTreeMap<String, (f64, String)>,
) -> Result<(), AnalysisError> {
    let Some(role) = w.role else {
        return Ok(());
    };
    let sheet_sample = sheet.text(r, "role") == "sample";
    if sheet_sample != (role == instrument::WellRole::Sample) {
        return Err(sheet.error(
            r,
            "role",
            format!(
                "disagrees with the reader's layout, which has {} ({}) in well {} ({from})",
                w.name,
                match role {
                    instrument::WellRole::Sample => "a sample",
                    instrument::WellRole::Standard => "a standard",
                    instrument::WellRole::Blank => "a blank",
                },
                w.well
            ),
            "check that the sheet's plate map and the reader's layout are the same plate, not shifted by a row or column".into(),
        ));
    }
    let (Some(reader), Some(typed)) = (w.standard, sheet.number(r, "standard_ug_per_ml")) else {
        return Ok(());
    };
    if reader == 0.0 || typed == 0.0 {
        if (reader == 0.0) != (typed == 0.0) {
            return Err(sheet.error(
                r,
                "standard_ug_per_ml",
                format!("disagrees with the reader's layout, which gives {reader} for {} in well {} ({from})", w.name, w.well),
                "check that the sheet's plate map and the reader's layout are the same plate, not shifted by a row or column".into(),
            ));
        }
        return Ok(());
    }
    let ratio = typed / reader;
    let plate = sheet.text(r, "plate").to_string();
    let here = format!("row {}", sheet.table.row_number(r));
    let (first, at) = unit_of.entry(plate).or_insert((ratio, here));
    if ((ratio - *first) / *first).abs() > 1e-6 {
        return Err(sheet.error(
            r,
            "standard_ug_per_ml",
            format!(
                "is not in the proportion of the reader's {reader} for {} in well {} ({from}): on {at} the sheet's concentration is {} times the reader's",
                w.name,
                w.well,
                (*first * 1e6).round() / 1e6
            ),
            "check that the sheet's plate map and the reader's layout are the same plate, not shifted by a row or column".into(),
        ));
    }
    Ok(())
}

/// The run an injection belongs to: its batch, or the export's file name.
fn run_of(inj: &Injection, path: &Path) -> String {
    if inj.batch.is_empty() {
        stem(path)
    } else {
        inj.batch.clone()
    }
}

/// The level of a standard injection: recorded by the data system, or the number that
/// ends its sample identifier.
fn level_of(inj: &Injection) -> Option<u32> {
    inj.level.or_else(|| {
        let name = inj.sample.trim();
        let head = name.trim_end_matches(|c: char| c.is_ascii_digit());
        // `Std 12.5` names a concentration, not a level.
        if head.ends_with(['.', ',']) {
            return None;
        }
        name[head.len()..].parse().ok()
    })
}

/// The blind code and blank flag a sample identifier names (`C3XC`, `C3XC-blank`).
fn sample_of(identifier: &str) -> (String, bool) {
    let name = identifier.trim();
    let bytes = name.as_bytes();
    // `-blank`, `_blank` or ` blank`, in any case, at the end (6 ASCII bytes).
    if bytes.len() > 6 {
        let (code, suffix) = bytes.split_at(bytes.len() - 6);
        if matches!(suffix[0], b'-' | b'_' | b' ') && suffix[1..].eq_ignore_ascii_case(b"blank") {
            // The split is at an ASCII byte: `code` is whole characters.
            return (name[..code.len()].trim().to_string(), true);
        }
    }
    (name.to_string(), false)
}

/// Which injection an HPLC row is in: the standards' level or the samples' blind code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum InjectionKey {
    Level(u32),
    Sample(String, bool),
}

impl InjectionKey {
    fn describe(&self) -> String {
        match self {
            InjectionKey::Level(l) => format!("standard injection of level {l}"),
            InjectionKey::Sample(c, false) => format!("injection of sample {c}"),
            InjectionKey::Sample(c, true) => {
                format!("injection of the no-NADPH blank {c}-blank")
            }
        }
    }
}

/// One injection of an export, and whether a row of the sheets used it.
struct Found<'a> {
    inj: &'a Injection,
    path: &'a Path,
    /// Its place among the exports' injections (file, then order in the file).
    order: usize,
    used: bool,
}

/// The chromatography exports of the study, read once.
pub(super) struct LcExports {
    docs: Vec<(PathBuf, instrument::LcDocument)>,
}

impl LcExports {
    pub(super) fn read(study: &mut Study, files: &[PathBuf]) -> Result<Self, AnalysisError> {
        let mut docs = Vec::new();
        let mut runs: BTreeMap<String, PathBuf> = BTreeMap::new();
        for path in files {
            let doc = instrument::read_lc_export(path)?;
            study.record_input(path)?;
            // Per run, each unit with its peaks' JSON paths or lines.
            let mut units: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
            for inj in &doc.injections {
                let run = run_of(inj, path);
                if let Some(first) = runs.get(&run).filter(|p| *p != path) {
                    return Err(at_file(
                        study,
                        path,
                        format!("{}: holds run `{run}`, which {} holds too", inj.at, study.shown(first)),
                        "each run is read once: move one of the two exports out of sheets/hplc-exports/".into(),
                    ));
                }
                runs.insert(run.clone(), path.clone());
                for p in &inj.peaks {
                    units
                        .entry(run.clone())
                        .or_default()
                        .entry(p.unit.clone())
                        .or_default()
                        .push(p.at.clone());
                }
            }
            for (run, by_unit) in &units {
                if by_unit.len() < 2 {
                    continue;
                }
                // Reported at the first peak of the rarest unit: the odd one out.
                let (odd, peaks) = by_unit
                    .iter()
                    .min_by_key(|(_, peaks)| peaks.len())
                    .expect("two units");
                let (usual, others) = by_unit
                    .iter()
                    .filter(|(u, _)| *u != odd)
                    .max_by_key(|(_, peaks)| peaks.len())
                    .expect("two units");
                return Err(at_file(
                    study,
                    path,
                    format!(
                        "{}: peak area in `{odd}`, but {} other peaks of run {run} are in `{usual}` (the first at {})",
                        peaks[0],
                        others.len(),
                        others[0]
                    ),
                    "one run's areas must share a unit; export the run again with one integration unit".into(),
                ));
            }
            docs.push((path.clone(), doc));
        }
        Ok(LcExports { docs })
    }

    /// Refuses the exports' standard injections when the hplc-standards sheet is empty.
    pub(super) fn no_standards_sheet(&self, study: &Study) -> Result<(), AnalysisError> {
        let first = self.docs.iter().find_map(|(path, doc)| {
            doc.injections
                .iter()
                .find(|i| i.is_standard())
                .map(|i| (path, i))
        });
        match first {
            Some((path, inj)) => Err(at_file(
                study,
                path,
                format!(
                    "{}: the standard injection `{}` of run {} is not on the hplc-standards sheet, which is empty",
                    inj.at,
                    inj.sample,
                    run_of(inj, path)
                ),
                "give the standards' rows (run, metabolite, level, nominal_um) with peak_area left empty for the export to fill".into(),
            )),
            None => Ok(()),
        }
    }

    fn runs(&self) -> BTreeSet<String> {
        self.docs
            .iter()
            .flat_map(|(p, d)| d.injections.iter().map(|i| run_of(i, p)))
            .collect()
    }
}

/// Fills the empty `peak_area` cells of the hplc-standards (`standards = true`) or
/// hplc-samples sheet from the exports; every injection of that kind must be used.
pub(super) fn fill_peak_areas(
    study: &Study,
    sheet: &mut Sheet,
    exports: &LcExports,
    standards: bool,
) -> Result<(), AnalysisError> {
    // The injections of each run and key, in their order in the exports.
    let mut found: BTreeMap<(String, InjectionKey), Vec<Found>> = BTreeMap::new();
    let injections = exports
        .docs
        .iter()
        .flat_map(|(path, doc)| doc.injections.iter().map(move |inj| (path, inj)))
        .filter(|(_, inj)| inj.is_standard() == standards);
    for (order, (path, inj)) in injections.enumerate() {
        let key = if standards {
            match level_of(inj) {
                    Some(l) => InjectionKey::Level(l),
                    None => {
                        return Err(at_file(
                            study,
                            path,
                            format!(
                                "{}: the standard injection `{}` has no calibration level",
                                inj.at, inj.sample
                            ),
                            "give each standard its level in the data system's sequence (or end its sample name with the level: STD3)".into(),
                        ))
                    }
                }
        } else {
            let (code, blank) = sample_of(&inj.sample);
            InjectionKey::Sample(code, blank)
        };
        found
            .entry((run_of(inj, path), key))
            .or_default()
            .push(Found {
                inj,
                path,
                order,
                used: false,
            });
    }
    let runs = exports.runs();
    // Rows of one run, key and metabolite take that key's injections in order.
    let mut taken: BTreeMap<(String, InjectionKey, String), usize> = BTreeMap::new();
    let rows: Vec<usize> = sheet.rows().collect();
    for r in rows {
        let run = sheet.text(r, "run").to_string();
        let metabolite = sheet.text(r, "metabolite").to_string();
        let key = if standards {
            match sheet.number(r, "level") {
                Some(l) => InjectionKey::Level(l as u32),
                None if sheet.number(r, "peak_area").is_none() && runs.contains(&run) => {
                    return Err(sheet.error(
                        r,
                        "level",
                        "is empty, so no standard injection can give this row its peak area".into(),
                        "give the calibration level of the standard, as numbered in the data system's sequence".into(),
                    ))
                }
                None => continue,
            }
        } else {
            InjectionKey::Sample(
                sheet.text(r, "blind_code").to_string(),
                sheet.flag(r, "no_nadph_blank"),
            )
        };
        let k = taken
            .entry((run.clone(), key.clone(), metabolite.to_lowercase()))
            .or_default();
        let injection = found
            .get_mut(&(run.clone(), key.clone()))
            .and_then(|v| v.get_mut(*k));
        *k += 1;
        let typed = sheet.number(r, "peak_area");
        let Some(f) = injection else {
            if typed.is_none() {
                let problem = if runs.contains(&run) {
                    format!(
                        "is empty, and run {run} in sheets/hplc-exports/ has no {}{}",
                        if *k > 1 { "further " } else { "" },
                        key.describe()
                    )
                } else {
                    format!("is empty, and no export in sheets/hplc-exports/ holds run {run}")
                };
                return Err(sheet.error(
                    r,
                    "peak_area",
                    problem,
                    "type the peak area, correct the row's run, level or blind code, or add the run's export to sheets/hplc-exports/ (docs/tutorial-cms.md says how runs and injections are named)".into(),
                ));
            }
            continue;
        };
        f.used = true;
        let peaks: Vec<&instrument::Peak> = f
            .inj
            .peaks
            .iter()
            .filter(|p| p.name.trim().eq_ignore_ascii_case(metabolite.trim()))
            .collect();
        let from = |p: &instrument::Peak| format!("{}, {}", study.shown(f.path), p.at);
        match (peaks.as_slice(), typed) {
            ([p], None) => sheet.fill(r, "peak_area", p.area, from(p))?,
            ([p], Some(_)) => {
                return Err(sheet.error(
                    r,
                    "peak_area",
                    format!("is given here and by the run's export ({} at {})", p.area, from(p)),
                    "keep each peak area in one place: empty the cell to take the export's, or move the export out of sheets/hplc-exports/".into(),
                ))
            }
            ([], None) => {
                let names: Vec<&str> = f.inj.peaks.iter().map(|p| p.name.as_str()).collect();
                return Err(sheet.error(
                    r,
                    "metabolite",
                    format!(
                        "has no peak in the {} ({}, {}); its peaks: {}",
                        key.describe(),
                        study.shown(f.path),
                        f.inj.at,
                        if names.is_empty() { "none".to_string() } else { names.join(", ") }
                    ),
                    "name the metabolite as the data system names the peak (its component table), or type the peak area".into(),
                ));
            }
            ([], Some(_)) => {}
            ([first, second, ..], _) => {
                return Err(sheet.error(
                    r,
                    "metabolite",
                    format!(
                        "names two peaks of the {} ({} and {})",
                        key.describe(),
                        from(first),
                        second.at
                    ),
                    "integrate the run so that each analyte has one peak per injection".into(),
                ))
            }
        }
    }
    // The first injection, in the exports' order, that no row used.
    let unused = found
        .into_iter()
        .flat_map(|((run, key), v)| v.into_iter().map(move |f| (run.clone(), key.clone(), f)))
        .filter(|(_, _, f)| !f.used)
        .min_by_key(|(_, _, f)| f.order);
    if let Some((run, key, f)) = unused {
        return Err(at_file(
            study,
            f.path,
            format!(
                "{}: the {} (`{}`) of run {run} is not on the {} sheet",
                f.inj.at,
                key.describe(),
                f.inj.sample,
                if standards {
                    "hplc-standards"
                } else {
                    "hplc-samples"
                }
            ),
            if standards {
                "add its rows (run, metabolite, level, nominal_um) to the hplc-standards sheet, with peak_area left empty".into()
            } else {
                "add its rows (run, blind code, metabolite, incubation) to the hplc-samples sheet with peak_area left empty, or correct the sample name's blind code".into()
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn injection(sample: &str, level: Option<u32>) -> Injection {
        Injection {
            sample: sample.into(),
            role: "standard sample role".into(),
            injection: String::new(),
            batch: String::new(),
            level,
            peaks: Vec::new(),
            at: String::new(),
        }
    }

    #[test]
    fn a_standard_level_is_the_recorded_one_or_the_number_ending_its_name() {
        assert_eq!(level_of(&injection("PQ Std 5.0x", Some(2))), Some(2));
        assert_eq!(level_of(&injection("STD3", None)), Some(3));
        assert_eq!(level_of(&injection("Cal 13", None)), Some(13));
        assert_eq!(level_of(&injection("STD0", None)), Some(0));
        assert_eq!(level_of(&injection("Standard", None)), None);
        // A concentration, not a level.
        assert_eq!(level_of(&injection("Std 12.5", None)), None);
        assert_eq!(level_of(&injection("Std 12,5", None)), None);
    }

    #[test]
    fn a_sample_name_gives_its_blind_code_and_whether_it_is_the_blank() {
        assert_eq!(sample_of("C3XC"), ("C3XC".into(), false));
        assert_eq!(sample_of("C3XC-blank"), ("C3XC".into(), true));
        assert_eq!(sample_of("C3XC_Blank"), ("C3XC".into(), true));
        assert_eq!(sample_of("C3XC BLANK"), ("C3XC".into(), true));
        // Not a suffix after a separator: the whole name is the code.
        assert_eq!(sample_of("C3XCblank"), ("C3XCblank".into(), false));
        // Letters whose lower case is longer or shorter than they are (the Kelvin sign).
        assert_eq!(sample_of("\u{212A}-blank"), ("\u{212A}".into(), true));
        assert_eq!(
            sample_of("\u{212A}\u{130}x"),
            ("\u{212A}\u{130}x".into(), false)
        );
        assert_eq!(sample_of("-blank"), ("-blank".into(), false));
    }
}
