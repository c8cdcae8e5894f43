//! `preclin analyze`: a study folder in, results out. Reads the protocol in force, the
//! allocation key and the filled scoring sheet; validates every cell; lifts the blinding;
//! runs the protocol's analysis plan; and assembles `results/` (report, JSON, CSV tables,
//! figures) in memory, so that nothing is written unless everything succeeded.

mod assays;
mod cells;
mod cms;
mod cms_output;
mod consistency;
mod deviations;
mod events;
mod exports;
mod fst;
mod output;
mod run;
mod sheet;
mod study;

use std::path::{Path, PathBuf};

pub use assays::{
    read_assays, AnimalExclusion, AssayResults, HplcAssay, QpcrAssay, QpcrFile, WeeklyRecords,
    QPCR_EXPORTS,
};
pub use cells::iso_date;
pub use cms::{
    analyze_cms, slug, CmsAnalysis, CmsEndpoint, GroupValues, Measure, Shown, WeeklyCourse,
};
pub use cms_output::{cms_results_files, cms_results_json};
pub use deviations::{detectable_effect, Deviation};
pub use events::{score_animal, scores_from_events, ImportedScores};
pub use exports::{FlaggedWell, HPLC_EXPORTS, PLATE_READER_EXPORTS};
pub use fst::{
    read_scores, score_columns, scoring_of, AnimalScores, Exclusion, FstScores, LatencyValue,
};
pub use output::{results_files, results_json, shown_path, ResultsFiles};
pub use run::{
    run_statistics, EndpointAnalysis, EndpointResult, LatencyResult, StudyStatistics, TimeCourse,
};
pub use sheet::{capture_sheet, FilledCell, Sheet};
pub use study::{
    load_study, load_study_blind, scoring_table, InputFile, KeyEntry, Study, StudyMeta,
};

/// A problem with the study folder or one of its cells, located for the scientist.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("{path}: {message}\nhelp: {hint}")]
    Study {
        path: PathBuf,
        message: String,
        hint: String,
    },
    #[error(transparent)]
    Cell(Box<BadCell>),
    #[error(transparent)]
    Ingest(#[from] Box<crate::ingest::IngestError>),
    #[error(transparent)]
    Instrument(#[from] Box<crate::instrument::InstrumentError>),
}

impl From<crate::instrument::InstrumentError> for AnalysisError {
    fn from(e: crate::instrument::InstrumentError) -> Self {
        AnalysisError::Instrument(Box::new(e))
    }
}

impl From<crate::ingest::IngestError> for AnalysisError {
    fn from(e: crate::ingest::IngestError) -> Self {
        AnalysisError::Ingest(Box::new(e))
    }
}

/// One bad cell: file, spreadsheet row, column, the value, what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{path}, row {row}, column `{column}`: `{value}` {problem}\nhelp: {hint}")]
pub struct BadCell {
    pub path: PathBuf,
    pub row: usize,
    pub column: String,
    pub value: String,
    pub problem: String,
    pub hint: String,
}

impl AnalysisError {
    pub(crate) fn cell(
        path: &Path,
        row: usize,
        column: &str,
        value: &str,
        problem: String,
        hint: String,
    ) -> Self {
        AnalysisError::Cell(Box::new(BadCell {
            path: path.to_path_buf(),
            row,
            column: column.to_string(),
            value: value.to_string(),
            problem,
            hint,
        }))
    }
}

/// A study read, scored and analysed.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub study: Study,
    pub scores: FstScores,
    pub statistics: StudyStatistics,
}

