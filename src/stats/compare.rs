//! Comparing groups as a lab analyses a column table: assumption checks, the omnibus
//! test, effect sizes and post hoc comparisons — chosen by the caller or by [`compare`]'s
//! `auto` rule, which records the reason for each choice.
//!
//! The `auto` rule (documented in `docs/statistics.md`):
//! 1. Normality: Shapiro–Wilk in every group with n ≥ 3. If any group departs from
//!    normality at α, a rank test is used: Mann–Whitney for two groups, Kruskal–Wallis
//!    followed by Dunn's test for more.
//! 2. Otherwise equal variances: the Brown–Forsythe (Levene–median) test. If variances
//!    differ at α: Welch's t test, or Welch's ANOVA followed by Games–Howell.
//! 3. Otherwise Student's t test, or one-way ANOVA followed by Dunnett's test when a
//!    control group is named and by Tukey–Kramer when not.

use super::adjust::Adjustment;
use super::descriptive::{describe, Descriptives};
use super::effect::{eta_squared, omega_squared, standardised_difference};
use super::kgroups::{
    brown_forsythe_means, brown_forsythe_variances, kruskal_wallis, welch_anova, TestResult,
};
use super::mannwhitney::mann_whitney;
use super::normality::shapiro_wilk;
use super::oneway::one_way_anova;
use super::posthoc::{posthoc, Posthoc, PosthocMethod};
use super::ttest::{two_sample_t, TTestKind};
use super::StatsError;

/// An omnibus test of a difference between groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OmnibusTest {
    Anova,
    WelchAnova,
    BrownForsythe,
    KruskalWallis,
    StudentT,
    WelchT,
    MannWhitney,
}

impl OmnibusTest {
    /// The name used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            OmnibusTest::Anova => "anova",
            OmnibusTest::WelchAnova => "welch-anova",
            OmnibusTest::BrownForsythe => "brown-forsythe",
            OmnibusTest::KruskalWallis => "kruskal",
            OmnibusTest::StudentT => "t",
            OmnibusTest::WelchT => "welch-t",
            OmnibusTest::MannWhitney => "mann-whitney",
        }
    }

    /// The name printed in tables and reports.
    pub fn title(self) -> &'static str {
        match self {
            OmnibusTest::Anova => "one-way ANOVA",
            OmnibusTest::WelchAnova => "Welch's ANOVA",
            OmnibusTest::BrownForsythe => "Brown–Forsythe ANOVA",
            OmnibusTest::KruskalWallis => "Kruskal–Wallis test",
            OmnibusTest::StudentT => "Student's t test",
            OmnibusTest::WelchT => "Welch's t test",
            OmnibusTest::MannWhitney => "Mann–Whitney test",
        }
    }

    fn two_groups(self) -> bool {
        matches!(
            self,
            OmnibusTest::StudentT | OmnibusTest::WelchT | OmnibusTest::MannWhitney
        )
    }

    /// The post hoc method that goes with the test.
    fn default_posthoc(self, control: bool) -> Option<PosthocMethod> {
        match self {
            OmnibusTest::Anova if control => Some(PosthocMethod::Dunnett),
            OmnibusTest::Anova => Some(PosthocMethod::Tukey),
            OmnibusTest::WelchAnova | OmnibusTest::BrownForsythe => {
                Some(PosthocMethod::GamesHowell)
            }
            OmnibusTest::KruskalWallis => Some(PosthocMethod::Dunn),
            _ => None,
        }
    }
}

/// What to run; `None` means "choose by the auto rule".
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    pub test: Option<OmnibusTest>,
    /// `Some(None)` asks for no post hoc test.
    pub posthoc: Option<Option<PosthocMethod>>,
    /// Index of the control group.
    pub control: Option<usize>,
    pub alpha: f64,
    pub dunn_adjustment: Adjustment,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            test: None,
            posthoc: None,
            control: None,
            alpha: 0.05,
            dunn_adjustment: Adjustment::Bonferroni,
        }
    }
}

/// A named effect size with its confidence interval where it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectSize {
    pub name: &'static str,
    pub value: f64,
    pub ci: Option<(f64, f64)>,
}

/// The difference between two groups: mean(a) − mean(b) and its 95% CI (t tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub a: String,
    pub b: String,
    pub diff: f64,
    pub ci: Option<(f64, f64)>,
}

