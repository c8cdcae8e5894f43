//! Group comparisons against R on the datasets of tests/fixtures/r/compare-data.csv
//! (values printed by compare.R into compare-expected.csv): one-way, Welch and
//! Brown–Forsythe ANOVA, Kruskal–Wallis, Levene–median, Bartlett, Shapiro–Wilk, Tukey,
//! Dunnett, pooled pairwise t with every adjustment, Games–Howell, Dunn, Cohen's d and
//! Hedges' g.
//!
//! Tolerances are relative, 1e-9, unless a method states otherwise here:
//! - Dunnett against `multcomp::glht`: R's `mvtnorm` integrates the multivariate t by
//!   randomised quasi-Monte Carlo and stops at its point budget; its own error estimates
//!   reach 3.2e-7 (k = 4–6) and 3.3e-6 (k = 10) in adjusted p, and its critical value is
//!   off by up to ~1e-5 of the interval's half-width (see compare.R). Adjusted p values are
//!   held to 5e-6 absolute and limits to 2e-5 of the half-width. The tight check is against
//!   the same product-correlation integral done by R's `integrate()` at rel.tol 1e-12
//!   (compare-dunnett-expected.csv, method `dunnett-integral`): 1e-8 relative.
//! - Tukey and Games–Howell adjusted p against R's `ptukey`: `ptukey` uses a fixed 16-point
//!   Gauss–Legendre rule and is itself inexact — about 1e-9 absolute for Tukey's integer df,
//!   up to ~9e-7 absolute at the small fractional df of Games–Howell, and 0 or noise in the
//!   far tail (it returns 1 − cdf). Tukey p is held to 1e-8 and Games–Howell p to 1e-6
//!   absolute; interval limits, which go through `qtukey` (accurate to ~4 digits by R's own
//!   documentation), to 1e-4 of the half-width. preclin's studentized range itself is
//!   checked to 1e-10 against 20-digit mpmath values in `stats_distributions.rs`, and the
//!   worst Games–Howell rows here against mpmath in `games_howell_worst_rows_agree_with_mpmath`.

use std::collections::BTreeMap;

use preclin::stats::{
    bartlett, brown_forsythe_means, brown_forsythe_variances, eta_squared, kruskal_wallis,
    omega_squared, one_way_anova, posthoc, shapiro_wilk, standardised_difference, welch_anova,
    Adjustment, PosthocMethod,
};

use crate::common::{csv_rows, fixture_values, root};

struct Check {
    /// Largest relative and absolute error per method and field.
    worst: BTreeMap<String, (f64, f64)>,
    failures: Vec<String>,
    count: usize,
}

impl Check {
    fn new() -> Self {
        Check {
            worst: BTreeMap::new(),
            failures: Vec::new(),
            count: 0,
        }
    }

    /// Passes when `got` is within `rel_tol` of `expected` relatively or `abs_tol` absolutely.
    fn value(&mut self, key: &str, got: f64, expected: f64, rel_tol: f64, abs_tol: f64) {
        self.count += 1;
        let abs_err = (got - expected).abs();
        let rel_err = if expected == 0.0 {
            abs_err
        } else {
            abs_err / expected.abs()
        };
        let method = key.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let e = self.worst.entry(method).or_insert((0.0, 0.0));
        *e = (e.0.max(rel_err), e.1.max(abs_err));
        if !(rel_err <= rel_tol || abs_err <= abs_tol) || got.is_nan() {
            self.failures.push(format!(
                "{key}: got {got:e}, R {expected:e} (rel {rel_err:.1e})"
            ));
        }
    }
}

type Groups = Vec<(String, Vec<f64>)>;

fn sets() -> (Vec<String>, BTreeMap<String, Groups>) {
    let data = csv_rows(&root().join("tests/fixtures/r/compare-data.csv"));
    let mut order = Vec::new();
    let mut sets: BTreeMap<String, Groups> = BTreeMap::new();
    for r in &data[1..] {
        let groups = sets.entry(r[0].clone()).or_default();
        if groups.is_empty() {
            order.push(r[0].clone());
        }
        if !groups.iter().any(|(g, _)| g == &r[1]) {
            let values = fixture_values(&data, &r[0], &r[1]);
            groups.push((r[1].clone(), values));
        }
    }
    (order, sets)
}

fn method_of(name: &str) -> (PosthocMethod, Option<usize>, Adjustment) {
    match name {
        "tukey" => (PosthocMethod::Tukey, None, Adjustment::None),
        "dunnett" => (PosthocMethod::Dunnett, Some(0), Adjustment::None),
        "games-howell" => (PosthocMethod::GamesHowell, None, Adjustment::None),
        "dunn" => (PosthocMethod::Dunn, None, Adjustment::Bonferroni),
        "dunn-control" => (PosthocMethod::Dunn, Some(0), Adjustment::Bonferroni),
        _ => (PosthocMethod::Lsd, None, Adjustment::None),
    }
}