impl Analysis {
    /// What the analysis did not do as the protocol planned it.
    pub fn deviations(&self) -> Vec<Deviation> {
        let p = &self.study.protocol;
        let counts: Vec<(usize, usize)> = (0..p.design.groups.len())
            .map(|g| self.group_counts(g))
            .collect();
        let excluded: Vec<deviations::Excluded> = self
            .scores
            .animals
            .iter()
            .filter_map(|x| {
                x.exclusion.as_ref().map(|e| deviations::Excluded {
                    blind_code: &x.blind_code,
                    group: &p.design.groups[x.group].id,
                    reason: &e.reason,
                    prespecified: e.criterion.is_some(),
                })
            })
            .collect();
        let st = &self.statistics;
        let not_analysed: Vec<(String, String)> = p
            .endpoints
            .iter()
            .filter(|e| {
                let scalar = st.endpoints.iter().any(|r| r.name == e.name);
                let latency = st
                    .latency
                    .as_ref()
                    .is_some_and(|l| e.name == format!("latency_{}_s", l.behaviour));
                let course = st
                    .time_course
                    .as_ref()
                    .is_some_and(|t| e.name.starts_with(&format!("{}_per_", t.behaviour)));
                !(scalar || latency || course)
            })
            .map(|e| {
                let why = if e.name.starts_with("latency_") {
                    "no latency was recorded on the scoring sheet".to_string()
                } else {
                    "the scoring sheet has no column that gives it".to_string()
                };
                (e.label.clone(), why)
            })
            .collect();
        let mut not_analysed = not_analysed;
        if !p.analysis.trend_groups.is_empty()
            && st.latency.as_ref().is_none_or(|l| l.trend.is_none())
        {
            not_analysed.push((
                format!(
                    "the planned test for trend over the doses of {}",
                    p.analysis.trend_groups.join(", ")
                ),
                if st.latency.is_none() {
                    "no latency was analysed".to_string()
                } else {
                    "no animal of those groups showed the behaviour, so there is nothing to test"
                        .into()
                },
            ));
        }
        let exploratory: Vec<String> = st
            .endpoints
            .iter()
            .filter(|e| !e.planned)
            .map(|e| e.label.clone())
            .collect();
        deviations::deviations(
            p,
            self.study.meta.n_per_group as usize,
            &counts,
            &excluded,
            &not_analysed,
            &exploratory,
        )
    }

    /// Animals of group `g` in the allocation key, and those analysed (not excluded).
    pub fn group_counts(&self, g: usize) -> (usize, usize) {
        let allocated = self.study.key.iter().filter(|k| k.group == g).count();
        let analysed = self
            .scores
            .animals
            .iter()
            .filter(|x| x.group == g && x.exclusion.is_none())
            .count();
        (allocated, analysed)
    }
}

/// Reads the study at `dir` (scores from `data` when given) and runs its analysis plan.
pub fn analyze(dir: &Path, data: Option<&Path>) -> Result<Analysis, crate::Error> {
    let mut study = load_study(dir)?;
    let columns = score_columns(&study.protocol);
    let table = scoring_table(&mut study, data, &columns)?;
    let scores = read_scores(&study, &table)?;
    for (g, group) in study.protocol.design.groups.iter().enumerate() {
        if !scores
            .animals
            .iter()
            .any(|a| a.group == g && a.exclusion.is_none())
        {
            return Err(AnalysisError::Study {
                path: table.location(),
                message: format!(
                    "group {} ({}) has no animal left to analyse",
                    group.id, group.label
                ),
                hint:
                    "every animal of this group is excluded; check the exclusions before analysing"
                        .into(),
            }
            .into());
        }
    }
    let statistics =
        run_statistics(&study.protocol, &scores).map_err(|e| crate::Error::Analysis {
            path: table.location().display().to_string(),
            source: e,
        })?;
    Ok(Analysis {
        study,
        scores,
        statistics,
    })
}

/// A study of either kind, analysed.
#[derive(Debug, Clone)]
pub enum StudyAnalysis {
    /// A behavioural test scored per animal (forced swim test).
    Scored(Box<Analysis>),
    /// A chronic mild stress study with assay sheets (HPLC, protein, qPCR, Western, weekly).
    Assays(Box<CmsAnalysis>),
}

impl StudyAnalysis {
    /// Every file of `results/`.
    pub fn results_files(&self) -> ResultsFiles {
        match self {
            StudyAnalysis::Scored(a) => results_files(a),
            StudyAnalysis::Assays(c) => cms_results_files(c),
        }
    }

    /// The few lines `preclin analyze` prints.
    pub fn summary(&self, out_dir: &Path) -> String {
        match self {
            StudyAnalysis::Scored(a) => crate::report::analysis_summary(a, out_dir),
            StudyAnalysis::Assays(c) => crate::report::cms_summary(c, out_dir),
        }
    }
}

/// Reads the study at `dir` and runs its analysis plan: the scoring sheet when the protocol
/// scores a test, its assay sheets when it has assays and no scoring.
pub fn analyze_study(dir: &Path, data: Option<&Path>) -> Result<StudyAnalysis, crate::Error> {
    let study = load_study(dir)?;
    if study.protocol.scoring.is_some() || study.protocol.assays.is_empty() {
        return Ok(StudyAnalysis::Scored(Box::new(analyze(dir, data)?)));
    }
    if let Some(path) = data {
        return Err(AnalysisError::Study {
            path: path.to_path_buf(),
            message: format!(
                "--data names a scoring sheet, but protocol {} has assay sheets instead",
                study.protocol.id
            ),
            hint: "put the filled sheets in the study's sheets/ folder (qPCR instrument exports in sheets/qpcr-exports/) and run `preclin analyze STUDY` without --data".into(),
        }
        .into());
    }
    Ok(StudyAnalysis::Assays(Box::new(analyze_cms(dir)?)))
}
