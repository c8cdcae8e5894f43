//! Agreement between observers who scored the same animals.
//!
//! - Intraclass correlations of Shrout & Fleiss (1979), Psychol Bull 86:420–428, from the
//!   two-way layout of n subjects × k observers: ICC(1) (one-way random), ICC(2,1) (two-way
//!   random, absolute agreement) and ICC(3,1) (two-way mixed, consistency), each with its
//!   F test and 95 % confidence interval; the interval of ICC(2,1) is the Satterthwaite
//!   approximation of McGraw & Wong (1996), Psychol Methods 1:30–46 (their Table 7).
//! - Bland & Altman (1986), Lancet 327:307–310: the mean difference between two observers
//!   (bias) with its t interval, and the 95 % limits of agreement, bias ± 1.96 SD.

use super::distributions::{f_quantile, f_sf, t_quantile};
use super::sum::NeumaierSum;
use super::StatsError;

/// Which intraclass correlation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IccKind {
    /// ICC(1): each subject scored by its own random observers.
    OneWay,
    /// ICC(2,1): observers a random sample; absolute agreement of single scores.
    Absolute,
    /// ICC(3,1): these observers only; consistency of single scores.
    Consistency,
}

/// One intraclass correlation with its F test and confidence interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Icc {
    pub kind: IccKind,
    pub value: f64,
    pub f: f64,
    pub df1: f64,
    pub df2: f64,
    pub p: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The three intraclass correlations of `scores` (one row per subject, one column per
/// observer, no missing values), with `level` confidence intervals (e.g. 0.95). Limits that
/// do not exist (too few degrees of freedom, no error variance for ICC(2,1)) are NaN.
pub fn intraclass(scores: &[Vec<f64>], level: f64) -> Result<[Icc; 3], StatsError> {
    const WHAT: &str = "intraclass correlation";
    let n = scores.len();
    let k = scores.first().map_or(0, Vec::len);
    if n < 2 {
        return Err(StatsError::TooFewValues {
            what: WHAT,
            group: "the animals scored by every observer".into(),
            needed: 2,
            found: n,
        });
    }
    if k < 2 {
        return Err(StatsError::TooFewGroups {
            what: WHAT,
            needed: 2,
            found: k,
        });
    }
    if let Some(row) = scores.iter().find(|r| r.len() != k) {
        return Err(StatsError::LengthMismatch {
            what: WHAT,
            expected: k,
            found: row.len(),
        });
    }
    let (nf, kf) = (n as f64, k as f64);
    let sum = |values: &mut dyn Iterator<Item = f64>| values.collect::<NeumaierSum>().value();
    let grand = sum(&mut scores.iter().flatten().copied()) / (nf * kf);
    let squares =
        |values: &mut dyn Iterator<Item = f64>| sum(&mut values.map(|x| (x - grand) * (x - grand)));
    let row_means: Vec<f64> = scores
        .iter()
        .map(|r| sum(&mut r.iter().copied()) / kf)
        .collect();
    let col_means: Vec<f64> = (0..k)
        .map(|j| sum(&mut scores.iter().map(|r| r[j])) / nf)
        .collect();
    let ss_total = squares(&mut scores.iter().flatten().copied());
    let ss_subjects = kf * squares(&mut row_means.iter().copied());
    let ss_observers = nf * squares(&mut col_means.iter().copied());
    let ss_error = (ss_total - ss_subjects - ss_observers).max(0.0);
    let ms_subjects = ss_subjects / (nf - 1.0);
    let ms_observers = ss_observers / (kf - 1.0);
    let ms_error = ss_error / ((nf - 1.0) * (kf - 1.0));
    let ms_within = (ss_observers + ss_error) / (nf * (kf - 1.0));
    if ms_subjects.is_nan() || ms_subjects <= 0.0 {
        return Err(StatsError::NoSpread {
            what: WHAT,
            group: "the animals' mean scores".into(),
        });
    }
    let upper_tail = 1.0 - (1.0 - level) / 2.0;

    // ICC(1) and ICC(3,1): exact intervals from the F distribution (Shrout & Fleiss, Table 2).
    let exact = |kind, ms_residual: f64, df2: f64| {
        let df1 = nf - 1.0;
        let value = (ms_subjects - ms_residual) / (ms_subjects + (kf - 1.0) * ms_residual);
        if ms_residual <= 0.0 {
            // The observers agree exactly: ICC = 1, and so are both limits.
            return Icc {
                kind,
                value,
                f: f64::INFINITY,
                df1,
                df2,
                p: 0.0,
                lower: 1.0,
                upper: 1.0,
            };
        }
        let f = ms_subjects / ms_residual;
        let f_lo = f / f_quantile(upper_tail, df1, df2);
        let f_hi = f * f_quantile(upper_tail, df2, df1);
        Icc {
            kind,
            value,
            f,
            df1,
            df2,
            p: f_sf(f, df1, df2),
            lower: (f_lo - 1.0) / (f_lo + kf - 1.0),
            upper: (f_hi - 1.0) / (f_hi + kf - 1.0),
        }
    };
    let one_way = exact(IccKind::OneWay, ms_within, nf * (kf - 1.0));
    let consistency = exact(IccKind::Consistency, ms_error, (nf - 1.0) * (kf - 1.0));

    // ICC(2,1): the observers' variance enters the denominator; its interval uses
    // Satterthwaite's degrees of freedom (McGraw & Wong 1996, Table 7, case 2A).
    let value = (ms_subjects - ms_error)
        / (ms_subjects + (kf - 1.0) * ms_error + kf * (ms_observers - ms_error) / nf);
    // With no error variance (one observer = the other plus a constant) Satterthwaite's
    // degrees of freedom do not exist: the limits are NaN, shown as such.
    let fj = ms_observers / ms_error;
    let a = kf * value * fj + nf * (1.0 + (kf - 1.0) * value) - kf * value;
    let v = (kf - 1.0) * (nf - 1.0) * a * a
        / ((nf - 1.0) * (kf * value * fj).powi(2)
            + (nf * (1.0 + (kf - 1.0) * value) - kf * value).powi(2));
    let f_star_hi = f_quantile(upper_tail, nf - 1.0, v);
    let f_star_lo = f_quantile(upper_tail, v, nf - 1.0);
    let c = kf * ms_observers + (kf * nf - kf - nf) * ms_error;
    let absolute = Icc {
        kind: IccKind::Absolute,
        value,
        f: consistency.f,
        df1: consistency.df1,
        df2: consistency.df2,
        p: consistency.p,
        lower: nf * (ms_subjects - f_star_hi * ms_error) / (f_star_hi * c + nf * ms_subjects),
        upper: nf * (f_star_lo * ms_subjects - ms_error) / (c + nf * f_star_lo * ms_subjects),
    };
    Ok([one_way, absolute, consistency])
}

/// Bland–Altman agreement of two observers: differences `second − first`.
#[derive(Debug, Clone, PartialEq)]
pub struct BlandAltman {
    pub n: usize,
    /// Mean difference, second − first.
    pub bias: f64,
    pub bias_lower: f64,
    pub bias_upper: f64,
    /// Standard deviation of the differences.
    pub sd: f64,
    /// bias − 1.96 SD.
    pub lower_limit: f64,
    /// bias + 1.96 SD.
    pub upper_limit: f64,
}

/// Bias, its `level` t interval and the 95 % limits of agreement of paired scores.
pub fn bland_altman(first: &[f64], second: &[f64], level: f64) -> Result<BlandAltman, StatsError> {
    const WHAT: &str = "Bland–Altman agreement";
    if first.len() != second.len() {
        return Err(StatsError::LengthMismatch {
            what: WHAT,
            expected: first.len(),
            found: second.len(),
        });
    }
    let n = first.len();
    if n < 2 {
        return Err(StatsError::TooFewValues {
            what: WHAT,
            group: "the paired scores".into(),
            needed: 2,
            found: n,
        });
    }
    let d: Vec<f64> = first.iter().zip(second).map(|(a, b)| b - a).collect();
    let nf = n as f64;
    let bias = d.iter().copied().collect::<NeumaierSum>().value() / nf;
    let sd = (d
        .iter()
        .map(|x| (x - bias) * (x - bias))
        .collect::<NeumaierSum>()
        .value()
        / (nf - 1.0))
        .sqrt();
    let half = t_quantile(1.0 - (1.0 - level) / 2.0, nf - 1.0) * sd / nf.sqrt();
    Ok(BlandAltman {
        n,
        bias,
        bias_lower: bias - half,
        bias_upper: bias + half,
        sd,
        lower_limit: bias - 1.96 * sd,
        upper_limit: bias + 1.96 * sd,
    })
}
