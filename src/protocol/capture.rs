//! The capture sheets a protocol asks for: their columns, types, units and allowed values.
//!
//! The scoring sheet is derived from `[scoring]` (one column per behaviour, per bin or per
//! tally); further sheets come from `[[sheets]]`. Sheets with one row per animal get the
//! identity columns in front (run order, blind code, cage …) and the exclusion columns at the end.

use super::schema::*;

/// A capture sheet as it will be written: the same columns in the CSV and in the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureSheet {
    pub name: String,
    pub title: String,
    pub rows: RowLayout,
    pub free_rows: u32,
    pub weeks: Option<[u32; 2]>,
    pub columns: Vec<CaptureColumn>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaptureColumn {
    pub name: String,
    pub kind: ColumnKind,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub choices: Vec<String>,
    pub choices_from: Option<ChoiceSource>,
    /// Filled in by preclin (identity of the row); locked in the workbook.
    pub prefilled: bool,
    pub required: bool,
    pub description: String,
}

impl CaptureColumn {
    fn new(name: impl Into<String>, kind: ColumnKind, description: impl Into<String>) -> Self {
        CaptureColumn {
            name: name.into(),
            kind,
            min: None,
            max: None,
            choices: Vec::new(),
            choices_from: None,
            prefilled: false,
            required: false,
            description: description.into(),
        }
    }

    fn range(mut self, min: f64, max: f64) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }

    fn prefilled(mut self) -> Self {
        self.prefilled = true;
        self
    }

    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The capture column of a `[[sheets.columns]]` entry.
    pub fn from_spec(spec: &ColumnSpec) -> Self {
        CaptureColumn {
            name: spec.name.clone(),
            kind: spec.kind,
            min: spec.min,
            max: spec.max,
            choices: spec.choices.clone(),
            choices_from: spec.choices_from,
            prefilled: false,
            required: spec.required,
            description: spec.description.clone().unwrap_or_default(),
        }
    }
}

/// Default number of blank rows for a sheet with `rows = "free"`.
pub const DEFAULT_FREE_ROWS: u32 = 60;

/// Every capture sheet of a protocol, scoring sheet first.
pub fn capture_sheets(p: &Protocol) -> Vec<CaptureSheet> {
    let mut sheets = Vec::new();
    if let Some(scoring) = &p.scoring {
        sheets.push(scoring_sheet(p, scoring));
    }
    for spec in &p.sheets {
        let mut columns = match spec.rows {
            RowLayout::Animals => animal_identity_columns(p),
            RowLayout::AnimalWeeks => {
                let mut cols = animal_identity_columns(p);
                cols.push(
                    CaptureColumn::new("week", ColumnKind::Integer, "study week (0 = baseline)")
                        .prefilled(),
                );
                cols
            }
            RowLayout::Free => Vec::new(),
        };
        columns.extend(spec.columns.iter().map(CaptureColumn::from_spec));
        if spec.rows == RowLayout::Animals {
            columns.extend(exclusion_columns(p));
        } else if spec.rows == RowLayout::AnimalWeeks {
            columns.push(CaptureColumn::new(
                "notes",
                ColumnKind::Text,
                "anything unusual",
            ));
        }
        sheets.push(CaptureSheet {
            name: spec.name.clone(),
            title: spec.title.clone(),
            rows: spec.rows,
            free_rows: spec.free_rows.unwrap_or(DEFAULT_FREE_ROWS),
            weeks: spec.weeks,
            columns,
        });
    }
    sheets
}

/// Names of every column of every capture sheet (used to check exclusion rules).
pub fn known_columns(p: &Protocol) -> Vec<String> {
    capture_sheets(p)
        .into_iter()
        .flat_map(|s| s.columns.into_iter().map(|c| c.name))
        .collect()
}

fn animal_identity_columns(p: &Protocol) -> Vec<CaptureColumn> {
    let mut cols = vec![
        CaptureColumn::new("run_order", ColumnKind::Integer, "testing order").prefilled(),
        CaptureColumn::new("blind_code", ColumnKind::Text, "coded animal identity").prefilled(),
        CaptureColumn::new("cage", ColumnKind::Integer, "home cage number").prefilled(),
    ];
    if p.randomisation.batch_size.is_some() {
        cols.push(CaptureColumn::new("batch", ColumnKind::Integer, "testing batch").prefilled());
    }
    cols
}

fn exclusion_columns(p: &Protocol) -> Vec<CaptureColumn> {
    let mut reasons: Vec<String> = p.exclusions.iter().map(|e| e.id.clone()).collect();
    reasons.push("other".to_string());
    let mut reason = CaptureColumn::new(
        "exclusion_reason",
        ColumnKind::Choice,
        "the protocol's exclusion criterion; `other` needs a note",
    );
    reason.choices = reasons;
    vec![
        CaptureColumn::new(
            "excluded",
            ColumnKind::YesNo,
            "yes if the animal is excluded",
        ),
        reason,
        CaptureColumn::new("notes", ColumnKind::Text, "anything unusual"),
    ]
}

