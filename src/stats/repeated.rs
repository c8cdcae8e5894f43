//! Repeated-measures ANOVA: one within-subject factor (minute, week), with or without one
//! between-subject factor (group), by the multivariate formulation of the univariate
//! tests (O'Brien & Kaiser 1985, *Psychol Bull* 97:316–333; `car::Anova` on a multivariate
//! linear model with `idesign = ~ within`, Type III, sum-to-zero coding).
//!
//! Each subject's k values are turned into k − 1 orthonormal (Helmert) contrasts z. The
//! within-subject tests use the hypothesis and error SSP matrices of z: for the within
//! factor, the unweighted mean of the group means of z (the Type III intercept); for the
//! interaction, the group means about their weighted mean; the error is the pooled
//! within-group SSP E. Univariate F = (tr H / df_H) / (tr E / df_E). Between-subject effects
//! are tested on subject means.
//!
//! Sphericity: Mauchly's W = det(E) / (tr E / p)ᵖ with the χ² approximation and its
//! second-order term (Anderson, *An Introduction to Multivariate Statistical Analysis*,
//! 3rd ed., §10.7); Greenhouse–Geisser ε = (tr E)² / (p · tr E²) (Greenhouse & Geisser
//! 1959, *Psychometrika* 24:95–112); Huynh–Feldt ε with Lecoutre's (1991) correction,
//! ((ν + 1) p ε_GG − 2) / (p (ν − p ε_GG)) with ν the error df of the between-subject
//! model, capped at 1 for the p value (as `car` 3.x). Generalised η² (Olejnik & Algina
//! 2003; Bakeman 2005, *Behav Res Methods* 37:379–384) with no measured factors:
//! SS_effect / (SS_effect + SS_subjects + SS_error(within)).

use super::distributions::f_sf;
use super::kgroups::chi_squared_sf;
use super::StatsError;

/// The between-subject factor: its name, level labels and each subject's level.
#[derive(Debug, Clone, Copy)]
pub struct BetweenFactor<'a> {
    pub name: &'a str,
    pub levels: &'a [String],
    pub codes: &'a [usize],
}

/// Complete data of a repeated-measures design: `values[i * k + j]` is subject i at
/// within level j.
#[derive(Debug, Clone, Copy)]
pub struct RepeatedDesign<'a> {
    pub subjects: &'a [String],
    pub within_name: &'a str,
    pub within_levels: &'a [String],
    pub between: Option<BetweenFactor<'a>>,
    pub values: &'a [f64],
}

/// One effect of the repeated-measures ANOVA table.
#[derive(Debug, Clone, PartialEq)]
pub struct RmTerm {
    /// The between factor's name, the within factor's name, or "group:within".
    pub term: String,
    pub ss: f64,
    pub df: f64,
    pub error_ss: f64,
    pub error_df: f64,
    pub f: f64,
    pub p: f64,
    /// p with the Greenhouse–Geisser and Huynh–Feldt corrected df (within effects with
    /// more than 2 levels).
    pub p_gg: Option<f64>,
    pub p_hf: Option<f64>,
    pub generalized_eta_squared: f64,
    /// Whether the effect involves the within factor.
    pub within: bool,
}

