//! The statistical sentences of a forced swim test's methods paragraph, written from what
//! ran: per endpoint the test and post hoc by name, the outcome of the assumption checks
//! when the plan let them choose the test, the factorial and repeated-measures analyses,
//! and the latency analysis with the trend test the plan declared.

use std::fmt::Write;

use super::html::{and_list, capitalise};
use super::CellPosthoc;
use crate::analysis::{Analysis, EndpointAnalysis, EndpointResult};
use crate::stats::{Adjustment, Comparison, Posthoc, PosthocMethod};

/// "the Kruskal–Wallis test", "Student's t test", "one-way ANOVA".
fn test_name(title: &str) -> String {
    if title.ends_with(" test") && !title.contains("'s") {
        format!("the {title}")
    } else {
        title.to_string()
    }
}

fn adjustment_name(a: Adjustment) -> Option<&'static str> {
    match a {
        Adjustment::None => None,
        Adjustment::Bonferroni => Some("Bonferroni"),
        Adjustment::Sidak => Some("Šídák"),
        Adjustment::Holm => Some("Holm"),
        Adjustment::HolmSidak => Some("Holm–Šídák"),
        Adjustment::BenjaminiHochberg => Some("Benjamini–Hochberg"),
    }
}

/// "Dunnett's test against VEH", "Tukey–Kramer comparisons of all pairs", "Dunn's test
/// against VEH (Bonferroni adjustment)".
fn posthoc_phrase(ph: &Posthoc) -> String {
    let name = match ph.method {
        PosthocMethod::Tukey => "Tukey–Kramer comparisons".to_string(),
        PosthocMethod::Dunnett => "Dunnett's test".into(),
        PosthocMethod::GamesHowell => "Games–Howell comparisons".into(),
        PosthocMethod::Dunn => "Dunn's test".into(),
        PosthocMethod::Lsd => "Fisher's LSD comparisons".into(),
        m => format!("pairwise t tests with {} adjustment", m.title()),
    };
    let scope = match &ph.control {
        Some(c) => format!("against {c}"),
        None => "of all pairs".into(),
    };
    let adjustment = match (ph.method, ph.adjustment.and_then(adjustment_name)) {
        (PosthocMethod::Dunn, Some(a)) => format!(" ({a} adjustment)"),
        _ => String::new(),
    };
    format!("{name} {scope}{adjustment}")
}

/// What the assumption checks found, in words: why the automatic rule chose its test.
fn assumption_outcome(c: &Comparison) -> String {
    let alpha = c.alpha;
    let rejected: Vec<String> = c
        .assumptions
        .normality
        .iter()
        .filter(|(_, r)| matches!(r, Ok(t) if t.p < alpha))
        .map(|(g, _)| g.clone())
        .collect();
    let unchecked: Vec<String> = c
        .assumptions
        .normality
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(g, _)| g.clone())
        .collect();
    let mut s = String::new();
    if !unchecked.is_empty() {
        let _ = write!(
            s,
            "normality could not be checked in {}; ",
            and_list(&unchecked)
        );
    }
    if !rejected.is_empty() {
        let _ = write!(
            s,
            "Shapiro–Wilk rejected normality in {}",
            and_list(&rejected)
        );
        return s;
    }
    s.push_str(match &c.assumptions.equal_variance {
        Ok(t) if t.p < alpha => {
            "normality was not rejected but Brown–Forsythe rejected equal variances"
        }
        Ok(_) => {
            "neither normality (Shapiro–Wilk) nor equal variances (Brown–Forsythe) were rejected"
        }
        Err(_) => "normality was not rejected and equal variances could not be checked",
    });
    s
}

/// The endpoint as named in the text.
fn endpoint_words(e: &EndpointResult) -> String {
    let mut label = e.label.clone();
    if let Some(first) = label.chars().next() {
        let second_upper = label.chars().nth(1).is_some_and(char::is_uppercase);
        if first.is_uppercase() && !second_upper {
            label = first.to_lowercase().collect::<String>() + &label[first.len_utf8()..];
        }
    }
    if e.planned {
        label
    } else {
        format!("{label} (exploratory)")
    }
}

fn one_factor_tail(c: &Comparison) -> String {
    let mut s = test_name(c.omnibus.test.title());
    if let Some(ph) = &c.posthoc {
        let _ = write!(s, " with {}", posthoc_phrase(ph));
    }
    s
}

fn factorial_tail(a: &Analysis, posthoc: &Option<CellPosthoc>, cells: usize) -> String {
    let p = &a.study.protocol;
    let names: Vec<&str> = p.design.factors.iter().map(|f| f.name.as_str()).collect();
    let ss = ["I", "II", "III"][usize::from(p.analysis.ss_type.unwrap_or(3).clamp(1, 3)) - 1];
    let mut s = format!(
        "two-way ANOVA ({}) with Type {ss} sums of squares and sum-to-zero coding, the interaction examined first, then simple main effects",
        names.join(" × ")
    );
    match posthoc {
        Some(CellPosthoc::Cells(ph)) => match (&ph.control, ph.method) {
            (Some(control), PosthocMethod::Dunnett) => {
                let _ = write!(s, " and Dunnett's test of each cell against {control}");
            }
            _ => {
                let _ = write!(
                    s,
                    " and {} of the {cells} cells",
                    posthoc_phrase(ph).replace(" of all pairs", "")
                );
            }
        },
        Some(CellPosthoc::SimplePairs { factor, .. }) => {
            let _ = write!(
                s,
                " and Šídák-adjusted comparisons of the levels of {factor} within each level of the other factor"
            );
        }
        None => {}
    }
    s
}

