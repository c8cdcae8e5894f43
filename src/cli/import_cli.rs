//! `preclin import plate-reader` and `preclin import hplc`: instruments' exports as rows of
//! the study's sheets; and writing an imported sheet, for every `import`.

use std::io::Write;

use super::{ImportHplcArgs, ImportPlateReaderArgs};
use crate::instrument::{read_lc_export, read_plate_reader, InstrumentError, PlateValue, WellRole};
use crate::Error;

/// The protein-assay sheet's columns.
const COLUMNS: [&str; 7] = [
    "plate",
    "well",
    "role",
    "blind_code",
    "standard_ug_per_ml",
    "absorbance",
    "dilution",
];

fn number(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{v}"))
}

/// Refuses to replace `path` unless `force`.
pub(super) fn free(path: &std::path::Path, force: bool) -> Result<(), Error> {
    if path.exists() && !force {
        return Err(Error::Output(crate::study::OutputError::NotEmpty {
            dir: path.to_path_buf(),
        }));
    }
    Ok(())
}

/// Writes `rows` to `path` whole: beside it first, then renamed.
pub(super) fn write_csv(path: &std::path::Path, rows: &[Vec<String>]) -> Result<(), Error> {
    let bytes = crate::study::csv_text(rows);
    let staging = path.with_extension("csv.preclin-tmp");
    std::fs::write(&staging, &bytes)
        .and_then(|_| std::fs::rename(&staging, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&staging);
            Error::Output(crate::study::OutputError::Io {
                path: path.to_path_buf(),
                source,
            })
        })
}

