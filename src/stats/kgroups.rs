//! Comparisons of k groups beyond Fisher's ANOVA: Welch's ANOVA for unequal variances
//! (Welch 1951, Biometrika 38:330–336), the Kruskal–Wallis rank test with tie correction
//! (Kruskal & Wallis 1952, JASA 47:583–621), and the equal-variance checks of
//! Brown & Forsythe (1974, JASA 69:364–367; Levene's test about the medians) and
//! Bartlett (1937, Proc R Soc A 160:268–282).

use statrs::function::gamma::gamma_ur;

use super::descriptive::{quantile_type7, shifted_mean, variance};
use super::distributions::f_sf;
use super::mannwhitney::{average_ranks, tie_correction_sum};
use super::oneway::one_way_anova;
use super::{check_group, StatsError};

/// A test statistic with its degrees of freedom and p value.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    pub statistic: f64,
    /// One entry for χ² tests, two (numerator, denominator) for F tests.
    pub df: Vec<f64>,
    pub p: f64,
}

/// Upper tail of the χ² distribution, Q(df/2, x/2).
pub fn chi_squared_sf(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x.is_infinite() {
        0.0
    } else {
        gamma_ur(df / 2.0, x / 2.0)
    }
}

fn check_groups(
    what: &'static str,
    groups: &[(&str, &[f64])],
    min_n: usize,
) -> Result<(), StatsError> {
    if groups.len() < 2 {
        return Err(StatsError::TooFewGroups {
            what,
            needed: 2,
            found: groups.len(),
        });
    }
    for (name, x) in groups {
        check_group(what, name, x, min_n)?;
    }
    Ok(())
}

fn require_spread(what: &'static str, name: &str, var: f64) -> Result<(), StatsError> {
    if var > 0.0 {
        Ok(())
    } else {
        Err(StatsError::NoSpread {
            what,
            group: name.to_string(),
        })
    }
}

/// Welch's heteroscedastic one-way ANOVA (R: `oneway.test(var.equal = FALSE)`).
pub fn welch_anova(groups: &[(&str, &[f64])]) -> Result<TestResult, StatsError> {
    const WHAT: &str = "Welch's ANOVA";
    check_groups(WHAT, groups, 2)?;
    let k = groups.len() as f64;
    let mut w = Vec::new();
    let mut m = Vec::new();
    let mut n = Vec::new();
    // Group means relative to one common value keep their differences exact.
    let centre = groups[0].1[0];
    for (name, x) in groups {
        let v = variance(x);
        require_spread(WHAT, name, v)?;
        w.push(x.len() as f64 / v);
        m.push(shifted_mean(x, centre));
        n.push(x.len() as f64);
    }
    let sw: f64 = w.iter().sum();
    let weighted_mean = w.iter().zip(&m).map(|(wi, mi)| wi * mi).sum::<f64>() / sw;
    let a = w
        .iter()
        .zip(&m)
        .map(|(wi, mi)| wi * (mi - weighted_mean).powi(2))
        .sum::<f64>()
        / (k - 1.0);
    let tmp = w
        .iter()
        .zip(&n)
        .map(|(wi, ni)| (1.0 - wi / sw).powi(2) / (ni - 1.0))
        .sum::<f64>();
    let b = 1.0 + 2.0 * (k - 2.0) / (k * k - 1.0) * tmp;
    let f = a / b;
    let df2 = (k * k - 1.0) / (3.0 * tmp);
    Ok(TestResult {
        statistic: f,
        df: vec![k - 1.0, df2],
        p: f_sf(f, k - 1.0, df2),
    })
}

/// Kruskal–Wallis H with the tie correction (R: `kruskal.test`).
pub fn kruskal_wallis(groups: &[(&str, &[f64])]) -> Result<TestResult, StatsError> {
    const WHAT: &str = "the Kruskal–Wallis test";
    check_groups(WHAT, groups, 1)?;
    let all: Vec<f64> = groups.iter().flat_map(|(_, x)| x.iter().copied()).collect();
    let n = all.len() as f64;
    let ranks = average_ranks(&all);
    let mut start = 0;
    let mut sum = 0.0;
    for (_, x) in groups {
        let r: f64 = ranks[start..start + x.len()].iter().sum();
        sum += r * r / x.len() as f64;
        start += x.len();
    }
    let ties = tie_correction_sum(&all);
    let correction = 1.0 - ties / (n * n * n - n);
    if correction <= 0.0 {
        return Err(StatsError::NoSpread {
            what: WHAT,
            group: "all groups together".into(),
        });
    }
    let h = (12.0 * sum / (n * (n + 1.0)) - 3.0 * (n + 1.0)) / correction;
    let df = groups.len() as f64 - 1.0;
    Ok(TestResult {
        statistic: h,
        df: vec![df],
        p: chi_squared_sf(h, df),
    })
}

