//! Weekly sucrose test of the chronic mild stress model: preference for sucrose when a
//! water bottle is offered beside it, otherwise sucrose intake per kg body weight.
//!
//! - preference (%) = sucrose / (sucrose + water) × 100 (g drunk in the test);
//! - without a water bottle: intake (g/kg) = sucrose (g) / (body weight (g) / 1000).
//!
//! Rows without a sucrose intake (week not tested) are skipped. Negative intakes, a zero
//! total (the animal drank nothing from either bottle: preference undefined), and a row with
//! neither water intake nor body weight are errors.

use super::AssayError;

/// The columns of the `weekly` sheet used here.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyIntake {
    pub blind_code: String,
    pub week: u32,
    pub body_weight_g: Option<f64>,
    pub sucrose_intake_g: Option<f64>,
    pub water_intake_g: Option<f64>,
}

/// Which measure a row gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SucroseMeasure {
    PreferencePct,
    IntakePerKg,
}

/// One animal and week, with the steps.
#[derive(Debug, Clone, PartialEq)]
pub struct SucroseResult {
    pub blind_code: String,
    pub week: u32,
    pub measure: SucroseMeasure,
    pub sucrose_g: f64,
    pub water_g: Option<f64>,
    /// sucrose + water (preference only).
    pub total_g: Option<f64>,
    pub preference_pct: Option<f64>,
    pub body_weight_g: Option<f64>,
    /// sucrose / (body weight / 1000), whenever the body weight is known.
    pub intake_g_per_kg: Option<f64>,
}

impl SucroseResult {
    /// The row's measure: preference (%) or intake (g/kg).
    pub fn value(&self) -> f64 {
        match self.measure {
            SucroseMeasure::PreferencePct => self.preference_pct.unwrap_or(f64::NAN),
            SucroseMeasure::IntakePerKg => self.intake_g_per_kg.unwrap_or(f64::NAN),
        }
    }
}

/// Computes the measure of every row that has a sucrose intake, in input order.
pub fn sucrose_preference(rows: &[WeeklyIntake]) -> Result<Vec<SucroseResult>, AssayError> {
    let mut out = Vec::new();
    for r in rows {
        let Some(sucrose) = r.sucrose_intake_g else {
            continue;
        };
        let place = || format!("animal {}, week {}", r.blind_code, r.week);
        for (field, v) in [
            ("sucrose_intake_g", Some(sucrose)),
            ("water_intake_g", r.water_intake_g),
        ] {
            if let Some(value) = v.filter(|v| *v < 0.0) {
                return Err(AssayError::Negative {
                    place: place(),
                    field,
                    value,
                });
            }
        }
        if let Some(value) = r.body_weight_g.filter(|w| *w <= 0.0) {
            return Err(AssayError::NotPositive {
                place: place(),
                field: "body_weight_g",
                value,
            });
        }
        let intake_g_per_kg = r.body_weight_g.map(|w| sucrose / (w / 1000.0));
        let (measure, total, preference) = match r.water_intake_g {
            Some(water) => {
                let total = sucrose + water;
                if total == 0.0 {
                    return Err(AssayError::NotPositive {
                        place: place(),
                        field: "sucrose_intake_g + water_intake_g",
                        value: total,
                    });
                }
                (
                    SucroseMeasure::PreferencePct,
                    Some(total),
                    Some(100.0 * sucrose / total),
                )
            }
            None if intake_g_per_kg.is_some() => (SucroseMeasure::IntakePerKg, None, None),
            None => {
                return Err(AssayError::Inconsistent {
                    place: place(),
                    reason: "neither water_intake_g (for the preference) nor body_weight_g (for the intake per kg) is given".into(),
                })
            }
        };
        out.push(SucroseResult {
            blind_code: r.blind_code.clone(),
            week: r.week,
            measure,
            sucrose_g: sucrose,
            water_g: r.water_intake_g,
            total_g: total,
            preference_pct: preference,
            body_weight_g: r.body_weight_g,
            intake_g_per_kg,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(week: u32, bw: Option<f64>, s: Option<f64>, w: Option<f64>) -> WeeklyIntake {
        WeeklyIntake {
            blind_code: "C01".into(),
            week,
            body_weight_g: bw,
            sucrose_intake_g: s,
            water_intake_g: w,
        }
    }

    #[test]
    fn preference_and_intake_by_hand() {
        let r = sucrose_preference(&[
            // 12 / (12 + 3) = 80 %; 12 g / 0.25 kg = 48 g/kg.
            row(1, Some(250.0), Some(12.0), Some(3.0)),
            // No water bottle: 9 g / 0.3 kg = 30 g/kg.
            row(2, Some(300.0), Some(9.0), None),
            // Not tested.
            row(3, Some(310.0), None, None),
            // Drank only water: 0 %.
            row(4, None, Some(0.0), Some(5.0)),
        ])
        .unwrap();
        assert_eq!(r.len(), 3);
        assert!((r[0].preference_pct.unwrap() - 80.0).abs() < 1e-12);
        assert!((r[0].intake_g_per_kg.unwrap() - 48.0).abs() < 1e-12);
        assert_eq!(r[0].total_g, Some(15.0));
        assert_eq!(r[1].measure, SucroseMeasure::IntakePerKg);
        assert!((r[1].value() - 30.0).abs() < 1e-12);
        assert_eq!(r[2].value(), 0.0);
    }

    #[test]
    fn errors() {
        let e = sucrose_preference(&[row(1, Some(250.0), Some(-1.0), Some(3.0))]).unwrap_err();
        assert!(matches!(
            e,
            AssayError::Negative {
                field: "sucrose_intake_g",
                ..
            }
        ));
        let e = sucrose_preference(&[row(5, Some(250.0), Some(0.0), Some(0.0))]).unwrap_err();
        assert!(e.to_string().starts_with("animal C01, week 5"), "{e}");
        assert!(sucrose_preference(&[row(1, None, Some(4.0), None)]).is_err());
    }
}
