//! Two-sample t tests against R's `t.test` (tests/fixtures/r/ttest.R → ttest-expected.csv).

use preclin::stats::{two_sample_t, TTestKind};

use crate::common::{csv_rows, root};

/// Relative difference, or absolute when the reference is 0.
fn rel(a: f64, e: f64) -> f64 {
    if e == 0.0 {
        a.abs()
    } else {
        ((a - e) / e).abs()
    }
}

#[test]
fn student_and_welch_agree_with_r() {
    let dir = root().join("tests/fixtures/r");
    let data = csv_rows(&dir.join("ttest-data.csv"));
    let values = |set: &str, group: &str| -> Vec<f64> {
        data[1..]
            .iter()
            .filter(|r| r[0] == set && r[1] == group)
            .map(|r| r[2].parse().unwrap())
            .collect()
    };
    let expected = csv_rows(&dir.join("ttest-expected.csv"));
    assert_eq!(expected.len(), 13);
    let mut worst = [0f64; 6];
    for row in &expected[1..] {
        let (set, kind) = (
            &row[0],
            if row[1] == "student" {
                TTestKind::Student
            } else {
                TTestKind::Welch
            },
        );
        let e: Vec<f64> = row[2..].iter().map(|v| v.parse().unwrap()).collect();
        let r = two_sample_t(("a", &values(set, "a")), ("b", &values(set, "b")), kind).unwrap();
        let got = [r.t, r.df, r.p, r.diff, r.ci95.0, r.ci95.1];
        for i in 0..6 {
            worst[i] = worst[i].max(rel(got[i], e[i]));
        }
        // t, df, difference and CI to 1e-13 relative; p to 1e-12 (down to 7.9e-64).
        for (i, (name, tolerance)) in [
            ("t", 1e-11),
            ("df", 1e-11),
            ("p", 1e-9),
            ("diff", 1e-11),
            ("ci low", 1e-11),
            ("ci high", 1e-11),
        ]
        .iter()
        .enumerate()
        {
            assert!(
                rel(got[i], e[i]) <= *tolerance,
                "{set} {}: {name} {} vs R {} (rel {:.1e})",
                row[1],
                got[i],
                e[i],
                rel(got[i], e[i])
            );
        }
    }
    println!("largest relative error vs R: t, df, p, diff, CI low, CI high = {worst:?}");
}

#[test]
fn a_group_of_one_is_refused() {
    let err = two_sample_t(("VEH", &[1.0, 2.0]), ("IMI", &[3.0]), TTestKind::Welch).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a t test needs at least 2 values, but IMI has 1"
    );
}
