//! `preclin record`: the bench recorder, live or from a script.

use std::io::Write;

use super::{ClockArg, PaceArg, RecordArgs, UnfinishedArg};
use crate::record::script::{run_script, Pace, ScriptOptions};
use crate::record::{journal, screen, Bench, RecordError, Unfinished};
use crate::Error;

pub fn record(out: &mut dyn Write, args: &RecordArgs) -> Result<(), Error> {
    let mut bench = Bench::open(&args.study, args.observer.clone())?;
    if let Some(name) = &args.agreement {
        let a = crate::record::agreement::agreement(&bench, name)?;
        write!(out, "{}", crate::record::agreement::render(&a)).ok();
        return Ok(());
    }
    repair_or_refuse(out, &bench, args.repair)?;
    for code in bench.catch_up()? {
        writeln!(
            out,
            "Wrote the finished trial of {code} into sheets/scoring.csv"
        )
        .ok();
    }
    if let Some(code) = &args.animal {
        bench.entry(code)?;
    }
    let unfinished = args.unfinished.map(|u| match u {
        UnfinishedArg::Resume => Unfinished::Resume,
        UnfinishedArg::Discard => Unfinished::Discard,
        UnfinishedArg::Failed => Unfinished::Failed,
    });
    let done = match &args.script {
        Some(path) => {
            let options = ScriptOptions {
                again: args.again,
                unfinished,
                pace: match args.pace {
                    PaceArg::Instant => Pace::Instant,
                    PaceArg::Real => Pace::Real,
                },
                animal: args.animal.clone(),
            };
            run_script(&mut bench, path, &options, out)?
        }
        None => screen::run(
            &mut bench,
            args.animal.clone(),
            args.again,
            unfinished,
            match args.clock {
                ClockArg::Live => screen::Clock::Live,
                ClockArg::Manual => screen::Clock::Manual,
            },
        )?,
    };
    let target = if bench.observer.is_some() {
        bench.events_dir().display().to_string()
    } else {
        args.study.join("sheets/scoring.csv").display().to_string()
    };
    writeln!(
        out,
        "Recorded {} trial{}{}; written to {target}; event log {}",
        done.len(),
        if done.len() == 1 { "" } else { "s" },
        if done.is_empty() {
            String::new()
        } else {
            format!(" ({})", done.join(", "))
        },
        bench.events_dir().join("events.csv").display()
    )
    .ok();
    Ok(())
}

/// A damaged journal stops the recorder (naming its line) unless `--repair` keeps its
/// intact lines.
fn repair_or_refuse(out: &mut dyn Write, bench: &Bench, repair: bool) -> Result<(), Error> {
    for e in &bench.run_order {
        match bench.status(&e.code) {
            Err(RecordError::DamagedJournal { path, line, .. }) if repair => {
                let (kept, intact) = journal::repair(&path)?;
                writeln!(
                    out,
                    "{}: line {line} was damaged; kept the {intact} intact lines (the file as it was: {})",
                    path.display(),
                    kept.display()
                )
                .ok();
            }
            Err(e) => return Err(e.into()),
            Ok(_) => {}
        }
    }
    Ok(())
}
