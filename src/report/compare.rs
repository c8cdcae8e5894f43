//! The report of `preclin stats compare`, `normality` and `outliers`: JSON documents
//! (fields in `docs/json-output.md`) and readable text with APA sentences.

use std::fmt::Write;

use serde_json::{json, Map, Value};

use super::json::{describe_json, finite};
use super::pvalue::{apa_df, apa_p, apa_proportion, format_p, stars, PStyle};
use super::text::{describe_table, significant, table};
use crate::stats::{Adjustment, Comparison, Omnibus, Posthoc, TestResult};

fn pair(x: Option<(f64, f64)>) -> Value {
    match x {
        Some((lo, hi)) => json!([finite(lo), finite(hi)]),
        None => Value::Null,
    }
}

fn test_json(name: &str, t: &TestResult) -> Value {
    let df: Vec<Value> = t.df.iter().map(|d| finite(*d)).collect();
    json!({ "test": name, "statistic": finite(t.statistic), "df": df, "p": finite(t.p) })
}

fn adjustment_id(a: Adjustment) -> &'static str {
    match a {
        Adjustment::None => "none",
        Adjustment::Bonferroni => "bonferroni",
        Adjustment::Sidak => "sidak",
        Adjustment::Holm => "holm",
        Adjustment::HolmSidak => "holm-sidak",
        Adjustment::BenjaminiHochberg => "bh",
    }
}

/// Normality and equal-variance checks as JSON.
pub fn assumptions_json(a: &crate::stats::Assumptions) -> Value {
    let normality: Vec<Value> = a
        .normality
        .iter()
        .map(|(g, r)| match r {
            Ok(t) => json!({ "group": g, "test": "shapiro-wilk", "statistic": finite(t.statistic), "p": finite(t.p) }),
            Err(e) => json!({ "group": g, "test": "shapiro-wilk", "statistic": null, "p": null, "error": e }),
        })
        .collect();
    let equal_variance = match &a.equal_variance {
        Ok(t) => test_json("brown-forsythe", t),
        Err(e) => {
            json!({ "test": "brown-forsythe", "statistic": null, "df": [], "p": null, "error": e })
        }
    };
    json!({ "normality": normality, "equal_variance": equal_variance })
}

fn omnibus_json(o: &Omnibus) -> Value {
    let mut v = test_json(o.test.id(), &o.result);
    let obj = v.as_object_mut().expect("an object");
    obj.insert("statistic_name".into(), json!(o.statistic_name));
    let mut effects = Map::new();
    for e in &o.effect_sizes {
        effects.insert(e.name.into(), finite(e.value));
        if let Some(ci) = e.ci {
            effects.insert(format!("{}_ci", e.name), pair(Some(ci)));
        }
    }
    obj.insert("effect_sizes".into(), Value::Object(effects));
    if let Some(d) = &o.difference {
        obj.insert("a".into(), json!(d.a));
        obj.insert("b".into(), json!(d.b));
        obj.insert("diff".into(), finite(d.diff));
        obj.insert("ci".into(), pair(d.ci));
    }
    obj.insert("apa".into(), json!(apa_sentence(o)));
    v
}

/// Post hoc comparisons as JSON.
pub fn posthoc_json(p: &Posthoc) -> Value {
    let comparisons: Vec<Value> = p
        .comparisons
        .iter()
        .map(|c| {
            json!({
                "a": c.a, "b": c.b, "diff": finite(c.diff), "se": finite(c.se), "ci": pair(c.ci),
                "statistic": finite(c.statistic), "df": finite(c.df),
                "p": finite(c.p), "p_adj": finite(c.p_adj), "significance": stars(c.p_adj),
            })
        })
        .collect();
    json!({
        "method": p.method.id(),
        "statistic_name": p.statistic_name,
        "control": p.control,
        "adjustment": p.adjustment.map(adjustment_id),
        "confidence_level": p.confidence_level,
        "comparisons": comparisons,
    })
}

/// `preclin stats compare --json`.
pub fn compare_json(value: &str, c: &Comparison, blank_rows: &[usize]) -> Value {
    let described = describe_json(value, &c.groups, blank_rows);
    json!({
        "value": value,
        "alpha": c.alpha,
        "groups": described["groups"],
        "blank_rows": blank_rows,
        "assumptions": assumptions_json(&c.assumptions),
        "choice": {
            "auto": c.auto,
            "test": c.omnibus.test.id(),
            "posthoc": c.posthoc.as_ref().map(|p| p.method.id()),
            "reasons": c.reasons,
        },
        "omnibus": omnibus_json(&c.omnibus),
        "posthoc": c.posthoc.as_ref().map(posthoc_json),
    })
}

