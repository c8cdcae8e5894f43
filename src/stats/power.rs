//! Statistical power and sample size for the designs of a typical preclinical study
//! (Cohen 1988, *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.): the
//! two-sample t test (Cohen's d, ch. 2), the one-way ANOVA (Cohen's f, ch. 8) and the
//! interaction of a 2 × 2 between-subjects design (Cohen's f, §8.3.4), each with n
//! subjects per group (per cell).
//!
//! Power is the upper tail of the noncentral F distribution beyond the central critical
//! value, as R's `pwr` package computes it. The two-sided t test is the case df1 = 1:
//! T² with T noncentral t (ν, δ) is noncentral F (1, ν, δ²), so P(|T| > t_{α/2}) — both
//! tails, as `pwr::pwr.t.test` counts them — is P(F > t²_{α/2}).

use super::distributions::{beta_tails, brent_root, poisson_probability};
use super::StatsError;

/// A design whose power is computed, with n subjects per group (per cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerDesign {
    /// Two-sided two-sample t test with Cohen's d: δ = d·√(n/2), ν = 2n − 2
    /// (R: `pwr::pwr.t.test(type = "two.sample")`).
    TwoSampleT,
    /// One-way ANOVA of `groups` groups with Cohen's f: λ = k·n·f², df = (k − 1, k(n − 1))
    /// (R: `pwr::pwr.anova.test`).
    OneWayAnova { groups: usize },
    /// The interaction of a 2 × 2 between-subjects design with Cohen's f:
    /// λ = 4·n·f², df = (1, 4(n − 1)).
    Interaction2x2,
}

impl PowerDesign {
    fn what(self) -> &'static str {
        match self {
            PowerDesign::TwoSampleT => "the power of the two-sample t test",
            PowerDesign::OneWayAnova { .. } => "the power of the one-way ANOVA",
            PowerDesign::Interaction2x2 => "the power of the 2 × 2 interaction",
        }
    }

    /// Numerator and denominator df and noncentrality λ at n per group.
    fn parameters(self, effect: f64, n: f64) -> (f64, f64, f64) {
        match self {
            PowerDesign::TwoSampleT => (1.0, 2.0 * n - 2.0, effect * effect * n / 2.0),
            PowerDesign::OneWayAnova { groups } => {
                let k = groups as f64;
                (k - 1.0, k * (n - 1.0), k * n * effect * effect)
            }
            PowerDesign::Interaction2x2 => (1.0, 4.0 * (n - 1.0), 4.0 * n * effect * effect),
        }
    }
}

/// The sample size that reaches a target power.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleSize {
    /// The fractional n per group at which the power equals the target (the `n` that R's
    /// `pwr` functions report). When even the smallest allowed n (2) exceeds the target,
    /// this is 2.
    pub n_exact: f64,
    /// The smallest whole n per group whose power reaches the target.
    pub n: usize,
    /// The power at `n`.
    pub power: f64,
}

