//! Time-to-event analysis against R's `survival` package (tests/fixtures/r/survival.R on
//! survival-data.csv → survival-expected.csv): Kaplan–Meier tables with Greenwood standard
//! errors and log-scale limits, medians with their limits, the log-rank test with its
//! variance matrix, and the log-rank test for trend with scores 1, …, k.
//!
//! Every value is compared to 1e-9 relative (absolute where R's value is 0). Counts, times
//! and medians must agree exactly; a value R reports as NA (the standard error and limits
//! once S = 0, a median or limit never reached) must be absent in preclin.

use std::collections::BTreeMap;

use preclin::stats::{kaplan_meier, log_rank, log_rank_trend, KaplanMeier, LogRank};

use crate::common::{csv_rows, root};

/// Largest relative error per kind and field, and the failures.
#[derive(Default)]
struct Check {
    worst: BTreeMap<String, f64>,
    failures: Vec<String>,
    count: usize,
}

impl Check {
    fn value(&mut self, key: &str, field: &str, got: Option<f64>, expected: &str, tol: f64) {
        self.count += 1;
        let expected = if expected == "NA" {
            None
        } else {
            Some(expected.parse::<f64>().unwrap())
        };
        match (got, expected) {
            (None, None) => {}
            (Some(g), Some(e)) => {
                let err = if e == 0.0 {
                    g.abs()
                } else {
                    ((g - e) / e).abs()
                };
                let w = self.worst.entry(field.to_string()).or_insert(0.0);
                *w = w.max(err);
                if err.is_nan() || err > tol {
                    self.failures
                        .push(format!("{key}: got {g:e}, R {e:e} (rel {err:.1e})"));
                }
            }
            (g, e) => self.failures.push(format!("{key}: got {g:?}, R {e:?}")),
        }
    }
}

/// A set's groups in order of first appearance: (name, times, events).
type Groups = Vec<(String, Vec<f64>, Vec<bool>)>;

fn sets() -> BTreeMap<String, Groups> {
    let data = csv_rows(&root().join("tests/fixtures/r/survival-data.csv"));
    assert_eq!(data[0], ["set", "group", "time", "event"]);
    let mut sets: BTreeMap<String, Groups> = BTreeMap::new();
    for r in &data[1..] {
        let groups = sets.entry(r[0].clone()).or_default();
        let i = match groups.iter().position(|(g, _, _)| g == &r[1]) {
            Some(i) => i,
            None => {
                groups.push((r[1].clone(), Vec::new(), Vec::new()));
                groups.len() - 1
            }
        };
        groups[i].1.push(r[2].parse().unwrap());
        groups[i].2.push(match r[3].as_str() {
            "1" => true,
            "0" => false,
            other => panic!("event {other}"),
        });
    }
    sets
}

