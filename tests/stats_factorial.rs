//! Factorial and repeated-measures ANOVA against R (tests/fixtures/r/anova.R with
//! `car::Anova` types II/III under `contr.sum`, `anova(lm)` Type I, emmeans simple effects
//! and cell comparisons; rm-anova.R with `car::Anova` on a multivariate lm), plus property
//! tests (Type I = II = III on balanced data; invariance to row and level order).
//!
//! Tolerance 1e-9 relative unless stated:
//! - Tukey p on cells against R's `ptukey` (16-point Gauss–Legendre, ~1e-9 absolute) is
//!   held to 1e-8 absolute, and the interval limits, which go through `qtukey` (about 4
//!   digits by R's documentation), to 1e-4 of the half-width, as in stats_compare.rs.
//! - Mauchly's p is checked against the textbook approximation (Anderson; `p_textbook`).
//!   R's `mauchly.test` and car put 3k (k within levels) where Anderson has 3q, q = k − 1,
//!   in the second-order term: their p differs by ~1e-4, held to 1e-3 absolute.

use std::collections::BTreeMap;

use preclin::stats::{
    factorial_anova, posthoc, repeated_measures_anova, simple_effects, simple_pairwise_sidak,
    Adjustment, BetweenFactor, Factor, FactorialAnova, PosthocMethod, RepeatedDesign, SsType,
};

use crate::common::{csv_rows, rel, root};

struct Layout {
    names: Vec<String>,
    levels: Vec<Vec<String>>,
    codes: Vec<Vec<usize>>,
    y: Vec<f64>,
}

impl Layout {
    fn factors(&self) -> Vec<Factor<'_>> {
        (0..self.names.len())
            .map(|f| Factor {
                name: &self.names[f],
                levels: &self.levels[f],
                codes: &self.codes[f],
            })
            .collect()
    }

    fn fit(&self, t: SsType) -> FactorialAnova {
        factorial_anova(&self.factors(), &self.y, t).unwrap()
    }

    /// The values of each cell, in the fit's cell order.
    fn cell_values(&self, a: &FactorialAnova) -> Vec<Vec<f64>> {
        let mut out = vec![Vec::new(); a.cells.len()];
        for (i, &y) in self.y.iter().enumerate() {
            let levels: Vec<usize> = self.codes.iter().map(|c| c[i]).collect();
            let c = a.cells.iter().position(|c| c.levels == levels).unwrap();
            out[c].push(y);
        }
        out
    }
}

fn code(labels: &[String]) -> (Vec<String>, Vec<usize>) {
    let mut levels: Vec<String> = Vec::new();
    let codes = labels
        .iter()
        .map(|l| match levels.iter().position(|x| x == l) {
            Some(i) => i,
            None => {
                levels.push(l.clone());
                levels.len() - 1
            }
        })
        .collect();
    (levels, codes)
}

fn anova_sets() -> BTreeMap<String, Layout> {
    let rows = csv_rows(&root().join("tests/fixtures/r/anova-data.csv"));
    let mut raw: BTreeMap<String, Vec<&Vec<String>>> = BTreeMap::new();
    for r in &rows[1..] {
        raw.entry(r[0].clone()).or_default().push(r);
    }
    raw.into_iter()
        .map(|(set, rows)| {
            let k = if rows[0][3].is_empty() { 2 } else { 3 };
            let mut layout = Layout {
                names: ["a", "b", "c"][..k].iter().map(|s| s.to_string()).collect(),
                levels: vec![],
                codes: vec![],
                y: rows.iter().map(|r| r[4].parse().unwrap()).collect(),
            };
            for f in 0..k {
                let labels: Vec<String> = rows.iter().map(|r| r[1 + f].clone()).collect();
                let (levels, codes) = code(&labels);
                layout.levels.push(levels);
                layout.codes.push(codes);
            }
            (set, layout)
        })
        .collect()
}

/// (set, kind) → rows (term, level, field, value).
fn anova_expected() -> BTreeMap<(String, String), Vec<[String; 4]>> {
    let rows = csv_rows(&root().join("tests/fixtures/r/anova-expected.csv"));
    let mut out: BTreeMap<(String, String), Vec<[String; 4]>> = BTreeMap::new();
    for r in &rows[1..] {
        out.entry((r[0].clone(), r[1].clone())).or_default().push([
            r[2].clone(),
            r[3].clone(),
            r[4].clone(),
            r[5].clone(),
        ]);
    }
    out
}

