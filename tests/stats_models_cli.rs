//! `preclin stats anova | rm-anova | regress` from the command line: JSON fields with R's
//! values, warnings for excluded subjects, and degenerate input (exit code 2, the file
//! and what is wrong named, no panic).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{csv_rows, preclin, rel, root};

fn run_json(args: &[&str]) -> Value {
    let out = preclin().args(args).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn stderr_of(args: &[&str]) -> String {
    let out = preclin().args(args).assert().code(2);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.is_empty(), "partial output: {stdout}");
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The rows of one set of an R fixture data file (`tests/fixtures/r/NAME`, set in the
/// first column), the given columns written under `header` as the CSV a lab would have.
fn set_csv(dir: &Path, fixture: &str, set: &str, header: &str, columns: &[usize]) -> PathBuf {
    let data = csv_rows(&root().join("tests/fixtures/r").join(fixture));
    let mut text = format!("{header}\n");
    for r in data[1..].iter().filter(|r| r[0] == set) {
        let cells: Vec<&str> = columns.iter().map(|&c| r[c].as_str()).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    write(dir, &format!("{set}.csv"), &text)
}

/// The last column of the row of an R fixture whose columns `key` (column, text) match.
fn expected_text(fixture: &str, key: &[(usize, &str)]) -> String {
    let rows = csv_rows(&root().join("tests/fixtures/r").join(fixture));
    let row = rows[1..]
        .iter()
        .find(|r| key.iter().all(|(c, v)| r[*c] == *v))
        .unwrap_or_else(|| panic!("{fixture} has no row {key:?}"));
    row.last().unwrap().clone()
}

fn expected(fixture: &str, key: &[(usize, &str)]) -> f64 {
    expected_text(fixture, key).parse().unwrap()
}

/// One set of anova-data.csv as `drug,zinc,immobility` (the two-way sets).
fn anova_csv(dir: &Path, set: &str) -> PathBuf {
    set_csv(
        dir,
        "anova-data.csv",
        set,
        "drug,zinc,immobility",
        &[1, 2, 4],
    )
}

fn anova_expected(set: &str, kind: &str, term: &str, field: &str) -> f64 {
    expected(
        "anova-expected.csv",
        &[(0, set), (1, kind), (2, term), (4, field)],
    )
}

#[test]
fn anova_json_carries_the_type_iii_table_of_car() {
    let dir = tempfile::tempdir().unwrap();
    let data = anova_csv(dir.path(), "fst-imi-zinc");
    let json = run_json(&[
        "stats",
        "anova",
        data.to_str().unwrap(),
        "--value",
        "immobility",
        "--factors",
        "drug,zinc",
        "--posthoc",
        "tukey",
        "--json",
    ]);
    assert_eq!(json["ss_type"], 3);
    let terms = json["terms"].as_array().unwrap();
    let names: Vec<&str> = terms.iter().map(|t| t["term"].as_str().unwrap()).collect();
    assert_eq!(names, ["drug", "zinc", "drug:zinc", "Residuals"]);
    for (term, r_term) in [("drug", "a"), ("zinc", "b"), ("drug:zinc", "a:b")] {
        let t = terms.iter().find(|t| t["term"] == term).unwrap();
        for (field, r_field) in [("ss", "ss"), ("df", "df"), ("F", "F"), ("p", "p")] {
            let want = anova_expected("fst-imi-zinc", "type3", r_term, r_field);
            let got = t[field].as_f64().unwrap();
            assert!(rel(got, want) < 1e-9, "{term} {field}: {got} vs {want}");
        }
        let (ss, ss_e) = (t["ss"].as_f64().unwrap(), terms[3]["ss"].as_f64().unwrap());
        let eta = t["partial_eta_squared"].as_f64().unwrap();
        assert!(rel(eta, ss / (ss + ss_e)) < 1e-12);
        assert!(t["apa"].as_str().unwrap().starts_with("F(1, "));
    }
    assert_eq!(json["cells"].as_array().unwrap().len(), 4);
    assert_eq!(json["simple_effects"].as_array().unwrap().len(), 4);
    assert_eq!(json["posthoc"]["method"], "tukey");
    assert_eq!(json["posthoc"]["comparisons"].as_array().unwrap().len(), 6);
}

#[test]
fn anova_types_one_and_two_and_the_text_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = anova_csv(dir.path(), "unbal-2x3");
    let d = data.to_str().unwrap();
    for (flag, kind) in [("1", "type1"), ("2", "type2")] {
        let json = run_json(&[
            "stats",
            "anova",
            d,
            "--value",
            "immobility",
            "--factors",
            "drug,zinc",
            "--ss-type",
            flag,
            "--json",
        ]);
        let t = &json["terms"][0];
        let want = anova_expected("unbal-2x3", kind, "a", "ss");
        assert!(rel(t["ss"].as_f64().unwrap(), want) < 1e-9, "{kind}");
    }
    let out = preclin()
        .args([
            "stats",
            "anova",
            d,
            "--value",
            "immobility",
            "--factors",
            "drug,zinc",
            "--posthoc",
            "sidak",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for needle in [
        "Type III",
        "drug:zinc",
        "Residuals",
        "Simple main effects",
        "Šídák",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let err = stderr_of(&[
        "stats",
        "anova",
        d,
        "--value",
        "immobility",
        "--factors",
        "drug,zinc",
        "--ss-type",
        "4",
    ]);
    assert!(err.contains("ss-type"), "{err}");
}

#[test]
fn anova_with_an_empty_cell_names_it_and_a_single_value_cell_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "empty.csv",
        "drug,zinc,y\nveh,water,1\nveh,water,2\nveh,zinc,3\nveh,zinc,4\nimi,water,5\nimi,water,7\n",
    );
    let err = stderr_of(&[
        "stats",
        "anova",
        data.to_str().unwrap(),
        "--value",
        "y",
        "--factors",
        "drug,zinc",
    ]);
    assert!(
        err.contains("empty.csv") && err.contains("imi:zinc"),
        "{err}"
    );
    // One animal in a cell: allowed (its comparisons use the pooled SD), as R does.
    let dir2 = tempfile::tempdir().unwrap();
    let single = anova_csv(dir2.path(), "single-cell-2x3");
    let json = run_json(&[
        "stats",
        "anova",
        single.to_str().unwrap(),
        "--value",
        "immobility",
        "--factors",
        "drug,zinc",
        "--posthoc",
        "tukey",
        "--json",
    ]);
    let warning = json["warnings"][0].as_str().unwrap();
    assert!(warning.contains("single value"), "{warning}");
    let want = anova_expected("single-cell-2x3", "type3", "a:b", "F");
    assert!(rel(json["terms"][2]["F"].as_f64().unwrap(), want) < 1e-9);
    // With one value in every cell there is no error term at all.
    let ones = write(
        dir.path(),
        "ones.csv",
        "drug,zinc,y\nveh,water,1\nveh,zinc,3\nimi,water,5\nimi,zinc,4\n",
    );
    let err = stderr_of(&[
        "stats",
        "anova",
        ones.to_str().unwrap(),
        "--value",
        "y",
        "--factors",
        "drug,zinc",
    ]);
    assert!(
        err.contains("ones.csv") && err.contains("more values than cells"),
        "{err}"
    );
    // Dunnett needs a control cell that exists.
    let err = stderr_of(&[
        "stats",
        "anova",
        single.to_str().unwrap(),
        "--value",
        "immobility",
        "--factors",
        "drug,zinc",
        "--posthoc",
        "dunnett",
        "--control",
        "nope:none",
    ]);
    assert!(err.contains("nope:none") && err.contains("help"), "{err}");
    // A missing factor column is named with the columns there are.
    let err = stderr_of(&[
        "stats",
        "anova",
        single.to_str().unwrap(),
        "--value",
        "immobility",
        "--factors",
        "drug,zync",
    ]);
    assert!(
        err.contains("zync") && err.contains("did you mean `zinc`"),
        "{err}"
    );
}

/// One set of rm-anova-data.csv as `animal,group,minute,immobility`.
fn rm_csv(dir: &Path, set: &str) -> PathBuf {
    let header = "animal,group,minute,immobility";
    set_csv(dir, "rm-anova-data.csv", set, header, &[1, 2, 3, 4])
}

fn rm_expected(set: &str, term: &str, field: &str) -> f64 {
    expected("rm-anova-expected.csv", &[(0, set), (1, term), (2, field)])
}

#[test]
fn rm_anova_excludes_an_incomplete_subject_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let data = rm_csv(dir.path(), "with-missing");
    let out = preclin()
        .args([
            "stats",
            "rm-anova",
            data.to_str().unwrap(),
            "--value",
            "immobility",
            "--subject",
            "animal",
            "--within",
            "minute",
            "--between",
            "group",
            "--json",
        ])
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("warning: subject M09 excluded") && stderr.contains("minute 4"),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["excluded"][0]["subject"], "M09");
    assert_eq!(json["subjects"], 17);
    for (term, r_term) in [
        ("group", "group"),
        ("minute", "within"),
        ("group:minute", "group:within"),
    ] {
        let t = json["terms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["term"] == term)
            .unwrap();
        for field in ["ss", "F", "p"] {
            let want = rm_expected("with-missing", r_term, field);
            assert!(
                rel(t[field].as_f64().unwrap(), want) < 1e-9,
                "{term} {field}"
            );
        }
    }
    let gg = json["sphericity"]["greenhouse_geisser_epsilon"]
        .as_f64()
        .unwrap();
    assert!(rel(gg, rm_expected("with-missing", "epsilon", "gg")) < 1e-9);
}

#[test]
fn rm_anova_refuses_repeated_rows_switching_groups_and_empty_levels() {
    let dir = tempfile::tempdir().unwrap();
    let header = "animal,group,minute,immobility\n";
    let duplicate = write(
        dir.path(),
        "dup.csv",
        &format!("{header}A,veh,1,10\nA,veh,2,12\nA,veh,1,11\nB,veh,1,9\nB,veh,2,8\n"),
    );
    let args = |p: &Path| -> Vec<String> {
        [
            "stats",
            "rm-anova",
            p.to_str().unwrap(),
            "--value",
            "immobility",
            "--subject",
            "animal",
            "--within",
            "minute",
            "--between",
            "group",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |p: &Path| {
        let a = args(p);
        stderr_of(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let err = run(&duplicate);
    assert!(
        err.contains("dup.csv") && err.contains("row 4") && err.contains("row 2"),
        "{err}"
    );
    let switching = write(
        dir.path(),
        "switch.csv",
        &format!("{header}A,veh,1,10\nA,imi,2,12\nB,veh,1,9\nB,veh,2,8\n"),
    );
    let err = run(&switching);
    assert!(
        err.contains("row 3") && err.contains("imi") && err.contains("veh"),
        "{err}"
    );
    let empty_level = write(
        dir.path(),
        "level.csv",
        &format!("{header}A,veh,1,10\nA,veh,2,\nB,veh,1,9\nB,veh,2,\nC,imi,1,4\nC,imi,2,\n"),
    );
    let err = run(&empty_level);
    assert!(
        err.contains("level `2`") && err.contains("no value"),
        "{err}"
    );
}

fn regress_csv(dir: &Path, set: &str) -> PathBuf {
    set_csv(dir, "regress-data.csv", set, "conc,response", &[2, 3])
}

fn regress_expected(set: &str, model: &str, weights: &str, field: &str, index: &str) -> String {
    let key = [(0, set), (1, model), (2, weights), (3, field), (4, index)];
    expected_text("regress-expected.csv", &key)
}

#[test]
fn regress_json_picks_the_weighting_and_reads_the_samples_off_the_curve() {
    let dir = tempfile::tempdir().unwrap();
    let data = regress_csv(dir.path(), "hplc-linear");
    let json = run_json(&[
        "stats",
        "regress",
        data.to_str().unwrap(),
        "--x",
        "conc",
        "--y",
        "response",
        "--weights",
        "best",
        "--json",
    ]);
    let best = regress_expected("hplc-linear", "linear", "", "best_weights", "");
    assert_eq!(json["weights"], best.as_str());
    for field in [
        "intercept",
        "slope",
        "se_intercept",
        "se_slope",
        "r_squared",
        "residual_sd",
        "lod",
        "loq",
    ] {
        let want: f64 = regress_expected("hplc-linear", "linear", &best, field, "")
            .parse()
            .unwrap();
        assert!(rel(json[field].as_f64().unwrap(), want) < 1e-9, "{field}");
    }
    let standards = json["standards"].as_array().unwrap();
    assert_eq!(standards.len(), 16);
    assert_eq!(standards[0]["row"], 2);
    let re: f64 = regress_expected("hplc-linear", "linear", &best, "relative_error_pct", "1")
        .parse()
        .unwrap();
    assert!((standards[0]["relative_error_pct"].as_f64().unwrap() - re).abs() < 1e-9);
    // The three samples (a response without a concentration) come back with intervals.
    let predictions = json["predictions"].as_array().unwrap();
    assert_eq!(predictions.len(), 3);
    for (i, p) in predictions.iter().enumerate() {
        let index = (i + 1).to_string();
        for (field, r_field) in [
            ("x", "predicted_x"),
            ("lower", "predicted_lower"),
            ("upper", "predicted_upper"),
        ] {
            let want: f64 = regress_expected("hplc-linear", "linear", &best, r_field, &index)
                .parse()
                .unwrap();
            assert!(
                rel(p[field].as_f64().unwrap(), want) < 1e-8,
                "{field} {index}"
            );
        }
    }
    assert_eq!(json["weights_compared"].as_array().unwrap().len(), 4);
}

#[test]
fn regress_4pl_and_quadratic_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let lowry = regress_csv(dir.path(), "lowry-4pl");
    let json = run_json(&[
        "stats",
        "regress",
        lowry.to_str().unwrap(),
        "--x",
        "conc",
        "--y",
        "response",
        "--model",
        "4pl",
        "--json",
    ]);
    for p in ["a", "b", "c", "d"] {
        let want: f64 = regress_expected("lowry-4pl", "4pl", "none", p, "")
            .parse()
            .unwrap();
        assert!(rel(json[p].as_f64().unwrap(), want) < 1e-8, "{p}");
    }
    let bradford = regress_csv(dir.path(), "bradford-quadratic");
    let json = run_json(&[
        "stats",
        "regress",
        bradford.to_str().unwrap(),
        "--x",
        "conc",
        "--y",
        "response",
        "--model",
        "quadratic",
        "--predict",
        "0.5,1.0",
        "--json",
    ]);
    let want: f64 = regress_expected("bradford-quadratic", "quadratic", "none", "quadratic", "")
        .parse()
        .unwrap();
    assert!(rel(json["quadratic"].as_f64().unwrap(), want) < 1e-9);
    assert_eq!(json["predictions"].as_array().unwrap().len(), 5);
}

#[test]
fn regress_refuses_too_few_standards_and_a_curve_that_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let two = write(
        dir.path(),
        "two.csv",
        "conc,area\n1,0.1\n1,0.11\n5,0.5\n5,0.52\n",
    );
    let err = stderr_of(&[
        "stats",
        "regress",
        two.to_str().unwrap(),
        "--x",
        "conc",
        "--y",
        "area",
    ]);
    assert!(
        err.contains("two.csv") && err.contains("at least 3 distinct"),
        "{err}"
    );
    let flat = write(
        dir.path(),
        "flat.csv",
        "conc,abs\n0,0.5\n100,0.2\n200,0.9\n400,0.1\n800,0.7\n1600,0.3\n",
    );
    let err = stderr_of(&[
        "stats",
        "regress",
        flat.to_str().unwrap(),
        "--x",
        "conc",
        "--y",
        "abs",
        "--model",
        "4pl",
    ]);
    assert!(
        err.contains("flat.csv") && err.contains("four-parameter logistic"),
        "{err}"
    );
    let bad = write(dir.path(), "bad.csv", "conc,area\n1,0.1\n2,x\n3,0.3\n");
    let err = stderr_of(&[
        "stats",
        "regress",
        bad.to_str().unwrap(),
        "--x",
        "conc",
        "--y",
        "area",
    ]);
    assert!(err.contains("row 3") && err.contains("`x`"), "{err}");
}

fn survival_csv(dir: &Path, set: &str) -> PathBuf {
    let header = "group,latency_s,immobile";
    set_csv(dir, "survival-data.csv", set, header, &[1, 2, 3])
}

fn survival_expected(set: &str, kind: &str, group: &str, field: &str) -> String {
    let key = [(0, set), (1, kind), (2, group), (4, field)];
    expected_text("survival-expected.csv", &key)
}

#[test]
fn survival_json_has_curves_medians_and_the_tests_of_r() {
    let dir = tempfile::tempdir().unwrap();
    let data = survival_csv(dir.path(), "fst-latency");
    let json = run_json(&[
        "stats",
        "survival",
        data.to_str().unwrap(),
        "--time",
        "latency_s",
        "--event",
        "immobile",
        "--group",
        "group",
        "--json",
    ]);
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    for g in groups {
        let name = g["group"].as_str().unwrap();
        let median = survival_expected("fst-latency", "median", name, "median");
        match median.as_str() {
            "NA" => assert!(g["median"].is_null()),
            m => assert!(rel(g["median"].as_f64().unwrap(), m.parse().unwrap()) < 1e-12),
        }
        let steps = g["steps"].as_array().unwrap();
        let last = steps.last().unwrap();
        assert!(last["survival"].as_f64().unwrap() < 1.0);
    }
    let chisq: f64 = survival_expected("fst-latency", "logrank", "", "chisq")
        .parse()
        .unwrap();
    assert!(rel(json["logrank"]["chi_squared"].as_f64().unwrap(), chisq) < 1e-9);
    let trend: f64 = survival_expected("fst-latency", "trend", "", "chisq")
        .parse()
        .unwrap();
    assert!(rel(json["trend"]["chi_squared"].as_f64().unwrap(), trend) < 1e-9);
    assert_eq!(json["trend"]["scores"], serde_json::json!([1.0, 2.0, 3.0]));
}

#[test]
fn survival_refuses_bad_event_flags_negative_times_and_wrong_scores() {
    let dir = tempfile::tempdir().unwrap();
    let header = "animal,group,latency_s,immobile\n";
    let args = |p: &Path, extra: &[&str]| -> String {
        let mut a = vec![
            "stats",
            "survival",
            p.to_str().unwrap(),
            "--time",
            "latency_s",
            "--event",
            "immobile",
            "--group",
            "group",
        ];
        a.extend_from_slice(extra);
        let a: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        stderr_of(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let flag = write(
        dir.path(),
        "flag.csv",
        &format!("{header}A,veh,30,1\nB,veh,240,maybe\n"),
    );
    let err = args(&flag, &[]);
    assert!(
        err.contains("row 3") && err.contains("`maybe`") && err.contains("censored"),
        "{err}"
    );
    let negative = write(
        dir.path(),
        "neg.csv",
        &format!("{header}A,veh,30,1\nB,imi,-5,1\n"),
    );
    let err = args(&negative, &[]);
    assert!(err.contains("row 3") && err.contains("negative"), "{err}");
    let ok = write(
        dir.path(),
        "ok.csv",
        &format!("{header}A,veh,30,1\nB,imi,50,1\nC,imi,240,0\n"),
    );
    let err = args(&ok, &["--scores", "0,10,20"]);
    assert!(
        err.contains("--scores") && err.contains("2 numbers"),
        "{err}"
    );
    let censored = write(
        dir.path(),
        "none.csv",
        &format!("{header}A,veh,240,0\nB,imi,240,0\n"),
    );
    let err = args(&censored, &[]);
    assert!(err.contains("none.csv") && err.contains("event"), "{err}");
}

#[test]
fn power_and_sample_size_match_pwr() {
    let find = |design: &str, effect: &str, n: &str, target: &str, field: &str| -> f64 {
        let key = [
            (0, design),
            (1, effect),
            (2, "0.05"),
            (4, n),
            (5, target),
            (6, field),
        ];
        expected("power-expected.csv", &key)
    };
    let json = run_json(&[
        "stats", "power", "--design", "t", "--effect", "0.5", "--n", "20", "--json",
    ]);
    assert!(
        rel(
            json["power"].as_f64().unwrap(),
            find("t", "0.5", "20", "", "power")
        ) < 1e-9
    );
    let json = run_json(&[
        "stats", "power", "--design", "t", "--effect", "0.8", "--power", "0.8", "--json",
    ]);
    let n = json["n_per_group"].as_f64().unwrap();
    assert_eq!(n, find("t", "0.8", "", "0.8", "n_per_group"));
    assert!(
        rel(
            json["n_exact"].as_f64().unwrap(),
            find("t", "0.8", "", "0.8", "n_exact")
        ) < 1e-9
    );
    assert_eq!(json["n_total"].as_f64().unwrap(), 2.0 * n);
    let err = stderr_of(&[
        "stats", "power", "--design", "t", "--effect", "-1", "--n", "5",
    ]);
    assert!(err.contains("effect"), "{err}");
    let err = stderr_of(&["stats", "power", "--design", "t", "--effect", "1"]);
    assert!(err.contains("--power") && err.contains("--n"), "{err}");
}