pub fn plate_reader(out: &mut dyn Write, args: &ImportPlateReaderArgs) -> Result<(), Error> {
    free(&args.out, args.force)?;
    let export = read_plate_reader(&args.file, args.wavelength.as_deref())?;
    let mut rows = vec![COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    let mut flagged = Vec::new();
    let mut unnamed: Vec<String> = Vec::new();
    let mut samples: Vec<&str> = Vec::new();
    for w in &export.wells {
        if w.role.is_none() {
            unnamed.push(format!("{} {}", w.plate, w.well));
        }
        if let PlateValue::Flagged(raw) = &w.value {
            flagged.push(format!("{} {} `{raw}` (line {})", w.plate, w.well, w.line));
        }
        let role = w.role;
        if role == Some(WellRole::Sample) && !samples.contains(&w.name.as_str()) {
            samples.push(&w.name);
        }
        rows.push(vec![
            w.plate.clone(),
            w.well.clone(),
            match role {
                Some(WellRole::Standard) => "standard",
                Some(WellRole::Sample) => "sample",
                Some(WellRole::Blank) => "blank",
                None => "",
            }
            .into(),
            if role == Some(WellRole::Sample) {
                w.name.clone()
            } else {
                String::new()
            },
            number(w.standard),
            number(w.value.number()),
            number(w.dilution),
        ]);
    }
    write_csv(&args.out, &rows)?;
    let n = export.plates.len();
    writeln!(
        out,
        "Read {n} plate{} ({}) from {}; wrote {} wells to {}",
        if n == 1 { "" } else { "s" },
        export.software,
        args.file.display(),
        rows.len() - 1,
        args.out.display()
    )
    .ok();
    for c in &export.curves {
        writeln!(out, "  the reader's own curve, {c}").ok();
    }
    if !flagged.is_empty() {
        writeln!(
            out,
            "  flagged by the reader, absorbance left empty (type a value or delete the row): {}",
            flagged.join("; ")
        )
        .ok();
    }
    if !unnamed.is_empty() {
        writeln!(
            out,
            "  not named in the reader's layout, role left empty (standard, sample or blank?): {}",
            unnamed.join(", ")
        )
        .ok();
    }
    if let (Some(first), Some(last)) = (samples.first(), samples.last()) {
        writeln!(
            out,
            "  samples carry the reader's names ({first} … {last}): replace them by the animals' blind codes"
        )
        .ok();
    }
    Ok(())
}

/// `preclin import hplc`: the peaks of an ASM liquid-chromatography run as rows of the
/// hplc-standards (standard injections) and hplc-samples (the others) sheets. The run is
/// the document's batch identifier (Empower's sample set), or the file's name.
pub fn hplc(out: &mut dyn Write, args: &ImportHplcArgs) -> Result<(), Error> {
    free(&args.out, args.force)?;
    if let Some(s) = &args.samples {
        free(s, args.force)?;
    }
    let doc = read_lc_export(&args.file)?;
    let stem = args
        .file
        .file_stem()
        .map_or("run".into(), |s| s.to_string_lossy().to_string());
    let mut standards = vec![[
        "run",
        "metabolite",
        "level",
        "nominal_um",
        "peak_area",
        "is_peak_area",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect::<Vec<_>>()];
    let mut samples = vec![[
        "run",
        "blind_code",
        "metabolite",
        "peak_area",
        "is_peak_area",
        "incubation_min",
        "protein_mg_per_ml",
        "incubation_volume_ul",
        "dilution",
        "no_nadph_blank",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect::<Vec<_>>()];
    let mut unit: Option<(String, String)> = None;
    let mut empty = Vec::new();
    let mut analytes: Vec<&str> = Vec::new();
    for inj in &doc.injections {
        let run = if inj.batch.is_empty() {
            stem.clone()
        } else {
            inj.batch.clone()
        };
        if inj.peaks.is_empty() {
            empty.push(if inj.sample.is_empty() {
                inj.injection.clone()
            } else {
                inj.sample.clone()
            });
        }
        for p in &inj.peaks {
            match &unit {
                Some((u, first)) if *u != p.unit => {
                    return Err(Error::Instrument(InstrumentError::Json {
                        path: args.file.clone(),
                        at: p.at.clone(),
                        message: format!(
                            "peak area in {}, but {first} gives it in {u}",
                            p.unit
                        ),
                        hint: "one run's areas must share a unit; export the run again with one integration unit".into(),
                    }))
                }
                Some(_) => {}
                None => unit = Some((p.unit.clone(), p.at.clone())),
            }
            if !analytes.contains(&p.name.as_str()) {
                analytes.push(&p.name);
            }
            if inj.is_standard() {
                standards.push(vec![
                    run.clone(),
                    p.name.clone(),
                    inj.level.map_or(String::new(), |l| l.to_string()),
                    String::new(),
                    format!("{}", p.area),
                    String::new(),
                ]);
            } else {
                let mut row = vec![
                    run.clone(),
                    inj.sample.clone(),
                    p.name.clone(),
                    format!("{}", p.area),
                ];
                row.resize(10, String::new());
                samples.push(row);
            }
        }
    }
    if samples.len() > 1 && args.samples.is_none() {
        return Err(Error::Instrument(InstrumentError::Json {
            path: args.file.clone(),
            at: "liquid chromatography aggregate document".into(),
            message: match samples.len() - 1 {
                1 => "the run holds 1 peak of a sample injection".to_string(),
                n => format!("the run holds {n} peaks of sample injections"),
            },
            hint: "give --samples FILE.csv for them (the standards go to --out)".into(),
        }));
    }
    write_csv(&args.out, &standards)?;
    if let Some(path) = &args.samples {
        write_csv(path, &samples)?;
    }
    writeln!(
        out,
        "Read {} injections ({}) from {}; wrote {} standard peaks to {}{}",
        doc.injections.len(),
        if doc.software.is_empty() {
            "ASM"
        } else {
            doc.software.as_str()
        },
        args.file.display(),
        standards.len() - 1,
        args.out.display(),
        match &args.samples {
            Some(p) => format!(
                " and {} sample peak(s) to {}",
                samples.len() - 1,
                p.display()
            ),
            None => String::new(),
        }
    )
    .ok();
    if let Some((u, _)) = &unit {
        writeln!(out, "  peak areas in {u}").ok();
    }
    if !analytes.is_empty() {
        writeln!(
            out,
            "  analytes as named on the instrument ({}): rename them to the protocol's metabolites",
            analytes.join(", ")
        )
        .ok();
    }
    if standards.len() > 1 {
        let named: Vec<String> = doc
            .injections
            .iter()
            .filter(|i| i.is_standard())
            .map(|i| match i.level {
                Some(l) => format!("{} = level {l}", i.sample),
                None => format!("{} (no level)", i.sample),
            })
            .collect();
        writeln!(
            out,
            "  standards: {}; nominal_um is not in the file: fill in each level's concentration",
            named.join(", ")
        )
        .ok();
    }
    if !empty.is_empty() {
        writeln!(
            out,
            "  injections without peaks (left out): {}",
            empty.join(", ")
        )
        .ok();
    }
    Ok(())
}
