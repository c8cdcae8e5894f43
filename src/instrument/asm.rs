//! Liquid-chromatography documents of the Allotrope Simple Model (ASM), as Benchling's
//! allotropy writes them from Waters Empower, Thermo Chromeleon or Agilent OpenLab CDS
//! (manifest `liquid-chromatography/…`): `liquid chromatography aggregate document` ›
//! `liquid chromatography document[]` › `measurement aggregate document` ›
//! `measurement document[]`, each an injection with its `sample document` (`sample
//! identifier`, `sample role type`, `batch identifier`), `injection document` (`injection
//! identifier`) and `processed data aggregate document` › `processed data document[]` ›
//! `peak list` › `peak[]` (`written name`, `peak area` {value, unit}, `retention time`).
//! Members are found by name; a missing one is reported with its JSON path.

use std::path::Path;

use serde_json::Value;

use super::InstrumentError;

/// One peak of an injection.
#[derive(Debug, Clone, PartialEq)]
pub struct Peak {
    /// The analyte as named on the instrument.
    pub name: String,
    pub area: f64,
    pub unit: String,
    pub retention_time_s: Option<f64>,
    /// Its JSON path, for messages.
    pub at: String,
}

/// One injection.
#[derive(Debug, Clone, PartialEq)]
pub struct Injection {
    pub sample: String,
    /// `sample role type` (`standard sample role`, `unknown sample role` …), if given.
    pub role: String,
    pub injection: String,
    /// `batch identifier` (Empower's sample set), if given.
    pub batch: String,
    /// A standard's calibration level, where the data system records one (Empower's
    /// `Level` in the measurement's custom information).
    pub level: Option<u32>,
    pub peaks: Vec<Peak>,
    pub at: String,
}

impl Injection {
    pub fn is_standard(&self) -> bool {
        self.role.starts_with("standard") || self.role.starts_with("calibration")
    }
}

/// The injections of an ASM liquid-chromatography document, and the software it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LcDocument {
    pub software: String,
    pub injections: Vec<Injection>,
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn quantity(v: &Value, key: &str) -> Option<(f64, String)> {
    let q = v.get(key)?;
    Some((q.get("value")?.as_f64()?, text(q, "unit")))
}

/// Reads an ASM liquid-chromatography JSON document.
pub fn read_asm_lc(path: &Path) -> Result<LcDocument, InstrumentError> {
    parse_asm_lc(path, &super::read_text(path)?)
}

/// Parses the text of an ASM liquid-chromatography JSON document read from `path`.
pub fn parse_asm_lc(path: &Path, json: &str) -> Result<LcDocument, InstrumentError> {
    let root: Value = serde_json::from_str(json.trim_start_matches('\u{feff}')).map_err(|e| {
        InstrumentError::Format {
            path: path.to_path_buf(),
            line: e.line(),
            message: format!("not JSON: {e}"),
            hint: "give the .json file allotropy (or Benchling) wrote, unchanged".into(),
        }
    })?;
    let missing = |at: &str, what: &str| {
        InstrumentError::Json {
        path: path.to_path_buf(),
        at: at.to_string(),
        message: format!("has no `{what}`"),
        hint: "this is not an ASM liquid-chromatography document; convert the CDS export with allotropy".into(),
    }
    };
    let top = "liquid chromatography aggregate document";
    let aggregate = root.get(top).ok_or_else(|| missing("$", top))?;
    let software = aggregate
        .get("data system document")
        .map(|d| text(d, "software name"))
        .unwrap_or_default();
    let docs = aggregate
        .get("liquid chromatography document")
        .and_then(Value::as_array)
        .ok_or_else(|| missing(top, "liquid chromatography document"))?;
    let mut injections = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let at_doc = format!("{top}/liquid chromatography document[{i}]");
        let measurements = doc
            .get("measurement aggregate document")
            .and_then(|m| m.get("measurement document"))
            .and_then(Value::as_array)
            .ok_or_else(|| {
                missing(
                    &at_doc,
                    "measurement aggregate document/measurement document",
                )
            })?;
        for (j, m) in measurements.iter().enumerate() {
            let at = format!("{at_doc}/measurement aggregate document/measurement document[{j}]");
            let sample = m
                .get("sample document")
                .ok_or_else(|| missing(&at, "sample document"))?;
            let mut peaks = Vec::new();
            let processed = m
                .get("processed data aggregate document")
                .and_then(|p| p.get("processed data document"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (k, pd) in processed.iter().enumerate() {
                let list = pd
                    .get("peak list")
                    .and_then(|l| l.get("peak"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (p, peak) in list.iter().enumerate() {
                    let at_peak = format!("{at}/processed data aggregate document/processed data document[{k}]/peak list/peak[{p}]");
                    let Some((area, unit)) = quantity(peak, "peak area") else {
                        return Err(missing(&at_peak, "peak area"));
                    };
                    peaks.push(Peak {
                        name: text(peak, "written name"),
                        area,
                        unit,
                        retention_time_s: quantity(peak, "retention time").map(|q| q.0),
                        at: at_peak,
                    });
                }
            }
            injections.push(Injection {
                sample: text(sample, "sample identifier"),
                role: text(sample, "sample role type"),
                injection: m
                    .get("injection document")
                    .map(|d| text(d, "injection identifier"))
                    .unwrap_or_default(),
                batch: text(sample, "batch identifier"),
                level: m
                    .get("custom information document")
                    .map(|c| text(c, "Level"))
                    .and_then(|l| l.parse().ok()),
                peaks,
                at,
            });
        }
    }
    Ok(LcDocument {
        software,
        injections,
    })
}
