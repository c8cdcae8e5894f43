//! `preclin analyze` and `preclin demo`: the sample studies end to end, the numbers of
//! results.json against `preclin stats` on the same values, bad input (exit 2, the file,
//! row and column named, no results written), escaping and determinism.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{
    analyze_fails, analyze_ok, csv_rows, preclin, read, rel, report_text, root, write_workbook,
};

/// A study from the built-in protocol and the demo seed with the sample scores filled in.
fn sample_study(dir: &Path, protocol: &str) -> PathBuf {
    let study = dir.join(protocol);
    preclin()
        .args(["template", protocol, "--seed", "20261121", "--out"])
        .arg(&study)
        .assert()
        .success();
    std::fs::copy(
        root()
            .join("sample_data")
            .join(protocol)
            .join("scoring.csv"),
        study.join("sheets/scoring.csv"),
    )
    .unwrap();
    study
}

/// The analysed animals of results/animals.csv as a CSV for `preclin stats`.
fn analysed_csv(study: &Path) -> PathBuf {
    let rows = csv_rows(&study.join("results/animals.csv"));
    let excluded = rows[0].iter().position(|h| h == "excluded").unwrap();
    let mut text = rows[0].join(",") + "\n";
    for r in rows[1..].iter().filter(|r| r[excluded] == "no") {
        text += &(r.join(",") + "\n");
    }
    let path = study.join("analysed.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn stats_json(args: &[&str]) -> Value {
    let out = preclin().args(args).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn close(a: &Value, b: &Value, what: &str) {
    let (x, y) = (a.as_f64().unwrap(), b.as_f64().unwrap());
    assert!(rel(x, y) < 1e-12, "{what}: analyze {x} vs stats {y}");
}

#[test]
fn mouse_study_matches_stats_compare_and_lists_both_exclusions() {
    let dir = tempfile::tempdir().unwrap();
    let study = sample_study(dir.path(), "fst-mouse");
    let json = analyze_ok(&study);
    let exclusions = json["exclusions"].as_array().unwrap();
    assert_eq!(exclusions.len(), 2);
    assert!(exclusions
        .iter()
        .any(|e| e["source"] == "criterion water-temperature"));
    assert!(exclusions.iter().any(|e| e["source"] == "scoring sheet"));
    let data = analysed_csv(&study);
    let stats = stats_json(&[
        "stats",
        "compare",
        data.to_str().unwrap(),
        "--value",
        "immobility_s",
        "--group",
        "group",
        "--control",
        "VEH",
        "--json",
    ]);
    let ours = &json["endpoints"][0]["result"];
    assert_eq!(json["endpoints"][0]["primary"], true);
    assert_eq!(ours["omnibus"]["test"], stats["omnibus"]["test"]);
    for field in ["statistic", "p"] {
        close(&ours["omnibus"][field], &stats["omnibus"][field], field);
    }
    for g in ours["groups"].as_array().unwrap() {
        let stats_groups = stats["groups"].as_array().unwrap();
        let h = stats_groups
            .iter()
            .find(|h| h["name"] == g["name"])
            .unwrap();
        assert_eq!(g["n"], h["n"]);
        close(&g["mean"], &h["mean"], "mean");
        close(&g["sd"], &h["sd"], "sd");
    }
    // Latency: censored animals, Kaplan–Meier and log-rank as `stats survival`.
    let rows = csv_rows(&data);
    let censored = rows[0]
        .iter()
        .position(|h| h == "latency_censored")
        .unwrap();
    let latency = rows[0]
        .iter()
        .position(|h| h == "latency_immobility_s")
        .unwrap();
    let mut text = String::from("group,latency,event\n");
    for r in &rows[1..] {
        text += &format!(
            "{},{},{}\n",
            r[1],
            r[latency],
            if r[censored] == "yes" { 0 } else { 1 }
        );
    }
    let lat_csv = study.join("latency.csv");
    std::fs::write(&lat_csv, text).unwrap();
    let surv = stats_json(&[
        "stats",
        "survival",
        lat_csv.to_str().unwrap(),
        "--time",
        "latency",
        "--event",
        "event",
        "--group",
        "group",
        "--json",
    ]);
    close(
        &json["latency"]["logrank"]["chi_squared"],
        &surv["logrank"]["chi_squared"],
        "log-rank",
    );
    for g in json["latency"]["groups"].as_array().unwrap() {
        let surv_groups = surv["groups"].as_array().unwrap();
        let h = surv_groups
            .iter()
            .find(|h| h["group"] == g["group"])
            .unwrap();
        close(&g["median"], &h["median"], "median latency");
        assert_eq!(g["censored"], h["censored"]);
    }
    assert!(
        rows[1..].iter().any(|r| r[censored] == "yes"),
        "a censored latency"
    );
}

#[test]
fn factorial_study_matches_stats_anova_and_has_a_time_course() {
    let dir = tempfile::tempdir().unwrap();
    let study = sample_study(dir.path(), "fst-imipramine-zinc");
    let json = analyze_ok(&study);
    let data = analysed_csv(&study);
    let stats = stats_json(&[
        "stats",
        "anova",
        data.to_str().unwrap(),
        "--value",
        "immobility_s",
        "--factors",
        "drug,zinc",
        "--posthoc",
        "tukey",
        "--json",
    ]);
    let ours = &json["endpoints"][0]["result"];
    assert_eq!(json["endpoints"][0]["design"], "factorial");
    for (a, b) in ours["terms"]
        .as_array()
        .unwrap()
        .iter()
        .zip(stats["terms"].as_array().unwrap())
    {
        assert_eq!(a["term"], b["term"]);
        close(&a["ss"], &b["ss"], "ss");
        if a["term"] != "Residuals" {
            close(&a["p"], &b["p"], "p");
        }
    }
    let (x, y) = (
        &ours["posthoc"]["comparisons"],
        &stats["posthoc"]["comparisons"],
    );
    assert_eq!(x.as_array().unwrap().len(), 6);
    for a in x.as_array().unwrap() {
        let b = y
            .as_array()
            .unwrap()
            .iter()
            .find(|b| {
                (b["a"] == a["a"] && b["b"] == a["b"]) || (b["a"] == a["b"] && b["b"] == a["a"])
            })
            .unwrap();
        close(&a["p_adj"], &b["p_adj"], "tukey p");
    }
    let tc = &json["time_course"];
    assert_eq!(tc["bins"].as_array().unwrap().len(), 6);
    assert_eq!(
        tc["analysed_bins"],
        serde_json::json!(["min3", "min4", "min5", "min6"])
    );
    assert_eq!(tc["anova"]["subjects"], 39);
}

#[test]
fn time_sampled_rat_study_analyses_every_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let study = sample_study(dir.path(), "fst-rat-modified");
    let json = analyze_ok(&study);
    let names: Vec<&str> = json["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["immobility_count", "swimming_count", "climbing_count"]
    );
    assert_eq!(
        json["endpoints"][0]["result"]["posthoc"]["method"],
        "dunnett"
    );
}

#[test]
fn the_same_study_gives_byte_identical_results_and_force_is_needed_to_redo_them() {
    let dir = tempfile::tempdir().unwrap();
    let study = sample_study(dir.path(), "fst-imipramine-zinc");
    let other = tempfile::tempdir().unwrap();
    preclin().arg("analyze").arg(&study).assert().success();
    preclin()
        .arg("analyze")
        .arg(&study)
        .arg("--out")
        .arg(other.path().join("r"))
        .assert()
        .success();
    for name in ["results.json", "report.html", "animals.csv", "summary.csv"] {
        let a = std::fs::read(study.join("results").join(name)).unwrap();
        let b = std::fs::read(other.path().join("r").join(name)).unwrap();
        assert!(a == b, "{name} differs between runs");
    }
    let out = preclin().arg("analyze").arg(&study).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--force"), "{err}");
    preclin()
        .arg("analyze")
        .arg(&study)
        .arg("--force")
        .assert()
        .success();
}

/// Replaces one cell of the scoring sheet (data row `row`, 0-based, and a column name).
fn set_cell(study: &Path, row: usize, column: &str, value: &str) {
    let path = study.join("sheets/scoring.csv");
    let mut rows = csv_rows(&path);
    let c = rows[0].iter().position(|h| h == column).unwrap();
    rows[row + 1][c] = value.to_string();
    // CRLF, as the template and Excel write it.
    let text: String = rows.iter().map(|r| r.join(",") + "\r\n").collect();
    std::fs::write(&path, text).unwrap();
}

fn cell(study: &Path, row: usize, column: &str) -> String {
    let rows = csv_rows(&study.join("sheets/scoring.csv"));
    let c = rows[0].iter().position(|h| h == column).unwrap();
    rows[row + 1][c].clone()
}

#[test]
fn bad_cells_are_named_with_file_row_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, usize, &str, &str, &[&str])] = &[
        (
            "fst-mouse",
            2,
            "immobility_s",
            "abc",
            &["row 4", "`immobility_s`", "`abc`", "not a number"],
        ),
        ("fst-mouse", 3, "immobility_s", "-3", &["row 5", "negative"]),
        (
            "fst-mouse",
            4,
            "immobility_s",
            "250",
            &["row 6", "more than 240"],
        ),
        (
            "fst-mouse",
            0,
            "blind_code",
            "MZZZ",
            &["row 2", "`MZZZ`", "not a blind code"],
        ),
        (
            "fst-mouse",
            5,
            "immobility_s",
            "",
            &["row 7", "is empty", "excluded"],
        ),
        (
            "fst-mouse",
            8,
            "excluded",
            "maybe",
            &["row 10", "yes or no"],
        ),
        (
            "fst-imipramine-zinc",
            1,
            "immobility_min4_s",
            "75",
            &["row 3", "more than 60"],
        ),
        (
            "fst-rat-modified",
            0,
            "immobility_count",
            "55",
            &["row 2", "more than the 60 samples"],
        ),
    ];
    for (i, (protocol, row, column, value, needles)) in cases.iter().enumerate() {
        let study = sample_study(&dir.path().join(i.to_string()), protocol);
        set_cell(&study, *row, column, value);
        let err = analyze_fails(&study);
        assert!(err.contains("sheets/scoring.csv"), "{err}");
        for n in *needles {
            assert!(err.contains(n), "case {i}: `{n}` missing in\n{err}");
        }
        assert!(err.contains("help:"), "{err}");
    }
}

