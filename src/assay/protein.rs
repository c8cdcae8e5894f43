//! Microsomal protein from a BCA (or Lowry) plate: standard curve of absorbance on the
//! standards' µg/mL, samples read off it.
//!
//! - Per plate. Reagent-blank wells (`role = blank`), when present, are averaged and that
//!   mean is subtracted from every standard and sample absorbance (the kit makers'
//!   procedure; for a straight line it moves only the intercept).
//! - The curve is fitted to every standard well (replicates as separate points): a straight
//!   line by unweighted least squares ([`stats::fit_calibration`]), or a four-parameter
//!   logistic ([`stats::fit_four_parameter_logistic`]) when asked, for the curvature of
//!   BCA and Lowry at high concentrations.
//! - A sample's wells on a plate (duplicates, usually) are averaged; their CV (n − 1 SD /
//!   mean × 100) is shown. The mean absorbance is read off the curve and
//!   mg/mL = x̂ (µg/mL) × dilution / 1000.
//! - A sample whose x̂ lies outside the standards' range (or that the curve never reaches)
//!   is an error: dilute and re-assay rather than extrapolate.

use super::AssayError;
use crate::stats::{self, CalibrationFit, CurveModel, LogisticFit, Weighting};

/// What a well holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WellRole {
    Standard,
    Sample,
    Blank,
}

/// One row of the `protein-assay` sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ProteinWell {
    pub plate: String,
    pub well: String,
    pub role: WellRole,
    /// Samples only.
    pub blind_code: Option<String>,
    /// Standards only.
    pub standard_ug_per_ml: Option<f64>,
    pub absorbance: f64,
    /// Samples only; None means 1.
    pub dilution: Option<f64>,
}

/// The standard curve's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProteinModel {
    Linear,
    FourParameterLogistic,
}

/// A fitted standard curve.
#[derive(Debug, Clone, PartialEq)]
pub enum ProteinCurve {
    Linear(CalibrationFit),
    FourParameterLogistic(LogisticFit),
}

impl ProteinCurve {
    /// µg/mL at a (blank-corrected) absorbance.
    pub fn concentration(&self, absorbance: f64) -> Option<f64> {
        match self {
            ProteinCurve::Linear(f) => f.concentration(absorbance),
            ProteinCurve::FourParameterLogistic(f) => f.concentration(absorbance),
        }
    }
}

/// One sample on one plate.
#[derive(Debug, Clone, PartialEq)]
pub struct ProteinSample {
    pub blind_code: String,
    pub wells: Vec<String>,
    /// Blank-corrected absorbances of the wells.
    pub absorbances: Vec<f64>,
    pub mean_absorbance: f64,
    /// CV of the wells (%); None for a single well.
    pub cv_pct: Option<f64>,
    /// Read off the curve (µg/mL, in the well).
    pub ug_per_ml: f64,
    pub dilution: f64,
    /// ug_per_ml × dilution / 1000.
    pub mg_per_ml: f64,
}

/// One plate's curve and samples.
#[derive(Debug, Clone, PartialEq)]
pub struct ProteinPlate {
    pub plate: String,
    /// Mean absorbance of the blank wells (0 without any).
    pub blank_absorbance: f64,
    pub blank_wells: usize,
    /// Standards' µg/mL and blank-corrected absorbances, in row order.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub curve: ProteinCurve,
    pub samples: Vec<ProteinSample>,
}

fn mean_cv(v: &[f64]) -> (f64, Option<f64>) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    if v.len() < 2 {
        return (mean, None);
    }
    let var = v.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, Some(100.0 * var.sqrt() / mean))
}

/// Fits each plate's curve and reads its samples, plates in order of first appearance.
pub fn protein_concentrations(
    wells: &[ProteinWell],
    model: ProteinModel,
) -> Result<Vec<ProteinPlate>, AssayError> {
    let mut plates: Vec<(String, Vec<&ProteinWell>)> = Vec::new();
    for w in wells {
        match plates.iter_mut().find(|p| p.0 == w.plate) {
            Some(p) => p.1.push(w),
            None => plates.push((w.plate.clone(), vec![w])),
        }
    }
    plates
        .into_iter()
        .map(|(plate, wells)| read_plate(plate, &wells, model))
        .collect()
}

