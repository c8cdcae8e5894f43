//! Distribution functions that need more accuracy than statrs gives.
//!
//! The standard normal tail is computed from the regularized incomplete gamma function,
//! Φ(−x) = ½·Q(½, x²/2) for x ≥ 0 (Abramowitz & Stegun 1964, 26.2.30 with 6.5.17), which
//! statrs evaluates to about 1e-14 relative or better. statrs' own `erfc`, behind `Normal::cdf`,
//! is off by up to ~4e-11 relative (e.g. at x = 1.5), too coarse for p values that must
//! agree with R to 9 digits. Inside numerical integrals, where speed matters, [`phi`] uses
//! the `erfc` of the `libm` crate (FreeBSD msun, error below 1 ulp).

use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};

use super::quadrature::integrate;

/// Upper tail of the standard normal distribution, P(Z > x).
pub fn normal_sf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        return 0.5;
    }
    let half_square = x * x / 2.0;
    if x >= 0.0 {
        if x.is_infinite() {
            return 0.0;
        }
        0.5 * gamma_ur(0.5, half_square)
    } else if x.is_infinite() {
        1.0
    } else {
        0.5 * (1.0 + gamma_lr(0.5, half_square))
    }
}

/// The standard normal distribution function, P(Z ≤ x).
pub fn normal_cdf(x: f64) -> f64 {
    normal_sf(-x)
}

/// The standard normal quantile Φ⁻¹(p): statrs' value refined by Newton steps on
/// [`normal_cdf`] (or on [`normal_sf`] above the median), to full double precision.
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || p.is_nan() {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let standard = Normal::standard();
    let mut x = standard.inverse_cdf(p);
    for _ in 0..3 {
        let residual = if x <= 0.0 {
            normal_cdf(x) - p
        } else {
            (1.0 - p) - normal_sf(x)
        };
        let density = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
        if density == 0.0 || residual == 0.0 {
            break;
        }
        x -= residual / density;
    }
    x
}

/// Φ(x) for use inside integrals (see the module note).
#[inline]
pub(crate) fn phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// The standard normal density φ(x).
#[inline]
pub(crate) fn normal_density(x: f64) -> f64 {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    INV_SQRT_2PI * (-0.5 * x * x).exp()
}

/// ln1p(u) − u − u²/2 without cancellation near u = 0.
fn log1p_minus_quadratic(u: f64) -> f64 {
    if u.abs() > 0.1 {
        return u.ln_1p() - u * (1.0 + 0.5 * u);
    }
    // ln1p(u) − u = Σ_{j≥2} (−1)^{j+1} uʲ/j
    let mut term = u * u;
    let mut sum = -0.5 * term;
    for j in 3..40 {
        term *= -u;
        let add = -term / j as f64;
        sum += add;
        if add.abs() <= 1e-17 * sum.abs() {
            break;
        }
    }
    sum - 0.5 * u * u
}

/// Stirling's error, ln Γ(h) − (h − ½) ln h + h − ½ ln 2π.
pub(crate) fn stirling_error(h: f64) -> f64 {
    if h < 20.0 {
        return ln_gamma(h) - (h - 0.5) * h.ln() + h - 0.5 * (2.0 * std::f64::consts::PI).ln();
    }
    let h2 = h * h;
    (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * h2)) / h2) / h2) / h
}

/// x·ln(x/m) + m − x, the deviance term of Loader (2000, "Fast and accurate computation
/// of binomial probabilities"), by its series in v = (x − m)/(x + m) when x is near m so
/// that it keeps its relative accuracy.
pub(crate) fn deviance_term(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let v = (x - m) / (x + m);
        let mut sum = (x - m) * v;
        let mut term = 2.0 * x * v;
        let v2 = v * v;
        for j in 1..1000 {
            term *= v2;
            let next = sum + term / f64::from(2 * j + 1);
            if next == sum {
                break;
            }
            sum = next;
        }
        sum
    } else if x == 0.0 {
        m
    } else {
        x * (x / m).ln() + m - x
    }
}

/// The Poisson probability e^{−μ}μʲ/j! by Loader's (2000) saddle-point form,
/// exp(−stirlerr(j) − bd0(j, μ))/√(2πj), accurate for large j and μ.
pub(crate) fn poisson_probability(j: f64, mu: f64) -> f64 {
    if j == 0.0 {
        return (-mu).exp();
    }
    (-stirling_error(j) - deviance_term(j, mu)).exp() / (2.0 * std::f64::consts::PI * j).sqrt()
}

