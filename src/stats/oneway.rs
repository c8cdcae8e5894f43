//! One-way analysis of variance (Fisher), with sums of squares about two-pass group
//! means, so that data with many constant leading digits (NIST SmLs07–09) keep their
//! accuracy. Reference: Simon & Lesage (1989), Comput Stat Data Anal 8:325–332.

use super::descriptive::{reference_value, shifted_mean, sum_of_squares};
use super::distributions::f_sf;
use super::sum::NeumaierSum;
use super::{check_group, StatsError};

#[derive(Debug, Clone, PartialEq)]
pub struct OneWayAnova {
    pub df_between: f64,
    pub df_within: f64,
    pub ss_between: f64,
    pub ss_within: f64,
    pub ms_between: f64,
    pub ms_within: f64,
    pub f: f64,
    pub p: f64,
    /// SS between / SS total.
    pub r_squared: f64,
    /// √MS within.
    pub residual_sd: f64,
}

/// One-way ANOVA of named groups.
pub fn one_way_anova(groups: &[(&str, &[f64])]) -> Result<OneWayAnova, StatsError> {
    if groups.len() < 2 {
        return Err(StatsError::TooFewGroups {
            what: "one-way ANOVA",
            needed: 2,
            found: groups.len(),
        });
    }
    for (name, x) in groups {
        check_group("one-way ANOVA", name, x, 1)?;
    }
    let all: Vec<f64> = groups.iter().flat_map(|(_, x)| x.iter().copied()).collect();
    let n = all.len();
    let k = groups.len();
    if n <= k {
        return Err(StatsError::TooFewValues {
            what: "one-way ANOVA (more values than groups)",
            group: "the data".to_string(),
            needed: k + 1,
            found: n,
        });
    }
    // Everything is computed on values shifted by one observation, so the digits that all
    // values share (13 of them in NIST SmLs07–09) never enter a sum.
    let c = reference_value(&all);
    let grand = shifted_mean(&all, c);
    let mut between = NeumaierSum::default();
    let mut within = NeumaierSum::default();
    for (_, x) in groups {
        let d = shifted_mean(x, c) - grand;
        between.add(x.len() as f64 * d * d);
        within.add(sum_of_squares(x, c));
    }
    let (ss_between, ss_within) = (between.value(), within.value());
    if ss_within <= 0.0 {
        return Err(StatsError::NoSpread {
            what: "one-way ANOVA",
            group: "each group".into(),
        });
    }
    let df_between = (k - 1) as f64;
    let df_within = (n - k) as f64;
    let ms_between = ss_between / df_between;
    let ms_within = ss_within / df_within;
    let f = ms_between / ms_within;
    let p = f_sf(f, df_between, df_within);
    Ok(OneWayAnova {
        df_between,
        df_within,
        ss_between,
        ss_within,
        ms_between,
        ms_within,
        f,
        p,
        r_squared: ss_between / (ss_between + ss_within),
        residual_sd: ms_within.sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_designs_are_refused_with_a_reason() {
        let a = [1.0, 2.0];
        assert!(matches!(
            one_way_anova(&[("VEH", &a)]),
            Err(StatsError::TooFewGroups { found: 1, .. })
        ));
        let one = [1.0];
        let err = one_way_anova(&[("VEH", &one), ("IMI", &one)]).unwrap_err();
        assert!(
            matches!(
                err,
                StatsError::TooFewValues {
                    needed: 3,
                    found: 2,
                    ..
                }
            ),
            "{err}"
        );
        let empty: [f64; 0] = [];
        let err = one_way_anova(&[("VEH", &a), ("IMI", &empty)]).unwrap_err();
        assert!(err.to_string().contains("IMI"), "{err}");
    }

    #[test]
    fn identical_groups_give_f_zero_and_p_one() {
        let x = [3.0, 4.0, 5.0];
        let a = one_way_anova(&[("A", &x), ("B", &x)]).unwrap();
        assert_eq!(a.f, 0.0);
        assert!((a.p - 1.0).abs() < 1e-15);
    }
}
