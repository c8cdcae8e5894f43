//! The assay sheets of a chronic mild stress / cytochrome P450 study read into the
//! calculations of [`crate::assay`]: HPLC standards and incubations, the protein assay
//! plate, qPCR wells (capture sheet and instrument exports), Western blot densitometry and
//! the weekly body weight and sucrose test. Each reader checks what the calculation cannot
//! locate (a sample of an analyte without standards, protein of zero, a curve that is not
//! monotonic, a target without reference gene, a blot without control lanes) and reports
//! it at its file, row and column.
//!
//! Animals excluded on the `animals` sheet are left out of every calculation (their
//! control lanes do not normalise a blot, their ΔCq does not enter the control mean).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::exports::{
    export_files, fill_absorbances, fill_peak_areas, FlaggedWell, LcExports, HPLC_EXPORTS,
    PLATE_READER_EXPORTS,
};
use super::sheet::{capture_sheet, capture_sheet_filled_by, filled_table, Sheet};
use super::study::Study;
use super::AnalysisError;
use crate::assay::hplc::{self, HplcOptions, HplcResult, HplcSample, HplcStandard};
use crate::assay::protein::{self, ProteinModel, ProteinPlate, ProteinWell, WellRole};
use crate::assay::qpcr::{self, QpcrData, QpcrError, QpcrPolicy, QpcrResult, UndeterminedRule};
use crate::assay::sucrose::{self, SucroseResult, WeeklyIntake};
use crate::assay::western::{self, WesternLane, WesternResult};
use crate::assay::AssayError;
use crate::protocol::{Assay, AssayKind, CurveShape, CurveWeighting, RowLayout, SheetSpec};
use crate::stats::{CurveModel, StatsError, Weighting};

/// An animal excluded on the `animals` sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct AnimalExclusion {
    pub blind_code: String,
    pub reason: String,
    /// Spreadsheet row on the animals sheet.
    pub row: usize,
}

/// One qPCR file read.
#[derive(Debug, Clone, PartialEq)]
pub struct QpcrFile {
    pub data: QpcrData,
}

/// The qPCR wells and the relative expression computed from them.
#[derive(Debug, Clone, PartialEq)]
pub struct QpcrAssay {
    pub files: Vec<QpcrFile>,
    pub result: QpcrResult,
}

/// The weekly sheet: rows per animal and week, and the sucrose test of each.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyRecords {
    pub rows: Vec<WeeklyIntake>,
    pub sucrose: Vec<SucroseResult>,
}

/// The HPLC calculation and the spreadsheet rows of its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct HplcAssay {
    pub result: HplcResult,
    /// The standards as read, in order (the calibrations' `rows` index them).
    pub standards: Vec<HplcStandard>,
    /// Spreadsheet row of each standard given (hplc-standards sheet), in order.
    pub standard_rows: Vec<usize>,
    /// Spreadsheet row of each sample given (hplc-samples sheet), in order.
    pub sample_rows: Vec<usize>,
}

/// Everything the assay sheets gave, each `None` when its sheet is empty.
#[derive(Debug, Clone, PartialEq)]
pub struct AssayResults {
    pub exclusions: Vec<AnimalExclusion>,
    pub hplc: Option<HplcAssay>,
    pub protein: Option<Vec<ProteinPlate>>,
    /// Wells the plate reader flagged (left out of the curve unless the sheet gives a value).
    pub reader_flags: Vec<FlaggedWell>,
    pub qpcr: Option<QpcrAssay>,
    pub western: Option<WesternResult>,
    pub weekly: Option<WeeklyRecords>,
}

/// The sheet of an assay of `kinds` that has `column`, among the sheets the assay lists.
fn assay_sheet(study: &Study, kinds: &[AssayKind], column: &str) -> Option<SheetSpec> {
    study
        .protocol
        .assays
        .iter()
        .filter(|a| kinds.contains(&a.kind))
        .flat_map(|a| a.sheets.iter())
        .filter_map(|name| study.protocol.sheets.iter().find(|s| s.name == *name))
        .find(|s| s.columns.iter().any(|c| c.name == column))
        .cloned()
}