/// Plausible body weights (g) for data validation; wide enough for any adult animal.
fn body_weight_range_g(species: Species) -> (f64, f64) {
    match species {
        Species::Mouse => (5.0, 100.0),
        Species::Rat => (30.0, 1200.0),
    }
}

fn scoring_sheet(p: &Protocol, s: &Scoring) -> CaptureSheet {
    let mut columns = animal_identity_columns(p);
    columns.push(CaptureColumn::new(
        "test_date",
        ColumnKind::Date,
        "date of the scored session (YYYY-MM-DD)",
    ));
    let (w_lo, w_hi) = body_weight_range_g(p.animals.species);
    columns.push(
        CaptureColumn::new(
            "body_weight_g",
            ColumnKind::Number,
            "body weight on the test day",
        )
        .range(w_lo, w_hi),
    );
    if p.apparatus
        .as_ref()
        .is_some_and(|a| a.water_temperature_recorded_per_trial)
    {
        columns.push(
            CaptureColumn::new(
                "water_temperature_c",
                ColumnKind::Number,
                "water temperature at the start of the trial",
            )
            .range(0.0, 45.0),
        );
    }
    let window = s.window_end_s - s.window_start_s;
    let window_text = format!("{}–{} s", s.window_start_s, s.window_end_s);
    match s.method {
        ScoringMethod::Continuous => {
            for b in &s.behaviours {
                columns.push(
                    CaptureColumn::new(
                        format!("{}_s", b.name),
                        ColumnKind::Number,
                        format!(
                            "total time of {} in the scoring window ({window_text})",
                            b.name
                        ),
                    )
                    .range(0.0, window)
                    .required(),
                );
            }
        }
        ScoringMethod::Bins => {
            let width = s.bin_width_s.unwrap_or(60.0);
            let session = p
                .sessions
                .iter()
                .find(|x| x.name == s.session)
                .map_or(s.window_end_s, |x| x.duration_s);
            let bins = (session / width).round() as usize;
            for b in &s.behaviours {
                for k in 0..bins {
                    let (from, to) = (k as f64 * width, (k + 1) as f64 * width);
                    columns.push(
                        CaptureColumn::new(
                            bin_column(&b.name, k, width),
                            ColumnKind::Number,
                            format!("time of {} in {from}–{to} s", b.name),
                        )
                        .range(0.0, width),
                    );
                }
            }
        }
        ScoringMethod::TimeSampling => {
            let dt = s.sampling_interval_s.unwrap_or(5.0);
            let samples = (window / dt).round();
            for b in &s.behaviours {
                columns.push(
                    CaptureColumn::new(
                        format!("{}_count", b.name),
                        ColumnKind::Integer,
                        format!("number of {dt}-s samples scored as {} ({window_text}, {samples} samples)", b.name),
                    )
                    .range(0.0, samples)
                    .required(),
                );
            }
        }
    }
    if let Some(l) = &s.latency {
        let session = p
            .sessions
            .iter()
            .find(|x| x.name == s.session)
            .map_or(s.window_end_s, |x| x.duration_s);
        let origin = match l.measured_from {
            LatencyOrigin::SessionStart => 0.0,
            LatencyOrigin::WindowStart => s.window_start_s,
        };
        let censor = match l.censored_at {
            CensorPoint::WindowEnd => s.window_end_s,
            CensorPoint::SessionEnd => session,
        };
        columns.push(
            CaptureColumn::new(
                format!("latency_{}_s", l.behaviour),
                ColumnKind::Number,
                format!(
                    "time to the first bout of {}; leave empty if it never occurred (censored at {} s)",
                    l.behaviour,
                    censor - origin
                ),
            )
            .range(0.0, censor - origin),
        );
    }
    columns.extend(exclusion_columns(p));
    let session_name = &s.session;
    CaptureSheet {
        name: "scoring".to_string(),
        title: format!("Scoring of the {session_name} session ({window_text})"),
        rows: RowLayout::Animals,
        free_rows: 0,
        weeks: None,
        columns,
    }
}

/// Column name of one bin: per minute when bins are 60 s wide (`immobility_min3_s`).
pub fn bin_column(behaviour: &str, index: usize, width_s: f64) -> String {
    if width_s == 60.0 {
        format!("{behaviour}_min{}_s", index + 1)
    } else {
        format!("{behaviour}_bin{}_s", index + 1)
    }
}
