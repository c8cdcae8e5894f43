//! Time-to-event (latency) data: the Kaplan–Meier estimate of the survival function with
//! Greenwood's standard error, log-scale pointwise limits and the median with the
//! Brookmeyer–Crowley interval, and the log-rank test of k groups with its test for trend.
//!
//! Each subject has a time (≥ 0, e.g. seconds to an event) and an event flag: `true` when
//! the event was observed at that time, `false` when observation stopped first (right
//! censoring, e.g. a cut-off). Times are compared exactly; events at a time are counted
//! before the censorings at the same time, so a subject censored at t is at risk at t.

use super::distributions::normal_quantile;
use super::kgroups::{chi_squared_sf, TestResult};
use super::{check_group, StatsError};

/// Values of a curve closer to ½ than this are taken to equal ½ when the median is read
/// off (R `survival`: `sqrt(.Machine$double.eps)`); products such as (19/20)(18/19)…(10/11)
/// are ½ only up to rounding.
const HALF_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// One distinct time of the Kaplan–Meier table.
#[derive(Debug, Clone, PartialEq)]
pub struct KmStep {
    pub time: f64,
    /// Subjects still under observation just before `time`.
    pub n_risk: usize,
    /// Events at `time`.
    pub n_event: usize,
    /// Subjects censored at `time`.
    pub n_censor: usize,
    /// Ŝ(time), the product-limit estimate Π (1 − dⱼ/nⱼ) over event times ≤ `time`.
    pub survival: f64,
    /// Greenwood's standard error of Ŝ, Ŝ·√Σ dⱼ/(nⱼ(nⱼ − dⱼ)); `None` once Ŝ = 0
    /// (R reports NaN).
    pub std_err: Option<f64>,
    /// Pointwise limits on the log scale, Ŝ·exp(∓z·se(log Ŝ)), the upper capped at 1
    /// (R `survfit`'s default `conf.type = "log"`); `None` once Ŝ = 0.
    pub ci: Option<(f64, f64)>,
}

/// The median survival time and its confidence limits; `None` where the curve (or the
/// band) does not fall to ½.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianSurvival {
    pub median: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// The Kaplan–Meier estimate of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    /// Number of subjects.
    pub n: usize,
    /// Number of observed events.
    pub events: usize,
    /// Confidence level of the limits.
    pub level: f64,
    /// One row per distinct time, events and censorings alike, in increasing time.
    pub steps: Vec<KmStep>,
    pub median: MedianSurvival,
}

/// The log-rank test of k groups.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRank {
    /// Observed events per group, in the order given.
    pub observed: Vec<usize>,
    /// Expected events per group under equal hazards, Σₜ dₜ·n_gt/nₜ.
    pub expected: Vec<f64>,
    /// Hypergeometric variance–covariance matrix of O − E (k × k, rows sum to 0).
    pub variance: Vec<Vec<f64>>,
    /// χ² = (O − E)ᵀ V⁻ (O − E) on the rank of V degrees of freedom (k − 1 unless a group
    /// is never at risk at an event time).
    pub test: TestResult,
}

/// The log-rank test for trend over ordered groups.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRankTrend {
    /// U = Σ s_g (O_g − E_g).
    pub u: f64,
    /// V = sᵀ V s, the variance of U.
    pub variance: f64,
    /// χ² = U²/V on 1 degree of freedom.
    pub test: TestResult,
}

/// Checks one group's times and event flags.
fn check_times(
    what: &'static str,
    group: &str,
    times: &[f64],
    events: &[bool],
) -> Result<(), StatsError> {
    check_group(what, group, times, 1)?;
    if times.len() != events.len() {
        return Err(StatsError::EventCountMismatch {
            what,
            group: group.to_string(),
            times: times.len(),
            events: events.len(),
        });
    }
    if let Some(&value) = times.iter().find(|t| **t < 0.0) {
        return Err(StatsError::NegativeTime {
            group: group.to_string(),
            value,
        });
    }
    Ok(())
}

/// Counts at one distinct time: (time, events per group, censorings per group).
struct TimeCounts {
    time: f64,
    events: Vec<usize>,
    censored: Vec<usize>,
}

