//! The files of a study folder, rendered in memory (so nothing partial is ever written):
//!
//! ```text
//! study.toml                 resolved protocol, seed and options
//! README.txt                 what each file is and who may see it
//! sheets/capture.xlsx        one worksheet per capture sheet, validated cells
//! sheets/<sheet>.csv         the same sheets as CSV
//! sheets/columns.csv         data dictionary: type, unit, allowed values
//! sheets/run-order.csv|.txt  testing order (printable)
//! dosing/dosing-sheet.csv    solution letter per animal (coded solutions only)
//! key/allocation-key.csv     blind code → group: kept from scorers until analysis
//! key/solution-key.csv       solution letter → group and treatments
//! stressor-calendar.csv      week-by-week stressors (stress protocols only)
//! ```

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::protocol::{summary_treatment_text, ColumnKind, Protocol};

use super::plan::{Cell, StudyPlan};
use super::workbook::capture_workbook;

/// Relative path → file content, in a stable order.
pub type StudyFiles = BTreeMap<String, Vec<u8>>;

#[derive(Debug, Serialize)]
struct StudyMeta<'a> {
    preclin_version: &'a str,
    protocol_id: &'a str,
    protocol_version: &'a str,
    protocol_source: &'a str,
    protocol_sha256: &'a str,
    seed: u64,
    n_per_group: u32,
    animals: usize,
    randomisation: String,
}

#[derive(Debug, Serialize)]
struct StudyFile<'a> {
    study: StudyMeta<'a>,
    protocol: &'a Protocol,
}

/// Renders every file of the study folder.
pub fn study_files(plan: &StudyPlan) -> Result<StudyFiles, rust_xlsxwriter::XlsxError> {
    let mut files = StudyFiles::new();
    files.insert("study.toml".into(), study_toml(plan).into_bytes());
    files.insert("README.txt".into(), readme(plan).into_bytes());
    for table in &plan.sheets {
        let mut rows = vec![table
            .sheet
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()];
        rows.extend(
            table
                .rows
                .iter()
                .map(|r| r.iter().map(Cell::as_text).collect()),
        );
        files.insert(format!("sheets/{}.csv", table.sheet.name), csv_text(&rows));
    }
    files.insert(
        "sheets/columns.csv".into(),
        csv_text(&dictionary_rows(plan)),
    );
    files.insert(
        "sheets/capture.xlsx".into(),
        capture_workbook(plan, &dictionary_rows(plan))?,
    );
    files.insert(
        "sheets/run-order.csv".into(),
        csv_text(&run_order_rows(plan)),
    );
    files.insert(
        "sheets/run-order.txt".into(),
        run_order_text(plan).into_bytes(),
    );
    files.insert(
        "key/allocation-key.csv".into(),
        csv_text(&allocation_key_rows(plan)),
    );
    if let Some(codes) = &plan.solution_codes {
        files.insert(
            "key/solution-key.csv".into(),
            csv_text(&solution_key_rows(plan, codes)),
        );
        files.insert(
            "dosing/dosing-sheet.csv".into(),
            csv_text(&dosing_rows(plan, codes)),
        );
    }
    if !plan.calendar.is_empty() {
        files.insert(
            "stressor-calendar.csv".into(),
            csv_text(&calendar_rows(plan)),
        );
    }
    Ok(files)
}

/// CSV with CRLF line ends (as Excel writes them), rendered in memory.
pub(crate) fn csv_text(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        // Writing to a Vec cannot fail. Text that a spreadsheet would run as a formula is
        // written so that it shows as text (and reads back as it was).
        w.write_record(r.iter().map(|c| crate::ingest::guard_cell(c).into_owned()))
            .expect("write CSV to memory");
    }
    w.into_inner().expect("flush CSV to memory")
}

fn study_toml(plan: &StudyPlan) -> String {
    let p = &plan.protocol;
    let randomisation = match (p.randomisation.method, p.randomisation.block_by) {
        (crate::protocol::RandomisationMethod::Blocked, Some(b)) => {
            format!("blocked by {}", b.as_str())
        }
        _ => "complete".to_string(),
    };
    let file = StudyFile {
        study: StudyMeta {
            preclin_version: env!("CARGO_PKG_VERSION"),
            protocol_id: &p.id,
            protocol_version: &p.version,
            protocol_source: &plan.protocol_source,
            protocol_sha256: &plan.protocol_sha256,
            seed: plan.seed,
            n_per_group: p.design.n_per_group,
            animals: plan.animals.len(),
            randomisation,
        },
        protocol: p,
    };
    let body = toml::to_string(&file).expect("a protocol always serialises to TOML");
    format!("# Study created by `preclin template`. The protocol below is the one in force;\n# the same protocol, options and seed recreate every file of this folder.\n\n{body}")
}

