//! The statistics of a forced swim test study, chosen by the protocol's analysis plan:
//! one factor → `stats::compare` (assumption checks, the test, post hoc vs control or all
//! pairs, effect sizes); two factors → factorial ANOVA (interaction first, simple main
//! effects, post hoc on cells); per-bin scores → group × bin repeated-measures ANOVA over
//! the bins in the scoring window; latency → Kaplan–Meier and log-rank (trend over doses).
//! Every test runs on values centred on the first one, as `preclin stats` does.

use super::fst::{AnimalScores, FstScores};
use crate::protocol::{self, AnalysisPlan, ComparisonSet, OmnibusTest as PlanTest, PostHoc};
use crate::report::{CellPosthoc, CellSummary};
use crate::stats::{
    self, Adjustment, CompareOptions, Comparison, Factor, FactorialAnova, KaplanMeier, LogRank,
    LogRankTrend, OmnibusTest, PosthocMethod, RepeatedDesign, RmAnova, SimpleEffect, SsType,
    StatsError,
};

/// The analysis of one scalar endpoint.
#[derive(Debug, Clone)]
pub enum EndpointAnalysis {
    Groups(Comparison),
    Factorial {
        anova: FactorialAnova,
        cells: Vec<CellSummary>,
        simple: Vec<SimpleEffect>,
        posthoc: Option<CellPosthoc>,
        warnings: Vec<String>,
    },
}

/// A scalar endpoint: its values per group (analysed animals) and their analysis.
#[derive(Debug, Clone)]
pub struct EndpointResult {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub primary: bool,
    /// One of the protocol's endpoints; false for another scored column, analysed as
    /// exploratory.
    pub planned: bool,
    /// Per group (protocol order): (blind code, value).
    pub values: Vec<Vec<(String, f64)>>,
    pub analysis: EndpointAnalysis,
}

/// The group × bin analysis of per-bin scores.
#[derive(Debug, Clone)]
pub struct TimeCourse {
    pub behaviour: String,
    pub bin_labels: Vec<String>,
    pub bin_width_s: f64,
    /// Per group, per bin of the session: (mean, SEM, n).
    pub summary: Vec<Vec<(f64, f64, usize)>>,
    pub anova: RmAnova,
    pub within_levels: Vec<String>,
}

/// Latency to the first bout: Kaplan–Meier per group, log-rank and trend tests.
#[derive(Debug, Clone)]
pub struct LatencyResult {
    pub behaviour: String,
    pub censor_s: f64,
    pub curves: Vec<KaplanMeier>,
    pub logrank: Option<LogRank>,
    /// The test for trend the plan declares (`trend_groups`): the groups' doses as scores.
    pub trend: Option<(Vec<f64>, LogRankTrend)>,
    /// The groups of the trend test, in dose order.
    pub trend_groups: Vec<String>,
}

/// Everything the statistics produced.
#[derive(Debug, Clone)]
pub struct StudyStatistics {
    pub endpoints: Vec<EndpointResult>,
    pub time_course: Option<TimeCourse>,
    pub latency: Option<LatencyResult>,
}

fn test_of(t: PlanTest) -> Option<OmnibusTest> {
    match t {
        PlanTest::Anova => Some(OmnibusTest::Anova),
        PlanTest::WelchAnova => Some(OmnibusTest::WelchAnova),
        PlanTest::BrownForsythe => Some(OmnibusTest::BrownForsythe),
        PlanTest::Kruskal => Some(OmnibusTest::KruskalWallis),
        PlanTest::T => Some(OmnibusTest::StudentT),
        PlanTest::WelchT => Some(OmnibusTest::WelchT),
        PlanTest::MannWhitney => Some(OmnibusTest::MannWhitney),
        PlanTest::Auto | PlanTest::TwoWayAnova | PlanTest::MixedAnova => None,
    }
}