#[test]
fn duplicate_animals_empty_groups_a_missing_key_and_bins_that_do_not_add_up_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // The same blind code twice.
    let study = sample_study(&dir.path().join("dup"), "fst-mouse");
    let code = cell(&study, 0, "blind_code");
    set_cell(&study, 3, "blind_code", &code);
    let err = analyze_fails(&study);
    assert!(
        err.contains("row 5") && err.contains("appears twice (first on row 2)"),
        "{err}"
    );
    // Every animal of a group excluded.
    let study = sample_study(&dir.path().join("empty"), "fst-mouse");
    let key = csv_rows(&study.join("key/allocation-key.csv"));
    for (i, r) in key[1..].iter().enumerate() {
        if r[1] == "VEH" {
            let row = csv_rows(&study.join("sheets/scoring.csv"))[1..]
                .iter()
                .position(|s| s[1] == r[0])
                .unwrap();
            set_cell(&study, row, "excluded", "yes");
            set_cell(&study, row, "exclusion_reason", "dosing-error");
            let _ = i;
        }
    }
    let err = analyze_fails(&study);
    assert!(
        err.contains("group VEH") && err.contains("no animal left"),
        "{err}"
    );
    // No key in the folder.
    let study = sample_study(&dir.path().join("nokey"), "fst-mouse");
    std::fs::remove_file(study.join("key/allocation-key.csv")).unwrap();
    let err = analyze_fails(&study);
    assert!(
        err.contains("allocation-key.csv") && err.contains("blinding cannot be lifted"),
        "{err}"
    );
    // A total beside the bins that disagrees with them.
    let study = sample_study(&dir.path().join("bins"), "fst-imipramine-zinc");
    let path = study.join("sheets/scoring.csv");
    let mut rows = csv_rows(&path);
    rows[0].push("immobility_s".into());
    for (i, r) in rows[1..].iter_mut().enumerate() {
        let total: f64 = (3..=6)
            .map(|m| r[6 + m].parse::<f64>().unwrap_or(0.0))
            .sum();
        r.push(if i == 2 {
            format!("{}", total + 5.0)
        } else {
            format!("{total:.1}")
        });
    }
    std::fs::write(
        &path,
        rows.iter().map(|r| r.join(",") + "\n").collect::<String>(),
    )
    .unwrap();
    let err = analyze_fails(&study);
    assert!(
        err.contains("row 4") && err.contains("sum of the bins"),
        "{err}"
    );
    // Not a study folder at all.
    let err = analyze_fails(dir.path());
    assert!(
        err.contains("study.toml") && err.contains("not a preclin study folder"),
        "{err}"
    );
}