fn assay_of(study: &Study, kind: AssayKind) -> Option<&Assay> {
    study.protocol.assays.iter().find(|a| a.kind == kind)
}

/// The filled sheet of an assay of `kinds` with `column`, when there is one with data;
/// the columns `exported` may be empty (an instrument's export fills them).
fn filled(
    study: &mut Study,
    kinds: &[AssayKind],
    column: &str,
    exported: &[&str],
) -> Result<Option<Sheet>, AnalysisError> {
    match assay_sheet(study, kinds, column) {
        Some(spec) => capture_sheet_filled_by(study, &spec, exported),
        None => Ok(None),
    }
}

/// An assay error without a row of its own, reported against the sheet it came from.
fn sheet_error(path: PathBuf, e: &AssayError) -> AnalysisError {
    let hint = match e {
        AssayError::OutsideCurve { .. } => {
            "dilute the sample to fall within the standards and re-assay, or check the value"
        }
        AssayError::Fit { source, .. } if matches!(**source, StatsError::NotConverged { .. }) => {
            "check the standards for a typo; if they lie on a straight line, set curve = \"linear\" for this assay in the protocol"
        }
        AssayError::Fit { .. } => "check the standards: enough distinct concentrations, no typo",
        _ => "check the rows named and correct the sheet",
    };
    AnalysisError::Study {
        path,
        message: e.to_string(),
        hint: hint.into(),
    }
}

/// Reads every assay sheet of the study and runs the calculations.
pub fn read_assays(study: &mut Study) -> Result<AssayResults, AnalysisError> {
    let exclusions = read_exclusions(study)?;
    let excluded: BTreeSet<String> = exclusions.iter().map(|e| e.blind_code.clone()).collect();
    let hplc = read_hplc(study, &excluded)?;
    let (protein, reader_flags) = read_protein(study, &excluded)?;
    let qpcr = read_qpcr_wells(study, &excluded)?;
    let western = read_western(study, &excluded)?;
    let weekly = read_weekly(study, &excluded)?;
    Ok(AssayResults {
        exclusions,
        hplc,
        protein,
        reader_flags,
        qpcr,
        western,
        weekly,
    })
}

/// Blind code of a pre-filled sheet (animals, weekly), which must be one of the key.
fn known_code<'a>(study: &Study, sheet: &'a Sheet, r: usize) -> Result<&'a str, AnalysisError> {
    let code = sheet.text(r, "blind_code");
    if study.entry(code).is_none() {
        return Err(sheet.error(
            r,
            "blind_code",
            "is not a blind code of this study".into(),
            "the rows of this sheet are pre-filled by `preclin template`; restore the code from sheets/run-order.csv".into(),
        ));
    }
    Ok(code)
}

fn read_exclusions(study: &mut Study) -> Result<Vec<AnimalExclusion>, AnalysisError> {
    let Some(spec) = study
        .protocol
        .sheets
        .iter()
        .find(|s| s.rows == RowLayout::Animals)
        .cloned()
    else {
        return Ok(Vec::new());
    };
    // The exclusion columns are not among the protocol's columns: look at them too.
    let mut spec = spec;
    for name in ["excluded", "exclusion_reason"] {
        spec.columns.push(crate::protocol::ColumnSpec {
            name: name.into(),
            kind: if name == "excluded" {
                crate::protocol::ColumnKind::YesNo
            } else {
                crate::protocol::ColumnKind::Text
            },
            min: None,
            max: None,
            choices: Vec::new(),
            choices_from: None,
            required: false,
            description: None,
        });
    }
    let Some(sheet) = capture_sheet(study, &spec)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for r in sheet.rows() {
        let code = known_code(study, &sheet, r)?;
        if !sheet.flag(r, "excluded") {
            continue;
        }
        let reason = sheet.text(r, "exclusion_reason");
        if reason.is_empty() {
            let ids: Vec<&str> = study
                .protocol
                .exclusions
                .iter()
                .map(|e| e.id.as_str())
                .collect();
            return Err(sheet.error(
                r,
                "exclusion_reason",
                "is empty for an excluded animal".into(),
                format!(
                    "give the reason, e.g. one of the protocol's criteria: {}",
                    ids.join(", ")
                ),
            ));
        }
        let reason = study
            .protocol
            .exclusions
            .iter()
            .find(|e| e.id == reason)
            .map_or(reason.to_string(), |e| e.description.clone());
        out.push(AnimalExclusion {
            blind_code: code.to_string(),
            reason,
            row: sheet.table.row_number(r),
        });
    }
    Ok(out)
}

