//! JSON and text for the model-based analyses: factorial and repeated-measures ANOVA and
//! calibration curves. Field names are documented in docs/json-output.md.

use serde_json::{json, Map, Value};

use super::compare::posthoc_json;
use super::json::finite;
use super::pvalue::{apa_df, apa_p, apa_proportion, format_p, stars, PStyle};
use super::text::{significant, table};
use crate::stats::{
    CalibrationFit, CellComparison, FactorialAnova, InversePrediction, KaplanMeier, LogRank,
    LogRankTrend, LogisticFit, Posthoc, RmAnova, RmTerm, SimpleEffect, Sphericity,
};

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, finite)
}

/// Cell summaries shown with a factorial ANOVA (n, mean, SD, SEM on the original scale).
#[derive(Debug, Clone, PartialEq)]
pub struct CellSummary {
    pub label: String,
    pub levels: Vec<String>,
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub sem: f64,
}

impl CellSummary {
    /// The summary of every cell of a fitted layout from its values (given about `centre`,
    /// as the ANOVA was; the summaries are on the original scale).
    pub fn of_cells(anova: &FactorialAnova, by_cell: &[Vec<f64>], centre: f64) -> Vec<CellSummary> {
        anova
            .cells
            .iter()
            .zip(by_cell)
            .map(|(c, x)| {
                let d = crate::stats::describe_centred(&c.label, x, centre);
                let (sd, sem) = d.map_or((f64::NAN, f64::NAN), |d| (d.sd, d.sem));
                CellSummary {
                    label: c.label.clone(),
                    levels: c
                        .levels
                        .iter()
                        .zip(&anova.factor_levels)
                        .map(|(&l, levels)| levels[l].clone())
                        .collect(),
                    n: c.n,
                    mean: c.mean + centre,
                    sd,
                    sem,
                }
            })
            .collect()
    }
}

/// Post hoc comparisons of cells: the pooled-variance methods on all cells (or against a
/// control cell), or Šídák-adjusted simple pairwise comparisons.
#[derive(Debug, Clone, PartialEq)]
pub enum CellPosthoc {
    Cells(Posthoc),
    SimplePairs {
        factor: String,
        alpha: f64,
        comparisons: Vec<CellComparison>,
    },
}

/// "F(1, 28) = 12.41, p < .001, ηp² = .31".
pub fn anova_apa(f: f64, df1: f64, df2: f64, p: f64, effect: Option<(&str, f64)>) -> String {
    let mut s = format!(
        "F({}, {}) = {:.2}, {}",
        apa_df(df1),
        apa_df(df2),
        f,
        apa_p(p)
    );
    if let Some((name, v)) = effect {
        s.push_str(&format!(", {name} = {}", apa_proportion(v)));
    }
    s
}

fn simple_effect_json(s: &SimpleEffect) -> Value {
    json!({
        "factor": s.factor, "within": s.within, "ss": finite(s.ss), "df": s.df,
        "df_error": s.df_error, "F": finite(s.f), "p": finite(s.p),
    })
}

fn cell_posthoc_json(p: &CellPosthoc) -> Value {
    match p {
        CellPosthoc::Cells(p) => posthoc_json(p),
        CellPosthoc::SimplePairs {
            factor,
            alpha,
            comparisons,
        } => {
            let list: Vec<Value> = comparisons
                .iter()
                .map(|c| {
                    json!({
                        "a": c.a, "b": c.b, "diff": finite(c.diff), "se": finite(c.se),
                        "ci": [finite(c.ci.0), finite(c.ci.1)], "statistic": finite(c.t),
                        "df": finite(c.df), "p": finite(c.p), "p_adj": finite(c.p_adj),
                        "significance": stars(c.p_adj),
                    })
                })
                .collect();
            json!({
                "method": "sidak-simple", "statistic_name": "t", "factor": factor,
                "confidence_level": 1.0 - alpha, "comparisons": list,
            })
        }
    }
}

