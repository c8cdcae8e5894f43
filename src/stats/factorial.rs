//! Between-subjects factorial ANOVA (two or more crossed factors, balanced or not) with
//! Type I, II and III sums of squares, simple main effects and comparisons of cells.
//!
//! The full factorial model is fitted to the cell means weighted by the cell sizes: its
//! residual is the within-cell sum of squares, taken in two passes about each cell's mean,
//! and every other sum of squares is a difference between nested models on the cells,
//! obtained as the squared norm of the term's block of Qᵀy (no subtraction of two residual
//! sums). Definitions:
//! - Type I (sequential): each term after the terms before it, in R's order (main effects,
//!   then two-way interactions, …).
//! - Type II: each term after every term that does not contain it (Langsrud 2003,
//!   *Statistics and Computing* 13:163–167; `car::Anova(type = 2)`).
//! - Type III: each term after all others, with sum-to-zero (deviation) coding of the
//!   factors (`car::Anova(type = 3)` with `contr.sum`; SPSS's and Prism's default). With
//!   treatment coding the Type III main effects test a different, rarely meaningful,
//!   hypothesis; preclin always codes sum-to-zero.
//!
//! Effect sizes: partial η² = SS/(SS + SS_error) and partial ω² = (SS − df·MS_error) /
//! (SS + (N − df)·MS_error) (Olejnik & Algina 2003, *Contemp Educ Psychol* 28:434–447).
//! Empty cells make Type III hypotheses untestable: they are refused and named.

use super::adjust::{adjust_p, Adjustment};
use super::distributions::{f_sf, t_quantile, t_sf};
use super::linear::{Qr, QrError};
use super::sum::NeumaierSum;
use super::StatsError;

/// One factor: its name, its level labels and the level index of every observation.
#[derive(Debug, Clone, Copy)]
pub struct Factor<'a> {
    pub name: &'a str,
    pub levels: &'a [String],
    pub codes: &'a [usize],
}

/// Which sums of squares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsType {
    I,
    II,
    III,
}

impl SsType {
    pub fn number(self) -> u8 {
        match self {
            SsType::I => 1,
            SsType::II => 2,
            SsType::III => 3,
        }
    }
}

/// One row of the ANOVA table.
#[derive(Debug, Clone, PartialEq)]
pub struct AnovaTerm {
    /// "A", "B", "A:B", … in R's notation.
    pub term: String,
    /// Indices of the factors in the term.
    pub factors: Vec<usize>,
    pub ss: f64,
    pub df: f64,
    pub ms: f64,
    pub f: f64,
    pub p: f64,
    pub partial_eta_squared: f64,
    pub partial_omega_squared: f64,
}

/// One cell of the layout: a combination of one level of every factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Level labels joined by ":", e.g. "vehicle:zinc".
    pub label: String,
    /// The level index of each factor.
    pub levels: Vec<usize>,
    pub n: usize,
    /// Mean of the values as given.
    pub mean: f64,
    /// Mean minus the first observation, summed about it: differences of cells are taken
    /// from these and keep their digits when all values share leading ones.
    pub deviation: f64,
}

/// The fitted factorial ANOVA.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorialAnova {
    pub ss_type: SsType,
    pub factor_names: Vec<String>,
    pub factor_levels: Vec<Vec<String>>,
    pub terms: Vec<AnovaTerm>,
    pub ss_error: f64,
    pub df_error: f64,
    pub ms_error: f64,
    pub n: usize,
    /// Cells with factor 0's level varying slowest.
    pub cells: Vec<Cell>,
}

/// The terms of the full factorial model in R's order: by degree, then by factor order.
fn model_terms(k: usize) -> Vec<Vec<usize>> {
    let mut terms: Vec<Vec<usize>> = (1..(1usize << k))
        .map(|mask| (0..k).filter(|i| mask >> i & 1 == 1).collect())
        .collect();
    terms.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    terms
}