fn hplc_options(assay: Option<&Assay>) -> HplcOptions {
    let mut o = HplcOptions::default();
    if let Some(a) = assay {
        if a.curve == Some(CurveShape::Quadratic) {
            o.model = CurveModel::Quadratic;
        }
        o.weighting = a.weighting.map(|w| match w {
            CurveWeighting::None => Weighting::None,
            CurveWeighting::InverseX => Weighting::InverseX,
            CurveWeighting::InverseX2 => Weighting::InverseX2,
            CurveWeighting::InverseY2 => Weighting::InverseY2,
        });
    }
    o
}

fn read_hplc(
    study: &mut Study,
    excluded: &BTreeSet<String>,
) -> Result<Option<HplcAssay>, AnalysisError> {
    let files = export_files(study, HPLC_EXPORTS);
    let exported: &[&str] = if files.is_empty() {
        &[]
    } else {
        &["peak_area"]
    };
    let kind = [AssayKind::HplcActivity];
    let Some(mut samples) = filled(study, &kind, "incubation_min", exported)? else {
        if let Some(path) = files.first() {
            return Err(AnalysisError::Study {
                path: path.clone(),
                message: "is a chromatography export, but the hplc-samples sheet is empty".into(),
                hint: "the sheets are the injection list: give each incubation's row (run, blind code, metabolite, incubation conditions) and leave peak_area empty for the export to fill (or start from `preclin import hplc`)".into(),
            });
        }
        return Ok(None);
    };
    let mut standards = filled(study, &kind, "nominal_um", exported)?;
    if !files.is_empty() {
        let exports = LcExports::read(study, &files)?;
        match &mut standards {
            Some(st) => fill_peak_areas(study, st, &exports, true)?,
            None => exports.no_standards_sheet(study)?,
        }
        fill_peak_areas(study, &mut samples, &exports, false)?;
    }
    let mut rows = Vec::new();
    if let Some(st) = &standards {
        for r in st.rows() {
            rows.push((
                r,
                HplcStandard {
                    run: st.text(r, "run").to_string(),
                    metabolite: st.text(r, "metabolite").to_string(),
                    level: st.number(r, "level").map(|v| v as u32),
                    nominal_um: st.value(r, "nominal_um")?,
                    peak_area: st.value(r, "peak_area")?,
                    is_peak_area: st.number(r, "is_peak_area"),
                },
            ));
        }
    }
    let curves: BTreeSet<(&str, &str)> = rows
        .iter()
        .map(|(_, s)| (s.run.as_str(), s.metabolite.as_str()))
        .collect();
    let mut incubations = Vec::new();
    let mut sample_rows = Vec::new();
    for r in samples.rows() {
        let code = samples.text(r, "blind_code");
        let (run, metabolite) = (samples.text(r, "run"), samples.text(r, "metabolite"));
        if !curves.contains(&(run, metabolite)) {
            let runs: Vec<&str> = curves
                .iter()
                .filter(|c| c.1 == metabolite)
                .map(|c| c.0)
                .collect();
            return Err(samples.error(
                r,
                "metabolite",
                format!("has no standards in run {run}"),
                if runs.is_empty() {
                    format!("add the calibration standards of {metabolite} for run {run} to the hplc-standards sheet")
                } else {
                    format!(
                        "{metabolite} has standards in run {}; correct the run, or add the standards of run {run}",
                        runs.join(", ")
                    )
                },
            ));
        }
        let blank = samples.flag(r, "no_nadph_blank");
        if !blank {
            for column in [
                "protein_mg_per_ml",
                "incubation_min",
                "incubation_volume_ul",
            ] {
                if samples.value(r, column)? <= 0.0 {
                    return Err(samples.error(
                        r,
                        column,
                        "must be greater than 0 for an incubation".into(),
                        "activity is divided by the protein, the time and the volume; enter the value used, or mark the row as a no-NADPH blank".into(),
                    ));
                }
            }
        }
        if excluded.contains(code) {
            continue;
        }
        sample_rows.push(samples.table.row_number(r));
        incubations.push(HplcSample {
            run: run.to_string(),
            blind_code: code.to_string(),
            metabolite: metabolite.to_string(),
            peak_area: samples.value(r, "peak_area")?,
            is_peak_area: samples.number(r, "is_peak_area"),
            incubation_min: samples.value(r, "incubation_min")?,
            protein_mg_per_ml: samples.value(r, "protein_mg_per_ml")?,
            incubation_volume_ul: samples.value(r, "incubation_volume_ul")?,
            dilution: samples.number(r, "dilution"),
            no_nadph_blank: blank,
        });
    }
    let options = hplc_options(assay_of(study, AssayKind::HplcActivity));
    let standards_list: Vec<HplcStandard> = rows.iter().map(|(_, s)| s.clone()).collect();
    let standard_rows: Vec<usize> = match &standards {
        Some(st) => rows.iter().map(|(r, _)| st.table.row_number(*r)).collect(),
        None => Vec::new(),
    };
    hplc::hplc_activity(&standards_list, &incubations, &options)
        .map(|result| {
            Some(HplcAssay {
                result,
                standards: standards_list.clone(),
                standard_rows,
                sample_rows,
            })
        })
        .map_err(|e| match (&e, &standards) {
            (
                AssayError::NotMonotonic {
                    place,
                    higher,
                    lower,
                    lower_response,
                    higher_response,
                },
                Some(st),
            ) => {
                let at = rows.iter().find(|(_, s)| {
                    s.nominal_um == *higher && *place == format!("HPLC run {}, {}", s.run, s.metabolite)
                });
                match at {
                    Some((r, _)) => st.error(
                        *r,
                        "peak_area",
                        format!(
                            "makes the standard curve of {place} not monotonic: the mean response at {higher} µM ({}) is not above the one at {lower} µM ({})",
                            crate::report::significant(*higher_response, 6),
                            crate::report::significant(*lower_response, 6)
                        ),
                        "check the peak areas and nominal concentrations of this curve for a typo or swapped levels".into(),
                    ),
                    None => sheet_error(st.location(), &e),
                }
            }
            (AssayError::NoStandards { .. }, _) => sheet_error(samples.location(), &e),
            // "HPLC sample CODE (run R, M)": reported at that incubation's row.
            (
                AssayError::NotPositive { place, .. } | AssayError::Inconsistent { place, .. },
                _,
            ) if place.starts_with("HPLC sample ") => {
                let column = match &e {
                    AssayError::NotPositive { field, .. } => *field,
                    _ => "is_peak_area",
                };
                let at = place
                    .strip_prefix("HPLC sample ")
                    .and_then(|p| p.split_once(" (run "))
                    .and_then(|(code, rest)| {
                        let (run, metabolite) = rest.strip_suffix(')')?.split_once(", ")?;
                        samples.rows().find(|&r| {
                            samples.text(r, "blind_code") == code
                                && samples.text(r, "run") == run
                                && samples.text(r, "metabolite") == metabolite
                        })
                    });
                match at {
                    Some(r) => samples.error(
                        r,
                        column,
                        e.to_string().replacen(&format!("{place}: "), "", 1),
                        if column == "is_peak_area" {
                            "give the internal standard's peak area (above 0) for every standard and sample of a run, or for none".into()
                        } else {
                            format!("`{column}` divides the result; enter the value used (above 0)")
                        },
                    ),
                    None => sheet_error(samples.location(), &e),
                }
            }
            (_, Some(st)) => sheet_error(st.location(), &e),
            (_, None) => sheet_error(samples.location(), &e),
        })
}