fn posthoc_of(p: PostHoc) -> Option<Option<PosthocMethod>> {
    Some(Some(match p {
        PostHoc::Auto => return None,
        PostHoc::None => return Some(None),
        PostHoc::Tukey => PosthocMethod::Tukey,
        PostHoc::Dunnett => PosthocMethod::Dunnett,
        PostHoc::GamesHowell => PosthocMethod::GamesHowell,
        PostHoc::Sidak => PosthocMethod::Sidak,
        PostHoc::HolmSidak => PosthocMethod::HolmSidak,
        PostHoc::Bonferroni => PosthocMethod::Bonferroni,
        PostHoc::Holm => PosthocMethod::Holm,
        PostHoc::Bh => PosthocMethod::BenjaminiHochberg,
        PostHoc::Lsd => PosthocMethod::Lsd,
        PostHoc::Dunn => PosthocMethod::Dunn,
    }))
}

fn analysed(scores: &FstScores) -> impl Iterator<Item = &AnimalScores> {
    scores.animals.iter().filter(|a| a.exclusion.is_none())
}

/// Values of `column` per group (protocol order) among the analysed animals.
fn values_by_group(scores: &FstScores, groups: usize, column: &str) -> Vec<Vec<(String, f64)>> {
    let mut out = vec![Vec::new(); groups];
    for a in analysed(scores) {
        if let Some(v) = a.values.get(column) {
            out[a.group].push((a.blind_code.clone(), *v));
        }
    }
    out
}

/// The first value of all groups: every test runs on the differences from it.
fn centre_of(values: &[Vec<(String, f64)>]) -> f64 {
    values
        .iter()
        .flatten()
        .map(|(_, v)| *v)
        .next()
        .unwrap_or(0.0)
}

fn one_factor(
    p: &protocol::Protocol,
    values: &[Vec<(String, f64)>],
) -> Result<Comparison, StatsError> {
    let plan: &AnalysisPlan = &p.analysis;
    let centre = centre_of(values);
    let deviations: Vec<Vec<f64>> = values
        .iter()
        .map(|g| g.iter().map(|(_, v)| v - centre).collect())
        .collect();
    let groups: Vec<(&str, &[f64])> = p
        .design
        .groups
        .iter()
        .zip(&deviations)
        .map(|(g, d)| (g.id.as_str(), d.as_slice()))
        .collect();
    let control = (plan.comparisons == ComparisonSet::VsControl)
        .then(|| {
            p.design
                .groups
                .iter()
                .position(|g| g.id == p.design.control_group)
        })
        .flatten();
    let options = CompareOptions {
        test: test_of(plan.omnibus),
        posthoc: posthoc_of(plan.posthoc),
        control,
        alpha: plan.alpha,
        dunn_adjustment: Adjustment::Bonferroni,
    };
    let mut result = stats::compare(&groups, &options)?;
    for (_, d) in result.groups.iter_mut() {
        *d = d.shifted_by(centre);
    }
    Ok(result)
}

