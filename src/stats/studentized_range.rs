//! The studentized range distribution: the range of k independent standard normal
//! values divided by an independent s with ν·s² ~ χ²_ν (Tukey 1953; Hartley 1942).
//!
//! P(Q ≤ q) = ∫₀^∞ f_ν(s) W_k(q·s) ds with W_k(w) = k ∫ φ(z) [Φ(z) − Φ(z − w)]^{k−1} dz
//! (Lund & Lund 1983, *Applied Statistics* 32:204–210; Copenhaver & Holland 1988,
//! *J Stat Comput Simul* 30:1–15). Both integrals are done by adaptive Gauss–Kronrod
//! quadrature to a relative tolerance of 1e-13, and the upper tail is integrated
//! directly — 1 − W_k(w) = k ∫ φ(z) {Φ(z)^{k−1} − [Φ(z) − Φ(z − w)]^{k−1}} dz — so small
//! p values keep their relative accuracy instead of being 1 minus something close to 1.

use super::distributions::{average_over_chi_scale, bracket_and_solve, normal_density, phi};
use super::quadrature::integrate;

const REL_TOL: f64 = 1e-11;

/// Φ(z) − Φ(z − w), w ≥ 0, from whichever tail keeps the digits.
fn normal_interval(z: f64, w: f64) -> f64 {
    if z > 0.5 * w {
        phi(w - z) - phi(-z)
    } else {
        phi(z) - phi(z - w)
    }
}

/// Break points for the inner integral over z.
fn z_breaks(w: f64) -> Vec<f64> {
    let hi = 9.0_f64.max(0.5 * w + 9.0);
    let mut b = vec![-9.0, -3.0, 0.0, 0.5 * w, 3.0, 0.5 * w + 3.0, hi];
    b.retain(|x| (-9.0..=hi).contains(x));
    b.sort_by(f64::total_cmp);
    b.dedup();
    b
}

/// W_k(w) (lower tail) or 1 − W_k(w) (upper tail) for the range of k standard normals.
fn normal_range(w: f64, k: usize, upper: bool) -> f64 {
    if w <= 0.0 {
        return if upper { 1.0 } else { 0.0 };
    }
    let km1 = k as i32 - 1;
    let integrand = |z: f64| {
        let density = normal_density(z);
        if density == 0.0 {
            return 0.0;
        }
        if upper {
            // Φ(z)^{k−1} − [Φ(z) − Φ(z − w)]^{k−1} = Φ(z)^{k−1}·(1 − (1 − r)^{k−1}),
            // r = Φ(z − w)/Φ(z).
            let a = phi(z);
            if a == 0.0 {
                return 0.0;
            }
            let r = (phi(z - w) / a).min(1.0);
            density * a.powi(km1) * -(f64::from(km1) * (-r).ln_1p()).exp_m1()
        } else {
            density * normal_interval(z, w).powi(km1)
        }
    };
    (k as f64 * integrate(integrand, &z_breaks(w), REL_TOL, 0.0)).clamp(0.0, 1.0)
}

/// One tail of the studentized range distribution at q.
fn tail(q: f64, k: usize, df: f64, upper: bool) -> f64 {
    if q <= 0.0 {
        return if upper { 1.0 } else { 0.0 };
    }
    if q.is_infinite() {
        return if upper { 0.0 } else { 1.0 };
    }
    // Far in the upper tail the mass comes from small s, where q·s is moderate.
    let extra: Vec<f64> = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0]
        .iter()
        .map(|w| w / q)
        .collect();
    average_over_chi_scale(df, &extra, REL_TOL, |s| normal_range(q * s, k, upper)).clamp(0.0, 1.0)
}

/// Whether q lies in the upper half of the distribution (judged for ν = ∞, which is
/// enough to choose the tail that is integrated directly).
fn in_upper_half(q: f64, k: usize) -> bool {
    normal_range(q, k, false) > 0.5
}

