//! Calibration curves for HPLC and protein assays: straight-line and quadratic least
//! squares, unweighted or weighted (1/x, 1/x², 1/y²), with back-calculated standards,
//! detection limits and inverse prediction of unknowns.
//!
//! - Fits by Householder QR of the √w-scaled design (see `linear.rs`); standard errors and
//!   R² as R's `summary.lm` (weighted R² = 1 − Σw r² / Σw (y − ȳ_w)²; σ = √(Σw r² / df)).
//!   A standard whose weight would be infinite (x = 0 under 1/x or 1/x², y = 0 under 1/y²)
//!   is left out of that fit and reported as such.
//! - Back-calculation inverts the fitted curve at each standard's response; the relative
//!   error is 100·(x̂ − x)/x. The weighting with the smallest Σ|%RE| is the usual way to
//!   choose one (Almeida, Castel-Branco & Falcão 2002, *J Chromatogr B* 774:215–222).
//! - LOD = 3.3 σ/S and LOQ = 10 σ/S (ICH Q2(R1) §6.3 and §7.3), with S the slope at zero
//!   (the coefficient of x) and σ the residual SD of the standards about the curve on the
//!   response scale, √(Σ r²/df), whatever the weighting.
//! - Inverse prediction of an unknown measured once: x̂ solves f(x̂) = y₀; its interval is the
//!   set of x whose prediction band contains y₀ (Eisenhart 1939, *Ann Math Stat*
//!   10:162–186): f(x) ± t·√(σ²/w₀(x) + g(x)ᵀVg(x)), with w₀ the weight a new single
//!   measurement would have. The limits are the band crossings nearest x̂; a side with no
//!   crossing within ten times the calibrated range is reported as unbounded.

use super::distributions::{brent_root, t_quantile};
use super::linear::{weighted_least_squares, QrError};
use super::StatsError;

/// The weighting of the standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weighting {
    None,
    InverseX,
    InverseX2,
    InverseY2,
}

impl Weighting {
    pub const ALL: [Weighting; 4] = [
        Weighting::None,
        Weighting::InverseX,
        Weighting::InverseX2,
        Weighting::InverseY2,
    ];

    /// The name used on the command line and in JSON: none, 1/x, 1/x2, 1/y2.
    pub fn id(self) -> &'static str {
        match self {
            Weighting::None => "none",
            Weighting::InverseX => "1/x",
            Weighting::InverseX2 => "1/x2",
            Weighting::InverseY2 => "1/y2",
        }
    }

    /// The weight of a measurement y at x; infinite or undefined weights are None.
    pub fn weight(self, x: f64, y: f64) -> Option<f64> {
        let w = match self {
            Weighting::None => 1.0,
            Weighting::InverseX => 1.0 / x,
            Weighting::InverseX2 => 1.0 / (x * x),
            Weighting::InverseY2 => 1.0 / (y * y),
        };
        (w.is_finite() && w > 0.0).then_some(w)
    }
}

/// The shape of the curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveModel {
    Linear,
    Quadratic,
}

impl CurveModel {
    pub fn id(self) -> &'static str {
        match self {
            CurveModel::Linear => "linear",
            CurveModel::Quadratic => "quadratic",
        }
    }

    fn parameters(self) -> usize {
        match self {
            CurveModel::Linear => 2,
            CurveModel::Quadratic => 3,
        }
    }
}

/// One standard after the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct StandardResult {
    pub x: f64,
    pub y: f64,
    /// False when the weighting leaves the standard out (infinite weight).
    pub used: bool,
    pub fitted: f64,
    /// The concentration read back from the curve at y; None if the curve never reaches y.
    pub back_calculated: Option<f64>,
    /// 100·(back-calculated − x)/x; None for the blank (x = 0).
    pub relative_error_pct: Option<f64>,
}

