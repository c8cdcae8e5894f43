//! The files of `results/` for a CMS / CYP study: `results.json`, `animals.csv`,
//! `summary.csv`, one CSV per calculation step in `steps/` (so that every number of the
//! report can be followed back to the sheet row it came from), `report.html` and the
//! figures. Assembled in memory; same inputs, same bytes.

use serde_json::{json, Value};

use super::cms::{CmsAnalysis, Measure};
use super::output::{
    course_json, endpoint_json, groups_json, insert_figures, study_json, summary_csv_of,
    ResultsFiles,
};
use crate::assay::qpcr::{QpcrFormat, UndeterminedRule};
use crate::plot::FigureWidth;
use crate::report::{self, finite};
use crate::study::csv_text;

/// A number for a CSV cell: shortest round-trip text, empty when not finite.
fn num(v: f64) -> String {
    if v.is_finite() {
        v.to_string()
    } else {
        String::new()
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

fn opt_json(v: Option<f64>) -> Value {
    v.map_or(Value::Null, finite)
}

/// The group id of a blind code ("" when unknown).
fn group_of(c: &CmsAnalysis, code: &str) -> String {
    c.study
        .entry(code)
        .map(|k| c.study.protocol.design.groups[k.group].id.clone())
        .unwrap_or_default()
}

fn format_id(f: QpcrFormat) -> &'static str {
    match f {
        QpcrFormat::CaptureSheet => "capture-sheet",
        QpcrFormat::QuantStudio => "quantstudio",
        QpcrFormat::Cfx => "cfx",
    }
}

fn measure_json(m: &Measure) -> Value {
    match m {
        Measure::Activity {
            isoform,
            reaction,
            metabolite,
        } => json!({ "kind": "activity", "isoform": isoform, "reaction": reaction,
            "metabolite": metabolite }),
        Measure::Mrna { gene } => json!({ "kind": "mrna", "gene": gene }),
        Measure::ProteinLevel { target } => json!({ "kind": "protein-level", "target": target }),
        Measure::MicrosomalProtein => json!({ "kind": "microsomal-protein" }),
        Measure::LastWeek { column, week } => {
            json!({ "kind": "last-week", "column": column, "week": week })
        }
    }
}

fn hplc_json(c: &CmsAnalysis) -> Value {
    let Some(h) = &c.assays.hplc else {
        return Value::Null;
    };
    let calibrations: Vec<Value> = h
        .result
        .calibrations
        .iter()
        .map(|cal| {
            let rows: Vec<usize> = cal.rows.iter().map(|&i| h.standard_rows[i]).collect();
            let a = &cal.acceptance;
            let failing: Vec<Value> = a
                .failing
                .iter()
                .map(|f| {
                    json!({ "level": f.level, "nominal_um": finite(f.nominal_um),
                        "back_calculated_um": opt_json(f.back_calculated_um),
                        "relative_error_pct": opt_json(f.relative_error_pct),
                        "limit_pct": f.limit_pct })
                })
                .collect();
            json!({ "run": cal.run, "metabolite": cal.metabolite,
                "response": cal.response.label(), "weighting_chosen": cal.weighting_chosen,
                "lowest_um": finite(cal.lowest_um), "top_um": finite(cal.top_um),
                "lloq_um": finite(cal.lloq_um),
                "blanks": cal.blanks.iter().map(|(i, y)| json!({ "row": h.standard_rows[*i],
                    "response": finite(*y) })).collect::<Vec<_>>(),
                "fit": report::calibration_json(&cal.fit, &rows, &cal.compared, &[]),
                "acceptance": { "accepted": a.accepted, "non_zero_levels": a.non_zero_levels,
                    "non_zero_standards": a.non_zero_standards, "passing": a.passing,
                    "passing_needed": a.passing_needed, "failing": failing,
                    "reasons": a.reasons } })
        })
        .collect();
    let not_quantified: Vec<Value> = h
        .result
        .not_quantified
        .iter()
        .map(|n| {
            json!({ "row": h.sample_rows[n.row], "run": n.run, "blind_code": n.blind_code,
                "metabolite": n.metabolite, "no_nadph_blank": n.no_nadph_blank,
                "reason": n.reason })
        })
        .collect();
    let flagged: Vec<Value> = h
        .result
        .samples
        .iter()
        .filter(|s| !s.flags.is_empty())
        .map(|s| {
            json!({ "row": h.sample_rows[s.row], "run": s.run, "blind_code": s.blind_code,
                "metabolite": s.metabolite, "no_nadph_blank": s.no_nadph_blank,
                "measured_um": finite(s.measured_um),
                "flags": s.flags.iter().map(|f| f.label()).collect::<Vec<_>>() })
        })
        .collect();
    json!({ "calibrations": calibrations, "not_quantified": not_quantified,
        "flagged_samples": flagged })
}

fn protein_json(c: &CmsAnalysis) -> Value {
    let Some(plates) = &c.assays.protein else {
        return Value::Null;
    };
    let list: Vec<Value> = plates
        .iter()
        .map(|p| {
            let curve = match &p.curve {
                crate::assay::protein::ProteinCurve::Linear(f) => {
                    json!({ "model": "linear", "intercept": finite(f.coefficients[0]),
                        "slope": finite(f.coefficients[1]), "r_squared": finite(f.r_squared) })
                }
                crate::assay::protein::ProteinCurve::FourParameterLogistic(f) => {
                    json!({ "model": "4pl", "parameters": f.parameters.iter().map(|v| finite(*v)).collect::<Vec<_>>() })
                }
            };
            json!({ "plate": p.plate, "blank_absorbance": finite(p.blank_absorbance),
                "blank_wells": p.blank_wells, "curve": curve,
                "samples": p.samples.iter().map(|s| json!({ "blind_code": s.blind_code,
                    "wells": s.wells, "mean_absorbance": finite(s.mean_absorbance),
                    "cv_pct": opt_json(s.cv_pct), "ug_per_ml": finite(s.ug_per_ml),
                    "dilution": finite(s.dilution), "mg_per_ml": finite(s.mg_per_ml) }))
                    .collect::<Vec<_>>() })
        })
        .collect();
    json!(list)
}

fn qpcr_json(c: &CmsAnalysis) -> Value {
    let Some(q) = &c.assays.qpcr else {
        return Value::Null;
    };
    let r = &q.result;
    let files: Vec<Value> = q
        .files
        .iter()
        .map(|f| {
            json!({ "path": c.study.shown(&f.data.path), "format": format_id(f.data.format),
                "wells": f.data.wells.len(), "controls_skipped": f.data.controls_skipped,
                "omitted": f.data.omitted })
        })
        .collect();
    let undetermined = match r.policy.undetermined {
        UndeterminedRule::Exclude => json!("excluded"),
        UndeterminedRule::SetTo(v) => json!(v),
    };
    json!({
        "files": files,
        "policy": { "max_cq": r.policy.max_cq, "undetermined": undetermined,
            "max_replicate_sd": r.policy.max_replicate_sd },
        "control_group": r.control_group,
        "reference_genes": r.reference_genes,
        "handled_wells": r.handled_wells.iter().map(|w| json!({ "plate": w.plate,
            "well": w.well, "sample": w.sample, "target": w.target, "row": w.row,
            "cq": opt_json(w.cq), "used": opt_json(w.used) })).collect::<Vec<_>>(),
        "high_sd_replicates": r.replicates.iter().filter(|x| x.high_sd).map(|x| json!({
            "sample": x.sample, "target": x.target, "cq": x.cqs, "rows": x.rows,
            "sd": finite(x.sd) })).collect::<Vec<_>>(),
        "reference_stability_m": r.stability.iter().map(|s| json!({ "gene": s.gene,
            "m": finite(s.m) })).collect::<Vec<_>>(),
        "groups": c.qpcr_groups().iter().map(|g| json!({ "target": g.target, "group": g.group,
            "n": g.n, "mean_delta_cq": finite(g.mean_delta_cq),
            "sd_delta_cq": finite(g.sd_delta_cq),
            "mean_delta_delta_cq": finite(g.mean_delta_delta_cq),
            "ci95_delta_delta_cq": [finite(g.ci95_delta_delta_cq.0), finite(g.ci95_delta_delta_cq.1)],
            "fold_change": finite(g.fold_change),
            "fold_change_ci95": [finite(g.fold_change_ci95.0), finite(g.fold_change_ci95.1)],
            "mean_fold_change": finite(g.mean_fold_change),
            "pfaffl_ratio": opt_json(g.pfaffl_ratio) })).collect::<Vec<_>>(),
    })
}

fn western_json(c: &CmsAnalysis) -> Value {
    let Some(w) = &c.assays.western else {
        return Value::Null;
    };
    json!({ "controls": w.controls.iter().map(|b| json!({ "blot": b.blot,
        "target": b.target, "control_lanes": b.control_lanes,
        "mean_ratio": finite(b.mean_ratio) })).collect::<Vec<_>>() })
}

/// `results.json` of a CMS / CYP study.
pub fn cms_results_json(c: &CmsAnalysis, figures: &[String]) -> Value {
    let p = &c.study.protocol;
    let (study, inputs) = study_json(&c.study);
    let groups = groups_json(p, &|g| c.group_counts(g));
    let exclusions: Vec<Value> = c
        .assays
        .exclusions
        .iter()
        .map(|x| {
            json!({ "blind_code": x.blind_code, "group": group_of(c, &x.blind_code),
                "reason": x.reason, "source": "sheet", "row": x.row })
        })
        .collect();
    let endpoints: Vec<Value> = c
        .endpoints
        .iter()
        .map(|e| {
            let mut v = endpoint_json(&e.result);
            v["measure"] = measure_json(&e.measure);
            v["flags"] = json!(e
                .flags
                .iter()
                .map(|(code, flag)| json!({ "blind_code": code, "flag": flag }))
                .collect::<Vec<_>>());
            v
        })
        .collect();
    let weekly: Vec<Value> = c
        .weekly
        .iter()
        .map(|w| {
            let groups = course_json(p, &w.summary);
            json!({ "name": w.name, "label": w.label, "unit": w.unit, "weeks": w.weeks,
                "groups": groups, "incomplete_animals": w.incomplete,
                "anova": report::rm_anova_json(&w.name, &w.anova, &[]) })
        })
        .collect();
    let stress = p.stress.as_ref().map(|s| {
        json!({ "factor": s.factor, "level": s.level, "weeks": s.weeks,
            "treatment_start_week": s.treatment_start_week })
    });
    let mut assays = json!({
        "hplc": hplc_json(c),
        "protein": protein_json(c),
        "qpcr": qpcr_json(c),
        "western": western_json(c),
    });
    if !c.assays.reader_flags.is_empty() {
        assays["protein_reader_flags"] = json!(c
            .assays
            .reader_flags
            .iter()
            .map(
                |f| json!({ "plate": f.plate, "well": f.well, "reader_value": f.raw,
                "at": f.from, "sheet_value": opt_json(f.typed) })
            )
            .collect::<Vec<_>>());
    }
    json!({
        "preclin_version": env!("CARGO_PKG_VERSION"),
        "study": study,
        "inputs": inputs,
        "stress": stress,
        "alpha": p.analysis.alpha,
        "groups": groups,
        "exclusions": exclusions,
        "assays": assays,
        "endpoints": endpoints,
        "not_analysed": c.not_analysed,
        "weekly": weekly,
        "deviations": c.deviations().iter().map(super::Deviation::json).collect::<Vec<_>>(),
        "methods_text": report::cms_methods_paragraph(c),
        "figures": figures,
    })
}

/// `animals.csv`: one row per animal, unblinded, with every endpoint's value.
fn animals_csv(c: &CmsAnalysis) -> Vec<u8> {
    let p = &c.study.protocol;
    let mut header: Vec<String> = ["blind_code", "group", "group_label"]
        .map(String::from)
        .to_vec();
    header.extend(p.design.factors.iter().map(|f| f.name.clone()));
    header.extend(["cage", "excluded", "exclusion_reason"].map(String::from));
    for e in &c.endpoints {
        header.push(e.result.name.clone());
        if e.shown.is_some() {
            header.push(e.result.name.replace("mrna_delta_cq_", "mrna_fold_change_"));
        }
    }
    let mut rows = vec![header];
    for k in &c.study.key {
        let g = &p.design.groups[k.group];
        let exclusion = c
            .assays
            .exclusions
            .iter()
            .find(|x| x.blind_code == k.blind_code);
        let mut r = vec![k.blind_code.clone(), g.id.clone(), g.label.clone()];
        r.extend(
            p.design
                .factors
                .iter()
                .map(|f| g.levels.get(&f.name).cloned().unwrap_or_default()),
        );
        r.push(k.cage.clone());
        r.push(if exclusion.is_some() { "yes" } else { "no" }.into());
        r.push(exclusion.map(|x| x.reason.clone()).unwrap_or_default());
        let value_of = |values: &Vec<Vec<(String, f64)>>| {
            values[k.group]
                .iter()
                .find(|(code, _)| *code == k.blind_code)
                .map(|(_, v)| num(*v))
                .unwrap_or_default()
        };
        for e in &c.endpoints {
            r.push(value_of(&e.result.values));
            if let Some(shown) = &e.shown {
                r.push(value_of(&shown.values));
            }
        }
        rows.push(r);
    }
    csv_text(&rows)
}

fn hplc_csvs(c: &CmsAnalysis, files: &mut ResultsFiles) {
    let Some(h) = &c.assays.hplc else {
        return;
    };
    let mut curves = vec![[
        "run",
        "metabolite",
        "response",
        "model",
        "weighting",
        "weighting_chosen",
        "intercept",
        "slope",
        "quadratic",
        "r_squared",
        "residual_sd",
        "residual_sd_unweighted",
        "lod_um",
        "loq_um",
        "lowest_um",
        "top_um",
        "lloq_um",
        "non_zero_levels",
        "passing",
        "non_zero_standards",
        "accepted",
        "reasons",
    ]
    .map(String::from)
    .to_vec()];
    let mut standards = vec![[
        "sheet_row",
        "run",
        "metabolite",
        "level",
        "nominal_um",
        "response",
        "fitted",
        "back_calculated_um",
        "relative_error_pct",
        "limit_pct",
        "passes",
    ]
    .map(String::from)
    .to_vec()];
    for cal in &h.result.calibrations {
        let f = &cal.fit;
        let a = &cal.acceptance;
        curves.push(vec![
            cal.run.clone(),
            cal.metabolite.clone(),
            cal.response.label().into(),
            f.model.id().into(),
            f.weighting.id().into(),
            if cal.weighting_chosen { "yes" } else { "no" }.into(),
            num(f.coefficients[0]),
            num(f.coefficients[1]),
            opt(f.coefficients.get(2).copied()),
            num(f.r_squared),
            num(f.residual_sd),
            num(f.residual_sd_unweighted),
            num(f.lod),
            num(f.loq),
            num(cal.lowest_um),
            num(cal.top_um),
            num(cal.lloq_um),
            a.non_zero_levels.to_string(),
            a.passing.to_string(),
            a.non_zero_standards.to_string(),
            if a.accepted { "yes" } else { "no" }.into(),
            a.reasons.join("; "),
        ]);
        for (k, s) in f.standards.iter().enumerate() {
            let i = cal.rows[k];
            let failing = a.failing.iter().any(|x| {
                x.nominal_um == s.x
                    && x.relative_error_pct == s.relative_error_pct.filter(|_| s.used)
            });
            let limit = if s.x == 0.0 {
                String::new()
            } else if s.x == cal.lowest_um {
                num(crate::assay::hplc::LIMIT_LOWEST_PCT)
            } else {
                num(crate::assay::hplc::LIMIT_PCT)
            };
            standards.push(vec![
                h.standard_rows[i].to_string(),
                cal.run.clone(),
                cal.metabolite.clone(),
                h.standards[i]
                    .level
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
                num(s.x),
                num(s.y),
                num(s.fitted),
                opt(s.back_calculated),
                opt(s.relative_error_pct),
                limit,
                if s.x == 0.0 {
                    String::new()
                } else if failing {
                    "no".into()
                } else {
                    "yes".into()
                },
            ]);
        }
    }
    for cal in &h.result.calibrations {
        for &(i, y) in &cal.blanks {
            let mut r = vec![
                h.standard_rows[i].to_string(),
                cal.run.clone(),
                cal.metabolite.clone(),
                h.standards[i]
                    .level
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
                num(0.0),
                num(y),
            ];
            r.resize(11, String::new());
            standards.push(r);
        }
    }
    standards[1..].sort_by_key(|r| r[0].parse::<usize>().unwrap_or(0));
    let mut samples = vec![[
        "sheet_row",
        "run",
        "blind_code",
        "group",
        "metabolite",
        "no_nadph_blank",
        "response",
        "measured_um",
        "dilution",
        "incubation_um",
        "blank_um",
        "net_um",
        "protein_mg",
        "activity_pmol_per_min_per_mg",
        "flags",
    ]
    .map(String::from)
    .to_vec()];
    for s in &h.result.samples {
        samples.push(vec![
            h.sample_rows[s.row].to_string(),
            s.run.clone(),
            s.blind_code.clone(),
            group_of(c, &s.blind_code),
            s.metabolite.clone(),
            if s.no_nadph_blank { "yes" } else { "no" }.into(),
            num(s.response),
            num(s.measured_um),
            num(s.dilution),
            num(s.incubation_um),
            opt(s.blank_um),
            opt(s.net_um),
            opt(s.protein_mg),
            opt(s.activity_pmol_per_min_per_mg),
            s.flags
                .iter()
                .map(|f| f.label())
                .collect::<Vec<_>>()
                .join("; "),
        ]);
    }
    for n in &h.result.not_quantified {
        let mut r = vec![
            h.sample_rows[n.row].to_string(),
            n.run.clone(),
            n.blind_code.clone(),
            group_of(c, &n.blind_code),
            n.metabolite.clone(),
            if n.no_nadph_blank { "yes" } else { "no" }.into(),
        ];
        r.resize(14, String::new());
        r.push(format!("not quantified: {}", n.reason));
        samples.push(r);
    }
    files.insert("steps/hplc-curves.csv".into(), csv_text(&curves));
    files.insert("steps/hplc-standards.csv".into(), csv_text(&standards));
    files.insert("steps/hplc-samples.csv".into(), csv_text(&samples));
}

fn protein_csv(c: &CmsAnalysis, files: &mut ResultsFiles) {
    let Some(plates) = &c.assays.protein else {
        return;
    };
    let mut rows = vec![[
        "plate",
        "blind_code",
        "group",
        "wells",
        "absorbances",
        "mean_absorbance",
        "cv_pct",
        "ug_per_ml",
        "dilution",
        "mg_per_ml",
    ]
    .map(String::from)
    .to_vec()];
    for p in plates {
        for s in &p.samples {
            rows.push(vec![
                p.plate.clone(),
                s.blind_code.clone(),
                group_of(c, &s.blind_code),
                s.wells.join(" "),
                s.absorbances
                    .iter()
                    .map(|v| num(*v))
                    .collect::<Vec<_>>()
                    .join(" "),
                num(s.mean_absorbance),
                opt(s.cv_pct),
                num(s.ug_per_ml),
                num(s.dilution),
                num(s.mg_per_ml),
            ]);
        }
    }
    files.insert("steps/protein-assay.csv".into(), csv_text(&rows));
}

fn qpcr_csvs(c: &CmsAnalysis, files: &mut ResultsFiles) {
    let Some(q) = &c.assays.qpcr else {
        return;
    };
    let r = &q.result;
    let mut reps = vec![[
        "sample", "group", "gene", "n", "cq_used", "mean_cq", "sd_cq", "high_sd",
    ]
    .map(String::from)
    .to_vec()];
    for x in &r.replicates {
        reps.push(vec![
            x.sample.clone(),
            group_of(c, &x.sample),
            x.target.clone(),
            x.n.to_string(),
            x.cqs.iter().map(|v| num(*v)).collect::<Vec<_>>().join(" "),
            num(x.mean),
            num(x.sd),
            if x.high_sd { "yes" } else { "no" }.into(),
        ]);
    }
    let mut expr = vec![[
        "sample",
        "group",
        "target",
        "target_cq",
        "reference_cq",
        "delta_cq",
        "delta_delta_cq",
        "fold_change",
        "pfaffl_ratio",
    ]
    .map(String::from)
    .to_vec()];
    for s in &r.samples {
        expr.push(vec![
            s.sample.clone(),
            s.group.clone(),
            s.target.clone(),
            num(s.target_cq),
            num(s.reference_cq),
            num(s.delta_cq),
            num(s.delta_delta_cq),
            num(s.fold_change),
            opt(s.pfaffl_ratio),
        ]);
    }
    let mut groups = vec![[
        "target",
        "group",
        "n",
        "mean_delta_cq",
        "sd_delta_cq",
        "mean_delta_delta_cq",
        "ci95_low_delta_delta_cq",
        "ci95_high_delta_delta_cq",
        "fold_change",
        "fold_change_ci95_low",
        "fold_change_ci95_high",
        "mean_fold_change",
        "pfaffl_ratio",
    ]
    .map(String::from)
    .to_vec()];
    for g in c.qpcr_groups() {
        groups.push(vec![
            g.target.clone(),
            g.group.clone(),
            g.n.to_string(),
            num(g.mean_delta_cq),
            num(g.sd_delta_cq),
            num(g.mean_delta_delta_cq),
            num(g.ci95_delta_delta_cq.0),
            num(g.ci95_delta_delta_cq.1),
            num(g.fold_change),
            num(g.fold_change_ci95.0),
            num(g.fold_change_ci95.1),
            num(g.mean_fold_change),
            opt(g.pfaffl_ratio),
        ]);
    }
    files.insert("steps/qpcr-replicates.csv".into(), csv_text(&reps));
    files.insert("steps/qpcr-expression.csv".into(), csv_text(&expr));
    files.insert("steps/qpcr-groups.csv".into(), csv_text(&groups));
}

fn western_csv(c: &CmsAnalysis, files: &mut ResultsFiles) {
    let Some(w) = &c.assays.western else {
        return;
    };
    let mut rows = vec![[
        "blot",
        "lane",
        "blind_code",
        "group",
        "target",
        "control_lane",
        "target_net",
        "loading_control_net",
        "ratio",
        "control_mean_ratio",
        "pct_of_control",
    ]
    .map(String::from)
    .to_vec()];
    for l in &w.lanes {
        rows.push(vec![
            l.blot.clone(),
            l.lane.to_string(),
            l.blind_code.clone(),
            group_of(c, &l.blind_code),
            l.target.clone(),
            if l.control_group { "yes" } else { "no" }.into(),
            num(l.target_net),
            num(l.loading_control_net),
            num(l.ratio),
            num(l.control_mean_ratio),
            num(l.pct_of_control),
        ]);
    }
    files.insert("steps/western-lanes.csv".into(), csv_text(&rows));
}

fn weekly_csv(c: &CmsAnalysis, files: &mut ResultsFiles) {
    let Some(w) = &c.assays.weekly else {
        return;
    };
    let mut rows = vec![[
        "blind_code",
        "group",
        "week",
        "body_weight_g",
        "sucrose_intake_g",
        "water_intake_g",
        "sucrose_preference_pct",
        "sucrose_intake_g_per_kg",
    ]
    .map(String::from)
    .to_vec()];
    for r in &w.rows {
        let s = w
            .sucrose
            .iter()
            .find(|s| s.blind_code == r.blind_code && s.week == r.week);
        rows.push(vec![
            r.blind_code.clone(),
            group_of(c, &r.blind_code),
            r.week.to_string(),
            opt(r.body_weight_g),
            opt(r.sucrose_intake_g),
            opt(r.water_intake_g),
            opt(s.and_then(|s| s.preference_pct)),
            opt(s.and_then(|s| s.intake_g_per_kg)),
        ]);
    }
    files.insert("steps/weekly.csv".into(), csv_text(&rows));
}

/// Every file of `results/` for a CMS / CYP study.
pub fn cms_results_files(c: &CmsAnalysis) -> ResultsFiles {
    let mut files = ResultsFiles::new();
    let figures = report::cms_figures(c, FigureWidth::OneColumn);
    let names: Vec<String> = figures.iter().map(|f| f.path.clone()).collect();
    let json = cms_results_json(c, &names);
    files.insert(
        "results.json".into(),
        serde_json::to_vec_pretty(&json).expect("JSON serialises"),
    );
    files.insert("animals.csv".into(), animals_csv(c));
    let endpoints: Vec<&super::EndpointResult> = c.endpoints.iter().map(|e| &e.result).collect();
    files.insert(
        "summary.csv".into(),
        summary_csv_of(&c.study.protocol, &endpoints),
    );
    hplc_csvs(c, &mut files);
    protein_csv(c, &mut files);
    qpcr_csvs(c, &mut files);
    western_csv(c, &mut files);
    weekly_csv(c, &mut files);
    files.insert(
        "report.html".into(),
        report::cms_report_html(c, &figures).into_bytes(),
    );
    let wide = report::cms_figures(c, FigureWidth::TwoColumn);
    insert_figures(&mut files, figures, wide);
    files
}
