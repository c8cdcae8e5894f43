//! `preclin stats compare | normality | outliers`: read the table, call `stats`, print.

use std::io::Write;

use serde_json::json;

use super::{
    CompareArgs, DescribeArgs, DunnAdjustArg, OutlierArgs, OutlierMethod, PosthocArg, TestArg,
};
use crate::report::{self, finite, format_p, significant, table, PStyle};
use crate::stats::{self, Adjustment, CompareOptions, OmnibusTest, PosthocMethod, TestResult};
use crate::{ingest, Error};

pub(super) fn check_alpha(alpha: f64) -> Result<(), Error> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(Error::Alpha(alpha))
    }
}

fn test_of(arg: TestArg) -> Option<OmnibusTest> {
    Some(match arg {
        TestArg::Auto => return None,
        TestArg::Anova => OmnibusTest::Anova,
        TestArg::WelchAnova => OmnibusTest::WelchAnova,
        TestArg::BrownForsythe => OmnibusTest::BrownForsythe,
        TestArg::Kruskal => OmnibusTest::KruskalWallis,
        TestArg::T => OmnibusTest::StudentT,
        TestArg::WelchT => OmnibusTest::WelchT,
        TestArg::MannWhitney => OmnibusTest::MannWhitney,
    })
}

fn posthoc_of(arg: PosthocArg) -> Option<PosthocMethod> {
    Some(match arg {
        PosthocArg::Tukey => PosthocMethod::Tukey,
        PosthocArg::Dunnett => PosthocMethod::Dunnett,
        PosthocArg::GamesHowell => PosthocMethod::GamesHowell,
        PosthocArg::Sidak => PosthocMethod::Sidak,
        PosthocArg::HolmSidak => PosthocMethod::HolmSidak,
        PosthocArg::Bonferroni => PosthocMethod::Bonferroni,
        PosthocArg::Holm => PosthocMethod::Holm,
        PosthocArg::Bh => PosthocMethod::BenjaminiHochberg,
        PosthocArg::Lsd => PosthocMethod::Lsd,
        PosthocArg::Dunn => PosthocMethod::Dunn,
        PosthocArg::None => return None,
    })
}

pub(super) fn compare(out: &mut dyn Write, args: &CompareArgs) -> Result<(), Error> {
    let d = &args.data;
    check_alpha(args.alpha)?;
    let sheet = ingest::read_table(&d.data, d.sheet.as_deref())?;
    let grouped = ingest::grouped_values(&sheet, &d.value, Some(&d.group))?;
    let names: Vec<String> = grouped.groups.iter().map(|(g, _)| g.clone()).collect();
    let control = match &args.control {
        Some(level) => {
            Some(
                names
                    .iter()
                    .position(|g| g == level)
                    .ok_or_else(|| Error::UnknownGroup {
                        path: d.data.display().to_string(),
                        column: d.group.clone(),
                        level: level.clone(),
                        known: names.clone(),
                    })?,
            )
        }
        None => None,
    };
    // Every test depends on differences only, so it runs on the exact deviations from the
    // column's first value; the summaries get that value added back.
    let groups: Vec<(&str, &[f64])> = grouped
        .groups
        .iter()
        .zip(&grouped.deviations)
        .map(|((g, _), d)| (g.as_str(), d.as_slice()))
        .collect();
    let options = CompareOptions {
        test: test_of(args.test),
        posthoc: args.posthoc.map(posthoc_of),
        control,
        alpha: args.alpha,
        dunn_adjustment: match args.dunn_adjust {
            DunnAdjustArg::Bonferroni => Adjustment::Bonferroni,
            DunnAdjustArg::Holm => Adjustment::Holm,
        },
    };
    let mut result = stats::compare(&groups, &options)?;
    for (_, d) in result.groups.iter_mut() {
        *d = d.shifted_by(grouped.centre);
    }
    if d.json {
        writeln!(
            out,
            "{}",
            report::compare_json(&d.value, &result, &grouped.blank_rows)
        )
        .ok();
    } else {
        write!(out, "{}", report::compare_text(&d.value, &result)).ok();
    }
    Ok(())
}

fn normality_json(name: &str, t: &Result<TestResult, stats::StatsError>) -> serde_json::Value {
    match t {
        Ok(t) => json!({ "test": name, "statistic": finite(t.statistic), "p": finite(t.p) }),
        Err(e) => json!({ "test": name, "statistic": null, "p": null, "error": e.to_string() }),
    }
}