/// `preclin stats anova --json`.
pub fn anova_json(
    value: &str,
    a: &FactorialAnova,
    cells: &[CellSummary],
    simple: &[SimpleEffect],
    posthoc: Option<&CellPosthoc>,
    blank_rows: &[usize],
    warnings: &[String],
) -> Value {
    let factors: Vec<Value> = a
        .factor_names
        .iter()
        .zip(&a.factor_levels)
        .map(|(n, l)| json!({ "name": n, "levels": l }))
        .collect();
    let mut terms: Vec<Value> = a
        .terms
        .iter()
        .map(|t| {
            json!({
                "term": t.term, "ss": finite(t.ss), "df": t.df, "ms": finite(t.ms),
                "F": finite(t.f), "p": finite(t.p),
                "partial_eta_squared": finite(t.partial_eta_squared),
                "partial_omega_squared": finite(t.partial_omega_squared),
                "apa": anova_apa(t.f, t.df, a.df_error, t.p,
                    Some(("ηp²", t.partial_eta_squared))),
            })
        })
        .collect();
    terms.push(json!({
        "term": "Residuals", "ss": finite(a.ss_error), "df": a.df_error,
        "ms": finite(a.ms_error),
    }));
    let cells: Vec<Value> = cells
        .iter()
        .map(|c| {
            json!({ "cell": c.label, "levels": c.levels, "n": c.n, "mean": finite(c.mean),
                "sd": finite(c.sd), "sem": finite(c.sem) })
        })
        .collect();
    json!({
        "value": value,
        "ss_type": a.ss_type.number(),
        "coding": "sum-to-zero",
        "n": a.n,
        "factors": factors,
        "cells": cells,
        "terms": terms,
        "simple_effects": simple.iter().map(simple_effect_json).collect::<Vec<_>>(),
        "posthoc": posthoc.map(cell_posthoc_json),
        "blank_rows": blank_rows,
        "warnings": warnings,
    })
}

fn roman(t: u8) -> &'static str {
    match t {
        1 => "I",
        2 => "II",
        _ => "III",
    }
}

