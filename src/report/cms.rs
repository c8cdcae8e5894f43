//! The report and figures of a chronic mild stress / cytochrome P450 study: the weekly
//! body weight and sucrose test with the stressor calendar, then each way CYP was
//! measured (activity by HPLC, mRNA by qPCR, protein by Western blot), every calculation
//! step summarised before the statistics of its endpoints.

use std::fmt::Write;

use super::figures::{capitalise, endpoint_figure, summary, summary_text};
use super::html::{
    and_list, animal_words, e, endpoint_tables, f4, figure, groups_table, page_start, provenance,
    rm_anova_tables, table, StudyFigure,
};
use crate::analysis::{slug, CmsAnalysis, CmsEndpoint, EndpointResult, Measure, WeeklyCourse};
use crate::assay::hplc::{Response, RunCalibration, LIMIT_LOWEST_PCT, LIMIT_PCT};
use crate::assay::qpcr::UndeterminedRule;
use crate::plot::{self, CalibrationCurve, CalibrationPoint, FactorialCell, FigureWidth, Series};
use crate::study::{DAYS, PERIODS_PER_DAY};

/// The figure of one endpoint: mRNA is drawn as fold change, its brackets from ΔCq.
fn cms_endpoint_figure(c: &CmsAnalysis, ep: &CmsEndpoint, width: FigureWidth) -> StudyFigure {
    let p = &c.study.protocol;
    let mut fig = match &ep.shown {
        Some(shown) => {
            let shown = EndpointResult {
                label: shown.label.clone(),
                unit: "fold".into(),
                values: shown.values.clone(),
                ..ep.result.clone()
            };
            let mut f = endpoint_figure(p, c.study.meta.seed, &shown, width);
            f.path = format!("figures/{}.svg", ep.result.name);
            f.caption.push_str(if shown.label.contains("Pfaffl") {
                " Statistics on ΔCq; Pfaffl's efficiency-corrected ratio shown."
            } else {
                " Statistics on ΔCq; fold change 2^−ΔΔCq shown."
            });
            f.caption.push_str(" The mean of the animals' ratios lies a little above their geometric mean, the fold change of the table (1 for the control group).");
            f
        }
        None => endpoint_figure(p, c.study.meta.seed, &ep.result, width),
    };
    if !ep.flags.is_empty() {
        let flagged: Vec<String> = ep
            .flags
            .iter()
            .map(|(code, flag)| format!("{code} ({flag})"))
            .collect();
        let _ = write!(
            fig.caption,
            " Flagged values, kept: {}.",
            flagged.join(", ")
        );
    }
    fig
}

/// A short label for a probe metabolite in the summary panel.
fn short_metabolite(m: &str) -> String {
    m.replace("hydroxy", "OH-")
        .replace("testosterone", "T")
        .replace("chlorzoxazone", "CZX")
        .replace("bufuralol", "BUF")
        .replace("warfarin", "W")
}