/// x^a·y^b/B(a, b) with y = 1 − x, written as a binomial-type density to avoid the
/// cancellation of ln Γ terms (Loader 2000):
/// (ab/n)·√(n/(2πab))·exp(stirlerr(n) − stirlerr(a) − stirlerr(b) − bd0(a, nx) − bd0(b, ny)),
/// n = a + b.
fn beta_front(a: f64, b: f64, x: f64, y: f64) -> f64 {
    let n = a + b;
    let log_part = stirling_error(n)
        - stirling_error(a)
        - stirling_error(b)
        - deviance_term(a, n * x)
        - deviance_term(b, n * y);
    a * b / n * (n / (2.0 * std::f64::consts::PI * a * b)).sqrt() * log_part.exp()
}

/// The continued fraction of I_x(a, b)·a·B(a, b)/(x^a y^b) (Abramowitz & Stegun 1964,
/// 26.5.8), evaluated by the modified Lentz method (Thompson & Barnett 1986); it converges
/// quickly for x < (a + 1)/(a + b + 2).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..100_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        for coefficient in [
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ] {
            d = 1.0 + coefficient * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + coefficient / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() <= 1e-16 {
            break;
        }
    }
    h
}

/// Both tails of the regularized incomplete beta function, (I_x(a, b), 1 − I_x(a, b)),
/// with y = 1 − x passed separately so that neither loses digits near 1. The smaller
/// tail is computed directly by the continued fraction, so both keep their relative
/// accuracy; a, b > 0.
pub(crate) fn beta_tails(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    if x < (a + 1.0) / (a + b + 2.0) {
        let lower = (beta_front(a, b, x, y) / a * beta_continued_fraction(a, b, x)).min(1.0);
        (lower, 1.0 - lower)
    } else {
        let upper = (beta_front(b, a, y, x) / b * beta_continued_fraction(b, a, y)).min(1.0);
        (1.0 - upper, upper)
    }
}

/// Density of s = √(χ²_ν/ν), written around its mode at 1 so that it keeps full
/// accuracy for ν in the millions:
/// ln f = ln 2 + ½ ln h − ½ ln 2π − stirlerr(h) + 2h·(ln s − (s² − 1)/2) − ln s, h = ν/2.
fn chi_scale_density(s: f64, nu: f64) -> f64 {
    if s <= 0.0 {
        return 0.0;
    }
    let h = 0.5 * nu;
    let log_f = std::f64::consts::LN_2 + 0.5 * h.ln()
        - 0.5 * (2.0 * std::f64::consts::PI).ln()
        - stirling_error(h)
        + 2.0 * h * log1p_minus_quadratic(s - 1.0)
        - s.ln();
    log_f.exp()
}

/// E[g(s)] for s = √(χ²_ν/ν), the scale of a studentized statistic, by adaptive
/// quadrature over the bulk of the density; `extra_breaks` are points where `g` changes
/// quickly. For ν = ∞, s = 1.
pub(crate) fn average_over_chi_scale(
    nu: f64,
    extra_breaks: &[f64],
    rel_tol: f64,
    mut g: impl FnMut(f64) -> f64,
) -> f64 {
    if nu.is_infinite() {
        return g(1.0);
    }
    let sigma = (0.5 / nu).sqrt();
    let lo = (1.0 - 14.0 * sigma).max(0.0);
    let hi = 1.0 + 16.0 * sigma;
    let mut breaks = vec![lo, hi];
    for j in [-5.0, -2.0, 0.0, 2.0, 5.0] {
        breaks.push(1.0 + j * sigma);
    }
    breaks.extend_from_slice(extra_breaks);
    breaks.retain(|b| *b >= lo && *b <= hi);
    breaks.sort_by(f64::total_cmp);
    breaks.dedup();
    integrate(|s| chi_scale_density(s, nu) * g(s), &breaks, rel_tol, 0.0)
}