type ProteinRead = (Option<Vec<ProteinPlate>>, Vec<FlaggedWell>);

fn read_protein(
    study: &mut Study,
    excluded: &BTreeSet<String>,
) -> Result<ProteinRead, AnalysisError> {
    let files = export_files(study, PLATE_READER_EXPORTS);
    let exported: &[&str] = if files.is_empty() {
        &[]
    } else {
        &["absorbance"]
    };
    let Some(mut sheet) = filled(study, &[AssayKind::ProteinAssay], "absorbance", exported)? else {
        if let Some(path) = files.first() {
            return Err(AnalysisError::Study {
                path: path.clone(),
                message: "is a plate-reader export, but the protein-assay sheet is empty".into(),
                hint: "the sheet is the plate map: fill in plate, well, role, blind code and standard concentration for every well, and leave absorbance empty for the reader to fill (or start from `preclin import plate-reader`)".into(),
            });
        }
        return Ok((None, Vec::new()));
    };
    let wavelength = assay_of(study, AssayKind::ProteinAssay)
        .and_then(|a| a.wavelength_nm)
        .map(|w| w.to_string());
    let (flagged, left_out) = if files.is_empty() {
        Default::default()
    } else {
        fill_absorbances(study, &mut sheet, &files, wavelength.as_deref())?
    };
    let mut wells = Vec::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in sheet.rows() {
        let (plate, well) = (sheet.text(r, "plate"), sheet.text(r, "well"));
        if !well.is_empty() {
            if let Some(first) = seen.insert(
                (plate.to_string(), well.to_string()),
                sheet.table.row_number(r),
            ) {
                return Err(sheet.error(
                    r,
                    "well",
                    format!("of plate `{plate}` is also on row {first}"),
                    "each well of a plate has one row; delete or correct the repeated one".into(),
                ));
            }
        }
        let role = match sheet.text(r, "role") {
            "standard" => WellRole::Standard,
            "sample" => WellRole::Sample,
            _ => WellRole::Blank,
        };
        let code = sheet.text(r, "blind_code");
        match role {
            WellRole::Sample if code.is_empty() => {
                return Err(sheet.error(
                    r,
                    "blind_code",
                    "is empty for a sample well".into(),
                    "name the animal whose microsomes are in the well".into(),
                ))
            }
            WellRole::Standard if sheet.number(r, "standard_ug_per_ml").is_none() => {
                return Err(sheet.error(
                    r,
                    "standard_ug_per_ml",
                    "is empty for a standard well".into(),
                    "give the standard's concentration in µg/mL (0 wells are blanks: role = blank)"
                        .into(),
                ))
            }
            _ => {}
        }
        if (role == WellRole::Sample && excluded.contains(code)) || left_out.contains(&r) {
            continue;
        }
        wells.push(ProteinWell {
            plate: sheet.text(r, "plate").to_string(),
            well: sheet.text(r, "well").to_string(),
            role,
            blind_code: (!code.is_empty()).then(|| code.to_string()),
            standard_ug_per_ml: sheet.number(r, "standard_ug_per_ml"),
            absorbance: sheet.value(r, "absorbance")?,
            dilution: sheet.number(r, "dilution"),
        });
    }
    let model = match assay_of(study, AssayKind::ProteinAssay).and_then(|a| a.curve) {
        Some(CurveShape::FourParameterLogistic) => ProteinModel::FourParameterLogistic,
        _ => ProteinModel::Linear,
    };
    protein::protein_concentrations(&wells, model)
        .map(|plates| (Some(plates), flagged))
        .map_err(|e| match &e {
            // "protein plate P, sample CODE": reported at the sample's first well.
            AssayError::OutsideCurve { place, reason } | AssayError::Inconsistent { place, reason } => {
                let at = place
                    .strip_prefix("protein plate ")
                    .and_then(|p| p.split_once(", sample "))
                    .and_then(|(plate, code)| {
                        sheet.rows().find(|&r| {
                            sheet.text(r, "plate") == plate
                                && sheet.text(r, "blind_code") == code
                                && sheet.text(r, "role") == "sample"
                        })
                    });
                match at {
                    Some(r) => sheet.error(
                        r,
                        "absorbance",
                        format!("(sample {}): {reason}", sheet.text(r, "blind_code")),
                        "the curve is not extrapolated: enter the dilution that brings the sample within the standards".into(),
                    ),
                    None => sheet_error(sheet.location(), &e),
                }
            }
            _ => sheet_error(sheet.location(), &e),
        })
}

