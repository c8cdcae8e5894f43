//! CYP enzyme activity from HPLC of probe metabolites: one calibration curve per run and
//! metabolite, run acceptance, sample concentrations, no-NADPH blank subtraction and
//! activity in pmol metabolite formed per minute per mg microsomal protein.
//!
//! # Calibration
//! The response is the metabolite's peak area, or the ratio of its peak area to the
//! internal standard's when `is_peak_area` is given (all standards and samples of a run and
//! metabolite must agree). The curve (straight line unless asked otherwise) is fitted on
//! the non-zero standards' nominal concentration in µM — blanks at 0 µM are not used for
//! the curve's parameters (EMA 2011 §4.1.3), only checked and shown — with the weighting
//! given in [`HplcOptions`], or, when none is given, with the weighting of smallest Σ|%RE|
//! ([`stats::best_weighting`]); every weighting compared is kept. Before fitting, the mean
//! response at each nominal concentration (blanks included) must increase with the
//! concentration, otherwise the curve is refused ([`AssayError::NotMonotonic`]). LOD and
//! LOQ of the fit (3.3 σ/S and 10 σ/S, ICH Q2(R1), σ the residual SD on the response
//! scale) are reported, in µM on the curve's scale (the injected solution, before
//! dilution); the quantification limit applied to samples is the LLOQ of bioanalytical
//! practice: the lowest non-zero standard that meets its acceptance limit (FDA 2018,
//! EMA 2011).
//!
//! # Acceptance of a run (FDA 2018 *Bioanalytical Method Validation*, §III.B;
//! EMA 2011 *Guideline on bioanalytical method validation*, §4.1.3 and §4.1.7)
//! - at least 6 distinct non-zero nominal concentrations;
//! - a non-zero standard passes when its back-calculated concentration lies within ±15 %
//!   of nominal, ±20 % at the lowest non-zero concentration (the LLOQ standard); a standard
//!   the curve cannot read back fails;
//! - at least 75 % of the non-zero standards (every injection counts) pass.
//!
//! Failing standards are named (run, metabolite, level, %RE) but neither excluded nor
//! refitted: dropping a standard is the analyst's documented decision. A run that fails
//! acceptance is reported with its reasons and its samples are listed as not quantified.
//!
//! # Samples
//! x̂ = the curve's inverse at the sample's response (µM in the injected solution), flagged
//! `below LLOQ` when x̂ is below the lowest accepted standard and `above the top standard`
//! when x̂ exceeds the highest standard; flagged values are kept, never replaced. The concentration in the incubation
//! is C = x̂ × dilution (dilution 1 when empty). The no-NADPH blanks (rows with
//! `no_nadph_blank = yes`) of the same animal (blind code) and metabolite, from any
//! accepted run, are averaged and subtracted: C_net = C − C_blank. A negative C_net is
//! flagged (`negative after blank subtraction`) and kept, so that group means are not
//! biased upwards; it is not an error. When the animal's blanks exist but none could be
//! quantified (their run failed), the sample is flagged and gets no activity. When the
//! animal has no blank although other animals have one for the metabolite, nothing is
//! subtracted and the sample is flagged (`no no-NADPH blank`).
//!
//! # Activity: units
//! 1 µM = 1 µmol/L = 10⁻⁶ mol / 10⁶ µL = 10⁻¹² mol/µL = 1 pmol/µL, so C(µM) × V(µL) is the
//! amount of metabolite formed in pmol. The protein in the incubation is
//! P(mg/mL) × V(µL)/1000 (mg), the incubation lasts t min, and
//!
//! activity (pmol/min/mg) = C_net(µM) × V(µL) / ( t(min) × P(mg/mL) × V(µL)/1000 )
//!                        = 1000 × C_net / (t × P).
//!
//! Example: 2 µM formed in 200 µL with 0.5 mg/mL protein in 20 min: 400 pmol over 20 min
//! and 0.1 mg, i.e. 200 pmol/min/mg.

use std::collections::BTreeMap;

use super::AssayError;
use crate::stats::{self, CalibrationFit, CurveModel, Weighting};

