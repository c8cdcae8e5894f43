//! Effect sizes: standardised mean differences with exact confidence intervals, and the
//! proportions of variance of a one-way layout.

use statrs::function::gamma::ln_gamma;

use super::descriptive::{mean_difference, variance};
use super::distributions::{average_over_chi_scale, brent_root, phi};
use super::oneway::OneWayAnova;
use super::{check_group, StatsError};

/// Cohen's d and Hedges' g of mean(a) − mean(b), each with a confidence interval.
#[derive(Debug, Clone, PartialEq)]
pub struct StandardisedDifference {
    /// (mean(a) − mean(b)) / pooled SD (Cohen 1988, *Statistical Power Analysis*, eq. 2.5.1).
    pub cohens_d: f64,
    pub cohens_d_ci: (f64, f64),
    /// d · J(ν) with the exact small-sample correction J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2))
    /// (Hedges 1981, *J Educ Stat* 6:107–128), ν = nₐ + n_b − 2.
    pub hedges_g: f64,
    pub hedges_g_ci: (f64, f64),
}

/// P(T ≤ t) for the noncentral t distribution with ν degrees of freedom and noncentrality
/// δ, as E[Φ(t·s − δ)] over s = √(χ²_ν/ν) (the definition T = (Z + δ)/s).
pub fn noncentral_t_cdf(t: f64, df: f64, delta: f64) -> f64 {
    let extra: Vec<f64> = if t.abs() > 1e-300 {
        vec![(delta / t).abs()]
    } else {
        Vec::new()
    };
    average_over_chi_scale(df, &extra, 1e-12, |s| phi(t * s - delta)).clamp(0.0, 1.0)
}

/// P(T > t) for the noncentral t distribution, as E[Φ(δ − t·s)] over s = √(χ²_ν/ν):
/// the upper tail integrated directly, so that it keeps its relative accuracy where
/// 1 − [`noncentral_t_cdf`] would not.
pub fn noncentral_t_sf(t: f64, df: f64, delta: f64) -> f64 {
    let extra: Vec<f64> = if t.abs() > 1e-300 {
        vec![(delta / t).abs()]
    } else {
        Vec::new()
    };
    average_over_chi_scale(df, &extra, 1e-12, |s| phi(delta - t * s)).clamp(0.0, 1.0)
}

/// The noncentrality parameters δ for which the observed t is the upper and the lower
/// (1 − level)/2 quantile: the exact confidence interval of δ (Steiger & Fouladi 1997, in
/// *What If There Were No Significance Tests?*, ch. 9; R: `MBESS::conf.limits.nct`).
pub fn noncentrality_interval(t: f64, df: f64, level: f64) -> (f64, f64) {
    let tail = (1.0 - level) / 2.0;
    let width = 10.0 + 2.0 * t.abs();
    let solve = |target: f64| {
        brent_root(
            |d| noncentral_t_cdf(t, df, d) - target,
            t - width,
            t + width,
            1e-13,
        )
    };
    (solve(1.0 - tail), solve(tail))
}

/// Hedges' exact bias correction J(ν).
pub fn hedges_correction(df: f64) -> f64 {
    (ln_gamma(df / 2.0) - (df / 2.0).sqrt().ln() - ln_gamma((df - 1.0) / 2.0)).exp()
}

/// Cohen's d and Hedges' g of a − b with `level` confidence intervals from the
/// noncentral t distribution of the pooled-variance t statistic.
pub fn standardised_difference(
    a: (&str, &[f64]),
    b: (&str, &[f64]),
    level: f64,
) -> Result<StandardisedDifference, StatsError> {
    const WHAT: &str = "Cohen's d";
    for (name, x) in [a, b] {
        check_group(WHAT, name, x, 2)?;
    }
    let (na, nb) = (a.1.len() as f64, b.1.len() as f64);
    let df = na + nb - 2.0;
    let pooled = (((na - 1.0) * variance(a.1) + (nb - 1.0) * variance(b.1)) / df).sqrt();
    if pooled <= 0.0 {
        return Err(StatsError::NoSpread {
            what: WHAT,
            group: format!("{} and {}", a.0, b.0),
        });
    }
    let d = mean_difference(a.1, b.1) / pooled;
    let scale = (1.0 / na + 1.0 / nb).sqrt();
    let (lo, hi) = noncentrality_interval(d / scale, df, level);
    let j = hedges_correction(df);
    Ok(StandardisedDifference {
        cohens_d: d,
        cohens_d_ci: (lo * scale, hi * scale),
        hedges_g: j * d,
        hedges_g_ci: (j * lo * scale, j * hi * scale),
    })
}

/// η² = SS_between / SS_total (Pearson 1905; Fisher 1925).
pub fn eta_squared(anova: &OneWayAnova) -> f64 {
    anova.ss_between / (anova.ss_between + anova.ss_within)
}

/// ω² = (SS_between − (k − 1)·MS_within) / (SS_total + MS_within), the less biased
/// estimate of the population proportion of variance (Hays 1963, *Statistics for
/// Psychologists*; Olejnik & Algina 2003, *Psychol Methods* 8:434–447).
pub fn omega_squared(anova: &OneWayAnova) -> f64 {
    (anova.ss_between - anova.df_between * anova.ms_within)
        / (anova.ss_between + anova.ss_within + anova.ms_within)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_t_is_the_zero_noncentrality_case() {
        // R: pt(2.228138851986274, 10) = 0.975
        let p = noncentral_t_cdf(2.228_138_851_986_274, 10.0, 0.0);
        assert!((p - 0.975).abs() < 1e-13, "{p}");
    }

    #[test]
    fn hedges_correction_approaches_one() {
        // J(10) = Γ(5)/(√5·Γ(4.5)) = 0.9227456080530858 (Hedges 1981, Table 2: 0.9227)
        assert!((hedges_correction(10.0) - 0.922_745_608_053_085_8).abs() < 1e-14);
        assert!((hedges_correction(1e6) - 1.0).abs() < 1e-6);
    }
}