fn qpcr_policy(assay: Option<&Assay>) -> QpcrPolicy {
    let mut p = QpcrPolicy::default();
    if let Some(a) = assay {
        if let Some(m) = a.max_cq {
            p.max_cq = m;
        }
        if let Some(c) = a.undetermined_cq {
            p.undetermined = UndeterminedRule::SetTo(c);
        }
        if let Some(s) = a.max_replicate_sd {
            p.max_replicate_sd = s;
        }
    }
    p
}

/// The folder of instrument exports read beside the `qpcr` capture sheet.
pub const QPCR_EXPORTS: &str = "sheets/qpcr-exports";

fn read_qpcr_wells(
    study: &mut Study,
    excluded: &BTreeSet<String>,
) -> Result<Option<QpcrAssay>, AnalysisError> {
    let codes: Vec<String> = study.key.iter().map(|k| k.blind_code.clone()).collect();
    let mut paths = Vec::new();
    // The capture sheet's cells are checked by the qPCR reader (which also takes
    // "Undetermined" for a Cq, as the instruments write it).
    if let Some(spec) = assay_sheet(study, &[AssayKind::Qpcr], "cq") {
        if let Some(table) = filled_table(study, &spec)? {
            paths.push(table.path);
        }
    }
    paths.extend(export_files(study, QPCR_EXPORTS));
    if paths.is_empty() {
        return Ok(None);
    }
    let mut files = Vec::new();
    // A plate read twice (the capture sheet and an export of the same plate, or two exports)
    // would count its wells twice. Exports name their plate after the file, so the plate
    // name cannot tell; the wells can: when most wells of a file (same well, animal, gene
    // and Cq) are already in another file, it is the same plate. A few coincidences are
    // expected between plates laid out alike (reference genes in the same wells).
    type WellKey = (String, String, String, u64);
    let mut seen: BTreeMap<WellKey, (PathBuf, usize)> = BTreeMap::new();
    for path in paths {
        let data = qpcr::read_qpcr(&path, Some(&codes))?;
        let mut plate_wells: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for w in &data.wells {
            if let Some(first) = plate_wells.insert((&w.plate, &w.well), w.row) {
                return Err(AnalysisError::cell(
                    &path,
                    w.row,
                    "well",
                    &w.well,
                    format!("of plate `{}` is also on row {first}", w.plate),
                    if w.plate.is_empty() {
                        "name each well's plate in the `plate` column when the sheet holds several plates".into()
                    } else {
                        "each well of a plate has one row; delete or correct the repeated one"
                            .into()
                    },
                ));
            }
        }
        let keyed: Vec<(WellKey, usize)> = data
            .wells
            .iter()
            .filter_map(|w| {
                w.cq.map(|cq| {
                    (
                        (
                            w.well.clone(),
                            w.sample.clone(),
                            w.target.clone(),
                            cq.to_bits(),
                        ),
                        w.row,
                    )
                })
            })
            .collect();
        let repeated: Vec<(&(PathBuf, usize), usize)> = keyed
            .iter()
            .filter_map(|(k, row)| seen.get(k).map(|first| (first, *row)))
            .collect();
        if !repeated.is_empty() && 2 * repeated.len() > keyed.len() {
            let ((first, first_row), row) = repeated[0];
            return Err(AnalysisError::Study {
                path: path.clone(),
                message: format!(
                    "{} of its {} wells (row {row} first) are wells of {} (row {first_row} first), with the same animal, gene and Cq",
                    repeated.len(),
                    keyed.len(),
                    study.shown(first)
                ),
                hint: "the same plate seems to be read twice: keep each plate once, either in the qpcr sheet or as an export in sheets/qpcr-exports/".into(),
            });
        }
        for (k, row) in keyed {
            seen.entry(k).or_insert_with(|| (path.clone(), row));
        }
        study.record_input(&path)?;
        files.push(QpcrFile { data });
    }
    let assay = assay_of(study, AssayKind::Qpcr);
    let reference_genes: Vec<String> = assay.map(|a| a.reference_genes.clone()).unwrap_or_default();
    let efficiencies = assay
        .map(|a| a.efficiencies.clone())
        .filter(|e| !e.is_empty());
    let policy = qpcr_policy(assay);
    let control = study.protocol.design.control_group.clone();
    let groups: BTreeMap<String, String> = study
        .key
        .iter()
        .filter(|k| !excluded.contains(&k.blind_code))
        .map(|k| {
            (
                k.blind_code.clone(),
                study.protocol.design.groups[k.group].id.clone(),
            )
        })
        .collect();
    let wells: Vec<qpcr::QpcrWell> = files
        .iter()
        .flat_map(|f| f.data.wells.iter())
        .filter(|w| !excluded.contains(&w.sample))
        .cloned()
        .collect();
    let result = qpcr::relative_expression(
        &wells,
        &groups,
        &control,
        &reference_genes,
        efficiencies.as_ref(),
        &policy,
    )
    .map_err(|e| qpcr_error(&files, &e))?;
    Ok(Some(QpcrAssay { files, result }))
}