/// The omnibus result.
#[derive(Debug, Clone, PartialEq)]
pub struct Omnibus {
    pub test: OmnibusTest,
    /// "F", "t", "U" or "H".
    pub statistic_name: &'static str,
    pub result: TestResult,
    /// For two groups: mean(a) − mean(b) (a = the second group, or the one that is not the
    /// control) with its 95% CI (t tests only).
    pub difference: Option<Difference>,
    pub effect_sizes: Vec<EffectSize>,
}

/// The assumption checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumptions {
    /// Shapiro–Wilk per group, or why it could not be computed.
    pub normality: Vec<(String, Result<TestResult, String>)>,
    /// Brown–Forsythe test of equal variances, or why it could not be computed.
    pub equal_variance: Result<TestResult, String>,
}

/// Everything `preclin stats compare` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub groups: Vec<(String, Descriptives)>,
    pub assumptions: Assumptions,
    pub omnibus: Omnibus,
    pub posthoc: Option<Posthoc>,
    /// Whether the test was chosen by the auto rule, and why.
    pub auto: bool,
    pub reasons: Vec<String>,
    pub alpha: f64,
}

/// Checks normality and equal variances.
pub fn check_assumptions(groups: &[(&str, &[f64])]) -> Assumptions {
    let normality = groups
        .iter()
        .map(|(name, x)| {
            (
                name.to_string(),
                shapiro_wilk(name, x).map_err(|e| e.to_string()),
            )
        })
        .collect();
    let equal_variance = brown_forsythe_variances(groups).map_err(|e| e.to_string());
    Assumptions {
        normality,
        equal_variance,
    }
}

/// The auto rule: the test, and the reasons in words.
fn choose(assumptions: &Assumptions, k: usize, alpha: f64) -> (OmnibusTest, Vec<String>) {
    let mut reasons = Vec::new();
    let non_normal: Vec<&str> = assumptions
        .normality
        .iter()
        .filter(|(_, r)| matches!(r, Ok(t) if t.p < alpha))
        .map(|(g, _)| g.as_str())
        .collect();
    let unchecked: Vec<&str> = assumptions
        .normality
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(g, _)| g.as_str())
        .collect();
    if !unchecked.is_empty() {
        reasons.push(format!(
            "normality could not be checked in {} (Shapiro–Wilk needs n ≥ 3 and values that vary)",
            unchecked.join(", ")
        ));
    }
    if !non_normal.is_empty() {
        reasons.push(format!(
            "Shapiro–Wilk p < {alpha} in {}: values not normally distributed, so a rank test is used",
            non_normal.join(", ")
        ));
        let test = if k == 2 {
            OmnibusTest::MannWhitney
        } else {
            OmnibusTest::KruskalWallis
        };
        return (test, reasons);
    }
    reasons.push(format!(
        "Shapiro–Wilk p ≥ {alpha} in every group checked: normality not rejected"
    ));
    match &assumptions.equal_variance {
        Ok(t) if t.p < alpha => {
            reasons.push(format!(
                "Brown–Forsythe p = {:.4} < {alpha}: variances differ, so a test that does not assume equal variances is used",
                t.p
            ));
            let test = if k == 2 {
                OmnibusTest::WelchT
            } else {
                OmnibusTest::WelchAnova
            };
            (test, reasons)
        }
        Ok(t) => {
            reasons.push(format!(
                "Brown–Forsythe p = {:.4} ≥ {alpha}: equal variances not rejected",
                t.p
            ));
            let test = if k == 2 {
                OmnibusTest::StudentT
            } else {
                OmnibusTest::Anova
            };
            (test, reasons)
        }
        Err(e) => {
            reasons.push(format!(
                "equal variances could not be checked ({e}), so a test that does not assume them is used"
            ));
            let test = if k == 2 {
                OmnibusTest::WelchT
            } else {
                OmnibusTest::WelchAnova
            };
            (test, reasons)
        }
    }
}

