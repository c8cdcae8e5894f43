//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network
//! requests), readable on screen and printable. Every string that comes from the user —
//! protocol texts, group labels, blind codes, file names — is HTML-escaped.

use std::fmt::Write;

use super::compare::apa_sentence;
use super::models::{anova_apa, rm_apa, CellPosthoc};
use super::pvalue::{format_p, stars, PStyle};
use super::text::significant;
use crate::analysis::{Analysis, EndpointAnalysis, EndpointResult};
use crate::protocol::{summary_treatment_text, ScoringMethod, Sex, Species};

/// A figure of the report: where it is written, its caption, and its images.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyFigure {
    /// Relative path of the SVG, e.g. `figures/immobility_s.svg`.
    pub path: String,
    pub caption: String,
    pub svg: String,
    pub png: Option<Vec<u8>>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn e(s: &str) -> String {
    escape_html(s)
}

pub(super) const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{padding:.25em .7em;text-align:left;border-bottom:1px solid #e4e4e4;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.apa{font-style:italic}.note{color:#555;font-size:.92em}.sub{color:#555}
figure{margin:1em 0;page-break-inside:avoid}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#333}
.methods{background:#f8f8f8;border-left:3px solid #999;padding:.6em 1em}
code{font-size:.9em;word-break:break-all}
@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}}";

