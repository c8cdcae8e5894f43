//! The statistics of a chronic mild stress (CMS) × drug study with cytochrome P450 measured
//! three ways. Each measure becomes one endpoint per animal, analysed by the protocol's
//! two-way ANOVA (Type III, interaction first, simple effects and post hoc on the cells,
//! as for the factorial forced swim test):
//!
//! - activity of each probe reaction (pmol/min/mg protein): the mean of the animal's
//!   quantified incubations of that metabolite, flags kept;
//! - mRNA of each target: ΔCq against the reference genes (statistics on ΔCq, which is
//!   close to normal; the fold change 2^−ΔΔCq is shown beside it);
//! - protein of each Western blot target: % of the control lanes of the same blot (the
//!   mean when an animal is on several blots);
//! - microsomal protein (mg/mL), the mean over the plates the sample was read on;
//! - body weight, sucrose intake (and preference, when water was offered) in the last week.
//!
//! The weekly body weight and sucrose test are also analysed over all weeks by a mixed
//! ANOVA, group (between) × week (within), on the animals with every week recorded.

use std::collections::BTreeMap;

use super::assays::{read_assays, AssayResults};
use super::run::{factorial, EndpointAnalysis, EndpointResult};
use super::study::{load_study, Study};
use super::AnalysisError;
use crate::assay::sucrose::SucroseMeasure;
use crate::protocol::Protocol;
use crate::stats::{self, RepeatedDesign, RmAnova, StatsError};
use crate::study::{stressor_calendar, CalendarEntry};

/// What an endpoint measures.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    Activity {
        isoform: String,
        reaction: String,
        metabolite: String,
    },
    Mrna {
        gene: String,
    },
    ProteinLevel {
        target: String,
    },
    MicrosomalProtein,
    /// A column of the weekly sheet in the last week recorded.
    LastWeek {
        column: String,
        week: u32,
    },
}

impl Measure {
    /// The isoform or gene the endpoint belongs to, for the summary panel.
    pub fn isoform(&self) -> Option<&str> {
        match self {
            Measure::Activity { isoform, .. } => Some(isoform),
            Measure::Mrna { gene } => Some(gene),
            Measure::ProteinLevel { target } => Some(target),
            _ => None,
        }
    }
}

/// Per group (protocol order): (blind code, value).
pub type GroupValues = Vec<Vec<(String, f64)>>;

/// A value shown in figures and tables beside the analysed one (fold change for mRNA).
#[derive(Debug, Clone)]
pub struct Shown {
    pub label: String,
    pub values: GroupValues,
}

/// One endpoint of the study with its analysis.
#[derive(Debug, Clone)]
pub struct CmsEndpoint {
    pub measure: Measure,
    /// Values, analysis, names: as for the forced swim test endpoints.
    pub result: EndpointResult,
    /// Per group, the value shown in figures and tables beside the analysed one (fold
    /// change for mRNA); None when it is the analysed value itself.
    pub shown: Option<Shown>,
    /// Flags on the animals' values: (blind code, flag).
    pub flags: Vec<(String, String)>,
}

/// A weekly measure over all weeks: group × week.
#[derive(Debug, Clone)]
pub struct WeeklyCourse {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub weeks: Vec<u32>,
    /// Per group (protocol order), per week: (mean, SEM, n).
    pub summary: Vec<Vec<(f64, f64, usize)>>,
    pub anova: RmAnova,
    /// Animals left out of the ANOVA for a missing week.
    pub incomplete: Vec<String>,
}

/// A CMS / CYP study read, calculated and analysed.
#[derive(Debug, Clone)]
pub struct CmsAnalysis {
    pub study: Study,
    pub assays: AssayResults,
    pub endpoints: Vec<CmsEndpoint>,
    /// Measures not analysed, with the reason (no value in a whole group).
    pub not_analysed: Vec<String>,
    pub weekly: Vec<WeeklyCourse>,
    pub calendar: Vec<CalendarEntry>,
}

impl CmsAnalysis {
    /// The qPCR group summaries, genes in the order of their endpoints (the protocol's
    /// targets first) and groups in the protocol's order.
    pub fn qpcr_groups(&self) -> Vec<&crate::assay::qpcr::GroupExpression> {
        let Some(q) = &self.assays.qpcr else {
            return Vec::new();
        };
        let genes: Vec<&str> = self
            .endpoints
            .iter()
            .filter_map(|ep| match &ep.measure {
                Measure::Mrna { gene } => Some(gene.as_str()),
                _ => None,
            })
            .collect();
        let groups = &self.study.protocol.design.groups;
        let mut out: Vec<_> = q.result.groups.iter().collect();
        out.sort_by_key(|g| {
            (
                genes.iter().position(|x| *x == g.target),
                groups.iter().position(|x| x.id == g.group),
            )
        });
        out
    }

