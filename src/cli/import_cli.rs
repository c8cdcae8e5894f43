//! `preclin import plate-reader`: a reader's export as rows of the protein-assay sheet.

use std::io::Write;

use super::ImportPlateReaderArgs;
use crate::instrument::{read_plate_reader, PlateValue, WellRole};
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

pub fn plate_reader(out: &mut dyn Write, args: &ImportPlateReaderArgs) -> Result<(), Error> {
    if args.out.exists() && !args.force {
        return Err(Error::Output(crate::study::OutputError::NotEmpty {
            dir: args.out.clone(),
        }));
    }
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