#[test]
fn user_text_is_escaped_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = dir.path().join("mine.toml");
    let text = crate::common::builtin_text("fst-mouse").replacen(
        "label = \"Vehicle\"",
        "label = \"<script>alert('x')</script> & saline\"",
        1,
    );
    std::fs::write(&protocol, text).unwrap();
    let study = dir.path().join("s");
    preclin()
        .arg("template")
        .arg(&protocol)
        .args(["--seed", "20261121", "--out"])
        .arg(&study)
        .assert()
        .success();
    std::fs::copy(
        root().join("sample_data/fst-mouse/scoring.csv"),
        study.join("sheets/scoring.csv"),
    )
    .unwrap();
    preclin().arg("analyze").arg(&study).assert().success();
    let html = read(&study.join("results/report.html"));
    assert!(!html.contains("<script>"), "unescaped script tag");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; saline"));
    // Self-contained: no external resource is referenced (the SVG namespace URI is a name,
    // not a request).
    for needle in ["<link", "<script", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(needle), "external reference: {needle}");
    }
}

/// OWASP CSV injection: a group label that a spreadsheet would run as a formula is written
/// as text into every CSV preclin writes, and reads back as the label.
#[test]
fn a_label_that_looks_like_a_formula_is_written_as_text() {
    let label = r#"=HYPERLINK("http://x","y")"#;
    let dir = tempfile::tempdir().unwrap();
    let protocol = dir.path().join("mine.toml");
    let text = crate::common::builtin_text("fst-mouse").replacen(
        "label = \"Vehicle\"",
        r#"label = '=HYPERLINK("http://x","y")'"#,
        1,
    );
    std::fs::write(&protocol, text).unwrap();
    let study = dir.path().join("s");
    preclin()
        .arg("template")
        .arg(&protocol)
        .args(["--seed", "20261121", "--out"])
        .arg(&study)
        .assert()
        .success();
    std::fs::copy(
        root().join("sample_data/fst-mouse/scoring.csv"),
        study.join("sheets/scoring.csv"),
    )
    .unwrap();
    preclin().arg("analyze").arg(&study).assert().success();
    for file in ["key/solution-key.csv", "results/animals.csv"] {
        let path = study.join(file);
        let raw = read(&path);
        assert!(
            raw.contains(r#""'=HYPERLINK(""http://x"",""y"")""#),
            "{file} does not guard the label:\n{raw}"
        );
        assert!(
            !raw.lines()
                .any(|l| l.split(',').any(|c| c.starts_with('='))),
            "{file} has a cell starting with `=`"
        );
        let table = preclin::ingest::read_table(&path, None).unwrap();
        let column = table
            .column_index("group_label")
            .or_else(|_| table.column_index("label"))
            .unwrap();
        let labels: Vec<&str> = (0..table.row_count())
            .map(|r| table.cell(r, column))
            .collect();
        assert!(labels.contains(&label), "{file} reads back {labels:?}");
    }
}

/// The capture workbook writes text as text cells: a protocol's column description that
/// starts with `=` is a string in the workbook, never a formula.
#[test]
fn a_description_that_looks_like_a_formula_is_a_text_cell_of_the_workbook() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let protocol = dir.path().join("mine.toml");
    let text = crate::common::builtin_text("cms-cyp-rat").replacen(
        "description = \"1% sucrose drunk in the 1-h test\"",
        "description = \"=1+2\"",
        1,
    );
    assert!(text.contains("\"=1+2\""));
    std::fs::write(&protocol, text).unwrap();
    let study = dir.path().join("s");
    preclin()
        .arg("template")
        .arg(&protocol)
        .args(["--seed", "20261121", "--out"])
        .arg(&study)
        .assert()
        .success();
    let columns = read(&study.join("sheets/columns.csv"));
    assert!(columns.contains(",'=1+2"), "{columns}");

    let mut wb: Xlsx<_> = open_workbook(study.join("sheets/capture.xlsx")).unwrap();
    let mut found = 0;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for (r, c, cell) in range.used_cells() {
            if *cell == "=1+2" {
                assert!(
                    matches!(cell, Data::String(_)),
                    "{name} ({r},{c}): {cell:?}"
                );
                found += 1;
            }
        }
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "sheet {name} holds a formula"
        );
    }
    assert_eq!(
        found, 1,
        "the description is in the workbook's column sheet once"
    );
}