/// Mauchly's test and the sphericity corrections.
#[derive(Debug, Clone, PartialEq)]
pub struct Sphericity {
    pub mauchly_w: f64,
    pub mauchly_p: f64,
    pub greenhouse_geisser: f64,
    /// As computed (may exceed 1); the p values use min(1, ε).
    pub huynh_feldt: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RmAnova {
    pub terms: Vec<RmTerm>,
    /// None when the within factor has 2 levels (sphericity holds trivially) or the error
    /// matrix is singular (fewer subjects than levels).
    pub sphericity: Option<Sphericity>,
    pub subjects: usize,
    pub ss_subjects: f64,
    pub df_subjects: f64,
}

/// Column j < k − 1 of the normalised Helmert contrasts: levels 0..=j against level j+1.
fn helmert(k: usize) -> Vec<Vec<f64>> {
    (0..k - 1)
        .map(|j| {
            let m = (j + 1) as f64;
            let s = (m * (m + 1.0)).sqrt();
            (0..k)
                .map(|l| match l.cmp(&(j + 1)) {
                    std::cmp::Ordering::Less => 1.0 / s,
                    std::cmp::Ordering::Equal => -m / s,
                    std::cmp::Ordering::Greater => 0.0,
                })
                .collect()
        })
        .collect()
}

fn trace(m: &[f64], p: usize) -> f64 {
    (0..p).map(|i| m[i * p + i]).sum()
}

/// log det of a symmetric positive definite matrix by Cholesky; None if not positive.
fn log_det(m: &[f64], p: usize) -> Option<f64> {
    let mut l = m.to_vec();
    let mut log = 0.0;
    for j in 0..p {
        let mut d = l[j * p + j];
        for k in 0..j {
            d -= l[j * p + k] * l[j * p + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        l[j * p + j] = d;
        log += 2.0 * d.ln();
        for i in j + 1..p {
            let mut s = l[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            l[i * p + j] = s / d;
        }
    }
    Some(log)
}

/// Repeated-measures (or mixed, with a between factor) ANOVA of complete data.
pub fn repeated_measures_anova(design: &RepeatedDesign) -> Result<RmAnova, StatsError> {
    let what = "repeated-measures ANOVA";
    let n = design.subjects.len();
    let k = design.within_levels.len();
    if k < 2 {
        return Err(StatsError::TooFewLevels {
            what,
            factor: design.within_name.to_string(),
            found: k,
        });
    }
    if design.values.len() != n * k {
        return Err(StatsError::LengthMismatch {
            what,
            expected: n * k,
            found: design.values.len(),
        });
    }
    if let Some(&value) = design.values.iter().find(|v| !v.is_finite()) {
        return Err(StatsError::NotFinite {
            group: "the data".into(),
            value,
        });
    }
    let (g, codes): (usize, Vec<usize>) = match design.between {
        Some(b) => {
            if b.codes.len() != n {
                return Err(StatsError::LengthMismatch {
                    what,
                    expected: n,
                    found: b.codes.len(),
                });
            }
            if b.levels.len() < 2 {
                return Err(StatsError::TooFewLevels {
                    what,
                    factor: b.name.to_string(),
                    found: b.levels.len(),
                });
            }
            (b.levels.len(), b.codes.to_vec())
        }
        None => (1, vec![0; n]),
    };
    let mut group_n = vec![0usize; g];
    for &c in &codes {
        group_n[c] += 1;
    }
    if let Some(empty) = group_n.iter().position(|&c| c == 0) {
        let b = design.between.expect("one group always has subjects");
        return Err(StatsError::TooFewValues {
            what,
            group: b.levels[empty].clone(),
            needed: 1,
            found: 0,
        });
    }
    if n <= g {
        return Err(StatsError::TooFewValues {
            what: "repeated-measures ANOVA (more subjects than groups)",
            group: "the data".into(),
            needed: g + 1,
            found: n,
        });
    }
    let p = k - 1;
    let df_error = (n - g) as f64;
    let row = |i: usize| &design.values[i * k..(i + 1) * k];

    // Between subjects: subject means, as a one-way layout (times k for the SS scale).
    let subject_mean: Vec<f64> = (0..n)
        .map(|i| row(i).iter().sum::<f64>() / k as f64)
        .collect();
    let mut group_mean = vec![0.0; g];
    for (m, &c) in subject_mean.iter().zip(&codes) {
        group_mean[c] += m / group_n[c] as f64;
    }
    let grand = subject_mean.iter().sum::<f64>() / n as f64;
    let kf = k as f64;
    let ss_between: f64 = (0..g)
        .map(|c| kf * group_n[c] as f64 * (group_mean[c] - grand).powi(2))
        .sum();
    let ss_subjects: f64 = subject_mean
        .iter()
        .zip(&codes)
        .map(|(m, &c)| kf * (m - group_mean[c]).powi(2))
        .sum();

    // Within subjects: orthonormal contrasts.
    let contrasts = helmert(k);
    let z: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            contrasts
                .iter()
                .map(|c| c.iter().zip(row(i)).map(|(a, b)| a * b).sum())
                .collect()
        })
        .collect();
    let mut zbar = vec![vec![0.0; p]; g];
    for (zi, &c) in z.iter().zip(&codes) {
        for (a, v) in zbar[c].iter_mut().zip(zi) {
            *a += v / group_n[c] as f64;
        }
    }
    let mut error = vec![0.0; p * p];
    for (zi, &c) in z.iter().zip(&codes) {
        let d: Vec<f64> = zi.iter().zip(&zbar[c]).map(|(a, b)| a - b).collect();
        for r in 0..p {
            for s in 0..p {
                error[r * p + s] += d[r] * d[s];
            }
        }
    }
    let tr_e = trace(&error, p);
    if tr_e <= 0.0 {
        return Err(StatsError::NoSpread {
            what,
            group: "the within-subject differences".into(),
        });
    }
    // Type III intercept: the unweighted mean of the group means, with variance factor
    // Σ(1/n_g)/g².
    let gf = g as f64;
    let unweighted: Vec<f64> = (0..p)
        .map(|r| zbar.iter().map(|m| m[r]).sum::<f64>() / gf)
        .collect();
    let factor = group_n.iter().map(|&c| 1.0 / c as f64).sum::<f64>() / (gf * gf);
    let ss_within = unweighted.iter().map(|v| v * v).sum::<f64>() / factor;
    let weighted: Vec<f64> = (0..p)
        .map(|r| {
            zbar.iter()
                .zip(&group_n)
                .map(|(m, &c)| m[r] * c as f64)
                .sum::<f64>()
                / n as f64
        })
        .collect();
    let ss_interaction: f64 = zbar
        .iter()
        .zip(&group_n)
        .map(|(m, &c)| {
            c as f64
                * m.iter()
                    .zip(&weighted)
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
        })
        .sum();

    let tr_e2: f64 = error.iter().map(|v| v * v).sum();
    let pf = p as f64;
    let gg = tr_e * tr_e / (pf * tr_e2);
    let hf = ((df_error + 1.0) * pf * gg - 2.0) / (pf * (df_error - pf * gg));
    let sphericity = (p > 1)
        .then(|| log_det(&error, p))
        .flatten()
        .map(|log_det_e| {
            let log_w = log_det_e - pf * (tr_e / pf).ln();
            let rho = 1.0 - (2.0 * pf * pf + pf + 2.0) / (6.0 * pf * df_error);
            let w2 = (pf + 2.0)
                * (pf - 1.0)
                * (pf - 2.0)
                * (2.0 * pf.powi(3) + 6.0 * pf * pf + 3.0 * pf + 2.0)
                / (288.0 * (df_error * pf * rho).powi(2));
            let chi = -df_error * rho * log_w;
            let f = pf * (pf + 1.0) / 2.0 - 1.0;
            let (p1, p2) = (chi_squared_sf(chi, f), chi_squared_sf(chi, f + 4.0));
            Sphericity {
                mauchly_w: log_w.exp(),
                mauchly_p: (p1 + w2 * (p2 - p1)).clamp(0.0, 1.0),
                greenhouse_geisser: gg,
                huynh_feldt: hf,
            }
        });

    let error_total = ss_subjects + tr_e;
    let mut terms = Vec::new();
    if let Some(b) = design.between {
        let df = gf - 1.0;
        let f = (ss_between / df) / (ss_subjects / df_error);
        terms.push(RmTerm {
            term: b.name.to_string(),
            ss: ss_between,
            df,
            error_ss: ss_subjects,
            error_df: df_error,
            f,
            p: f_sf(f, df, df_error),
            p_gg: None,
            p_hf: None,
            generalized_eta_squared: ss_between / (ss_between + error_total),
            within: false,
        });
    }
    let within_term = |name: String, ss: f64, df: f64| {
        let error_df = pf * df_error;
        let f = (ss / df) / (tr_e / error_df);
        let corrected = |e: f64| f_sf(f, e * df, e * error_df);
        RmTerm {
            term: name,
            ss,
            df,
            error_ss: tr_e,
            error_df,
            f,
            p: f_sf(f, df, error_df),
            p_gg: (p > 1).then(|| corrected(gg)),
            p_hf: (p > 1).then(|| corrected(hf.min(1.0))),
            generalized_eta_squared: ss / (ss + error_total),
            within: true,
        }
    };
    terms.push(within_term(design.within_name.to_string(), ss_within, pf));
    if let Some(b) = design.between {
        terms.push(within_term(
            format!("{}:{}", b.name, design.within_name),
            ss_interaction,
            pf * (gf - 1.0),
        ));
    }
    Ok(RmAnova {
        terms,
        sphericity,
        subjects: n,
        ss_subjects,
        df_subjects: df_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helmert_contrasts_are_orthonormal_and_sum_to_zero() {
        let c = helmert(5);
        for (i, a) in c.iter().enumerate() {
            assert!(a.iter().sum::<f64>().abs() < 1e-15);
            for (j, b) in c.iter().enumerate() {
                let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((dot - expected).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn two_levels_match_the_paired_t_test() {
        // F of a one-factor design with two levels is the squared paired t.
        let before = [10.0, 12.0, 9.5, 14.0, 11.0];
        let after = [8.0, 11.5, 7.0, 12.5, 10.0];
        let values: Vec<f64> = before
            .iter()
            .zip(&after)
            .flat_map(|(a, b)| [*a, *b])
            .collect();
        let subjects: Vec<String> = (1..=5).map(|i| format!("S{i}")).collect();
        let levels = ["pre".to_string(), "post".to_string()];
        let r = repeated_measures_anova(&RepeatedDesign {
            subjects: &subjects,
            within_name: "time",
            within_levels: &levels,
            between: None,
            values: &values,
        })
        .unwrap();
        let d: Vec<f64> = before.iter().zip(&after).map(|(a, b)| a - b).collect();
        let mean = d.iter().sum::<f64>() / 5.0;
        let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 4.0).sqrt();
        let t = mean / (sd / 5f64.sqrt());
        assert!((r.terms[0].f - t * t).abs() < 1e-12 * t * t);
        assert!(r.sphericity.is_none());
        assert_eq!(r.terms[0].p_gg, None);
    }
}
