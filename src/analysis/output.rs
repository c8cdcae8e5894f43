//! The files of `results/`: `results.json`, `animals.csv`, `summary.csv`, `report.html`
//! and the figures, assembled in memory. Same inputs, same bytes: nothing depends on the
//! clock or on hash-map order.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::run::EndpointAnalysis;
use super::Analysis;
use crate::plot::FigureWidth;
use crate::protocol::{summary_treatment_text, ScoringMethod};
use crate::report::{self, finite};
use crate::stats;

/// Relative path → bytes.
pub type ResultsFiles = BTreeMap<String, Vec<u8>>;

/// A path as shown in the results: relative to the study folder when inside it.
pub fn shown_path(a: &Analysis, path: &std::path::Path) -> String {
    path.strip_prefix(&a.study.dir)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn method_id(m: ScoringMethod) -> &'static str {
    match m {
        ScoringMethod::Continuous => "continuous",
        ScoringMethod::Bins => "bins",
        ScoringMethod::TimeSampling => "time-sampling",
    }
}

/// The JSON of one endpoint's analysis, in the layout of the matching `preclin stats`
/// command (`compare` or `anova`).
pub(crate) fn endpoint_json(e: &super::EndpointResult) -> Value {
    let (design, result) = match &e.analysis {
        EndpointAnalysis::Groups(c) => ("one-factor", report::compare_json(&e.name, c, &[])),
        EndpointAnalysis::Factorial {
            anova,
            cells,
            simple,
            posthoc,
            warnings,
        } => (
            "factorial",
            report::anova_json(
                &e.name,
                anova,
                cells,
                simple,
                posthoc.as_ref(),
                &[],
                warnings,
            ),
        ),
    };
    json!({ "name": e.name, "label": e.label, "unit": e.unit, "primary": e.primary,
        "planned": e.planned, "design": design, "result": result })
}

/// The `study` and `inputs` members of `results.json`.
pub(super) fn study_json(study: &super::Study) -> (Value, Value) {
    let (p, m) = (&study.protocol, &study.meta);
    let inputs: Vec<Value> = study
        .inputs
        .iter()
        .map(|i| json!({ "path": study.shown(&i.path), "sha256": i.sha256 }))
        .collect();
    (
        json!({
            "protocol_id": p.id, "protocol_version": p.version, "title": p.title,
            "protocol_sha256": m.protocol_sha256, "seed": m.seed,
            "randomisation": m.randomisation, "n_per_group": m.n_per_group,
        }),
        json!(inputs),
    )
}

/// The `groups` member of `results.json`: treatments, animals allocated and analysed.
pub(super) fn groups_json(
    p: &crate::protocol::Protocol,
    counts: &dyn Fn(usize) -> (usize, usize),
) -> Value {
    let groups: Vec<Value> = p
        .design
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let (allocated, analysed) = counts(g);
            json!({ "id": group.id, "label": group.label,
                "treatments": group.treatments.iter().map(summary_treatment_text).collect::<Vec<_>>(),
                "allocated": allocated, "analysed": analysed, "excluded": allocated - analysed })
        })
        .collect();
    json!(groups)
}

/// Mean, SEM and n per group and time point of a time course.
pub(super) fn course_json(
    p: &crate::protocol::Protocol,
    summary: &[Vec<(f64, f64, usize)>],
) -> Value {
    let groups: Vec<Value> = p
        .design
        .groups
        .iter()
        .zip(summary)
        .map(|(g, s)| {
            json!({ "group": g.id,
                "mean": s.iter().map(|x| finite(x.0)).collect::<Vec<_>>(),
                "sem": s.iter().map(|x| finite(x.1)).collect::<Vec<_>>(),
                "n": s.iter().map(|x| x.2).collect::<Vec<_>>() })
        })
        .collect();
    json!(groups)
}

