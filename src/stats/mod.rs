//! Pure numerics for group comparisons, time-to-event (latency) data and power: functions
//! on `&[f64]` and small result structs. No files, no data frames. Every method cites its
//! source and is tested against published reference values (NIST StRD, R, mpmath).

mod adjust;
mod agreement;
mod calibration;
mod compare;
mod descriptive;
mod distributions;
mod dunnett;
mod effect;
mod factorial;
mod kgroups;
mod linear;
mod logistic;
mod mannwhitney;
mod normality;
mod oneway;
mod outliers;
mod parallel;
pub(crate) use parallel::parallel_map;
mod posthoc;
mod power;
mod quadrature;
mod repeated;
mod studentized_range;
mod sum;
mod survival;
mod ttest;

pub use adjust::{adjust_p, Adjustment};
pub use agreement::{bland_altman, intraclass, BlandAltman, Icc, IccKind};
pub use calibration::{
    best_weighting, fit_calibration, inverse_predict, CalibrationFit, CurveModel,
    InversePrediction, StandardResult, Weighting,
};
pub use compare::{
    check_assumptions, compare, Assumptions, CompareOptions, Comparison, Difference, EffectSize,
    Omnibus, OmnibusTest,
};
pub use descriptive::{describe, describe_centred, mean, quantile_type7, variance, Descriptives};
pub use distributions::{normal_cdf, normal_quantile, normal_sf};
pub use dunnett::{dunnett_cdf, dunnett_lambdas, dunnett_quantile, dunnett_sf};
pub use effect::{
    eta_squared, hedges_correction, noncentral_t_cdf, noncentral_t_sf, noncentrality_interval,
    omega_squared, standardised_difference, StandardisedDifference,
};
pub use factorial::{
    factorial_anova, simple_effects, simple_pairwise_sidak, AnovaTerm, Cell, CellComparison,
    Factor, FactorialAnova, SimpleEffect, SsType,
};
pub use kgroups::{
    bartlett, brown_forsythe_means, brown_forsythe_variances, chi_squared_sf, kruskal_wallis,
    welch_anova, TestResult,
};
pub use logistic::{fit_four_parameter_logistic, LogisticFit};
pub use mannwhitney::{average_ranks, mann_whitney, MannWhitney};
pub use normality::{dagostino_pearson, shapiro_wilk};
pub use oneway::{one_way_anova, OneWayAnova};
pub use outliers::{grubbs, grubbs_outliers, iqr_outliers, Outlier};
pub use posthoc::{posthoc, PairComparison, Posthoc, PosthocMethod};
pub use power::{noncentral_f_cdf, noncentral_f_sf, power, sample_size, PowerDesign, SampleSize};
pub use repeated::{
    repeated_measures_anova, BetweenFactor, RepeatedDesign, RmAnova, RmTerm, Sphericity,
};
pub use studentized_range::{
    studentized_range_cdf, studentized_range_quantile, studentized_range_sf,
};
pub use sum::NeumaierSum;
pub use survival::{
    kaplan_meier, log_rank, log_rank_trend, KaplanMeier, KmStep, LogRank, LogRankTrend,
    MedianSurvival,
};
pub use ttest::{two_sample_t, TTest, TTestKind};