/// Brent's (1973, *Algorithms for Minimization without Derivatives*, ch. 4) root finder
/// on a bracketing interval [a, b] with f(a)·f(b) ≤ 0.
pub(crate) fn brent_root(mut f: impl FnMut(f64) -> f64, mut a: f64, mut b: f64, tol: f64) -> f64 {
    let mut fa = f(a);
    let mut fb = f(b);
    if fa == 0.0 {
        return a;
    }
    if fb == 0.0 {
        return b;
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * tol;
        let m = 0.5 * (c - b);
        if m.abs() <= tol1 || fb == 0.0 {
            return b;
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol1 * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(m) };
        fb = f(b);
    }
    b
}

/// Upper tail of the F distribution, P(F > f); NaN for NaN input or invalid df, never a panic.
pub(crate) fn f_sf(f: f64, df1: f64, df2: f64) -> f64 {
    use statrs::distribution::FisherSnedecor;
    if f.is_nan() {
        return f64::NAN;
    }
    if f <= 0.0 {
        return 1.0;
    }
    if f.is_infinite() {
        return 0.0;
    }
    FisherSnedecor::new(df1, df2).map_or(f64::NAN, |d| d.sf(f))
}

/// Quantile of the F distribution (real degrees of freedom allowed), by Brent's method on
/// its distribution function; NaN outside 0 < p < 1 or for invalid df.
pub(crate) fn f_quantile(p: f64, df1: f64, df2: f64) -> f64 {
    use statrs::distribution::FisherSnedecor;
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    let Ok(d) = FisherSnedecor::new(df1, df2) else {
        return f64::NAN;
    };
    bracket_and_solve(|q| d.cdf(q) - p, 0.0, 4.0)
}

/// Upper tail of Student's t distribution, P(T > t); NaN for NaN input or invalid df.
pub(crate) fn t_sf(t: f64, df: f64) -> f64 {
    use statrs::distribution::StudentsT;
    if t.is_nan() {
        return f64::NAN;
    }
    if t.is_infinite() {
        return if t > 0.0 { 0.0 } else { 1.0 };
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| d.sf(t))
}

/// Quantile of Student's t distribution; NaN outside 0 < p < 1 or for invalid df.
pub(crate) fn t_quantile(p: f64, df: f64) -> f64 {
    use statrs::distribution::StudentsT;
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |d| d.inverse_cdf(p))
}

/// Widens [lo, hi] (lo ≥ 0) until `f`, which increases with q, changes sign, then finds
/// the root by Brent's method to about 1e-13 relative.
pub(crate) fn bracket_and_solve(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let mut f_lo = if lo > 0.0 { f(lo) } else { -1.0 };
    while f_lo > 0.0 {
        let width = hi - lo;
        hi = lo;
        lo = (lo - 2.0 * width.max(1e-9)).max(0.0);
        f_lo = if lo > 0.0 { f(lo) } else { -1.0 };
    }
    let mut f_hi = f(hi);
    while f_hi < 0.0 {
        let width = hi - lo;
        lo = hi;
        hi += 2.0 * width.max(1e-9);
        if hi > 1e6 {
            return f64::NAN;
        }
        f_hi = f(hi);
    }
    brent_root(f, lo, hi, 1e-13 * hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_scale_density_integrates_to_one() {
        for nu in [1.0, 2.0, 5.0, 30.0, 1000.0, 1e6] {
            let total = average_over_chi_scale(nu, &[], 1e-14, |_| 1.0);
            assert!((total - 1.0).abs() < 1e-13, "ν = {nu}: {total}");
        }
    }

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        // Φ⁻¹(0.975) = 1.959963984540054 (R: qnorm(0.975), 16 digits)
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-15);
        for p in [1e-300, 1e-12, 0.001, 0.3, 0.5, 0.9, 1.0 - 1e-12] {
            let x = normal_quantile(p);
            let back = if x < 0.0 {
                normal_cdf(x)
            } else {
                1.0 - normal_sf(x)
            };
            assert!(((back - p) / p).abs() < 1e-13, "p = {p}: {back}");
        }
    }

    #[test]
    fn brent_finds_a_root() {
        let r = brent_root(|x| x * x * x - 2.0, 0.0, 2.0, 1e-15);
        assert!((r - 2f64.cbrt()).abs() < 1e-15);
    }

    #[test]
    fn fast_phi_agrees_with_the_incomplete_gamma_form() {
        for x in [-30.0, -8.0, -1.5, 0.0, 0.7, 5.0] {
            let (a, b) = (phi(x), normal_cdf(x));
            assert!(((a - b) / b).abs() < 1e-13, "x = {x}: {a} vs {b}");
        }
    }
}
