//! Tests of k groups against R (tests/fixtures/r/kgroups.R → kgroups-expected.csv):
//! Welch's ANOVA, Kruskal–Wallis, Brown–Forsythe and Bartlett.

use preclin::stats::{
    bartlett, brown_forsythe_variances, kruskal_wallis, welch_anova, StatsError, TestResult,
};

use crate::common::{csv_rows, fixture_values, rel, root};

#[test]
fn k_group_tests_agree_with_r() {
    let dir = root().join("tests/fixtures/r");
    let data = csv_rows(&dir.join("kgroups-data.csv"));
    let expected = csv_rows(&dir.join("kgroups-expected.csv"));
    assert_eq!(expected.len(), 1 + 6 * 4);
    let mut worst: f64 = 0.0;
    for row in &expected[1..] {
        let set = &row[0];
        let mut names: Vec<&str> = Vec::new();
        for r in data[1..].iter().filter(|r| &r[0] == set) {
            if !names.contains(&r[1].as_str()) {
                names.push(&r[1]);
            }
        }
        let values: Vec<Vec<f64>> = names
            .iter()
            .map(|g| fixture_values(&data, set, g))
            .collect();
        let groups: Vec<(&str, &[f64])> = names
            .iter()
            .copied()
            .zip(values.iter().map(Vec::as_slice))
            .collect();
        let result: TestResult = match row[1].as_str() {
            "welch" => welch_anova(&groups),
            "kruskal" => kruskal_wallis(&groups),
            "brown-forsythe" => brown_forsythe_variances(&groups),
            "bartlett" => bartlett(&groups),
            other => panic!("unknown test {other}"),
        }
        .unwrap();
        let mut pairs = vec![
            ("statistic", result.statistic, &row[2]),
            ("df1", result.df[0], &row[3]),
            ("p", result.p, &row[5]),
        ];
        if !row[4].is_empty() {
            pairs.push(("df2", result.df[1], &row[4]));
        }
        for (what, got, want) in pairs {
            let want: f64 = want.parse().unwrap();
            worst = worst.max(rel(got, want));
            // On `offset` (values near 1e6) R's Welch statistic subtracts means rounded to
            // doubles near 1e6 (~2e-10 off); preclin keeps the differences of means exact.
            let tolerance = if set == "offset" { 1e-9 } else { 1e-12 };
            assert!(
                rel(got, want) <= tolerance,
                "{set} {}: {what} {got} vs R {want} (rel {:.1e})",
                row[1],
                rel(got, want)
            );
        }
    }
    println!("largest relative error vs R over statistics, df and p: {worst:.1e}");
}

#[test]
fn groups_without_spread_are_refused_by_name() {
    let (a, b) = ([4.0, 4.0, 4.0], [1.0, 2.0, 3.0]);
    let err = welch_anova(&[("VEH", &a), ("IMI", &b)]).unwrap_err();
    assert_eq!(
        err,
        StatsError::NoSpread {
            what: "Welch's ANOVA",
            group: "VEH".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "Welch's ANOVA needs values that vary, but all values of VEH are equal"
    );
    assert!(bartlett(&[("VEH", &a), ("IMI", &b)]).is_err());
    assert!(kruskal_wallis(&[("VEH", &a), ("IMI", &a)]).is_err());
}
