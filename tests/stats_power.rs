//! Power, sample size and the noncentral t and F distributions against R
//! (tests/fixtures/r/power.R → power-expected.csv; `pwr` 1.3-0 on R 4.2.2).
//!
//! Tolerances are relative, 1e-9, unless stated here:
//! - R's noncentral F (`pf` with `ncp`, behind `pwr::pwr.anova.test` and the 2 × 2 power
//!   field `power`) stops its Poisson series at an absolute error bound of 1e-9 and is
//!   always low: on this grid it is 1e-11 to 8e-10 below the true cdf (see power.R). The
//!   fields `power` of designs anova and 2x2 and `cdf@q` of design ncf are therefore held
//!   to 1e-9 absolute. The same quantities summed in full by R (`power_exact`,
//!   `cdf_exact@q`: every Poisson term with R's `pbeta`) are held to 1e-12 relative.
//! - `n_pwr` is the n that `pwr` itself reports, found by `uniroot` at its default
//!   tolerance (~1.2e-4): it is held to 1e-5 relative; `n_exact`, the same root at tol
//!   1e-12, to 1e-9.
//! - R's noncentral t (`pt` with `ncp`, AS 243) has an error bound of 1e-12; values far in
//!   the lower tail, which it computes as 1 − (upper tail), are held to 1e-12 absolute.

use std::collections::BTreeMap;

use preclin::stats::{
    noncentral_f_cdf, noncentral_f_sf, noncentral_t_cdf, noncentral_t_sf, power, sample_size,
    PowerDesign, SampleSize,
};

use crate::common::{csv_rows, rel, root};

/// Relative tolerances against the mpmath values (either tail).
const T_TOL: f64 = 1e-12;
const F_TOL: f64 = 1e-12;

#[test]
fn power_and_sample_size_agree_with_r() {
    let rows = csv_rows(&root().join("tests/fixtures/r/power-expected.csv"));
    assert_eq!(
        rows[0],
        [
            "design",
            "effect",
            "alpha",
            "groups",
            "n",
            "target_power",
            "field",
            "value"
        ]
    );
    let mut worst: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut memo: BTreeMap<String, SampleSize> = BTreeMap::new();
    let mut count = 0;
    for r in &rows[1..] {
        let (design, field) = (r[0].as_str(), r[6].as_str());
        let want: f64 = r[7].parse().unwrap();
        let num = |i: usize| -> f64 { r[i].parse().unwrap() };
        let effect = num(1);
        let (got, rel_tol, abs_tol) = match design {
            "nct" => {
                let q: f64 = field.strip_prefix("cdf@").unwrap().parse().unwrap();
                (noncentral_t_cdf(q, num(4), effect), 1e-9, 1e-12)
            }
            "ncf" => {
                let (name, q) = field.split_once('@').unwrap();
                let got = noncentral_f_cdf(q.parse().unwrap(), num(3), num(4), effect);
                match name {
                    "cdf" => (got, 0.0, 1e-9),
                    "cdf_exact" => (got, 1e-12, 0.0),
                    other => panic!("ncf field {other}"),
                }
            }
            _ => {
                let alpha = num(2);
                let d = match design {
                    "t" => PowerDesign::TwoSampleT,
                    "anova" => PowerDesign::OneWayAnova {
                        groups: r[3].parse().unwrap(),
                    },
                    "2x2" => PowerDesign::Interaction2x2,
                    other => panic!("design {other}"),
                };
                match field {
                    "power" | "power_exact" => {
                        let got = power(d, effect, alpha, num(4)).unwrap();
                        match (design, field) {
                            ("t", _) => (got, 1e-9, 0.0),
                            (_, "power") => (got, 0.0, 1e-9),
                            _ => (got, 1e-12, 0.0),
                        }
                    }
                    "n_exact" | "n_per_group" | "n_pwr" => {
                        let key = format!("{design} {} {} {} {}", r[1], r[2], r[3], r[5]);
                        let s = *memo
                            .entry(key)
                            .or_insert_with(|| sample_size(d, effect, alpha, num(5)).unwrap());
                        match field {
                            "n_exact" => (s.n_exact, 1e-9, 0.0),
                            "n_per_group" => (s.n as f64, 0.0, 0.0),
                            _ => (s.n_exact, 1e-5, 0.0),
                        }
                    }
                    other => panic!("field {other}"),
                }
            }
        };
        count += 1;
        let abs_err = (got - want).abs();
        let rel_err = if want == 0.0 {
            abs_err
        } else {
            abs_err / want.abs()
        };
        let name = format!("{design} {}", field.split('@').next().unwrap());
        let w = worst.entry(name).or_insert((0.0, 0.0));
        *w = (w.0.max(rel_err), w.1.max(abs_err));
        if !(rel_err <= rel_tol || abs_err <= abs_tol) {
            failures.push(format!(
                "{}: got {got:e}, R {want:e} (rel {rel_err:.1e}, abs {abs_err:.1e})",
                r[..7].join(",")
            ));
        }
    }
    for (name, (rel, abs)) in &worst {
        eprintln!("{name:<20} worst relative {rel:.1e}, absolute {abs:.1e}");
    }
    assert!(
        failures.is_empty(),
        "{} of {count} values disagree with R:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count > 700, "{count} values compared");
}

/// Both tails of the noncentral t and F distributions against 20-digit values from mpmath
/// (tests/fixtures/precise/noncentral.py: two independent methods per value, agreeing to
/// 1e-38), down to tails of 1e-83. Each tail is compared relatively.
#[test]
fn noncentral_distributions_match_high_precision_values() {
    let rows = csv_rows(&root().join("tests/fixtures/precise/noncentral.csv"));
    assert_eq!(rows[0], ["dist", "df1", "df2", "ncp", "q", "cdf", "sf"]);
    assert!(rows.len() > 600, "{} rows", rows.len());
    let mut worst: BTreeMap<&str, f64> = BTreeMap::new();
    let mut failures = Vec::new();
    for r in &rows[1..] {
        let num = |i: usize| -> f64 { r[i].parse().unwrap() };
        let (df2, ncp, q, cdf, sf) = (num(2), num(3), num(4), num(5), num(6));
        let (dist, got_cdf, got_sf, tol) = if r[0] == "t" {
            let c = noncentral_t_cdf(q, df2, ncp);
            let s = noncentral_t_sf(q, df2, ncp);
            ("t", c, s, T_TOL)
        } else {
            let df1 = num(1);
            let c = noncentral_f_cdf(q, df1, df2, ncp);
            let s = noncentral_f_sf(q, df1, df2, ncp);
            ("F", c, s, F_TOL)
        };
        let e = rel(got_cdf, cdf).max(rel(got_sf, sf));
        let w = worst.entry(dist).or_insert(0.0);
        *w = w.max(e);
        if e.is_nan() || e > tol {
            failures.push(format!(
                "{}: cdf {got_cdf:e} vs {cdf:e}, sf {got_sf:e} vs {sf:e} (rel {e:.1e})",
                r[..5].join(",")
            ));
        }
    }
    for (dist, e) in &worst {
        eprintln!("noncentral {dist}: worst relative error of either tail {e:.1e}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
