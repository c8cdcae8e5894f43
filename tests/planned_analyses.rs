//! Only planned analyses: a test for trend over doses runs only when the protocol declares
//! its groups (`[analysis] trend_groups`), over one compound in dose order; the report and
//! results.json carry no analysis the plan did not ask for.

use std::path::{Path, PathBuf};

use crate::common::{builtin_text, csv_rows, position_of, preclin, read};

/// fst-mouse edited into four groups: vehicle, imipramine 15 and 30 mg/kg, amitriptyline
/// 10 mg/kg, with `extra` added to its [analysis] table.
fn four_groups(extra: &str) -> String {
    let text = builtin_text("fst-mouse");
    let start = text.find("[[design.groups]]").unwrap();
    let end = text[start..].find("\n[randomisation]").unwrap() + start;
    let group = |id: &str, level: &str, compound: &str, dose: u32| {
        format!(
            "[[design.groups]]\nid = \"{id}\"\nlabel = \"{id}\"\nlevels = {{ treatment = \"{level}\" }}\n\
             treatments = [\n  {{ compound = \"{compound}\", dose = {dose}, dose_unit = \"mg/kg\", route = \"i.p.\", \
             vehicle = \"0.9% NaCl\", volume_ml_per_kg = 10, pretreatment_min = 30 }},\n]\n\n"
        )
    };
    let groups = group("VEH", "vehicle", "vehicle", 0)
        + &group("IMI15", "imi15", "imipramine hydrochloride", 15)
        + &group("IMI30", "imi30", "imipramine hydrochloride", 30)
        + &group("AMI10", "ami10", "amitriptyline hydrochloride", 10);
    let text = format!("{}{groups}{}", &text[..start], &text[end + 1..])
        .replace(
            "levels = [\"vehicle\", \"imipramine\"]",
            "levels = [\"vehicle\", \"imi15\", \"imi30\", \"ami10\"]",
        )
        .replace("[analysis]\n", &format!("[analysis]\n{extra}"));
    assert!(text.contains("AMI10") && text.contains("imi30"), "{text}");
    text
}

/// A study of the protocol, its sheet filled by a scripted recording: latencies and
/// immobility that differ by animal, so every group has events.
fn recorded_study(dir: &Path, protocol_text: &str) -> PathBuf {
    let protocol = dir.join("four.toml");
    std::fs::write(&protocol, protocol_text).unwrap();
    let st = dir.join("st");
    preclin()
        .arg("template")
        .arg(&protocol)
        .args(["--n-per-group", "4", "--seed", "5", "--out"])
        .arg(&st)
        .assert()
        .success();
    let mut script = String::new();
    for (k, row) in csv_rows(&st.join("sheets/run-order.csv"))
        .iter()
        .skip(1)
        .enumerate()
    {
        let first = 40.0 + 13.0 * k as f64;
        script += &format!(
            "animal {}\nfield water_temperature_c 24\nstart\n{first} i\n{} i\n200 i\n{} i\n400 end\n",
            row[1],
            first + 30.0,
            230.0 + 5.0 * k as f64
        );
    }
    let path = dir.join("trials.txt");
    std::fs::write(&path, script).unwrap();
    preclin()
        .arg("record")
        .arg(&st)
        .arg("--script")
        .arg(&path)
        .assert()
        .success();
    st
}

fn results(st: &Path) -> serde_json::Value {
    preclin().arg("analyze").arg(st).assert().success();
    serde_json::from_str(&read(&st.join("results/results.json"))).unwrap()
}

#[test]
fn no_trend_test_unless_the_plan_declares_its_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let st = recorded_study(tmp.path(), &four_groups(""));
    let r = results(&st);
    assert!(r["latency"]["logrank"].is_object(), "{}", r["latency"]);
    assert!(r["latency"]["trend"].is_null(), "{}", r["latency"]);
    let report = read(&st.join("results/report.html"));
    assert!(
        !report.contains("trend"),
        "the report mentions a trend test"
    );
    // The protocol was read from a file in the analyst's folders: shown by its name only.
    let folder = tmp.path().display().to_string();
    assert!(
        report.contains("(four.toml)"),
        "provenance names the protocol file"
    );
    assert!(
        !report.contains(&folder),
        "the report shows the analyst's folders"
    );
    assert!(!read(&st.join("results/results.json")).contains(&folder));
}

#[test]
fn a_declared_trend_over_one_compound_is_tested_with_its_doses_as_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let st = recorded_study(
        tmp.path(),
        &four_groups("trend_groups = [\"VEH\", \"IMI15\", \"IMI30\"]\n"),
    );
    let r = results(&st);
    let trend = &r["latency"]["trend"];
    assert_eq!(
        trend["scores"],
        serde_json::json!([0.0, 15.0, 30.0]),
        "{trend}"
    );
    assert!(trend["p"].as_f64().is_some_and(|p| p > 0.0 && p <= 1.0));
    let report = read(&st.join("results/report.html"));
    assert!(
        report.contains("trend over doses (planned; scores VEH 0, IMI15 15, IMI30 30)"),
        "{report}"
    );
}

#[test]
fn a_trend_list_that_mixes_compounds_or_repeats_a_dose_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (list, message) in [
        (
            "[\"VEH\", \"IMI15\", \"AMI10\"]",
            "the trend mixes compounds: `IMI15` is imipramine hydrochloride, `AMI10` is amitriptyline hydrochloride",
        ),
        (
            "[\"VEH\", \"IMI30\", \"IMI15\"]",
            "group `IMI15` (15) comes after `IMI30` (30): the groups are not in increasing dose",
        ),
        (
            "[\"VEH\", \"IMI15\", \"IMI15\"]",
            "group `IMI15` is listed twice",
        ),
        ("[\"VEH\", \"IMI15\"]", "a trend needs at least 3 groups, found 2"),
        (
            "[\"IMI15\", \"IMI30\", \"VEH\"]",
            "group `VEH` (0) comes after `IMI30` (30)",
        ),
        ("[\"VEH\", \"IMI15\", \"NOPE\"]", "names group `NOPE`, which is not defined"),
    ] {
        let text = four_groups(&format!("trend_groups = {list}\n"));
        let path = tmp.path().join("bad.toml");
        std::fs::write(&path, &text).unwrap();
        let out = preclin()
            .args(["protocol", "check"])
            .arg(&path)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains(message), "{list}: {err}");
        let (line, _) = position_of(&text, "trend_groups");
        assert!(err.contains(&format!("bad.toml:{line}:")), "{list}: {err}");
    }
}
