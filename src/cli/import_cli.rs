//! `preclin import plate-reader`: a reader's export as rows of the protein-assay sheet.

use std::io::Write;

use super::ImportPlateReaderArgs;
use crate::instrument::{read_gen5, InstrumentError, PlateValue};
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

fn cell(v: &PlateValue) -> String {
    match v {
        PlateValue::Number(x) => format!("{x}"),
        PlateValue::Flagged(_) | PlateValue::Empty => String::new(),
    }
}

pub fn plate_reader(out: &mut dyn Write, args: &ImportPlateReaderArgs) -> Result<(), Error> {
    if args.out.exists() && !args.force {
        return Err(Error::Output(crate::study::OutputError::NotEmpty {
            dir: args.out.clone(),
        }));
    }
    let export = read_gen5(&args.file)?;
    let bad = |line: usize, message: String, hint: String| {
        Error::Instrument(InstrumentError::Format {
            path: args.file.clone(),
            line,
            message,
            hint,
        })
    };
    let mut rows = vec![COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    let mut flagged = Vec::new();
    let mut unnamed = 0;
    let mut samples = Vec::new();
    for plate in &export.plates {
        let reads: Vec<&str> = plate.reads().map(|m| m.title.as_str()).collect();
        let read = match (&args.wavelength, reads.as_slice()) {
            (None, [one]) => plate.matrix(one),
            (None, []) => continue,
            (None, _) => {
                return Err(bad(
                    plate.line,
                    format!("plate `{}` was read at {} nm", plate.name, reads.join(", ")),
                    "choose one with --wavelength".into(),
                ))
            }
            (Some(w), _) => Some(plate.matrix(w).ok_or_else(|| {
                bad(
                    plate.line,
                    format!("plate `{}` has no read at {w} nm", plate.name),
                    format!("its reads are at {} nm", reads.join(", ")),
                )
            })?),
        };
        let Some(read) = read else { continue };
        for (well, value, line) in &read.cells {
            let (id, conc) = plate
                .layout
                .iter()
                .find(|(w, ..)| w == well)
                .map_or(("", &PlateValue::Empty), |(_, id, c)| (id.as_str(), c));
            let role = match id.get(..3) {
                Some("STD") => "standard",
                Some("SPL") => "sample",
                Some("BLK") => "blank",
                _ => {
                    unnamed += 1;
                    continue;
                }
            };
            if let PlateValue::Flagged(raw) = value {
                flagged.push(format!("{} {well} `{raw}` (line {line})", plate.name));
            }
            if role == "sample" {
                samples.push(id.to_string());
            }
            rows.push(vec![
                plate.name.clone(),
                well.clone(),
                role.into(),
                if role == "sample" {
                    id.into()
                } else {
                    String::new()
                },
                if role == "standard" {
                    cell(conc)
                } else {
                    String::new()
                },
                cell(value),
                if role == "sample" {
                    cell(conc)
                } else {
                    String::new()
                },
            ]);
        }
    }
    let bytes = crate::study::csv_text(&rows);
    let staging = args.out.with_extension("csv.preclin-tmp");
    std::fs::write(&staging, &bytes)
        .and_then(|_| std::fs::rename(&staging, &args.out))
        .map_err(|source| {
            let _ = std::fs::remove_file(&staging);
            Error::Output(crate::study::OutputError::Io {
                path: args.out.clone(),
                source,
            })
        })?;
    writeln!(
        out,
        "Read {} plate{} (Gen5 {}) from {}; wrote {} wells to {}",
        export.plates.len(),
        if export.plates.len() == 1 { "" } else { "s" },
        export.version.as_deref().unwrap_or("?"),
        args.file.display(),
        rows.len() - 1,
        args.out.display()
    )
    .ok();
    for plate in &export.plates {
        for c in &plate.curves {
            let params: Vec<String> = c
                .parameters
                .iter()
                .map(|(k, v)| match v {
                    PlateValue::Number(x) => format!("{k} {x}"),
                    PlateValue::Flagged(raw) => format!("{k} {raw}"),
                    PlateValue::Empty => format!("{k} –"),
                })
                .collect();
            writeln!(
                out,
                "  {}: the reader's own curve {} {}",
                plate.name,
                c.formula,
                params.join(", ")
            )
            .ok();
        }
    }
    if !flagged.is_empty() {
        writeln!(
            out,
            "  flagged by the reader, absorbance left empty (type a value or delete the row): {}",
            flagged.join("; ")
        )
        .ok();
    }
    if unnamed > 0 {
        writeln!(
            out,
            "  {unnamed} wells without a Well ID (STD…, SPL…, BLK…) in the reader's layout were left out"
        )
        .ok();
    }
    if !samples.is_empty() {
        samples.dedup();
        writeln!(
            out,
            "  samples carry the reader's names ({} … {}): replace them by the animals' blind codes",
            samples[0],
            samples[samples.len() - 1]
        )
        .ok();
    }
    Ok(())
}