pub(super) fn normality(out: &mut dyn Write, args: &DescribeArgs) -> Result<(), Error> {
    let sheet = ingest::read_table(&args.data, args.sheet.as_deref())?;
    let grouped = ingest::grouped_values(&sheet, &args.value, args.group.as_deref())?;
    let groups: Vec<(&str, &[f64])> = grouped
        .groups
        .iter()
        .zip(&grouped.deviations)
        .map(|((g, _), d)| (g.as_str(), d.as_slice()))
        .collect();
    let per_group: Vec<_> = groups
        .iter()
        .map(|(g, x)| {
            (
                *g,
                x.len(),
                stats::shapiro_wilk(g, x),
                stats::dagostino_pearson(g, x),
            )
        })
        .collect();
    let variance = (groups.len() > 1).then(|| {
        (
            stats::brown_forsythe_variances(&groups),
            stats::bartlett(&groups),
        )
    });
    if args.json {
        let groups: Vec<_> = per_group
            .iter()
            .map(|(g, n, sw, k2)| {
                json!({ "group": g, "n": n,
                    "shapiro_wilk": normality_json("shapiro-wilk", sw),
                    "dagostino_pearson": normality_json("dagostino-pearson", k2) })
            })
            .collect();
        let variance_json = |name: &str, t: &Result<TestResult, stats::StatsError>| match t {
            Ok(t) => json!({ "test": name, "statistic": finite(t.statistic),
                "df": t.df.iter().map(|d| finite(*d)).collect::<Vec<_>>(), "p": finite(t.p) }),
            Err(e) => {
                json!({ "test": name, "statistic": null, "df": [], "p": null, "error": e.to_string() })
            }
        };
        let equal_variance = variance.as_ref().map(|(bf, b)| {
            vec![
                variance_json("brown-forsythe", bf),
                variance_json("bartlett", b),
            ]
        });
        writeln!(
            out,
            "{}",
            json!({ "value": args.value, "normality": groups, "equal_variance": equal_variance,
                "blank_rows": grouped.blank_rows })
        )
        .ok();
        return Ok(());
    }
    let f = |x: f64| significant(x, 4);
    let cell = |t: &Result<TestResult, stats::StatsError>| match t {
        Ok(t) => (f(t.statistic), format_p(t.p, PStyle::Gp)),
        Err(_) => ("–".to_string(), "n/a".to_string()),
    };
    let mut rows = vec![vec![
        "group".to_string(),
        "n".into(),
        "Shapiro–Wilk W".into(),
        "p".into(),
        "D'Agostino K²".into(),
        "p".into(),
    ]];
    let mut notes = Vec::new();
    for (g, n, sw, k2) in &per_group {
        let (w, pw) = cell(sw);
        let (k, pk) = cell(k2);
        rows.push(vec![g.to_string(), n.to_string(), w, pw, k, pk]);
        for e in [sw.as_ref().err(), k2.as_ref().err()].into_iter().flatten() {
            notes.push(format!("{g}: {e}"));
        }
    }
    writeln!(out, "{}", args.value).ok();
    write!(out, "{}", table(&rows)).ok();
    for n in notes {
        writeln!(out, "  · {n}").ok();
    }
    if let Some((bf, b)) = &variance {
        for (name, t) in [("Brown–Forsythe", bf), ("Bartlett", b)] {
            match t {
                Ok(t) => writeln!(
                    out,
                    "{name}: statistic {}, p {}",
                    f(t.statistic),
                    format_p(t.p, PStyle::Gp)
                ),
                Err(e) => writeln!(out, "{name}: {e}"),
            }
            .ok();
        }
    }
    Ok(())
}

pub(super) fn outliers(out: &mut dyn Write, args: &OutlierArgs) -> Result<(), Error> {
    check_alpha(args.alpha)?;
    let sheet = ingest::read_table(&args.table.data, args.table.sheet.as_deref())?;
    let grouped = ingest::grouped_values(&sheet, &args.table.value, args.table.group.as_deref())?;
    let mut flagged = Vec::new();
    for (((g, x), rows), d) in grouped
        .groups
        .iter()
        .zip(&grouped.rows)
        .zip(&grouped.deviations)
    {
        let found = match args.method {
            OutlierMethod::Grubbs => stats::grubbs_outliers(g, d, args.alpha, true)?,
            OutlierMethod::Iqr => stats::iqr_outliers(g, d)?,
        };
        for mut o in found {
            o.value = x[o.index];
            flagged.push((g.clone(), rows[o.index], o));
        }
    }
    let method = match args.method {
        OutlierMethod::Grubbs => "grubbs",
        OutlierMethod::Iqr => "iqr",
    };
    if args.table.json {
        let list: Vec<_> = flagged
            .iter()
            .map(|(g, row, o)| {
                json!({ "group": g, "row": row, "value": finite(o.value), "kind": o.kind,
                    "statistic": finite(o.statistic), "p": finite(o.p) })
            })
            .collect();
        writeln!(
            out,
            "{}",
            json!({ "value": args.table.value, "method": method, "alpha": args.alpha,
                "outliers": list, "removed": false })
        )
        .ok();
        return Ok(());
    }
    if flagged.is_empty() {
        writeln!(out, "{}: no value flagged ({method}).", args.table.value).ok();
        return Ok(());
    }
    let mut rows = vec![vec![
        "group".to_string(),
        "row".into(),
        "value".into(),
        "flag".into(),
        if args.method == OutlierMethod::Grubbs {
            "G"
        } else {
            "IQRs beyond fence"
        }
        .into(),
        "p".into(),
    ]];
    for (g, row, o) in &flagged {
        rows.push(vec![
            g.clone(),
            row.to_string(),
            significant(o.value, 6),
            o.kind.into(),
            significant(o.statistic, 4),
            if o.p.is_nan() {
                "–".into()
            } else {
                format_p(o.p, PStyle::Gp)
            },
        ]);
    }
    write!(out, "{}", table(&rows)).ok();
    writeln!(
        out,
        "Flagged values are kept: check them against the lab notebook before excluding any."
    )
    .ok();
    Ok(())
}