/// P(Q ≤ q) for the range of `k` means studentized with `df` degrees of freedom
/// (R: `ptukey(q, k, df)`); `df` may be `f64::INFINITY`.
pub fn studentized_range_cdf(q: f64, k: usize, df: f64) -> f64 {
    if !valid(k, df) || q.is_nan() {
        return f64::NAN;
    }
    if in_upper_half(q, k) {
        1.0 - tail(q, k, df, true)
    } else {
        tail(q, k, df, false)
    }
}

/// P(Q > q) (R: `ptukey(q, k, df, lower.tail = FALSE)`), accurate in the far tail.
pub fn studentized_range_sf(q: f64, k: usize, df: f64) -> f64 {
    if !valid(k, df) || q.is_nan() {
        return f64::NAN;
    }
    if in_upper_half(q, k) {
        tail(q, k, df, true)
    } else {
        1.0 - tail(q, k, df, false)
    }
}

/// The q with P(Q ≤ q) = p (R: `qtukey(p, k, df)`), found by Brent's method on the tail
/// that p lies in, to a relative accuracy of about 1e-14.
pub fn studentized_range_quantile(p: f64, k: usize, df: f64) -> f64 {
    // A study analyses many endpoints of one design: the same quantile is asked for again
    // and again, and each costs dozens of double integrals. Remember the answers.
    type Key = (u64, usize, u64);
    static SOLVED: std::sync::Mutex<Vec<(Key, f64)>> = std::sync::Mutex::new(Vec::new());
    let key: Key = (p.to_bits(), k, df.to_bits());
    if let Some(q) = SOLVED
        .lock()
        .ok()
        .and_then(|v| v.iter().find(|(x, _)| *x == key).map(|(_, q)| *q))
    {
        return q;
    }
    let q = solve_quantile(p, k, df);
    if let Ok(mut v) = SOLVED.lock() {
        if v.len() < 256 {
            v.push((key, q));
        }
    }
    q
}

fn solve_quantile(p: f64, k: usize, df: f64) -> f64 {
    if !valid(k, df) || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return 0.0;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let upper = p > 0.5;
    let target = if upper { 1.0 - p } else { p };
    let root_for = |nu: f64, lo: f64, hi: f64| {
        let f = |q: f64| {
            let v = tail(q, k, nu, upper);
            if upper {
                target - v
            } else {
                v - target
            }
        };
        bracket_and_solve(f, lo, hi)
    };
    // The ν = ∞ quantile costs single integrals; the finite-ν one lies a little above it,
    // by about q(q²/2 + 1)/(4ν) as for Student's t (Cornish & Fisher 1937), which gives
    // Brent's method a tight bracket and so few evaluations of the double integral.
    let q_inf = root_for(f64::INFINITY, 0.0, 1.0);
    if df.is_infinite() || q_inf.is_nan() {
        return q_inf;
    }
    let step = q_inf * (0.5 * q_inf * q_inf + 1.0) / (4.0 * df);
    root_for(df, q_inf, q_inf + 2.0 * step + 1e-9)
}

fn valid(k: usize, df: f64) -> bool {
    (2..=i32::MAX as usize).contains(&k) && df > 0.0 && !df.is_nan()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::normal_sf;

    #[test]
    fn two_means_at_infinite_df_is_a_normal_difference() {
        // For k = 2 and ν = ∞, Q = |Z₁ − Z₂| so P(Q > q) = 2·Φ(−q/√2).
        for q in [0.1, 1.0, 3.0, 8.0, 15.0] {
            let exact = 2.0 * normal_sf(q / std::f64::consts::SQRT_2);
            let got = studentized_range_sf(q, 2, f64::INFINITY);
            assert!(
                ((got - exact) / exact).abs() < 1e-11,
                "q = {q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn two_means_is_a_scaled_t() {
        // For k = 2, Q/√2 = |T_ν|; P(|T₁₀| > 2.228138851986274) = 0.05 (R: qt(0.975, 10)).
        let q = 2.228_138_851_986_274 * std::f64::consts::SQRT_2;
        let got = studentized_range_sf(q, 2, 10.0);
        assert!((got - 0.05).abs() < 1e-13, "{got}");
    }
}
