//! `preclin stats anova | rm-anova | regress`: read the layout, call `stats`, print.

use std::io::Write;

use super::{AnovaArgs, CellPosthocArg, CurveArg, RegressArgs, RmAnovaArgs, WeightsArg};
use crate::report::{self, CellPosthoc, CellSummary};
use crate::stats::{
    self, CurveModel, Factor, PosthocMethod, RepeatedDesign, SsType, StatsError, Weighting,
};
use crate::{ingest, Error};

/// A statistics error on a file's data, reported with the file.
fn on_data(path: &std::path::Path) -> impl Fn(StatsError) -> Error + '_ {
    move |e| Error::Analysis {
        path: path.display().to_string(),
        source: e,
    }
}

pub(super) fn anova(out: &mut dyn Write, args: &AnovaArgs) -> Result<(), Error> {
    super::stats_cli::check_alpha(args.alpha)?;
    let sheet = ingest::read_table(&args.data, args.output.sheet.as_deref())?;
    let names: Vec<&str> = args.factors.iter().map(String::as_str).collect();
    let data = ingest::factor_values(&sheet, &args.value, &names)?;
    let factors: Vec<Factor> = data
        .factors
        .iter()
        .map(|f| Factor {
            name: &f.name,
            levels: &f.levels,
            codes: &f.codes,
        })
        .collect();
    let ss_type = match args.ss_type {
        1 => SsType::I,
        2 => SsType::II,
        _ => SsType::III,
    };
    let data_err = on_data(&args.data);
    let anova = stats::factorial_anova(&factors, &data.deviations, ss_type).map_err(&data_err)?;
    // The values of each cell, for the cell summaries and the post hoc tests.
    let sizes: Vec<usize> = data.factors.iter().map(|f| f.levels.len()).collect();
    let mut by_cell: Vec<Vec<f64>> = vec![Vec::new(); anova.cells.len()];
    for (i, v) in data.deviations.iter().enumerate() {
        let c = data
            .factors
            .iter()
            .zip(&sizes)
            .fold(0, |acc, (f, &l)| acc * l + f.codes[i]);
        by_cell[c].push(*v);
    }
    let cells = CellSummary::of_cells(&anova, &by_cell, data.centre);
    let warnings: Vec<String> = anova
        .cells
        .iter()
        .filter(|c| c.n == 1)
        .map(|c| {
            format!(
                "cell {} has a single value: it adds nothing to the error term and has no SD of its own; its comparisons rest on the pooled SD",
                c.label
            )
        })
        .collect();
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let simple = if factors.len() > 1 {
        stats::simple_effects(&anova)
    } else {
        Vec::new()
    };
    let groups: Vec<(&str, &[f64])> = anova
        .cells
        .iter()
        .zip(&by_cell)
        .map(|(c, x)| (c.label.as_str(), x.as_slice()))
        .collect();
    let control = match &args.control {
        Some(label) => Some(groups.iter().position(|(g, _)| g == label).ok_or_else(|| {
            Error::UnknownGroup {
                path: args.data.display().to_string(),
                column: args.factors.join(":"),
                level: label.clone(),
                known: groups.iter().map(|(g, _)| g.to_string()).collect(),
            }
        })?),
        None => None,
    };
    let posthoc = match args.posthoc {
        CellPosthocArg::None => None,
        CellPosthocArg::Sidak if factors.len() > 1 => Some(CellPosthoc::SimplePairs {
            factor: anova.factor_names[0].clone(),
            alpha: args.alpha,
            comparisons: stats::simple_pairwise_sidak(&anova, 0, args.alpha),
        }),
        method => {
            let method = match method {
                CellPosthocArg::Dunnett => PosthocMethod::Dunnett,
                CellPosthocArg::Sidak => PosthocMethod::Sidak,
                _ => PosthocMethod::Tukey,
            };
            let p = stats::posthoc(
                &groups,
                method,
                control,
                args.alpha,
                stats::Adjustment::Bonferroni,
            )
            .map_err(&data_err)?;
            Some(CellPosthoc::Cells(p))
        }
    };
    if args.output.json {
        let v = report::anova_json(
            &args.value,
            &anova,
            &cells,
            &simple,
            posthoc.as_ref(),
            &data.blank_rows,
            &warnings,
        );
        writeln!(out, "{v}").ok();
    } else {
        let text = report::anova_text(&args.value, &anova, &cells, &simple, posthoc.as_ref());
        write!(out, "{text}").ok();
    }
    Ok(())
}

