//! Deviations from the plan: what the analysis did not do as the protocol planned it, for
//! the report's "Deviations from the plan" and `results.json` `deviations`.
//!
//! - `n-below-plan`: a group analysed with fewer animals than planned, with the smallest
//!   standardised effect the analysed sample detects at 80 % power (two-sided, the plan's α;
//!   Cohen 1988; [`crate::stats::power`]) beside the one the planned n detects;
//! - `exclusion-not-prespecified`: an animal excluded for a reason that is none of the
//!   protocol's exclusion criteria;
//! - `endpoint-not-analysed`: a protocol endpoint without a result, and why;
//! - `exploratory`: a statistic the plan did not ask for (a scored column that is not one
//!   of the protocol's endpoints), reported as exploratory.

use serde_json::{json, Value};

use crate::protocol::Protocol;
use crate::stats::{power, PowerDesign};

/// One deviation: its kind, a sentence, and the facts behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviation {
    pub kind: &'static str,
    pub text: String,
    /// Further members of its JSON object (group, planned, analysed, …).
    pub detail: Value,
}

impl Deviation {
    pub fn json(&self) -> Value {
        let mut v = json!({ "kind": self.kind, "text": self.text });
        if let (Some(o), Some(d)) = (v.as_object_mut(), self.detail.as_object()) {
            for (k, x) in d {
                o.insert(k.clone(), x.clone());
            }
        }
        v
    }
}

/// An excluded animal: blind code, group id, the reason as recorded, and whether that
/// reason is one of the protocol's criteria.
pub struct Excluded<'a> {
    pub blind_code: &'a str,
    pub group: &'a str,
    pub reason: &'a str,
    pub prespecified: bool,
}

/// The power analysis that matches the design: the two-sample t test (Cohen's d) for two
/// groups, the interaction of a 2 × 2 design (Cohen's f) for two factors, one-way ANOVA
/// (Cohen's f) otherwise.
fn design_of(p: &Protocol) -> (PowerDesign, &'static str) {
    let k = p.design.groups.len();
    if p.design.factors.len() >= 2 && k == 4 {
        (PowerDesign::Interaction2x2, "Cohen's f of the interaction")
    } else if k == 2 {
        (PowerDesign::TwoSampleT, "Cohen's d")
    } else {
        (PowerDesign::OneWayAnova { groups: k }, "Cohen's f")
    }
}

/// The smallest effect detected with 80 % power at `alpha` with `n` per group, by bisection
/// on the power, which grows with the effect.
pub fn detectable_effect(design: PowerDesign, alpha: f64, n: usize) -> Option<f64> {
    // The results and the report each list the deviations: each bisection (dozens of
    // noncentral F tails) is done once. Remember the answers.
    type Key = (PowerDesign, u64, usize);
    static SOLVED: std::sync::Mutex<Vec<(Key, Option<f64>)>> = std::sync::Mutex::new(Vec::new());
    let key: Key = (design, alpha.to_bits(), n);
    if let Some(e) = SOLVED
        .lock()
        .ok()
        .and_then(|v| v.iter().find(|(x, _)| *x == key).map(|(_, e)| *e))
    {
        return e;
    }
    let e = solve_detectable_effect(design, alpha, n);
    if let Ok(mut v) = SOLVED.lock() {
        if v.len() < 256 {
            v.push((key, e));
        }
    }
    e
}

fn solve_detectable_effect(design: PowerDesign, alpha: f64, n: usize) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let at = |e: f64| power(design, e, alpha, n as f64).ok();
    let (mut lo, mut hi) = (1e-6, 50.0);
    if at(hi)? < 0.8 {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if at(mid)? < 0.8 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-10 {
            break;
        }
    }
    Some(hi)
}

