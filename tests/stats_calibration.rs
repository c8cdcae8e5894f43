//! Calibration curves against R (tests/fixtures/r/regress.R: `lm` with weights, the
//! prediction-band inversion by `uniroot`, `nls` for the 4PL) and NIST StRD Norris.
//!
//! Tolerance: 1e-9 relative for everything computed in closed form. Back-calculated values
//! and relative errors of standards close to the blank are differences of nearly equal
//! numbers and are held to 1e-9 of the standard's own concentration instead. 4PL
//! parameters come from two independent iterative fits that each stop at a relative offset
//! of ~1e-14; they agree to 1e-8 relative (standard errors too).

use std::collections::BTreeMap;

use preclin::stats::{
    best_weighting, fit_calibration, fit_four_parameter_logistic, inverse_predict, CurveModel,
    Weighting,
};

use crate::common::{csv_rows, lre, rel, root};

struct Set {
    x: Vec<f64>,
    y: Vec<f64>,
    unknowns: Vec<f64>,
}

fn sets() -> BTreeMap<String, Set> {
    let rows = csv_rows(&root().join("tests/fixtures/r/regress-data.csv"));
    let mut sets: BTreeMap<String, Set> = BTreeMap::new();
    for r in &rows[1..] {
        let s = sets.entry(r[0].clone()).or_insert(Set {
            x: vec![],
            y: vec![],
            unknowns: vec![],
        });
        let y: f64 = r[3].parse().unwrap();
        if r[1] == "standard" {
            s.x.push(r[2].parse().unwrap());
            s.y.push(y);
        } else {
            s.unknowns.push(y);
        }
    }
    sets
}

/// (set, model, weights) → field → index → value.
type Expected = BTreeMap<(String, String, String), BTreeMap<(String, String), String>>;

fn expected() -> Expected {
    let rows = csv_rows(&root().join("tests/fixtures/r/regress-expected.csv"));
    let mut out: Expected = BTreeMap::new();
    for r in &rows[1..] {
        out.entry((r[0].clone(), r[1].clone(), r[2].clone()))
            .or_default()
            .insert((r[3].clone(), r[4].clone()), r[5].clone());
    }
    out
}

fn weighting(id: &str) -> Weighting {
    *Weighting::ALL.iter().find(|w| w.id() == id).unwrap()
}

fn check(what: &str, got: Option<f64>, want: &str, scale: f64, tol: f64, worst: &mut f64) {
    if want == "NA" {
        assert!(got.is_none(), "{what}: expected NA, got {got:?}");
        return;
    }
    let want: f64 = want.parse().unwrap();
    let got = got.unwrap_or_else(|| panic!("{what}: expected {want}, got none"));
    let err = if scale > 0.0 {
        (got - want).abs() / scale
    } else {
        rel(got, want)
    };
    *worst = worst.max(err);
    assert!(err < tol, "{what}: {got} vs R {want} (error {err:.2e})");
}

#[test]
fn straight_line_and_quadratic_fits_match_r_lm() {
    let sets = sets();
    let mut worst = 0.0f64;
    let mut checked = 0;
    for ((set, model, weights), fields) in expected() {
        let model = match model.as_str() {
            "linear" => CurveModel::Linear,
            "quadratic" => CurveModel::Quadratic,
            _ => continue,
        };
        if weights.is_empty() {
            continue;
        }
        let s = &sets[&set];
        let fit = fit_calibration(&s.x, &s.y, model, weighting(&weights), 0.95).unwrap();
        let used: Vec<usize> = (0..s.x.len()).filter(|&i| fit.standards[i].used).collect();
        for ((field, index), want) in &fields {
            let what = format!("{set} {} {weights} {field} {index}", model.id());
            let i = index.parse::<usize>().ok().map(|i| i - 1);
            let coef = |k: usize| fit.coefficients.get(k).copied();
            let (got, scale) = match field.as_str() {
                "intercept" => (coef(0), 0.0),
                "slope" => (coef(1), 0.0),
                "quadratic" => (coef(2), 0.0),
                "se_intercept" => (Some(fit.standard_errors[0]), 0.0),
                "se_slope" => (Some(fit.standard_errors[1]), 0.0),
                "se_quadratic" => (Some(fit.standard_errors[2]), 0.0),
                "r_squared" => (Some(fit.r_squared), 0.0),
                "residual_sd" => (Some(fit.residual_sd), 0.0),
                "df_residual" => (Some(fit.df_residual), 0.0),
                "residual_sd_unweighted" => (Some(fit.residual_sd_unweighted), 0.0),
                "lod" => (Some(fit.lod), 0.0),
                "loq" => (Some(fit.loq), 0.0),
                "ci_intercept_lower" => (Some(fit.confidence_intervals[0].0), 0.0),
                "ci_intercept_upper" => (Some(fit.confidence_intervals[0].1), 0.0),
                "ci_slope_lower" => (Some(fit.confidence_intervals[1].0), 0.0),
                "ci_slope_upper" => (Some(fit.confidence_intervals[1].1), 0.0),
                "sum_abs_re_pct" => (Some(fit.sum_abs_relative_error_pct), 0.0),
                "fitted" | "back_calculated" | "relative_error_pct" => {
                    let st = &fit.standards[i.unwrap()];
                    assert!(used.contains(&i.unwrap()), "{what}: standard not used");
                    match field.as_str() {
                        "fitted" => (Some(st.fitted), 0.0),
                        "back_calculated" => (st.back_calculated, st.x.abs().max(1e-3)),
                        _ => (st.relative_error_pct, 1.0),
                    }
                }
                "predicted_x" | "predicted_lower" | "predicted_upper" => {
                    let p = inverse_predict(&fit, s.unknowns[i.unwrap()]);
                    let scale = p.x.unwrap().abs().max(1e-3);
                    match field.as_str() {
                        "predicted_x" => (p.x, scale),
                        "predicted_lower" => (p.lower, scale),
                        _ => (p.upper, scale),
                    }
                }
                other => panic!("unexpected field {other}"),
            };
            check(&what, got, want, scale, 1e-9, &mut worst);
            checked += 1;
        }
        // R leaves the same standards out of a weighted fit.
        let n_fitted = fields.keys().filter(|(f, _)| f == "fitted").count();
        assert_eq!(n_fitted, used.len(), "{set} {weights}");
    }
    assert!(checked > 1000, "only {checked} values checked");
    eprintln!("calibration: {checked} values, worst error {worst:.2e}");
}