    /// What the analysis did not do as the protocol planned it.
    pub fn deviations(&self) -> Vec<super::Deviation> {
        let p = &self.study.protocol;
        let counts: Vec<(usize, usize)> = (0..p.design.groups.len())
            .map(|g| self.group_counts(g))
            .collect();
        let excluded: Vec<super::deviations::Excluded> = self
            .assays
            .exclusions
            .iter()
            .map(|x| super::deviations::Excluded {
                blind_code: &x.blind_code,
                group: self
                    .study
                    .entry(&x.blind_code)
                    .map_or("", |k| p.design.groups[k.group].id.as_str()),
                reason: &x.reason,
                prespecified: p
                    .exclusions
                    .iter()
                    .any(|e| e.id == x.reason || e.description == x.reason),
            })
            .collect();
        let not_analysed: Vec<(String, String)> = self
            .not_analysed
            .iter()
            .map(|n| match n.split_once(": ") {
                Some((what, why)) => (what.to_string(), why.to_string()),
                None => (n.clone(), String::new()),
            })
            .collect();
        super::deviations::deviations(
            p,
            self.study.meta.n_per_group as usize,
            &counts,
            &excluded,
            &not_analysed,
            &[],
        )
    }

    /// Animals of group `g` allocated, and those not excluded.
    pub fn group_counts(&self, g: usize) -> (usize, usize) {
        let allocated: Vec<&str> = self
            .study
            .key
            .iter()
            .filter(|k| k.group == g)
            .map(|k| k.blind_code.as_str())
            .collect();
        let excluded = allocated
            .iter()
            .filter(|c| self.assays.exclusions.iter().any(|e| e.blind_code == **c))
            .count();
        (allocated.len(), allocated.len() - excluded)
    }
}

/// Reads the CMS / CYP study at `dir` and runs its analysis plan.
pub fn analyze_cms(dir: &std::path::Path) -> Result<CmsAnalysis, crate::Error> {
    let mut study = load_study(dir)?;
    let assays = read_assays(&mut study)?;
    if assays.hplc.is_none()
        && assays.protein.is_none()
        && assays.qpcr.is_none()
        && assays.western.is_none()
        && assays.weekly.is_none()
    {
        return Err(AnalysisError::Study {
            path: study.dir.join("sheets"),
            message: "no assay data entered yet".into(),
            hint: "fill in at least one of the capture sheets (weekly, hplc-standards and hplc-samples, protein-assay, qpcr, western-blot) before analysing".into(),
        }
        .into());
    }
    let stats_error = |e: StatsError| crate::Error::Analysis {
        path: study.dir.display().to_string(),
        source: e,
    };
    let (endpoints, not_analysed) = endpoints(&study, &assays).map_err(stats_error)?;
    let mut not_analysed = not_analysed;
    let weekly = weekly_courses(&study, &assays, &mut not_analysed);
    let calendar = study
        .protocol
        .stress
        .as_ref()
        .map(|r| stressor_calendar(r, study.meta.seed))
        .unwrap_or_default();
    Ok(CmsAnalysis {
        study,
        assays,
        endpoints,
        not_analysed,
        weekly,
        calendar,
    })
}

/// Name-safe form of a metabolite or gene: `7α-hydroxytestosterone` → `7a_hydroxytestosterone`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let mapped = match c {
            'α' => "a".to_string(),
            'β' => "b".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase().to_string(),
            '′' | '\'' => String::new(),
            _ => "_".to_string(),
        };
        if mapped == "_" && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push_str(&mapped);
    }
    out.trim_end_matches('_').to_string()
}

/// Groups an animal-level value by the animal's group: mean of its values, in key order.
fn by_group(study: &Study, values: &BTreeMap<String, Vec<f64>>) -> Vec<Vec<(String, f64)>> {
    let mut out = vec![Vec::new(); study.protocol.design.groups.len()];
    for k in &study.key {
        if let Some(v) = values.get(&k.blind_code).filter(|v| !v.is_empty()) {
            out[k.group].push((k.blind_code.clone(), stats::mean(v)));
        }
    }
    out
}