/// Both tails (P(F ≤ f), P(F > f)) of the noncentral F distribution as Poisson mixtures
/// of incomplete beta functions (Johnson, Kotz & Balakrishnan 1995, *Continuous
/// Univariate Distributions*, vol. 2, 2nd ed., eq. 30.10): with x = df1·f/(df1·f + df2),
/// P(F ≤ f) = Σⱼ Pois(j; λ/2)·I_x(df1/2 + j, df2/2). The sums start at the Poisson mode
/// and run outward until the rest, bounded by a geometric series, is below 1e-17 of the
/// sum, so both tails keep full relative accuracy.
fn noncentral_f_tails(f: f64, df1: f64, df2: f64, ncp: f64) -> (f64, f64) {
    let valid = df1 > 0.0 && df2 > 0.0 && df2.is_finite() && df1.is_finite();
    if f.is_nan() || !valid || ncp.is_nan() || ncp < 0.0 || ncp.is_infinite() {
        return (f64::NAN, f64::NAN);
    }
    if f <= 0.0 {
        return (0.0, 1.0);
    }
    if f.is_infinite() {
        return (1.0, 0.0);
    }
    let denominator = df1 * f + df2;
    let (x, y) = (df1 * f / denominator, df2 / denominator);
    let (a, b) = (df1 / 2.0, df2 / 2.0);
    let mu = ncp / 2.0;
    let mode = mu.floor();
    let w_mode = poisson_probability(mode, mu);
    let (mut cdf, mut sf) = beta_tails(a + mode, b, x, y);
    cdf *= w_mode;
    sf *= w_mode;
    const REL: f64 = 1e-17;
    // Upward: I_x(a + j, b) falls with j, its complement rises to at most 1.
    let mut w = w_mode;
    let mut j = mode;
    while j < mode + 1e6 {
        w *= mu / (j + 1.0);
        j += 1.0;
        let (lo, hi) = beta_tails(a + j, b, x, y);
        cdf += w * lo;
        sf += w * hi;
        let rest = w * mu / (j + 1.0 - mu);
        if rest * lo <= REL * cdf && rest <= REL * sf || w == 0.0 {
            break;
        }
    }
    // Downward: I_x(a + j, b) rises as j falls (to at most 1), its complement falls.
    let mut w = w_mode;
    let mut j = mode;
    while j > 0.0 {
        w *= j / mu;
        j -= 1.0;
        let (lo, hi) = beta_tails(a + j, b, x, y);
        cdf += w * lo;
        sf += w * hi;
        let ratio = j / mu;
        let rest = if ratio < 1.0 {
            w * ratio / (1.0 - ratio)
        } else {
            f64::INFINITY
        };
        if rest <= REL * cdf && rest * hi <= REL * sf || w == 0.0 {
            break;
        }
    }
    (cdf.min(1.0), sf.min(1.0))
}

/// P(F ≤ f) for the noncentral F distribution with df1, df2 degrees of freedom and
/// noncentrality λ (R: `pf(f, df1, df2, ncp)`); NaN for invalid parameters.
pub fn noncentral_f_cdf(f: f64, df1: f64, df2: f64, ncp: f64) -> f64 {
    noncentral_f_tails(f, df1, df2, ncp).0
}

/// P(F > f) for the noncentral F distribution (R: `pf(f, df1, df2, ncp, lower.tail =
/// FALSE)`), computed directly so that small tails keep their relative accuracy.
pub fn noncentral_f_sf(f: f64, df1: f64, df2: f64, ncp: f64) -> f64 {
    noncentral_f_tails(f, df1, df2, ncp).1
}

/// The upper-α critical value of the central F distribution, by Brent's method on ln f.
fn f_critical(alpha: f64, df1: f64, df2: f64) -> f64 {
    let g = |s: f64| alpha - noncentral_f_sf(s.exp(), df1, df2, 0.0);
    let (mut lo, mut hi) = (-1.0, 1.0);
    while g(lo) > 0.0 && lo > -700.0 {
        hi = lo;
        lo -= 4.0;
    }
    while g(hi) < 0.0 && hi < 700.0 {
        lo = hi;
        hi += 4.0;
    }
    brent_root(g, lo, hi, 1e-15).exp()
}

fn out_of_range(
    what: &'static str,
    name: &'static str,
    expected: &'static str,
    value: f64,
) -> StatsError {
    StatsError::OutOfRange {
        what,
        name,
        expected,
        value,
    }
}

fn check_inputs(design: PowerDesign, effect: f64, alpha: f64) -> Result<(), StatsError> {
    let what = design.what();
    if let PowerDesign::OneWayAnova { groups } = design {
        if groups < 2 {
            return Err(StatsError::TooFewGroups {
                what,
                needed: 2,
                found: groups,
            });
        }
    }
    if !(effect > 0.0 && effect.is_finite()) {
        return Err(out_of_range(
            what,
            "the effect size",
            "a positive number",
            effect,
        ));
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(out_of_range(
            what,
            "alpha",
            "between 0 and 1 (exclusive)",
            alpha,
        ));
    }
    Ok(())
}

/// Power at n per group, without checks (n > 1).
fn power_unchecked(design: PowerDesign, effect: f64, alpha: f64, n: f64) -> f64 {
    let (df1, df2, ncp) = design.parameters(effect, n);
    noncentral_f_sf(f_critical(alpha, df1, df2), df1, df2, ncp)
}

