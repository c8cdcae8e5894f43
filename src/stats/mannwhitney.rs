//! Mann–Whitney U test (Wilcoxon rank-sum; Mann & Whitney 1947, Ann Math Stat 18:50–60),
//! with the choices R's `wilcox.test` makes by default: the exact null distribution when
//! both groups have fewer than 50 values and there are no ties, otherwise the normal
//! approximation with tie correction and a continuity correction of ½.

use super::distributions::normal_cdf;
use super::{check_group, StatsError};

#[derive(Debug, Clone, PartialEq)]
pub struct MannWhitney {
    /// W = U of the first group: its rank sum minus n(n + 1)/2 (R's `W`).
    pub w: f64,
    /// Two-sided p.
    pub p: f64,
    pub exact: bool,
    /// The normal deviate used when not exact.
    pub z: Option<f64>,
}

/// Average ranks (1-based) of `values`, ties sharing the mean of their positions.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// Sizes of the groups of tied values (only those with more than one member).
/// Σ(t³ − t) over the groups of tied values: the tie correction of rank tests.
pub(crate) fn tie_correction_sum(values: &[f64]) -> f64 {
    tie_sizes(values)
        .iter()
        .map(|&t| (t * t * t - t) as f64)
        .sum()
}

fn tie_sizes(values: &[f64]) -> Vec<usize> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut out = Vec::new();
    let mut run = 1;
    for w in sorted.windows(2) {
        if w[0] == w[1] {
            run += 1;
        } else {
            if run > 1 {
                out.push(run);
            }
            run = 1;
        }
    }
    if run > 1 {
        out.push(run);
    }
    out
}

/// P(U = k) for k = 0..=m·n under the null hypothesis, for groups of m and n without ties,
/// by the recurrence c(k; m, n) = c(k − n; m − 1, n) + c(k; m, n − 1).
fn exact_u_distribution(m: usize, n: usize) -> Vec<f64> {
    // counts[j][k]: number of arrangements with U = k for sizes (i, j), built up over i.
    let max = m * n;
    let mut prev: Vec<Vec<f64>> = (0..=n).map(|_| vec![1.0]).collect(); // i = 0: U = 0 only
    for i in 1..=m {
        let mut cur: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
        cur.push(vec![1.0]); // j = 0
        for j in 1..=n {
            let mut c = vec![0.0; i * j + 1];
            for (k, slot) in c.iter_mut().enumerate() {
                let from_smaller_m = if k >= j {
                    prev[j].get(k - j).copied().unwrap_or(0.0)
                } else {
                    0.0
                };
                let from_smaller_n = cur[j - 1].get(k).copied().unwrap_or(0.0);
                *slot = from_smaller_m + from_smaller_n;
            }
            cur.push(c);
        }
        prev = cur;
    }
    let counts = &prev[n];
    let total: f64 = counts.iter().sum();
    let mut p: Vec<f64> = counts.iter().map(|c| c / total).collect();
    p.resize(max + 1, 0.0);
    p
}

/// Two-sided Mann–Whitney test of group a against group b.
pub fn mann_whitney(a: (&str, &[f64]), b: (&str, &[f64])) -> Result<MannWhitney, StatsError> {
    for (name, x) in [a, b] {
        check_group("a Mann–Whitney test", name, x, 1)?;
    }
    let (m, n) = (a.1.len(), b.1.len());
    let all: Vec<f64> = a.1.iter().chain(b.1).copied().collect();
    let ranks = average_ranks(&all);
    let rank_sum: f64 = ranks[..m].iter().sum();
    let w = rank_sum - (m * (m + 1)) as f64 / 2.0;
    let ties = tie_sizes(&all);
    let (mf, nf) = (m as f64, n as f64);
    if m < 50 && n < 50 && ties.is_empty() {
        let dist = exact_u_distribution(m, n);
        let k = w.round() as usize;
        // As R: the tail on the side of W, doubled and capped at 1.
        let one_sided: f64 = if w > mf * nf / 2.0 {
            dist[k..].iter().sum()
        } else {
            dist[..=k].iter().sum()
        };
        return Ok(MannWhitney {
            w,
            p: (2.0 * one_sided).min(1.0),
            exact: true,
            z: None,
        });
    }
    let tie_term: f64 =
        ties.iter().map(|&t| (t * t * t - t) as f64).sum::<f64>() / ((mf + nf) * (mf + nf - 1.0));
    let sigma = (mf * nf / 12.0 * ((mf + nf + 1.0) - tie_term)).sqrt();
    let centred = w - mf * nf / 2.0;
    // R's sign(): 0 at the centre (f64::signum would give 1 there).
    let correction = if centred == 0.0 {
        0.0
    } else {
        0.5 * centred.signum()
    };
    let z = (centred - correction) / sigma;
    let p = (2.0 * normal_cdf(-z.abs())).min(1.0);
    Ok(MannWhitney {
        w,
        p,
        exact: false,
        z: Some(z),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(
            average_ranks(&[3.0, 1.0, 3.0, 2.0]),
            vec![3.5, 1.0, 3.5, 2.0]
        );
    }

    #[test]
    fn exact_distribution_sums_to_one_and_is_symmetric() {
        let d = exact_u_distribution(4, 6);
        assert_eq!(d.len(), 25);
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        for k in 0..=24 {
            assert!((d[k] - d[24 - k]).abs() < 1e-15);
        }
        // C(10, 4) = 210 arrangements; U = 0 happens once.
        assert!((d[0] - 1.0 / 210.0).abs() < 1e-17);
    }
}