/// The omnibus result as an APA sentence, e.g. "F(3, 28) = 12.41, p < .001, η² = .57".
pub fn apa_sentence(o: &Omnibus) -> String {
    let r = &o.result;
    let mut s = match o.statistic_name {
        "F" => format!(
            "F({}, {}) = {:.2}, {}",
            apa_df(r.df[0]),
            apa_df(r.df[1]),
            r.statistic,
            apa_p(r.p)
        ),
        "t" => format!(
            "t({}) = {:.2}, {}",
            apa_df(r.df[0]),
            r.statistic,
            apa_p(r.p)
        ),
        "H" => format!(
            "H({}) = {:.2}, {}",
            apa_df(r.df[0]),
            r.statistic,
            apa_p(r.p)
        ),
        _ => format!("U = {}, {}", significant(r.statistic, 4), apa_p(r.p)),
    };
    for e in &o.effect_sizes {
        let symbol = match e.name {
            "eta_squared" => "η²",
            "omega_squared" => continue,
            "epsilon_squared" => "ε²",
            "cohens_d" => "d",
            "hedges_g" => continue,
            _ => "r",
        };
        let _ = write!(s, ", {symbol} = ");
        if e.name == "cohens_d" {
            let _ = write!(s, "{:.2}", e.value);
            if let Some((lo, hi)) = e.ci {
                let _ = write!(s, ", 95% CI [{lo:.2}, {hi:.2}]");
            }
        } else {
            s.push_str(&apa_proportion(e.value));
        }
    }
    s
}

/// The readable report of `preclin stats compare`.
pub fn compare_text(value: &str, c: &Comparison) -> String {
    let mut out = describe_table(value, &c.groups);
    let f = |x: f64| significant(x, 4);
    out.push_str("\nAssumptions\n");
    let mut rows = vec![vec![
        "check".to_string(),
        "group".into(),
        "statistic".into(),
        "p".into(),
    ]];
    for (g, r) in &c.assumptions.normality {
        rows.push(match r {
            Ok(t) => vec![
                "Shapiro–Wilk W".into(),
                g.clone(),
                f(t.statistic),
                format_p(t.p, PStyle::Gp),
            ],
            Err(_) => vec!["Shapiro–Wilk W".into(), g.clone(), "–".into(), "n/a".into()],
        });
    }
    if let Ok(t) = &c.assumptions.equal_variance {
        rows.push(vec![
            "Brown–Forsythe F".into(),
            "all".into(),
            f(t.statistic),
            format_p(t.p, PStyle::Gp),
        ]);
    }
    out.push_str(&table(&rows));
    let _ = writeln!(
        out,
        "\n{}{}: {}",
        c.omnibus.test.title(),
        if c.auto {
            " (chosen automatically)"
        } else {
            ""
        },
        apa_sentence(&c.omnibus)
    );
    if let Some(d) = &c.omnibus.difference {
        let _ = write!(out, "difference {} − {}: {}", d.a, d.b, f(d.diff));
        if let Some((lo, hi)) = d.ci {
            let _ = write!(out, " (95% CI {} to {})", f(lo), f(hi));
        }
        out.push('\n');
    }
    for r in &c.reasons {
        let _ = writeln!(out, "  · {r}");
    }
    if let Some(p) = &c.posthoc {
        out.push_str(&posthoc_text(p));
    }
    out
}

fn posthoc_text(p: &Posthoc) -> String {
    let f = |x: f64| significant(x, 4);
    let mut out = format!("\n{} post hoc comparisons", p.method.title());
    if let Some(control) = &p.control {
        let _ = write!(out, " against {control}");
    }
    if let Some(a) = p.adjustment {
        let _ = write!(out, ", p adjusted by {}", adjustment_id(a));
    }
    out.push('\n');
    let level = format!("{}% CI", (p.confidence_level * 100.0).round());
    let mut rows = vec![vec![
        "comparison".to_string(),
        "diff".into(),
        level,
        p.statistic_name.into(),
        "p adj".into(),
        "".into(),
    ]];
    for c in &p.comparisons {
        rows.push(vec![
            format!("{} − {}", c.a, c.b),
            f(c.diff),
            c.ci.map_or("–".into(), |(lo, hi)| format!("{} to {}", f(lo), f(hi))),
            f(c.statistic),
            format_p(c.p_adj, PStyle::Gp),
            stars(c.p_adj).into(),
        ]);
    }
    out.push_str(&table(&rows));
    out
}