/// Why a statistic cannot be computed for the data given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("{what} needs at least {needed} values, but {group} has {found}")]
    TooFewValues {
        what: &'static str,
        group: String,
        needed: usize,
        found: usize,
    },
    #[error("{what} accepts at most {limit} values, but {group} has {found}")]
    TooManyValues {
        what: &'static str,
        group: String,
        limit: usize,
        found: usize,
    },
    #[error("{what} needs at least {needed} groups, found {found}")]
    TooFewGroups {
        what: &'static str,
        needed: usize,
        found: usize,
    },
    #[error("{what} needs values that vary, but all values of {group} are equal")]
    NoSpread { what: &'static str, group: String },
    #[error("{what} needs {needed} groups, found {found}")]
    WrongGroupCount {
        what: &'static str,
        needed: &'static str,
        found: usize,
    },
    #[error("{what} compares groups with a control group; name it with --control")]
    NoControl { what: &'static str },
    #[error("{what}: {expected} values but {found} labels")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("{what} needs at least 2 levels of {factor}, found {found}")]
    TooFewLevels {
        what: &'static str,
        factor: String,
        found: usize,
    },
    #[error("{what} needs data in every combination of levels, but cell {cell} is empty")]
    EmptyCell { what: &'static str, cell: String },
    #[error("{what} needs at least {needed} distinct standard concentrations, found {found}")]
    TooFewStandards {
        what: &'static str,
        needed: usize,
        found: usize,
    },
    #[error("{what} could not be fitted: {reason}")]
    NotConverged { what: &'static str, reason: String },
    #[error("{group} contains a value that is not a finite number ({value})")]
    NotFinite { group: String, value: f64 },
    #[error(
        "{what} needs one event flag per time, but {group} has {times} times and {events} flags"
    )]
    EventCountMismatch {
        what: &'static str,
        group: String,
        times: usize,
        events: usize,
    },
    #[error("{group} contains a negative time ({value}); times are counted from 0")]
    NegativeTime { group: String, value: f64 },
    #[error("{what} needs at least one event, but no subject in {groups} had one")]
    NoEvents { what: &'static str, groups: String },
    #[error("{what} is undefined: {reason}")]
    Undefined {
        what: &'static str,
        reason: &'static str,
    },
    #[error("{what} needs one score per group, but {groups} groups have {scores} scores")]
    ScoreCount {
        what: &'static str,
        groups: usize,
        scores: usize,
    },
    #[error("{what}: {name} must be {expected}, but is {value}")]
    OutOfRange {
        what: &'static str,
        name: &'static str,
        expected: &'static str,
        value: f64,
    },
    #[error("{what} would need more than {limit} subjects per group")]
    SampleTooLarge { what: &'static str, limit: f64 },
}

impl StatsError {
    /// What the user can do about it, for the `help:` line.
    pub fn hint(&self) -> String {
        use StatsError::*;
        match self {
            TooFewValues { group, needed, .. } => format!("give {group} at least {needed} values, or choose a method that accepts fewer"),
            TooManyValues { .. } => "split the data, or choose a method without this limit".into(),
            TooFewGroups { needed, .. } => format!("the group column must hold at least {needed} different labels; check that --group names the right column"),
            NoSpread { .. } => "a comparison needs some spread within the groups; check that the value column holds the measurements".into(),
            WrongGroupCount { .. } => "choose a test for this number of groups: t tests and Mann–Whitney compare two, ANOVA and Kruskal–Wallis several".into(),
            NoControl { .. } => "name the control group with --control GROUP".into(),
            LengthMismatch { .. } => "every value needs its label; check for blank cells".into(),
            TooFewLevels { factor, .. } => format!("check that `{factor}` is the factor's column and holds at least two levels"),
            EmptyCell { .. } => "every combination of the factors' levels needs data; analyse the cells present one-way instead".into(),
            TooFewStandards { .. } => "add standards at more concentrations".into(),
            NotConverged { .. } => "check the data for a value typed wrong, or choose a simpler model".into(),
            NotFinite { .. } => "replace the value by a finite number, or leave the cell empty".into(),
            EventCountMismatch { .. } => "give one event flag (1 = event, 0 = censored) per time".into(),
            NegativeTime { .. } => "times are counted from the start of the observation; check the value".into(),
            NoEvents { .. } => "without any event the groups' curves cannot be compared; check the event column".into(),
            Undefined { .. } => "check the data for a value typed wrong or a group with too few values".into(),
            ScoreCount { groups, .. } => format!("give {groups} scores, one per group"),
            OutOfRange { name, expected, .. } => format!("give {name} as {expected}"),
            SampleTooLarge { .. } => "aim at a larger effect or a lower power".into(),
        }
    }
}

/// Checks one group before a method uses it: every value finite, at least `min_n` values.
pub(crate) fn check_group(
    what: &'static str,
    group: &str,
    values: &[f64],
    min_n: usize,
) -> Result<(), StatsError> {
    if let Some(&value) = values.iter().find(|v| !v.is_finite()) {
        return Err(StatsError::NotFinite {
            group: group.to_string(),
            value,
        });
    }
    if values.len() < min_n {
        return Err(StatsError::TooFewValues {
            what,
            group: group.to_string(),
            needed: min_n,
            found: values.len(),
        });
    }
    Ok(())
}