/// The distinct times of all groups with their events and censorings per group.
fn distinct_times(groups: &[(&[f64], &[bool])]) -> Vec<TimeCounts> {
    let mut all: Vec<(f64, bool, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, (t, e))| t.iter().zip(e.iter()).map(move |(t, e)| (*t, *e, g)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let k = groups.len();
    let mut out: Vec<TimeCounts> = Vec::new();
    for (time, event, g) in all {
        // −0.0 and 0.0 are the same time.
        if out.last().is_none_or(|last| last.time != time) {
            out.push(TimeCounts {
                time,
                events: vec![0; k],
                censored: vec![0; k],
            });
        }
        if let Some(last) = out.last_mut() {
            if event {
                last.events[g] += 1;
            } else {
                last.censored[g] += 1;
            }
        }
    }
    out
}

/// The first time a curve falls to ½ or below (R `survival`'s rule for `print.survfit`):
/// when it equals ½ (within [`HALF_TOLERANCE`]) over an interval, the midpoint between
/// that time and the next time it falls further, as for the median of uncensored data.
/// Points without a value (the limits once Ŝ = 0) are skipped.
fn first_at_or_below_half(points: &[(f64, Option<f64>)]) -> Option<f64> {
    let mut kept = points
        .iter()
        .filter_map(|(t, y)| y.map(|y| (*t, y)))
        .filter(|(_, y)| *y < 0.5 + HALF_TOLERANCE);
    let (t1, y1) = kept.next()?;
    if (y1 - 0.5).abs() < HALF_TOLERANCE {
        if let Some((t2, _)) = kept.find(|(_, y)| *y < y1) {
            return Some((t1 + t2) / 2.0);
        }
    }
    Some(t1)
}

fn check_level(what: &'static str, level: f64) -> Result<(), StatsError> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(StatsError::OutOfRange {
            what,
            name: "the confidence level",
            expected: "between 0 and 1",
            value: level,
        })
    }
}

/// The Kaplan–Meier product-limit estimate (Kaplan & Meier 1958, *JASA* 53:457–481) with
/// Greenwood's (1926, *Reports on Public Health and Medical Subjects* 33) standard error
/// and `level` pointwise limits on the log scale (Therneau & Grambsch 2000, *Modeling
/// Survival Data*, ch. 2; R's default `conf.type = "log"`); the
/// median survival with the Brookmeyer & Crowley (1982, *Biometrics* 38:29–41) interval:
/// the times at which the lower and the upper limit fall to ½. Agrees with R's
/// `survfit(Surv(time, event) ~ 1)` (defaults) and its printed median.
pub fn kaplan_meier(times: &[f64], events: &[bool], level: f64) -> Result<KaplanMeier, StatsError> {
    const WHAT: &str = "the Kaplan–Meier estimate";
    check_level(WHAT, level)?;
    check_times(WHAT, "the data", times, events)?;
    let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
    let mut at_risk = times.len();
    let mut survival = 1.0;
    // Σ d/(n(n − d)), the Greenwood variance of log Ŝ; infinite once Ŝ = 0.
    let mut greenwood = 0.0;
    let mut steps = Vec::new();
    for counts in distinct_times(&[(times, events)]) {
        let (d, c) = (counts.events[0], counts.censored[0]);
        if d > 0 {
            let (n, d) = (at_risk as f64, d as f64);
            survival *= (n - d) / n;
            greenwood += d / (n * (n - d));
        }
        let (std_err, ci) = if survival > 0.0 {
            let se_log = greenwood.sqrt();
            let log_s = survival.ln();
            let lower = (log_s - z * se_log).exp();
            let upper = (log_s + z * se_log).exp().min(1.0);
            (Some(survival * se_log), Some((lower, upper)))
        } else {
            (None, None)
        };
        steps.push(KmStep {
            time: counts.time,
            n_risk: at_risk,
            n_event: d,
            n_censor: c,
            survival,
            std_err,
            ci,
        });
        at_risk -= d + c;
    }
    let curve = |pick: fn(&KmStep) -> Option<f64>| -> Option<f64> {
        let points: Vec<(f64, Option<f64>)> = steps.iter().map(|s| (s.time, pick(s))).collect();
        first_at_or_below_half(&points)
    };
    let median = MedianSurvival {
        median: curve(|s| Some(s.survival)),
        lower: curve(|s| s.ci.map(|c| c.0)),
        upper: curve(|s| s.ci.map(|c| c.1)),
    };
    Ok(KaplanMeier {
        n: times.len(),
        events: events.iter().filter(|e| **e).count(),
        level,
        steps,
        median,
    })
}

