//! A study folder made by `preclin template`, read back for analysis: the protocol in
//! force (from `study.toml`), the allocation key that lifts the blinding, and the filled
//! scoring sheet (CSV or the workbook).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::AnalysisError;
use crate::ingest::{self, DataTable};
use crate::protocol::Protocol;

/// `[study]` of study.toml.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StudyMeta {
    pub preclin_version: String,
    pub protocol_id: String,
    pub protocol_version: String,
    pub protocol_source: String,
    pub protocol_sha256: String,
    pub seed: u64,
    pub n_per_group: u32,
    pub animals: usize,
    pub randomisation: String,
}

#[derive(Debug, Deserialize)]
struct StudyFile {
    study: StudyMeta,
    protocol: Protocol,
}

/// One animal of the allocation key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyEntry {
    pub blind_code: String,
    /// Index into the protocol's groups.
    pub group: usize,
    pub cage: String,
    /// Testing batch and position in the run order, as the key gives them ("" when absent).
    pub batch: String,
    pub run_order: String,
    pub row: usize,
}

/// An input file and its SHA-256, for the provenance of the results.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    pub path: PathBuf,
    pub sha256: String,
}

/// A study folder read for analysis.
#[derive(Debug, Clone)]
pub struct Study {
    pub dir: PathBuf,
    pub meta: StudyMeta,
    pub protocol: Protocol,
    /// Blind code → key entry, in the key's order.
    pub key: Vec<KeyEntry>,
    pub inputs: Vec<InputFile>,
}

impl Study {
    pub fn entry(&self, code: &str) -> Option<&KeyEntry> {
        self.key.iter().find(|k| k.blind_code == code)
    }

