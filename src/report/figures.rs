//! The figures of a study report, drawn by `plot` from the analysed data: a dot plot per
//! endpoint (a factorial plot for two factors) with the post hoc brackets, the time course
//! of per-bin scores with the scoring window shaded, and the latency curves.

use super::html::StudyFigure;
use super::models::CellPosthoc;
use super::pvalue::stars;
use crate::analysis::{Analysis, EndpointAnalysis, EndpointResult};
use crate::plot::{
    self, Bracket, DotGroup, FactorialCell, FigureWidth, Series, Summary, SurvivalCurve,
};
use crate::protocol::{Protocol, SummaryStyle};

/// A group label over two lines, the dose on the second: "Imipramine\n30 mg/kg".
fn two_lines(label: &str) -> String {
    match label.find(|c: char| c.is_ascii_digit()) {
        Some(i) if i > 0 && label[..i].ends_with(' ') => {
            format!("{}\n{}", label[..i].trim_end(), &label[i..])
        }
        _ => label.to_string(),
    }
}

/// "Immobility time (s)" from the endpoint's label without its parenthesis, and its unit.
pub(super) fn axis_label(e: &EndpointResult) -> String {
    let base = e.label.split(" (").next().unwrap_or(&e.label);
    format!("{base} ({})", e.unit)
}

pub(super) fn summary(p: &Protocol) -> Summary {
    match p.analysis.summary {
        SummaryStyle::MeanSem => Summary::MeanSem,
        SummaryStyle::MeanSd => Summary::MeanSd,
        SummaryStyle::MedianIqr => Summary::MedianIqr,
    }
}

pub(super) fn summary_text(p: &Protocol) -> &'static str {
    match p.analysis.summary {
        SummaryStyle::MeanSem => "mean ± SEM",
        SummaryStyle::MeanSd => "mean ± SD",
        SummaryStyle::MedianIqr => "median and interquartile range",
    }
}

/// The dot plot (or factorial plot) of one endpoint with its post hoc brackets.
pub(super) fn endpoint_figure(
    p: &Protocol,
    seed: u64,
    e: &EndpointResult,
    width: FigureWidth,
) -> StudyFigure {
    let (figure, caption) = match &e.analysis {
        EndpointAnalysis::Groups(c) => {
            let groups: Vec<DotGroup> = p
                .design
                .groups
                .iter()
                .zip(&e.values)
                .map(|(g, v)| DotGroup {
                    label: two_lines(&g.label),
                    values: v.iter().map(|(_, x)| *x).collect(),
                })
                .collect();
            let index = |id: &str| p.design.groups.iter().position(|g| g.id == id);
            let mut brackets = Vec::new();
            let mut how = String::new();
            if let Some(ph) = &c.posthoc {
                let all_pairs = ph.control.is_none();
                for x in &ph.comparisons {
                    if all_pairs && x.p_adj > c.alpha {
                        continue;
                    }
                    if let (Some(from), Some(to)) = (index(&x.b), index(&x.a)) {
                        brackets.push(Bracket {
                            from,
                            to,
                            text: stars(x.p_adj).into(),
                        });
                    }
                }
                how = format!(
                    " Brackets: {} ({}).",
                    ph.method.title(),
                    if all_pairs {
                        "significant pairs"
                    } else {
                        "each group vs control"
                    }
                );
            } else if p.design.groups.len() == 2 {
                brackets.push(Bracket {
                    from: 0,
                    to: 1,
                    text: stars(c.omnibus.result.p).into(),
                });
                how = format!(" Bracket: {}.", c.omnibus.test.title());
            }
            (
                plot::dot_plot(&groups, summary(p), &brackets, &axis_label(e), seed, width),
                format!(
                    "{} per group: every animal a point, {}.{how} * p ≤ 0.05, ** ≤ 0.01, *** ≤ 0.001, **** ≤ 0.0001, ns not significant.",
                    e.label,
                    summary_text(p)
                ),
            )
        }
        EndpointAnalysis::Factorial {
            anova,
            cells,
            posthoc,
            ..
        } => {
            let a_levels = anova.factor_levels[0].clone();
            let b_levels = anova.factor_levels.get(1).cloned().unwrap_or_default();
            let mut values: Vec<Vec<f64>> = vec![Vec::new(); anova.cells.len()];
            for (g, v) in p.design.groups.iter().zip(&e.values) {
                let label: Vec<String> = p
                    .design
                    .factors
                    .iter()
                    .map(|f| g.levels.get(&f.name).cloned().unwrap_or_default())
                    .collect();
                if let Some(c) = cells.iter().position(|c| c.levels == label) {
                    values[c].extend(v.iter().map(|(_, x)| *x));
                }
            }
            let fcells: Vec<FactorialCell> = anova
                .cells
                .iter()
                .zip(values)
                .map(|(c, v)| FactorialCell {
                    a_level: c.levels[0],
                    b_level: c.levels.get(1).copied().unwrap_or(0),
                    values: v,
                })
                .collect();
            let index = |label: &str| anova.cells.iter().position(|c| c.label == label);
            let mut brackets = Vec::new();
            // Brackets between cells that differ in one factor only (the effect of one
            // factor at a level of the other); diagonal pairs stay in the report's table.
            let one_factor_apart = |a: &str, b: &str| match (index(a), index(b)) {
                (Some(i), Some(j)) => {
                    let (x, y) = (&anova.cells[i].levels, &anova.cells[j].levels);
                    x.iter().zip(y).filter(|(u, v)| u != v).count() == 1
                }
                _ => false,
            };
            if let Some(CellPosthoc::Cells(ph)) = posthoc {
                for x in ph.comparisons.iter().filter(|x| {
                    x.p_adj <= 1.0 - ph.confidence_level + 1e-12 && one_factor_apart(&x.a, &x.b)
                }) {
                    if let (Some(from), Some(to)) = (index(&x.b), index(&x.a)) {
                        brackets.push(Bracket {
                            from,
                            to,
                            text: stars(x.p_adj).into(),
                        });
                    }
                }
            }
            (
                plot::factorial_plot(&anova.factor_names[0], &a_levels, &b_levels, &fcells, summary(p), &brackets, &axis_label(e), seed, width),
                format!(
                    "{} by {} (colours) within each level of {}: every animal a point, {}. Brackets: significant post hoc comparisons of cells differing in one factor (all comparisons are in the table).",
                    e.label,
                    anova.factor_names[0],
                    anova.factor_names.get(1).cloned().unwrap_or_default(),
                    summary_text(p)
                ),
            )
        }
    };
    StudyFigure {
        path: format!("figures/{}.svg", e.name),
        caption,
        svg: figure.svg,
        png: Some(figure.png),
    }
}