/// Sum-to-zero coding of level `level` of a factor with `l` levels: column j is 1 for
/// level j, −1 for the last level, 0 otherwise (R's `contr.sum`).
fn sum_code(level: usize, l: usize, column: usize) -> f64 {
    if level == column {
        1.0
    } else if level == l - 1 {
        -1.0
    } else {
        0.0
    }
}

/// The design columns of one term on the cells (the Kronecker product of the factors'
/// sum-to-zero codings), each multiplied by √n of its cell.
fn term_columns(term: &[usize], cells: &[Cell], sizes: &[usize], root_n: &[f64]) -> Vec<Vec<f64>> {
    let mut columns = vec![root_n.to_vec()];
    for &f in term {
        let l = sizes[f];
        let mut next = Vec::with_capacity(columns.len() * (l - 1));
        for c in &columns {
            for j in 0..l - 1 {
                next.push(
                    c.iter()
                        .zip(cells)
                        .map(|(v, cell)| v * sum_code(cell.levels[f], l, j))
                        .collect(),
                );
            }
        }
        columns = next;
    }
    columns
}

fn label(names: &[&str], term: &[usize]) -> String {
    term.iter().map(|&f| names[f]).collect::<Vec<_>>().join(":")
}

/// Fits the full factorial model y ~ A * B * … and returns the ANOVA table.
pub fn factorial_anova(
    factors: &[Factor],
    y: &[f64],
    ss_type: SsType,
) -> Result<FactorialAnova, StatsError> {
    let what = "factorial ANOVA";
    if factors.is_empty() {
        return Err(StatsError::TooFewGroups {
            what,
            needed: 2,
            found: 0,
        });
    }
    for f in factors {
        if f.codes.len() != y.len() {
            return Err(StatsError::LengthMismatch {
                what,
                expected: y.len(),
                found: f.codes.len(),
            });
        }
        if f.levels.len() < 2 {
            return Err(StatsError::TooFewLevels {
                what,
                factor: f.name.to_string(),
                found: f.levels.len(),
            });
        }
    }
    if let Some(&value) = y.iter().find(|v| !v.is_finite()) {
        return Err(StatsError::NotFinite {
            group: "the data".into(),
            value,
        });
    }
    let sizes: Vec<usize> = factors.iter().map(|f| f.levels.len()).collect();
    let n_cells: usize = sizes.iter().product();
    let cell_of = |i: usize| {
        factors
            .iter()
            .zip(&sizes)
            .fold(0usize, |acc, (f, &l)| acc * l + f.codes[i])
    };
    // Two passes about one observation, then about each cell's mean.
    let centre = y.first().copied().unwrap_or(0.0);
    let mut counts = vec![0usize; n_cells];
    let mut sums = vec![NeumaierSum::default(); n_cells];
    let mut index = Vec::with_capacity(y.len());
    for (i, v) in y.iter().enumerate() {
        let c = cell_of(i);
        index.push(c as u32);
        counts[c] += 1;
        sums[c].add(v - centre);
    }
    let means: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &n)| s.value() / n.max(1) as f64)
        .collect();
    let mut within = vec![NeumaierSum::default(); n_cells];
    for (v, &c) in y.iter().zip(&index) {
        let d = v - centre - means[c as usize];
        within[c as usize].add(d * d);
    }
    let names: Vec<&str> = factors.iter().map(|f| f.name).collect();
    let mut cells = Vec::with_capacity(n_cells);
    for c in 0..n_cells {
        let mut levels = vec![0; factors.len()];
        let mut rest = c;
        for f in (0..factors.len()).rev() {
            levels[f] = rest % sizes[f];
            rest /= sizes[f];
        }
        let label = levels
            .iter()
            .enumerate()
            .map(|(f, &l)| factors[f].levels[l].as_str())
            .collect::<Vec<_>>()
            .join(":");
        if counts[c] == 0 {
            return Err(StatsError::EmptyCell { what, cell: label });
        }
        cells.push(Cell {
            label,
            levels,
            n: counts[c],
            mean: means[c] + centre,
            deviation: means[c],
        });
    }
    let n = y.len();
    if n <= n_cells {
        return Err(StatsError::TooFewValues {
            what: "factorial ANOVA (more values than cells)",
            group: "the data".into(),
            needed: n_cells + 1,
            found: n,
        });
    }
    let ss_error = within.iter().map(NeumaierSum::value).sum::<f64>();
    let df_error = (n - n_cells) as f64;
    if ss_error <= 0.0 {
        return Err(StatsError::NoSpread {
            what,
            group: "each cell".into(),
        });
    }
    let ms_error = ss_error / df_error;

    let root_n: Vec<f64> = counts.iter().map(|&c| (c as f64).sqrt()).collect();
    let response: Vec<f64> = means.iter().zip(&root_n).map(|(m, r)| m * r).collect();
    let terms = model_terms(factors.len());
    let columns: Vec<Vec<Vec<f64>>> = terms
        .iter()
        .map(|t| term_columns(t, &cells, &sizes, &root_n))
        .collect();
    // SS of `tested` after the terms in `before` (and the intercept).
    let ss_after = |before: &[usize], tested: usize| -> Result<f64, StatsError> {
        let mut design = vec![root_n.clone()];
        for &t in before {
            design.extend(columns[t].iter().cloned());
        }
        let start = design.len();
        design.extend(columns[tested].iter().cloned());
        let qr = Qr::new(&design).map_err(|e| match e {
            QrError::TooFewRows | QrError::Singular(_) => StatsError::EmptyCell {
                what,
                cell: "a combination of levels".into(),
            },
        })?;
        let effects = qr.qt(&response);
        Ok(effects[start..design.len()].iter().map(|v| v * v).sum())
    };
    let mut table = Vec::with_capacity(terms.len());
    for (t, term) in terms.iter().enumerate() {
        let before: Vec<usize> = match ss_type {
            SsType::I => (0..t).collect(),
            SsType::II => (0..terms.len())
                .filter(|&o| o != t && !term.iter().all(|f| terms[o].contains(f)))
                .collect(),
            SsType::III => (0..terms.len()).filter(|&o| o != t).collect(),
        };
        let ss = ss_after(&before, t)?;
        let df = columns[t].len() as f64;
        let ms = ss / df;
        let f = ms / ms_error;
        table.push(AnovaTerm {
            term: label(&names, term),
            factors: term.clone(),
            ss,
            df,
            ms,
            f,
            p: f_sf(f, df, df_error),
            partial_eta_squared: ss / (ss + ss_error),
            partial_omega_squared: (ss - df * ms_error) / (ss + (n as f64 - df) * ms_error),
        });
    }
    Ok(FactorialAnova {
        ss_type,
        factor_names: names.iter().map(|s| s.to_string()).collect(),
        factor_levels: factors.iter().map(|f| f.levels.to_vec()).collect(),
        terms: table,
        ss_error,
        df_error,
        ms_error,
        n,
        cells,
    })
}