/// The deviations of an analysis: `counts` per group (allocated, analysed), the excluded
/// animals, endpoints not analysed (name, why) and exploratory statistics (label).
pub fn deviations(
    p: &Protocol,
    planned_n: usize,
    counts: &[(usize, usize)],
    excluded: &[Excluded],
    not_analysed: &[(String, String)],
    exploratory: &[String],
) -> Vec<Deviation> {
    let mut out = Vec::new();
    let analysed_min = counts.iter().map(|c| c.1).min().unwrap_or(0);
    let below: Vec<usize> = (0..counts.len())
        .filter(|&g| counts[g].1 < planned_n)
        .collect();
    if !below.is_empty() {
        let (design, measure) = design_of(p);
        let alpha = p.analysis.alpha;
        let planned_effect = detectable_effect(design, alpha, planned_n);
        let analysed_effect = detectable_effect(design, alpha, analysed_min);
        let power_text = match (analysed_effect, planned_effect) {
            (Some(a), Some(b)) => format!(
                "; with {analysed_min} per group the design detects {measure} ≥ {a:.2} at 80 % power (α = {alpha}), against {b:.2} with the planned {planned_n}"
            ),
            _ => String::new(),
        };
        for g in below {
            let id = &p.design.groups[g].id;
            out.push(Deviation {
                kind: "n-below-plan",
                text: format!(
                    "{id}: {} analysed of {planned_n} planned{power_text}",
                    match counts[g].1 {
                        1 => "1 animal".to_string(),
                        n => format!("{n} animals"),
                    }
                ),
                detail: json!({
                    "group": id, "planned": planned_n, "analysed": counts[g].1,
                    "detectable_effect": {
                        "measure": measure, "power": 0.8, "alpha": alpha,
                        "n_per_group": analysed_min,
                        "analysed": analysed_effect, "planned": planned_effect,
                    },
                }),
            });
        }
    }
    for x in excluded.iter().filter(|x| !x.prespecified) {
        out.push(Deviation {
            kind: "exclusion-not-prespecified",
            text: format!(
                "{} ({}) was excluded for \u{201c}{}\u{201d}, which is none of the protocol's exclusion criteria",
                x.blind_code, x.group, x.reason
            ),
            detail: json!({ "blind_code": x.blind_code, "group": x.group, "reason": x.reason }),
        });
    }
    for (name, why) in not_analysed {
        out.push(Deviation {
            kind: "endpoint-not-analysed",
            text: format!("{name} was not analysed: {why}"),
            detail: json!({ "endpoint": name, "why": why }),
        });
    }
    for label in exploratory {
        out.push(Deviation {
            kind: "exploratory",
            text: format!(
                "{label} is not one of the protocol's endpoints; its analysis is exploratory"
            ),
            detail: json!({ "endpoint": label }),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fst_mouse() -> Protocol {
        crate::protocol::builtin("fst-mouse")
            .unwrap()
            .unwrap()
            .protocol
    }

    #[test]
    fn every_kind_is_listed_with_its_facts() {
        let p = fst_mouse();
        let excluded = [
            Excluded {
                blind_code: "M1",
                group: "VEH",
                reason: "rescued",
                prespecified: true,
            },
            Excluded {
                blind_code: "M2",
                group: "VEH",
                reason: "cage flooded",
                prespecified: false,
            },
        ];
        let d = deviations(
            &p,
            10,
            &[(10, 8), (10, 10)],
            &excluded,
            &[("Latency".into(), "no latency was recorded".into())],
            &["immobility bouts".into()],
        );
        let kinds: Vec<&str> = d.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                "n-below-plan",
                "exclusion-not-prespecified",
                "endpoint-not-analysed",
                "exploratory"
            ]
        );
        assert!(d[0]
            .text
            .starts_with("VEH: 8 animals analysed of 10 planned"));
        assert_eq!(d[0].json()["analysed"], 8);
        assert!(d[1]
            .text
            .contains("M2 (VEH) was excluded for \u{201c}cage flooded\u{201d}"));
        assert_eq!(d[2].json()["why"], "no latency was recorded");
        assert_eq!(d[3].json()["endpoint"], "immobility bouts");
    }

    #[test]
    fn a_study_as_planned_has_none_and_one_animal_is_singular() {
        let p = fst_mouse();
        assert!(deviations(&p, 10, &[(10, 10), (10, 10)], &[], &[], &[]).is_empty());
        let d = deviations(&p, 10, &[(10, 1), (10, 10)], &[], &[], &[]);
        assert!(
            d[0].text.starts_with("VEH: 1 animal analysed"),
            "{}",
            d[0].text
        );
        // One animal cannot give a power analysis.
        assert!(d[0].json()["detectable_effect"]["analysed"].is_null());
    }
}
