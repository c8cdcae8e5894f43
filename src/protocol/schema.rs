//! The protocol file format: serde types for `protocols/*.toml`.
//!
//! Field names carry their units (`duration_s`, `water_depth_cm`, `volume_ml_per_kg`).
//! Every table rejects unknown keys so that a typo is reported instead of being ignored.
//! `docs/protocol-format.md` documents each field with an example.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A complete experimental protocol: who, what, how it is scored, how it is analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    /// Short identifier used on the command line, e.g. `fst-mouse`.
    pub id: String,
    pub version: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    pub animals: Animals,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apparatus: Option<SwimCylinder>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<Session>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    pub design: Design,
    pub randomisation: Randomisation,
    pub blinding: Blinding,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<ExclusionCriterion>,
    pub endpoints: Vec<Endpoint>,
    pub analysis: AnalysisPlan,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stress: Option<StressRegimen>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assays: Vec<Assay>,
    /// Capture sheets beyond the scoring sheet derived from `[scoring]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<SheetSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrive: Option<Arrive>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub citation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Species {
    Mouse,
    Rat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sex {
    Male,
    Female,
    Both,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Animals {
    pub species: Species,
    pub strain: String,
    pub sex: Sex,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_min_g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_max_g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_min_weeks: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_max_weeks: Option<f64>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acclimatisation_days: Option<u32>,
    pub housing: Housing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Housing {
    pub animals_per_cage: u32,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light_cycle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_temperature_c: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApparatusKind {
    SwimCylinder,
}

/// The water-filled cylinder of the forced swim test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwimCylinder {
    pub kind: ApparatusKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub material: Option<String>,
    pub cylinder_height_cm: f64,
    pub cylinder_diameter_cm: f64,
    pub water_depth_cm: f64,
    pub water_temperature_min_c: f64,
    pub water_temperature_max_c: f64,
    /// When true, the scoring sheet has a `water_temperature_c` column for every trial.
    #[serde(default)]
    pub water_temperature_recorded_per_trial: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub water_change: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub name: String,
    pub duration_s: f64,
    /// Hours between the start of the previous session and this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_after_previous_h: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScoringMethod {
    /// Every bout is logged with start and stop (stopwatch totals or BORIS).
    Continuous,
    /// The predominant behaviour is recorded once per sampling interval.
    TimeSampling,
    /// Time spent in a behaviour is recorded per fixed-width bin (e.g. per minute).
    Bins,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// The session (by name) that is scored.
    pub session: String,
    pub window_start_s: f64,
    pub window_end_s: f64,
    pub method: ScoringMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling_interval_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin_width_s: Option<f64>,
    /// Bouts shorter than this are not counted as bouts of the behaviour.
    #[serde(default)]
    pub min_bout_s: f64,
    pub behaviours: Vec<Behaviour>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// Key or code used in BORIS or on the tally sheet.
    pub code: String,
    /// Name used in column headers, e.g. `immobility`.
    pub name: String,
    pub definition: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyOrigin {
    SessionStart,
    WindowStart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CensorPoint {
    WindowEnd,
    SessionEnd,
}

/// Latency to the first bout of a behaviour; right-censored when it never occurs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    pub behaviour: String,
    pub measured_from: LatencyOrigin,
    pub censored_at: CensorPoint,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    pub factors: Vec<Factor>,
    pub groups: Vec<Group>,
    pub control_group: String,
    pub n_per_group: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub name: String,
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Short identifier, e.g. `VEH` or `IMI-ZN`.
    pub id: String,
    pub label: String,
    /// The level of every factor for this group: `{ drug = "imipramine", zinc = "vehicle" }`.
    pub levels: BTreeMap<String, String>,
    pub treatments: Vec<Treatment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DoseUnit {
    #[serde(rename = "mg/kg")]
    MgPerKg,
    #[serde(rename = "mg/kg/day")]
    MgPerKgPerDay,
    #[serde(rename = "ug/kg", alias = "µg/kg")]
    UgPerKg,
    #[serde(rename = "mL/kg", alias = "ml/kg")]
    MlPerKg,
}

impl DoseUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            DoseUnit::MgPerKg => "mg/kg",
            DoseUnit::MgPerKgPerDay => "mg/kg/day",
            DoseUnit::UgPerKg => "µg/kg",
            DoseUnit::MlPerKg => "mL/kg",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Route {
    #[serde(rename = "i.p.", alias = "ip")]
    Intraperitoneal,
    #[serde(rename = "p.o.", alias = "po")]
    Oral,
    #[serde(rename = "s.c.", alias = "sc")]
    Subcutaneous,
    #[serde(rename = "i.v.", alias = "iv")]
    Intravenous,
    #[serde(rename = "drinking-water")]
    DrinkingWater,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Intraperitoneal => "i.p.",
            Route::Oral => "p.o.",
            Route::Subcutaneous => "s.c.",
            Route::Intravenous => "i.v.",
            Route::DrinkingWater => "drinking water",
        }
    }
}

/// One administration given to every animal of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    pub compound: String,
    pub dose: f64,
    pub dose_unit: DoseUnit,
    pub route: Route,
    pub vehicle: String,
    pub volume_ml_per_kg: f64,
    /// Minutes between administration and the test (acute dosing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretreatment_min: Option<f64>,
    /// Repeated dosing, e.g. "once daily, weeks 3–7".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regimen: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RandomisationMethod {
    /// A random permutation of the whole study, balanced only in total.
    Complete,
    /// Permuted blocks: every cage or batch holds each group equally often.
    Blocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockBy {
    Cage,
    Batch,
}

impl BlockBy {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockBy::Cage => "cage",
            BlockBy::Batch => "batch",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Randomisation {
    pub method: RandomisationMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_by: Option<BlockBy>,
    /// Animals tested in one batch (e.g. one morning); needed when blocking by batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blinding {
    /// Who does not know the allocation, e.g. `["experimenter", "scorer", "analyst"]`.
    pub blinded: Vec<String>,
    /// Solutions are labelled with letter codes by a person not involved in testing.
    #[serde(default)]
    pub coded_solutions: bool,
    /// First character(s) of every animal's blind code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_prefix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExclusionStage {
    BeforeTreatment,
    BeforeTest,
    DuringTest,
    AtAnalysis,
}

/// A pre-registered reason to exclude an animal. With `column` and `min`/`max`, the
/// criterion is checked automatically on the capture sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusionCriterion {
    pub id: String,
    pub description: String,
    pub stage: ExclusionStage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    pub label: String,
    pub unit: String,
    #[serde(default)]
    pub primary: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OmnibusTest {
    Auto,
    Anova,
    WelchAnova,
    BrownForsythe,
    Kruskal,
    T,
    WelchT,
    MannWhitney,
    TwoWayAnova,
    MixedAnova,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostHoc {
    Auto,
    Tukey,
    Dunnett,
    GamesHowell,
    Sidak,
    HolmSidak,
    Bonferroni,
    Holm,
    Bh,
    Lsd,
    Dunn,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComparisonSet {
    VsControl,
    AllPairs,
    Planned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SummaryStyle {
    MeanSem,
    MeanSd,
    MedianIqr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisPlan {
    pub omnibus: OmnibusTest,
    pub posthoc: PostHoc,
    pub alpha: f64,
    pub comparisons: ComparisonSet,
    /// Pairs of group ids, when `comparisons = "planned"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub planned_pairs: Vec<[String; 2]>,
    /// Groups of one compound in increasing dose (vehicle first if wanted): the latency is
    /// then tested for a trend over their doses. No trend test without it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend_groups: Vec<String>,
    /// Sums of squares for factorial ANOVA (1, 2 or 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ss_type: Option<u8>,
    pub summary: SummaryStyle,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Chronic mild stress: which animals are stressed, for how long, and with what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StressRegimen {
    /// The design factor and level that receive the stressors, e.g. `stress` = `CMS`.
    pub factor: String,
    pub level: String,
    pub weeks: u32,
    /// First week (1-based) of drug treatment while stress continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treatment_start_week: Option<u32>,
    pub stressors: Vec<Stressor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sucrose_test: Option<SucroseTest>,
}

/// Each week's two periods per day (day and overnight) are filled with these stressors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stressor {
    pub name: String,
    pub duration_h: f64,
    pub per_week: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SucroseTest {
    pub sucrose_pct: f64,
    pub duration_h: f64,
    pub deprivation_h: f64,
    /// 1 = Monday … 7 = Sunday.
    pub day_of_week: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssayKind {
    HplcActivity,
    ProteinAssay,
    Qpcr,
    WesternBlot,
    SucrosePreference,
    BodyWeight,
}

/// A probe reaction: the isoform, its selective substrate and the metabolite measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeReaction {
    pub isoform: String,
    pub substrate: String,
    pub reaction: String,
    pub metabolite: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substrate_um: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assay {
    pub id: String,
    pub kind: AssayKind,
    pub title: String,
    /// Names of the capture sheets that hold this assay's data.
    pub sheets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ProbeReaction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_genes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loading_control: Option<String>,
    /// HPLC and protein curves: the shape fitted (default: a straight line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<CurveShape>,
    /// Protein assay: the read (nm) taken from a plate-reader export that holds several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wavelength_nm: Option<u32>,
    /// HPLC curves: the weighting; when absent, the one with the smallest Σ|%RE|.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<CurveWeighting>,
    /// qPCR: a Cq above this counts as no amplification (default 35).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cq: Option<f64>,
    /// qPCR: the Cq given to wells that did not amplify; when absent they are left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undetermined_cq: Option<f64>,
    /// qPCR: technical replicates with a larger SD are flagged (default 0.5 cycles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicate_sd: Option<f64>,
    /// qPCR: amplification efficiency E = 1 + efficiency per gene (targets and reference
    /// genes), from standard curves; when given, Pfaffl's ratio is reported as well.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub efficiencies: BTreeMap<String, f64>,
}

/// The shape of a standard curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CurveShape {
    #[serde(rename = "linear")]
    Linear,
    #[serde(rename = "quadratic")]
    Quadratic,
    /// Four-parameter logistic (protein assays by Lowry or BCA at high concentrations).
    #[serde(rename = "4pl")]
    FourParameterLogistic,
}

/// The weighting of a calibration fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CurveWeighting {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "1/x")]
    InverseX,
    #[serde(rename = "1/x2")]
    InverseX2,
    #[serde(rename = "1/y2")]
    InverseY2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowLayout {
    /// One pre-filled row per animal, in run order.
    Animals,
    /// One pre-filled row per animal and week.
    AnimalWeeks,
    /// Empty rows for entries such as standards or wells.
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnKind {
    Number,
    Integer,
    Text,
    Choice,
    Date,
    YesNo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChoiceSource {
    BlindCodes,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetSpec {
    /// File stem and worksheet name, e.g. `hplc-standards`.
    pub name: String,
    pub title: String,
    pub rows: RowLayout,
    /// Number of blank rows prepared when `rows = "free"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_rows: Option<u32>,
    /// First and last week, when `rows = "animal-weeks"` (0 = baseline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<[u32; 2]>,
    pub columns: Vec<ColumnSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Header, with the unit as suffix: `peak_area`, `protein_mg_per_ml`, `cq`.
    pub name: String,
    pub kind: ColumnKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices_from: Option<ChoiceSource>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// ARRIVE 2.0 Essential 10 items that need words beyond what the protocol already states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrive {
    pub experimental_unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_size_justification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethics_approval: Option<String>,
}