#[test]
fn group_comparisons_agree_with_r() {
    let (order, sets) = sets();
    assert!(order.len() >= 25, "{} datasets", order.len());
    let expected = csv_rows(&root().join("tests/fixtures/r/compare-expected.csv"));
    assert_eq!(expected[0], ["set", "method", "a", "b", "field", "value"]);
    let mut check = Check::new();
    // Post hoc results are computed once per set and method, not once per field.
    let mut memo: BTreeMap<String, preclin::stats::Posthoc> = BTreeMap::new();
    for row in &expected[1..] {
        let (set, method, a, b, field) = (&row[0], &row[1], &row[2], &row[3], &row[4]);
        let want: f64 = row[5].parse().unwrap();
        let groups = &sets[set];
        let named: Vec<(&str, &[f64])> = groups
            .iter()
            .map(|(g, x)| (g.as_str(), x.as_slice()))
            .collect();
        let key = format!("{method} {field} [{set} {a} {b}]");
        let tol = 1e-9;
        match method.as_str() {
            "anova" => {
                let r = one_way_anova(&named).unwrap();
                let got = match field.as_str() {
                    "F" => r.f,
                    "df1" => r.df_between,
                    "df2" => r.df_within,
                    "p" => r.p,
                    "ss_between" => r.ss_between,
                    "ss_within" => r.ss_within,
                    "ms_between" => r.ms_between,
                    "ms_within" => r.ms_within,
                    "eta_sq" => eta_squared(&r),
                    "omega_sq" => omega_squared(&r),
                    other => panic!("anova field {other}"),
                };
                check.value(&key, got, want, tol, 0.0);
            }
            "welch-anova" | "brown-forsythe-anova" | "kruskal" | "levene-median" | "bartlett" => {
                let r = match method.as_str() {
                    "welch-anova" => welch_anova(&named),
                    "brown-forsythe-anova" => brown_forsythe_means(&named),
                    "kruskal" => kruskal_wallis(&named),
                    "levene-median" => brown_forsythe_variances(&named),
                    _ => bartlett(&named),
                }
                .unwrap();
                let got = match field.as_str() {
                    "F" | "H" | "K2" => r.statistic,
                    "df1" | "df" => r.df[0],
                    "df2" => r.df[1],
                    "p" => r.p,
                    other => panic!("{method} field {other}"),
                };
                check.value(&key, got, want, tol, 0.0);
            }
            "shapiro" => {
                let x = &groups.iter().find(|(g, _)| g == a).unwrap().1;
                let r = shapiro_wilk(a, x).unwrap();
                let got = if field == "W" { r.statistic } else { r.p };
                check.value(&key, got, want, tol, 0.0);
            }
            "cohen" => {
                let d = standardised_difference(named[1], named[0], 0.95).unwrap();
                let got = if field == "d" { d.cohens_d } else { d.hedges_g };
                check.value(&key, got, want, tol, 0.0);
            }
            "tukey" | "dunnett" | "games-howell" | "pairwise" | "dunn" | "dunn-control" => {
                let (m, control, adjust) = method_of(method);
                let m = match (method.as_str(), field.as_str()) {
                    ("pairwise", "p_bonferroni") => PosthocMethod::Bonferroni,
                    ("pairwise", "p_holm") => PosthocMethod::Holm,
                    ("pairwise", "p_bh") => PosthocMethod::BenjaminiHochberg,
                    ("pairwise", "p_sidak") => PosthocMethod::Sidak,
                    ("pairwise", "p_holm_sidak") => PosthocMethod::HolmSidak,
                    _ => m,
                };
                let adjust = if field == "p_holm" && method.starts_with("dunn") {
                    Adjustment::Holm
                } else {
                    adjust
                };
                let memo_key = format!("{set}|{m:?}|{control:?}|{adjust:?}");
                let r = memo
                    .entry(memo_key)
                    .or_insert_with(|| posthoc(&named, m, control, 0.05, adjust).unwrap());
                let c = r
                    .comparisons
                    .iter()
                    .find(|c| &c.a == a && &c.b == b)
                    .unwrap_or_else(|| panic!("no comparison {a} − {b} in {set}"));
                let (lo, hi) = c.ci.unwrap_or((f64::NAN, f64::NAN));
                let half = (hi - lo) / 2.0;
                let (got, rel_tol, abs_tol) = match (method.as_str(), field.as_str()) {
                    (_, "diff") => (c.diff, tol, 0.0),
                    ("dunnett", "p_adj") => (c.p_adj, tol, 5e-6),
                    ("dunnett", "lwr" | "upr") => {
                        (if field == "lwr" { lo } else { hi }, tol, 2e-5 * half)
                    }
                    ("tukey", "p_adj") => (c.p_adj, tol, 1e-8),
                    ("games-howell", "p_adj") => (c.p_adj, tol, 1e-6),
                    ("tukey" | "games-howell", "lwr" | "upr") => {
                        (if field == "lwr" { lo } else { hi }, tol, 1e-4 * half)
                    }
                    ("tukey", "q") => (c.statistic, tol, 0.0),
                    ("games-howell", "t") => (
                        c.statistic / std::f64::consts::SQRT_2 * c.diff.signum(),
                        tol,
                        0.0,
                    ),
                    (_, "t" | "z") => (c.statistic, tol, 0.0),
                    (_, "df") => (c.df, tol, 0.0),
                    (_, "lwr") => (lo, tol, 0.0),
                    (_, "upr") => (hi, tol, 0.0),
                    (_, "p") => (c.p, tol, 0.0),
                    (_, _) => (c.p_adj, tol, 0.0),
                };
                check.value(&key, got, want, rel_tol, abs_tol);
            }
            other => panic!("unknown method {other}"),
        }
    }
    for (method, (rel, abs)) in &check.worst {
        eprintln!("{method:<36} worst relative {rel:.1e}, absolute {abs:.1e}");
    }
    assert!(
        check.failures.is_empty(),
        "{} of {} values disagree with R:\n{}",
        check.failures.len(),
        check.count,
        check.failures.join("\n")
    );
    assert!(check.count > 2000, "{} values compared", check.count);
}