/// The readable report of `preclin stats anova`.
pub fn anova_text(
    value: &str,
    a: &FactorialAnova,
    cells: &[CellSummary],
    simple: &[SimpleEffect],
    posthoc: Option<&CellPosthoc>,
) -> String {
    let f4 = |x: f64| significant(x, 4);
    let mut out = format!(
        "{value}: {}-way ANOVA, Type {} sums of squares (sum-to-zero coding), N = {}\n\n",
        a.factor_names.len(),
        roman(a.ss_type.number()),
        a.n
    );
    let mut rows = vec![vec![
        "cell".to_string(),
        "n".into(),
        "mean".into(),
        "SD".into(),
        "SEM".into(),
    ]];
    for c in cells {
        rows.push(vec![
            c.label.clone(),
            c.n.to_string(),
            f4(c.mean),
            f4(c.sd),
            f4(c.sem),
        ]);
    }
    out.push_str(&table(&rows));
    out.push('\n');
    let mut rows = vec![vec![
        "term".to_string(),
        "SS".into(),
        "df".into(),
        "MS".into(),
        "F".into(),
        "p".into(),
        "".into(),
        "ηp²".into(),
        "ωp²".into(),
    ]];
    for t in &a.terms {
        rows.push(vec![
            t.term.clone(),
            f4(t.ss),
            apa_df(t.df),
            f4(t.ms),
            f4(t.f),
            format_p(t.p, PStyle::Gp),
            stars(t.p).into(),
            format!("{:.3}", t.partial_eta_squared),
            format!("{:.3}", t.partial_omega_squared),
        ]);
    }
    rows.push(vec![
        "Residuals".into(),
        f4(a.ss_error),
        apa_df(a.df_error),
        f4(a.ms_error),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    out.push_str(&table(&rows));
    out.push('\n');
    for t in a.terms.iter().rev() {
        out.push_str(&format!(
            "{}: {}\n",
            t.term,
            anova_apa(
                t.f,
                t.df,
                a.df_error,
                t.p,
                Some(("ηp²", t.partial_eta_squared))
            )
        ));
    }
    if !simple.is_empty() {
        out.push_str("\nSimple main effects (pooled error):\n");
        let mut rows = vec![vec![
            "effect of".to_string(),
            "within".into(),
            "F".into(),
            "df".into(),
            "p".into(),
            "".into(),
        ]];
        for s in simple {
            rows.push(vec![
                s.factor.clone(),
                s.within.clone(),
                f4(s.f),
                format!("{}, {}", apa_df(s.df), apa_df(s.df_error)),
                format_p(s.p, PStyle::Gp),
                stars(s.p).into(),
            ]);
        }
        out.push_str(&table(&rows));
    }
    if let Some(p) = posthoc {
        out.push('\n');
        out.push_str(&cell_posthoc_text(p));
    }
    out
}

fn cell_posthoc_text(p: &CellPosthoc) -> String {
    let f4 = |x: f64| significant(x, 4);
    let mut rows = vec![vec![
        "comparison".to_string(),
        "diff".into(),
        "CI".into(),
        "p adj".into(),
        "".into(),
    ]];
    let title = match p {
        CellPosthoc::Cells(ph) => {
            for c in &ph.comparisons {
                rows.push(vec![
                    format!("{} − {}", c.a, c.b),
                    f4(c.diff),
                    c.ci.map_or("–".into(), |(l, u)| format!("{} to {}", f4(l), f4(u))),
                    format_p(c.p_adj, PStyle::Gp),
                    stars(c.p_adj).into(),
                ]);
            }
            format!("{} on cells", ph.method.title())
        }
        CellPosthoc::SimplePairs {
            factor,
            comparisons,
            ..
        } => {
            for c in comparisons {
                rows.push(vec![
                    format!("{} − {}", c.a, c.b),
                    f4(c.diff),
                    format!("{} to {}", f4(c.ci.0), f4(c.ci.1)),
                    format_p(c.p_adj, PStyle::Gp),
                    stars(c.p_adj).into(),
                ]);
            }
            format!("Šídák: levels of {factor} within each level of the others")
        }
    };
    format!("{title}:\n{}", table(&rows))
}

/// The APA line of a repeated-measures effect: with Greenhouse–Geisser df and p whenever
/// sphericity was tested, and a note saying so.
pub fn rm_apa(t: &RmTerm, sphericity: Option<&Sphericity>) -> String {
    match (t.p_gg, sphericity) {
        (Some(p), Some(s)) => format!(
            "{} (Greenhouse–Geisser)",
            anova_apa(
                t.f,
                t.df * s.greenhouse_geisser,
                t.error_df * s.greenhouse_geisser,
                p,
                Some(("ηG²", t.generalized_eta_squared)),
            )
        ),
        _ => anova_apa(
            t.f,
            t.df,
            t.error_df,
            t.p,
            Some(("ηG²", t.generalized_eta_squared)),
        ),
    }
}

/// `preclin stats rm-anova --json`.
pub fn rm_anova_json(value: &str, r: &RmAnova, excluded: &[(String, Vec<String>)]) -> Value {
    let terms: Vec<Value> = r
        .terms
        .iter()
        .map(|t| {
            json!({
                "term": t.term, "ss": finite(t.ss), "df": t.df, "error_ss": finite(t.error_ss),
                "error_df": t.error_df, "F": finite(t.f), "p": finite(t.p),
                "p_gg": opt(t.p_gg), "p_hf": opt(t.p_hf),
                "generalized_eta_squared": finite(t.generalized_eta_squared),
                "within_subjects": t.within,
                "apa": rm_apa(t, r.sphericity.as_ref()),
            })
        })
        .collect();
    let sphericity = r.sphericity.as_ref().map(|s| {
        json!({ "mauchly_w": finite(s.mauchly_w), "mauchly_p": finite(s.mauchly_p),
            "greenhouse_geisser_epsilon": finite(s.greenhouse_geisser),
            "huynh_feldt_epsilon": finite(s.huynh_feldt) })
    });
    let excluded: Vec<Value> = excluded
        .iter()
        .map(|(s, m)| json!({ "subject": s, "missing": m }))
        .collect();
    json!({
        "value": value,
        "subjects": r.subjects,
        "terms": terms,
        "sphericity": sphericity,
        "excluded": excluded,
    })
}

/// The readable report of `preclin stats rm-anova`.
pub fn rm_anova_text(value: &str, r: &RmAnova) -> String {
    let f4 = |x: f64| significant(x, 4);
    let mut out = format!(
        "{value}: repeated-measures ANOVA, {} subjects\n\n",
        r.subjects
    );
    let mut rows = vec![vec![
        "term".to_string(),
        "SS".into(),
        "df".into(),
        "F".into(),
        "p".into(),
        "p (GG)".into(),
        "p (HF)".into(),
        "ηG²".into(),
    ]];
    for t in &r.terms {
        let p_opt = |p: Option<f64>| p.map_or("–".into(), |p| format_p(p, PStyle::Gp));
        rows.push(vec![
            t.term.clone(),
            f4(t.ss),
            format!("{}, {}", apa_df(t.df), apa_df(t.error_df)),
            f4(t.f),
            format_p(t.p, PStyle::Gp),
            p_opt(t.p_gg),
            p_opt(t.p_hf),
            format!("{:.3}", t.generalized_eta_squared),
        ]);
    }
    out.push_str(&table(&rows));
    match &r.sphericity {
        Some(s) => out.push_str(&format!(
            "\nMauchly's W = {}, p {}; Greenhouse–Geisser ε = {}, Huynh–Feldt ε = {}\n",
            f4(s.mauchly_w),
            format_p(s.mauchly_p, PStyle::Gp),
            f4(s.greenhouse_geisser),
            f4(s.huynh_feldt)
        )),
        None => out.push_str("\nSphericity: not tested (two levels, or too few subjects).\n"),
    }
    for t in r.terms.iter().rev() {
        out.push_str(&format!(
            "{}: {}\n",
            t.term,
            rm_apa(t, r.sphericity.as_ref())
        ));
    }
    out
}

fn prediction_json(p: &InversePrediction, row: Option<usize>) -> Value {
    json!({ "row": row, "y": finite(p.y), "x": opt(p.x), "lower": opt(p.lower),
        "upper": opt(p.upper) })
}

/// `preclin stats regress --json` for a straight-line or quadratic curve.
pub fn calibration_json(
    fit: &CalibrationFit,
    rows: &[usize],
    compared: &[CalibrationFit],
    predictions: &[(Option<usize>, InversePrediction)],
) -> Value {
    let mut m = Map::new();
    m.insert("model".into(), json!(fit.model.id()));
    m.insert("weights".into(), json!(fit.weighting.id()));
    let names = ["intercept", "slope", "quadratic"];
    for (i, name) in names.iter().enumerate().take(fit.coefficients.len()) {
        m.insert((*name).into(), finite(fit.coefficients[i]));
        m.insert(format!("se_{name}"), finite(fit.standard_errors[i]));
        let (lo, hi) = fit.confidence_intervals[i];
        m.insert(format!("ci_{name}"), json!([finite(lo), finite(hi)]));
    }
    m.insert("confidence_level".into(), json!(fit.level));
    m.insert("r_squared".into(), finite(fit.r_squared));
    m.insert("residual_sd".into(), finite(fit.residual_sd));
    m.insert(
        "residual_sd_unweighted".into(),
        finite(fit.residual_sd_unweighted),
    );
    m.insert("df_residual".into(), json!(fit.df_residual));
    m.insert("lod".into(), finite(fit.lod));
    m.insert("loq".into(), finite(fit.loq));
    let standards: Vec<Value> = fit
        .standards
        .iter()
        .zip(rows)
        .map(|(s, row)| {
            json!({ "row": row, "x": finite(s.x), "y": finite(s.y), "used": s.used,
                "fitted": finite(s.fitted), "back_calculated": opt(s.back_calculated),
                "relative_error_pct": opt(s.relative_error_pct) })
        })
        .collect();
    m.insert("standards".into(), json!(standards));
    m.insert(
        "sum_abs_relative_error_pct".into(),
        finite(fit.sum_abs_relative_error_pct),
    );
    if !compared.is_empty() {
        let list: Vec<Value> = compared
            .iter()
            .map(|c| {
                json!({ "weights": c.weighting.id(),
                "sum_abs_relative_error_pct": finite(c.sum_abs_relative_error_pct) })
            })
            .collect();
        m.insert("weights_compared".into(), json!(list));
    }
    let predicted: Vec<Value> = predictions
        .iter()
        .map(|(row, p)| prediction_json(p, *row))
        .collect();
    m.insert("predictions".into(), json!(predicted));
    Value::Object(m)
}

/// `preclin stats regress --model 4pl --json`.
pub fn logistic_json(
    fit: &LogisticFit,
    x: &[f64],
    y: &[f64],
    rows: &[usize],
    predictions: &[(Option<usize>, f64, Option<f64>)],
) -> Value {
    let mut m = Map::new();
    m.insert("model".into(), json!("4pl"));
    m.insert("weights".into(), json!("none"));
    for (i, name) in ["a", "b", "c", "d"].iter().enumerate() {
        m.insert((*name).into(), finite(fit.parameters[i]));
        m.insert(format!("se_{name}"), finite(fit.standard_errors[i]));
        let (lo, hi) = fit.confidence_intervals[i];
        m.insert(format!("ci_{name}"), json!([finite(lo), finite(hi)]));
    }
    m.insert("confidence_level".into(), json!(fit.level));
    m.insert("residual_sd".into(), finite(fit.residual_sd));
    m.insert("df_residual".into(), json!(fit.df_residual));
    m.insert("iterations".into(), json!(fit.iterations));
    let standards: Vec<Value> = (0..x.len())
        .map(|i| {
            json!({ "row": rows[i], "x": finite(x[i]), "y": finite(y[i]), "used": true,
                "fitted": finite(fit.fitted[i]),
                "back_calculated": opt(fit.back_calculated[i]),
                "relative_error_pct": opt(fit.relative_error_pct[i]) })
        })
        .collect();
    m.insert("standards".into(), json!(standards));
    let predicted: Vec<Value> = predictions
        .iter()
        .map(|(row, y, x)| json!({ "row": row, "y": finite(*y), "x": opt(*x) }))
        .collect();
    m.insert("predictions".into(), json!(predicted));
    Value::Object(m)
}

fn standards_table(
    rows_in: &[usize],
    data: impl Iterator<Item = (f64, f64, bool, f64, Option<f64>, Option<f64>)>,
) -> String {
    let f4 = |x: f64| significant(x, 4);
    let mut rows = vec![vec![
        "row".to_string(),
        "x".into(),
        "y".into(),
        "fitted".into(),
        "back-calculated".into(),
        "%RE".into(),
    ]];
    for (row, (x, y, used, fitted, back, re)) in rows_in.iter().zip(data) {
        rows.push(vec![
            row.to_string(),
            f4(x),
            f4(y),
            if used {
                f4(fitted)
            } else {
                "(left out)".into()
            },
            back.map_or("–".into(), f4),
            re.map_or("–".into(), |r| format!("{r:.1}")),
        ]);
    }
    table(&rows)
}

/// The readable report of `preclin stats regress` (straight line or quadratic).
pub fn calibration_text(
    fit: &CalibrationFit,
    rows: &[usize],
    compared: &[CalibrationFit],
    predictions: &[(Option<usize>, InversePrediction)],
) -> String {
    let f = |x: f64| significant(x, 6);
    let names = ["intercept", "slope", "quadratic"];
    let mut out = format!(
        "{} calibration, weights {}\n",
        fit.model.id(),
        fit.weighting.id()
    );
    for (i, name) in names.iter().enumerate().take(fit.coefficients.len()) {
        let (lo, hi) = fit.confidence_intervals[i];
        out.push_str(&format!(
            "  {name:<10} {} (SE {}; {:.0}% CI {} to {})\n",
            f(fit.coefficients[i]),
            f(fit.standard_errors[i]),
            fit.level * 100.0,
            f(lo),
            f(hi)
        ));
    }
    out.push_str(&format!(
        "  R² = {}, residual SD = {} (response scale {}), df = {}\n  LOD = {}, LOQ = {} (3.3σ/S and 10σ/S)\n\n",
        significant(fit.r_squared, 6),
        f(fit.residual_sd),
        f(fit.residual_sd_unweighted),
        fit.df_residual,
        f(fit.lod),
        f(fit.loq)
    ));
    out.push_str(&standards_table(
        rows,
        fit.standards.iter().map(|s| {
            (
                s.x,
                s.y,
                s.used,
                s.fitted,
                s.back_calculated,
                s.relative_error_pct,
            )
        }),
    ));
    out.push_str(&format!("Σ|%RE| = {:.2}\n", fit.sum_abs_relative_error_pct));
    if !compared.is_empty() {
        out.push_str("\nWeightings compared (smallest Σ|%RE| chosen):\n");
        for c in compared {
            out.push_str(&format!(
                "  {:<5} Σ|%RE| = {:.2}\n",
                c.weighting.id(),
                c.sum_abs_relative_error_pct
            ));
        }
    }
    if !predictions.is_empty() {
        out.push_str(&format!(
            "\nUnknowns ({:.0}% inverse-prediction intervals):\n",
            fit.level * 100.0
        ));
        let mut rows = vec![vec![
            "row".to_string(),
            "y".into(),
            "x".into(),
            "lower".into(),
            "upper".into(),
        ]];
        for (row, p) in predictions {
            rows.push(vec![
                row.map_or("–".into(), |r| r.to_string()),
                f(p.y),
                p.x.map_or("outside the curve".into(), f),
                p.lower.map_or("unbounded".into(), f),
                p.upper.map_or("unbounded".into(), f),
            ]);
        }
        out.push_str(&table(&rows));
    }
    out
}

/// The readable report of `preclin stats regress --model 4pl`.
pub fn logistic_text(
    fit: &LogisticFit,
    x: &[f64],
    y: &[f64],
    rows: &[usize],
    predictions: &[(Option<usize>, f64, Option<f64>)],
) -> String {
    let f = |v: f64| significant(v, 6);
    let mut out = String::from("four-parameter logistic: y = d + (a − d) / (1 + (x/c)^b)\n");
    for (i, name) in ["a", "b", "c", "d"].iter().enumerate() {
        out.push_str(&format!(
            "  {name} = {} (SE {})\n",
            f(fit.parameters[i]),
            f(fit.standard_errors[i])
        ));
    }
    out.push_str(&format!(
        "  residual SD = {}, df = {}\n\n",
        f(fit.residual_sd),
        fit.df_residual
    ));
    out.push_str(&standards_table(
        rows,
        (0..x.len()).map(|i| {
            (
                x[i],
                y[i],
                true,
                fit.fitted[i],
                fit.back_calculated[i],
                fit.relative_error_pct[i],
            )
        }),
    ));
    if !predictions.is_empty() {
        out.push_str("\nUnknowns:\n");
        for (row, yv, xv) in predictions {
            out.push_str(&format!(
                "  {}y = {} → x = {}\n",
                row.map_or(String::new(), |r| format!("row {r}: ")),
                f(*yv),
                xv.map_or("outside the curve's asymptotes".into(), f)
            ));
        }
    }
    out
}

fn km_json(group: &str, km: &KaplanMeier) -> Value {
    let steps: Vec<Value> = km
        .steps
        .iter()
        .map(|s| {
            json!({ "time": finite(s.time), "n_risk": s.n_risk, "n_event": s.n_event,
                "n_censor": s.n_censor, "survival": finite(s.survival),
                "std_err": opt(s.std_err),
                "ci": s.ci.map(|(l, u)| json!([finite(l), finite(u)])) })
        })
        .collect();
    json!({
        "group": group, "n": km.n, "events": km.events, "censored": km.n - km.events,
        "median": opt(km.median.median),
        "median_ci": [opt(km.median.lower), opt(km.median.upper)],
        "steps": steps,
    })
}

/// `preclin stats survival --json`: Kaplan–Meier curves, the log-rank test and the test
/// for trend with its scores.
pub fn survival_json(
    time: &str,
    event: &str,
    level: f64,
    groups: &[&str],
    curves: &[KaplanMeier],
    logrank: Option<&LogRank>,
    trend: Option<(&LogRankTrend, &[f64])>,
) -> Value {
    let curves: Vec<Value> = groups
        .iter()
        .zip(curves)
        .map(|(g, km)| km_json(g, km))
        .collect();
    let logrank = logrank.map(|l| {
        json!({ "chi_squared": finite(l.test.statistic),
            "df": l.test.df.first().copied().map(finite),
            "p": finite(l.test.p), "observed": l.observed,
            "expected": l.expected.iter().map(|e| finite(*e)).collect::<Vec<_>>() })
    });
    let trend = trend.map(|(t, scores)| {
        json!({ "scores": scores, "u": finite(t.u), "variance": finite(t.variance),
            "chi_squared": finite(t.test.statistic), "df": 1, "p": finite(t.test.p) })
    });
    json!({ "time": time, "event": event, "confidence_level": level,
        "groups": curves, "logrank": logrank, "trend": trend })
}
