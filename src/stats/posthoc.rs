//! Multiple comparisons after a k-group omnibus test.
//!
//! The parametric methods (all but Games–Howell and Dunn) use the pooled ANOVA error
//! term MS_within and its N − k degrees of freedom, as Prism and R's `TukeyHSD` do.
//! Comparisons are either all pairs — a = the later group, b = the earlier, in the order
//! the groups are given (R's `TukeyHSD` order) — or each treatment versus a control
//! (a = treatment, b = control). `diff` is always mean(a) − mean(b), or the difference of
//! mean ranks for Dunn's test.
//!
//! - Tukey–Kramer (Tukey 1953; Kramer 1956, *Biometrics* 12:307–310): q = |diff| / √(MS/2 ·
//!   (1/nₐ + 1/n_b)) referred to the studentized range with k means.
//! - Dunnett (1955, *JASA* 50:1096–1121): t vs the control, p from the many-to-one
//!   distribution with the exact product correlation of the design.
//! - Games & Howell (1976, *J Educ Stat* 1:113–125): Welch's standard error and df per pair,
//!   referred to the studentized range — for unequal variances.
//! - Fisher's LSD (unadjusted t), Bonferroni, Šídák (single step, with simultaneous CIs),
//!   Holm, Holm–Šídák and Benjamini–Hochberg (step-wise; adjusted p values only).
//! - Dunn (1964, *Technometrics* 6:241–252): z from mean ranks of the pooled sample with the
//!   tie correction, adjusted by Bonferroni or Holm.

use super::adjust::{adjust_p, Adjustment};
use super::descriptive::{shifted_mean, variance};
use super::distributions::{normal_sf, t_quantile, t_sf};
use super::dunnett::{dunnett_lambdas, dunnett_quantile, dunnett_sf};
use super::mannwhitney::{average_ranks, tie_correction_sum};
use super::oneway::one_way_anova;
use super::parallel::parallel_map;
use super::studentized_range::{studentized_range_quantile, studentized_range_sf};
use super::{check_group, StatsError};

/// A post hoc method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosthocMethod {
    Tukey,
    Dunnett,
    GamesHowell,
    Sidak,
    HolmSidak,
    Bonferroni,
    Holm,
    BenjaminiHochberg,
    Lsd,
    Dunn,
}

impl PosthocMethod {
    /// The name used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            PosthocMethod::Tukey => "tukey",
            PosthocMethod::Dunnett => "dunnett",
            PosthocMethod::GamesHowell => "games-howell",
            PosthocMethod::Sidak => "sidak",
            PosthocMethod::HolmSidak => "holm-sidak",
            PosthocMethod::Bonferroni => "bonferroni",
            PosthocMethod::Holm => "holm",
            PosthocMethod::BenjaminiHochberg => "bh",
            PosthocMethod::Lsd => "lsd",
            PosthocMethod::Dunn => "dunn",
        }
    }

    /// The name printed in tables and reports.
    pub fn title(self) -> &'static str {
        match self {
            PosthocMethod::Tukey => "Tukey–Kramer",
            PosthocMethod::Dunnett => "Dunnett",
            PosthocMethod::GamesHowell => "Games–Howell",
            PosthocMethod::Sidak => "Šídák",
            PosthocMethod::HolmSidak => "Holm–Šídák",
            PosthocMethod::Bonferroni => "Bonferroni",
            PosthocMethod::Holm => "Holm",
            PosthocMethod::BenjaminiHochberg => "Benjamini–Hochberg",
            PosthocMethod::Lsd => "Fisher's LSD",
            PosthocMethod::Dunn => "Dunn",
        }
    }

    /// Whether the method compares every group with one control only.
    pub fn is_many_to_one(self) -> bool {
        self == PosthocMethod::Dunnett
    }

    /// Whether the method compares all pairs whatever the control.
    pub fn is_all_pairs(self) -> bool {
        matches!(self, PosthocMethod::Tukey | PosthocMethod::GamesHowell)
    }
}

/// One comparison of group a with group b.
#[derive(Debug, Clone, PartialEq)]
pub struct PairComparison {
    pub a: String,
    pub b: String,
    /// mean(a) − mean(b) (mean ranks for Dunn).
    pub diff: f64,
    pub se: f64,
    /// Simultaneous (or, for LSD, per-comparison) confidence interval of `diff`, when the
    /// method has one.
    pub ci: Option<(f64, f64)>,
    /// q for Tukey–Kramer and Games–Howell, t for the t-based methods, z for Dunn.
    pub statistic: f64,
    /// Degrees of freedom of the statistic; NaN for Dunn's z.
    pub df: f64,
    /// Unadjusted two-sided p value.
    pub p: f64,
    pub p_adj: f64,
}

/// The result of a post hoc procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct Posthoc {
    pub method: PosthocMethod,
    /// "q", "t" or "z".
    pub statistic_name: &'static str,
    /// The control group of many-to-one comparisons.
    pub control: Option<String>,
    /// How Dunn's p values were adjusted.
    pub adjustment: Option<Adjustment>,
    pub confidence_level: f64,
    pub comparisons: Vec<PairComparison>,
}