pub(super) fn rm_anova(out: &mut dyn Write, args: &RmAnovaArgs) -> Result<(), Error> {
    let sheet = ingest::read_table(&args.data, args.output.sheet.as_deref())?;
    let layout = ingest::repeated_layout(
        &sheet,
        &args.value,
        &args.subject,
        &args.within,
        args.between.as_deref(),
    )?;
    for e in &layout.excluded {
        eprintln!(
            "warning: subject {} excluded from the repeated-measures ANOVA: no value at {} {}",
            e.subject,
            layout.within.name,
            e.missing.join(", ")
        );
    }
    let between = layout.between.as_ref().map(|b| stats::BetweenFactor {
        name: &b.name,
        levels: &b.levels,
        codes: &b.codes,
    });
    let result = stats::repeated_measures_anova(&RepeatedDesign {
        subjects: &layout.subjects,
        within_name: &layout.within.name,
        within_levels: &layout.within.levels,
        between,
        values: &layout.values,
    })
    .map_err(on_data(&args.data))?;
    if args.output.json {
        let excluded: Vec<(String, Vec<String>)> = layout
            .excluded
            .iter()
            .map(|e| (e.subject.clone(), e.missing.clone()))
            .collect();
        writeln!(
            out,
            "{}",
            report::rm_anova_json(&args.value, &result, &excluded)
        )
        .ok();
    } else {
        write!(out, "{}", report::rm_anova_text(&args.value, &result)).ok();
    }
    Ok(())
}

/// The responses to read off the curve: the sheet's samples (a response without a
/// concentration), then `--predict` (numbers, or a column of the same file).
fn unknowns(
    sheet: &ingest::DataTable,
    samples: &[(usize, f64)],
    predict: Option<&str>,
) -> Result<Vec<(Option<usize>, f64)>, Error> {
    let mut out: Vec<(Option<usize>, f64)> = samples.iter().map(|&(r, y)| (Some(r), y)).collect();
    let Some(spec) = predict else {
        return Ok(out);
    };
    let numbers: Option<Vec<f64>> = spec
        .split(',')
        .map(|s| ingest::parse_number(s.trim(), false))
        .collect();
    match numbers {
        Some(values) => out.extend(values.into_iter().map(|v| (None, v))),
        None => {
            let column = sheet.numeric_column(spec)?;
            out.extend(column.rows.iter().map(|&r| Some(r)).zip(column.values));
        }
    }
    Ok(out)
}

pub(super) fn regress(out: &mut dyn Write, args: &RegressArgs) -> Result<(), Error> {
    if !(args.level > 0.0 && args.level < 1.0) {
        return Err(Error::Level(args.level));
    }
    let sheet = ingest::read_table(&args.data, args.output.sheet.as_deref())?;
    let xy = ingest::xy_columns(&sheet, &args.x, &args.y)?;
    let unknowns = unknowns(&sheet, &xy.samples, args.predict.as_deref())?;
    let data_err = on_data(&args.data);
    let model = match args.model {
        CurveArg::Linear => CurveModel::Linear,
        CurveArg::Quadratic => CurveModel::Quadratic,
        CurveArg::FourPl => {
            let fit =
                stats::fit_four_parameter_logistic(&xy.x, &xy.y, args.level).map_err(&data_err)?;
            let predictions: Vec<(Option<usize>, f64, Option<f64>)> = unknowns
                .iter()
                .map(|&(r, y)| (r, y, fit.concentration(y)))
                .collect();
            if args.output.json {
                let v = report::logistic_json(&fit, &xy.x, &xy.y, &xy.rows, &predictions);
                writeln!(out, "{v}").ok();
            } else {
                let text = report::logistic_text(&fit, &xy.x, &xy.y, &xy.rows, &predictions);
                write!(out, "{text}").ok();
            }
            return Ok(());
        }
    };
    let (fit, compared) = match args.weights {
        WeightsArg::Best => {
            let (best, fits) =
                stats::best_weighting(&xy.x, &xy.y, model, args.level).map_err(&data_err)?;
            (fits[best].clone(), fits)
        }
        w => {
            let weighting = match w {
                WeightsArg::InverseX => Weighting::InverseX,
                WeightsArg::InverseX2 => Weighting::InverseX2,
                WeightsArg::InverseY2 => Weighting::InverseY2,
                _ => Weighting::None,
            };
            let fit = stats::fit_calibration(&xy.x, &xy.y, model, weighting, args.level)
                .map_err(&data_err)?;
            (fit, Vec::new())
        }
    };
    let predictions: Vec<_> = unknowns
        .iter()
        .map(|&(r, y)| (r, stats::inverse_predict(&fit, y)))
        .collect();
    if args.output.json {
        let v = report::calibration_json(&fit, &xy.rows, &compared, &predictions);
        writeln!(out, "{v}").ok();
    } else {
        let text = report::calibration_text(&fit, &xy.rows, &compared, &predictions);
        write!(out, "{text}").ok();
    }
    Ok(())
}
