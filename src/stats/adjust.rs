//! Adjustment of p values for a family of m tests (R: `p.adjust`).
//!
//! Single-step: Bonferroni (p·m) and Šídák (1 − (1 − p)^m; Šídák 1967, *JASA* 62:626–633).
//! Step-down: Holm (1979, *Scand J Stat* 6:65–70) and Holm–Šídák, where the i-th smallest
//! p is multiplied by, or raised to, m − i + 1 and monotonicity is enforced by a running
//! maximum. Step-up: Benjamini & Hochberg (1995, *JRSS B* 57:289–300), controlling the false
//! discovery rate, with p₍ᵢ₎·m/i and a running minimum from the largest p.

/// The adjustment methods for a family of p values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    None,
    Bonferroni,
    Sidak,
    Holm,
    HolmSidak,
    BenjaminiHochberg,
}

/// 1 − (1 − p)^m without losing small p.
fn sidak(p: f64, m: f64) -> f64 {
    -(m * (-p).ln_1p()).exp_m1()
}

/// Adjusted p values, in the order of `p`.
pub fn adjust_p(p: &[f64], method: Adjustment) -> Vec<f64> {
    let m = p.len() as f64;
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
    let mut out = vec![f64::NAN; p.len()];
    match method {
        Adjustment::None => out.copy_from_slice(p),
        Adjustment::Bonferroni => {
            for (o, &pi) in out.iter_mut().zip(p) {
                *o = (pi * m).min(1.0);
            }
        }
        Adjustment::Sidak => {
            for (o, &pi) in out.iter_mut().zip(p) {
                *o = sidak(pi, m).min(1.0);
            }
        }
        Adjustment::Holm | Adjustment::HolmSidak => {
            let mut running: f64 = 0.0;
            for (rank, &i) in order.iter().enumerate() {
                let factor = m - rank as f64;
                let v = if method == Adjustment::Holm {
                    p[i] * factor
                } else {
                    sidak(p[i], factor)
                };
                running = running.max(v.min(1.0));
                out[i] = running;
            }
        }
        Adjustment::BenjaminiHochberg => {
            let mut running: f64 = 1.0;
            for (rank, &i) in order.iter().enumerate().rev() {
                let v = p[i] * m / (rank as f64 + 1.0);
                running = running.min(v);
                out[i] = running.min(1.0);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_p_adjust() {
        // R: p <- c(0.01, 0.04, 0.03, 0.005, 0.2)
        // p.adjust(p, "holm")       0.04 0.09 0.09 0.025 0.2
        // p.adjust(p, "BH")         0.025 0.05 0.05 0.025 0.2
        // p.adjust(p, "bonferroni") 0.05 0.2 0.15 0.025 1
        let p = [0.01, 0.04, 0.03, 0.005, 0.2];
        let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-15);
        assert!(close(
            &adjust_p(&p, Adjustment::Holm),
            &[0.04, 0.09, 0.09, 0.025, 0.2]
        ));
        assert!(close(
            &adjust_p(&p, Adjustment::BenjaminiHochberg),
            &[0.025, 0.05, 0.05, 0.025, 0.2]
        ));
        assert!(close(
            &adjust_p(&p, Adjustment::Bonferroni),
            &[0.05, 0.2, 0.15, 0.025, 1.0]
        ));
    }
}