/// One row of the `hplc-standards` sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct HplcStandard {
    pub run: String,
    pub metabolite: String,
    /// The standard's level number, when recorded.
    pub level: Option<u32>,
    pub nominal_um: f64,
    pub peak_area: f64,
    /// The internal standard's peak area, when an internal standard is used.
    pub is_peak_area: Option<f64>,
}

/// One row of the `hplc-samples` sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct HplcSample {
    pub run: String,
    pub blind_code: String,
    pub metabolite: String,
    pub peak_area: f64,
    pub is_peak_area: Option<f64>,
    pub incubation_min: f64,
    /// Microsomal protein in the incubation.
    pub protein_mg_per_ml: f64,
    pub incubation_volume_ul: f64,
    /// Dilution of the incubation before injection; None means 1.
    pub dilution: Option<f64>,
    /// True for the incubation without NADPH.
    pub no_nadph_blank: bool,
}

/// How the curves are fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HplcOptions {
    pub model: CurveModel,
    /// The protocol's weighting; None: the one with the smallest Σ|%RE|.
    pub weighting: Option<Weighting>,
    /// Confidence level of the fit's intervals.
    pub level: f64,
}

impl Default for HplcOptions {
    fn default() -> Self {
        HplcOptions {
            model: CurveModel::Linear,
            weighting: None,
            level: 0.95,
        }
    }
}

/// What the curve is fitted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    PeakArea,
    /// Peak area / internal standard peak area.
    AreaRatio,
}

impl Response {
    pub fn label(self) -> &'static str {
        match self {
            Response::PeakArea => "peak area",
            Response::AreaRatio => "peak area ratio to the internal standard",
        }
    }
}

/// The acceptance limits applied to one non-zero standard.
pub const LIMIT_PCT: f64 = 15.0;
/// The limit at the lowest non-zero standard.
pub const LIMIT_LOWEST_PCT: f64 = 20.0;
/// Distinct non-zero concentrations needed.
pub const MIN_NON_ZERO_LEVELS: usize = 6;

/// A non-zero standard outside its acceptance limit.
#[derive(Debug, Clone, PartialEq)]
pub struct FailingStandard {
    pub run: String,
    pub metabolite: String,
    pub level: Option<u32>,
    pub nominal_um: f64,
    pub back_calculated_um: Option<f64>,
    /// None when the curve cannot read the standard back.
    pub relative_error_pct: Option<f64>,
    /// 15 or 20 (%).
    pub limit_pct: f64,
}

/// The run acceptance of one curve, with its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Acceptance {
    /// Distinct non-zero nominal concentrations.
    pub non_zero_levels: usize,
    /// Non-zero standards (injections) judged.
    pub non_zero_standards: usize,
    pub passing: usize,
    /// The smallest number passing that satisfies the 75 % rule: ⌈0.75 n⌉.
    pub passing_needed: usize,
    /// The lowest non-zero nominal concentration (held to ±20 %).
    pub lowest_um: f64,
    pub failing: Vec<FailingStandard>,
    pub accepted: bool,
    /// Why the run fails, in words; empty when accepted.
    pub reasons: Vec<String>,
}

/// The curve of one run and metabolite.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCalibration {
    pub run: String,
    pub metabolite: String,
    pub response: Response,
    /// Indexes of this curve's non-zero standards in the standards given (the rows of
    /// `fit.standards`).
    pub rows: Vec<usize>,
    /// Nominal concentration and response of each non-zero standard, in row order.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// The blanks (0 µM): index in the standards given and response; not fitted.
    pub blanks: Vec<(usize, f64)>,
    /// The fit used.
    pub fit: CalibrationFit,
    /// True when the weighting was chosen by the smallest Σ|%RE|.
    pub weighting_chosen: bool,
    /// Every weighting compared when it was chosen (empty otherwise).
    pub compared: Vec<CalibrationFit>,
    pub lowest_um: f64,
    pub top_um: f64,
    /// The lowest non-zero standard within its acceptance limit (NaN when none is).
    pub lloq_um: f64,
    pub acceptance: Acceptance,
}

/// A flag on a sample's value, which is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFlag {
    BelowLloq,
    AboveTopStandard,
    NegativeAfterBlank,
    /// The animal's no-NADPH blanks were all in failed runs.
    BlankNotQuantified,
    /// The animal has no no-NADPH blank although others have one for this metabolite;
    /// nothing is subtracted.
    NoBlank,
}