/// `results.json`.
pub fn results_json(a: &Analysis, figures: &[String]) -> Value {
    let p = &a.study.protocol;
    let (study, inputs) = study_json(&a.study);
    let groups = groups_json(p, &|g| a.group_counts(g));
    let exclusions: Vec<Value> = a
        .scores
        .animals
        .iter()
        .filter_map(|x| {
            x.exclusion.as_ref().map(|e| {
                json!({ "blind_code": x.blind_code, "group": p.design.groups[x.group].id,
                    "reason": e.reason, "source": e.source, "row": x.row })
            })
        })
        .collect();
    let endpoints: Vec<Value> = a.statistics.endpoints.iter().map(endpoint_json).collect();
    let time_course = a.statistics.time_course.as_ref().map(|t| {
        let groups = course_json(p, &t.summary);
        json!({ "behaviour": t.behaviour, "bin_width_s": t.bin_width_s, "bins": t.bin_labels,
            "analysed_bins": t.within_levels, "groups": groups,
            "anova": report::rm_anova_json(&format!("{}_per_bin_s", t.behaviour), &t.anova, &[]) })
    });
    let latency = a.statistics.latency.as_ref().map(|l| {
        let names: Vec<&str> = p.design.groups.iter().map(|g| g.id.as_str()).collect();
        let mut v = report::survival_json(
            &format!("latency_{}_s", l.behaviour),
            "observed",
            0.95,
            &names,
            &l.curves,
            l.logrank.as_ref(),
            l.trend.as_ref().map(|(s, t)| (t, s.as_slice())),
        );
        v["censored_at_s"] = finite(l.censor_s);
        if l.trend.is_some() {
            v["trend"]["groups"] = json!(l.trend_groups);
        }
        v
    });
    let s = p.scoring.as_ref();
    json!({
        "preclin_version": env!("CARGO_PKG_VERSION"),
        "study": study,
        "inputs": inputs,
        "scoring": s.map(|s| json!({ "method": method_id(s.method),
            "window_s": [s.window_start_s, s.window_end_s], "session_s": a.scores.session_s,
            "min_bout_s": s.min_bout_s })),
        "alpha": p.analysis.alpha,
        "groups": groups,
        "exclusions": exclusions,
        "endpoints": endpoints,
        "time_course": time_course,
        "latency": latency,
        "deviations": a.deviations().iter().map(super::Deviation::json).collect::<Vec<_>>(),
        "methods_text": report::methods_paragraph(a),
        "figures": figures,
    })
}

/// `animals.csv`: one row per animal, unblinded, with every endpoint and the exclusion.
fn animals_csv(a: &Analysis) -> Vec<u8> {
    let p = &a.study.protocol;
    let columns = &a.scores.scalar_columns;
    let bins: Vec<(String, usize)> = a
        .scores
        .animals
        .iter()
        .flat_map(|x| x.bins.iter().map(|(b, v)| (b.clone(), v.len())))
        .fold(Vec::new(), |mut acc, item| {
            if !acc.iter().any(|(b, _)| *b == item.0) {
                acc.push(item);
            }
            acc
        });
    let mut header: Vec<String> = ["blind_code", "group", "group_label"]
        .map(String::from)
        .to_vec();
    header.extend(p.design.factors.iter().map(|f| f.name.clone()));
    header.extend(["cage", "excluded"].map(String::from));
    header.extend(["exclusion_reason", "exclusion_source"].map(String::from));
    header.extend(columns.iter().cloned());
    // Time in the window also as a percentage of the window.
    let window_s = a.scores.window.1 - a.scores.window.0;
    let percent: Vec<&String> = columns
        .iter()
        .filter(|c| c.ends_with("_s") && !c.ends_with("_mean_bout_s"))
        .collect();
    header.extend(
        percent
            .iter()
            .map(|c| format!("{}_pct", c.trim_end_matches("_s"))),
    );
    for (b, n) in &bins {
        header.extend((1..=*n).map(|k| format!("{b}_bin{k}_s")));
    }
    if let Some((b, _)) = &a.scores.latency {
        header.push(format!("latency_{b}_s"));
        header.push("latency_censored".into());
    }
    let mut rows = vec![header];
    for x in &a.scores.animals {
        let g = &p.design.groups[x.group];
        let cage = a
            .study
            .entry(&x.blind_code)
            .map(|k| k.cage.clone())
            .unwrap_or_default();
        let mut r = vec![x.blind_code.clone(), g.id.clone(), g.label.clone()];
        r.extend(
            p.design
                .factors
                .iter()
                .map(|f| g.levels.get(&f.name).cloned().unwrap_or_default()),
        );
        r.extend([
            cage,
            if x.exclusion.is_some() { "yes" } else { "no" }.into(),
            x.exclusion
                .as_ref()
                .map(|e| e.reason.clone())
                .unwrap_or_default(),
            x.exclusion
                .as_ref()
                .map(|e| e.source.clone())
                .unwrap_or_default(),
        ]);
        r.extend(
            columns
                .iter()
                .map(|c| x.values.get(c).map(|v| v.to_string()).unwrap_or_default()),
        );
        r.extend(percent.iter().map(|c| {
            x.values
                .get(*c)
                .map(|v| format!("{}", (100.0 * v / window_s * 1e6).round() / 1e6))
                .unwrap_or_default()
        }));
        for (b, n) in &bins {
            let v = x.bins.get(b);
            r.extend((0..*n).map(|k| {
                v.and_then(|v| v.get(k))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            }));
        }
        if a.scores.latency.is_some() {
            match x.latency {
                Some(l) => {
                    r.push(l.time_s.to_string());
                    r.push(if l.observed { "no" } else { "yes" }.into());
                }
                None => r.extend([String::new(), String::new()]),
            }
        }
        rows.push(r);
    }
    crate::study::csv_text(&rows)
}

