//! Instruments' own export files read as they are: plate readers for the protein assay —
//! BioTek Gen5 text exports ([`gen5`]) and Molecular Devices SoftMax Pro exports
//! ([`softmax`]) — and chromatography data systems for the HPLC runs, as ASM
//! liquid-chromatography documents ([`asm`]) and ChemStation / OpenLab peak-table CSVs
//! ([`peak_table`]). Every value keeps its line in the file; a value the instrument flagged
//! (between asterisks, `OVRFLW`, `?????`, `Masked`, `<0.000`) is carried as flagged, never
//! read as a number.

pub mod asm;
pub mod gen5;
pub mod peak_table;
pub mod softmax;

use std::path::{Path, PathBuf};

pub use asm::{read_asm_lc, Injection, LcDocument, Peak};
pub use gen5::{parse_gen5, read_gen5, Gen5Curve, Gen5Export, Gen5Plate, PlateValue};
pub use peak_table::{parse_peak_table, read_lc_export, read_peak_table};
pub use softmax::{parse_softmax, SoftmaxExport};

/// What can stop the reading of an instrument file, located at its line.
#[derive(Debug, thiserror::Error)]
pub enum InstrumentError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Text(Box<crate::ingest::IngestError>),
    #[error("{path}, at {at}: {message}\nhelp: {hint}")]
    Json {
        path: PathBuf,
        at: String,
        message: String,
        hint: String,
    },
    #[error("{path}, line {line}: {message}\nhelp: {hint}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
        hint: String,
    },
}

/// What a well holds, from the reader's layout: the protein assay's roles.
pub use crate::assay::protein::WellRole;

/// One well of a plate-reader export, as the protein-assay sheet needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReaderWell {
    pub plate: String,
    pub well: String,
    /// None when the reader's layout does not say.
    pub role: Option<WellRole>,
    /// The reader's name of the standard or sample (`STD1`, `SPL1`, `01` …).
    pub name: String,
    /// A standard's concentration.
    pub standard: Option<f64>,
    /// A sample's dilution.
    pub dilution: Option<f64>,
    pub value: PlateValue,
    /// The line of the value in the file.
    pub line: usize,
}

/// The wells of a plate-reader export, with what the reader computed itself, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct PlateReaderExport {
    /// "Gen5 3.12.08", "SoftMax Pro".
    pub software: String,
    pub plates: Vec<String>,
    pub wells: Vec<ReaderWell>,
    /// The reader's own curves, as printed.
    pub curves: Vec<String>,
}

/// An error at `line` of the file at `path`.
fn bad(path: &Path, line: usize, message: String, hint: impl Into<String>) -> InstrumentError {
    InstrumentError::Format {
        path: path.to_path_buf(),
        line,
        message,
        hint: hint.into(),
    }
}