impl SampleFlag {
    pub fn label(self) -> &'static str {
        match self {
            SampleFlag::BelowLloq => "below LLOQ",
            SampleFlag::AboveTopStandard => "above the top standard",
            SampleFlag::NegativeAfterBlank => "negative after blank subtraction",
            SampleFlag::BlankNotQuantified => "no-NADPH blank not quantified",
            SampleFlag::NoBlank => "no no-NADPH blank (not subtracted)",
        }
    }
}

/// One quantified sample row (incubation or no-NADPH blank), every step kept.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleResult {
    /// Index of the row in the samples given.
    pub row: usize,
    pub run: String,
    pub blind_code: String,
    pub metabolite: String,
    pub no_nadph_blank: bool,
    pub response: f64,
    /// x̂ in the injected solution (µM).
    pub measured_um: f64,
    pub dilution: f64,
    /// x̂ × dilution (µM in the incubation).
    pub incubation_um: f64,
    /// Mean of the animal's quantified no-NADPH blanks (µM); None without one. Incubations only.
    pub blank_um: Option<f64>,
    pub blank_rows: Vec<usize>,
    /// incubation_um − blank_um (or incubation_um without a blank). Incubations only.
    pub net_um: Option<f64>,
    /// protein_mg_per_ml × V/1000 (mg). Incubations only.
    pub protein_mg: Option<f64>,
    /// net × V / (t × protein mg) (pmol/min/mg). Incubations only.
    pub activity_pmol_per_min_per_mg: Option<f64>,
    pub flags: Vec<SampleFlag>,
}

/// A sample row of a run whose curve failed acceptance.
#[derive(Debug, Clone, PartialEq)]
pub struct NotQuantified {
    pub row: usize,
    pub run: String,
    pub blind_code: String,
    pub metabolite: String,
    pub no_nadph_blank: bool,
    pub reason: String,
}

/// Everything computed from the two HPLC sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct HplcResult {
    /// One per run and metabolite, in order of first appearance among the standards.
    pub calibrations: Vec<RunCalibration>,
    /// Quantified rows, in input order.
    pub samples: Vec<SampleResult>,
    pub not_quantified: Vec<NotQuantified>,
}

fn place(run: &str, metabolite: &str) -> String {
    format!("HPLC run {run}, {metabolite}")
}

fn response_of(
    peak: f64,
    is_peak: Option<f64>,
    place: impl Fn() -> String,
) -> Result<f64, AssayError> {
    match is_peak {
        None => Ok(peak),
        Some(v) if v > 0.0 => Ok(peak / v),
        Some(value) => Err(AssayError::NotPositive {
            place: place(),
            field: "is_peak_area",
            value,
        }),
    }
}