/// A fitted calibration curve y = b₀ + b₁x (+ b₂x²).
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationFit {
    pub model: CurveModel,
    pub weighting: Weighting,
    /// b₀, b₁ (and b₂).
    pub coefficients: Vec<f64>,
    pub standard_errors: Vec<f64>,
    /// Confidence intervals of the coefficients at `level`.
    pub confidence_intervals: Vec<(f64, f64)>,
    pub level: f64,
    /// σ²·(XᵀWX)⁻¹, row-major.
    pub covariance: Vec<f64>,
    pub r_squared: f64,
    /// √(Σw r²/df): R's `sigma`.
    pub residual_sd: f64,
    /// √(Σ r²/df): the residual SD on the response scale, used for LOD and LOQ.
    pub residual_sd_unweighted: f64,
    pub df_residual: f64,
    pub lod: f64,
    pub loq: f64,
    pub standards: Vec<StandardResult>,
    /// Σ|%RE| over the standards with x ≠ 0 used in the fit.
    pub sum_abs_relative_error_pct: f64,
}

impl CalibrationFit {
    /// The curve's response at x.
    pub fn response(&self, x: f64) -> f64 {
        let b = &self.coefficients;
        b[0] + x * (b[1] + if b.len() > 2 { x * b[2] } else { 0.0 })
    }

    fn gradient(&self, x: f64) -> Vec<f64> {
        (0..self.coefficients.len())
            .map(|i| x.powi(i as i32))
            .collect()
    }

    /// Var(f̂(x)) = g(x)ᵀ V g(x).
    fn response_variance(&self, x: f64) -> f64 {
        let g = self.gradient(x);
        let p = g.len();
        let mut v = 0.0;
        for i in 0..p {
            for j in 0..p {
                v += g[i] * self.covariance[i * p + j] * g[j];
            }
        }
        v
    }

    /// The concentration at which the curve gives y: for a quadratic, the root on the
    /// branch whose slope has the sign of b₁ (the branch through the standards).
    pub fn concentration(&self, y: f64) -> Option<f64> {
        let b = &self.coefficients;
        let x = if b.len() == 2 || b[2] == 0.0 {
            (y - b[0]) / b[1]
        } else {
            let disc = b[1] * b[1] - 4.0 * b[2] * (b[0] - y);
            if disc < 0.0 {
                return None;
            }
            2.0 * (y - b[0]) / (b[1] + b[1].signum() * disc.sqrt())
        };
        x.is_finite().then_some(x)
    }
}