fn read_plate(
    plate: String,
    wells: &[&ProteinWell],
    model: ProteinModel,
) -> Result<ProteinPlate, AssayError> {
    let here = |w: &ProteinWell| format!("protein plate {}, well {}", plate, w.well);
    let blanks: Vec<f64> = wells
        .iter()
        .filter(|w| w.role == WellRole::Blank)
        .map(|w| w.absorbance)
        .collect();
    let blank_absorbance = if blanks.is_empty() {
        0.0
    } else {
        blanks.iter().sum::<f64>() / blanks.len() as f64
    };
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for w in wells.iter().filter(|w| w.role == WellRole::Standard) {
        let c = w
            .standard_ug_per_ml
            .ok_or_else(|| AssayError::Inconsistent {
                place: here(w),
                reason: "a standard well needs standard_ug_per_ml".into(),
            })?;
        if c < 0.0 {
            return Err(AssayError::Negative {
                place: here(w),
                field: "standard_ug_per_ml",
                value: c,
            });
        }
        x.push(c);
        y.push(w.absorbance - blank_absorbance);
    }
    let mut codes: Vec<String> = Vec::new();
    for w in wells.iter().filter(|w| w.role == WellRole::Sample) {
        let code = w
            .blind_code
            .clone()
            .ok_or_else(|| AssayError::Inconsistent {
                place: here(w),
                reason: "a sample well needs its blind code".into(),
            })?;
        if let Some(d) = w.dilution.filter(|d| *d <= 0.0) {
            return Err(AssayError::NotPositive {
                place: here(w),
                field: "dilution",
                value: d,
            });
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if x.is_empty() {
        if codes.is_empty() {
            return Err(AssayError::NoStandards {
                place: format!("protein plate {plate} (no standards and no samples)"),
            });
        }
        return Err(AssayError::NoStandards {
            place: format!("protein plate {plate}"),
        });
    }
    let fit_err = |e| AssayError::Fit {
        place: format!("protein plate {plate}"),
        source: Box::new(e),
    };
    let curve = match model {
        ProteinModel::Linear => ProteinCurve::Linear(
            stats::fit_calibration(&x, &y, CurveModel::Linear, Weighting::None, 0.95)
                .map_err(fit_err)?,
        ),
        ProteinModel::FourParameterLogistic => ProteinCurve::FourParameterLogistic(
            stats::fit_four_parameter_logistic(&x, &y, 0.95).map_err(fit_err)?,
        ),
    };
    let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut samples = Vec::new();
    for code in codes {
        let mine: Vec<&&ProteinWell> = wells
            .iter()
            .filter(|w| w.role == WellRole::Sample && w.blind_code.as_deref() == Some(&code))
            .collect();
        let dilution = mine[0].dilution.unwrap_or(1.0);
        if mine.iter().any(|w| w.dilution.unwrap_or(1.0) != dilution) {
            return Err(AssayError::Inconsistent {
                place: format!("protein plate {plate}, sample {code}"),
                reason: "the wells of one sample have different dilutions".into(),
            });
        }
        let absorbances: Vec<f64> = mine
            .iter()
            .map(|w| w.absorbance - blank_absorbance)
            .collect();
        let (mean_absorbance, cv_pct) = mean_cv(&absorbances);
        let outside = |why: String| AssayError::OutsideCurve {
            place: format!("protein plate {plate}, sample {code}"),
            reason: format!("{why}; dilute the sample to fall within the standards and re-assay"),
        };
        let ug = curve.concentration(mean_absorbance).ok_or_else(|| {
            outside(format!(
                "the curve never reaches the mean absorbance {mean_absorbance}"
            ))
        })?;
        if !(lo..=hi).contains(&ug) {
            return Err(outside(format!(
                "{ug:.1} µg/mL lies outside the standards ({lo}–{hi} µg/mL)"
            )));
        }
        samples.push(ProteinSample {
            blind_code: code,
            wells: mine.iter().map(|w| w.well.clone()).collect(),
            absorbances,
            mean_absorbance,
            cv_pct,
            ug_per_ml: ug,
            dilution,
            mg_per_ml: ug * dilution / 1000.0,
        });
    }
    Ok(ProteinPlate {
        plate,
        blank_absorbance,
        blank_wells: blanks.len(),
        x,
        y,
        curve,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn well(
        well: &str,
        role: WellRole,
        code: Option<&str>,
        std: Option<f64>,
        a: f64,
    ) -> ProteinWell {
        ProteinWell {
            plate: "P1".into(),
            well: well.into(),
            role,
            blind_code: code.map(String::from),
            standard_ug_per_ml: std,
            absorbance: a,
            dilution: code.map(|_| 10.0),
        }
    }

    /// Standards on A = 0.1 + 0.001 x after blank correction, with residuals +e at 250 and
    /// 1750 µg/mL and −e at 500 and 1500: Σr = 0 and Σxr = e(250 + 1750 − 500 − 1500) = 0,
    /// so the least-squares line is exactly 0.1 + 0.001 x.
    fn plate() -> Vec<ProteinWell> {
        let e = 0.002;
        let mut w = vec![
            well("A1", WellRole::Blank, None, None, 0.05),
            well("A2", WellRole::Blank, None, None, 0.07),
        ];
        for (k, (x, r)) in [
            (0.0, 0.0),
            (250.0, e),
            (500.0, -e),
            (1000.0, 0.0),
            (1500.0, -e),
            (1750.0, e),
            (2000.0, 0.0),
        ]
        .into_iter()
        .enumerate()
        {
            // Blank mean is 0.06, added back so that corrected A = 0.1 + 0.001 x + r.
            w.push(well(
                &format!("B{k}"),
                WellRole::Standard,
                None,
                Some(x),
                0.16 + 0.001 * x + r,
            ));
        }
        // Sample C01 duplicates: corrected 0.59 and 0.61 → mean 0.6 → 500 µg/mL → × 10 / 1000.
        w.push(well("C1", WellRole::Sample, Some("C01"), None, 0.65));
        w.push(well("C2", WellRole::Sample, Some("C01"), None, 0.67));
        w
    }

    #[test]
    fn linear_by_hand() {
        let plates = protein_concentrations(&plate(), ProteinModel::Linear).unwrap();
        let p = &plates[0];
        assert!((p.blank_absorbance - 0.06).abs() < 1e-15);
        let ProteinCurve::Linear(f) = &p.curve else {
            panic!()
        };
        assert!((f.coefficients[0] - 0.1).abs() < 1e-12);
        assert!((f.coefficients[1] - 0.001).abs() < 1e-15);
        let s = &p.samples[0];
        assert!((s.mean_absorbance - 0.6).abs() < 1e-12);
        // SD of (0.59, 0.61) = √(2 × 0.01² / 1) = 0.0141421…; CV = 2.3570226 %.
        assert!((s.cv_pct.unwrap() - 100.0 * 0.0002f64.sqrt() / 0.6).abs() < 1e-9);
        assert!((s.ug_per_ml - 500.0).abs() < 1e-8);
        assert!((s.mg_per_ml - 5.0).abs() < 1e-10);
        assert_eq!(s.wells, vec!["C1", "C2"]);
    }

    #[test]
    fn sample_outside_the_curve_is_an_error() {
        let mut w = plate();
        w.push(well("D1", WellRole::Sample, Some("C02"), None, 2.5));
        let e = protein_concentrations(&w, ProteinModel::Linear).unwrap_err();
        assert!(matches!(e, AssayError::OutsideCurve { .. }));
        assert!(e.to_string().contains("sample C02"), "{e}");
    }

    /// The Lowry set of tests/fixtures/r/regress-data.csv, whose 4PL R's `nls` reads at
    /// 616.79531726675805 µg/mL for an absorbance of 0.723 (regress-expected.csv).
    #[test]
    fn four_parameter_logistic_matches_r() {
        let a = [
            0.049, 0.044, 0.074, 0.07, 0.109, 0.105, 0.159, 0.166, 0.292, 0.291, 0.532, 0.534,
            0.839, 0.856, 1.039, 1.03, 1.178, 1.157, 1.244, 1.236,
        ];
        let x = [
            0.0, 25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1200.0, 1600.0, 2000.0,
        ];
        let mut w: Vec<ProteinWell> = a
            .iter()
            .enumerate()
            .map(|(k, &a)| {
                well(
                    &format!("S{k}"),
                    WellRole::Standard,
                    None,
                    Some(x[k / 2]),
                    a,
                )
            })
            .collect();
        w.push(well("X1", WellRole::Sample, Some("C05"), None, 0.723));
        let plates = protein_concentrations(&w, ProteinModel::FourParameterLogistic).unwrap();
        let s = &plates[0].samples[0];
        let want: f64 = "616.79531726675805".parse().unwrap();
        assert!(
            ((s.ug_per_ml - want) / want).abs() < 1e-7,
            "{}",
            s.ug_per_ml
        );
        assert_eq!(s.cv_pct, None);
        assert!(((s.mg_per_ml - want / 100.0) / want).abs() < 1e-7);
    }
}