/// Fits and judges the curve of one run and metabolite.
fn calibrate(
    run: &str,
    metabolite: &str,
    rows: Vec<usize>,
    standards: &[HplcStandard],
    options: &HplcOptions,
) -> Result<RunCalibration, AssayError> {
    let where_ = || place(run, metabolite);
    let with_is = rows
        .iter()
        .filter(|&&i| standards[i].is_peak_area.is_some())
        .count();
    let response = if with_is == 0 {
        Response::PeakArea
    } else if with_is == rows.len() {
        Response::AreaRatio
    } else {
        return Err(AssayError::Inconsistent {
            place: where_(),
            reason: format!(
                "{with_is} of {} standards have an internal standard peak area; give it for all or none",
                rows.len()
            ),
        });
    };
    let mut x = Vec::with_capacity(rows.len());
    let mut y = Vec::with_capacity(rows.len());
    for &i in &rows {
        let s = &standards[i];
        if s.nominal_um < 0.0 {
            return Err(AssayError::Negative {
                place: where_(),
                field: "nominal_um",
                value: s.nominal_um,
            });
        }
        x.push(s.nominal_um);
        y.push(response_of(s.peak_area, s.is_peak_area, where_)?);
    }
    // Mean response per nominal concentration must increase with it.
    let mut levels: Vec<(f64, f64, f64)> = Vec::new();
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    for &k in &order {
        match levels.last_mut() {
            Some(l) if l.0 == x[k] => {
                l.1 += y[k];
                l.2 += 1.0;
            }
            _ => levels.push((x[k], y[k], 1.0)),
        }
    }
    for w in levels.windows(2) {
        let (lo, hi) = (w[0].1 / w[0].2, w[1].1 / w[1].2);
        if hi <= lo {
            return Err(AssayError::NotMonotonic {
                place: where_(),
                lower: w[0].0,
                higher: w[1].0,
                lower_response: lo,
                higher_response: hi,
            });
        }
    }
    // Blanks are checked above but not fitted.
    let blanks: Vec<(usize, f64)> = (0..x.len())
        .filter(|&k| x[k] == 0.0)
        .map(|k| (rows[k], y[k]))
        .collect();
    let keep: Vec<usize> = (0..x.len()).filter(|&k| x[k] != 0.0).collect();
    let rows: Vec<usize> = keep.iter().map(|&k| rows[k]).collect();
    let y: Vec<f64> = keep.iter().map(|&k| y[k]).collect();
    let x: Vec<f64> = keep.iter().map(|&k| x[k]).collect();
    let fit_err = |e| AssayError::Fit {
        place: where_(),
        source: Box::new(e),
    };
    let (fit, compared, chosen) = match options.weighting {
        Some(w) => (
            stats::fit_calibration(&x, &y, options.model, w, options.level).map_err(fit_err)?,
            Vec::new(),
            false,
        ),
        None => {
            let (best, fits) =
                stats::best_weighting(&x, &y, options.model, options.level).map_err(fit_err)?;
            (fits[best].clone(), fits, true)
        }
    };
    let acceptance = judge(run, metabolite, &rows, standards, &fit);
    let lowest_um = acceptance.lowest_um;
    let top_um = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lloq_um = fit
        .standards
        .iter()
        .filter(|s| {
            !acceptance
                .failing
                .iter()
                .any(|f| f.nominal_um == s.x && f.relative_error_pct == s.relative_error_pct)
        })
        .map(|s| s.x)
        .fold(f64::NAN, f64::min);
    Ok(RunCalibration {
        run: run.to_string(),
        metabolite: metabolite.to_string(),
        response,
        rows,
        x,
        y,
        blanks,
        fit,
        weighting_chosen: chosen,
        compared,
        lowest_um,
        top_um,
        lloq_um,
        acceptance,
    })
}

/// The acceptance rules of the module documentation.
fn judge(
    run: &str,
    metabolite: &str,
    rows: &[usize],
    standards: &[HplcStandard],
    fit: &CalibrationFit,
) -> Acceptance {
    let non_zero: Vec<usize> = (0..fit.standards.len())
        .filter(|&k| fit.standards[k].x > 0.0)
        .collect();
    let lowest_um = non_zero
        .iter()
        .map(|&k| fit.standards[k].x)
        .fold(f64::INFINITY, f64::min);
    let mut distinct: Vec<f64> = non_zero.iter().map(|&k| fit.standards[k].x).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let mut failing = Vec::new();
    for &k in &non_zero {
        let s = &fit.standards[k];
        let limit_pct = if s.x == lowest_um {
            LIMIT_LOWEST_PCT
        } else {
            LIMIT_PCT
        };
        let re = s.relative_error_pct.filter(|_| s.used);
        if !re.is_some_and(|re| re.abs() <= limit_pct) {
            failing.push(FailingStandard {
                run: run.to_string(),
                metabolite: metabolite.to_string(),
                level: standards[rows[k]].level,
                nominal_um: s.x,
                back_calculated_um: s.back_calculated,
                relative_error_pct: re,
                limit_pct,
            });
        }
    }
    let n = non_zero.len();
    let passing = n - failing.len();
    let passing_needed = (3 * n).div_ceil(4);
    let mut reasons = Vec::new();
    if distinct.len() < MIN_NON_ZERO_LEVELS {
        reasons.push(format!(
            "{} non-zero standard concentrations, at least {MIN_NON_ZERO_LEVELS} needed",
            distinct.len()
        ));
    }
    if passing < passing_needed {
        reasons.push(format!(
            "{passing} of {n} non-zero standards within ±{LIMIT_PCT} % (±{LIMIT_LOWEST_PCT} % at the lowest), at least {passing_needed} (75 %) needed"
        ));
    }
    Acceptance {
        non_zero_levels: distinct.len(),
        non_zero_standards: n,
        passing,
        passing_needed,
        lowest_um,
        failing,
        accepted: reasons.is_empty(),
        reasons,
    }
}