/// Observed and expected events per group and the variance matrix of O − E.
struct EventCounts {
    observed: Vec<usize>,
    expected: Vec<f64>,
    variance: Vec<Vec<f64>>,
}

/// Observed and expected events and the variance matrix of O − E (Mantel 1966, *Cancer
/// Chemother Rep* 50:163–170; Peto & Peto 1972, *J R Stat Soc A* 135:185–207): at each
/// event time with n at risk (n_g in group g) and d events, E_g += d·n_g/n and
/// V_gh += d(n − d)/(n²(n − 1))·n_g(n·δ_gh − n_h), the hypergeometric moments with ties.
fn observed_expected(
    what: &'static str,
    groups: &[(&str, &[f64], &[bool])],
) -> Result<EventCounts, StatsError> {
    if groups.len() < 2 {
        return Err(StatsError::TooFewGroups {
            what,
            needed: 2,
            found: groups.len(),
        });
    }
    for (name, times, events) in groups {
        check_times(what, name, times, events)?;
    }
    let k = groups.len();
    let observed: Vec<usize> = groups
        .iter()
        .map(|(_, _, e)| e.iter().filter(|e| **e).count())
        .collect();
    if observed.iter().all(|o| *o == 0) {
        return Err(StatsError::NoEvents {
            what,
            groups: "any group".into(),
        });
    }
    let mut at_risk: Vec<usize> = groups.iter().map(|(_, t, _)| t.len()).collect();
    let mut expected = vec![0.0; k];
    let mut variance = vec![vec![0.0; k]; k];
    let pairs: Vec<(&[f64], &[bool])> = groups.iter().map(|(_, t, e)| (*t, *e)).collect();
    for counts in distinct_times(&pairs) {
        let d: usize = counts.events.iter().sum();
        let n: usize = at_risk.iter().sum();
        if d > 0 {
            let (nf, df) = (n as f64, d as f64);
            for (e, r) in expected.iter_mut().zip(&at_risk) {
                *e += df * *r as f64 / nf;
            }
            if n > 1 {
                let c = df * (nf - df) / (nf * nf * (nf - 1.0));
                for g in 0..k {
                    let ng = at_risk[g] as f64;
                    if ng == 0.0 {
                        continue;
                    }
                    for h in 0..k {
                        let nh = at_risk[h] as f64;
                        variance[g][h] += if g == h {
                            c * ng * (nf - ng)
                        } else {
                            -c * ng * nh
                        };
                    }
                }
            }
        }
        for (g, r) in at_risk.iter_mut().enumerate() {
            *r -= counts.events[g] + counts.censored[g];
        }
    }
    Ok(EventCounts {
        observed,
        expected,
        variance,
    })
}

/// uᵀ V⁻ u and the rank of V for a symmetric positive semi-definite V, by a Cholesky
/// (LDLᵀ) factorisation that sets aside pivots below 1e-9 of the largest diagonal element:
/// a generalized inverse (Rao 1973, *Linear Statistical Inference and Its Applications*,
/// 2nd ed.).
fn generalized_quadratic_form(v: &[Vec<f64>], u: &[f64]) -> (f64, usize) {
    let m = u.len();
    let scale = (0..m).map(|i| v[i][i]).fold(0.0, f64::max);
    let tol = 1e-9 * scale;
    // L stored below the diagonal, D on it.
    let mut a: Vec<Vec<f64>> = v.iter().map(|row| row[..m].to_vec()).collect();
    let mut kept = vec![false; m];
    for j in 0..m {
        let pivot = a[j][j];
        if pivot <= tol || pivot <= 0.0 {
            for row in a.iter_mut().skip(j) {
                row[j] = 0.0;
            }
            continue;
        }
        kept[j] = true;
        let column: Vec<f64> = (j + 1..m).map(|i| a[i][j]).collect();
        for i in j + 1..m {
            let vij = column[i - j - 1];
            for l in j + 1..=i {
                a[i][l] -= vij * column[l - j - 1] / pivot;
            }
            a[i][j] = vij / pivot;
        }
    }
    // Solve L y = u, then Σ y²/D over the kept pivots.
    let mut y = u.to_vec();
    for i in 0..m {
        for j in 0..i {
            let lij = a[i][j];
            y[i] -= lij * y[j];
        }
    }
    let form = (0..m)
        .filter(|&j| kept[j])
        .map(|j| y[j] * y[j] / a[j][j])
        .sum();
    (form, kept.iter().filter(|k| **k).count())
}