/// One panel summarising every isoform of a measure as % of the control group.
fn isoform_panel(c: &CmsAnalysis, kind: &str, width: FigureWidth) -> Option<StudyFigure> {
    let p = &c.study.protocol;
    let control = p
        .design
        .groups
        .iter()
        .position(|g| g.id == p.design.control_group)?;
    let chosen: Vec<&CmsEndpoint> = c
        .endpoints
        .iter()
        .filter(|ep| {
            matches!(
                (&ep.measure, kind),
                (Measure::Activity { .. }, "activity")
                    | (Measure::Mrna { .. }, "mrna")
                    | (Measure::ProteinLevel { .. }, "protein-level")
            )
        })
        .collect();
    if chosen.is_empty() {
        return None;
    }
    let isoforms: Vec<&str> = chosen
        .iter()
        .filter_map(|ep| ep.measure.isoform())
        .collect();
    let labels: Vec<String> = chosen
        .iter()
        .map(|ep| match &ep.measure {
            Measure::Activity {
                isoform,
                metabolite,
                ..
            } if isoforms.iter().filter(|i| *i == isoform).count() > 1 => {
                format!("{isoform}\n{}", short_metabolite(metabolite))
            }
            m => m.isoform().unwrap_or("").to_string(),
        })
        .collect();
    let mut cells = Vec::new();
    for (j, ep) in chosen.iter().enumerate() {
        let values = ep.shown.as_ref().map_or(&ep.result.values, |s| &s.values);
        let factor = match kind {
            "activity" => {
                let control_values: Vec<f64> = values[control].iter().map(|x| x.1).collect();
                100.0 / crate::stats::mean(&control_values)
            }
            "mrna" => 100.0,
            _ => 1.0,
        };
        for (g, v) in values.iter().enumerate() {
            cells.push(FactorialCell {
                a_level: g,
                b_level: j,
                values: v.iter().map(|x| x.1 * factor).collect(),
            });
        }
    }
    let groups: Vec<String> = p.design.groups.iter().map(|g| g.label.clone()).collect();
    let (what, path) = match kind {
        "activity" => ("CYP activity", "figures/summary-activity.svg"),
        "mrna" => ("CYP mRNA", "figures/summary-mrna.svg"),
        _ => ("CYP protein", "figures/summary-protein.svg"),
    };
    let y = format!("{what} (% of {})", p.design.control_group);
    let f = plot::factorial_plot(
        "Group",
        &groups,
        &labels,
        &cells,
        summary(p),
        &[],
        &y,
        c.study.meta.seed,
        width,
    );
    Some(StudyFigure {
        path: path.into(),
        caption: format!(
            "{what} of every isoform as % of the {} group mean, by group (colours): every animal a point, {}. Statistics are in each isoform's section.{}",
            p.design.control_group,
            summary_text(p),
            if kind == "mrna" {
                " mRNA is the animals' fold change × 100 against the control group's geometric mean, so the control group's arithmetic mean lies a little above 100 %."
            } else {
                ""
            }
        ),
        svg: f.svg,
        png: Some(f.png),
    })
}

fn weekly_figure(c: &CmsAnalysis, w: &WeeklyCourse, width: FigureWidth) -> StudyFigure {
    let p = &c.study.protocol;
    let series: Vec<Series> = p
        .design
        .groups
        .iter()
        .zip(&w.summary)
        .map(|(g, s)| Series {
            label: g.label.clone(),
            points: w
                .weeks
                .iter()
                .zip(s)
                .map(|(wk, (m, sem, _))| (*wk as f64, *m, *sem))
                .collect(),
        })
        .collect();
    let treatment = p.stress.as_ref().and_then(|s| {
        s.treatment_start_week
            .map(|start| (start as f64, s.weeks as f64))
    });
    let f = plot::time_course(
        &series,
        treatment,
        "Week",
        &format!("{} ({})", w.label, w.unit),
        width,
    );
    let band = treatment.map_or(String::new(), |(a, b)| {
        format!(" The shaded band is the drug treatment period (weeks {a}–{b}).")
    });
    StudyFigure {
        path: format!("figures/weekly-{}.svg", w.name),
        caption: format!("{} per week (mean ± SEM per group).{band}", w.label),
        svg: f.svg,
        png: Some(f.png),
    }
}