pub(super) fn factorial(
    p: &protocol::Protocol,
    values: &[Vec<(String, f64)>],
) -> Result<EndpointAnalysis, StatsError> {
    let plan = &p.analysis;
    let centre = centre_of(values);
    let factor_levels: Vec<Vec<String>> =
        p.design.factors.iter().map(|f| f.levels.clone()).collect();
    let mut codes: Vec<Vec<usize>> = vec![Vec::new(); p.design.factors.len()];
    let mut y = Vec::new();
    for (g, group) in p.design.groups.iter().enumerate() {
        for (_, v) in &values[g] {
            y.push(v - centre);
            for (f, factor) in p.design.factors.iter().enumerate() {
                let level = group
                    .levels
                    .get(&factor.name)
                    .map(String::as_str)
                    .unwrap_or("");
                let code = factor.levels.iter().position(|l| l == level).unwrap_or(0);
                codes[f].push(code);
            }
        }
    }
    let factors: Vec<Factor> = p
        .design
        .factors
        .iter()
        .zip(&factor_levels)
        .zip(&codes)
        .map(|((f, levels), codes)| Factor {
            name: &f.name,
            levels,
            codes,
        })
        .collect();
    let ss_type = match plan.ss_type.unwrap_or(3) {
        1 => SsType::I,
        2 => SsType::II,
        _ => SsType::III,
    };
    let anova = stats::factorial_anova(&factors, &y, ss_type)?;
    let mut by_cell: Vec<Vec<f64>> = vec![Vec::new(); anova.cells.len()];
    for (i, v) in y.iter().enumerate() {
        let levels: Vec<usize> = codes.iter().map(|c| c[i]).collect();
        if let Some(c) = anova.cells.iter().position(|c| c.levels == levels) {
            by_cell[c].push(*v);
        }
    }
    let cells = CellSummary::of_cells(&anova, &by_cell, centre);
    let simple = stats::simple_effects(&anova);
    let groups: Vec<(&str, &[f64])> = anova
        .cells
        .iter()
        .zip(&by_cell)
        .map(|(c, x)| (c.label.as_str(), x.as_slice()))
        .collect();
    let control_cell = p
        .design
        .groups
        .iter()
        .find(|g| g.id == p.design.control_group)
        .map(|g| {
            p.design
                .factors
                .iter()
                .map(|f| g.levels.get(&f.name).cloned().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(":")
        });
    let posthoc = match plan.posthoc {
        PostHoc::None => None,
        PostHoc::Sidak | PostHoc::HolmSidak => Some(CellPosthoc::SimplePairs {
            factor: anova.factor_names[0].clone(),
            alpha: plan.alpha,
            comparisons: stats::simple_pairwise_sidak(&anova, 0, plan.alpha),
        }),
        PostHoc::Dunnett => {
            let control = control_cell.and_then(|c| groups.iter().position(|(g, _)| *g == c));
            Some(CellPosthoc::Cells(stats::posthoc(
                &groups,
                PosthocMethod::Dunnett,
                control,
                plan.alpha,
                Adjustment::Bonferroni,
            )?))
        }
        _ => Some(CellPosthoc::Cells(stats::posthoc(
            &groups,
            PosthocMethod::Tukey,
            None,
            plan.alpha,
            Adjustment::Bonferroni,
        )?)),
    };
    let warnings = anova
        .cells
        .iter()
        .filter(|c| c.n == 1)
        .map(|c| {
            format!(
                "cell {} has a single value; its comparisons rest on the pooled SD",
                c.label
            )
        })
        .collect();
    Ok(EndpointAnalysis::Factorial {
        anova,
        cells,
        simple,
        posthoc,
        warnings,
    })
}

fn time_course(
    p: &protocol::Protocol,
    scores: &FstScores,
    behaviour: &str,
) -> Result<Option<TimeCourse>, StatsError> {
    let Some(layout) = &scores.bins else {
        return Ok(None);
    };
    let k = layout.count;
    let groups = p.design.groups.len();
    let minutes = layout.width_s == 60.0;
    let bin_labels: Vec<String> = (0..k)
        .map(|b| {
            if minutes {
                format!("min{}", b + 1)
            } else {
                format!("bin{}", b + 1)
            }
        })
        .collect();
    let mut per_group: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); k]; groups];
    let mut subjects = Vec::new();
    let mut codes = Vec::new();
    let mut values = Vec::new();
    for a in analysed(scores) {
        let Some(bins) = a.bins.get(behaviour) else {
            continue;
        };
        for (b, v) in bins.iter().enumerate() {
            per_group[a.group][b].push(*v);
        }
        subjects.push(a.blind_code.clone());
        codes.push(a.group);
        values.extend(layout.in_window.iter().map(|&b| bins[b]));
    }
    let summary = per_group
        .iter()
        .map(|g| {
            g.iter()
                .map(|x| {
                    let n = x.len();
                    let mean = stats::mean(x);
                    let sem = if n > 1 {
                        (stats::variance(x) / n as f64).sqrt()
                    } else {
                        f64::NAN
                    };
                    (mean, sem, n)
                })
                .collect()
        })
        .collect();
    let within_levels: Vec<String> = layout
        .in_window
        .iter()
        .map(|&b| bin_labels[b].clone())
        .collect();
    let group_ids: Vec<String> = p.design.groups.iter().map(|g| g.id.clone()).collect();
    let within_name = if minutes { "minute" } else { "bin" };
    let anova = stats::repeated_measures_anova(&RepeatedDesign {
        subjects: &subjects,
        within_name,
        within_levels: &within_levels,
        between: Some(stats::BetweenFactor {
            name: "group",
            levels: &group_ids,
            codes: &codes,
        }),
        values: &values,
    })?;
    Ok(Some(TimeCourse {
        behaviour: behaviour.to_string(),
        bin_labels,
        bin_width_s: layout.width_s,
        summary,
        anova,
        within_levels,
    }))
}