    /// A path as shown in the results: relative to the study folder when inside it.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.dir)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Records a file read for the analysis.
    pub fn record_input(&mut self, path: &Path) -> Result<(), AnalysisError> {
        let bytes = std::fs::read(path).map_err(|e| AnalysisError::Study {
            path: path.to_path_buf(),
            message: format!("cannot be read: {e}"),
            hint: "check the file exists and is readable".into(),
        })?;
        if !self.inputs.iter().any(|i| i.path == path) {
            self.inputs.push(InputFile {
                path: path.to_path_buf(),
                sha256: hex(&Sha256::digest(&bytes)),
            });
        }
        Ok(())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads `study.toml` and `key/allocation-key.csv` of a study folder.
pub fn load_study(dir: &Path) -> Result<Study, AnalysisError> {
    let mut study = load_study_blind(dir)?;
    read_key(&mut study)?;
    Ok(study)
}

/// Reads `study.toml` of a study folder and not its allocation key, for the bench, where
/// the key is kept away from the scorer.
pub fn load_study_blind(dir: &Path) -> Result<Study, AnalysisError> {
    let toml_path = dir.join("study.toml");
    let text = std::fs::read_to_string(&toml_path).map_err(|_| AnalysisError::Study {
        path: toml_path.clone(),
        message: "not found: this is not a preclin study folder".into(),
        hint: "create the study with `preclin template PROTOCOL --out FOLDER`, or pass the folder it made".into(),
    })?;
    let file: StudyFile = toml::from_str(&text).map_err(|e| AnalysisError::Study {
        path: toml_path.clone(),
        message: format!("cannot be read: {}", e.message()),
        hint: "study.toml is written by `preclin template`; restore it from the template if it was edited".into(),
    })?;
    let mut study = Study {
        dir: dir.to_path_buf(),
        meta: file.study,
        protocol: file.protocol,
        key: Vec::new(),
        inputs: Vec::new(),
    };
    study.record_input(&toml_path)?;
    Ok(study)
}

fn read_key(study: &mut Study) -> Result<(), AnalysisError> {
    let dir = study.dir.clone();
    let key_path = dir.join("key/allocation-key.csv");
    if !key_path.exists() {
        return Err(AnalysisError::Study {
            path: key_path,
            message: "the allocation key is missing, so the blinding cannot be lifted".into(),
            hint: "copy allocation-key.csv back into the study's key/ folder from where it was kept during testing".into(),
        });
    }
    let table = ingest::read_table(&key_path, None)?;
    let (ci, gi) = (
        table.column_index("blind_code")?,
        table.column_index("group")?,
    );
    let optional = |r: usize, name: &str| {
        table
            .column_index(name)
            .map(|c| table.cell(r, c).to_string())
            .unwrap_or_default()
    };
    let groups: BTreeMap<&str, usize> = study
        .protocol
        .design
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let mut key = Vec::new();
    for r in 0..table.row_count() {
        let (code, group) = (table.cell(r, ci), table.cell(r, gi));
        let row = table.row_number(r);
        let group = *groups.get(group).ok_or_else(|| {
            AnalysisError::cell(
                &key_path,
                row,
                "group",
                group,
                "is not a group of the protocol".into(),
                format!(
                    "the groups are {}",
                    groups.keys().copied().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        if let Some(first) = key.iter().find(|k: &&KeyEntry| k.blind_code == code) {
            return Err(AnalysisError::cell(
                &key_path,
                row,
                "blind_code",
                code,
                format!("appears twice (first on row {})", first.row),
                "the allocation key has one row per animal; restore it from the template".into(),
            ));
        }
        key.push(KeyEntry {
            blind_code: code.to_string(),
            group,
            cage: optional(r, "cage"),
            batch: optional(r, "batch"),
            run_order: optional(r, "run_order"),
            row,
        });
    }
    study.key = key;
    study.record_input(&key_path)?;
    Ok(())
}

/// How many cells of `columns` hold something, over all rows.
pub(super) fn filled_cells(table: &DataTable, columns: &[String]) -> usize {
    let idx: Vec<usize> = columns
        .iter()
        .filter_map(|c| table.column_index(c).ok())
        .collect();
    (0..table.row_count())
        .map(|r| {
            idx.iter()
                .filter(|&&c| !table.cell(r, c).is_empty())
                .count()
        })
        .sum()
}

/// The filled scoring sheet: `data` when given, else whichever of sheets/scoring.csv and
/// the `scoring` worksheet of sheets/capture.xlsx holds scores (refusing when both do).
pub fn scoring_table(
    study: &mut Study,
    data: Option<&Path>,
    score_columns: &[String],
) -> Result<DataTable, AnalysisError> {
    if let Some(path) = data {
        let table = if path.extension().is_some_and(|e| e == "xlsx") {
            ingest::read_table(path, Some("scoring")).or_else(|_| ingest::read_table(path, None))?
        } else {
            ingest::read_table(path, None)?
        };
        study.record_input(path)?;
        return Ok(table);
    }
    let csv_path = study.dir.join("sheets/scoring.csv");
    let xlsx_path = study.dir.join("sheets/capture.xlsx");
    let csv = csv_path
        .exists()
        .then(|| ingest::read_table(&csv_path, None))
        .transpose()?;
    let xlsx = xlsx_path
        .exists()
        .then(|| ingest::read_table(&xlsx_path, Some("scoring")))
        .transpose()?;
    let csv_filled = csv.as_ref().map_or(0, |t| filled_cells(t, score_columns));
    let xlsx_filled = xlsx.as_ref().map_or(0, |t| filled_cells(t, score_columns));
    let (table, path) = match (csv_filled > 0, xlsx_filled > 0) {
        (true, false) => (csv, csv_path),
        (false, true) => (xlsx, xlsx_path),
        (true, true) => {
            return Err(AnalysisError::Study {
                path: study.dir.join("sheets"),
                message: "both scoring.csv and capture.xlsx hold scores".into(),
                hint: "say which one to analyse with --data sheets/scoring.csv or --data sheets/capture.xlsx".into(),
            })
        }
        (false, false) => {
            return Err(AnalysisError::Study {
                path: csv_path,
                message: format!(
                    "no scores entered yet (columns {}), here or in capture.xlsx",
                    score_columns.join(", ")
                ),
                hint: "fill in the scoring sheet (or import a BORIS export with `preclin import boris`) before analysing".into(),
            })
        }
    };
    study.record_input(&path)?;
    Ok(table.expect("the filled table exists"))
}