/// Pairs (a, b) of group indices: all pairs, or every group against `control`.
fn pairs(k: usize, control: Option<usize>) -> Vec<(usize, usize)> {
    match control {
        Some(c) => (0..k).filter(|&i| i != c).map(|i| (i, c)).collect(),
        None => (0..k)
            .flat_map(|b| (b + 1..k).map(move |a| (a, b)))
            .collect(),
    }
}

fn two_sided_t(t: f64, df: f64) -> f64 {
    2.0 * t_sf(t.abs(), df)
}

/// Runs `method` on the groups. `control` is required by Dunnett and makes the other
/// single-step and step-wise methods compare with the control only; `dunn_adjustment`
/// applies to Dunn's test. Intervals are at `1 − alpha`.
pub fn posthoc(
    groups: &[(&str, &[f64])],
    method: PosthocMethod,
    control: Option<usize>,
    alpha: f64,
    dunn_adjustment: Adjustment,
) -> Result<Posthoc, StatsError> {
    let what = method.title();
    if groups.len() < 2 {
        return Err(StatsError::TooFewGroups {
            what,
            needed: 2,
            found: groups.len(),
        });
    }
    // Methods on the pooled variance accept a single value in a group (its comparisons use
    // the pooled SD); Games–Howell needs each group's own variance.
    let min_n = if method == PosthocMethod::GamesHowell {
        2
    } else {
        1
    };
    for (name, x) in groups {
        check_group(what, name, x, min_n)?;
    }
    let control = if method.is_all_pairs() { None } else { control };
    if method.is_many_to_one() && control.is_none() {
        return Err(StatsError::NoControl { what });
    }
    let k = groups.len();
    let level = 1.0 - alpha;
    let pairs = pairs(k, control);
    let name = |i: usize| groups[i].0.to_string();
    // Means relative to one common value: only their differences are used, and these
    // keep their digits even when every value shares many leading ones.
    let centre = groups[0].1.first().copied().unwrap_or(0.0);
    let means: Vec<f64> = groups
        .iter()
        .map(|(_, x)| shifted_mean(x, centre))
        .collect();
    let sizes: Vec<f64> = groups.iter().map(|(_, x)| x.len() as f64).collect();

    let mut comparisons = Vec::with_capacity(pairs.len());
    let mut statistic_name = "t";
    let mut adjustment = None;
    match method {
        PosthocMethod::Dunn => {
            statistic_name = "z";
            adjustment = Some(dunn_adjustment);
            comparisons = dunn(groups, &pairs)?;
            let p: Vec<f64> = comparisons.iter().map(|c| c.p).collect();
            for (c, adj) in comparisons.iter_mut().zip(adjust_p(&p, dunn_adjustment)) {
                c.p_adj = adj;
            }
        }
        PosthocMethod::GamesHowell => {
            statistic_name = "q";
            let mut base = Vec::with_capacity(pairs.len());
            for &(a, b) in &pairs {
                let (va, vb) = (variance(groups[a].1), variance(groups[b].1));
                let (sa, sb) = (va / sizes[a], vb / sizes[b]);
                if sa + sb <= 0.0 {
                    return Err(StatsError::NoSpread {
                        what,
                        group: format!("{} and {}", name(a), name(b)),
                    });
                }
                let df =
                    (sa + sb).powi(2) / (sa * sa / (sizes[a] - 1.0) + sb * sb / (sizes[b] - 1.0));
                base.push((a, b, (sa + sb).sqrt(), df));
            }
            // Each pair has its own df, hence its own p value and quantile.
            let tails = parallel_map(&base, |&(a, b, se, df)| {
                let q = ((means[a] - means[b]) / se).abs() * std::f64::consts::SQRT_2;
                (
                    studentized_range_sf(q, k, df),
                    studentized_range_quantile(level, k, df),
                )
            });
            for (&(a, b, se, df), (p_adj, quantile)) in base.iter().zip(tails) {
                let diff = means[a] - means[b];
                let t = diff / se;
                let half = quantile / std::f64::consts::SQRT_2 * se;
                comparisons.push(PairComparison {
                    a: name(a),
                    b: name(b),
                    diff,
                    se,
                    ci: Some((diff - half, diff + half)),
                    statistic: t.abs() * std::f64::consts::SQRT_2,
                    df,
                    p: two_sided_t(t, df),
                    p_adj,
                });
            }
        }
        _ => {
            let anova = one_way_anova(groups)?;
            let (mse, df) = (anova.ms_within, anova.df_within);
            if mse <= 0.0 {
                return Err(StatsError::NoSpread {
                    what,
                    group: "every group".into(),
                });
            }
            let m = pairs.len() as f64;
            let lambdas = control.map(|c| {
                let treated: Vec<usize> = (0..k)
                    .filter(|&i| i != c)
                    .map(|i| groups[i].1.len())
                    .collect();
                dunnett_lambdas(groups[c].1.len(), &treated)
            });
            // The simultaneous interval's multiplier and the adjusted p values of Tukey and
            // Dunnett are integrals; they are evaluated side by side.
            let stats: Vec<(usize, usize, f64, f64)> = pairs
                .iter()
                .map(|&(a, b)| {
                    let se = (mse * (1.0 / sizes[a] + 1.0 / sizes[b])).sqrt();
                    (a, b, se, (means[a] - means[b]) / se)
                })
                .collect();
            let mut jobs: Vec<Option<f64>> = vec![None];
            jobs.extend(stats.iter().map(|s| Some(s.3)));
            let results = parallel_map(&jobs, |job| match (job, method) {
                (None, PosthocMethod::Tukey) => {
                    studentized_range_quantile(level, k, df) / std::f64::consts::SQRT_2
                }
                (None, PosthocMethod::Dunnett) => lambdas
                    .as_ref()
                    .map_or(f64::NAN, |l| dunnett_quantile(level, l, df)),
                (None, PosthocMethod::Lsd) => t_quantile(1.0 - alpha / 2.0, df),
                (None, PosthocMethod::Bonferroni) => t_quantile(1.0 - alpha / (2.0 * m), df),
                (None, PosthocMethod::Sidak) => {
                    let per = -((1.0 - alpha).ln() / m).exp_m1();
                    t_quantile(1.0 - per / 2.0, df)
                }
                (None, _) => f64::NAN,
                (Some(t), PosthocMethod::Tukey) => {
                    studentized_range_sf(t.abs() * std::f64::consts::SQRT_2, k, df)
                }
                (Some(t), PosthocMethod::Dunnett) => lambdas
                    .as_ref()
                    .map_or(f64::NAN, |l| dunnett_sf(t.abs(), l, df)),
                (Some(t), _) => two_sided_t(*t, df),
            });
            let critical = Some(results[0]).filter(|c| !c.is_nan());
            if method == PosthocMethod::Tukey {
                statistic_name = "q";
            }
            for (&(a, b, se, t), &p_adj) in stats.iter().zip(&results[1..]) {
                let diff = means[a] - means[b];
                let statistic = if method == PosthocMethod::Tukey {
                    t.abs() * std::f64::consts::SQRT_2
                } else {
                    t
                };
                comparisons.push(PairComparison {
                    a: name(a),
                    b: name(b),
                    diff,
                    se,
                    ci: critical.map(|c| (diff - c * se, diff + c * se)),
                    statistic,
                    df,
                    p: two_sided_t(t, df),
                    p_adj,
                });
            }
            let family = match method {
                PosthocMethod::Bonferroni => Some(Adjustment::Bonferroni),
                PosthocMethod::Sidak => Some(Adjustment::Sidak),
                PosthocMethod::Holm => Some(Adjustment::Holm),
                PosthocMethod::HolmSidak => Some(Adjustment::HolmSidak),
                PosthocMethod::BenjaminiHochberg => Some(Adjustment::BenjaminiHochberg),
                _ => None,
            };
            if let Some(adj) = family {
                let p: Vec<f64> = comparisons.iter().map(|c| c.p).collect();
                for (c, v) in comparisons.iter_mut().zip(adjust_p(&p, adj)) {
                    c.p_adj = v;
                }
            }
        }
    }
    Ok(Posthoc {
        method,
        statistic_name,
        control: control.map(name),
        adjustment,
        confidence_level: level,
        comparisons,
    })
}