/// The effect of one factor within one combination of levels of the others.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleEffect {
    /// The factor whose effect is tested.
    pub factor: String,
    /// The levels of the other factors, as "B=zinc" joined by ", ".
    pub within: String,
    pub ss: f64,
    pub df: f64,
    pub df_error: f64,
    pub f: f64,
    pub p: f64,
}

/// Simple main effects with the pooled error of the full model (Kirk, *Experimental
/// Design*, 4th ed., §9.8; `emmeans::joint_tests(model, by = …)`): for every factor and
/// every combination of the other factors' levels, the one-way sum of squares among those
/// cells, Σ nᵢ(ȳᵢ − ȳ)², tested against MS_error.
pub fn simple_effects(anova: &FactorialAnova) -> Vec<SimpleEffect> {
    let k = anova.factor_names.len();
    let mut out = Vec::new();
    for f in 0..k {
        // Group the cells by the levels of the other factors, in cell order.
        let mut slices: Vec<(Vec<usize>, Vec<&Cell>)> = Vec::new();
        for cell in &anova.cells {
            let key: Vec<usize> = (0..k).filter(|&o| o != f).map(|o| cell.levels[o]).collect();
            match slices.iter_mut().find(|(k2, _)| *k2 == key) {
                Some((_, v)) => v.push(cell),
                None => slices.push((key, vec![cell])),
            }
        }
        for (_, group) in slices {
            let first = group[0];
            let centre = first.deviation;
            let total: f64 = group.iter().map(|c| c.n as f64).sum();
            let mean = group
                .iter()
                .map(|c| c.n as f64 * (c.deviation - centre))
                .sum::<f64>()
                / total;
            let ss: f64 = group
                .iter()
                .map(|c| c.n as f64 * (c.deviation - centre - mean).powi(2))
                .sum();
            let df = (group.len() - 1) as f64;
            let f_value = ss / df / anova.ms_error;
            let within = (0..k)
                .filter(|&o| o != f)
                .map(|o| {
                    format!(
                        "{}={}",
                        anova.factor_names[o], anova.factor_levels[o][first.levels[o]]
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            out.push(SimpleEffect {
                factor: anova.factor_names[f].clone(),
                within,
                ss,
                df,
                df_error: anova.df_error,
                f: f_value,
                p: f_sf(f_value, df, anova.df_error),
            });
        }
    }
    out
}

/// One comparison of two cells.
#[derive(Debug, Clone, PartialEq)]
pub struct CellComparison {
    pub a: String,
    pub b: String,
    /// mean(a) − mean(b).
    pub diff: f64,
    pub se: f64,
    pub t: f64,
    pub df: f64,
    pub p: f64,
    pub p_adj: f64,
    /// Šídák-simultaneous interval at the requested level.
    pub ci: (f64, f64),
}

/// Pairwise comparisons of the levels of `factor` within each combination of levels of
/// the other factors (Prism's "compare within each row"), with the pooled MS_error and
/// Šídák's adjustment over the whole family (Šídák 1967, *JASA* 62:626–633).
pub fn simple_pairwise_sidak(
    anova: &FactorialAnova,
    factor: usize,
    alpha: f64,
) -> Vec<CellComparison> {
    let k = anova.factor_names.len();
    let mut raw = Vec::new();
    for (i, a) in anova.cells.iter().enumerate() {
        for b in &anova.cells[..i] {
            let same_rest = (0..k)
                .filter(|&o| o != factor)
                .all(|o| a.levels[o] == b.levels[o]);
            if !same_rest {
                continue;
            }
            let diff = a.deviation - b.deviation;
            let se = (anova.ms_error * (1.0 / a.n as f64 + 1.0 / b.n as f64)).sqrt();
            let t = diff / se;
            raw.push((a, b, diff, se, t, 2.0 * t_sf(t.abs(), anova.df_error)));
        }
    }
    // Comparisons listed with the earlier level second, per combination of the others.
    raw.sort_by_key(|(a, b, ..)| {
        let rest: Vec<usize> = (0..k)
            .filter(|&o| o != factor)
            .map(|o| a.levels[o])
            .collect();
        (rest, b.levels[factor], a.levels[factor])
    });
    let p: Vec<f64> = raw.iter().map(|r| r.5).collect();
    let adjusted = adjust_p(&p, Adjustment::Sidak);
    let m = raw.len() as f64;
    let per = -((1.0 - alpha).ln() / m).exp_m1();
    let critical = t_quantile(1.0 - per / 2.0, anova.df_error);
    raw.into_iter()
        .zip(adjusted)
        .map(|((a, b, diff, se, t, p), p_adj)| CellComparison {
            a: a.label.clone(),
            b: b.label.clone(),
            diff,
            se,
            t,
            df: anova.df_error,
            p,
            p_adj,
            ci: (diff - critical * se, diff + critical * se),
        })
        .collect()
}
