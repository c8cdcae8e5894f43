//! Tests of normality: Shapiro–Wilk W with Royston's (1995) approximations, and
//! D'Agostino–Pearson K² from sample skewness and kurtosis.

use super::descriptive::mean;
use super::distributions::{normal_quantile, normal_sf};
use super::kgroups::{chi_squared_sf, TestResult};
use super::sum::NeumaierSum;
use super::{check_group, StatsError};

/// Value of the polynomial c₀ + c₁x + c₂x² + … at x.
fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, ci| acc * x + ci)
}

fn require_spread(what: &'static str, group: &str, sorted: &[f64]) -> Result<(), StatsError> {
    if sorted[sorted.len() - 1] > sorted[0] {
        Ok(())
    } else {
        Err(StatsError::NoSpread {
            what,
            group: group.to_string(),
        })
    }
}

/// Shapiro–Wilk W test of normality for 3 ≤ n ≤ 5000 (Shapiro & Wilk 1965, *Biometrika*
/// 52:591–611), with the coefficients and p value approximations of Royston (1992,
/// *Statistics and Computing* 2:117–119) as published in algorithm AS R94 (Royston 1995,
/// *Applied Statistics* 44:547–551) — the method of R's `shapiro.test`.
///
/// mᵢ = Φ⁻¹((i − 3/8)/(n + 1/4)); the two most extreme coefficients come from polynomials in
/// u = 1/√n, the others are mᵢ rescaled so that Σaᵢ² = 1. W = (Σaᵢx₍ᵢ₎)²/Σ(xᵢ − x̄)². For
/// n = 3 the p value is exact, 6/π·(asin √W − asin √¾); for 4 ≤ n ≤ 11 and n ≥ 12 a
/// normalising transformation of 1 − W is referred to the normal distribution.
pub fn shapiro_wilk(group: &str, values: &[f64]) -> Result<TestResult, StatsError> {
    const WHAT: &str = "the Shapiro–Wilk test";
    check_group(WHAT, group, values, 3)?;
    let n = values.len();
    if n > 5000 {
        return Err(StatsError::TooManyValues {
            what: WHAT,
            group: group.to_string(),
            limit: 5000,
            found: n,
        });
    }
    let mut x = values.to_vec();
    x.sort_by(f64::total_cmp);
    require_spread(WHAT, group, &x)?;
    let a = shapiro_wilk_coefficients(n);
    // Centre on the mean so the sums keep their digits; Σaᵢ = 0 leaves Σaᵢx₍ᵢ₎ unchanged.
    let centre = mean(&x);
    let ss: NeumaierSum = x.iter().map(|v| (v - centre) * (v - centre)).collect();
    let ax: NeumaierSum = a.iter().zip(&x).map(|(ai, v)| ai * (v - centre)).collect();
    let aa: NeumaierSum = a.iter().map(|ai| ai * ai).collect();
    // 1 − W from (√(Σa²·SS) − |Σax|)(√(Σa²·SS) + |Σax|)/(Σa²·SS), without cancellation.
    let norm = (aa.value() * ss.value()).sqrt();
    let sax = ax.value().abs();
    let one_minus_w = ((norm - sax) * (norm + sax) / (norm * norm)).max(0.0);
    let w = 1.0 - one_minus_w;
    Ok(TestResult {
        statistic: w,
        df: Vec::new(),
        p: shapiro_wilk_p(w, one_minus_w, n),
    })
}

/// The coefficients aᵢ for a sample of n (ascending order; a₁ = −aₙ).
fn shapiro_wilk_coefficients(n: usize) -> Vec<f64> {
    if n == 3 {
        let h = std::f64::consts::FRAC_1_SQRT_2;
        return vec![-h, 0.0, h];
    }
    let nf = n as f64;
    let m: Vec<f64> = (1..=n)
        .map(|i| normal_quantile((i as f64 - 0.375) / (nf + 0.25)))
        .collect();
    let summ2: f64 = m.iter().map(|v| v * v).collect::<NeumaierSum>().value();
    let ssumm2 = summ2.sqrt();
    let u = 1.0 / nf.sqrt();
    const C1: [f64; 6] = [0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056];
    const C2: [f64; 6] = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
    let an = m[n - 1] / ssumm2 + poly(&C1, u);
    let mut a = vec![0.0; n];
    a[n - 1] = an;
    a[0] = -an;
    if n > 5 {
        let an1 = m[n - 2] / ssumm2 + poly(&C2, u);
        let fac = ((summ2 - 2.0 * m[n - 1].powi(2) - 2.0 * m[n - 2].powi(2))
            / (1.0 - 2.0 * an * an - 2.0 * an1 * an1))
            .sqrt();
        a[n - 2] = an1;
        a[1] = -an1;
        for i in 2..n - 2 {
            a[i] = m[i] / fac;
        }
    } else {
        let fac = ((summ2 - 2.0 * m[n - 1].powi(2)) / (1.0 - 2.0 * an * an)).sqrt();
        for i in 1..n - 1 {
            a[i] = m[i] / fac;
        }
    }
    a
}