/// A qPCR error at the file and first row of the wells it names.
fn qpcr_error(files: &[QpcrFile], e: &QpcrError) -> AnalysisError {
    let (sample, target) = match e {
        QpcrError::NoReference { sample, target, .. }
        | QpcrError::AllUndetermined { sample, target, .. } => (sample.as_str(), target.as_str()),
        QpcrError::MissingReferenceGene {
            sample, present, ..
        } => (sample.as_str(), present.as_str()),
        _ => ("", ""),
    };
    let at = files.iter().find_map(|f| {
        f.data
            .wells
            .iter()
            .find(|w| w.sample == sample && w.target == target)
            .map(|w| (f.data.path.clone(), w.row))
    });
    let text = e.to_string();
    let (message, hint) = text.split_once("\nhelp: ").unwrap_or((&text, ""));
    match at {
        // "sample `C3XC` has Cyp1a2 …" or "sample `C3XC`, Cyp1a2: every well …", reported
        // at the animal's code.
        Some((path, row)) => AnalysisError::cell(
            &path,
            row,
            "blind_code",
            sample,
            message
                .trim_start_matches(&format!("sample `{sample}`"))
                .trim_start_matches(',')
                .trim_start()
                .to_string(),
            hint.to_string(),
        ),
        None => AnalysisError::Study {
            path: files
                .first()
                .map(|f| f.data.path.clone())
                .unwrap_or_default(),
            message: message.to_string(),
            hint: hint.to_string(),
        },
    }
}