fn readme(plan: &StudyPlan) -> String {
    let p = &plan.protocol;
    let mut o = String::new();
    let _ = writeln!(o, "{} — {}", p.id, p.title);
    let _ = writeln!(
        o,
        "{} animals, {} per group, seed {}\n",
        plan.animals.len(),
        p.design.n_per_group,
        plan.seed
    );
    let _ = writeln!(
        o,
        "For the people who test and score (blinded: {}):",
        p.blinding.blinded.join(", ")
    );
    let _ = writeln!(
        o,
        "  sheets/capture.xlsx     fill this workbook, or the CSV files beside it"
    );
    let _ = writeln!(
        o,
        "  sheets/<sheet>.csv      one file per capture sheet; units are in the column names"
    );
    let _ = writeln!(
        o,
        "  sheets/columns.csv      what each column means and which values it accepts"
    );
    let _ = writeln!(o, "  sheets/run-order.txt    printable testing order\n");
    if plan.solution_codes.is_some() {
        let _ = writeln!(
            o,
            "For the person who doses (sees solution letters, not groups):"
        );
        let _ = writeln!(o, "  dosing/dosing-sheet.csv\n");
    }
    let _ = writeln!(
        o,
        "For the person who holds the key (not the testers or scorers):"
    );
    let _ = writeln!(
        o,
        "  key/allocation-key.csv  blind code → group; opened only at analysis"
    );
    if plan.solution_codes.is_some() {
        let _ = writeln!(
            o,
            "  key/solution-key.csv    solution letter → group and treatments"
        );
    }
    if !plan.calendar.is_empty() {
        let _ = writeln!(o, "\nFor the people who apply the stress regimen:");
        let _ = writeln!(o, "  stressor-calendar.csv   week-by-week stressors");
    }
    let _ = writeln!(
        o,
        "\nMove the key/ folder away from the testers before the study starts."
    );
    o
}

fn kind_text(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Number => "number",
        ColumnKind::Integer => "integer",
        ColumnKind::Text => "text",
        ColumnKind::Choice => "choice",
        ColumnKind::Date => "date (YYYY-MM-DD)",
        ColumnKind::YesNo => "yes/no",
    }
}

fn num(x: f64) -> String {
    format!("{x}")
}

/// Data dictionary: one row per column of every capture sheet.
pub fn dictionary_rows(plan: &StudyPlan) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "sheet",
        "column",
        "type",
        "min",
        "max",
        "allowed values",
        "required",
        "filled by",
        "description",
    ]
    .map(String::from)
    .to_vec()];
    for t in &plan.sheets {
        for c in &t.sheet.columns {
            let allowed = match c.choices_from {
                Some(_) => "a blind code of this study".to_string(),
                None if c.kind == ColumnKind::YesNo => "yes | no".to_string(),
                None => c.choices.join(" | "),
            };
            rows.push(vec![
                t.sheet.name.clone(),
                c.name.clone(),
                kind_text(c.kind).to_string(),
                c.min.map(num).unwrap_or_default(),
                c.max.map(num).unwrap_or_default(),
                allowed,
                if c.required { "yes" } else { "no" }.to_string(),
                if c.prefilled { "preclin" } else { "scientist" }.to_string(),
                c.description.clone(),
            ]);
        }
    }
    rows
}

fn has_batches(plan: &StudyPlan) -> bool {
    plan.animals.iter().any(|a| a.batch.is_some())
}

fn run_order_rows(plan: &StudyPlan) -> Vec<Vec<String>> {
    let batches = has_batches(plan);
    let mut header = vec!["run_order", "blind_code", "cage"];
    if batches {
        header.push("batch");
    }
    let mut rows = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
    for a in &plan.animals {
        let mut r = vec![
            a.run_order.to_string(),
            a.blind_code.clone(),
            a.cage.to_string(),
        ];
        if batches {
            r.push(a.batch.map(|b| b.to_string()).unwrap_or_default());
        }
        rows.push(r);
    }
    rows
}