/// The unknown's concentration and its inverse-prediction interval (None: unbounded).
#[derive(Debug, Clone, PartialEq)]
pub struct InversePrediction {
    pub y: f64,
    pub x: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

fn distinct(x: &[f64]) -> usize {
    let mut v: Vec<f64> = x.to_vec();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v.len()
}

/// Checks standards common to every curve fit.
pub(crate) fn check_standards(
    what: &'static str,
    x: &[f64],
    y: &[f64],
    min_distinct: usize,
) -> Result<(), StatsError> {
    if x.len() != y.len() {
        return Err(StatsError::LengthMismatch {
            what,
            expected: x.len(),
            found: y.len(),
        });
    }
    if let Some(&value) = x.iter().chain(y).find(|v| !v.is_finite()) {
        return Err(StatsError::NotFinite {
            group: "the standards".into(),
            value,
        });
    }
    let d = distinct(x);
    if d < min_distinct {
        return Err(StatsError::TooFewStandards {
            what,
            needed: min_distinct,
            found: d,
        });
    }
    Ok(())
}

/// Fits the curve to the standards (x = nominal concentration, y = response).
pub fn fit_calibration(
    x: &[f64],
    y: &[f64],
    model: CurveModel,
    weighting: Weighting,
    level: f64,
) -> Result<CalibrationFit, StatsError> {
    let what = match model {
        CurveModel::Linear => "a straight-line calibration",
        CurveModel::Quadratic => "a quadratic calibration",
    };
    let p = model.parameters();
    check_standards(what, x, y, p + 1)?;
    let used: Vec<Option<f64>> = x
        .iter()
        .zip(y)
        .map(|(&x, &y)| weighting.weight(x, y))
        .collect();
    let (xs, ys, ws): (Vec<f64>, Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .zip(&used)
        .filter_map(|((&x, &y), w)| w.map(|w| (x, y, w)))
        .fold((vec![], vec![], vec![]), |mut acc, (x, y, w)| {
            acc.0.push(x);
            acc.1.push(y);
            acc.2.push(w);
            acc
        });
    let d = distinct(&xs);
    if d < p + 1 {
        return Err(StatsError::TooFewStandards {
            what,
            needed: p + 1,
            found: d,
        });
    }
    let columns: Vec<Vec<f64>> = (0..p)
        .map(|i| xs.iter().map(|v| v.powi(i as i32)).collect())
        .collect();
    let fit = weighted_least_squares(&columns, &ys, Some(&ws)).map_err(|e| match e {
        QrError::TooFewRows | QrError::Singular(_) => StatsError::TooFewStandards {
            what,
            needed: p + 1,
            found: d,
        },
    })?;
    let df = fit.df_residual as f64;
    let sigma2 = fit.rss / df;
    if sigma2 <= 0.0 {
        return Err(StatsError::NoSpread {
            what,
            group: "the residuals (the standards lie exactly on the curve)".into(),
        });
    }
    let covariance: Vec<f64> = fit.unscaled_covariance.iter().map(|v| v * sigma2).collect();
    let standard_errors: Vec<f64> = (0..p).map(|i| covariance[i * p + i].sqrt()).collect();
    let t = t_quantile(0.5 + level / 2.0, df);
    let confidence_intervals = fit
        .coefficients
        .iter()
        .zip(&standard_errors)
        .map(|(b, se)| (b - t * se, b + t * se))
        .collect();
    let sw: f64 = ws.iter().sum();
    let y_bar = ys.iter().zip(&ws).map(|(y, w)| y * w).sum::<f64>() / sw;
    let tss: f64 = ys
        .iter()
        .zip(&ws)
        .map(|(y, w)| w * (y - y_bar).powi(2))
        .sum();
    let mut result = CalibrationFit {
        model,
        weighting,
        coefficients: fit.coefficients,
        standard_errors,
        confidence_intervals,
        level,
        covariance,
        r_squared: 1.0 - fit.rss / tss,
        residual_sd: sigma2.sqrt(),
        residual_sd_unweighted: f64::NAN,
        df_residual: df,
        lod: f64::NAN,
        loq: f64::NAN,
        standards: Vec::with_capacity(x.len()),
        sum_abs_relative_error_pct: 0.0,
    };
    let mut rss_unweighted = 0.0;
    let mut sum_re = 0.0;
    for ((&xi, &yi), w) in x.iter().zip(y).zip(&used) {
        let fitted = result.response(xi);
        let back = if model == CurveModel::Quadratic {
            nearest_root(&result.coefficients, yi, xi)
        } else {
            result.concentration(yi)
        };
        let re = back.filter(|_| xi != 0.0).map(|b| 100.0 * (b - xi) / xi);
        if w.is_some() {
            rss_unweighted += (yi - fitted).powi(2);
            sum_re += re.map_or(0.0, f64::abs);
        }
        result.standards.push(StandardResult {
            x: xi,
            y: yi,
            used: w.is_some(),
            fitted,
            back_calculated: back,
            relative_error_pct: re,
        });
    }
    result.residual_sd_unweighted = (rss_unweighted / df).sqrt();
    result.lod = 3.3 * result.residual_sd_unweighted / result.coefficients[1];
    result.loq = 10.0 * result.residual_sd_unweighted / result.coefficients[1];
    result.sum_abs_relative_error_pct = sum_re;
    Ok(result)
}

/// The root of b₀ + b₁x + b₂x² = y nearest `nominal` (a standard's back-calculation).
fn nearest_root(b: &[f64], y: f64, nominal: f64) -> Option<f64> {
    let disc = b[1] * b[1] - 4.0 * b[2] * (b[0] - y);
    if disc < 0.0 {
        return None;
    }
    let q = -0.5 * (b[1] + b[1].signum() * disc.sqrt());
    let roots = [q / b[2], (b[0] - y) / q];
    roots
        .into_iter()
        .filter(|r| r.is_finite())
        .min_by(|r, s| (r - nominal).abs().total_cmp(&(s - nominal).abs()))
}

/// Fits every weighting and returns them with the index of the one with the smallest
/// Σ|%RE| (ties: the simplest, in the order none, 1/x, 1/x², 1/y²).
pub fn best_weighting(
    x: &[f64],
    y: &[f64],
    model: CurveModel,
    level: f64,
) -> Result<(usize, Vec<CalibrationFit>), StatsError> {
    let fits = Weighting::ALL
        .iter()
        .map(|&w| fit_calibration(x, y, model, w, level))
        .collect::<Result<Vec<_>, _>>()?;
    let best = fits
        .iter()
        .enumerate()
        .min_by(|a, b| {
            a.1.sum_abs_relative_error_pct
                .total_cmp(&b.1.sum_abs_relative_error_pct)
        })
        .map_or(0, |(i, _)| i);
    Ok((best, fits))
}

/// Inverse prediction of an unknown measured once, with its `fit.level` interval.
pub fn inverse_predict(fit: &CalibrationFit, y0: f64) -> InversePrediction {
    let Some(x_hat) = fit.concentration(y0) else {
        return InversePrediction {
            y: y0,
            x: None,
            lower: None,
            upper: None,
        };
    };
    let t = t_quantile(0.5 + fit.level / 2.0, fit.df_residual);
    let s2 = fit.residual_sd.powi(2);
    let new_variance = |x: f64| -> Option<f64> {
        let w = match fit.weighting {
            Weighting::InverseY2 => fit.weighting.weight(x, y0)?,
            w => w.weight(x, f64::NAN)?,
        };
        Some(s2 / w + fit.response_variance(x))
    };
    let max_x = fit.standards.iter().map(|s| s.x.abs()).fold(0.0, f64::max);
    let (min_s, max_s) = fit
        .standards
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), s| {
            (lo.min(s.x), hi.max(s.x))
        });
    let reach = 10.0 * (max_s - min_s).max(max_x);
    let h = 0.005 * max_x;
    let increasing = fit.coefficients[1] > 0.0;
    let needs_positive_x = matches!(fit.weighting, Weighting::InverseX | Weighting::InverseX2);
    // band(x, sign) − y0 with sign +1 for the upper band.
    let band = |x: f64, sign: f64| -> Option<f64> {
        new_variance(x).map(|v| fit.response(x) + sign * t * v.max(0.0).sqrt() - y0)
    };
    let crossing = |direction: f64| -> Option<f64> {
        // Going down in x on an increasing curve, the upper band meets y0 (lower limit).
        let sign = if (direction < 0.0) == increasing {
            1.0
        } else {
            -1.0
        };
        let mut previous = x_hat;
        let mut k = 1.0;
        loop {
            let mut next = x_hat + direction * h * k;
            if needs_positive_x && next <= 0.0 {
                next = previous / 2.0;
                if next < 1e-300 {
                    return None;
                }
            }
            if (next - x_hat).abs() > reach {
                return None;
            }
            let (a, b) = (band(previous, sign)?, band(next, sign)?);
            if a == 0.0 {
                return Some(previous);
            }
            if a.signum() != b.signum() {
                let root = brent_root(|x| band(x, sign).unwrap_or(f64::NAN), previous, next, 1e-15);
                return Some(root);
            }
            previous = next;
            k += 1.0;
        }
    };
    InversePrediction {
        y: y0,
        x: Some(x_hat),
        lower: crossing(-1.0),
        upper: crossing(1.0),
    }
}
