//! Descriptive statistics of one group.
//!
//! Mean and variance are computed in two passes with compensated sums (Chan, Golub &
//! LeVeque 1983, "Algorithms for computing the sample variance", Am Stat 37:242–247):
//! the mean is refined by the mean of the residuals, then the variance sums squared
//! residuals. This keeps full accuracy on data such as NIST's NumAcc4, where the one-pass
//! formula Σx² − n·x̄² loses every digit. Quantiles follow Hyndman & Fan (1996) type 7,
//! R's default.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::sum::NeumaierSum;
use super::{check_group, StatsError};

/// Summary of one group, as reported in tables and JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Descriptives {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n − 1 denominator); NaN when n < 2.
    pub sd: f64,
    pub sem: f64,
    /// 95% confidence interval of the mean from the t distribution; NaN when n < 2.
    pub ci95: (f64, f64),
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    pub min: f64,
    pub max: f64,
    /// Coefficient of variation, SD / |mean| × 100; NaN when the mean is 0.
    pub cv_pct: f64,
}

/// Mean of `x − shift`, two-pass with compensation.
pub(crate) fn shifted_mean(x: &[f64], shift: f64) -> f64 {
    let n = x.len() as f64;
    let first = x.iter().map(|v| v - shift).collect::<NeumaierSum>().value() / n;
    // The residuals' mean corrects the rounding of the first pass.
    let correction = x
        .iter()
        .map(|v| (v - shift) - first)
        .collect::<NeumaierSum>()
        .value()
        / n;
    first + correction
}

/// The value data are centred on before summing: the first one. Differences of values
/// within a factor of two of it are exact (Sterbenz), so the leading digits that all
/// values share never enter a sum.
pub(crate) fn reference_value(x: &[f64]) -> f64 {
    x.first().copied().unwrap_or(0.0)
}

/// mean(a) − mean(b), both taken about a's first value, so the difference keeps its
/// digits when the values share many leading ones (1000000.63 − 1000000.58).
pub fn mean_difference(a: &[f64], b: &[f64]) -> f64 {
    let c = reference_value(a);
    shifted_mean(a, c) - shifted_mean(b, c)
}

/// Arithmetic mean, shifted and two-pass with compensation. Empty input gives NaN.
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let c = reference_value(x);
    c + shifted_mean(x, c)
}

/// Sum of squared deviations from the mean, Σ(x − x̄)², computed about a shifted mean.
pub(crate) fn sum_of_squares(x: &[f64], shift: f64) -> f64 {
    let m = shifted_mean(x, shift);
    let mut squares = NeumaierSum::default();
    let mut residuals = NeumaierSum::default();
    for v in x {
        let d = (v - shift) - m;
        squares.add(d * d);
        residuals.add(d);
    }
    // Corrected two-pass formula: removes what is left of the residual sum.
    squares.value() - residuals.value() * residuals.value() / x.len() as f64
}

/// Sample variance (n − 1 denominator); NaN when n < 2.
pub fn variance(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    sum_of_squares(x, reference_value(x)) / (x.len() - 1) as f64
}

/// Quantile of sorted data, Hyndman & Fan (1996) type 7: linear interpolation between
/// order statistics at h = (n − 1)p.
pub fn quantile_type7(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Descriptives {
    /// The summary of the values plus `c`: location statistics move, spread does not.
    pub fn shifted_by(&self, c: f64) -> Descriptives {
        let mean = self.mean + c;
        Descriptives {
            mean,
            ci95: (self.ci95.0 + c, self.ci95.1 + c),
            median: self.median + c,
            q1: self.q1 + c,
            q3: self.q3 + c,
            min: self.min + c,
            max: self.max + c,
            cv_pct: if mean == 0.0 {
                f64::NAN
            } else {
                self.sd / mean.abs() * 100.0
            },
            ..self.clone()
        }
    }
}

/// Descriptive statistics of `centre + deviations[i]`, from deviations computed exactly
/// (see `ingest::NumericColumn`): the SD keeps every digit of the decimal data.
pub fn describe_centred(
    name: &str,
    deviations: &[f64],
    centre: f64,
) -> Result<Descriptives, StatsError> {
    Ok(describe(name, deviations)?.shifted_by(centre))
}

/// Descriptive statistics of one group; `name` appears in error messages.
pub fn describe(name: &str, x: &[f64]) -> Result<Descriptives, StatsError> {
    check_group("a summary", name, x, 1)?;
    let n = x.len();
    let m = mean(x);
    let sd = variance(x).sqrt();
    let sem = sd / (n as f64).sqrt();
    let ci95 = if n >= 2 {
        let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
            .map(|d| d.inverse_cdf(0.975))
            .unwrap_or(f64::NAN);
        (m - t * sem, m + t * sem)
    } else {
        (f64::NAN, f64::NAN)
    };
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    Ok(Descriptives {
        n,
        mean: m,
        sd,
        sem,
        ci95,
        median: quantile_type7(&sorted, 0.5),
        q1: quantile_type7(&sorted, 0.25),
        q3: quantile_type7(&sorted, 0.75),
        min: sorted[0],
        max: sorted[n - 1],
        cv_pct: if m == 0.0 {
            f64::NAN
        } else {
            sd / m.abs() * 100.0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_r() {
        // R: quantile(c(1, 2, 4, 7, 11), c(.25, .5, .75)) gives 2, 4, 7;
        // quantile(1:10, c(.1, .33)) gives 1.9, 3.97.
        let x = [1.0, 2.0, 4.0, 7.0, 11.0];
        assert_eq!(quantile_type7(&x, 0.25), 2.0);
        assert_eq!(quantile_type7(&x, 0.5), 4.0);
        assert_eq!(quantile_type7(&x, 0.75), 7.0);
        let y: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile_type7(&y, 0.1) - 1.9).abs() < 1e-12);
        assert!((quantile_type7(&y, 0.33) - 3.97).abs() < 1e-12);
    }

    #[test]
    fn single_value_has_no_spread() {
        let d = describe("VEH", &[3.5]).unwrap();
        assert_eq!(
            (d.n, d.mean, d.median, d.min, d.max),
            (1, 3.5, 3.5, 3.5, 3.5)
        );
        assert!(d.sd.is_nan() && d.ci95.0.is_nan());
    }

    #[test]
    fn non_finite_values_and_empty_groups_are_refused() {
        let err = describe("IMI", &[1.0, f64::INFINITY]).unwrap_err();
        assert_eq!(
            err,
            StatsError::NotFinite {
                group: "IMI".into(),
                value: f64::INFINITY
            }
        );
        assert_eq!(
            err.to_string(),
            "IMI contains a value that is not a finite number (inf)"
        );
        assert!(matches!(
            describe("IMI", &[]),
            Err(StatsError::TooFewValues { .. })
        ));
    }
}