/// An endpoint before its analysis.
struct Planned {
    measure: Measure,
    name: String,
    label: String,
    unit: String,
    values: Vec<Vec<(String, f64)>>,
    shown: Option<Shown>,
    flags: Vec<(String, String)>,
}

fn planned(
    measure: Measure,
    name: String,
    label: String,
    unit: &str,
    values: Vec<Vec<(String, f64)>>,
) -> Planned {
    Planned {
        measure,
        name,
        label,
        unit: unit.to_string(),
        values,
        shown: None,
        flags: Vec::new(),
    }
}

/// Endpoints analysed, and the measures left out with the reason.
type Endpoints = (Vec<CmsEndpoint>, Vec<String>);

/// The two-way ANOVA of each planned endpoint, side by side on the machine's cores. A
/// measure missing from a whole group cannot be analysed as a 2 × 2 and is left out, named.
fn analyse(p: &Protocol, plans: Vec<Planned>) -> Result<Endpoints, StatsError> {
    let mut not_analysed = Vec::new();
    let plans: Vec<Planned> = plans
        .into_iter()
        .filter(|x| {
            let empty: Vec<&str> = p
                .design
                .groups
                .iter()
                .zip(&x.values)
                .filter(|(_, v)| v.is_empty())
                .map(|(g, _)| g.id.as_str())
                .collect();
            if !empty.is_empty() {
                not_analysed.push(format!(
                    "{}: no value in group {}",
                    x.label,
                    empty.join(", ")
                ));
            }
            empty.is_empty()
        })
        .collect();
    let analyses = stats::parallel_map(&plans, |x| factorial(p, &x.values));
    let primary_activity = p
        .endpoints
        .iter()
        .any(|e| e.primary && e.name.starts_with("cyp_activity"));
    let mut endpoints = Vec::new();
    for (x, analysis) in plans.into_iter().zip(analyses) {
        // A measure the two-way ANOVA cannot take (too few animals, no spread) is named
        // and left out; the other endpoints are still analysed.
        let analysis: EndpointAnalysis = match analysis {
            Ok(a) => a,
            Err(e) => {
                not_analysed.push(format!("{}: {e}", x.label));
                continue;
            }
        };
        endpoints.push(CmsEndpoint {
            result: EndpointResult {
                name: x.name,
                label: x.label,
                unit: x.unit,
                primary: primary_activity && matches!(x.measure, Measure::Activity { .. }),
                planned: true,
                values: x.values,
                analysis,
            },
            measure: x.measure,
            shown: x.shown,
            flags: x.flags,
        });
    }
    Ok((endpoints, not_analysed))
}