fn read_western(
    study: &mut Study,
    excluded: &BTreeSet<String>,
) -> Result<Option<WesternResult>, AnalysisError> {
    let Some(sheet) = filled(study, &[AssayKind::WesternBlot], "target_density", &[])? else {
        return Ok(None);
    };
    let control = &study.protocol.design.control_group;
    let control_codes: BTreeSet<String> = study
        .key
        .iter()
        .filter(|k| study.protocol.design.groups[k.group].id == *control)
        .filter(|k| !excluded.contains(&k.blind_code))
        .map(|k| k.blind_code.clone())
        .collect();
    let mut lanes = Vec::new();
    let mut rows = Vec::new();
    let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for r in sheet.rows() {
        let code = sheet.text(r, "blind_code");
        let lane_key = (
            sheet.text(r, "blot").to_string(),
            sheet.text(r, "target").to_string(),
            sheet.text(r, "lane").to_string(),
        );
        if let Some(first) = seen.insert(lane_key, sheet.table.row_number(r)) {
            return Err(sheet.error(
                r,
                "lane",
                format!(
                    "repeats lane {} of blot {} for {} (first on row {first})",
                    sheet.text(r, "lane"),
                    sheet.text(r, "blot"),
                    sheet.text(r, "target")
                ),
                "each lane of a blot and target has one row; delete or correct the repeated one"
                    .into(),
            ));
        }
        let lane = WesternLane {
            blot: sheet.text(r, "blot").to_string(),
            lane: sheet.value(r, "lane")? as u32,
            blind_code: code.to_string(),
            target: sheet.text(r, "target").to_string(),
            target_density: sheet.value(r, "target_density")?,
            loading_control_density: sheet.value(r, "loading_control_density")?,
            background_density: sheet.number(r, "background_density"),
        };
        if lane.loading_control_density <= lane.background_density.unwrap_or(0.0) {
            return Err(sheet.error(
                r,
                "loading_control_density",
                "is not above the lane's background".into(),
                "the loading-control band must be measured above its background; check the densitometry of this lane".into(),
            ));
        }
        if excluded.contains(code) {
            continue;
        }
        lanes.push(lane);
        rows.push(r);
    }
    western::western_normalise(&lanes, &control_codes)
        .map(Some)
        .map_err(|e| match &e {
            AssayError::NoControlLanes { blot, target } => {
                let k = lanes
                    .iter()
                    .position(|l| l.blot == *blot && l.target == *target)
                    .expect("the blot has lanes");
                sheet.error(
                    rows[k],
                    "blind_code",
                    format!("is on blot {blot} ({target}), which has no lane of the control group {control}"),
                    format!("the lanes are expressed as % of the {control} lanes of the same blot; load at least one {control} animal on every blot"),
                )
            }
            _ => sheet_error(sheet.location(), &e),
        })
}

