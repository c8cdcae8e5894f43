//! Western blot densitometry: each lane's target band over its loading-control band, as a
//! percentage of the control group's lanes on the same blot.
//!
//! - Background: the lane's `background_density` (0 when empty) is subtracted from both the
//!   target and the loading-control density (local background of the lane).
//! - ratio = (target − background) / (loading control − background); a loading control at
//!   or below its background is an error, a target below its background is kept (negative).
//! - For each blot and target, % of control = 100 × ratio / mean ratio of the lanes whose
//!   animal is in the control group (blind codes given by the caller, from the unblinded
//!   key). Blots are never pooled before this step, because densities are only comparable
//!   within one membrane and exposure.

use std::collections::BTreeSet;

use super::AssayError;

/// One row of the `western-blot` sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct WesternLane {
    pub blot: String,
    pub lane: u32,
    pub blind_code: String,
    pub target: String,
    pub target_density: f64,
    pub loading_control_density: f64,
    pub background_density: Option<f64>,
}

/// One lane's steps.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneResult {
    pub blot: String,
    pub lane: u32,
    pub blind_code: String,
    pub target: String,
    pub control_group: bool,
    pub target_net: f64,
    pub loading_control_net: f64,
    pub ratio: f64,
    /// Mean ratio of the control lanes of the same blot and target.
    pub control_mean_ratio: f64,
    pub pct_of_control: f64,
}

/// The control lanes of one blot and target.
#[derive(Debug, Clone, PartialEq)]
pub struct BlotControl {
    pub blot: String,
    pub target: String,
    pub control_lanes: Vec<u32>,
    pub mean_ratio: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WesternResult {
    /// Lanes in input order.
    pub lanes: Vec<LaneResult>,
    /// One per blot and target, in order of first appearance.
    pub controls: Vec<BlotControl>,
}

/// Normalises every lane; `control_codes` are the blind codes of the control group.
pub fn western_normalise(
    lanes: &[WesternLane],
    control_codes: &BTreeSet<String>,
) -> Result<WesternResult, AssayError> {
    let mut out = Vec::with_capacity(lanes.len());
    for l in lanes {
        let place = || format!("blot {}, lane {} ({})", l.blot, l.lane, l.target);
        for (field, v) in [
            ("target_density", l.target_density),
            ("loading_control_density", l.loading_control_density),
            ("background_density", l.background_density.unwrap_or(0.0)),
        ] {
            if v < 0.0 {
                return Err(AssayError::Negative {
                    place: place(),
                    field,
                    value: v,
                });
            }
        }
        let bg = l.background_density.unwrap_or(0.0);
        let loading = l.loading_control_density - bg;
        if loading <= 0.0 {
            return Err(AssayError::NotPositive {
                place: place(),
                field: "loading_control_density − background_density",
                value: loading,
            });
        }
        let target_net = l.target_density - bg;
        out.push(LaneResult {
            blot: l.blot.clone(),
            lane: l.lane,
            blind_code: l.blind_code.clone(),
            target: l.target.clone(),
            control_group: control_codes.contains(&l.blind_code),
            target_net,
            loading_control_net: loading,
            ratio: target_net / loading,
            control_mean_ratio: f64::NAN,
            pct_of_control: f64::NAN,
        });
    }
    let mut controls: Vec<BlotControl> = Vec::new();
    for l in &out {
        if controls
            .iter()
            .any(|c| c.blot == l.blot && c.target == l.target)
        {
            continue;
        }
        let mine: Vec<&LaneResult> = out
            .iter()
            .filter(|m| m.blot == l.blot && m.target == l.target && m.control_group)
            .collect();
        if mine.is_empty() {
            return Err(AssayError::NoControlLanes {
                blot: l.blot.clone(),
                target: l.target.clone(),
            });
        }
        let mean_ratio = mine.iter().map(|m| m.ratio).sum::<f64>() / mine.len() as f64;
        if mean_ratio <= 0.0 {
            return Err(AssayError::NotPositive {
                place: format!("blot {}, target {}", l.blot, l.target),
                field: "the control lanes' mean ratio",
                value: mean_ratio,
            });
        }
        controls.push(BlotControl {
            blot: l.blot.clone(),
            target: l.target.clone(),
            control_lanes: mine.iter().map(|m| m.lane).collect(),
            mean_ratio,
        });
    }
    for l in &mut out {
        let c = controls
            .iter()
            .find(|c| c.blot == l.blot && c.target == l.target)
            .expect("every blot and target has its control");
        l.control_mean_ratio = c.mean_ratio;
        l.pct_of_control = 100.0 * l.ratio / c.mean_ratio;
    }
    Ok(WesternResult {
        lanes: out,
        controls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane(blot: &str, lane: u32, code: &str, t: f64, lc: f64, bg: Option<f64>) -> WesternLane {
        WesternLane {
            blot: blot.into(),
            lane,
            blind_code: code.into(),
            target: "CYP3A".into(),
            target_density: t,
            loading_control_density: lc,
            background_density: bg,
        }
    }

    #[test]
    fn percent_of_control_by_hand() {
        let lanes = [
            // Control lanes: (1100 − 100)/(2100 − 100) = 0.5; (700 − 100)/(1100 − 100) = 0.6.
            lane("B1", 1, "C01", 1100.0, 2100.0, Some(100.0)),
            lane("B1", 2, "C02", 700.0, 1100.0, Some(100.0)),
            // Treated: (1000 − 0)/(1250 − 0) = 0.8 → 100 × 0.8 / 0.55 = 145.4545…%.
            lane("B1", 3, "C03", 1000.0, 1250.0, None),
            // Another blot, its own control: 0.4 → 100 %, treated 0.2 → 50 %.
            lane("B2", 1, "C01", 400.0, 1000.0, None),
            lane("B2", 2, "C04", 300.0, 1500.0, None),
        ];
        let controls: BTreeSet<String> = ["C01".to_string(), "C02".to_string()].into();
        let r = western_normalise(&lanes, &controls).unwrap();
        assert!((r.controls[0].mean_ratio - 0.55).abs() < 1e-15);
        assert_eq!(r.controls[0].control_lanes, vec![1, 2]);
        assert!((r.lanes[0].pct_of_control - 100.0 * 0.5 / 0.55).abs() < 1e-12);
        assert!((r.lanes[2].pct_of_control - 800.0 / 5.5).abs() < 1e-12);
        assert!((r.lanes[3].pct_of_control - 100.0).abs() < 1e-12);
        assert!((r.lanes[4].pct_of_control - 50.0).abs() < 1e-12);
    }

    #[test]
    fn blot_without_control_lanes_is_named() {
        let lanes = [
            lane("B1", 1, "C01", 500.0, 1000.0, None),
            lane("B7", 1, "C03", 500.0, 1000.0, None),
        ];
        let controls: BTreeSet<String> = ["C01".to_string()].into();
        let e = western_normalise(&lanes, &controls).unwrap_err();
        assert_eq!(
            e,
            AssayError::NoControlLanes {
                blot: "B7".into(),
                target: "CYP3A".into()
            }
        );
        assert!(e.to_string().starts_with("blot B7"));
    }
}