pub(super) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>], numeric_from: usize) {
    out.push_str("<table><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", e(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if i >= numeric_from {
                let _ = write!(out, "<td class=\"num\">{}</td>", e(c));
            } else {
                let _ = write!(out, "<td>{}</td>", e(c));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

pub(super) fn f4(x: f64) -> String {
    if x.is_finite() {
        significant(x, 4)
    } else {
        "–".into()
    }
}

fn group_label(a: &Analysis, id: &str) -> String {
    a.study
        .protocol
        .design
        .groups
        .iter()
        .find(|g| g.id == id)
        .map_or(id.to_string(), |g| format!("{} ({})", g.label, g.id))
}

pub(super) fn figure(out: &mut String, fig: &StudyFigure) {
    let _ = writeln!(
        out,
        "<figure>{}<figcaption>{}</figcaption></figure>",
        strip_xml_declaration(&fig.svg),
        e(&fig.caption)
    );
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

fn endpoint_section(out: &mut String, a: &Analysis, ep: &EndpointResult, figures: &[StudyFigure]) {
    let _ = writeln!(
        out,
        "<h2>{} <span class=\"sub\">({}{})</span></h2>",
        e(&ep.label),
        e(&ep.unit),
        if ep.primary {
            ", primary endpoint"
        } else if !ep.planned {
            ", exploratory: not one of the protocol's endpoints"
        } else {
            ""
        }
    );
    for fig in figures
        .iter()
        .filter(|f| f.path == format!("figures/{}.svg", ep.name))
    {
        figure(out, fig);
    }
    endpoint_tables(out, ep, &|g| group_label(a, g));
}

/// The tables and sentences of one endpoint's analysis; `label_of` names a group by id.
pub(super) fn endpoint_tables(
    out: &mut String,
    ep: &EndpointResult,
    label_of: &dyn Fn(&str) -> String,
) {
    match &ep.analysis {
        EndpointAnalysis::Groups(c) => {
            let rows: Vec<Vec<String>> = c
                .groups
                .iter()
                .map(|(g, d)| {
                    vec![
                        label_of(g),
                        d.n.to_string(),
                        f4(d.mean),
                        f4(d.sd),
                        f4(d.sem),
                        f4(d.median),
                        format!("{}–{}", f4(d.q1), f4(d.q3)),
                    ]
                })
                .collect();
            table(
                out,
                &["group", "n", "mean", "SD", "SEM", "median", "IQR"],
                &rows,
                1,
            );
            out.push_str("<h3>Assumption checks</h3>\n");
            let mut rows: Vec<Vec<String>> = c
                .assumptions
                .normality
                .iter()
                .map(|(g, r)| match r {
                    Ok(t) => vec![
                        "Shapiro–Wilk".into(),
                        label_of(g),
                        f4(t.statistic),
                        format_p(t.p, PStyle::Gp),
                    ],
                    Err(why) => vec!["Shapiro–Wilk".into(), label_of(g), "–".into(), why.clone()],
                })
                .collect();
            match &c.assumptions.equal_variance {
                Ok(t) => rows.push(vec![
                    "Brown–Forsythe (equal variances)".into(),
                    "all groups".into(),
                    f4(t.statistic),
                    format_p(t.p, PStyle::Gp),
                ]),
                Err(why) => rows.push(vec![
                    "Brown–Forsythe (equal variances)".into(),
                    "all groups".into(),
                    "–".into(),
                    why.clone(),
                ]),
            }
            table(out, &["check", "group", "statistic", "p"], &rows, 2);
            out.push_str("<h3>Test</h3>\n");
            let _ = writeln!(
                out,
                "<p>{}: <span class=\"apa\">{}</span>.</p>",
                e(&capitalise(c.omnibus.test.title())),
                e(&apa_sentence(&c.omnibus))
            );
            if !c.reasons.is_empty() {
                out.push_str("<ul class=\"note\">");
                for r in &c.reasons {
                    let _ = write!(out, "<li>{}</li>", e(r));
                }
                out.push_str("</ul>\n");
            }
            if let Some(ph) = &c.posthoc {
                let _ = writeln!(out, "<h3>{}</h3>", e(ph.method.title()));
                let rows: Vec<Vec<String>> = ph
                    .comparisons
                    .iter()
                    .map(|x| {
                        vec![
                            format!("{} vs {}", label_of(&x.a), label_of(&x.b)),
                            f4(x.diff),
                            x.ci.map_or("–".into(), |(l, u)| format!("{} to {}", f4(l), f4(u))),
                            format_p(x.p_adj, PStyle::Gp),
                            stars(x.p_adj).into(),
                        ]
                    })
                    .collect();
                table(
                    out,
                    &["comparison", "difference", "95% CI", "adjusted p", ""],
                    &rows,
                    1,
                );
            }
        }
        EndpointAnalysis::Factorial {
            anova,
            cells,
            simple,
            posthoc,
            warnings,
        } => {
            let rows: Vec<Vec<String>> = cells
                .iter()
                .map(|c| {
                    vec![
                        c.label.clone(),
                        c.n.to_string(),
                        f4(c.mean),
                        f4(c.sd),
                        f4(c.sem),
                    ]
                })
                .collect();
            let cell_header = format!("cell ({})", anova.factor_names.join(" : "));
            table(
                out,
                &[cell_header.as_str(), "n", "mean", "SD", "SEM"],
                &rows,
                1,
            );
            for w in warnings {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", e(w));
            }
            let _ = writeln!(
                out,
                "<h3>Two-way ANOVA (Type {} sums of squares, sum-to-zero coding)</h3>",
                ["I", "II", "III"][anova.ss_type.number() as usize - 1]
            );
            let mut rows: Vec<Vec<String>> = anova
                .terms
                .iter()
                .map(|t| {
                    vec![
                        t.term.clone(),
                        f4(t.ss),
                        format!("{}", t.df),
                        f4(t.f),
                        format_p(t.p, PStyle::Gp),
                        format!("{:.3}", t.partial_eta_squared),
                    ]
                })
                .collect();
            rows.push(vec![
                "Residuals".into(),
                f4(anova.ss_error),
                format!("{}", anova.df_error),
                String::new(),
                String::new(),
                String::new(),
            ]);
            table(
                out,
                &["effect", "SS", "df", "F", "p", "partial η²"],
                &rows,
                1,
            );
            out.push_str("<ul>");
            for t in anova.terms.iter().rev() {
                let _ = write!(
                    out,
                    "<li>{}: <span class=\"apa\">{}</span></li>",
                    e(&t.term),
                    e(&anova_apa(
                        t.f,
                        t.df,
                        anova.df_error,
                        t.p,
                        Some(("ηp²", t.partial_eta_squared))
                    ))
                );
            }
            out.push_str("</ul>\n");
            if !simple.is_empty() {
                out.push_str("<h3>Simple main effects (pooled error)</h3>\n");
                let rows: Vec<Vec<String>> = simple
                    .iter()
                    .map(|s| {
                        vec![
                            s.factor.clone(),
                            s.within.clone(),
                            f4(s.f),
                            format!("{}, {}", s.df, s.df_error),
                            format_p(s.p, PStyle::Gp),
                            stars(s.p).into(),
                        ]
                    })
                    .collect();
                table(out, &["effect of", "within", "F", "df", "p", ""], &rows, 2);
            }
            if let Some(ph) = posthoc {
                let (title, rows): (String, Vec<Vec<String>>) = match ph {
                    CellPosthoc::Cells(p) => (
                        format!("{} on cells", p.method.title()),
                        p.comparisons
                            .iter()
                            .map(|x| {
                                vec![
                                    format!("{} vs {}", x.a, x.b),
                                    f4(x.diff),
                                    x.ci.map_or("–".into(), |(l, u)| {
                                        format!("{} to {}", f4(l), f4(u))
                                    }),
                                    format_p(x.p_adj, PStyle::Gp),
                                    stars(x.p_adj).into(),
                                ]
                            })
                            .collect(),
                    ),
                    CellPosthoc::SimplePairs {
                        factor,
                        comparisons,
                        ..
                    } => (
                        format!("Šídák: levels of {factor} within each level of the others"),
                        comparisons
                            .iter()
                            .map(|x| {
                                vec![
                                    format!("{} vs {}", x.a, x.b),
                                    f4(x.diff),
                                    format!("{} to {}", f4(x.ci.0), f4(x.ci.1)),
                                    format_p(x.p_adj, PStyle::Gp),
                                    stars(x.p_adj).into(),
                                ]
                            })
                            .collect(),
                    ),
                };
                let _ = writeln!(out, "<h3>{}</h3>", e(&title));
                table(
                    out,
                    &["comparison", "difference", "95% CI", "adjusted p", ""],
                    &rows,
                    1,
                );
            }
        }
    }
}

/// "male Albino Swiss mice".
pub(super) fn animal_words(an: &crate::protocol::Animals) -> String {
    let species = match an.species {
        Species::Mouse => "mice",
        Species::Rat => "rats",
    };
    let sex = match an.sex {
        Sex::Male => "male",
        Sex::Female => "female",
        Sex::Both => "male and female",
    };
    format!("{sex} {} {species}", an.strain)
}

/// "a", "a and b", "a, b and c".
pub(super) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The methods paragraph a scientist can paste into a paper.
pub fn methods_paragraph(a: &Analysis) -> String {
    let p = &a.study.protocol;
    let mut s = String::new();
    let an = &p.animals;
    let species = match an.species {
        Species::Mouse => "mice",
        Species::Rat => "rats",
    };
    let sex = match an.sex {
        Sex::Male => "Male ",
        Sex::Female => "Female ",
        Sex::Both => "Male and female ",
    };
    let _ = write!(
        s,
        "{sex}{} {species} ({} animals",
        an.strain,
        a.study.key.len()
    );
    let _ = write!(
        s,
        ") were allocated to {} groups ({}) by randomisation ({}) with preclin {} (seed {}). ",
        p.design.groups.len(),
        p.design
            .groups
            .iter()
            .map(|g| g.label.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        a.study.meta.randomisation,
        env!("CARGO_PKG_VERSION"),
        a.study.meta.seed
    );
    if !p.blinding.blinded.is_empty() {
        let _ = write!(
            s,
            "The {} were blind to the allocation, which was revealed only for the analysis. ",
            and_list(&p.blinding.blinded)
        );
    }
    if let Some(sc) = &p.scoring {
        let session = a.scores.session_s;
        let how = match sc.method {
            ScoringMethod::Continuous => "scored continuously".to_string(),
            ScoringMethod::Bins => format!("scored in {}-s bins", sc.bin_width_s.unwrap_or(60.0)),
            ScoringMethod::TimeSampling => format!(
                "sampled every {} s as the predominant behaviour",
                sc.sampling_interval_s.unwrap_or(5.0)
            ),
        };
        let behaviours: Vec<String> = sc.behaviours.iter().map(|b| b.name.clone()).collect();
        let _ = write!(
            s,
            "In a {}-s forced swim session, {} {} {} between {} and {} s. ",
            session,
            and_list(&behaviours),
            if behaviours.len() == 1 { "was" } else { "were" },
            how,
            sc.window_start_s,
            sc.window_end_s
        );
    }
    let excluded = a
        .scores
        .animals
        .iter()
        .filter(|x| x.exclusion.is_some())
        .count();
    if excluded > 0 {
        let unplanned = a
            .scores
            .animals
            .iter()
            .filter(|x| x.exclusion.as_ref().is_some_and(|e| e.criterion.is_none()))
            .count();
        let count = |n: usize| {
            const WORDS: [&str; 11] = [
                "No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
            ];
            WORDS
                .get(n)
                .map_or(format!("In all, {n}"), |w| (*w).to_string())
        };
        let sentence = match (excluded, unplanned) {
            (1, 0) => "One animal was excluded by a pre-specified criterion".to_string(),
            (1, _) => {
                "One animal was excluded for a reason that is not among the protocol's criteria"
                    .to_string()
            }
            (n, 0) => format!("{} animals were excluded by pre-specified criteria", count(n)),
            (n, u) if u == n => format!(
                "{} animals were excluded for reasons that are not among the protocol's criteria",
                count(n)
            ),
            (n, u) => format!(
                "{} animals were excluded, {} of them for a reason that is not among the protocol's criteria",
                count(n),
                if u <= 10 { count(u).to_lowercase() } else { u.to_string() }
            ),
        };
        let _ = write!(s, "{sentence} (listed in the report). ");
    }
    s.push_str(&super::methods::statistics_text(a));
    let _ = write!(
        s,
        "Effect sizes are given with 95% confidence intervals; α = {}. Statistics were computed with preclin {}.",
        p.analysis.alpha,
        env!("CARGO_PKG_VERSION")
    );
    s
}

/// The report page.
pub fn report_html(a: &Analysis, figures: &[StudyFigure]) -> String {
    let p = &a.study.protocol;
    let m = &a.study.meta;
    let mut o = page_start(p);
    // Study summary.
    o.push_str("<h2>Study</h2>\n");
    let an = &p.animals;
    let mut items: Vec<Vec<String>> = vec![
        vec![
            "Animals".into(),
            format!("{}, {} animals", animal_words(an), a.study.key.len()),
        ],
        vec![
            "Experimental unit".into(),
            p.arrive
                .as_ref()
                .map_or("the individual animal".into(), |x| {
                    x.experimental_unit.clone()
                }),
        ],
    ];
    if let Some(j) = p
        .arrive
        .as_ref()
        .and_then(|x| x.sample_size_justification.clone())
    {
        items.push(vec!["Sample size".into(), j]);
    }
    if let Some(sc) = &p.scoring {
        items.push(vec![
            "Scoring".into(),
            format!(
                "{} s session, window {}–{} s",
                a.scores.session_s, sc.window_start_s, sc.window_end_s
            ),
        ]);
    }
    table(&mut o, &["item", ""], &items, 9);
    groups_table(&mut o, p, &|g| a.group_counts(g));
    // Allocation and blinding.
    o.push_str("<h2>Allocation and blinding</h2>\n");
    let _ = writeln!(
        o,
        "<p>Animals were allocated at random ({}; preclin template, seed {}). The {} knew the animals only by their blind codes. The allocation was revealed for this analysis from <code>key/allocation-key.csv</code>.</p>",
        e(&m.randomisation),
        m.seed,
        e(&and_list(&p.blinding.blinded))
    );
    // Exclusions.
    o.push_str("<h2>Exclusions</h2>\n");
    let excluded: Vec<Vec<String>> = a
        .scores
        .animals
        .iter()
        .filter_map(|x| {
            x.exclusion.as_ref().map(|ex| {
                vec![
                    x.blind_code.clone(),
                    p.design.groups[x.group].id.clone(),
                    ex.reason.clone(),
                    ex.source.clone(),
                ]
            })
        })
        .collect();
    if excluded.is_empty() {
        o.push_str("<p>No animal was excluded.</p>\n");
    } else {
        table(
            &mut o,
            &["animal", "group", "reason", "source"],
            &excluded,
            9,
        );
        o.push_str("<p class=\"note\">Excluded animals are kept in animals.csv and left out of every statistic.</p>\n");
    }
    for ep in &a.statistics.endpoints {
        endpoint_section(&mut o, a, ep, figures);
    }
    if let Some(t) = &a.statistics.time_course {
        let _ = writeln!(o, "<h2>Time course of {}</h2>", e(&t.behaviour));
        for fig in figures
            .iter()
            .filter(|f| f.path == "figures/time-course.svg")
        {
            figure(&mut o, fig);
        }
        let _ = writeln!(
            o,
            "<p>Group × {} repeated-measures ANOVA over {} ({} animals).</p>",
            e(if t.bin_width_s == 60.0 {
                "minute"
            } else {
                "bin"
            }),
            e(&t.within_levels.join(", ")),
            t.anova.subjects
        );
        rm_anova_tables(&mut o, &t.anova);
    }
    if let Some(l) = &a.statistics.latency {
        let _ = writeln!(o, "<h2>Latency to the first {}</h2>", e(&l.behaviour));
        for fig in figures.iter().filter(|f| f.path == "figures/latency.svg") {
            figure(&mut o, fig);
        }
        let nr = |x: Option<f64>| x.map_or("not reached".to_string(), f4);
        let rows: Vec<Vec<String>> = p
            .design
            .groups
            .iter()
            .zip(&l.curves)
            .map(|(g, km)| {
                vec![
                    g.id.clone(),
                    km.n.to_string(),
                    km.events.to_string(),
                    (km.n - km.events).to_string(),
                    nr(km.median.median),
                    format!("{} to {}", nr(km.median.lower), nr(km.median.upper)),
                ]
            })
            .collect();
        table(
            &mut o,
            &["group", "n", "events", "censored", "median (s)", "95% CI"],
            &rows,
            1,
        );
        let _ = writeln!(
            o,
            "<p class=\"note\">Animals that never showed {} are censored at {} s.</p>",
            e(&l.behaviour),
            l.censor_s
        );
        if let Some(lr) = &l.logrank {
            let _ = writeln!(
                o,
                "<p>Log-rank test: <span class=\"apa\">{}</span>.</p>",
                e(&format!(
                    "χ²({}) = {:.2}, {}",
                    lr.test.df.first().copied().unwrap_or(f64::NAN),
                    lr.test.statistic,
                    super::pvalue::apa_p(lr.test.p)
                ))
            );
        }
        if let Some((scores, t)) = &l.trend {
            let s: Vec<String> = l
                .trend_groups
                .iter()
                .zip(scores)
                .map(|(g, v)| format!("{g} {v}"))
                .collect();
            let _ = writeln!(
                o,
                "<p>Log-rank test for trend over doses (planned; scores {}): <span class=\"apa\">{}</span>.</p>",
                e(&s.join(", ")),
                e(&format!(
                    "χ²(1) = {:.2}, {}",
                    t.test.statistic,
                    super::pvalue::apa_p(t.test.p)
                ))
            );
        }
    }
    deviations_section(&mut o, &a.deviations());
    o.push_str("<h2>Methods</h2>\n");
    let _ = writeln!(o, "<p class=\"methods\">{}</p>", e(&methods_paragraph(a)));
    provenance(&mut o, &a.study);
    o
}

/// The table of a repeated-measures ANOVA, its APA sentences (interaction first) and the
/// sphericity checks.
pub(super) fn rm_anova_tables(o: &mut String, a: &crate::stats::RmAnova) {
    let rows: Vec<Vec<String>> = a
        .terms
        .iter()
        .map(|x| {
            vec![
                x.term.clone(),
                f4(x.f),
                format!("{}, {}", x.df, x.error_df),
                format_p(x.p, PStyle::Gp),
                x.p_gg.map_or("–".into(), |p| format_p(p, PStyle::Gp)),
                format!("{:.3}", x.generalized_eta_squared),
            ]
        })
        .collect();
    table(
        o,
        &[
            "effect",
            "F",
            "df",
            "p",
            "p (Greenhouse–Geisser)",
            "generalised η²",
        ],
        &rows,
        1,
    );
    o.push_str("<ul>");
    for x in a.terms.iter().rev() {
        let _ = write!(
            o,
            "<li>{}: <span class=\"apa\">{}</span></li>",
            e(&x.term),
            e(&rm_apa(x, a.sphericity.as_ref()))
        );
    }
    o.push_str("</ul>\n");
    if let Some(s) = &a.sphericity {
        let _ = writeln!(o, "<p class=\"note\">Mauchly's W = {}, {}; Greenhouse–Geisser ε = {}, Huynh–Feldt ε = {}.</p>", f4(s.mauchly_w), e(&super::pvalue::apa_p(s.mauchly_p)), f4(s.greenhouse_geisser), f4(s.huynh_feldt));
    }
}

/// The page's head, title and the protocol's description.
pub(super) fn page_start(p: &crate::protocol::Protocol) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        e(&p.title)
    );
    let _ = writeln!(
        o,
        "<h1>{}</h1>\n<p class=\"sub\">Protocol {} {} · analysed with preclin {}</p>",
        e(&p.title),
        e(&p.id),
        e(&p.version),
        env!("CARGO_PKG_VERSION")
    );
    if let Some(d) = &p.description {
        let _ = writeln!(o, "<p>{}</p>", e(d));
    }
    o
}

/// The groups with their treatment and the animals allocated and analysed.
pub(super) fn groups_table(
    o: &mut String,
    p: &crate::protocol::Protocol,
    counts: &dyn Fn(usize) -> (usize, usize),
) {
    let rows: Vec<Vec<String>> = p
        .design
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let (allocated, analysed) = counts(g);
            vec![
                group.id.clone(),
                group.label.clone(),
                group
                    .treatments
                    .iter()
                    .map(summary_treatment_text)
                    .collect::<Vec<_>>()
                    .join("; "),
                allocated.to_string(),
                analysed.to_string(),
            ]
        })
        .collect();
    table(
        o,
        &["group", "label", "treatment", "allocated", "analysed"],
        &rows,
        3,
    );
}

/// The protocol's source as the report shows it: `built-in:ID`, or the file's name alone
/// (never the analyst's folders).
fn protocol_file(source: &str) -> String {
    if source.starts_with("built-in:") {
        return source.to_string();
    }
    std::path::Path::new(source)
        .file_name()
        .map_or(source.to_string(), |n| n.to_string_lossy().to_string())
}

/// "Deviations from the plan": each as a list item, or "None."
pub(super) fn deviations_section(o: &mut String, deviations: &[crate::analysis::Deviation]) {
    o.push_str("<h2>Deviations from the plan</h2>\n");
    if deviations.is_empty() {
        o.push_str("<p>None: every group was analysed with the planned number of animals, every exclusion follows a pre-specified criterion, and every statistic reported is one the plan asked for.</p>\n");
        return;
    }
    o.push_str("<ul>");
    for d in deviations {
        let _ = write!(o, "<li>{}</li>", e(&d.text));
    }
    o.push_str("</ul>\n");
}

/// Versions, the protocol's and every input's SHA-256, and the end of the page.
pub(super) fn provenance(o: &mut String, study: &crate::analysis::Study) {
    let (p, m) = (&study.protocol, &study.meta);
    o.push_str("<h2>Provenance</h2>\n");
    let mut rows = vec![
        vec![
            "preclin version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ],
        vec![
            "protocol".into(),
            format!(
                "{} {} ({})",
                p.id,
                p.version,
                protocol_file(&m.protocol_source)
            ),
        ],
        vec!["protocol SHA-256".into(), m.protocol_sha256.clone()],
        vec!["randomisation seed".into(), m.seed.to_string()],
    ];
    for i in &study.inputs {
        rows.push(vec![
            format!("input {}", study.shown(&i.path)),
            format!("SHA-256 {}", i.sha256),
        ]);
    }
    table(o, &["", ""], &rows, 9);
    o.push_str("</body></html>\n");
}

/// The few lines `preclin analyze` prints: groups and n, the key test, where the report is.
pub fn analysis_summary(a: &Analysis, out_dir: &std::path::Path) -> String {
    let p = &a.study.protocol;
    let mut s = String::new();
    let analysed = a
        .scores
        .animals
        .iter()
        .filter(|x| x.exclusion.is_none())
        .count();
    let _ = writeln!(
        s,
        "Analysed {} {}: {} groups, {} animals ({} excluded)",
        p.id,
        p.version,
        p.design.groups.len(),
        analysed,
        a.scores.animals.len() - analysed
    );
    for (g, group) in p.design.groups.iter().enumerate() {
        let n = a
            .scores
            .animals
            .iter()
            .filter(|x| x.group == g && x.exclusion.is_none())
            .count();
        let _ = writeln!(s, "  {:<8} {:<40} n = {n}", group.id, group.label);
    }
    if let Some(ep) = a
        .statistics
        .endpoints
        .iter()
        .find(|e| e.primary)
        .or(a.statistics.endpoints.first())
    {
        let line = match &ep.analysis {
            EndpointAnalysis::Groups(c) => {
                format!("{}: {}", c.omnibus.test.title(), apa_sentence(&c.omnibus))
            }
            EndpointAnalysis::Factorial { anova, .. } => anova
                .terms
                .iter()
                .rev()
                .map(|t| {
                    format!(
                        "{}: {}",
                        t.term,
                        anova_apa(
                            t.f,
                            t.df,
                            anova.df_error,
                            t.p,
                            Some(("ηp²", t.partial_eta_squared))
                        )
                    )
                })
                .collect::<Vec<_>>()
                .join("\n  "),
        };
        let _ = writeln!(s, "{} ({}):\n  {line}", ep.label, ep.unit);
    }
    let _ = writeln!(s, "Report: {}", out_dir.join("report.html").display());
    s
}
