//! Least squares by Householder QR (Golub & Van Loan, *Matrix Computations*, 4th ed.,
//! §5.2 and §5.3): the design is never squared into normal equations, so a fit keeps about
//! twice the digits a Cholesky solution of XᵀX would (Longley 1967; NIST StRD Norris and
//! Pontius). Used by the factorial ANOVA on cell means and by calibration regression.

/// A QR factorisation of an n × p design with n ≥ p, stored column by column.
#[derive(Debug, Clone)]
pub(crate) struct Qr {
    n: usize,
    p: usize,
    /// Householder vectors below the diagonal, R on and above it (column-major, n × p).
    a: Vec<f64>,
    /// The scalars τ of the reflections H = I − τ v vᵀ (v with a leading 1).
    tau: Vec<f64>,
    diag: Vec<f64>,
}

/// Why a design cannot be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QrError {
    /// Fewer rows than columns.
    TooFewRows,
    /// A column is (numerically) a combination of the columns before it; its index.
    Singular(usize),
}

impl Qr {
    /// Factorises the design given as columns of equal length.
    pub(crate) fn new(columns: &[Vec<f64>]) -> Result<Qr, QrError> {
        let p = columns.len();
        let n = columns.first().map_or(0, Vec::len);
        if n < p || p == 0 {
            return Err(QrError::TooFewRows);
        }
        let mut a: Vec<f64> = columns.iter().flat_map(|c| c.iter().copied()).collect();
        let norms: Vec<f64> = columns.iter().map(|c| norm(c)).collect();
        let mut tau = vec![0.0; p];
        let mut diag = vec![0.0; p];
        for j in 0..p {
            let col = &mut a[j * n..(j + 1) * n];
            let alpha = norm(&col[j..]);
            // A column whose part outside the span of the earlier ones is at rounding level
            // of its own size adds no information.
            if alpha <= 1e-11 * norms[j] || alpha == 0.0 {
                return Err(QrError::Singular(j));
            }
            let beta = if col[j] > 0.0 { -alpha } else { alpha };
            let v0 = col[j] - beta;
            for v in col[j + 1..].iter_mut() {
                *v /= v0;
            }
            tau[j] = (beta - col[j]) / beta;
            col[j] = beta;
            diag[j] = beta;
            // Apply H_j to the remaining columns.
            for k in j + 1..p {
                let (left, right) = a.split_at_mut(k * n);
                let v = &left[j * n..(j + 1) * n];
                let c = &mut right[..n];
                let mut s = c[j];
                for i in j + 1..n {
                    s += v[i] * c[i];
                }
                s *= tau[j];
                c[j] -= s;
                for i in j + 1..n {
                    c[i] -= s * v[i];
                }
            }
        }
        Ok(Qr { n, p, a, tau, diag })
    }

    /// Qᵀy: the first p entries are the "effects" of the columns in order (their squares
    /// are the sequential sums of squares), the rest are residual components.
    pub(crate) fn qt(&self, y: &[f64]) -> Vec<f64> {
        let mut z = y.to_vec();
        for j in 0..self.p {
            let v = &self.a[j * self.n..(j + 1) * self.n];
            let mut s = z[j];
            for i in j + 1..self.n {
                s += v[i] * z[i];
            }
            s *= self.tau[j];
            z[j] -= s;
            for i in j + 1..self.n {
                z[i] -= s * v[i];
            }
        }
        z
    }

    fn r(&self, i: usize, j: usize) -> f64 {
        if i == j {
            self.diag[j]
        } else {
            self.a[j * self.n + i]
        }
    }

    /// Solves R b = (Qᵀy)[..p]: the least-squares coefficients.
    pub(crate) fn coefficients(&self, qty: &[f64]) -> Vec<f64> {
        let p = self.p;
        let mut b = qty[..p].to_vec();
        for i in (0..p).rev() {
            for j in i + 1..p {
                b[i] -= self.r(i, j) * b[j];
            }
            b[i] /= self.r(i, i);
        }
        b
    }