#[test]
fn a_boris_export_of_the_sample_study_gives_the_same_scores_and_adds_bouts() {
    let dir = tempfile::tempdir().unwrap();
    let study = sample_study(dir.path(), "fst-mouse");
    let by_hand = analyze_ok(&study);
    // The scores come from BORIS now: blank them on the sheet (the rest stays).
    let path = study.join("sheets/scoring.csv");
    let mut rows = csv_rows(&path);
    let score_cols: Vec<usize> = ["immobility_s", "latency_immobility_s"]
        .iter()
        .map(|c| rows[0].iter().position(|h| h == c).unwrap())
        .collect();
    for r in rows[1..].iter_mut() {
        for &c in &score_cols {
            r[c].clear();
        }
    }
    std::fs::write(
        &path,
        rows.iter()
            .map(|r| r.join(",") + "\r\n")
            .collect::<String>(),
    )
    .unwrap();
    let export = root().join("sample_data/fst-mouse/boris-aggregated.tsv");
    let out = preclin()
        .args(["import", "boris"])
        .arg(&export)
        .arg("--study")
        .arg(&study)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        stdout.contains("scored 19 animals") && stdout.contains("ignored): s"),
        "{stdout}"
    );
    let imported = study.join("sheets/scoring-from-boris-aggregated.csv");
    let sheet = csv_rows(&imported);
    assert!(sheet[0].contains(&"immobility_bouts".to_string()));
    // A second import does not overwrite without --force.
    preclin()
        .args(["import", "boris"])
        .arg(&export)
        .arg("--study")
        .arg(&study)
        .assert()
        .code(2);
    preclin()
        .arg("analyze")
        .arg(&study)
        .arg("--data")
        .arg(&imported)
        .args(["--out"])
        .arg(study.join("results-boris"))
        .assert()
        .success();
    let from_log: Value =
        serde_json::from_str(&read(&study.join("results-boris/results.json"))).unwrap();
    let (a, b) = (
        &by_hand["endpoints"][0]["result"],
        &from_log["endpoints"][0]["result"],
    );
    close(
        &a["omnibus"]["statistic"],
        &b["omnibus"]["statistic"],
        "t from BORIS",
    );
    let names: Vec<&str> = from_log["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["immobility_s", "immobility_bouts", "immobility_mean_bout_s"]
    );
    // Bouts are not among fst-mouse's endpoints: analysed, and said to be exploratory.
    let planned: Vec<bool> = from_log["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["planned"].as_bool().unwrap())
        .collect();
    assert_eq!(planned, [true, false, false]);
    let exploratory: Vec<&str> = from_log["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "exploratory")
        .map(|d| d["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(exploratory, ["immobility bouts", "immobility mean bout s"]);
    let report = read(&study.join("results-boris/report.html"));
    assert!(report.contains("exploratory: not one of the protocol's endpoints"));
    close(
        &by_hand["latency"]["logrank"]["chi_squared"],
        &from_log["latency"]["logrank"]["chi_squared"],
        "log-rank from BORIS",
    );
}

#[test]
fn events_of_animals_outside_the_study_or_the_session_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = sample_study(dir.path(), "fst-mouse");
    // BORIS's own test export: its observations are not this study's animals.
    let real = root().join("tests/fixtures/boris/test_export_aggregated_events_test_full_1.tsv");
    let out = preclin()
        .args(["import", "boris"])
        .arg(&real)
        .arg("--study")
        .arg(&study)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("row 2") && err.contains("not a blind code"),
        "{err}"
    );
    let code = csv_rows(&study.join("key/allocation-key.csv"))[1][0].clone();
    let log = dir.path().join("late.csv");
    std::fs::write(
        &log,
        format!("animal,behaviour,start_s,stop_s\n{code},i,100,130\n{code},i,350,365\n"),
    )
    .unwrap();
    let out = preclin()
        .args(["import", "boris"])
        .arg(&log)
        .arg("--study")
        .arg(&study)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("late.csv") && err.contains("row 3"), "{err}");
    assert!(!study.join("sheets/scoring-from-late.csv").exists());
}