fn read_weekly(
    study: &mut Study,
    excluded: &BTreeSet<String>,
) -> Result<Option<WeeklyRecords>, AnalysisError> {
    let kinds = [AssayKind::SucrosePreference, AssayKind::BodyWeight];
    let spec = assay_sheet(study, &kinds, "body_weight_g")
        .or_else(|| assay_sheet(study, &kinds, "sucrose_intake_g"));
    let Some(sheet) = spec
        .map(|spec| capture_sheet(study, &spec))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    let mut seen: BTreeMap<(String, u32), usize> = BTreeMap::new();
    for r in sheet.rows() {
        let code = known_code(study, &sheet, r)?.to_string();
        let week_text = sheet.text(r, "week");
        let week = week_text.parse::<u32>().map_err(|_| {
            sheet.error(
                r,
                "week",
                "is not a week number".into(),
                "the week column is pre-filled by `preclin template` (0 = baseline); restore it"
                    .into(),
            )
        })?;
        if let Some([first, last]) = sheet.spec.weeks.filter(|[a, b]| !(*a..=*b).contains(&week)) {
            return Err(sheet.error(
                r,
                "week",
                format!("is outside the protocol's weeks {first}–{last}"),
                "the week column is pre-filled by `preclin template`; restore it, or extend the sheet's weeks in the protocol".into(),
            ));
        }
        if let Some(first) = seen.insert((code.clone(), week), sheet.table.row_number(r)) {
            return Err(sheet.error(
                r,
                "week",
                format!("repeats week {week} of animal {code} (first on row {first})"),
                "each animal has one row per week; delete or correct the repeated one".into(),
            ));
        }
        if excluded.contains(&code) {
            continue;
        }
        rows.push(WeeklyIntake {
            blind_code: code,
            week,
            body_weight_g: sheet.number(r, "body_weight_g"),
            sucrose_intake_g: sheet.number(r, "sucrose_intake_g"),
            water_intake_g: sheet.number(r, "water_intake_g"),
        });
    }
    let sucrose = sucrose::sucrose_preference(&rows).map_err(|e| {
        // "animal CODE, week W": reported at that row.
        let place = match &e {
            AssayError::Negative { place, .. } | AssayError::NotPositive { place, .. } => place,
            _ => return sheet_error(sheet.location(), &e),
        };
        let at = place
            .strip_prefix("animal ")
            .and_then(|p| p.split_once(", week "))
            .and_then(|(code, week)| {
                sheet
                    .rows()
                    .find(|&r| sheet.text(r, "blind_code") == code && sheet.text(r, "week") == week)
            });
        match at {
            Some(r) => sheet.error(
                r,
                "sucrose_intake_g",
                e.to_string().replacen(place.as_str(), "on this row", 1),
                "the sucrose test needs a positive total intake (sucrose + water) and, without a water bottle, the body weight; correct the row or leave the week's sucrose cell empty".into(),
            ),
            None => sheet_error(sheet.location(), &e),
        }
    })?;
    Ok(Some(WeeklyRecords { rows, sucrose }))
}
