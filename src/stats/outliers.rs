//! Outlier screening. Values are flagged for the scientist to look at, never removed.
//!
//! - Grubbs' test (Grubbs 1950, *Ann Math Stat* 21:27–58; 1969, *Technometrics* 11:1–21),
//!   two-sided: G = max|xᵢ − x̄|/s, with the p value 2n·P(T_{n−2} > t),
//!   t² = n(n − 2)G² / ((n − 1)² − nG²), the exact critical-value relation of Grubbs'
//!   tables (capped at 1). The iterative form removes a flagged value and tests again
//!   while the most extreme value is significant at α (n ≥ 3 at each step).
//! - Tukey's (1977, *Exploratory Data Analysis*) fences: below Q1 − c·IQR or above
//!   Q3 + c·IQR, "mild" for c = 1.5 and "extreme" for c = 3 (type 7 quartiles).

use super::descriptive::{mean, quantile_type7, variance};
use super::distributions::t_sf;
use super::{check_group, StatsError};

/// A flagged value: its index in the group's values and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlier {
    pub index: usize,
    pub value: f64,
    /// Grubbs' G, or for the IQR rule the distance beyond the fence in IQRs.
    pub statistic: f64,
    /// Grubbs' p value; NaN for the IQR rule.
    pub p: f64,
    /// "grubbs", "mild" or "extreme".
    pub kind: &'static str,
}

/// One step of Grubbs' two-sided test: index of the most extreme value, G and p.
pub fn grubbs(group: &str, values: &[f64]) -> Result<(usize, f64, f64), StatsError> {
    const WHAT: &str = "Grubbs' test";
    check_group(WHAT, group, values, 3)?;
    let m = mean(values);
    let s = variance(values).sqrt();
    if s <= 0.0 {
        return Err(StatsError::NoSpread {
            what: WHAT,
            group: group.to_string(),
        });
    }
    let (index, deviation) =
        values
            .iter()
            .map(|v| (v - m).abs())
            .enumerate()
            .fold(
                (0, -1.0),
                |best, (i, d)| if d > best.1 { (i, d) } else { best },
            );
    let g = deviation / s;
    let n = values.len() as f64;
    let denom = (n - 1.0).powi(2) - n * g * g;
    let p = if n < 3.5 || denom <= 0.0 {
        // n = 3: G attains its maximum (n − 1)/√n only at the boundary.
        if denom <= 0.0 {
            0.0
        } else {
            1.0
        }
    } else {
        let t = (n * (n - 2.0) * g * g / denom).sqrt();
        (2.0 * n * t_sf(t, n - 2.0)).min(1.0)
    };
    Ok((index, g, p))
}

/// Grubbs' test repeated while significant at `alpha`; with `iterative = false` only the
/// single most extreme value is tested.
pub fn grubbs_outliers(
    group: &str,
    values: &[f64],
    alpha: f64,
    iterative: bool,
) -> Result<Vec<Outlier>, StatsError> {
    let mut remaining: Vec<(usize, f64)> = values.iter().copied().enumerate().collect();
    let mut flagged = Vec::new();
    loop {
        let current: Vec<f64> = remaining.iter().map(|(_, v)| *v).collect();
        if !flagged.is_empty() && current.len() < 3 {
            break;
        }
        let (i, g, p) = match grubbs(group, &current) {
            Ok(r) => r,
            Err(StatsError::NoSpread { .. }) if !flagged.is_empty() => break,
            Err(e) => return Err(e),
        };
        if p > alpha {
            break;
        }
        let (index, value) = remaining.remove(i);
        flagged.push(Outlier {
            index,
            value,
            statistic: g,
            p,
            kind: "grubbs",
        });
        if !iterative {
            break;
        }
    }
    Ok(flagged)
}

/// Values beyond Tukey's fences: 1.5 × IQR ("mild") and 3 × IQR ("extreme").
pub fn iqr_outliers(group: &str, values: &[f64]) -> Result<Vec<Outlier>, StatsError> {
    check_group("the IQR rule", group, values, 4)?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let q1 = quantile_type7(&sorted, 0.25);
    let q3 = quantile_type7(&sorted, 0.75);
    let iqr = q3 - q1;
    Ok(values
        .iter()
        .enumerate()
        .filter_map(|(index, &value)| {
            let beyond = if value < q1 {
                (q1 - value) / iqr
            } else if value > q3 {
                (value - q3) / iqr
            } else {
                0.0
            };
            let kind = if beyond > 3.0 {
                "extreme"
            } else if beyond > 1.5 {
                "mild"
            } else {
                return None;
            };
            Some(Outlier {
                index,
                value,
                statistic: beyond,
                p: f64::NAN,
                kind,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grubbs_flags_the_textbook_outlier() {
        // Ten values near 2.1 and one at 3.10: G = 2.78 > 2.29, the 5% two-sided critical
        // value for n = 10 (Grubbs 1969, Table 1); the same data with 2.07 are clean.
        let x = [2.02, 2.22, 2.05, 1.98, 2.15, 2.11, 2.09, 2.13, 2.01, 3.10];
        let out = grubbs_outliers("x", &x, 0.05, true).unwrap();
        assert_eq!(out.first().map(|o| o.index), Some(9));
        let clean = [2.02, 2.22, 2.05, 1.98, 2.15, 2.11, 2.09, 2.13, 2.01, 2.07];
        assert!(grubbs_outliers("x", &clean, 0.05, true).unwrap().is_empty());
    }

    #[test]
    fn iqr_fences() {
        // 1…8 and 40: Q1 = 3, Q3 = 7 (type 7), IQR = 4; 40 lies 8.25 IQRs above Q3.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 40.0];
        let out = iqr_outliers("x", &x).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, "extreme");
        assert!((out[0].statistic - 8.25).abs() < 1e-15);
    }
}