fn endpoints(study: &Study, a: &AssayResults) -> Result<Endpoints, StatsError> {
    let p = &study.protocol;
    let mut out: Vec<Planned> = Vec::new();
    if let Some(h) = a.hplc.as_ref().map(|h| &h.result) {
        // Probe reactions in the protocol's order, then any other metabolite measured.
        let mut reactions: Vec<(String, String, String)> = p
            .assays
            .iter()
            .flat_map(|x| x.probes.iter())
            .map(|r| (r.isoform.clone(), r.reaction.clone(), r.metabolite.clone()))
            .collect();
        for s in &h.samples {
            if !reactions.iter().any(|r| r.2 == s.metabolite) {
                reactions.push((String::new(), s.metabolite.clone(), s.metabolite.clone()));
            }
        }
        for (isoform, reaction, metabolite) in reactions {
            let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            let mut flags = Vec::new();
            for s in h.samples.iter().filter(|s| s.metabolite == metabolite) {
                if let Some(v) = s.activity_pmol_per_min_per_mg {
                    values.entry(s.blind_code.clone()).or_default().push(v);
                    for f in &s.flags {
                        flags.push((s.blind_code.clone(), f.label().to_string()));
                    }
                }
            }
            // Several incubations of one animal (replicates, or runs repeated) are averaged;
            // said beside the value, with their coefficient of variation.
            for (code, v) in values.iter().filter(|(_, v)| v.len() > 1) {
                let cv = 100.0 * stats::variance(v).sqrt() / stats::mean(v);
                flags.push((
                    code.clone(),
                    format!("mean of {} incubations, CV {cv:.1} %", v.len()),
                ));
            }
            let label = if isoform.is_empty() {
                format!("{metabolite} formation")
            } else {
                format!("{isoform}: {reaction}")
            };
            {
                let mut e = planned(
                    Measure::Activity {
                        isoform,
                        reaction,
                        metabolite: metabolite.clone(),
                    },
                    format!("activity_{}", slug(&metabolite)),
                    label,
                    "pmol/min/mg protein",
                    by_group(study, &values),
                );
                e.flags = flags;
                out.push(e);
            }
        }
    }
    if let Some(q) = &a.qpcr {
        let r = &q.result;
        // With amplification efficiencies, the fold change shown is Pfaffl's ratio.
        let efficiencies = r.samples.iter().any(|s| s.pfaffl_ratio.is_some());
        // The protocol's targets in its order, then any other gene measured.
        let mut genes: Vec<String> = p
            .assays
            .iter()
            .flat_map(|x| x.targets.iter())
            .filter(|t| r.samples.iter().any(|s| s.target == **t))
            .cloned()
            .collect();
        for s in &r.samples {
            if !genes.contains(&s.target) {
                genes.push(s.target.clone());
            }
        }
        for gene in genes {
            let mut dcq: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            let mut fold: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for s in r.samples.iter().filter(|s| s.target == gene) {
                dcq.entry(s.sample.clone()).or_default().push(s.delta_cq);
                fold.entry(s.sample.clone())
                    .or_default()
                    .push(s.pfaffl_ratio.unwrap_or(s.fold_change));
            }
            let flags = r
                .replicates
                .iter()
                .filter(|x| x.target == gene && x.high_sd)
                .map(|x| (x.sample.clone(), format!("replicate SD {:.2} cycles", x.sd)))
                .collect();
            {
                let mut e = planned(
                    Measure::Mrna { gene: gene.clone() },
                    format!("mrna_delta_cq_{}", slug(&gene)),
                    format!("{gene} mRNA ΔCq vs {}", r.reference_genes.join(", ")),
                    "cycles",
                    by_group(study, &dcq),
                );
                e.shown = Some(Shown {
                    label: format!(
                        "{gene} mRNA ({} vs {})",
                        if efficiencies { "Pfaffl ratio" } else { "fold" },
                        p.design.control_group
                    ),
                    values: by_group(study, &fold),
                });
                e.flags = flags;
                out.push(e);
            }
        }
    }
    if let Some(w) = &a.western {
        let mut targets: Vec<String> = Vec::new();
        for l in &w.lanes {
            if !targets.contains(&l.target) {
                targets.push(l.target.clone());
            }
        }
        for target in targets {
            let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for l in w.lanes.iter().filter(|l| l.target == target) {
                values
                    .entry(l.blind_code.clone())
                    .or_default()
                    .push(l.pct_of_control);
            }
            {
                let e = planned(
                    Measure::ProteinLevel {
                        target: target.clone(),
                    },
                    format!("protein_pct_of_control_{}", slug(&target)),
                    format!("{target} protein"),
                    &format!("% of {}", p.design.control_group),
                    by_group(study, &values),
                );
                out.push(e);
            }
        }
    }
    if let Some(plates) = &a.protein {
        let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for s in plates.iter().flat_map(|p| p.samples.iter()) {
            values
                .entry(s.blind_code.clone())
                .or_default()
                .push(s.mg_per_ml);
        }
        {
            let e = planned(
                Measure::MicrosomalProtein,
                "microsomal_protein_mg_per_ml".into(),
                "Microsomal protein".into(),
                "mg/mL",
                by_group(study, &values),
            );
            out.push(e);
        }
    }
    if a.weekly.is_some() {
        for (column, label, unit) in weekly_measures(study, a) {
            let series = weekly_values(a, &column);
            let Some(week) = series.keys().map(|(_, w)| *w).max() else {
                continue;
            };
            let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for ((code, wk), v) in &series {
                if *wk == week {
                    values.entry(code.clone()).or_default().push(*v);
                }
            }
            {
                let e = planned(
                    Measure::LastWeek {
                        column: column.clone(),
                        week,
                    },
                    format!("{column}_week{week}"),
                    format!("{label}, week {week}"),
                    &unit,
                    by_group(study, &values),
                );
                out.push(e);
            }
        }
    }
    analyse(p, out)
}

