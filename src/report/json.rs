//! JSON documents of `preclin stats`; field names are documented in `docs/json-output.md`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::stats::Descriptives;

/// A number, or `null` when it is NaN or infinite.
pub fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

#[derive(Serialize)]
struct GroupJson {
    name: String,
    n: usize,
    mean: Value,
    sd: Value,
    sem: Value,
    ci95: [Value; 2],
    median: Value,
    q1: Value,
    q3: Value,
    min: Value,
    max: Value,
    cv_pct: Value,
}

/// `preclin stats describe --json`: `{ "value", "groups": [ … ], "blank_rows": [ … ] }`.
pub fn describe_json(
    value: &str,
    groups: &[(String, Descriptives)],
    blank_rows: &[usize],
) -> Value {
    let groups: Vec<GroupJson> = groups
        .iter()
        .map(|(name, d)| GroupJson {
            name: name.clone(),
            n: d.n,
            mean: finite(d.mean),
            sd: finite(d.sd),
            sem: finite(d.sem),
            ci95: [finite(d.ci95.0), finite(d.ci95.1)],
            median: finite(d.median),
            q1: finite(d.q1),
            q3: finite(d.q3),
            min: finite(d.min),
            max: finite(d.max),
            cv_pct: finite(d.cv_pct),
        })
        .collect();
    json!({ "value": value, "groups": groups, "blank_rows": blank_rows })
}
