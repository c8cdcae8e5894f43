//! Four-parameter logistic (4PL) standard curves for non-linear protein assays (Lowry,
//! BCA at high concentrations): y = d + (a − d) / (1 + (x/c)ᵇ), a the response at x = 0,
//! d the response at infinite x, c the inflection point (EC50), b the slope factor
//! (Findlay & Dillard 2007, *AAPS J* 9:E260–E267).
//!
//! Least squares by Levenberg–Marquardt (Moré 1978, in *Numerical Analysis*, LNM 630) on
//! (a, b, ln c, d) with the analytic Jacobian, each step solved by QR of the augmented
//! system; iteration stops when the relative offset of the residual from the tangent
//! plane, √(|Q₁ᵀr|² / |Q₂ᵀr|²) (Bates & Watts 1981, *Technometrics* 23:179–183; R's `nls`
//! criterion), falls below 1e-10 and steps stop improving. Standard errors are
//! √(σ² diag (JᵀJ)⁻¹) at the solution, as `summary.nls`.

use super::calibration::check_standards;
use super::distributions::t_quantile;
use super::linear::{weighted_least_squares, Qr};
use super::StatsError;

/// A fitted 4PL curve.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticFit {
    /// a, b, c, d.
    pub parameters: [f64; 4],
    pub standard_errors: [f64; 4],
    pub residual_sd: f64,
    pub df_residual: f64,
    pub iterations: usize,
    /// Standards' fitted values, back-calculated concentrations and % relative errors.
    pub fitted: Vec<f64>,
    pub back_calculated: Vec<Option<f64>>,
    pub relative_error_pct: Vec<Option<f64>>,
    /// Confidence intervals of a, b, c, d at `level` (Wald, t on df_residual).
    pub confidence_intervals: [(f64, f64); 4],
    pub level: f64,
}

impl LogisticFit {
    pub fn response(&self, x: f64) -> f64 {
        curve(&self.parameters, x)
    }

    /// x = c·((a − d)/(y − d) − 1)^(1/b); None unless y lies strictly between a and d.
    pub fn concentration(&self, y: f64) -> Option<f64> {
        let [a, b, c, d] = self.parameters;
        let ratio = (a - d) / (y - d) - 1.0;
        let inside = (y - a) * (y - d) < 0.0;
        let x = c * ratio.powf(1.0 / b);
        (inside && x.is_finite()).then_some(x)
    }
}

fn curve(p: &[f64; 4], x: f64) -> f64 {
    let [a, b, c, d] = *p;
    let u = if x == 0.0 { 0.0 } else { (x / c).powf(b) };
    d + (a - d) / (1.0 + u)
}

/// ∂y/∂(a, b, c, d) at x.
fn gradient(p: &[f64; 4], x: f64) -> [f64; 4] {
    let [a, b, c, d] = *p;
    if x == 0.0 {
        return [1.0, 0.0, 0.0, 0.0];
    }
    let u = (x / c).powf(b);
    let den = 1.0 + u;
    let k = (a - d) / (den * den);
    [1.0 / den, -k * u * (x / c).ln(), k * u * b / c, u / den]
}

/// The Jacobian's columns, in (a, b, c, d) or, with `log_c`, in (a, b, ln c, d)
/// (∂/∂ln c = c ∂/∂c).
fn jacobian(p: &[f64; 4], x: &[f64], log_c: bool) -> Vec<Vec<f64>> {
    let mut cols: Vec<Vec<f64>> = (0..4).map(|_| Vec::with_capacity(x.len())).collect();
    for &xi in x {
        let mut g = gradient(p, xi);
        if log_c {
            g[2] *= p[2];
        }
        for (col, v) in cols.iter_mut().zip(g) {
            col.push(v);
        }
    }
    cols
}

fn residuals(p: &[f64; 4], x: &[f64], y: &[f64]) -> Vec<f64> {
    x.iter().zip(y).map(|(&x, &y)| y - curve(p, x)).collect()
}

fn sum_sq(r: &[f64]) -> f64 {
    r.iter().map(|v| v * v).sum()
}

/// Starting values: the asymptotes just beyond the responses at the lowest and highest
/// concentration, b and c from the straight line of ln((a − y)/(y − d)) on ln x.
fn start(x: &[f64], y: &[f64]) -> Option<[f64; 4]> {
    let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mean_at = |v: f64| {
        let (s, n) = x
            .iter()
            .zip(y)
            .filter(|(&xi, _)| xi == v)
            .fold((0.0, 0.0), |(s, n), (_, &yi)| (s + yi, n + 1.0));
        s / n
    };
    let (y_lo, y_hi) = (mean_at(lo), mean_at(hi));
    let span = y_hi - y_lo;
    let (a, d) = (y_lo - 0.05 * span, y_hi + 0.05 * span);
    let (mut lx, mut ly) = (Vec::new(), Vec::new());
    for (&xi, &yi) in x.iter().zip(y) {
        let ratio = (a - yi) / (yi - d);
        if xi > 0.0 && ratio > 0.0 {
            lx.push(xi.ln());
            ly.push(ratio.ln());
        }
    }
    if lx.len() < 2 {
        return None;
    }
    let fit = weighted_least_squares(&[vec![1.0; lx.len()], lx], &ly, None).ok()?;
    let b = fit.coefficients[1];
    let c = (-fit.coefficients[0] / b).exp();
    (b.is_finite() && c.is_finite() && c > 0.0 && b != 0.0).then_some([a, b.abs(), c, d])
}