/// The log-rank test that k ≥ 2 groups share one survival function (Mantel 1966; Peto &
/// Peto 1972): χ² = (O − E)ᵀ V⁻ (O − E) over the groups at risk at some event time, the
/// last of them set aside (V is singular: its rows sum to 0), referred to χ² on k − 1
/// degrees of freedom. Agrees with R's `survdiff(Surv(time, event) ~ group)`.
pub fn log_rank(groups: &[(&str, &[f64], &[bool])]) -> Result<LogRank, StatsError> {
    const WHAT: &str = "the log-rank test";
    let EventCounts {
        observed,
        expected,
        variance,
    } = observed_expected(WHAT, groups)?;
    // Groups never at risk at an event time carry no information (R drops them too).
    let informative: Vec<usize> = (0..groups.len()).filter(|&g| expected[g] > 0.0).collect();
    let used = &informative[..informative.len().saturating_sub(1)];
    let u: Vec<f64> = used
        .iter()
        .map(|&g| observed[g] as f64 - expected[g])
        .collect();
    let v: Vec<Vec<f64>> = used
        .iter()
        .map(|&g| used.iter().map(|&h| variance[g][h]).collect())
        .collect();
    let (statistic, rank) = generalized_quadratic_form(&v, &u);
    if rank == 0 {
        return Err(StatsError::Undefined {
            what: WHAT,
            reason: "observed − expected has no variance (at every event time all subjects \
                     at risk had the event, or only one group was at risk)",
        });
    }
    let df = rank as f64;
    Ok(LogRank {
        observed,
        expected,
        variance,
        test: TestResult {
            statistic,
            df: vec![df],
            p: chi_squared_sf(statistic, df),
        },
    })
}