/// Dunn's z statistics and unadjusted p values for the given pairs.
fn dunn(
    groups: &[(&str, &[f64])],
    pairs: &[(usize, usize)],
) -> Result<Vec<PairComparison>, StatsError> {
    let all: Vec<f64> = groups.iter().flat_map(|(_, x)| x.iter().copied()).collect();
    let n = all.len() as f64;
    let ranks = average_ranks(&all);
    let mut mean_ranks = Vec::with_capacity(groups.len());
    let mut start = 0;
    for (_, x) in groups {
        let r: f64 = ranks[start..start + x.len()].iter().sum();
        mean_ranks.push(r / x.len() as f64);
        start += x.len();
    }
    let ties = tie_correction_sum(&all);
    let variance = n * (n + 1.0) / 12.0 - ties / (12.0 * (n - 1.0));
    if variance <= 0.0 {
        return Err(StatsError::NoSpread {
            what: "Dunn's test",
            group: "all groups together".into(),
        });
    }
    Ok(pairs
        .iter()
        .map(|&(a, b)| {
            let (na, nb) = (groups[a].1.len() as f64, groups[b].1.len() as f64);
            let se = (variance * (1.0 / na + 1.0 / nb)).sqrt();
            let diff = mean_ranks[a] - mean_ranks[b];
            let z = diff / se;
            PairComparison {
                a: groups[a].0.to_string(),
                b: groups[b].0.to_string(),
                diff,
                se,
                ci: None,
                statistic: z,
                df: f64::NAN,
                p: 2.0 * normal_sf(z.abs()),
                p_adj: f64::NAN,
            }
        })
        .collect())
}