/// Brown–Forsythe test of equal variances: ANOVA of |x − group median|
/// (R: `car::leveneTest(center = median)`).
pub fn brown_forsythe_variances(groups: &[(&str, &[f64])]) -> Result<TestResult, StatsError> {
    check_groups("the Brown–Forsythe test", groups, 1)?;
    let deviations: Vec<Vec<f64>> = groups
        .iter()
        .map(|(_, x)| {
            let mut sorted = x.to_vec();
            sorted.sort_by(f64::total_cmp);
            let median = quantile_type7(&sorted, 0.5);
            x.iter().map(|v| (v - median).abs()).collect()
        })
        .collect();
    let named: Vec<(&str, &[f64])> = groups
        .iter()
        .zip(&deviations)
        .map(|((g, _), d)| (*g, d.as_slice()))
        .collect();
    let a = one_way_anova(&named)?;
    Ok(TestResult {
        statistic: a.f,
        df: vec![a.df_between, a.df_within],
        p: a.p,
    })
}

/// Bartlett's test of equal variances (R: `bartlett.test`).
pub fn bartlett(groups: &[(&str, &[f64])]) -> Result<TestResult, StatsError> {
    const WHAT: &str = "Bartlett's test";
    check_groups(WHAT, groups, 2)?;
    let k = groups.len() as f64;
    let mut n_total = 0.0;
    let mut pooled = 0.0;
    let mut log_sum = 0.0;
    let mut inverse_sum = 0.0;
    for (name, x) in groups {
        let v = variance(x);
        require_spread(WHAT, name, v)?;
        let df = x.len() as f64 - 1.0;
        n_total += x.len() as f64;
        pooled += df * v;
        log_sum += df * v.ln();
        inverse_sum += 1.0 / df;
    }
    let df_within = n_total - k;
    pooled /= df_within;
    let statistic = (df_within * pooled.ln() - log_sum)
        / (1.0 + (inverse_sum - 1.0 / df_within) / (3.0 * (k - 1.0)));
    Ok(TestResult {
        statistic,
        df: vec![k - 1.0],
        p: chi_squared_sf(statistic, k - 1.0),
    })
}

/// Brown–Forsythe test of equal means under unequal variances (Brown & Forsythe 1974,
/// *Technometrics* 16:129–132): F* = Σnᵢ(x̄ᵢ − x̄)² / Σ(1 − nᵢ/N)sᵢ², referred to F with
/// k − 1 and Satterthwaite's f = 1/Σ(cᵢ²/(nᵢ − 1)) degrees of freedom,
/// cᵢ = (1 − nᵢ/N)sᵢ² / Σⱼ(1 − nⱼ/N)sⱼ².
pub fn brown_forsythe_means(groups: &[(&str, &[f64])]) -> Result<TestResult, StatsError> {
    const WHAT: &str = "the Brown–Forsythe ANOVA";
    check_groups(WHAT, groups, 2)?;
    let k = groups.len() as f64;
    let all: Vec<f64> = groups.iter().flat_map(|(_, x)| x.iter().copied()).collect();
    let total = all.len() as f64;
    let centre = all[0];
    let grand = shifted_mean(&all, centre);
    let mut numerator = 0.0;
    let mut terms = Vec::with_capacity(groups.len());
    for (_, x) in groups {
        let n = x.len() as f64;
        numerator += n * (shifted_mean(x, centre) - grand).powi(2);
        terms.push(((1.0 - n / total) * variance(x), n));
    }
    let denominator: f64 = terms.iter().map(|(t, _)| t).sum();
    if denominator <= 0.0 {
        return Err(StatsError::NoSpread {
            what: WHAT,
            group: "every group".into(),
        });
    }
    let inverse_df: f64 = terms
        .iter()
        .map(|(t, n)| (t / denominator).powi(2) / (n - 1.0))
        .sum();
    let df2 = 1.0 / inverse_df;
    let f = numerator / denominator;
    Ok(TestResult {
        statistic: f,
        df: vec![k - 1.0, df2],
        p: f_sf(f, k - 1.0, df2),
    })
}