/// The power of `design` to detect an effect of size `effect` (Cohen's d for the t test,
/// Cohen's f otherwise) at level `alpha` with `n_per_group` subjects per group (per cell;
/// fractional n is allowed, as in `pwr`). n must be at least 2.
pub fn power(
    design: PowerDesign,
    effect: f64,
    alpha: f64,
    n_per_group: f64,
) -> Result<f64, StatsError> {
    check_inputs(design, effect, alpha)?;
    if !(n_per_group >= 2.0 && n_per_group.is_finite()) {
        return Err(out_of_range(
            design.what(),
            "n per group",
            "at least 2",
            n_per_group,
        ));
    }
    Ok(power_unchecked(design, effect, alpha, n_per_group))
}

/// The n per group at which `design` reaches `target_power` for an effect of size
/// `effect` at level `alpha`: the fractional root of power(n) = target by Brent's method
/// (what R's `pwr` reports, there by `uniroot`), and the smallest whole n (≥ 2) reaching
/// the target, with the power it achieves.
pub fn sample_size(
    design: PowerDesign,
    effect: f64,
    alpha: f64,
    target_power: f64,
) -> Result<SampleSize, StatsError> {
    check_inputs(design, effect, alpha)?;
    let what = design.what();
    if !(target_power > 0.0 && target_power < 1.0) {
        return Err(out_of_range(
            what,
            "the target power",
            "between 0 and 1 (exclusive)",
            target_power,
        ));
    }
    const LIMIT: f64 = 1e9;
    let g = |n: f64| power_unchecked(design, effect, alpha, n) - target_power;
    let at_two = g(2.0);
    let n_exact = if at_two >= 0.0 {
        2.0
    } else {
        let (mut lo, mut hi) = (2.0, 4.0);
        while g(hi) < 0.0 {
            if hi >= LIMIT {
                return Err(StatsError::SampleTooLarge { what, limit: LIMIT });
            }
            lo = hi;
            hi *= 2.0;
        }
        brent_root(g, lo, hi, 1e-13 * hi)
    };
    // The smallest whole n at or above the root; one step down guards against a root
    // that lands a rounding error above a whole number.
    let mut n = n_exact.ceil().max(2.0);
    if n > 2.0 && g(n - 1.0) >= 0.0 {
        n -= 1.0;
    }
    while g(n) < 0.0 {
        n += 1.0;
    }
    Ok(SampleSize {
        n_exact,
        n: n as usize,
        power: power_unchecked(design, effect, alpha, n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::distributions::f_sf;

    #[test]
    fn central_case_matches_the_f_distribution() {
        for (f, d1, d2) in [(0.5, 1.0, 10.0), (3.2, 3.0, 27.0), (8.0, 5.0, 4.0)] {
            let ours = noncentral_f_sf(f, d1, d2, 0.0);
            let reference = f_sf(f, d1, d2);
            assert!(
                ((ours - reference) / reference).abs() < 1e-12,
                "{ours} {reference}"
            );
            let total = ours + noncentral_f_cdf(f, d1, d2, 0.0);
            assert!((total - 1.0).abs() < 1e-15);
        }
        // mpmath at 40 digits (Poisson-weighted betainc): R's pf() with ncp, which stops
        // at an absolute error bound of 1e-9, gives 0.9526196280471882, 0.2258511214258126
        // and 2.490610331992456e-67.
        for (got, exact) in [
            (
                noncentral_f_sf(4.0, 3.0, 40.0, 25.0),
                0.952_619_627_763_318_3,
            ),
            (
                noncentral_f_cdf(1.0, 1.0, 10.0, 3.0),
                0.225_851_121_512_604_55,
            ),
            (
                noncentral_f_cdf(30.0, 4.0, 200.0, 900.0),
                9.837_373_597_622_906e-62,
            ),
        ] {
            assert!(((got - exact) / exact).abs() < 1e-13, "{got} vs {exact}");
        }
        // R: qf(0.95, 1, 10)= 4.964602743730711 = qt(0.975, 10)^2
        let q = f_critical(0.05, 1.0, 10.0);
        assert!(
            (q - 2.228_138_851_986_274f64.powi(2)).abs() < 1e-13 * q,
            "{q}"
        );
    }

    #[test]
    fn tails_add_to_one() {
        for (f, d1, d2, ncp) in [
            (1.0, 1.0, 10.0, 3.0),
            (4.0, 3.0, 40.0, 25.0),
            (2.0, 2.0, 6.0, 0.3),
            (30.0, 4.0, 200.0, 900.0),
        ] {
            let (c, s) = noncentral_f_tails(f, d1, d2, ncp);
            assert!((c + s - 1.0).abs() < 1e-14, "{c} + {s}");
        }
    }

    #[test]
    fn power_agrees_with_cohens_tables() {
        // Cohen (1988), Table 2.3.5: d = 0.5, α = 0.05 two-sided, n = 64 per group → 0.80
        // (R: pwr.t.test(n = 64, d = 0.5)$power = 0.8014596).
        let p = power(PowerDesign::TwoSampleT, 0.5, 0.05, 64.0).unwrap();
        assert!((p - 0.801_459_6).abs() < 1e-7, "{p}");
        // Table 2.4.1: n = 64 for d = 0.5, power 0.80 (R: uniroot() at tol 1e-13 on
        // pwr.t.test's power gives n = 63.76561019094154).
        let s = sample_size(PowerDesign::TwoSampleT, 0.5, 0.05, 0.8).unwrap();
        assert!(
            (s.n_exact - 63.765_610_190_941_54).abs() < 1e-9,
            "{}",
            s.n_exact
        );
        assert_eq!(s.n, 64);
        assert!(s.power >= 0.8);
        // Table 8.4.4: k = 4, f = 0.25, power 0.80 → n = 45 per group. The root by
        // bisection in mpmath at 30 digits is 44.599274306099869; R's uniroot() at tol
        // 1e-13 on pwr.anova.test's power gives 44.59927428472347, off through pf()'s
        // 1e-9 error bound for the noncentral F.
        let s = sample_size(PowerDesign::OneWayAnova { groups: 4 }, 0.25, 0.05, 0.8).unwrap();
        assert!(
            (s.n_exact - 44.599_274_306_099_87).abs() < 1e-11,
            "{}",
            s.n_exact
        );
        assert_eq!(s.n, 45);
    }

    #[test]
    fn two_group_anova_is_the_t_test() {
        // f = d/2 for two groups (Cohen 1988, eq. 8.2.4).
        for n in [3.0, 10.0, 41.5] {
            let t = power(PowerDesign::TwoSampleT, 0.8, 0.05, n).unwrap();
            let a = power(PowerDesign::OneWayAnova { groups: 2 }, 0.4, 0.05, n).unwrap();
            assert!((t - a).abs() < 1e-14, "{t} {a}");
        }
    }

    #[test]
    fn sample_size_round_trips() {
        for design in [
            PowerDesign::TwoSampleT,
            PowerDesign::OneWayAnova { groups: 3 },
            PowerDesign::Interaction2x2,
        ] {
            for (effect, target) in [(0.3, 0.8), (1.2, 0.9), (0.05, 0.95)] {
                let s = sample_size(design, effect, 0.05, target).unwrap();
                let at = power(design, effect, 0.05, s.n_exact).unwrap();
                assert!((at - target).abs() < 1e-10, "{design:?} {effect}: {at}");
                let below = power(design, effect, 0.05, (s.n - 1) as f64).unwrap_or(0.0);
                assert!(s.power >= target && below < target);
            }
        }
    }

    #[test]
    fn a_large_effect_needs_the_smallest_n() {
        // d = 10 gives power ≈ 0.99 already with 2 animals per group.
        let s = sample_size(PowerDesign::TwoSampleT, 10.0, 0.05, 0.8).unwrap();
        assert_eq!((s.n_exact, s.n), (2.0, 2));
        assert_eq!(
            s.power,
            power(PowerDesign::TwoSampleT, 10.0, 0.05, 2.0).unwrap()
        );
        assert!(s.power > 0.8);
    }

    #[test]
    fn bad_arguments_are_refused() {
        let t = PowerDesign::TwoSampleT;
        for (e, a, n) in [(0.0, 0.05, 10.0), (0.5, 1.0, 10.0), (0.5, 0.05, 1.5)] {
            assert!(matches!(
                power(t, e, a, n),
                Err(StatsError::OutOfRange { .. })
            ));
        }
        assert!(matches!(
            sample_size(t, 0.5, 0.05, 1.0),
            Err(StatsError::OutOfRange { .. })
        ));
        assert!(matches!(
            power(PowerDesign::OneWayAnova { groups: 1 }, 0.5, 0.05, 10.0),
            Err(StatsError::TooFewGroups { .. })
        ));
        assert!(matches!(
            sample_size(t, 1e-6, 0.05, 0.8),
            Err(StatsError::SampleTooLarge { .. })
        ));
    }
}