/// `summary.csv`: per endpoint and group, the descriptive statistics of the analysed animals.
fn summary_csv(a: &Analysis) -> Vec<u8> {
    let endpoints: Vec<&super::EndpointResult> = a.statistics.endpoints.iter().collect();
    summary_csv_of(&a.study.protocol, &endpoints)
}

/// `summary.csv` of any list of endpoints.
pub(super) fn summary_csv_of(
    p: &crate::protocol::Protocol,
    endpoints: &[&super::EndpointResult],
) -> Vec<u8> {
    let mut rows = vec![[
        "endpoint",
        "group",
        "n",
        "mean",
        "sd",
        "sem",
        "ci95_low",
        "ci95_high",
        "median",
        "q1",
        "q3",
        "min",
        "max",
    ]
    .map(String::from)
    .to_vec()];
    for e in endpoints {
        for (g, values) in p.design.groups.iter().zip(&e.values) {
            let x: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
            let Ok(d) = stats::describe(&g.id, &x) else {
                continue;
            };
            let f = |v: f64| {
                if v.is_finite() {
                    v.to_string()
                } else {
                    String::new()
                }
            };
            rows.push(vec![
                e.name.clone(),
                g.id.clone(),
                d.n.to_string(),
                f(d.mean),
                f(d.sd),
                f(d.sem),
                f(d.ci95.0),
                f(d.ci95.1),
                f(d.median),
                f(d.q1),
                f(d.q3),
                f(d.min),
                f(d.max),
            ]);
        }
    }
    crate::study::csv_text(&rows)
}

/// Every file of `results/`.
pub fn results_files(a: &Analysis) -> ResultsFiles {
    let mut files = ResultsFiles::new();
    // The figures at two columns are drawn beside those at one column and the deviations
    // (the results and the report both list them; the answers are remembered).
    let (figures, wide) = std::thread::scope(|s| {
        let wide = s.spawn(|| report::study_figures(a, FigureWidth::TwoColumn));
        let deviations = s.spawn(|| a.deviations());
        let figures = report::study_figures(a, FigureWidth::OneColumn);
        let _ = deviations.join();
        (figures, wide.join().expect("the figures are drawn"))
    });
    let names: Vec<String> = figures.iter().map(|f| f.path.clone()).collect();
    let json = results_json(a, &names);
    files.insert(
        "results.json".into(),
        serde_json::to_vec_pretty(&json).expect("JSON serialises"),
    );
    files.insert("animals.csv".into(), animals_csv(a));
    files.insert("summary.csv".into(), summary_csv(a));
    files.insert(
        "report.html".into(),
        report::report_html(a, &figures).into_bytes(),
    );
    insert_figures(&mut files, figures, wide);
    files
}

/// The figures' SVG and PNG at one column, and the PNG at two columns of those drawn so.
pub(super) fn insert_figures(
    files: &mut ResultsFiles,
    figures: Vec<report::StudyFigure>,
    wide: Vec<report::StudyFigure>,
) {
    for f in figures {
        files.insert(f.path.clone(), f.svg.into_bytes());
        if let Some(png) = f.png {
            files.insert(f.path.replace(".svg", ".png"), png);
        }
    }
    for f in wide {
        if let Some(png) = f.png {
            files.insert(f.path.replace(".svg", "-two-column.png"), png);
        }
    }
}
