//! Inter-observer agreement against R: intraclass correlations by `psych::ICC` and
//! Bland–Altman limits worked in base R, on tests/fixtures/r/agreement-data.csv (values
//! printed by agreement.R into agreement-expected.csv). Relative tolerance 1e-12 (absolute
//! for values near 0); the worst difference seen is 1.0e-15 relative.

use std::path::PathBuf;

use preclin::stats::{bland_altman, intraclass, IccKind};

use crate::common::{csv_rows, rel};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/r")
        .join(name)
}

fn expected(set: &str, statistic: &str) -> Vec<Option<f64>> {
    let rows = csv_rows(&fixture("agreement-expected.csv"));
    let row = rows
        .iter()
        .find(|r| r[0] == set && r[1] == statistic)
        .unwrap_or_else(|| panic!("{set} {statistic} not in the fixture"));
    row[2..].iter().map(|v| v.parse().ok()).collect()
}

fn close(what: &str, got: f64, want: Option<f64>, tol: f64) {
    let want = want.unwrap();
    let err = if want.abs() < 1e-2 {
        (got - want).abs()
    } else {
        rel(got, want)
    };
    assert!(err < tol, "{what}: {got} vs R {want} ({err:e})");
}

#[test]
fn intraclass_correlations_and_limits_of_agreement_agree_with_r() {
    let data = csv_rows(&fixture("agreement-data.csv"));
    for set in ["scored", "biased"] {
        let pairs: Vec<(f64, f64)> = data[1..]
            .iter()
            .filter(|r| r[0] == set)
            .map(|r| (r[2].parse().unwrap(), r[3].parse().unwrap()))
            .collect();
        let scores: Vec<Vec<f64>> = pairs.iter().map(|&(a, b)| vec![a, b]).collect();
        let iccs = intraclass(&scores, 0.95).unwrap();
        for (icc, (name, kind)) in iccs.iter().zip([
            ("ICC1", IccKind::OneWay),
            ("ICC2", IccKind::Absolute),
            ("ICC3", IccKind::Consistency),
        ]) {
            assert_eq!(icc.kind, kind);
            let e = expected(set, name);
            let what = |field: &str| format!("{set} {name} {field}");
            close(&what("value"), icc.value, e[0], 1e-12);
            close(&what("F"), icc.f, e[1], 1e-12);
            close(&what("df1"), icc.df1, e[2], 1e-12);
            close(&what("df2"), icc.df2, e[3], 1e-12);
            close(&what("p"), icc.p, e[4], 1e-12);
            close(&what("lower"), icc.lower, e[5], 1e-12);
            close(&what("upper"), icc.upper, e[6], 1e-12);
        }
        let (first, second): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
        let ba = bland_altman(&first, &second, 0.95).unwrap();
        let bias = expected(set, "bias");
        close(&format!("{set} bias"), ba.bias, bias[0], 1e-12);
        close(&format!("{set} bias CI"), ba.bias_lower, bias[5], 1e-12);
        close(&format!("{set} bias CI"), ba.bias_upper, bias[6], 1e-12);
        assert_eq!(ba.n, pairs.len());
        close(
            &format!("{set} sd"),
            ba.sd,
            expected(set, "sd_difference")[0],
            1e-12,
        );
        let loa = expected(set, "limits_of_agreement");
        close(&format!("{set} lower limit"), ba.lower_limit, loa[5], 1e-12);
        close(&format!("{set} upper limit"), ba.upper_limit, loa[6], 1e-12);
    }
}

#[test]
fn agreement_needs_two_animals_and_two_observers() {
    assert!(intraclass(&[vec![1.0, 2.0]], 0.95).is_err());
    assert!(intraclass(&[vec![1.0], vec![2.0]], 0.95).is_err());
    assert!(intraclass(&[vec![1.0, 2.0], vec![3.0]], 0.95).is_err());
    assert!(intraclass(&[vec![5.0, 5.0], vec![5.0, 5.0]], 0.95).is_err());
    assert!(bland_altman(&[1.0], &[2.0], 0.95).is_err());
    assert!(bland_altman(&[1.0, 2.0], &[2.0], 0.95).is_err());
}

#[test]
fn observers_who_agree_exactly_have_an_icc_of_one() {
    let same = vec![vec![10.0, 10.0], vec![25.0, 25.0], vec![40.0, 40.0]];
    let [one_way, absolute, consistency] = intraclass(&same, 0.95).unwrap();
    for icc in [&one_way, &absolute, &consistency] {
        assert_eq!(icc.value, 1.0, "{icc:?}");
        assert!(icc.f.is_infinite() && icc.p == 0.0, "{icc:?}");
    }
    assert_eq!((consistency.lower, consistency.upper), (1.0, 1.0));
    // One observer is the other plus 2 s: consistent, but not in absolute agreement.
    let shifted: Vec<Vec<f64>> = same.iter().map(|r| vec![r[0], r[1] + 2.0]).collect();
    let [_, absolute, consistency] = intraclass(&shifted, 0.95).unwrap();
    assert_eq!(consistency.value, 1.0);
    // MSR = 2 × var(means) = 2 × 225 = 450, MSC = 3 × 2 = 6 (n = 3, k = 2):
    // ICC(2,1) = 450 / (450 + 2 × 6 / 3) = 450 / 454.
    assert!(
        (absolute.value - 450.0 / 454.0).abs() < 1e-12,
        "{absolute:?}"
    );
    let ba = bland_altman(&[10.0, 25.0, 40.0], &[12.0, 27.0, 42.0], 0.95).unwrap();
    assert_eq!((ba.bias, ba.sd), (2.0, 0.0));
}