/// The dose of a group's active compound (0 for vehicle), for the test for trend.
fn dose_of(g: &protocol::Group) -> f64 {
    protocol::active_treatment(g).map_or(0.0, |(_, d)| d)
}

fn latency(
    p: &protocol::Protocol,
    scores: &FstScores,
) -> Result<Option<LatencyResult>, StatsError> {
    let Some((behaviour, censor)) = &scores.latency else {
        return Ok(None);
    };
    let k = p.design.groups.len();
    let mut times = vec![Vec::new(); k];
    let mut events = vec![Vec::new(); k];
    for a in analysed(scores) {
        if let Some(l) = a.latency {
            times[a.group].push(l.time_s);
            events[a.group].push(l.observed);
        }
    }
    if times.iter().all(Vec::is_empty) {
        return Ok(None);
    }
    let curves = (0..k)
        .map(|g| stats::kaplan_meier(&times[g], &events[g], 0.95))
        .collect::<Result<Vec<_>, _>>()?;
    let groups: Vec<(&str, &[f64], &[bool])> = p
        .design
        .groups
        .iter()
        .enumerate()
        .map(|(g, grp)| (grp.id.as_str(), times[g].as_slice(), events[g].as_slice()))
        .collect();
    let any_event = events.iter().flatten().any(|&e| e);
    let logrank = (k >= 2 && any_event)
        .then(|| stats::log_rank(&groups))
        .transpose()?;
    // Only the trend the plan declares, over its groups in their dose order.
    let planned: Vec<usize> = p
        .analysis
        .trend_groups
        .iter()
        .filter_map(|id| p.design.groups.iter().position(|g| &g.id == id))
        .collect();
    let trend_events = planned.iter().any(|&g| events[g].iter().any(|&e| e));
    let trend = (planned.len() >= 3 && trend_events)
        .then(|| {
            let doses: Vec<f64> = planned
                .iter()
                .map(|&g| dose_of(&p.design.groups[g]))
                .collect();
            let subset: Vec<(&str, &[f64], &[bool])> = planned.iter().map(|&g| groups[g]).collect();
            stats::log_rank_trend(&subset, &doses).map(|t| (doses, t))
        })
        .transpose()?;
    Ok(Some(LatencyResult {
        behaviour: behaviour.clone(),
        censor_s: *censor,
        curves,
        logrank,
        trend_groups: if trend.is_some() {
            p.analysis.trend_groups.clone()
        } else {
            Vec::new()
        },
        trend,
    }))
}

/// Runs the analysis plan on the scores.
pub fn run_statistics(
    p: &protocol::Protocol,
    scores: &FstScores,
) -> Result<StudyStatistics, StatsError> {
    let groups = p.design.groups.len();
    let factorial_plan = p.design.factors.len() >= 2 || p.analysis.omnibus == PlanTest::TwoWayAnova;
    let mut endpoints = Vec::new();
    // The protocol's endpoints that are scalar columns, then the other scored behaviours.
    let mut names: Vec<(String, String, String, bool, bool)> = p
        .endpoints
        .iter()
        .filter(|e| scores.scalar_columns.contains(&e.name))
        .map(|e| {
            (
                e.name.clone(),
                e.label.clone(),
                e.unit.clone(),
                e.primary,
                true,
            )
        })
        .collect();
    for c in &scores.scalar_columns {
        if !names.iter().any(|(n, ..)| n == c) {
            let unit = if c.ends_with("_count") {
                "samples"
            } else {
                "s"
            };
            names.push((c.clone(), c.replace('_', " "), unit.into(), false, false));
        }
    }
    for (name, label, unit, primary, planned) in names {
        let values = values_by_group(scores, groups, &name);
        let analysis = if factorial_plan {
            factorial(p, &values)?
        } else {
            EndpointAnalysis::Groups(one_factor(p, &values)?)
        };
        endpoints.push(EndpointResult {
            name,
            label,
            unit,
            primary,
            planned,
            values,
            analysis,
        });
    }
    let behaviour = p
        .scoring
        .as_ref()
        .and_then(|s| s.behaviours.first())
        .map(|b| b.name.clone())
        .unwrap_or_default();
    Ok(StudyStatistics {
        endpoints,
        time_course: time_course(p, scores, &behaviour)?,
        latency: latency(p, scores)?,
    })
}