/// The calibration curve of one HPLC run and metabolite, with its back-calculated errors.
fn calibration_figure(c: &CmsAnalysis, cal: &RunCalibration, width: FigureWidth) -> StudyFigure {
    let fit = &cal.fit;
    let failing = |x: f64, re: Option<f64>| {
        cal.acceptance
            .failing
            .iter()
            .any(|f| f.nominal_um == x && f.relative_error_pct == re)
    };
    // The blanks (not fitted) are drawn at 0 µM in the upper panel.
    let blanks = cal.blanks.iter().map(|&(_, y)| CalibrationPoint {
        x: 0.0,
        y,
        relative_error_pct: None,
        failing: false,
    });
    let standards = fit
        .standards
        .iter()
        .map(|s| {
            let re = s.relative_error_pct.filter(|_| s.used);
            CalibrationPoint {
                x: s.x,
                y: s.y,
                relative_error_pct: s.relative_error_pct,
                failing: s.x > 0.0 && failing(s.x, re),
            }
        })
        .chain(blanks)
        .collect();
    let steps = if fit.coefficients.len() > 2 { 100 } else { 1 };
    let fitted = (0..=steps)
        .map(|k| {
            let x = cal.lowest_um + (cal.top_um - cal.lowest_um) * k as f64 / steps as f64;
            (x, fit.response(x))
        })
        .collect();
    let samples = c.assays.hplc.as_ref().map_or(Vec::new(), |h| {
        h.result
            .samples
            .iter()
            .filter(|s| !s.no_nadph_blank && s.run == cal.run && s.metabolite == cal.metabolite)
            .map(|s| s.response)
            .collect()
    });
    let curve = CalibrationCurve {
        standards,
        fitted,
        limit_pct: LIMIT_PCT,
        lowest_limit_pct: LIMIT_LOWEST_PCT,
        samples,
        x_label: "Nominal concentration (µM)".into(),
        y_label: match cal.response {
            Response::PeakArea => "Peak area".into(),
            Response::AreaRatio => "Peak area ratio to IS".into(),
        },
        residual_label: "Error (%)".into(),
    };
    let f = plot::calibration_plot(&curve, width);
    let a = &cal.acceptance;
    StudyFigure {
        path: format!(
            "figures/calibration-{}-{}.svg",
            slug(&cal.run),
            slug(&cal.metabolite)
        ),
        caption: format!(
            "Calibration of {} in run {}: standards and the fitted {} over the calibrated range ({} weighting, R² = {:.4}) above; back-calculated error of each standard below, dashed at ±{LIMIT_PCT} % (±{LIMIT_LOWEST_PCT} % at the lowest). Ticks on the response axis: the study's incubations. {} of {} standards pass; run {}.",
            cal.metabolite,
            cal.run,
            if fit.coefficients.len() > 2 { "quadratic" } else { "line" },
            fit.weighting.id(),
            fit.r_squared,
            a.passing,
            a.non_zero_standards,
            if a.accepted { "accepted" } else { "failed" }
        ),
        svg: f.svg,
        png: Some(f.png),
    }
}

/// One figure of the report.
enum FigureJob {
    Calibration(usize),
    Weekly(usize),
    Endpoint(usize),
    Panel(&'static str),
}

/// Every figure of the report, in order, for one column (85 mm) or two (180 mm), drawn
/// side by side on the machine's cores. At two columns only the figures that span a page
/// in print are drawn: the weekly time courses and the isoform panels.
pub fn cms_figures(c: &CmsAnalysis, width: FigureWidth) -> Vec<StudyFigure> {
    let mut jobs: Vec<FigureJob> = (0..c.weekly.len()).map(FigureJob::Weekly).collect();
    if width == FigureWidth::OneColumn {
        let curves = c
            .assays
            .hplc
            .as_ref()
            .map_or(0, |h| h.result.calibrations.len());
        jobs.extend((0..curves).map(FigureJob::Calibration));
        jobs.extend((0..c.endpoints.len()).map(FigureJob::Endpoint));
    }
    jobs.extend(
        ["activity", "mrna", "protein-level"]
            .into_iter()
            .map(FigureJob::Panel),
    );
    crate::stats::parallel_map(&jobs, |job| match job {
        FigureJob::Calibration(i) => c
            .assays
            .hplc
            .as_ref()
            .map(|h| calibration_figure(c, &h.result.calibrations[*i], width)),
        FigureJob::Weekly(i) => Some(weekly_figure(c, &c.weekly[*i], width)),
        FigureJob::Endpoint(i) => Some(cms_endpoint_figure(c, &c.endpoints[*i], width)),
        FigureJob::Panel(kind) => isoform_panel(c, kind, width),
    })
    .into_iter()
    .flatten()
    .collect()
}

fn group_label(c: &CmsAnalysis, id: &str) -> String {
    c.study
        .protocol
        .design
        .groups
        .iter()
        .find(|g| g.id == id)
        .map_or(id.to_string(), |g| format!("{} ({})", g.label, g.id))
}

fn figures_at(o: &mut String, figures: &[StudyFigure], path: &str) {
    for f in figures.iter().filter(|f| f.path == path) {
        figure(o, f);
    }
}

fn endpoint_section(o: &mut String, c: &CmsAnalysis, ep: &CmsEndpoint, figures: &[StudyFigure]) {
    let r = &ep.result;
    let _ = writeln!(
        o,
        "<h3>{} <span class=\"sub\">({}{})</span></h3>",
        e(&r.label),
        e(&r.unit),
        if r.primary { ", primary endpoint" } else { "" }
    );
    figures_at(o, figures, &format!("figures/{}.svg", r.name));
    endpoint_tables(o, r, &|g| group_label(c, g));
}

fn endpoints_of<'a>(
    c: &'a CmsAnalysis,
    pick: impl Fn(&Measure) -> bool + 'a,
) -> impl Iterator<Item = &'a CmsEndpoint> + 'a {
    c.endpoints.iter().filter(move |ep| pick(&ep.measure))
}