/// Fits the 4PL to the standards; a clear error when the fit does not converge.
pub fn fit_four_parameter_logistic(
    x: &[f64],
    y: &[f64],
    level: f64,
) -> Result<LogisticFit, StatsError> {
    let what = "a four-parameter logistic curve";
    check_standards(what, x, y, 5)?;
    if let Some(&value) = x.iter().find(|v| **v < 0.0) {
        return Err(StatsError::NotFinite {
            group: "the standards' concentrations (negative)".into(),
            value,
        });
    }
    let not_converged = |why: &str| StatsError::NotConverged {
        what,
        reason: why.to_string(),
    };
    let mut p = start(x, y).ok_or_else(|| not_converged("no sigmoid shape to start from"))?;
    let n = x.len();
    let mut r = residuals(&p, x, y);
    let mut rss = sum_sq(&r);
    let mut lambda: f64 = 1e-3;
    let mut iterations = 0;
    let mut converged = false;
    let log_jacobian = |p: &[f64; 4]| jacobian(p, x, true);
    while iterations < 1000 {
        iterations += 1;
        let j = log_jacobian(&p);
        // Convergence: relative offset of the residual vector from the tangent plane.
        if let Ok(qr) = Qr::new(&j) {
            let qtr = qr.qt(&r);
            let along = sum_sq(&qtr[..4]);
            let across = sum_sq(&qtr[4..]);
            if across == 0.0 || (along / across).sqrt() < 1e-10 {
                converged = true;
                // A final Gauss–Newton step to polish the digits.
                let step = qr.coefficients(&qtr);
                let trial = apply(&p, &step);
                let rt = residuals(&trial, x, y);
                if sum_sq(&rt) <= rss {
                    p = trial;
                }
                break;
            }
        }
        let scale: Vec<f64> = j.iter().map(|c| sum_sq(c).sqrt().max(1e-300)).collect();
        let mut improved = false;
        for _ in 0..60 {
            // Augmented least squares [J; √λ D] δ = [r; 0].
            let mut cols = j.clone();
            for (k, col) in cols.iter_mut().enumerate() {
                for m in 0..4 {
                    col.push(if m == k {
                        lambda.sqrt() * scale[k]
                    } else {
                        0.0
                    });
                }
            }
            let mut rhs = r.clone();
            rhs.extend([0.0; 4]);
            let Ok(fit) = weighted_least_squares(&cols, &rhs, None) else {
                lambda *= 10.0;
                continue;
            };
            let trial = apply(&p, &fit.coefficients);
            let rt = residuals(&trial, x, y);
            let rss_t = sum_sq(&rt);
            if rss_t.is_finite() && rss_t <= rss {
                p = trial;
                r = rt;
                rss = rss_t;
                lambda = (lambda / 10.0).max(1e-12);
                improved = true;
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    if !converged || !p.iter().all(|v| v.is_finite()) {
        return Err(not_converged(
            "the standards do not define a sigmoid curve (no convergence); a straight line may fit them",
        ));
    }
    r = residuals(&p, x, y);
    rss = sum_sq(&r);
    let df = (n - 4) as f64;
    let sigma2 = rss / df;
    // Covariance in (a, b, c, d) from the Jacobian in c itself.
    let cols = jacobian(&p, x, false);
    let qr = Qr::new(&cols).map_err(|_| not_converged("the fitted curve is degenerate"))?;
    let cov = qr.unscaled_covariance();
    let standard_errors = [0, 1, 2, 3].map(|k| (sigma2 * cov[k * 4 + k]).sqrt());
    let t = t_quantile(0.5 + level / 2.0, df);
    let mut fit = LogisticFit {
        parameters: p,
        standard_errors,
        residual_sd: sigma2.sqrt(),
        df_residual: df,
        iterations,
        fitted: x.iter().map(|&v| curve(&p, v)).collect(),
        back_calculated: Vec::new(),
        relative_error_pct: Vec::new(),
        confidence_intervals: [0, 1, 2, 3]
            .map(|k| (p[k] - t * standard_errors[k], p[k] + t * standard_errors[k])),
        level,
    };
    fit.back_calculated = y.iter().map(|&v| fit.concentration(v)).collect();
    fit.relative_error_pct = fit
        .back_calculated
        .iter()
        .zip(x)
        .map(|(b, &xi)| b.filter(|_| xi != 0.0).map(|b| 100.0 * (b - xi) / xi))
        .collect();
    Ok(fit)
}

fn apply(p: &[f64; 4], step: &[f64]) -> [f64; 4] {
    [
        p[0] + step[0],
        p[1] + step[1],
        p[2] * step[2].exp(),
        p[3] + step[3],
    ]
}