/// Royston's (1995) p value for W.
fn shapiro_wilk_p(w: f64, one_minus_w: f64, n: usize) -> f64 {
    let nf = n as f64;
    if n == 3 {
        let p = 6.0 / std::f64::consts::PI * (w.sqrt().asin() - (0.75_f64).sqrt().asin());
        return p.clamp(0.0, 1.0);
    }
    let log_one_minus_w = one_minus_w.ln();
    let (y, mu, sigma) = if n <= 11 {
        let gamma = poly(&[-2.273, 0.459], nf);
        let mu = poly(&[0.5440, -0.39978, 0.025054, -6.714e-4], nf);
        let sigma = poly(&[1.3822, -0.77857, 0.062767, -0.0020322], nf).exp();
        if log_one_minus_w >= gamma {
            // Beyond the range of the transformation: W this small is far in the tail.
            return 0.0;
        }
        (-(gamma - log_one_minus_w).ln(), mu, sigma)
    } else {
        let ln_n = nf.ln();
        let mu = poly(&[-1.5861, -0.31082, -0.083751, 0.0038915], ln_n);
        let sigma = poly(&[-0.4803, -0.082676, 0.0030302], ln_n).exp();
        (log_one_minus_w, mu, sigma)
    };
    normal_sf((y - mu) / sigma)
}

/// D'Agostino–Pearson omnibus K² test of normality for n ≥ 8 (D'Agostino & Pearson 1973,
/// *Biometrika* 60:613–622), with the skewness transformation of D'Agostino (1970) and
/// the kurtosis transformation of Anscombe & Glynn (1983), as set out by D'Agostino,
/// Belanger & D'Agostino (1990, *Am Stat* 44:316–321). K² = Z(√b₁)² + Z(b₂)² is referred
/// to χ² with 2 df (scipy: `stats.normaltest`).
pub fn dagostino_pearson(group: &str, values: &[f64]) -> Result<TestResult, StatsError> {
    const WHAT: &str = "the D'Agostino–Pearson test";
    check_group(WHAT, group, values, 8)?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    require_spread(WHAT, group, &sorted)?;
    let n = values.len() as f64;
    let centre = mean(values);
    let moment = |p: i32| {
        values
            .iter()
            .map(|v| (v - centre).powi(p))
            .collect::<NeumaierSum>()
            .value()
            / n
    };
    let (m2, m3, m4) = (moment(2), moment(3), moment(4));
    // Skewness: D'Agostino (1970).
    let b1 = m3 / m2.powf(1.5);
    let y = b1 * ((n + 1.0) * (n + 3.0) / (6.0 * (n - 2.0))).sqrt();
    let beta2 = 3.0 * (n * n + 27.0 * n - 70.0) * (n + 1.0) * (n + 3.0)
        / ((n - 2.0) * (n + 5.0) * (n + 7.0) * (n + 9.0));
    let w2 = -1.0 + (2.0 * (beta2 - 1.0)).sqrt();
    let delta = 1.0 / (0.5 * w2.ln()).sqrt();
    let alpha = (2.0 / (w2 - 1.0)).sqrt();
    let ya = y / alpha;
    let z1 = delta * (ya + (ya * ya + 1.0).sqrt()).ln();
    // Kurtosis: Anscombe & Glynn (1983).
    let b2 = m4 / (m2 * m2);
    let expected = 3.0 * (n - 1.0) / (n + 1.0);
    let var = 24.0 * n * (n - 2.0) * (n - 3.0) / ((n + 1.0).powi(2) * (n + 3.0) * (n + 5.0));
    let x = (b2 - expected) / var.sqrt();
    let sqrt_beta1 = 6.0 * (n * n - 5.0 * n + 2.0) / ((n + 7.0) * (n + 9.0))
        * (6.0 * (n + 3.0) * (n + 5.0) / (n * (n - 2.0) * (n - 3.0))).sqrt();
    let a = 6.0
        + 8.0 / sqrt_beta1 * (2.0 / sqrt_beta1 + (1.0 + 4.0 / (sqrt_beta1 * sqrt_beta1)).sqrt());
    let term1 = 1.0 - 2.0 / (9.0 * a);
    let denom = 1.0 + x * (2.0 / (a - 4.0)).sqrt();
    let term2 = ((1.0 - 2.0 / a) / denom).cbrt();
    let z2 = (term1 - term2) / (2.0 / (9.0 * a)).sqrt();
    let k2 = z1 * z1 + z2 * z2;
    Ok(TestResult {
        statistic: k2,
        df: vec![2.0],
        p: chi_squared_sf(k2, 2.0),
    })
}