/// Every figure of the report, in the order they appear, drawn for one column (85 mm) or
/// two (180 mm).
pub fn study_figures(a: &Analysis, width: FigureWidth) -> Vec<StudyFigure> {
    let p = &a.study.protocol;
    let mut out: Vec<StudyFigure> = a
        .statistics
        .endpoints
        .iter()
        .map(|e| endpoint_figure(p, a.study.meta.seed, e, width))
        .collect();
    if let Some(t) = &a.statistics.time_course {
        let minutes = t.bin_width_s == 60.0;
        let scale = if minutes { 60.0 } else { 1.0 };
        let series: Vec<Series> = p
            .design
            .groups
            .iter()
            .zip(&t.summary)
            .map(|(g, s)| Series {
                label: g.label.clone(),
                points: s
                    .iter()
                    .enumerate()
                    .map(|(k, (m, sem, _))| (((k as f64) + 0.5) * t.bin_width_s / scale, *m, *sem))
                    .collect(),
            })
            .collect();
        let (w0, w1) = a.scores.window;
        let figure = plot::time_course(
            &series,
            Some((w0 / scale, w1 / scale)),
            if minutes { "Time (min)" } else { "Time (s)" },
            &format!(
                "{} per {} (s)",
                capitalise(&t.behaviour),
                if minutes { "minute" } else { "bin" }
            ),
            width,
        );
        out.push(StudyFigure {
            path: "figures/time-course.svg".into(),
            caption: format!(
                "{} per {} (mean ± SEM per group); the shaded band is the scoring window ({}–{} s).",
                capitalise(&t.behaviour),
                if minutes { "minute" } else { "bin" },
                w0,
                w1
            ),
            svg: figure.svg,
            png: Some(figure.png),
        });
    }
    if let Some(l) = &a.statistics.latency {
        let curves: Vec<SurvivalCurve> = p
            .design
            .groups
            .iter()
            .zip(&l.curves)
            .map(|(g, km)| SurvivalCurve::from_kaplan_meier(&g.label, km))
            .collect();
        let figure = plot::km_plot(
            &curves,
            l.censor_s,
            "Time (s)",
            &format!(
                "Not yet {} (proportion)",
                l.behaviour.replace("immobility", "immobile")
            ),
            width,
        );
        out.push(StudyFigure {
            path: "figures/latency.svg".into(),
            caption: format!(
                "Latency to the first {} (Kaplan–Meier); ticks mark animals censored at {} s, which never showed it.",
                l.behaviour, l.censor_s
            ),
            svg: figure.svg,
            png: Some(figure.png),
        });
    }
    out
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