/// (who, what) pairs gathered by what, in first-seen order: the endpoints that share an
/// analysis.
fn by_tail(items: impl IntoIterator<Item = (String, String)>) -> Vec<(String, Vec<String>)> {
    let mut tails: Vec<(String, Vec<String>)> = Vec::new();
    for (who, tail) in items {
        match tails.iter_mut().find(|(t, _)| *t == tail) {
            Some((_, names)) => names.push(who),
            None => tails.push((tail, vec![who])),
        }
    }
    tails
}

/// Sentences joined: "A was …", "A and B were …" for endpoints with the same analysis.
fn grouped(items: Vec<(String, String)>, verb: &str) -> String {
    let mut s = String::new();
    for (tail, names) in by_tail(items) {
        let be = if names.len() == 1 { "was" } else { "were" };
        let _ = write!(s, "{} {be} {verb} {tail}. ", capitalise(&and_list(&names)));
    }
    s
}

/// The statistics part of the methods paragraph of a forced swim test, from the results.
pub fn statistics_text(a: &Analysis) -> String {
    let st = &a.statistics;
    let mut s = String::new();
    let comparisons: Vec<(&EndpointResult, &Comparison)> = st
        .endpoints
        .iter()
        .filter_map(|e| match &e.analysis {
            EndpointAnalysis::Groups(c) => Some((e, c)),
            EndpointAnalysis::Factorial { .. } => None,
        })
        .collect();
    if !comparisons.is_empty() {
        s.push_str("Normality was checked in each group with the Shapiro–Wilk test and equality of variances with the Brown–Forsythe test. ");
        if comparisons.iter().any(|(_, c)| c.auto) {
            s.push_str("The plan let these checks choose each test: a rank test when Shapiro–Wilk rejected normality in any group, a test that does not assume equal variances when Brown–Forsythe rejected them, and otherwise Student's t test or one-way ANOVA. ");
        }
        let planned: Vec<(String, String)> = comparisons
            .iter()
            .filter(|(_, c)| !c.auto)
            .map(|(e, c)| (endpoint_words(e), one_factor_tail(c)))
            .collect();
        s.push_str(&grouped(planned, "compared by"));
        // Endpoints whose checks came out alike and chose alike, in one sentence.
        let chosen = by_tail(comparisons.iter().filter(|(_, c)| c.auto).map(|(e, c)| {
            let why = format!(
                "{}, so the groups were compared by {}",
                assumption_outcome(c),
                one_factor_tail(c)
            );
            (endpoint_words(e), why)
        }));
        for (why, names) in chosen {
            let _ = write!(s, "For {}, {why}. ", and_list(&names));
        }
    }
    let factorial: Vec<(String, String)> = st
        .endpoints
        .iter()
        .filter_map(|e| match &e.analysis {
            EndpointAnalysis::Factorial { posthoc, cells, .. } => {
                Some((endpoint_words(e), factorial_tail(a, posthoc, cells.len())))
            }
            EndpointAnalysis::Groups(_) => None,
        })
        .collect();
    s.push_str(&grouped(factorial, "analysed by"));
    if let Some(t) = &st.time_course {
        let unit = if t.bin_width_s == 60.0 {
            "minute".to_string()
        } else {
            format!("{}-s bin", t.bin_width_s)
        };
        let _ = write!(
            s,
            "{} per {unit} in the scoring window ({}) was analysed by group × {} repeated-measures ANOVA{}. ",
            capitalise(&t.behaviour),
            and_list(&t.within_levels),
            if t.bin_width_s == 60.0 { "minute" } else { "bin" },
            if t.anova.sphericity.is_some() {
                " with the Greenhouse–Geisser correction"
            } else {
                ""
            }
        );
    }
    if let Some(l) = &st.latency {
        if l.logrank.is_some() {
            let _ = write!(
                s,
                "Latency to {} was compared between groups with Kaplan–Meier estimates and the log-rank test",
                l.behaviour
            );
            if let Some((scores, _)) = &l.trend {
                let scored: Vec<String> = l
                    .trend_groups
                    .iter()
                    .zip(scores)
                    .map(|(g, d)| format!("{g} ({d})"))
                    .collect();
                let _ = write!(
                    s,
                    ", with the planned log-rank test for trend over the doses of {}",
                    and_list(&scored)
                );
            }
            let _ = write!(
                s,
                "; animals that never showed it were censored at {} s. ",
                l.censor_s
            );
        } else {
            let _ = write!(
                s,
                "Latency to {} was estimated by Kaplan–Meier; no animal showed it before {} s, so no test was run. ",
                l.behaviour, l.censor_s
            );
        }
    }
    s
}
