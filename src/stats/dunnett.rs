//! Dunnett's many-to-one distribution: the largest |tᵢ| of m treatment-vs-control
//! t statistics that share one control group and one pooled variance (Dunnett 1955,
//! *JASA* 50:1096–1121).
//!
//! The comparisons are correlated with ρᵢⱼ = λᵢλⱼ, λᵢ = √(nᵢ/(nᵢ + n₀)). This product
//! structure makes them conditionally independent given one standard normal Z
//! (Dunnett & Sobel 1955, *Biometrika* 42:258–260), so the m-dimensional multivariate t
//! probability reduces to a double integral:
//!
//! P(max |Tᵢ| ≤ c) = ∫₀^∞ f_ν(s) ∫ φ(z) Πᵢ [Φ((c·s + λᵢz)/τᵢ) − Φ((−c·s + λᵢz)/τᵢ)] dz ds,
//! τᵢ = √(1 − λᵢ²),
//!
//! computed here by adaptive Gauss–Kronrod quadrature — deterministic, where R's
//! `mvtnorm` and scipy integrate the multivariate t by randomised quasi-Monte Carlo
//! (Genz & Bretz 2009). The upper tail is integrated directly as 1 − Πᵢ(1 − εᵢ), with εᵢ
//! the two tails of comparison i, so small p values keep their relative accuracy.

use super::distributions::{
    average_over_chi_scale, bracket_and_solve, normal_density, phi, t_quantile,
};
use super::quadrature::integrate;

const REL_TOL: f64 = 1e-11;

/// The correlation factors λᵢ = √(nᵢ/(nᵢ + n₀)) of treatments of sizes `treatments`
/// compared with a control of size `control`.
pub fn dunnett_lambdas(control: usize, treatments: &[usize]) -> Vec<f64> {
    treatments
        .iter()
        .map(|&n| (n as f64 / (n + control) as f64).sqrt())
        .collect()
}

/// P(all |Tᵢ| ≤ c) (lower) or P(some |Tᵢ| > c) (upper) at a given scale s.
fn conditional(c: f64, s: f64, lambdas: &[f64], upper: bool) -> f64 {
    let cs = c * s;
    let lambda_max = lambdas.iter().fold(0.0_f64, |m, l| m.max(*l));
    let z_max = 9.0 + lambda_max * cs;
    let taus: Vec<f64> = lambdas.iter().map(|l| (1.0 - l * l).sqrt()).collect();
    let integrand = |z: f64| {
        let density = normal_density(z);
        if density == 0.0 {
            return 0.0;
        }
        if upper {
            let mut log_inside = 0.0;
            for (l, t) in lambdas.iter().zip(&taus) {
                let lower = (-cs + l * z) / t;
                let upper = (cs + l * z) / t;
                let outside = phi(lower) + phi(-upper);
                log_inside += (-outside.min(1.0)).ln_1p();
            }
            density * -log_inside.exp_m1()
        } else {
            let mut product = density;
            for (l, t) in lambdas.iter().zip(&taus) {
                let lower = (-cs + l * z) / t;
                let upper = (cs + l * z) / t;
                product *= if lower > 0.0 {
                    phi(-lower) - phi(-upper)
                } else {
                    phi(upper) - phi(lower)
                };
            }
            product
        }
    };
    let breaks = [-z_max, -3.0, 0.0, 3.0, z_max];
    integrate(integrand, &breaks, REL_TOL, 0.0).clamp(0.0, 1.0)
}

fn tail(c: f64, lambdas: &[f64], df: f64, upper: bool) -> f64 {
    if c <= 0.0 {
        return if upper { 1.0 } else { 0.0 };
    }
    if c.is_infinite() {
        return if upper { 0.0 } else { 1.0 };
    }
    let extra: Vec<f64> = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0]
        .iter()
        .map(|w| w / c)
        .collect();
    average_over_chi_scale(df, &extra, REL_TOL, |s| conditional(c, s, lambdas, upper))
        .clamp(0.0, 1.0)
}

fn valid(lambdas: &[f64], df: f64) -> bool {
    !lambdas.is_empty() && lambdas.iter().all(|l| *l > 0.0 && *l < 1.0) && df > 0.0
}