/// The log-rank test for trend (Peto et al. 1977, *Br J Cancer* 35:1–39; Collett 2015,
/// *Modelling Survival Data in Medical Research*, 3rd ed., ch. 2): with scores s_g for the
/// ordered groups (e.g. doses), U = Σ s_g(O_g − E_g), V = sᵀ V s and χ² = U²/V on 1 degree
/// of freedom. The scores must not all be equal.
pub fn log_rank_trend(
    groups: &[(&str, &[f64], &[bool])],
    scores: &[f64],
) -> Result<LogRankTrend, StatsError> {
    const WHAT: &str = "the log-rank test for trend";
    if scores.len() != groups.len() {
        return Err(StatsError::ScoreCount {
            what: WHAT,
            groups: groups.len(),
            scores: scores.len(),
        });
    }
    check_group(WHAT, "the scores", scores, 0)?;
    let EventCounts {
        observed,
        expected,
        variance,
    } = observed_expected(WHAT, groups)?;
    let u: f64 = scores
        .iter()
        .zip(observed.iter().zip(&expected))
        .map(|(s, (o, e))| s * (*o as f64 - e))
        .sum();
    let v: f64 = scores
        .iter()
        .zip(&variance)
        .map(|(sg, row)| {
            sg * row
                .iter()
                .zip(scores)
                .map(|(vgh, sh)| vgh * sh)
                .sum::<f64>()
        })
        .sum();
    // Equal scores make V zero up to rounding: compare with the size of its terms.
    let size: f64 = scores
        .iter()
        .zip(&variance)
        .map(|(sg, row)| {
            row.iter()
                .zip(scores)
                .map(|(vgh, sh)| (sg * vgh * sh).abs())
                .sum::<f64>()
        })
        .sum();
    if v.is_nan() || v <= 1e-12 * size {
        return Err(StatsError::Undefined {
            what: WHAT,
            reason: "U has no variance (the scores of the groups at risk are all equal, or \
                     every event time emptied the risk set)",
        });
    }
    let statistic = u * u / v;
    Ok(LogRankTrend {
        u,
        variance: v,
        test: TestResult {
            statistic,
            df: vec![1.0],
            p: chi_squared_sf(statistic, 1.0),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R's `survival::aml`: remission times (weeks) of acute myelogenous leukaemia with and
    /// without maintenance chemotherapy (Miller 1981, *Survival Analysis*, p. 49).
    fn aml() -> [(&'static str, Vec<f64>, Vec<bool>); 2] {
        let maintained = [9., 13., 13., 18., 23., 28., 31., 34., 45., 48., 161.];
        let maintained_event = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0];
        let non = [5., 5., 8., 8., 12., 16., 23., 27., 30., 33., 43., 45.];
        let non_event = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1];
        [
            (
                "Maintained",
                maintained.to_vec(),
                maintained_event.iter().map(|e| *e == 1).collect(),
            ),
            (
                "Nonmaintained",
                non.to_vec(),
                non_event.iter().map(|e| *e == 1).collect(),
            ),
        ]
    }

    fn named<'a>(
        data: &'a [(&'static str, Vec<f64>, Vec<bool>)],
    ) -> Vec<(&'static str, &'a [f64], &'a [bool])> {
        data.iter()
            .map(|(g, t, e)| (*g, t.as_slice(), e.as_slice()))
            .collect()
    }

    #[test]
    fn aml_medians_and_table_agree_with_published_values() {
        let data = aml();
        // R: print(survfit(Surv(time, status) ~ x, data = aml)):
        // Maintained median 31 (18, NA), Nonmaintained 23 (8, NA).
        let m = kaplan_meier(&data[0].1, &data[0].2, 0.95).unwrap();
        assert_eq!(m.median.median, Some(31.0));
        assert_eq!(m.median.lower, Some(18.0));
        assert_eq!(m.median.upper, None);
        let nm = kaplan_meier(&data[1].1, &data[1].2, 0.95).unwrap();
        assert_eq!(nm.median.median, Some(23.0));
        assert_eq!(nm.median.lower, Some(8.0));
        assert_eq!(nm.median.upper, None);
        // Miller (1981), Table 3.1 / R summary(): S(9) = 10/11, S(13) = 0.8182,
        // S(18) = 0.7159 with std.err 0.1397.
        assert_eq!(m.steps[0].survival, 10.0 / 11.0);
        assert_eq!(m.steps[1].n_event, 1);
        assert_eq!(m.steps[1].n_censor, 1);
        assert!((m.steps[2].survival - 0.715_909_090_909_090_9).abs() < 1e-15);
        assert!((m.steps[2].std_err.unwrap() - 0.1397).abs() < 5e-5);
        assert_eq!((m.n, m.events), (11, 7));
    }

    #[test]
    fn aml_log_rank_agrees_with_r() {
        // R: survdiff(Surv(time, status) ~ x, data = aml): Chisq = 3.4 on 1 df, p = 0.07;
        // observed 7 and 11, expected 10.69 and 7.31.
        let data = aml();
        let r = log_rank(&named(&data)).unwrap();
        assert_eq!(r.observed, vec![7, 11]);
        assert!((r.expected[0] - 10.69).abs() < 0.005);
        assert!((r.expected[1] - 7.31).abs() < 0.005);
        assert!((r.test.statistic - 3.4).abs() < 0.05);
        assert_eq!(r.test.df, vec![1.0]);
        assert!((r.test.p - 0.07).abs() < 0.005);
        // The variance matrix is symmetric with rows summing to 0.
        assert!((r.variance[0][1] - r.variance[1][0]).abs() < 1e-15);
        assert!((r.variance[0][0] + r.variance[0][1]).abs() < 1e-12);
        // With two groups the trend test on any two distinct scores is the log-rank test.
        let t = log_rank_trend(&named(&data), &[0.0, 1.0]).unwrap();
        assert!((t.test.statistic - r.test.statistic).abs() < 1e-12 * r.test.statistic);
    }

    #[test]
    fn uncensored_median_is_the_sample_median() {
        let events = [true; 4];
        let km = kaplan_meier(&[4.0, 1.0, 3.0, 2.0], &events, 0.95).unwrap();
        assert_eq!(km.median.median, Some(2.5));
        let events = [true; 20];
        let times: Vec<f64> = (1..=20).map(f64::from).collect();
        let km = kaplan_meier(&times, &events, 0.95).unwrap();
        // S after the 10th death is ½ only up to rounding.
        assert_eq!(km.median.median, Some(10.5));
        let km = kaplan_meier(&[1.0, 2.0, 3.0], &[true; 3], 0.95).unwrap();
        assert_eq!(km.median.median, Some(2.0));
        // The last step reaches 0: no standard error, no limits.
        let last = km.steps.last().unwrap();
        assert_eq!((last.survival, last.std_err, last.ci), (0.0, None, None));
    }

    #[test]
    fn curve_that_stays_at_half_takes_its_first_time() {
        // S = ½ from t = 2 to the last follow-up at 5 (R's printed median: 2).
        let km = kaplan_meier(&[1.0, 2.0, 4.0, 5.0], &[true, true, false, false], 0.95).unwrap();
        assert_eq!(km.median.median, Some(2.0));
    }

    #[test]
    fn no_events_give_a_flat_curve_and_no_median() {
        let km = kaplan_meier(&[3.0, 5.0], &[false, false], 0.95).unwrap();
        assert!(km
            .steps
            .iter()
            .all(|s| s.survival == 1.0 && s.ci == Some((1.0, 1.0))));
        assert_eq!(km.median.median, None);
    }

    #[test]
    fn group_order_and_time_scale_do_not_matter() {
        let data = aml();
        let a = log_rank(&named(&data)).unwrap();
        let swapped = [data[1].clone(), data[0].clone()];
        let b = log_rank(&named(&swapped)).unwrap();
        assert!((a.test.statistic - b.test.statistic).abs() < 1e-12 * a.test.statistic);
        assert_eq!(a.observed[0], b.observed[1]);
        assert!((a.expected[0] - b.expected[1]).abs() < 1e-12);
        // Times in days instead of weeks: the same curve, medians ×7.
        let days: Vec<(&'static str, Vec<f64>, Vec<bool>)> = data
            .iter()
            .map(|(g, t, e)| (*g, t.iter().map(|x| x * 7.0).collect(), e.clone()))
            .collect();
        let c = log_rank(&named(&days)).unwrap();
        assert_eq!(a.test.statistic, c.test.statistic);
        let (w, d) = (
            kaplan_meier(&data[0].1, &data[0].2, 0.95).unwrap(),
            kaplan_meier(&days[0].1, &days[0].2, 0.95).unwrap(),
        );
        assert_eq!(d.median.median, w.median.median.map(|m| m * 7.0));
        for (x, y) in w.steps.iter().zip(&d.steps) {
            assert_eq!((x.survival, x.std_err, x.ci), (y.survival, y.std_err, y.ci));
        }
    }

    #[test]
    fn three_group_statistic_does_not_depend_on_the_group_set_aside() {
        let data = [
            (
                "a",
                vec![1.0, 3.0, 4.0, 6.0, 9.0],
                vec![true, true, false, true, true],
            ),
            (
                "b",
                vec![2.0, 3.0, 5.0, 8.0, 12.0],
                vec![true, false, true, true, false],
            ),
            (
                "c",
                vec![4.0, 7.0, 10.0, 11.0, 15.0],
                vec![true, true, true, false, true],
            ),
        ];
        let a = log_rank(&named(&data)).unwrap();
        assert_eq!(a.test.df, vec![2.0]);
        let rotated = [data[2].clone(), data[0].clone(), data[1].clone()];
        let b = log_rank(&named(&rotated)).unwrap();
        assert!((a.test.statistic - b.test.statistic).abs() < 1e-12 * a.test.statistic);
        // Trend scores shifted or scaled give the same χ².
        let t1 = log_rank_trend(&named(&data), &[1.0, 2.0, 3.0]).unwrap();
        let t2 = log_rank_trend(&named(&data), &[-10.0, 0.0, 10.0]).unwrap();
        assert!((t1.test.statistic - t2.test.statistic).abs() < 1e-12 * t1.test.statistic);
    }

    #[test]
    fn four_groups_agree_with_r() {
        // R: survdiff(Surv(t, e) ~ g) on these data: chisq 3.4042621642311985 on 3 df,
        // expected 3.4807508968499681 3.3028797483905845 6.2249969285960001
        // 1.9913724261634478; trend with scores 1–4: χ² = 0.11599988171061719.
        let t = [
            [3.0, 5.0, 7.0, 9.0, 12.0],
            [2.0, 4.0, 4.0, 8.0, 15.0],
            [6.0, 10.0, 11.0, 13.0, 14.0],
            [1.0, 2.0, 5.0, 6.0, 9.0],
        ];
        let e = [
            [true, true, false, true, true],
            [true, true, false, true, false],
            [true, true, true, false, true],
            [true, true, true, false, true],
        ];
        let groups: Vec<(&str, &[f64], &[bool])> = ["a", "b", "c", "d"]
            .iter()
            .zip(t.iter().zip(&e))
            .map(|(g, (t, e))| (*g, t.as_slice(), e.as_slice()))
            .collect();
        let r = log_rank(&groups).unwrap();
        assert_eq!(r.test.df, vec![3.0]);
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        assert!(rel(r.test.statistic, 3.404_262_164_231_198_5) < 1e-13);
        for (got, want) in r.expected.iter().zip([
            3.480_750_896_849_968,
            3.302_879_748_390_584_5,
            6.224_996_928_596,
            1.991_372_426_163_447_8,
        ]) {
            assert!(rel(*got, want) < 1e-13);
        }
        let trend = log_rank_trend(&groups, &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!(rel(trend.test.statistic, 0.115_999_881_710_617_19) < 1e-12);
    }

    #[test]
    fn generalized_inverse_handles_full_rank_and_singular_matrices() {
        let v = [
            vec![4.0, 2.0, 0.0, 1.0],
            vec![2.0, 5.0, 1.0, 0.0],
            vec![0.0, 1.0, 3.0, 1.0],
            vec![1.0, 0.0, 1.0, 2.0],
        ];
        let (form, rank) = generalized_quadratic_form(&v, &[1.0, 2.0, 3.0, -1.0]);
        assert_eq!(rank, 4);
        assert!((form - 190.0 / 27.0).abs() < 1e-13, "{form}");
        // The third row is the sum of the first two; u lies in the column space.
        let w = [
            vec![2.0, 1.0, 3.0],
            vec![1.0, 2.0, 3.0],
            vec![3.0, 3.0, 6.0],
        ];
        let (form, rank) = generalized_quadratic_form(&w, &[1.0, -1.0, 0.0]);
        assert_eq!(rank, 2);
        assert!((form - 2.0).abs() < 1e-13, "{form}");
    }

    #[test]
    fn degenerate_input_is_refused() {
        let t = [1.0, 2.0];
        let e = [true, false];
        assert!(matches!(
            kaplan_meier(&t, &[true], 0.95),
            Err(StatsError::EventCountMismatch { .. })
        ));
        assert!(matches!(
            kaplan_meier(&[-1.0, 2.0], &e, 0.95),
            Err(StatsError::NegativeTime { .. })
        ));
        assert!(matches!(
            kaplan_meier(&[f64::NAN, 2.0], &e, 0.95),
            Err(StatsError::NotFinite { .. })
        ));
        assert!(matches!(
            kaplan_meier(&[], &[], 0.95),
            Err(StatsError::TooFewValues { .. })
        ));
        assert!(matches!(
            kaplan_meier(&t, &e, 1.0),
            Err(StatsError::OutOfRange { .. })
        ));
        let none = [false, false];
        assert!(matches!(
            log_rank(&[("a", &t, &none), ("b", &t, &none)]),
            Err(StatsError::NoEvents { .. })
        ));
        assert!(matches!(
            log_rank(&[("a", &t, &e), ("b", &[], &[])]),
            Err(StatsError::TooFewValues { .. })
        ));
        assert!(matches!(
            log_rank(&[("a", &t, &e)]),
            Err(StatsError::TooFewGroups { .. })
        ));
        assert!(matches!(
            log_rank_trend(&[("a", &t, &e), ("b", &t, &e)], &[1.0]),
            Err(StatsError::ScoreCount { .. })
        ));
        assert!(matches!(
            log_rank_trend(&[("a", &t, &e), ("b", &t, &e)], &[1.0, 1.0]),
            Err(StatsError::Undefined { .. })
        ));
        // Everyone at risk dies at the one event time: no variance.
        let one = [true];
        assert!(matches!(
            log_rank(&[("a", &[1.0], &one), ("b", &[1.0], &one)]),
            Err(StatsError::Undefined { .. })
        ));
    }
}
