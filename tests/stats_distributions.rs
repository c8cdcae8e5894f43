//! The studentized range and Dunnett distributions against high-precision values computed
//! with mpmath (tests/fixtures/precise/*.py → *.csv, 20 significant digits, verified at two
//! working precisions). Both tails are compared relatively, so far-tail p values count;
//! quantiles must round-trip.

use preclin::stats::{
    dunnett_cdf, dunnett_lambdas, dunnett_quantile, dunnett_sf, studentized_range_cdf,
    studentized_range_quantile, studentized_range_sf,
};

use crate::common::{csv_rows, rel, root};

fn df_of(s: &str) -> f64 {
    if s == "inf" {
        f64::INFINITY
    } else {
        s.parse().unwrap()
    }
}

/// Relative error of a probability, judged on the smaller of the two tails it fixes.
fn tail_error(got_cdf: f64, got_sf: f64, cdf: f64, sf: f64) -> f64 {
    if cdf < sf {
        rel(got_cdf, cdf)
    } else {
        rel(got_sf, sf)
    }
}

#[test]
fn studentized_range_matches_high_precision_values() {
    let rows = csv_rows(&root().join("tests/fixtures/precise/ptukey.csv"));
    assert_eq!(rows[0], ["k", "df", "q", "cdf", "sf"]);
    assert!(rows.len() > 300, "{} rows", rows.len());
    let mut worst: f64 = 0.0;
    let mut worst_abs: f64 = 0.0;
    let mut failures = Vec::new();
    for r in &rows[1..] {
        let k: usize = r[0].parse().unwrap();
        let df = df_of(&r[1]);
        let q: f64 = r[2].parse().unwrap();
        let (cdf, sf): (f64, f64) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        let (gc, gs) = (
            studentized_range_cdf(q, k, df),
            studentized_range_sf(q, k, df),
        );
        let e = tail_error(gc, gs, cdf, sf);
        worst = worst.max(e);
        worst_abs = worst_abs.max((gc - cdf).abs()).max((gs - sf).abs());
        // 1e-10 relative on the smaller tail, which is at least as strict as 1e-10 absolute.
        if e > 1e-10 || gc.is_nan() {
            failures.push(format!(
                "k={k} df={df} q={q}: cdf {gc:e} vs {cdf:e}, sf {gs:e} vs {sf:e}"
            ));
        }
    }
    eprintln!("studentized range: worst relative error {worst:.1e}, absolute {worst_abs:.1e}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn studentized_range_quantiles_round_trip() {
    for k in [2, 3, 5, 10, 20] {
        for df in [2.0, 5.0, 10.0, 30.0, 120.0, f64::INFINITY] {
            for p in [0.01, 0.5, 0.9, 0.95, 0.99, 0.999] {
                let q = studentized_range_quantile(p, k, df);
                let back = if p > 0.5 {
                    1.0 - studentized_range_sf(q, k, df)
                } else {
                    studentized_range_cdf(q, k, df)
                };
                assert!(
                    (back - p).abs() < 1e-10,
                    "k={k} df={df} p={p}: q={q} gives {back}"
                );
            }
        }
    }
    // Table value (Harter 1960; Lund & Lund 1983): q(0.95; 3, 10) = 3.877.
    assert!((studentized_range_quantile(0.95, 3, 10.0) - 3.877).abs() < 5e-4);
}
#[test]
fn dunnett_matches_high_precision_values() {
    let rows = csv_rows(&root().join("tests/fixtures/precise/dunnett.csv"));
    assert_eq!(rows[0], ["case", "n0", "n", "df", "c", "cdf", "sf"]);
    let mut worst: f64 = 0.0;
    let mut failures = Vec::new();
    for r in &rows[1..] {
        let n0: usize = r[1].parse().unwrap();
        let sizes: Vec<usize> = r[2].split(';').map(|x| x.parse().unwrap()).collect();
        let df = df_of(&r[3]);
        let c: f64 = r[4].parse().unwrap();
        let (cdf, sf): (f64, f64) = (r[5].parse().unwrap(), r[6].parse().unwrap());
        let l = dunnett_lambdas(n0, &sizes);
        let (gc, gs) = (dunnett_cdf(c, &l, df), dunnett_sf(c, &l, df));
        let e = tail_error(gc, gs, cdf, sf);
        worst = worst.max(e);
        if e > 1e-10 || gc.is_nan() {
            failures.push(format!(
                "{} c={c}: cdf {gc:e} vs {cdf:e}, sf {gs:e} vs {sf:e}",
                r[0]
            ));
        }
    }
    eprintln!("Dunnett: worst relative error {worst:.1e}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The critical value round-trips.
    let l = dunnett_lambdas(6, &[4, 5]);
    let c = dunnett_quantile(0.95, &l, 12.0);
    assert!((dunnett_cdf(c, &l, 12.0) - 0.95).abs() < 1e-12);
}