/// The Games–Howell rows where R's `ptukey` is furthest off, against the studentized range
/// integral in mpmath at 30 digits (`mp_ptukey` of tests/fixtures/precise/studentized_range.py
/// with q = t·√2 and the pair's Welch df): R gives 6.934384e-4 and 0.2108865.
#[test]
fn games_howell_worst_rows_agree_with_mpmath() {
    let (_, sets) = sets();
    for (set, a, b, mpmath) in [
        ("dose-range-10", "d9", "d1", 6.942_610_431_138_24e-4),
        ("small-group", "a", "control", 0.210_885_594_570_807),
    ] {
        let named: Vec<(&str, &[f64])> = sets[set]
            .iter()
            .map(|(g, x)| (g.as_str(), x.as_slice()))
            .collect();
        let r = posthoc(
            &named,
            PosthocMethod::GamesHowell,
            None,
            0.05,
            Adjustment::None,
        )
        .unwrap();
        let c = r.comparisons.iter().find(|c| c.a == a && c.b == b).unwrap();
        assert!(
            ((c.p_adj - mpmath) / mpmath).abs() < 1e-10,
            "{set} {a}-{b}: {}",
            c.p_adj
        );
    }
}

/// Dunnett's adjusted p values and simultaneous limits against the product-correlation
/// integral computed by R's `integrate()` at rel.tol 1e-12 (compare-dunnett-expected.csv).
#[test]
fn dunnett_agrees_with_the_r_integral() {
    let (_, sets) = sets();
    let expected = csv_rows(&root().join("tests/fixtures/r/compare-dunnett-expected.csv"));
    let mut memo: BTreeMap<String, preclin::stats::Posthoc> = BTreeMap::new();
    let mut worst: f64 = 0.0;
    let mut count = 0;
    for row in expected[1..].iter().filter(|r| r[1] == "dunnett-integral") {
        let (set, a, field) = (&row[0], &row[2], &row[4]);
        let want: f64 = row[5].parse().unwrap();
        let r = memo.entry(set.clone()).or_insert_with(|| {
            let named: Vec<(&str, &[f64])> = sets[set]
                .iter()
                .map(|(g, x)| (g.as_str(), x.as_slice()))
                .collect();
            posthoc(
                &named,
                PosthocMethod::Dunnett,
                Some(0),
                0.05,
                Adjustment::None,
            )
            .unwrap()
        });
        let c = r.comparisons.iter().find(|c| &c.a == a).unwrap();
        let (lo, hi) = c.ci.unwrap();
        let got = match field.as_str() {
            "p_adj" => c.p_adj,
            "lwr" => lo,
            "upr" => hi,
            "calpha" => (hi - lo) / 2.0 / c.se,
            other => panic!("field {other}"),
        };
        let e = ((got - want) / want).abs();
        worst = worst.max(e);
        count += 1;
        assert!(
            e < 1e-8,
            "{set} {a} {field}: {got:e} vs R {want:e} (rel {e:.1e})"
        );
    }
    eprintln!("Dunnett vs R integral: {count} values, worst relative {worst:.1e}");
    assert!(count >= 250);
}

/// D'Agostino–Pearson K² against scipy.stats.normaltest (tests/fixtures/scipy/normaltest.py).
#[test]
fn dagostino_pearson_agrees_with_scipy() {
    let (_, sets) = sets();
    let expected = csv_rows(&root().join("tests/fixtures/scipy/normaltest-expected.csv"));
    assert!(expected.len() > 50);
    for row in &expected[1..] {
        let x = &sets[&row[0]].iter().find(|(g, _)| g == &row[1]).unwrap().1;
        let r = preclin::stats::dagostino_pearson(&row[1], x).unwrap();
        let (k2, p): (f64, f64) = (row[2].parse().unwrap(), row[3].parse().unwrap());
        let (ek, ep) = (((r.statistic - k2) / k2).abs(), ((r.p - p) / p).abs());
        assert!(
            ek < 1e-9 && ep < 1e-9,
            "{} {}: K² {} vs {k2}, p {} vs {p}",
            row[0],
            row[1],
            r.statistic,
            r.p
        );
    }
}