fn calendar_section(o: &mut String, c: &CmsAnalysis) {
    let Some(s) = &c.study.protocol.stress else {
        return;
    };
    let _ = writeln!(
        o,
        "<p>Animals of {} = {} were stressed for {} weeks{}; the other animals were handled normally in a separate room. Each week's 14 periods (day and overnight) follow the calendar below (seed {}, as in <code>stressor-calendar.csv</code>).</p>",
        e(&s.factor),
        e(&s.level),
        s.weeks,
        s.treatment_start_week
            .map(|w| format!(", with drug or vehicle from week {w}"))
            .unwrap_or_default(),
        c.study.meta.seed
    );
    let mut header = vec!["week".to_string()];
    for d in DAYS {
        for p in PERIODS_PER_DAY {
            header.push(format!("{d} {}", if p == "day" { "day" } else { "night" }));
        }
    }
    let mut rows = Vec::new();
    for week in 1..=s.weeks {
        let mut r = vec![week.to_string()];
        for entry in c.calendar.iter().filter(|x| x.week == week) {
            let mut cell = entry.stressor.clone();
            if entry.sucrose_test {
                cell.push_str(" · sucrose test");
            }
            r.push(cell);
        }
        rows.push(r);
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(o, &header, &rows, 99);
}

fn weekly_section(o: &mut String, c: &CmsAnalysis, figures: &[StudyFigure]) {
    if c.weekly.is_empty()
        && !c
            .endpoints
            .iter()
            .any(|x| matches!(x.measure, Measure::LastWeek { .. }))
    {
        return;
    }
    o.push_str("<h2>Body weight and sucrose test</h2>\n");
    for w in &c.weekly {
        let _ = writeln!(o, "<h3>{} over the weeks</h3>", e(&w.label));
        figures_at(o, figures, &format!("figures/weekly-{}.svg", w.name));
        let _ = writeln!(
            o,
            "<p>Mixed ANOVA, group (between) × week (within), {} animals with every week recorded.</p>",
            w.anova.subjects
        );
        rm_anova_tables(o, &w.anova);
        if !w.incomplete.is_empty() {
            let _ = writeln!(
                o,
                "<p class=\"note\">Left out of the mixed ANOVA for a missing week: {}.</p>",
                e(&w.incomplete.join(", "))
            );
        }
    }
    for ep in endpoints_of(c, |m| matches!(m, Measure::LastWeek { .. })) {
        endpoint_section(o, c, ep, figures);
    }
}

fn hplc_section(o: &mut String, c: &CmsAnalysis, figures: &[StudyFigure]) {
    let Some(h) = &c.assays.hplc else {
        return;
    };
    o.push_str("<h2>CYP activity (HPLC)</h2>\n");
    o.push_str("<p>One calibration curve per run and metabolite, fitted on the non-zero standards (blanks are not used for the curve); a run is accepted with at least 6 non-zero standard concentrations and at least 75 % of the non-zero standards back-calculated within ±15 % (±20 % at the lowest). Samples below the LLOQ, the lowest standard within its limit, are flagged and kept; the ICH LOQ (10 σ/slope) is shown for reference. Activity = 1000 × C<sub>net</sub> (µM) / (t (min) × protein (mg/mL)) in pmol/min/mg protein, after subtracting the animal's no-NADPH blank. Every step is in <code>steps/hplc-*.csv</code>.</p>\n");
    let rows: Vec<Vec<String>> = h
        .result
        .calibrations
        .iter()
        .map(|cal| {
            let f = &cal.fit;
            let a = &cal.acceptance;
            vec![
                cal.run.clone(),
                cal.metabolite.clone(),
                format!(
                    "{}{}",
                    f.weighting.id(),
                    if cal.weighting_chosen {
                        " (least Σ|%RE|)"
                    } else {
                        ""
                    }
                ),
                f4(f.coefficients[1]),
                f4(f.coefficients[0]),
                format!("{:.5}", f.r_squared),
                f4(cal.lloq_um),
                f4(f.loq),
                format!("{}–{}", f4(cal.lowest_um), f4(cal.top_um)),
                format!("{}/{}", a.passing, a.non_zero_standards),
                if a.accepted {
                    "accepted".into()
                } else {
                    format!("failed: {}", a.reasons.join("; "))
                },
            ]
        })
        .collect();
    table(
        o,
        &[
            "run",
            "metabolite",
            "weighting",
            "slope",
            "intercept",
            "R²",
            "LLOQ (µM)",
            "ICH LOQ (µM)",
            "range (µM)",
            "standards passing",
            "run",
        ],
        &rows,
        3,
    );
    let failing: Vec<Vec<String>> = h
        .result
        .calibrations
        .iter()
        .flat_map(|cal| cal.acceptance.failing.iter())
        .map(|f| {
            vec![
                f.run.clone(),
                f.metabolite.clone(),
                f.level.map_or("–".into(), |l| l.to_string()),
                f4(f.nominal_um),
                f.back_calculated_um.map_or("not read back".into(), f4),
                f.relative_error_pct
                    .map_or("–".into(), |v| format!("{v:+.1} %")),
                format!("±{} %", f.limit_pct),
            ]
        })
        .collect();
    if !failing.is_empty() {
        o.push_str("<h3>Standards outside their limits</h3>\n<p class=\"note\">Kept in the fit: dropping a standard is the analyst's documented decision.</p>\n");
        table(
            o,
            &[
                "run",
                "metabolite",
                "level",
                "nominal (µM)",
                "back-calculated (µM)",
                "error",
                "limit",
            ],
            &failing,
            2,
        );
    }
    let flagged: Vec<Vec<String>> = h
        .result
        .samples
        .iter()
        .filter(|s| !s.flags.is_empty())
        .map(|s| {
            vec![
                h.sample_rows[s.row].to_string(),
                s.blind_code.clone(),
                s.metabolite.clone(),
                if s.no_nadph_blank {
                    "no-NADPH blank"
                } else {
                    "incubation"
                }
                .into(),
                f4(s.measured_um),
                s.flags
                    .iter()
                    .map(|f| f.label())
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .filter(|r| r[3] == "incubation")
        .collect();
    if !flagged.is_empty() {
        o.push_str("<h3>Flagged incubations</h3>\n<p class=\"note\">Flagged values are kept, never replaced, so that group means are not biased.</p>\n");
        table(
            o,
            &[
                "sheet row",
                "animal",
                "metabolite",
                "",
                "measured (µM)",
                "flags",
            ],
            &flagged,
            4,
        );
    }
    if !h.result.not_quantified.is_empty() {
        let rows: Vec<Vec<String>> = h
            .result
            .not_quantified
            .iter()
            .map(|n| {
                vec![
                    h.sample_rows[n.row].to_string(),
                    n.blind_code.clone(),
                    n.metabolite.clone(),
                    n.reason.clone(),
                ]
            })
            .collect();
        o.push_str("<h3>Not quantified</h3>\n");
        table(
            o,
            &["sheet row", "animal", "metabolite", "reason"],
            &rows,
            9,
        );
    }
    for f in figures
        .iter()
        .filter(|f| f.path.starts_with("figures/calibration-"))
    {
        figure(o, f);
    }
    for ep in endpoints_of(c, |m| matches!(m, Measure::Activity { .. })) {
        endpoint_section(o, c, ep, figures);
    }
}

fn qpcr_section(o: &mut String, c: &CmsAnalysis, figures: &[StudyFigure]) {
    let Some(q) = &c.assays.qpcr else {
        return;
    };
    let r = &q.result;
    o.push_str("<h2>CYP mRNA (qPCR)</h2>\n");
    let files: Vec<String> = q
        .files
        .iter()
        .map(|f| {
            format!(
                "{} ({} wells)",
                c.study.shown(&f.data.path),
                f.data.wells.len()
            )
        })
        .collect();
    let undetermined = match r.policy.undetermined {
        UndeterminedRule::Exclude => "left out of the replicate mean".to_string(),
        UndeterminedRule::SetTo(v) => format!("set to Cq {v}"),
    };
    let _ = writeln!(
        o,
        "<p>Wells read from {}. Technical replicates are averaged; wells that did not amplify or have Cq above {} are {undetermined}; replicate SD above {} cycles is flagged. The normaliser is the mean Cq of {} (the log of their geometric mean); ΔCq = Cq(target) − Cq(reference), ΔΔCq = ΔCq − mean ΔCq of {}, fold change = 2^−ΔΔCq (Livak and Schmittgen 2001). Statistics are on ΔCq. Every step is in <code>steps/qpcr-*.csv</code>.</p>",
        e(&and_list(&files)),
        r.policy.max_cq,
        r.policy.max_replicate_sd,
        e(&and_list(&r.reference_genes)),
        e(&r.control_group)
    );
    if !r.stability.is_empty() {
        let s: Vec<String> = r
            .stability
            .iter()
            .map(|g| format!("{} M = {}", g.gene, f4(g.m)))
            .collect();
        let _ = writeln!(
            o,
            "<p>Reference gene stability (geNorm): {} (M below 0.5 is usual for homogeneous samples).</p>",
            e(&s.join(", "))
        );
    }
    if !r.handled_wells.is_empty() {
        let rows: Vec<Vec<String>> = r
            .handled_wells
            .iter()
            .map(|w| {
                vec![
                    w.plate.clone(),
                    w.well.clone(),
                    w.sample.clone(),
                    w.target.clone(),
                    w.cq.map_or("Undetermined".into(), f4),
                    w.used.map_or("left out".into(), f4),
                ]
            })
            .collect();
        o.push_str("<h3>Wells without a usable Cq</h3>\n");
        table(
            o,
            &["plate", "well", "animal", "gene", "Cq read", "Cq used"],
            &rows,
            9,
        );
    }
    let high: Vec<Vec<String>> = r
        .replicates
        .iter()
        .filter(|x| x.high_sd)
        .map(|x| {
            vec![
                x.sample.clone(),
                x.target.clone(),
                x.cqs.iter().map(|v| f4(*v)).collect::<Vec<_>>().join(", "),
                f4(x.sd),
            ]
        })
        .collect();
    if !high.is_empty() {
        o.push_str("<h3>Replicates with a high SD (kept, flagged)</h3>\n");
        table(o, &["animal", "gene", "Cq", "SD"], &high, 2);
    }
    let ordered = c.qpcr_groups();
    let rows: Vec<Vec<String>> = ordered
        .iter()
        .map(|g| {
            vec![
                g.target.clone(),
                group_label(c, &g.group),
                g.n.to_string(),
                f4(g.mean_delta_cq),
                f4(g.sd_delta_cq),
                f4(g.fold_change),
                format!(
                    "{} to {}",
                    f4(g.fold_change_ci95.0),
                    f4(g.fold_change_ci95.1)
                ),
            ]
        })
        .collect();
    o.push_str("<h3>Fold change by group</h3>\n");
    table(
        o,
        &[
            "gene",
            "group",
            "n",
            "mean ΔCq",
            "SD ΔCq",
            "fold change",
            "95% CI",
        ],
        &rows,
        2,
    );
    for ep in endpoints_of(c, |m| matches!(m, Measure::Mrna { .. })) {
        endpoint_section(o, c, ep, figures);
    }
}

fn western_section(o: &mut String, c: &CmsAnalysis, figures: &[StudyFigure]) {
    let Some(w) = &c.assays.western else {
        return;
    };
    let _ = writeln!(
        o,
        "<h2>CYP protein (Western blot)</h2>\n<p>Band densities minus the lane's background, target over loading control, as % of the mean of the {} lanes on the same blot. Every lane is in <code>steps/western-lanes.csv</code>.</p>",
        e(&c.study.protocol.design.control_group)
    );
    let rows: Vec<Vec<String>> = w
        .controls
        .iter()
        .map(|b| {
            vec![
                b.blot.clone(),
                b.target.clone(),
                b.control_lanes
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                f4(b.mean_ratio),
            ]
        })
        .collect();
    table(
        o,
        &["blot", "target", "control lanes", "control mean ratio"],
        &rows,
        3,
    );
    for ep in endpoints_of(c, |m| matches!(m, Measure::ProteinLevel { .. })) {
        endpoint_section(o, c, ep, figures);
    }
}

fn protein_section(o: &mut String, c: &CmsAnalysis, figures: &[StudyFigure]) {
    let Some(plates) = &c.assays.protein else {
        return;
    };
    o.push_str("<h2>Microsomal protein</h2>\n<p>Standard curve per plate on the blank-corrected absorbance; each sample's wells averaged and read off the curve, times the dilution. Every sample is in <code>steps/protein-assay.csv</code>.</p>\n");
    let rows: Vec<Vec<String>> = plates
        .iter()
        .map(|p| {
            let (curve, r2) = match &p.curve {
                crate::assay::protein::ProteinCurve::Linear(f) => (
                    format!(
                        "A = {} + {} × µg/mL",
                        f4(f.coefficients[0]),
                        f4(f.coefficients[1])
                    ),
                    format!("{:.4}", f.r_squared),
                ),
                crate::assay::protein::ProteinCurve::FourParameterLogistic(_) => {
                    ("four-parameter logistic".into(), "–".into())
                }
            };
            vec![p.plate.clone(), curve, r2, p.samples.len().to_string()]
        })
        .collect();
    table(o, &["plate", "curve", "R²", "samples"], &rows, 2);
    let flags = &c.assays.reader_flags;
    if !flags.is_empty() {
        o.push_str("<p>Wells the plate reader flagged (its value is not a number it vouches for): left out of the curve, unless the sheet gives a value, which is then used.</p>\n");
        let rows: Vec<Vec<String>> = flags
            .iter()
            .map(|f| {
                vec![
                    f.plate.clone(),
                    f.well.clone(),
                    f.raw.clone(),
                    f.from.clone(),
                    match f.typed {
                        Some(v) => format!("the sheet's {v} used"),
                        None => "left out".into(),
                    },
                ]
            })
            .collect();
        table(
            o,
            &["plate", "well", "reader", "where", "in the analysis"],
            &rows,
            5,
        );
    }
    for ep in endpoints_of(c, |m| matches!(m, Measure::MicrosomalProtein)) {
        endpoint_section(o, c, ep, figures);
    }
}

/// The methods paragraph of a CMS / CYP study.
pub fn cms_methods_paragraph(c: &CmsAnalysis) -> String {
    let p = &c.study.protocol;
    let mut s = format!(
        "{} ({} per group, {} in total) were allocated at random to {} ({}).",
        capitalise(&animal_words(&p.animals)),
        c.study.meta.n_per_group,
        c.study.key.len(),
        and_list(
            &p.design
                .groups
                .iter()
                .map(|g| g.label.clone())
                .collect::<Vec<_>>()
        ),
        c.study.meta.randomisation
    );
    if let Some(st) = &p.stress {
        let _ = write!(
            s,
            " Chronic mild stress lasted {} weeks (Willner 1997){}.",
            st.weeks,
            st.treatment_start_week
                .map(|w| format!(", with treatment from week {w}"))
                .unwrap_or_default()
        );
    }
    let posthoc = match p.analysis.posthoc {
        crate::protocol::PostHoc::None => "",
        crate::protocol::PostHoc::Dunnett => " and Dunnett's test of each cell against the control cell",
        crate::protocol::PostHoc::Sidak | crate::protocol::PostHoc::HolmSidak => {
            " and Šídák-adjusted comparisons of the levels of the first factor within each level of the second"
        }
        _ => " and Tukey–Kramer comparisons of the cells",
    };
    let _ = write!(
        s,
        " Each endpoint was analysed by a two-way ANOVA with Type {} sums of squares (sum-to-zero coding), interaction first, followed by simple main effects{posthoc};",
        ["I", "II", "III"][(p.analysis.ss_type.unwrap_or(3).clamp(1, 3) - 1) as usize]
    );
    s.push_str(" weekly body weight and sucrose intake by a mixed ANOVA (group × week) with Greenhouse–Geisser correction. CYP activity was calculated from HPLC calibration curves accepted by the FDA (2018) and EMA (2011) criteria; mRNA by the 2^−ΔΔCq method (Livak and Schmittgen 2001) with statistics on ΔCq; protein by densitometry normalised to the loading control and to the control lanes of each blot.");
    let _ = write!(
        s,
        " Data are {}; α = {}. Analysis with preclin {}.",
        summary_text(p),
        p.analysis.alpha,
        env!("CARGO_PKG_VERSION")
    );
    s
}

/// The report page of a CMS / CYP study.
pub fn cms_report_html(c: &CmsAnalysis, figures: &[StudyFigure]) -> String {
    let p = &c.study.protocol;
    let m = &c.study.meta;
    let mut o = page_start(p);
    o.push_str("<h2>Study</h2>\n");
    let items = vec![
        vec![
            "Animals".to_string(),
            format!("{}, {} animals", animal_words(&p.animals), c.study.key.len()),
        ],
        vec![
            "Experimental unit".into(),
            p.arrive
                .as_ref()
                .map_or("the individual animal".into(), |x| x.experimental_unit.clone()),
        ],
        vec![
            "Allocation".into(),
            format!(
                "at random ({}; preclin template, seed {}); blind to {}; allocation revealed for this analysis from key/allocation-key.csv",
                m.randomisation,
                m.seed,
                and_list(&p.blinding.blinded)
            ),
        ],
    ];
    table(&mut o, &["item", ""], &items, 9);
    groups_table(&mut o, p, &|g| c.group_counts(g));
    o.push_str("<h2>Exclusions</h2>\n");
    if c.assays.exclusions.is_empty() {
        o.push_str("<p>No animal was excluded.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = c
            .assays
            .exclusions
            .iter()
            .map(|x| {
                let g = c
                    .study
                    .entry(&x.blind_code)
                    .map(|k| p.design.groups[k.group].id.clone())
                    .unwrap_or_default();
                vec![x.blind_code.clone(), g, x.reason.clone(), x.row.to_string()]
            })
            .collect();
        table(
            &mut o,
            &["animal", "group", "reason", "animals sheet row"],
            &rows,
            9,
        );
    }
    if p.stress.is_some() {
        o.push_str("<h2>Stress regimen</h2>\n");
        calendar_section(&mut o, c);
    }
    weekly_section(&mut o, c, figures);
    hplc_section(&mut o, c, figures);
    qpcr_section(&mut o, c, figures);
    western_section(&mut o, c, figures);
    protein_section(&mut o, c, figures);
    if !c.not_analysed.is_empty() {
        o.push_str("<h2>Not analysed</h2>\n<ul class=\"note\">");
        for m in &c.not_analysed {
            let _ = write!(o, "<li>{}</li>", e(m));
        }
        o.push_str("</ul>\n");
    }
    if figures
        .iter()
        .any(|f| f.path.starts_with("figures/summary-"))
    {
        o.push_str("<h2>All isoforms at a glance</h2>\n");
        for f in figures
            .iter()
            .filter(|f| f.path.starts_with("figures/summary-"))
        {
            figure(&mut o, f);
        }
    }
    super::html::deviations_section(&mut o, &c.deviations());
    o.push_str("<h2>Methods</h2>\n");
    let _ = writeln!(
        o,
        "<p class=\"methods\">{}</p>",
        e(&cms_methods_paragraph(c))
    );
    provenance(&mut o, &c.study);
    o
}

/// The few lines `preclin analyze` prints for a CMS / CYP study.
pub fn cms_summary(c: &CmsAnalysis, out_dir: &std::path::Path) -> String {
    let p = &c.study.protocol;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Analysed {} {}: {} groups, {} animals ({} excluded), {} endpoints",
        p.id,
        p.version,
        p.design.groups.len(),
        c.study.key.len() - c.assays.exclusions.len(),
        c.assays.exclusions.len(),
        c.endpoints.len()
    );
    if let Some(h) = &c.assays.hplc {
        let failed = h
            .result
            .calibrations
            .iter()
            .filter(|x| !x.acceptance.accepted)
            .count();
        let _ = writeln!(
            s,
            "  HPLC: {} curves ({} failed acceptance), {} incubations quantified",
            h.result.calibrations.len(),
            failed,
            h.result
                .samples
                .iter()
                .filter(|x| !x.no_nadph_blank)
                .count()
        );
    }
    for ep in &c.endpoints {
        if let crate::analysis::EndpointAnalysis::Factorial { anova, .. } = &ep.result.analysis {
            if let Some(t) = anova.terms.last() {
                let _ = writeln!(
                    s,
                    "  {}: {} {}",
                    ep.result.label,
                    t.term,
                    super::models::anova_apa(t.f, t.df, anova.df_error, t.p, None)
                );
            }
        }
    }
    let _ = writeln!(s, "Report: {}", out_dir.join("report.html").display());
    s
}