fn positive(value: f64, field: &'static str, s: &HplcSample) -> Result<(), AssayError> {
    if value > 0.0 {
        Ok(())
    } else {
        Err(AssayError::NotPositive {
            place: format!(
                "HPLC sample {} (run {}, {})",
                s.blind_code, s.run, s.metabolite
            ),
            field,
            value,
        })
    }
}

/// Calibrates every run and metabolite, judges the runs and quantifies the samples.
pub fn hplc_activity(
    standards: &[HplcStandard],
    samples: &[HplcSample],
    options: &HplcOptions,
) -> Result<HplcResult, AssayError> {
    // Curves, in order of first appearance.
    let mut groups: Vec<((String, String), Vec<usize>)> = Vec::new();
    let mut index: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, s) in standards.iter().enumerate() {
        let key = (s.run.clone(), s.metabolite.clone());
        let g = *index.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    let calibrations = groups
        .into_iter()
        .map(|((run, m), rows)| calibrate(&run, &m, rows, standards, options))
        .collect::<Result<Vec<_>, _>>()?;

    // Sample checks before any arithmetic.
    for s in samples {
        if !index.contains_key(&(s.run.clone(), s.metabolite.clone())) {
            return Err(AssayError::NoStandards {
                place: place(&s.run, &s.metabolite),
            });
        }
        if let Some(d) = s.dilution {
            positive(d, "dilution", s)?;
        }
        if !s.no_nadph_blank {
            positive(s.incubation_min, "incubation_min", s)?;
            positive(s.protein_mg_per_ml, "protein_mg_per_ml", s)?;
            positive(s.incubation_volume_ul, "incubation_volume_ul", s)?;
        }
    }

    let mut results: Vec<SampleResult> = Vec::new();
    let mut not_quantified = Vec::new();
    for (row, s) in samples.iter().enumerate() {
        let cal = &calibrations[index[&(s.run.clone(), s.metabolite.clone())]];
        if !cal.acceptance.accepted {
            not_quantified.push(NotQuantified {
                row,
                run: s.run.clone(),
                blind_code: s.blind_code.clone(),
                metabolite: s.metabolite.clone(),
                no_nadph_blank: s.no_nadph_blank,
                reason: format!(
                    "run {} failed acceptance for {}: {}",
                    s.run,
                    s.metabolite,
                    cal.acceptance.reasons.join("; ")
                ),
            });
            continue;
        }
        let where_ = || {
            format!(
                "HPLC sample {} (run {}, {})",
                s.blind_code, s.run, s.metabolite
            )
        };
        if (s.is_peak_area.is_some()) != (cal.response == Response::AreaRatio) {
            return Err(AssayError::Inconsistent {
                place: where_(),
                reason: format!(
                    "the run's standards are read as {}, so the sample needs {} internal standard peak area",
                    cal.response.label(),
                    if cal.response == Response::AreaRatio { "an" } else { "no" }
                ),
            });
        }
        let response = response_of(s.peak_area, s.is_peak_area, where_)?;
        let measured_um =
            cal.fit
                .concentration(response)
                .ok_or_else(|| AssayError::OutsideCurve {
                    place: where_(),
                    reason: format!("the curve never reaches the response {response}"),
                })?;
        let dilution = s.dilution.unwrap_or(1.0);
        let mut flags = Vec::new();
        if cal.lloq_um.is_nan() || measured_um < cal.lloq_um {
            flags.push(SampleFlag::BelowLloq);
        }
        if measured_um > cal.top_um {
            flags.push(SampleFlag::AboveTopStandard);
        }
        results.push(SampleResult {
            row,
            run: s.run.clone(),
            blind_code: s.blind_code.clone(),
            metabolite: s.metabolite.clone(),
            no_nadph_blank: s.no_nadph_blank,
            response,
            measured_um,
            dilution,
            incubation_um: measured_um * dilution,
            blank_um: None,
            blank_rows: Vec::new(),
            net_um: None,
            protein_mg: None,
            activity_pmol_per_min_per_mg: None,
            flags,
        });
    }

    // Blank subtraction and activity.
    let blanks: Vec<(usize, String, String, f64)> = results
        .iter()
        .filter(|r| r.no_nadph_blank)
        .map(|r| {
            (
                r.row,
                r.blind_code.clone(),
                r.metabolite.clone(),
                r.incubation_um,
            )
        })
        .collect();
    for r in results.iter_mut().filter(|r| !r.no_nadph_blank) {
        let s = &samples[r.row];
        let mine: Vec<&(usize, String, String, f64)> = blanks
            .iter()
            .filter(|b| b.1 == r.blind_code && b.2 == r.metabolite)
            .collect();
        let any_blank_row = samples.iter().any(|b| {
            b.no_nadph_blank && b.blind_code == r.blind_code && b.metabolite == r.metabolite
        });
        let net = if !mine.is_empty() {
            let blank = mine.iter().map(|b| b.3).sum::<f64>() / mine.len() as f64;
            r.blank_um = Some(blank);
            r.blank_rows = mine.iter().map(|b| b.0).collect();
            Some(r.incubation_um - blank)
        } else if any_blank_row {
            r.flags.push(SampleFlag::BlankNotQuantified);
            None
        } else {
            // Other animals' incubations of this metabolite have blanks: this one's is
            // missing, and its value is not corrected as theirs are.
            if samples
                .iter()
                .any(|b| b.no_nadph_blank && b.metabolite == r.metabolite)
            {
                r.flags.push(SampleFlag::NoBlank);
            }
            Some(r.incubation_um)
        };
        r.net_um = net;
        if net.is_some_and(|n| n < 0.0) {
            r.flags.push(SampleFlag::NegativeAfterBlank);
        }
        let protein_mg = s.protein_mg_per_ml * s.incubation_volume_ul / 1000.0;
        r.protein_mg = Some(protein_mg);
        r.activity_pmol_per_min_per_mg =
            net.map(|c| c * s.incubation_volume_ul / (s.incubation_min * protein_mg));
    }
    Ok(HplcResult {
        calibrations,
        samples: results,
        not_quantified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn std_row(run: &str, level: u32, x: f64, area: f64) -> HplcStandard {
        HplcStandard {
            run: run.into(),
            metabolite: "paraxanthine".into(),
            level: Some(level),
            nominal_um: x,
            peak_area: area,
            is_peak_area: None,
        }
    }

    /// Area = 1000 x + 50 with small alternating deviations (so the residuals vary).
    fn curve(run: &str) -> Vec<HplcStandard> {
        [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
            .iter()
            .enumerate()
            .map(|(k, &x)| {
                let e = if k % 2 == 0 { 1.0 } else { -1.0 };
                std_row(run, k as u32 + 1, x, 50.0 + 1000.0 * x * (1.0 + 0.01 * e))
            })
            .collect()
    }

    fn sample(code: &str, area: f64, blank: bool) -> HplcSample {
        HplcSample {
            run: "R1".into(),
            blind_code: code.into(),
            metabolite: "paraxanthine".into(),
            peak_area: area,
            is_peak_area: None,
            incubation_min: 20.0,
            protein_mg_per_ml: 0.5,
            incubation_volume_ul: 200.0,
            dilution: Some(2.0),
            no_nadph_blank: blank,
        }
    }

    #[test]
    fn activity_by_hand() {
        let opts = HplcOptions {
            weighting: Some(Weighting::InverseX2),
            ..HplcOptions::default()
        };
        let samples = [sample("C1", 0.0, false), sample("C1", 0.0, true)];
        let r = hplc_activity(&curve("R1"), &samples, &opts).unwrap();
        let fit = &r.calibrations[0].fit;
        // Choose the responses so that x̂ = 1.5 µM and 0.25 µM exactly on this curve.
        let samples = [
            sample("C1", fit.response(1.5), false),
            sample("C1", fit.response(0.25), true),
        ];
        let r = hplc_activity(&curve("R1"), &samples, &opts).unwrap();
        assert!(r.calibrations[0].acceptance.accepted);
        let s = &r.samples[0];
        // C = 1.5 × 2 = 3 µM; blank 0.25 × 2 = 0.5 µM; net 2.5 µM.
        // 2.5 µM × 200 µL = 500 pmol; protein 0.5 mg/mL × 0.2 mL = 0.1 mg; 20 min:
        // 500 / (20 × 0.1) = 250 pmol/min/mg.
        assert!((s.incubation_um - 3.0).abs() < 1e-9);
        assert!((s.blank_um.unwrap() - 0.5).abs() < 1e-9);
        assert!((s.net_um.unwrap() - 2.5).abs() < 1e-9);
        assert!((s.protein_mg.unwrap() - 0.1).abs() < 1e-15);
        assert!((s.activity_pmol_per_min_per_mg.unwrap() - 250.0).abs() < 1e-9);
        assert_eq!(s.blank_rows, vec![1]);
        // 0.25 µM is below the lowest standard (0.5 µM, within its limit): below the LLOQ.
        assert_eq!(r.calibrations[0].lloq_um, 0.5);
        assert!(r.samples[1].flags.contains(&SampleFlag::BelowLloq));
        assert!(!r.samples[0].flags.contains(&SampleFlag::BelowLloq));
    }

    #[test]
    fn negative_after_blank_is_flagged_and_kept() {
        let opts = HplcOptions {
            weighting: Some(Weighting::None),
            ..HplcOptions::default()
        };
        let probe = hplc_activity(&curve("R1"), &[], &opts).unwrap();
        let fit = &probe.calibrations[0].fit;
        let samples = [
            sample("C2", fit.response(1.0), false),
            sample("C2", fit.response(1.2), true),
            sample("C3", fit.response(80.0), false),
        ];
        let r = hplc_activity(&curve("R1"), &samples, &opts).unwrap();
        let s = &r.samples[0];
        assert!((s.net_um.unwrap() + 0.4).abs() < 1e-9);
        assert!(s.flags.contains(&SampleFlag::NegativeAfterBlank));
        assert!((s.activity_pmol_per_min_per_mg.unwrap() + 40.0).abs() < 1e-9);
        assert!(r.samples[2].flags.contains(&SampleFlag::AboveTopStandard));
        assert_eq!(r.samples[2].blank_um, None);
    }

    #[test]
    fn failing_run_is_reported_and_not_quantified() {
        let mut st = curve("R1");
        // The top three of seven standards 30 % low (detector saturation) under 1/x²:
        // 4 pass, 6 needed (⌈0.75 × 7⌉).
        for k in [4, 5, 6] {
            st[k].peak_area *= 0.7;
        }
        let opts = HplcOptions {
            weighting: Some(Weighting::InverseX2),
            ..HplcOptions::default()
        };
        let r = hplc_activity(&st, &[sample("C1", 1000.0, false)], &opts).unwrap();
        let a = &r.calibrations[0].acceptance;
        assert!(!a.accepted, "{a:?}");
        assert_eq!(a.passing_needed, 6);
        assert!(a.failing.iter().all(|f| f.run == "R1" && f.level.is_some()));
        assert!(r.samples.is_empty());
        assert_eq!(r.not_quantified.len(), 1);
        assert!(r.not_quantified[0].reason.contains("failed acceptance"));
    }

    #[test]
    fn errors() {
        let opts = HplcOptions::default();
        let mut s = sample("C1", 1000.0, false);
        s.metabolite = "7-hydroxywarfarin".into();
        assert!(matches!(
            hplc_activity(&curve("R1"), &[s], &opts),
            Err(AssayError::NoStandards { .. })
        ));
        let mut st = curve("R1");
        st[4].peak_area = st[3].peak_area - 1.0;
        let e = hplc_activity(&st, &[], &opts).unwrap_err();
        assert!(
            matches!(e, AssayError::NotMonotonic { lower, higher, .. } if lower == 5.0 && higher == 10.0)
        );
        let mut s = sample("C1", 1000.0, false);
        s.protein_mg_per_ml = 0.0;
        let e = hplc_activity(&curve("R1"), &[s], &opts).unwrap_err();
        assert!(e
            .to_string()
            .contains("protein_mg_per_ml must be greater than 0"));
    }
}