/// P(max |Tᵢ| ≤ c), two-sided, for `df` degrees of freedom (may be infinite).
pub fn dunnett_cdf(c: f64, lambdas: &[f64], df: f64) -> f64 {
    if !valid(lambdas, df) || c.is_nan() {
        return f64::NAN;
    }
    if conditional(c, 1.0, lambdas, false) > 0.5 {
        1.0 - tail(c, lambdas, df, true)
    } else {
        tail(c, lambdas, df, false)
    }
}

/// P(max |Tᵢ| > c): the adjusted two-sided p value of a comparison with |t| = c.
pub fn dunnett_sf(c: f64, lambdas: &[f64], df: f64) -> f64 {
    if !valid(lambdas, df) || c.is_nan() {
        return f64::NAN;
    }
    if conditional(c, 1.0, lambdas, false) > 0.5 {
        tail(c, lambdas, df, true)
    } else {
        1.0 - tail(c, lambdas, df, false)
    }
}

/// The two-sided critical value c with P(max |Tᵢ| ≤ c) = p.
pub fn dunnett_quantile(p: f64, lambdas: &[f64], df: f64) -> f64 {
    if !valid(lambdas, df) || !(0.0..1.0).contains(&p) {
        return f64::NAN;
    }
    // The same design is often analysed for several endpoints: remember the answers.
    type Key = (u64, Vec<u64>, u64);
    static SOLVED: std::sync::Mutex<Vec<(Key, f64)>> = std::sync::Mutex::new(Vec::new());
    let key: Key = (
        p.to_bits(),
        lambdas.iter().map(|l| l.to_bits()).collect(),
        df.to_bits(),
    );
    if let Some(c) = SOLVED
        .lock()
        .ok()
        .and_then(|v| v.iter().find(|(k, _)| *k == key).map(|(_, c)| *c))
    {
        return c;
    }
    let c = solve_quantile(p, lambdas, df);
    if let Ok(mut v) = SOLVED.lock() {
        if v.len() < 256 {
            v.push((key, c));
        }
    }
    c
}

fn solve_quantile(p: f64, lambdas: &[f64], df: f64) -> f64 {
    if p == 0.0 {
        return 0.0;
    }
    let upper = p > 0.5;
    let target = if upper { 1.0 - p } else { p };
    let f = |c: f64| {
        let v = tail(c, lambdas, df, upper);
        if upper {
            target - v
        } else {
            v - target
        }
    };
    // The critical value lies between those of one comparison and of Bonferroni's
    // correction for all of them (Šidák 1967); starting there saves most integrals.
    let (lo, hi) = if upper {
        let m = lambdas.len() as f64;
        let single = t_quantile(1.0 - target / 2.0, df);
        let bonferroni = t_quantile(1.0 - target / (2.0 * m), df);
        (0.999 * single, 1.001 * bonferroni)
    } else {
        (0.0, 1.0)
    };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return bracket_and_solve(f, 0.0, 1.0);
    }
    bracket_and_solve(f, lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::normal_sf;

    #[test]
    fn one_treatment_is_a_t_test() {
        // m = 1: P(|T_∞| > c) = 2Φ(−c); for ν = 10, P(|T| > 2.228138851986274) = 0.05.
        let l = dunnett_lambdas(6, &[4]);
        for c in [0.5, 2.0, 6.0] {
            let exact = 2.0 * normal_sf(c);
            let got = dunnett_sf(c, &l, f64::INFINITY);
            assert!(
                ((got - exact) / exact).abs() < 1e-11,
                "c = {c}: {got} vs {exact}"
            );
        }
        let got = dunnett_sf(2.228_138_851_986_274, &l, 10.0);
        assert!((got - 0.05).abs() < 1e-13, "{got}");
    }

    #[test]
    fn quantile_inverts_the_distribution() {
        let l = dunnett_lambdas(6, &[4, 5]);
        let c = dunnett_quantile(0.95, &l, 12.0);
        assert!((dunnett_cdf(c, &l, 12.0) - 0.95).abs() < 1e-12, "{c}");
    }
}