/// The weekly measures present: (column, label, unit).
fn weekly_measures(study: &Study, a: &AssayResults) -> Vec<(String, String, String)> {
    let Some(w) = &a.weekly else {
        return Vec::new();
    };
    let label_of = |name: &str, fallback: &str| {
        study
            .protocol
            .endpoints
            .iter()
            .find(|e| e.name == name)
            .map_or(fallback.to_string(), |e| e.label.clone())
    };
    let mut out = Vec::new();
    if w.rows.iter().any(|r| r.body_weight_g.is_some()) {
        out.push((
            "body_weight_g".to_string(),
            label_of("body_weight_g", "Body weight"),
            "g".to_string(),
        ));
    }
    if !w.sucrose.is_empty() {
        out.push((
            "sucrose_intake_g".to_string(),
            label_of("sucrose_intake_g", "Sucrose intake"),
            "g".to_string(),
        ));
    }
    if w.sucrose
        .iter()
        .any(|s| s.measure == SucroseMeasure::PreferencePct)
    {
        out.push((
            "sucrose_preference_pct".to_string(),
            "Sucrose preference".to_string(),
            "%".to_string(),
        ));
    }
    out
}

/// (blind code, week) → value of a weekly measure.
fn weekly_values(a: &AssayResults, column: &str) -> BTreeMap<(String, u32), f64> {
    let mut out = BTreeMap::new();
    let Some(w) = &a.weekly else {
        return out;
    };
    match column {
        "body_weight_g" => {
            for r in &w.rows {
                if let Some(v) = r.body_weight_g {
                    out.insert((r.blind_code.clone(), r.week), v);
                }
            }
        }
        "sucrose_intake_g" => {
            for s in &w.sucrose {
                out.insert((s.blind_code.clone(), s.week), s.sucrose_g);
            }
        }
        _ => {
            for s in &w.sucrose {
                if let Some(v) = s.preference_pct {
                    out.insert((s.blind_code.clone(), s.week), v);
                }
            }
        }
    }
    out
}

/// The mixed ANOVA of each weekly measure, on the animals with every week recorded; a
/// measure the ANOVA cannot take (a group without a complete animal) is named in
/// `not_analysed` instead.
fn weekly_courses(
    study: &Study,
    a: &AssayResults,
    not_analysed: &mut Vec<String>,
) -> Vec<WeeklyCourse> {
    let p = &study.protocol;
    let k = p.design.groups.len();
    let mut out = Vec::new();
    for (column, label, unit) in weekly_measures(study, a) {
        let series = weekly_values(a, &column);
        let mut weeks: Vec<u32> = series.keys().map(|(_, w)| *w).collect();
        weeks.sort_unstable();
        weeks.dedup();
        if weeks.len() < 2 {
            continue;
        }
        let mut summary = vec![Vec::new(); k];
        for (g, s) in summary.iter_mut().enumerate() {
            for &w in &weeks {
                let x: Vec<f64> = study
                    .key
                    .iter()
                    .filter(|e| e.group == g)
                    .filter_map(|e| series.get(&(e.blind_code.clone(), w)).copied())
                    .collect();
                let n = x.len();
                let sem = if n > 1 {
                    (stats::variance(&x) / n as f64).sqrt()
                } else {
                    f64::NAN
                };
                s.push((stats::mean(&x), sem, n));
            }
        }
        let (mut subjects, mut codes, mut values, mut incomplete) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for e in &study.key {
            let row: Vec<Option<f64>> = weeks
                .iter()
                .map(|&w| series.get(&(e.blind_code.clone(), w)).copied())
                .collect();
            if row.iter().all(Option::is_none) {
                // Not measured at all: named when the animal is not excluded.
                if !a.exclusions.iter().any(|x| x.blind_code == e.blind_code) {
                    incomplete.push(e.blind_code.clone());
                }
                continue;
            }
            if row.iter().any(Option::is_none) {
                incomplete.push(e.blind_code.clone());
                continue;
            }
            subjects.push(e.blind_code.clone());
            codes.push(e.group);
            values.extend(row.into_iter().flatten());
        }
        let levels: Vec<String> = weeks.iter().map(|w| format!("week{w}")).collect();
        let group_ids: Vec<String> = p.design.groups.iter().map(|g| g.id.clone()).collect();
        let anova = match stats::repeated_measures_anova(&RepeatedDesign {
            subjects: &subjects,
            within_name: "week",
            within_levels: &levels,
            between: Some(stats::BetweenFactor {
                name: "group",
                levels: &group_ids,
                codes: &codes,
            }),
            values: &values,
        }) {
            Ok(a) => a,
            Err(e) => {
                not_analysed.push(format!(
                    "{label} over weeks {}: {e}{}",
                    weeks
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if incomplete.is_empty() {
                        String::new()
                    } else {
                        format!(" (incomplete: {})", incomplete.join(", "))
                    }
                ));
                continue;
            }
        };
        out.push(WeeklyCourse {
            name: column,
            label,
            unit,
            weeks,
            summary,
            anova,
            incomplete,
        });
    }
    out
}
