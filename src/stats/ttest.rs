//! Two-sample t tests of a difference in means: Student's, with the pooled variance
//! (Student 1908, Biometrika 6:1–25), and Welch's, with Satterthwaite's degrees of freedom
//! (Welch 1947, Biometrika 34:28–35). Two-sided p and a 95% CI of mean(a) − mean(b).

use super::descriptive::{mean_difference, variance};
use super::distributions::{t_quantile, t_sf};
use super::{check_group, StatsError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TTestKind {
    Student,
    Welch,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TTest {
    pub kind: TTestKind,
    pub t: f64,
    pub df: f64,
    pub p: f64,
    /// mean(a) − mean(b)
    pub diff: f64,
    pub se: f64,
    pub ci95: (f64, f64),
}

/// Two-sided two-sample t test of mean(a) − mean(b).
pub fn two_sample_t(
    a: (&str, &[f64]),
    b: (&str, &[f64]),
    kind: TTestKind,
) -> Result<TTest, StatsError> {
    for (name, x) in [a, b] {
        check_group("a t test", name, x, 2)?;
    }
    let (na, nb) = (a.1.len() as f64, b.1.len() as f64);
    let (va, vb) = (variance(a.1), variance(b.1));
    let diff = mean_difference(a.1, b.1);
    let (se, df) = match kind {
        TTestKind::Student => {
            let pooled = ((na - 1.0) * va + (nb - 1.0) * vb) / (na + nb - 2.0);
            ((pooled * (1.0 / na + 1.0 / nb)).sqrt(), na + nb - 2.0)
        }
        TTestKind::Welch => {
            let (sa, sb) = (va / na, vb / nb);
            let se2 = sa + sb;
            (
                se2.sqrt(),
                se2 * se2 / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0)),
            )
        }
    };
    let t = diff / se;
    let p = 2.0 * t_sf(t.abs(), df);
    let q = t_quantile(0.975, df);
    Ok(TTest {
        kind,
        t,
        df,
        p,
        diff,
        se,
        ci95: (diff - q * se, diff + q * se),
    })
}