#[test]
fn best_weighting_is_the_one_r_finds() {
    let sets = sets();
    for ((set, model, weights), fields) in expected() {
        if model != "linear" || !weights.is_empty() {
            continue;
        }
        let want = &fields[&("best_weights".to_string(), String::new())];
        let s = &sets[&set];
        let (best, fits) = best_weighting(&s.x, &s.y, CurveModel::Linear, 0.95).unwrap();
        assert_eq!(fits[best].weighting.id(), want, "{set}");
    }
}

#[test]
fn four_parameter_logistic_matches_r_nls() {
    let sets = sets();
    let all = expected();
    let key = (
        "lowry-4pl".to_string(),
        "4pl".to_string(),
        "none".to_string(),
    );
    let fields = &all[&key];
    let s = &sets["lowry-4pl"];
    let fit = fit_four_parameter_logistic(&s.x, &s.y, 0.95).unwrap();
    let mut worst = 0.0f64;
    for ((field, index), want) in fields {
        let i = index.parse::<usize>().ok().map(|i| i - 1);
        let what = format!("4pl {field} {index}");
        let (got, scale) = match field.as_str() {
            "a" => (Some(fit.parameters[0]), 0.0),
            "b" => (Some(fit.parameters[1]), 0.0),
            "c" => (Some(fit.parameters[2]), 0.0),
            "d" => (Some(fit.parameters[3]), 0.0),
            "se_a" => (Some(fit.standard_errors[0]), 0.0),
            "se_b" => (Some(fit.standard_errors[1]), 0.0),
            "se_c" => (Some(fit.standard_errors[2]), 0.0),
            "se_d" => (Some(fit.standard_errors[3]), 0.0),
            "residual_sd" => (Some(fit.residual_sd), 0.0),
            "df_residual" => (Some(fit.df_residual), 0.0),
            "fitted" => (Some(fit.fitted[i.unwrap()]), 0.0),
            "back_calculated" => (
                fit.back_calculated[i.unwrap()],
                s.x[i.unwrap()].abs().max(1.0),
            ),
            "relative_error_pct" => (fit.relative_error_pct[i.unwrap()], 1.0),
            "predicted_x" => (fit.concentration(s.unknowns[i.unwrap()]), 0.0),
            other => panic!("unexpected field {other}"),
        };
        check(&what, got, want, scale, 1e-8, &mut worst);
    }
    eprintln!(
        "4PL: worst error {worst:.2e} after {} iterations",
        fit.iterations
    );
}

#[test]
fn norris_matches_nist_certified_values() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/nist/regression/Norris.dat")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (mut x, mut y) = (vec![], vec![]);
    for l in &lines[60..] {
        let v: Vec<f64> = l.split_whitespace().map(|t| t.parse().unwrap()).collect();
        if v.len() == 2 {
            y.push(v[0]);
            x.push(v[1]);
        }
    }
    assert_eq!(x.len(), 36);
    let value = |line: usize, col: usize| -> f64 {
        lines[line - 1]
            .split_whitespace()
            .nth(col)
            .unwrap()
            .parse()
            .unwrap()
    };
    let fit = fit_calibration(&x, &y, CurveModel::Linear, Weighting::None, 0.95).unwrap();
    let checks = [
        ("B0", fit.coefficients[0], value(31, 1)),
        ("B1", fit.coefficients[1], value(32, 1)),
        ("sd B0", fit.standard_errors[0], value(31, 2)),
        ("sd B1", fit.standard_errors[1], value(32, 2)),
        ("residual SD", fit.residual_sd, value(35, 2)),
        ("R²", fit.r_squared, value(37, 1)),
    ];
    for (name, got, certified) in checks {
        let digits = lre(got, certified);
        eprintln!("Norris {name}: LRE {digits:.1}");
        assert!(
            digits >= 10.0,
            "Norris {name}: {got} vs {certified}, LRE {digits:.1}"
        );
    }
}