/// The text of an export, decoded from UTF-8 or UTF-16 as the table reader does.
fn read_text(path: &Path) -> Result<String, InstrumentError> {
    let bytes = std::fs::read(path).map_err(|source| InstrumentError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    crate::ingest::decode_text(path, &bytes).map_err(|e| InstrumentError::Text(Box::new(e)))
}

/// The cells of each line of a tab-separated export.
fn tab_lines(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .map(|l| l.trim_end_matches('\r').split('\t').collect())
        .collect()
}

/// Reads a plate reader's export, Gen5 or SoftMax Pro (told apart by their first lines);
/// `wavelength` chooses the read of a plate read at several.
pub fn read_plate_reader(
    path: &Path,
    wavelength: Option<&str>,
) -> Result<PlateReaderExport, InstrumentError> {
    let text = read_text(path)?;
    if softmax::is_softmax(&text) {
        from_softmax(path, &parse_softmax(path, &text)?, wavelength)
    } else {
        from_gen5(path, &parse_gen5(path, &text)?, wavelength)
    }
}

fn from_gen5(
    path: &Path,
    export: &Gen5Export,
    wavelength: Option<&str>,
) -> Result<PlateReaderExport, InstrumentError> {
    let mut out = PlateReaderExport {
        software: format!("Gen5 {}", export.version.as_deref().unwrap_or(""))
            .trim()
            .to_string(),
        plates: Vec::new(),
        wells: Vec::new(),
        curves: Vec::new(),
    };
    for plate in &export.plates {
        let reads: Vec<&str> = plate.reads().map(|m| m.title.as_str()).collect();
        let read = match (wavelength, reads.as_slice()) {
            (None, [one]) => plate.matrix(one),
            (None, []) => continue,
            (None, _) => {
                return Err(bad(
                    path,
                    plate.line,
                    format!("plate `{}` was read at {} nm", plate.name, reads.join(", ")),
                    "choose one with --wavelength",
                ))
            }
            (Some(w), _) => Some(plate.matrix(w).ok_or_else(|| {
                bad(
                    path,
                    plate.line,
                    format!("plate `{}` has no read at {w} nm", plate.name),
                    format!("its reads are at {} nm", reads.join(", ")),
                )
            })?),
        };
        let Some(read) = read else { continue };
        out.plates.push(plate.name.clone());
        for (well, value, line) in &read.cells {
            let (name, conc) = plate
                .layout
                .iter()
                .find(|(w, ..)| w == well)
                .map_or(("", &PlateValue::Empty), |(_, id, c)| (id.as_str(), c));
            let role = match name.get(..3) {
                Some("STD") => Some(WellRole::Standard),
                Some("SPL") => Some(WellRole::Sample),
                Some("BLK") => Some(WellRole::Blank),
                _ => None,
            };
            out.wells.push(ReaderWell {
                plate: plate.name.clone(),
                well: well.clone(),
                role,
                name: name.to_string(),
                standard: (role == Some(WellRole::Standard))
                    .then(|| conc.number())
                    .flatten(),
                dilution: (role == Some(WellRole::Sample))
                    .then(|| conc.number())
                    .flatten(),
                value: value.clone(),
                line: *line,
            });
        }
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
            out.curves.push(format!(
                "{}: {} {}",
                plate.name,
                c.formula,
                params.join(", ")
            ));
        }
    }
    Ok(out)
}

fn from_softmax(
    path: &Path,
    export: &SoftmaxExport,
    wavelength: Option<&str>,
) -> Result<PlateReaderExport, InstrumentError> {
    let mut out = PlateReaderExport {
        software: "SoftMax Pro".into(),
        plates: Vec::new(),
        wells: Vec::new(),
        curves: Vec::new(),
    };
    for plate in &export.plates {
        if let Some(w) = wavelength {
            if plate.wavelength != w {
                return Err(bad(
                    path,
                    plate.cells.first().map_or(1, |c| c.2),
                    format!(
                        "plate `{}` was read at {} nm, not {w}",
                        plate.name, plate.wavelength
                    ),
                    "leave out --wavelength, or give the plate's",
                ));
            }
        }
        out.plates.push(plate.name.clone());
        for (well, value, line) in &plate.cells {
            let entry = export
                .groups
                .iter()
                .find(|g| g.well == *well && (g.plate.is_empty() || g.plate == plate.name));
            let role = entry.map(|g| {
                if g.group.to_lowercase().starts_with("standard") {
                    WellRole::Standard
                } else if g.group.to_lowercase().starts_with("blank") {
                    WellRole::Blank
                } else {
                    WellRole::Sample
                }
            });
            out.wells.push(ReaderWell {
                plate: plate.name.clone(),
                well: well.clone(),
                role,
                name: entry.map_or(String::new(), |g| format!("{} {}", g.group, g.sample)),
                standard: entry
                    .and_then(|g| g.standard)
                    .filter(|_| role == Some(WellRole::Standard)),
                dilution: None,
                value: value.clone(),
                line: *line,
            });
        }
    }
    Ok(out)
}
