//! `preclin stats survival | power`: latency curves and sample size.

use std::io::Write;

use serde_json::json;

use super::{DesignArg, PowerArgs, SurvivalArgs};
use crate::report::{self, finite, format_p, significant, table, PStyle};
use crate::stats::{self, PowerDesign, StatsError};
use crate::{ingest, Error};

fn parse_scores(text: &str, k: usize) -> Result<Vec<f64>, Error> {
    let scores: Option<Vec<f64>> = text
        .split(',')
        .map(|s| ingest::parse_number(s.trim(), false))
        .collect();
    match scores {
        Some(s) if s.len() == k => Ok(s),
        _ => Err(Error::Scores {
            given: text.to_string(),
            groups: k,
        }),
    }
}

pub(super) fn survival(out: &mut dyn Write, args: &SurvivalArgs) -> Result<(), Error> {
    if !(args.level > 0.0 && args.level < 1.0) {
        return Err(Error::Level(args.level));
    }
    let sheet = ingest::read_table(&args.data, args.output.sheet.as_deref())?;
    let data = ingest::survival_columns(&sheet, &args.time, &args.event, &args.group)?;
    let on_data = |e: StatsError| Error::Analysis {
        path: args.data.display().to_string(),
        source: e,
    };
    let curves = (0..data.groups.len())
        .map(|g| stats::kaplan_meier(&data.times[g], &data.events[g], args.level))
        .collect::<Result<Vec<_>, _>>()
        .map_err(on_data)?;
    let groups: Vec<(&str, &[f64], &[bool])> = data
        .groups
        .iter()
        .enumerate()
        .map(|(g, name)| {
            (
                name.as_str(),
                data.times[g].as_slice(),
                data.events[g].as_slice(),
            )
        })
        .collect();
    let k = groups.len();
    let logrank = (k >= 2)
        .then(|| stats::log_rank(&groups))
        .transpose()
        .map_err(on_data)?;
    let scores = match &args.scores {
        Some(text) => Some(parse_scores(text, k)?),
        None if k >= 3 => Some((1..=k).map(|s| s as f64).collect()),
        None => None,
    };
    let trend = match &scores {
        Some(s) if k >= 2 => Some(stats::log_rank_trend(&groups, s).map_err(on_data)?),
        _ => None,
    };
    if args.output.json {
        let names: Vec<&str> = data.groups.iter().map(String::as_str).collect();
        let trend = trend.as_ref().zip(scores.as_deref());
        let v = report::survival_json(
            &args.time,
            &args.event,
            args.level,
            &names,
            &curves,
            logrank.as_ref(),
            trend,
        );
        writeln!(out, "{v}").ok();
        return Ok(());
    }
    let f = |x: f64| significant(x, 4);
    let o = |x: Option<f64>| x.map_or("not reached".to_string(), f);
    let mut rows = vec![vec![
        "group".to_string(),
        "n".into(),
        "events".into(),
        "censored".into(),
        "median".into(),
        format!("{:.0}% CI", args.level * 100.0),
    ]];
    for (g, km) in data.groups.iter().zip(&curves) {
        rows.push(vec![
            g.clone(),
            km.n.to_string(),
            km.events.to_string(),
            (km.n - km.events).to_string(),
            o(km.median.median),
            format!("{} to {}", o(km.median.lower), o(km.median.upper)),
        ]);
    }
    writeln!(
        out,
        "{}: Kaplan–Meier (censored values marked by {} = 0)",
        args.time, args.event
    )
    .ok();
    write!(out, "{}", table(&rows)).ok();
    if let Some(l) = &logrank {
        writeln!(
            out,
            "Log-rank: χ²({}) = {:.2}, p {}",
            l.test.df.first().copied().unwrap_or(f64::NAN),
            l.test.statistic,
            format_p(l.test.p, PStyle::Gp)
        )
        .ok();
    }
    if let (Some(t), Some(s)) = (&trend, &scores) {
        let s: Vec<String> = s.iter().map(|v| v.to_string()).collect();
        writeln!(
            out,
            "Log-rank test for trend (scores {}): χ²(1) = {:.2}, p {}",
            s.join(", "),
            t.test.statistic,
            format_p(t.test.p, PStyle::Gp)
        )
        .ok();
    }
    Ok(())
}

pub(super) fn power(out: &mut dyn Write, args: &PowerArgs) -> Result<(), Error> {
    let (design, measure) = match args.design {
        DesignArg::T => (PowerDesign::TwoSampleT, "d"),
        DesignArg::Anova => (
            PowerDesign::OneWayAnova {
                groups: args.groups.unwrap_or(3),
            },
            "f",
        ),
        DesignArg::TwoByTwo => (PowerDesign::Interaction2x2, "f"),
    };
    let groups = match design {
        PowerDesign::TwoSampleT => 2,
        PowerDesign::OneWayAnova { groups } => groups,
        PowerDesign::Interaction2x2 => 4,
    };
    let design_id = match args.design {
        DesignArg::T => "t",
        DesignArg::Anova => "anova",
        DesignArg::TwoByTwo => "2x2",
    };
    let mut v = json!({ "design": design_id, "effect": args.effect, "effect_measure": measure,
        "alpha": args.alpha, "groups": groups });
    let text;
    match (args.power, args.n) {
        (Some(target), None) => {
            let s = stats::sample_size(design, args.effect, args.alpha, target)?;
            v["target_power"] = json!(target);
            v["n_exact"] = finite(s.n_exact);
            v["n_per_group"] = json!(s.n);
            v["n_total"] = json!(s.n * groups);
            v["power"] = finite(s.power);
            text = format!(
                "{} per group ({} in total) give {:.1}% power for {measure} = {} at α = {} (exact solution n = {:.2}).\n",
                s.n,
                s.n * groups,
                s.power * 100.0,
                args.effect,
                args.alpha,
                s.n_exact
            );
        }
        (None, Some(n)) => {
            let p = stats::power(design, args.effect, args.alpha, n as f64)?;
            v["n_per_group"] = json!(n);
            v["n_total"] = json!(n * groups);
            v["power"] = finite(p);
            text = format!(
                "{n} per group ({} in total): power {:.1}% for {measure} = {} at α = {}.\n",
                n * groups,
                p * 100.0,
                args.effect,
                args.alpha
            );
        }
        _ => unreachable!("clap requires exactly one of --power and --n"),
    }
    if args.json {
        writeln!(out, "{v}").ok();
    } else {
        write!(out, "{text}").ok();
    }
    Ok(())
}