/// `text` without every span from `open` to the next `close`.
#[test]
fn report_text_of_the_factorial_sample_study() {
    let dir = tempfile::tempdir().unwrap();
    let study = sample_study(dir.path(), "fst-imipramine-zinc");
    analyze_ok(&study);
    let html = read(&study.join("results/report.html"));
    assert_eq!(html.matches("<figure>").count(), 2);
    insta::assert_snapshot!(report_text(&html));
}

#[test]
fn scores_typed_into_the_workbook_are_analysed_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let by_csv = sample_study(&dir.path().join("csv"), "fst-mouse");
    let csv_json = analyze_ok(&by_csv);
    // The same scores in the `scoring` sheet of a workbook; sheets/scoring.csv left empty.
    let study = dir.path().join("xlsx");
    preclin()
        .args(["template", "fst-mouse", "--seed", "20261121", "--out"])
        .arg(&study)
        .assert()
        .success();
    let rows = csv_rows(&root().join("sample_data/fst-mouse/scoring.csv"));
    write_workbook(&study.join("sheets/capture.xlsx"), &[("scoring", rows)]);
    let json = analyze_ok(&study);
    assert_eq!(json["inputs"][2]["path"], "sheets/capture.xlsx");
    close(
        &json["endpoints"][0]["result"]["omnibus"]["statistic"],
        &csv_json["endpoints"][0]["result"]["omnibus"]["statistic"],
        "t from the workbook",
    );
}