fn run_order_text(plan: &StudyPlan) -> String {
    let p = &plan.protocol;
    let mut o = String::new();
    let _ = writeln!(o, "{} — run order", p.title);
    let _ = writeln!(
        o,
        "protocol {} {}, seed {}, {} animals\n",
        p.id,
        p.version,
        plan.seed,
        plan.animals.len()
    );
    let batches = has_batches(plan);
    let _ = writeln!(
        o,
        "{:>5}  {:<10}  {:>4}  {}{:<12}  {:<12}  done",
        "order",
        "blind code",
        "cage",
        if batches { "batch  " } else { "" },
        "dosed at",
        "tested at",
    );
    let mut last_batch = None;
    for a in &plan.animals {
        if batches && a.batch != last_batch && last_batch.is_some() {
            let _ = writeln!(o);
        }
        last_batch = a.batch;
        let batch = if batches {
            format!("{:>5}  ", a.batch.unwrap_or(0))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "{:>5}  {:<10}  {:>4}  {batch}{:<12}  {:<12}  [ ]",
            a.run_order, a.blind_code, a.cage, "____________", "____________"
        );
    }
    o
}

fn allocation_key_rows(plan: &StudyPlan) -> Vec<Vec<String>> {
    let p = &plan.protocol;
    let mut header: Vec<String> = vec!["blind_code".into(), "group".into()];
    header.extend(p.design.factors.iter().map(|f| f.name.clone()));
    header.extend(["solution_code", "cage", "batch", "run_order"].map(String::from));
    let mut rows = vec![header];
    for a in &plan.animals {
        let g = &p.design.groups[a.group];
        let mut r = vec![a.blind_code.clone(), g.id.clone()];
        r.extend(
            p.design
                .factors
                .iter()
                .map(|f| g.levels.get(&f.name).cloned().unwrap_or_default()),
        );
        r.push(
            plan.solution_codes
                .as_ref()
                .map(|c| c[a.group].clone())
                .unwrap_or_default(),
        );
        r.push(a.cage.to_string());
        r.push(a.batch.map(|b| b.to_string()).unwrap_or_default());
        r.push(a.run_order.to_string());
        rows.push(r);
    }
    rows
}

fn solution_key_rows(plan: &StudyPlan, codes: &[String]) -> Vec<Vec<String>> {
    let mut rows = vec![["solution_code", "group", "label", "treatments"]
        .map(String::from)
        .to_vec()];
    let mut by_code: Vec<(usize, &String)> = codes.iter().enumerate().collect();
    by_code.sort_by(|a, b| a.1.cmp(b.1));
    for (g, code) in by_code {
        let group = &plan.protocol.design.groups[g];
        let treatments: Vec<String> = group
            .treatments
            .iter()
            .map(summary_treatment_text)
            .collect();
        rows.push(vec![
            code.clone(),
            group.id.clone(),
            group.label.clone(),
            treatments.join("; "),
        ]);
    }
    rows
}

fn dosing_rows(plan: &StudyPlan, codes: &[String]) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "run_order",
        "blind_code",
        "cage",
        "solution_code",
        "volume_ml_per_kg",
        "body_weight_g",
        "volume_given_ml",
        "dosed_at",
    ]
    .map(String::from)
    .to_vec()];
    for a in &plan.animals {
        let g = &plan.protocol.design.groups[a.group];
        let volume = g
            .treatments
            .first()
            .map(|t| num(t.volume_ml_per_kg))
            .unwrap_or_default();
        rows.push(vec![
            a.run_order.to_string(),
            a.blind_code.clone(),
            a.cage.to_string(),
            codes[a.group].clone(),
            volume,
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    rows
}

fn calendar_rows(plan: &StudyPlan) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "week",
        "day",
        "weekday",
        "period",
        "stressor",
        "duration_h",
        "drug_treatment",
        "sucrose_test",
    ]
    .map(String::from)
    .to_vec()];
    for e in &plan.calendar {
        rows.push(vec![
            e.week.to_string(),
            e.day.to_string(),
            super::calendar::DAYS[(e.day - 1) as usize].to_string(),
            e.period.to_string(),
            e.stressor.clone(),
            e.duration_h.map(num).unwrap_or_default(),
            if e.drug_treatment { "yes" } else { "no" }.to_string(),
            if e.sucrose_test { "yes" } else { "no" }.to_string(),
        ]);
    }
    rows
}