/// Runs the comparison of `groups` (in the order given).
pub fn compare(
    groups: &[(&str, &[f64])],
    options: &CompareOptions,
) -> Result<Comparison, StatsError> {
    let k = groups.len();
    if k < 2 {
        return Err(StatsError::TooFewGroups {
            what: "a comparison of groups",
            needed: 2,
            found: k,
        });
    }
    let described = groups
        .iter()
        .map(|(name, x)| Ok((name.to_string(), describe(name, x)?)))
        .collect::<Result<Vec<_>, StatsError>>()?;
    let assumptions = check_assumptions(groups);
    let (test, mut reasons, auto) = match options.test {
        Some(t) => (t, Vec::new(), false),
        None => {
            let (t, r) = choose(&assumptions, k, options.alpha);
            (t, r, true)
        }
    };
    if test.two_groups() && k != 2 {
        return Err(StatsError::WrongGroupCount {
            what: test.title(),
            needed: "exactly 2",
            found: k,
        });
    }
    let omnibus = omnibus(groups, test, options.control)?;
    let method = match options.posthoc {
        Some(m) => m,
        None if k > 2 => {
            let m = test.default_posthoc(options.control.is_some());
            if let Some(m) = m {
                let why = match m {
                    PosthocMethod::Dunnett => "each group against the control",
                    PosthocMethod::Tukey => "all pairs, no control named",
                    PosthocMethod::GamesHowell => "all pairs without assuming equal variances",
                    _ => "rank-based, after Kruskal–Wallis",
                };
                reasons.push(format!("post hoc: {} ({why})", m.title()));
            }
            m
        }
        None => None,
    };
    let posthoc = match method {
        Some(m) if k > 2 || options.posthoc.is_some() => Some(posthoc(
            groups,
            m,
            options.control,
            options.alpha,
            options.dunn_adjustment,
        )?),
        _ => None,
    };
    Ok(Comparison {
        groups: described,
        assumptions,
        omnibus,
        posthoc,
        auto,
        reasons,
        alpha: options.alpha,
    })
}

fn omnibus(
    groups: &[(&str, &[f64])],
    test: OmnibusTest,
    control: Option<usize>,
) -> Result<Omnibus, StatsError> {
    let mut effect_sizes = Vec::new();
    let mut difference = None;
    let (statistic_name, result) = match test {
        OmnibusTest::Anova | OmnibusTest::WelchAnova | OmnibusTest::BrownForsythe => {
            let a = one_way_anova(groups)?;
            effect_sizes.push(EffectSize {
                name: "eta_squared",
                value: eta_squared(&a),
                ci: None,
            });
            effect_sizes.push(EffectSize {
                name: "omega_squared",
                value: omega_squared(&a),
                ci: None,
            });
            let result = match test {
                OmnibusTest::Anova => TestResult {
                    statistic: a.f,
                    df: vec![a.df_between, a.df_within],
                    p: a.p,
                },
                OmnibusTest::WelchAnova => welch_anova(groups)?,
                _ => brown_forsythe_means(groups)?,
            };
            ("F", result)
        }
        OmnibusTest::KruskalWallis => {
            let h = kruskal_wallis(groups)?;
            let n: usize = groups.iter().map(|(_, x)| x.len()).sum();
            effect_sizes.push(EffectSize {
                name: "epsilon_squared",
                value: h.statistic / (n as f64 - 1.0),
                ci: None,
            });
            ("H", h)
        }
        OmnibusTest::StudentT | OmnibusTest::WelchT | OmnibusTest::MannWhitney => {
            // a = the group that is not the control (the second when none is named).
            let (ia, ib) = match control {
                Some(0) | None => (1, 0),
                Some(_) => (0, 1),
            };
            let (a, b) = (groups[ia], groups[ib]);
            if test == OmnibusTest::MannWhitney {
                let u = mann_whitney(a, b)?;
                let product = (a.1.len() * b.1.len()) as f64;
                effect_sizes.push(EffectSize {
                    name: "rank_biserial",
                    value: 2.0 * u.w / product - 1.0,
                    ci: None,
                });
                difference = Some(Difference {
                    a: a.0.to_string(),
                    b: b.0.to_string(),
                    diff: super::descriptive::mean_difference(a.1, b.1),
                    ci: None,
                });
                (
                    "U",
                    TestResult {
                        statistic: u.w,
                        df: Vec::new(),
                        p: u.p,
                    },
                )
            } else {
                let kind = if test == OmnibusTest::StudentT {
                    TTestKind::Student
                } else {
                    TTestKind::Welch
                };
                let t = two_sample_t(a, b, kind)?;
                difference = Some(Difference {
                    a: a.0.to_string(),
                    b: b.0.to_string(),
                    diff: t.diff,
                    ci: Some(t.ci95),
                });
                let d = standardised_difference(a, b, 0.95)?;
                effect_sizes.push(EffectSize {
                    name: "cohens_d",
                    value: d.cohens_d,
                    ci: Some(d.cohens_d_ci),
                });
                effect_sizes.push(EffectSize {
                    name: "hedges_g",
                    value: d.hedges_g,
                    ci: Some(d.hedges_g_ci),
                });
                (
                    "t",
                    TestResult {
                        statistic: t.t,
                        df: vec![t.df],
                        p: t.p,
                    },
                )
            }
        }
    };
    Ok(Omnibus {
        test,
        statistic_name,
        result,
        difference,
        effect_sizes,
    })
}