#[test]
fn survival_analysis_agrees_with_r() {
    let sets = sets();
    assert_eq!(sets.len(), 5);
    let expected = csv_rows(&root().join("tests/fixtures/r/survival-expected.csv"));
    assert_eq!(
        expected[0],
        ["set", "kind", "group", "index", "field", "value"]
    );
    let mut km: BTreeMap<(String, String), KaplanMeier> = BTreeMap::new();
    let mut tests: BTreeMap<String, LogRank> = BTreeMap::new();
    for (set, groups) in &sets {
        for (g, t, e) in groups {
            km.insert((set.clone(), g.clone()), kaplan_meier(t, e, 0.95).unwrap());
        }
        let named: Vec<(&str, &[f64], &[bool])> = groups
            .iter()
            .map(|(g, t, e)| (g.as_str(), t.as_slice(), e.as_slice()))
            .collect();
        tests.insert(set.clone(), log_rank(&named).unwrap());
    }
    let mut check = Check::default();
    let tol = 1e-9;
    let mut rows_per_group: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in &expected[1..] {
        let (set, kind, group, index, field, value) =
            (&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]);
        let key = format!("{set} {kind} {group} {index} {field}");
        let group_index = || {
            sets[set]
                .iter()
                .position(|(g, _, _)| g == group)
                .unwrap_or_else(|| panic!("no group {group} in {set}"))
        };
        match kind.as_str() {
            "km" => {
                let fit = &km[&(set.clone(), group.clone())];
                let i: usize = index.parse().unwrap();
                let n = rows_per_group
                    .entry((set.clone(), group.clone()))
                    .or_insert(0);
                *n = (*n).max(i);
                let step = &fit.steps[i - 1];
                let got = match field.as_str() {
                    "time" => Some(step.time),
                    "n_risk" => Some(step.n_risk as f64),
                    "n_event" => Some(step.n_event as f64),
                    "n_censor" => Some(step.n_censor as f64),
                    "surv" => Some(step.survival),
                    "std_err" => step.std_err,
                    "lower" => step.ci.map(|c| c.0),
                    "upper" => step.ci.map(|c| c.1),
                    other => panic!("km field {other}"),
                };
                let exact = matches!(field.as_str(), "time" | "n_risk" | "n_event" | "n_censor");
                check.value(&key, field, got, value, if exact { 0.0 } else { tol });
            }
            "median" => {
                let m = km[&(set.clone(), group.clone())].median;
                let got = match field.as_str() {
                    "median" => m.median,
                    "lower" => m.lower,
                    "upper" => m.upper,
                    other => panic!("median field {other}"),
                };
                check.value(&key, &format!("median {field}"), got, value, 0.0);
            }
            "logrank" => {
                let r = &tests[set];
                let got = match field.as_str() {
                    "chisq" => r.test.statistic,
                    "df" => r.test.df[0],
                    "p" => r.test.p,
                    "observed" => r.observed[group_index()] as f64,
                    "expected" => r.expected[group_index()],
                    other => panic!("logrank field {other}"),
                };
                check.value(&key, &format!("logrank {field}"), Some(got), value, tol);
            }
            "logrank-var" => {
                let (i, j) = index.split_once(':').unwrap();
                let (i, j): (usize, usize) = (i.parse().unwrap(), j.parse().unwrap());
                let got = tests[set].variance[i - 1][j - 1];
                check.value(&key, "logrank var", Some(got), value, tol);
            }
            "trend" => {
                let groups = &sets[set];
                let named: Vec<(&str, &[f64], &[bool])> = groups
                    .iter()
                    .map(|(g, t, e)| (g.as_str(), t.as_slice(), e.as_slice()))
                    .collect();
                let scores: Vec<f64> = (1..=groups.len()).map(|s| s as f64).collect();
                let t = log_rank_trend(&named, &scores).unwrap();
                let got = match field.as_str() {
                    "u" => t.u,
                    "v" => t.variance,
                    "chisq" => t.test.statistic,
                    "p" => t.test.p,
                    other => panic!("trend field {other}"),
                };
                check.value(&key, &format!("trend {field}"), Some(got), value, tol);
            }
            other => panic!("unknown kind {other}"),
        }
    }
    // R prints one row per distinct time: preclin must have no rows R lacks.
    for ((set, group), n) in &rows_per_group {
        let fit = &km[&(set.clone(), group.clone())];
        assert_eq!(fit.steps.len(), *n, "{set} {group}: number of rows");
    }
    assert_eq!(rows_per_group.len(), km.len(), "every group has a table");
    for (field, rel) in &check.worst {
        eprintln!("{field:<20} worst relative error {rel:.1e}");
    }
    assert!(
        check.failures.is_empty(),
        "{} of {} values disagree with R:\n{}",
        check.failures.len(),
        check.count,
        check.failures.join("\n")
    );
    assert!(check.count > 900, "{} values compared", check.count);
}

/// The group without events (all-censored-group, imi30) still counts in the log-rank test:
/// it is at risk at the vehicle group's event times, so its expected count is positive.
#[test]
fn a_group_without_events_is_kept_in_the_test() {
    let sets = sets();
    let groups = &sets["all-censored-group"];
    let named: Vec<(&str, &[f64], &[bool])> = groups
        .iter()
        .map(|(g, t, e)| (g.as_str(), t.as_slice(), e.as_slice()))
        .collect();
    let r = log_rank(&named).unwrap();
    assert_eq!(r.observed[1], 0);
    assert!(r.expected[1] > 0.0);
    assert_eq!(r.test.df, vec![1.0]);
    let imi30 = kaplan_meier(&groups[1].1, &groups[1].2, 0.95).unwrap();
    assert_eq!(imi30.median.median, None);
    assert!(imi30.steps.iter().all(|s| s.survival == 1.0));
}