fn close(what: &str, got: f64, want: &str, tol: f64, worst: &mut f64) {
    let want: f64 = want.parse().unwrap();
    let err = rel(got, want);
    *worst = worst.max(err);
    assert!(err < tol, "{what}: {got} vs R {want} ({err:.1e})");
}

#[test]
fn sums_of_squares_of_every_type_match_r() {
    let sets = anova_sets();
    let mut worst = 0.0f64;
    let mut checked = 0;
    for ((set, kind), rows) in anova_expected() {
        let t = match kind.as_str() {
            "type1" => SsType::I,
            "type2" => SsType::II,
            "type3" => SsType::III,
            _ => continue,
        };
        let a = sets[&set].fit(t);
        for [term, _, field, want] in &rows {
            let what = format!("{set} {kind} {term} {field}");
            let got = if term == "Residuals" {
                match field.as_str() {
                    "ss" => a.ss_error,
                    _ => a.df_error,
                }
            } else {
                let row = a.terms.iter().find(|r| &r.term == term).unwrap();
                match field.as_str() {
                    "ss" => row.ss,
                    "df" => row.df,
                    "F" => row.f,
                    _ => row.p,
                }
            };
            close(&what, got, want, 1e-9, &mut worst);
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked}");
    eprintln!("factorial ANOVA: {checked} values, worst relative error {worst:.1e}");
}

#[test]
fn mtcars_type_iii_with_sum_coding_gives_the_published_f() {
    let a = anova_sets()["mtcars"].fit(SsType::III);
    let am = a.terms.iter().find(|t| t.term == "a").unwrap();
    assert!((am.f - 3.248364).abs() < 5e-7, "{}", am.f);
}

#[test]
fn simple_effects_and_cell_means_match_r() {
    let sets = anova_sets();
    let mut worst = 0.0f64;
    for ((set, kind), rows) in anova_expected() {
        let layout = &sets[&set];
        let a = layout.fit(SsType::III);
        match kind.as_str() {
            "simple" => {
                let simple = simple_effects(&a);
                for [term, level, field, want] in &rows {
                    let other = if term == "a" { "b" } else { "a" };
                    let within = format!("{other}={level}");
                    let s = simple
                        .iter()
                        .find(|s| &s.factor == term && s.within == within)
                        .unwrap_or_else(|| panic!("{set}: no simple effect {term} | {within}"));
                    let got = match field.as_str() {
                        "F" => s.f,
                        "df1" => s.df,
                        "df2" => s.df_error,
                        _ => s.p,
                    };
                    close(
                        &format!("{set} simple {term}|{within} {field}"),
                        got,
                        want,
                        1e-9,
                        &mut worst,
                    );
                }
            }
            "cellmeans" => {
                for [cell, _, field, want] in &rows {
                    let c = a.cells.iter().find(|c| &c.label == cell).unwrap();
                    let got = if field == "n" { c.n as f64 } else { c.mean };
                    close(&format!("{set} mean {cell}"), got, want, 1e-12, &mut worst);
                }
            }
            _ => {}
        }
    }
    eprintln!("simple effects and cell means: worst relative error {worst:.1e}");
}

/// Rows of one comparison: (later, earlier) → field → value.
fn by_pair(rows: &[[String; 4]]) -> BTreeMap<(String, String), BTreeMap<String, f64>> {
    let mut out: BTreeMap<(String, String), BTreeMap<String, f64>> = BTreeMap::new();
    for [a, b, field, v] in rows {
        out.entry((a.clone(), b.clone()))
            .or_default()
            .insert(field.clone(), v.parse().unwrap());
    }
    out
}

#[test]
fn cell_comparisons_match_r() {
    let sets = anova_sets();
    let mut checked = 0;
    for ((set, kind), rows) in anova_expected() {
        let layout = &sets[&set];
        let a = layout.fit(SsType::III);
        let values = layout.cell_values(&a);
        let groups: Vec<(&str, &[f64])> = a
            .cells
            .iter()
            .zip(&values)
            .map(|(c, v)| (c.label.as_str(), v.as_slice()))
            .collect();
        let expected = by_pair(&rows);
        match kind.as_str() {
            "cell-tukey" | "cell-dunnett" => {
                let (method, control) = if kind == "cell-tukey" {
                    (PosthocMethod::Tukey, None)
                } else {
                    let first = format!("{}:{}", layout.levels[0][0], layout.levels[1][0]);
                    (
                        PosthocMethod::Dunnett,
                        groups.iter().position(|(g, _)| *g == first),
                    )
                };
                let ph = posthoc(&groups, method, control, 0.05, Adjustment::Bonferroni).unwrap();
                assert_eq!(ph.comparisons.len(), expected.len(), "{set} {kind}");
                for ((later, earlier), fields) in &expected {
                    let (c, sign) = ph
                        .comparisons
                        .iter()
                        .find_map(|c| {
                            if (&c.a, &c.b) == (later, earlier) {
                                Some((c, 1.0))
                            } else if (&c.b, &c.a) == (later, earlier) {
                                Some((c, -1.0))
                            } else {
                                None
                            }
                        })
                        .unwrap_or_else(|| panic!("{set} {kind}: no {later} vs {earlier}"));
                    let what = format!("{set} {kind} {later} − {earlier}");
                    let diff = sign * c.diff;
                    let scale = fields["diff"].abs().max(fields["se"]);
                    assert!((diff - fields["diff"]).abs() < 1e-9 * scale, "{what} diff");
                    assert!(rel(c.se, fields["se"]) < 1e-9, "{what} se");
                    let t = if kind == "cell-tukey" {
                        c.statistic / std::f64::consts::SQRT_2 * diff.signum()
                    } else {
                        sign * c.statistic
                    };
                    assert!(
                        (t - fields["t"]).abs() < 1e-9 * fields["t"].abs().max(1.0),
                        "{what} t"
                    );
                    if kind == "cell-tukey" {
                        assert!((c.p_adj - fields["p_adj"]).abs() < 1e-8, "{what} p_adj");
                        let (lo, hi) = c.ci.unwrap();
                        let (lo, hi) = if sign > 0.0 { (lo, hi) } else { (-hi, -lo) };
                        let half = (fields["upr"] - fields["lwr"]) / 2.0;
                        assert!((lo - fields["lwr"]).abs() < 1e-4 * half, "{what} lwr");
                        assert!((hi - fields["upr"]).abs() < 1e-4 * half, "{what} upr");
                    } else {
                        assert!(
                            rel(c.p_adj, fields["p_adj"]) < 1e-8,
                            "{what} p_adj {} vs {}",
                            c.p_adj,
                            fields["p_adj"]
                        );
                    }
                    checked += 1;
                }
            }
            "cell-sidak" => {
                let pairs = simple_pairwise_sidak(&a, 0, 0.05);
                assert_eq!(pairs.len(), expected.len(), "{set} sidak");
                for ((later, earlier), fields) in &expected {
                    let c = pairs
                        .iter()
                        .find(|c| (&c.a, &c.b) == (later, earlier))
                        .unwrap_or_else(|| panic!("{set} sidak: no {later} − {earlier}"));
                    let what = format!("{set} sidak {later} − {earlier}");
                    let scale = fields["diff"].abs().max(fields["se"]);
                    assert!(
                        (c.diff - fields["diff"]).abs() < 1e-9 * scale,
                        "{what} diff"
                    );
                    assert!(rel(c.se, fields["se"]) < 1e-9, "{what} se");
                    assert!(
                        (c.t - fields["t"]).abs() < 1e-9 * fields["t"].abs().max(1.0),
                        "{what} t"
                    );
                    assert!(rel(c.p, fields["p"]) < 1e-9, "{what} p");
                    assert!(rel(c.p_adj, fields["p_adj"]) < 1e-9, "{what} p_adj");
                    checked += 1;
                }
            }
            _ => {}
        }
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn balanced_data_give_the_same_sums_of_squares_of_every_type() {
    let layout = &anova_sets()["balanced-2x2"];
    let fits = [SsType::I, SsType::II, SsType::III].map(|t| layout.fit(t));
    for t in 0..3 {
        for other in &fits[1..] {
            assert!(rel(other.terms[t].ss, fits[0].terms[t].ss) < 1e-12);
        }
    }
    // On unbalanced data they differ (the main effects of Type I and III).
    let unbalanced = &anova_sets()["fst-imi-zinc"];
    let (i, iii) = (unbalanced.fit(SsType::I), unbalanced.fit(SsType::III));
    assert!(rel(i.terms[0].ss, iii.terms[0].ss) > 1e-6);
}

#[test]
fn row_order_and_level_order_do_not_change_the_table() {
    for set in ["unbal-3x4", "three-way", "single-cell-2x3"] {
        let layout = &anova_sets()[set];
        let n = layout.y.len();
        // Reverse the rows (which reverses the first-appearance order of every level).
        let reversed = Layout {
            names: layout.names.clone(),
            levels: vec![],
            codes: vec![],
            y: layout.y.iter().rev().copied().collect(),
        };
        let mut reversed = reversed;
        for f in 0..layout.names.len() {
            let labels: Vec<String> = (0..n)
                .rev()
                .map(|i| layout.levels[f][layout.codes[f][i]].clone())
                .collect();
            let (levels, codes) = code(&labels);
            assert_ne!(levels, layout.levels[f], "{set}: level order should change");
            reversed.levels.push(levels);
            reversed.codes.push(codes);
        }
        for t in [SsType::II, SsType::III] {
            let (a, b) = (layout.fit(t), reversed.fit(t));
            for (x, y) in a.terms.iter().zip(&b.terms) {
                assert_eq!(x.term, y.term);
                assert!(rel(y.ss, x.ss) < 1e-10, "{set} {}", x.term);
                assert!(rel(y.p, x.p) < 1e-9, "{set} {}", x.term);
            }
            assert!(rel(b.ss_error, a.ss_error) < 1e-12);
        }
    }
}

struct RmSet {
    subjects: Vec<String>,
    groups: Option<(Vec<String>, Vec<usize>)>,
    levels: Vec<String>,
    values: Vec<f64>,
}

fn rm_sets() -> BTreeMap<String, RmSet> {
    let rows = csv_rows(&root().join("tests/fixtures/r/rm-anova-data.csv"));
    let mut raw: BTreeMap<String, Vec<&Vec<String>>> = BTreeMap::new();
    for r in &rows[1..] {
        raw.entry(r[0].clone()).or_default().push(r);
    }
    raw.into_iter()
        .map(|(set, rows)| {
            let (subjects, subject_codes) =
                code(&rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>());
            let (levels, level_codes) =
                code(&rows.iter().map(|r| r[3].clone()).collect::<Vec<_>>());
            let k = levels.len();
            let mut cells: Vec<Option<f64>> = vec![None; subjects.len() * k];
            let mut group_of: Vec<String> = vec![String::new(); subjects.len()];
            for (i, r) in rows.iter().enumerate() {
                cells[subject_codes[i] * k + level_codes[i]] = Some(r[4].parse().unwrap());
                group_of[subject_codes[i]] = r[2].clone();
            }
            // Complete subjects only, as the R script does.
            let keep: Vec<usize> = (0..subjects.len())
                .filter(|&s| cells[s * k..(s + 1) * k].iter().all(Option::is_some))
                .collect();
            let values = keep
                .iter()
                .flat_map(|&s| cells[s * k..(s + 1) * k].iter().map(|v| v.unwrap()))
                .collect();
            let kept_groups: Vec<String> = keep.iter().map(|&s| group_of[s].clone()).collect();
            let groups = (!kept_groups[0].is_empty()).then(|| code(&kept_groups));
            (
                set,
                RmSet {
                    subjects: keep.iter().map(|&s| subjects[s].clone()).collect(),
                    groups,
                    levels,
                    values,
                },
            )
        })
        .collect()
}

#[test]
fn repeated_measures_anova_matches_car() {
    let rows = csv_rows(&root().join("tests/fixtures/r/rm-anova-expected.csv"));
    let sets = rm_sets();
    let mut worst = 0.0f64;
    let mut checked = 0;
    for r in &rows[1..] {
        let (set, term, field, want) = (&r[0], &r[1], &r[2], &r[3]);
        if term == "excluded" {
            assert!(!sets[set].subjects.contains(field), "{set}: {field} kept");
            continue;
        }
        let s = &sets[set];
        let between = s.groups.as_ref().map(|(levels, codes)| BetweenFactor {
            name: "group",
            levels,
            codes,
        });
        let result = repeated_measures_anova(&RepeatedDesign {
            subjects: &s.subjects,
            within_name: "within",
            within_levels: &s.levels,
            between,
            values: &s.values,
        })
        .unwrap();
        let what = format!("{set} {term} {field}");
        let sph = result.sphericity.as_ref();
        let got = match (term.as_str(), field.as_str()) {
            ("mauchly", "W") => sph.unwrap().mauchly_w,
            ("mauchly", "p_textbook") => sph.unwrap().mauchly_p,
            ("mauchly", "p") => {
                let p: f64 = want.parse().unwrap();
                assert!((sph.unwrap().mauchly_p - p).abs() < 1e-3, "{what}");
                continue;
            }
            ("epsilon", "gg") => sph.unwrap().greenhouse_geisser,
            ("epsilon", "hf") => sph.unwrap().huynh_feldt,
            ("ges", effect) => {
                result
                    .terms
                    .iter()
                    .find(|t| t.term == effect)
                    .unwrap()
                    .generalized_eta_squared
            }
            (effect, field) => {
                let t = result.terms.iter().find(|t| t.term == effect).unwrap();
                match field {
                    "ss" => t.ss,
                    "df" => t.df,
                    "den_df" => t.error_df,
                    "error_ss" => t.error_ss,
                    "F" => t.f,
                    "p" => t.p,
                    "p_gg" => t.p_gg.unwrap(),
                    "p_hf" => t.p_hf.unwrap(),
                    other => panic!("unexpected field {other}"),
                }
            }
        };
        close(&what, got, want, 1e-9, &mut worst);
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
    eprintln!("repeated measures: {checked} values, worst relative error {worst:.1e}");
}

#[test]
fn repeated_measures_do_not_depend_on_subject_level_or_group_order() {
    for (name, s) in rm_sets() {
        let k = s.levels.len();
        let n = s.subjects.len();
        let fit = |subjects: &[String],
                   groups: &Option<(Vec<String>, Vec<usize>)>,
                   levels: &[String],
                   values: &[f64]| {
            let between = groups.as_ref().map(|(l, c)| BetweenFactor {
                name: "group",
                levels: l,
                codes: c,
            });
            repeated_measures_anova(&RepeatedDesign {
                subjects,
                within_name: "within",
                within_levels: levels,
                between,
                values,
            })
            .unwrap()
        };
        let base = fit(&s.subjects, &s.groups, &s.levels, &s.values);
        // Subjects in reverse, within levels in reverse, group levels relabelled in reverse.
        let subjects: Vec<String> = s.subjects.iter().rev().cloned().collect();
        let levels: Vec<String> = s.levels.iter().rev().cloned().collect();
        let values: Vec<f64> = (0..n)
            .rev()
            .flat_map(|i| (0..k).rev().map(move |j| (i, j)))
            .map(|(i, j)| s.values[i * k + j])
            .collect();
        let groups = s.groups.as_ref().map(|(l, c)| {
            let g = l.len();
            let relabelled: Vec<String> = l.iter().rev().cloned().collect();
            (relabelled, c.iter().rev().map(|&x| g - 1 - x).collect())
        });
        let other = fit(&subjects, &groups, &levels, &values);
        for (a, b) in base.terms.iter().zip(&other.terms) {
            assert!(rel(b.f, a.f) < 1e-10, "{name} {}", a.term);
            assert!(rel(b.p, a.p) < 1e-9, "{name} {}", a.term);
        }
        if let (Some(a), Some(b)) = (&base.sphericity, &other.sphericity) {
            assert!(rel(b.mauchly_w, a.mauchly_w) < 1e-10, "{name}");
            assert!(
                rel(b.greenhouse_geisser, a.greenhouse_geisser) < 1e-10,
                "{name}"
            );
        }
    }
}
