//! `preclin stats compare | normality | outliers` from the command line: JSON fields, the
//! auto choice and its reasons, degenerate input, and invariance properties of the
//! comparisons (shift, scale, group order).

use std::path::{Path, PathBuf};

use preclin::stats::{compare, CompareOptions, OmnibusTest, PosthocMethod};
use serde_json::Value;

use crate::common::{csv_rows, preclin, rel, root};

/// Writes the rows of one fixture set as `group,value` CSV.
fn set_csv(dir: &Path, set: &str) -> PathBuf {
    let data = csv_rows(&root().join("tests/fixtures/r/compare-data.csv"));
    let mut text = String::from("group,value\n");
    for r in data[1..].iter().filter(|r| r[0] == set) {
        text.push_str(&format!("{},{}\n", r[1], r[2]));
    }
    let path = dir.join(format!("{set}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

fn expected(set: &str, method: &str, a: &str, b: &str, field: &str) -> f64 {
    let rows = csv_rows(&root().join("tests/fixtures/r/compare-expected.csv"));
    rows[1..]
        .iter()
        .find(|r| r[0] == set && r[1] == method && r[2] == a && r[3] == b && r[4] == field)
        .unwrap_or_else(|| panic!("no {set} {method} {a} {b} {field} in the fixture"))[5]
        .parse()
        .unwrap()
}

fn run_json(args: &[&str]) -> Value {
    let out = preclin().args(args).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn stderr_of(args: &[&str]) -> String {
    let out = preclin().args(args).assert().code(2);
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

#[test]
fn compare_json_has_the_documented_fields_and_r_values() {
    let dir = tempfile::tempdir().unwrap();
    let data = set_csv(dir.path(), "dunnett1955");
    let json = run_json(&[
        "stats",
        "compare",
        data.to_str().unwrap(),
        "--value",
        "value",
        "--group",
        "group",
        "--control",
        "control",
        "--json",
    ]);
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    for field in [
        "name", "n", "mean", "sd", "sem", "ci95", "median", "q1", "q3", "min", "max",
    ] {
        assert!(!groups[0][field].is_null(), "groups[].{field}");
    }
    // Normal data with similar spread and a named control: ANOVA and Dunnett.
    assert_eq!(json["choice"]["auto"], true);
    assert_eq!(json["omnibus"]["test"], "anova");
    assert_eq!(json["posthoc"]["method"], "dunnett");
    assert!(json["choice"]["reasons"].as_array().unwrap().len() >= 2);
    let f = json["omnibus"]["statistic"].as_f64().unwrap();
    assert!(rel(f, expected("dunnett1955", "anova", "", "", "F")) < 1e-9);
    assert_eq!(json["omnibus"]["df"], serde_json::json!([2.0, 12.0]));
    let eta = json["omnibus"]["effect_sizes"]["eta_squared"]
        .as_f64()
        .unwrap();
    assert!(rel(eta, expected("dunnett1955", "anova", "", "", "eta_sq")) < 1e-9);
    let comparisons = json["posthoc"]["comparisons"].as_array().unwrap();
    assert_eq!(comparisons.len(), 2);
    for c in comparisons {
        assert_eq!(c["b"], "control", "many-to-one: b is the control");
        let a = c["a"].as_str().unwrap();
        let p = c["p_adj"].as_f64().unwrap();
        assert!((p - expected("dunnett1955", "dunnett", a, "control", "p_adj")).abs() < 1e-8);
        assert_eq!(c["ci"].as_array().unwrap().len(), 2);
    }
    let sw = &json["assumptions"]["normality"][0];
    assert_eq!(sw["test"], "shapiro-wilk");
    assert!(
        rel(
            sw["p"].as_f64().unwrap(),
            expected("dunnett1955", "shapiro", "control", "", "p")
        ) < 1e-9
    );
    assert_eq!(
        json["assumptions"]["equal_variance"]["test"],
        "brown-forsythe"
    );
    assert!(json["omnibus"]["apa"]
        .as_str()
        .unwrap()
        .starts_with("F(2, 12) = "));
}

#[test]
fn auto_choice_follows_the_checks_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    // Strongly skewed groups: Shapiro–Wilk rejects, so Kruskal–Wallis and Dunn.
    let skewed = dir.path().join("skewed.csv");
    let mut text = String::from("group,value\n");
    for (g, shift) in [("A", 0.0), ("B", 5.0), ("C", 9.0)] {
        for v in [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 30.0] {
            text.push_str(&format!("{g},{}\n", v + shift));
        }
    }
    std::fs::write(&skewed, text).unwrap();
    let args = |p: &Path| {
        vec![
            "stats".to_string(),
            "compare".into(),
            p.display().to_string(),
            "--value".into(),
            "value".into(),
            "--group".into(),
            "group".into(),
            "--json".into(),
        ]
    };
    let a = args(&skewed);
    let json = run_json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(json["omnibus"]["test"], "kruskal");
    assert_eq!(json["posthoc"]["method"], "dunn");
    let reasons = json["choice"]["reasons"].to_string();
    assert!(reasons.contains("Shapiro–Wilk p < 0.05"), "{reasons}");

    // Normal-looking groups with very different spreads: Welch's ANOVA and Games–Howell.
    let hetero = set_csv(dir.path(), "heteroscedastic");
    let a = args(&hetero);
    let json = run_json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let bf_p = json["assumptions"]["equal_variance"]["p"].as_f64().unwrap();
    let sw_rejects = json["assumptions"]["normality"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["p"].as_f64().is_some_and(|p| p < 0.05));
    let expected_test = if sw_rejects {
        "kruskal"
    } else if bf_p < 0.05 {
        "welch-anova"
    } else {
        "anova"
    };
    assert_eq!(json["omnibus"]["test"], expected_test);
    assert!(
        bf_p < 0.05,
        "the fixture set should have unequal variances (p = {bf_p})"
    );
}

#[test]
fn degenerate_input_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = set_csv(dir.path(), "dunnett1955");
    let d = data.to_str().unwrap();
    let base = [
        "stats", "compare", d, "--value", "value", "--group", "group",
    ];

    let err = stderr_of(&[&base[..], &["--control", "vehicle"]].concat());
    assert!(
        err.contains("no group \"vehicle\"") && err.contains("control, A, B"),
        "{err}"
    );

    let err = stderr_of(&[&base[..], &["--test", "t"]].concat());
    assert!(err.contains("exactly 2 groups, found 3"), "{err}");

    let err = stderr_of(&[&base[..], &["--posthoc", "dunnett"]].concat());
    assert!(err.contains("--control"), "{err}");

    let constant = dir.path().join("constant.csv");
    std::fs::write(&constant, "group,value\nA,5\nA,5\nA,5\nB,5\nB,5\nB,5\n").unwrap();
    let c = constant.to_str().unwrap();
    let err = stderr_of(&[
        "stats",
        "compare",
        c,
        "--value",
        "value",
        "--group",
        "group",
        "--test",
        "anova",
        "--posthoc",
        "tukey",
    ]);
    assert!(err.contains("values that vary"), "{err}");

    let single = dir.path().join("single.csv");
    std::fs::write(&single, "group,value\nA,5\nA,6\nA,7\nB,5\n").unwrap();
    let s = single.to_str().unwrap();
    let err = stderr_of(&[
        "stats",
        "compare",
        s,
        "--value",
        "value",
        "--group",
        "group",
        "--test",
        "welch-anova",
    ]);
    assert!(
        err.contains("needs at least 2 values, but B has 1"),
        "{err}"
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "group,value\nA,5\nA,6\nB,seven\nB,8\n").unwrap();
    let b = bad.to_str().unwrap();
    let err = stderr_of(&[
        "stats", "compare", b, "--value", "value", "--group", "group",
    ]);
    assert!(
        err.contains("row 4") && err.contains("`value`") && err.contains("`seven`"),
        "{err}"
    );

    let err = stderr_of(&[&base[..], &["--alpha", "5"]].concat());
    assert!(err.contains("--alpha"), "{err}");
}

#[test]
fn normality_reports_both_tests_per_group() {
    let dir = tempfile::tempdir().unwrap();
    let data = set_csv(dir.path(), "sw1965");
    let json = run_json(&[
        "stats",
        "normality",
        data.to_str().unwrap(),
        "--value",
        "value",
        "--group",
        "group",
        "--json",
    ]);
    let g = &json["normality"][0];
    assert_eq!(g["group"], "men");
    let w = g["shapiro_wilk"]["statistic"].as_f64().unwrap();
    assert!(rel(w, expected("sw1965", "shapiro", "men", "", "W")) < 1e-9);
    // Shapiro & Wilk (1965), section 5: W = 0.79 for these weights.
    assert!((w - 0.79).abs() < 0.005);
    assert_eq!(g["dagostino_pearson"]["test"], "dagostino-pearson");
    assert!(g["dagostino_pearson"]["p"].as_f64().unwrap() < 0.05);
}

#[test]
fn outliers_are_flagged_by_spreadsheet_row_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("scores.csv");
    let text = "animal,group,immobility_s\nM1,VEH,150\nM2,VEH,152\nM3,VEH,149\nM4,VEH,151\nM5,VEH,153\nM6,VEH,148\nM7,VEH,150\nM8,VEH,240\nM9,IMI,90\nM10,IMI,95\nM11,IMI,92\nM12,IMI,94\n";
    std::fs::write(&data, text).unwrap();
    let d = data.to_str().unwrap();
    for method in ["grubbs", "iqr"] {
        let json = run_json(&[
            "stats",
            "outliers",
            d,
            "--value",
            "immobility_s",
            "--group",
            "group",
            "--method",
            method,
            "--json",
        ]);
        let list = json["outliers"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{method}: {json}");
        assert_eq!(list[0]["row"], 9, "M8 sits on spreadsheet row 9");
        assert_eq!(list[0]["value"], 240.0);
        assert_eq!(json["removed"], false);
    }
    assert_eq!(std::fs::read_to_string(&data).unwrap(), text);
}

/// A small deterministic generator for the property tests.
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

#[test]
fn comparisons_are_invariant_to_shift_scale_and_group_order() {
    let mut rng = Lcg(20261121);
    let tests = [
        (OmnibusTest::Anova, PosthocMethod::Tukey),
        (OmnibusTest::WelchAnova, PosthocMethod::GamesHowell),
        (OmnibusTest::KruskalWallis, PosthocMethod::Dunn),
        (OmnibusTest::BrownForsythe, PosthocMethod::Holm),
    ];
    for case in 0..12 {
        let k = 3 + case % 3;
        let names: Vec<String> = (0..k).map(|i| format!("G{i}")).collect();
        let values: Vec<Vec<f64>> = (0..k)
            .map(|i| {
                let n = 4 + (rng.uniform() * 8.0) as usize;
                (0..n)
                    .map(|_| 100.0 + 5.0 * i as f64 + 10.0 * rng.normal())
                    .collect()
            })
            .collect();
        let (shift, scale) = (1000.0 * rng.normal(), 0.01 + 50.0 * rng.uniform());
        let moved: Vec<Vec<f64>> = values
            .iter()
            .map(|x| x.iter().map(|v| shift + scale * v).collect())
            .collect();
        let order: Vec<usize> = (0..k).rev().collect();
        for (test, method) in tests {
            let options = CompareOptions {
                test: Some(test),
                posthoc: Some(Some(method)),
                ..CompareOptions::default()
            };
            let run = |vals: &[Vec<f64>], idx: &[usize]| {
                let g: Vec<(&str, &[f64])> = idx
                    .iter()
                    .map(|&i| (names[i].as_str(), vals[i].as_slice()))
                    .collect();
                compare(&g, &options).unwrap()
            };
            let identity: Vec<usize> = (0..k).collect();
            let base = run(&values, &identity);
            let scaled = run(&moved, &identity);
            let reordered = run(&values, &order);
            for other in [&scaled, &reordered] {
                let (p0, p1) = (base.omnibus.result.p, other.omnibus.result.p);
                assert!(rel(p1, p0) < 1e-9, "case {case} {test:?}: p {p0} vs {p1}");
                let s0 = base.omnibus.result.statistic;
                assert!(rel(other.omnibus.result.statistic, s0) < 1e-9);
            }
            let post = |c: &preclin::stats::Comparison, a: &str, b: &str| {
                let p = c.posthoc.as_ref().unwrap();
                p.comparisons
                    .iter()
                    .find(|x| (x.a == a && x.b == b) || (x.a == b && x.b == a))
                    .map(|x| (x.p_adj, if x.a == a { x.diff } else { -x.diff }))
                    .unwrap()
            };
            for i in 0..k {
                for j in 0..i {
                    let (a, b) = (names[i].as_str(), names[j].as_str());
                    let (p0, d0) = post(&base, a, b);
                    let (p1, d1) = post(&scaled, a, b);
                    let (p2, d2) = post(&reordered, a, b);
                    assert!(
                        rel(p1, p0) < 1e-9 && rel(p2, p0) < 1e-9,
                        "{method:?} {a}-{b}: {p0} {p1} {p2}"
                    );
                    if method != PosthocMethod::Dunn {
                        assert!(rel(d1, scale * d0) < 1e-9);
                    }
                    assert!(rel(d2, d0) < 1e-12);
                }
            }
        }
    }
}