    /// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ, the unscaled covariance of the coefficients (row-major p × p).
    pub(crate) fn unscaled_covariance(&self) -> Vec<f64> {
        let p = self.p;
        // R⁻¹ by back substitution, column by column (upper triangular).
        let mut rinv = vec![0.0; p * p];
        for j in 0..p {
            rinv[j * p + j] = 1.0 / self.r(j, j);
            for i in (0..j).rev() {
                let mut s = 0.0;
                for k in i + 1..=j {
                    s += self.r(i, k) * rinv[k * p + j];
                }
                rinv[i * p + j] = -s / self.r(i, i);
            }
        }
        let mut cov = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                let mut s = 0.0;
                for k in i.max(j)..p {
                    s += rinv[i * p + k] * rinv[j * p + k];
                }
                cov[i * p + j] = s;
            }
        }
        cov
    }
}

fn norm(x: &[f64]) -> f64 {
    let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if scale == 0.0 {
        return 0.0;
    }
    scale * x.iter().map(|v| (v / scale).powi(2)).sum::<f64>().sqrt()
}

/// A weighted least-squares fit: coefficients, their unscaled covariance and the weighted
/// residual sum of squares.
#[derive(Debug, Clone)]
pub(crate) struct LeastSquaresFit {
    pub coefficients: Vec<f64>,
    /// (XᵀWX)⁻¹, row-major.
    pub unscaled_covariance: Vec<f64>,
    /// Σ wᵢ (yᵢ − ŷᵢ)², from the residual components of Qᵀ√W y (no subtraction).
    pub rss: f64,
    pub df_residual: usize,
}

/// Fits y on the columns with weights w (√w scales each row; all weights > 0).
pub(crate) fn weighted_least_squares(
    columns: &[Vec<f64>],
    y: &[f64],
    weights: Option<&[f64]>,
) -> Result<LeastSquaresFit, QrError> {
    let root: Option<Vec<f64>> = weights.map(|w| w.iter().map(|v| v.sqrt()).collect());
    let scaled = |x: &[f64]| -> Vec<f64> {
        match &root {
            Some(r) => x.iter().zip(r).map(|(v, s)| v * s).collect(),
            None => x.to_vec(),
        }
    };
    let design: Vec<Vec<f64>> = columns.iter().map(|c| scaled(c)).collect();
    let qr = Qr::new(&design)?;
    let qty = qr.qt(&scaled(y));
    let p = columns.len();
    let rss = qty[p..].iter().map(|v| v * v).sum();
    Ok(LeastSquaresFit {
        coefficients: qr.coefficients(&qty),
        unscaled_covariance: qr.unscaled_covariance(),
        rss,
        df_residual: y.len() - p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_line_is_recovered_and_residual_is_zero() {
        let x: Vec<f64> = (0..6).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| 2.0 + 0.5 * v).collect();
        let fit = weighted_least_squares(&[vec![1.0; 6], x], &y, None).unwrap();
        assert!((fit.coefficients[0] - 2.0).abs() < 1e-14);
        assert!((fit.coefficients[1] - 0.5).abs() < 1e-14);
        assert!(fit.rss < 1e-25);
        // (XᵀX)⁻¹ of x = 0..5: n = 6, Σx = 15, Σx² = 55, det = 105.
        let c = &fit.unscaled_covariance;
        assert!((c[0] - 55.0 / 105.0).abs() < 1e-14);
        assert!((c[1] + 15.0 / 105.0).abs() < 1e-14);
        assert!((c[3] - 6.0 / 105.0).abs() < 1e-14);
    }

    #[test]
    fn collinear_columns_are_refused() {
        let x = vec![1.0, 2.0, 3.0, 4.0];
        let twice: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
        assert_eq!(
            Qr::new(&[vec![1.0; 4], x, twice]).unwrap_err(),
            QrError::Singular(2)
        );
        assert_eq!(
            Qr::new(&[vec![1.0; 2], vec![1.0, 2.0], vec![3.0, 1.0]]).unwrap_err(),
            QrError::TooFewRows
        );
    }

    #[test]
    fn sequential_effects_add_up_to_the_explained_sum_of_squares() {
        let x = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let y = vec![1.1, 1.9, 3.2, 3.9, 5.3];
        let qr = Qr::new(&[vec![1.0; 5], x]).unwrap();
        let qty = qr.qt(&y);
        let total: f64 = y.iter().map(|v| v * v).sum();
        let parts: f64 = qty.iter().map(|v| v * v).sum();
        assert!((total - parts).abs() < 1e-12 * total);
        // The first effect is √n · ȳ.
        let mean = y.iter().sum::<f64>() / 5.0;
        assert!((qty[0].abs() - 5f64.sqrt() * mean).abs() < 1e-13);
    }
}
