//! `preclin template` and `preclin demo`: pinned output, byte-identical for the same seed,
//! balanced allocation, no overwriting, and a workbook that matches the CSV files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::common::{csv_rows, preclin, read, tree};

fn template(protocol: &str, seed: &str, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    preclin()
        .args(["template", protocol, "--seed", seed, "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

#[test]
fn fst_mouse_template_is_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("study");
    template("fst-mouse", "42", &out, &[]).success();
    insta::assert_snapshot!(
        "fst_mouse_allocation_key",
        read(&out.join("key/allocation-key.csv"))
    );
    insta::assert_snapshot!(
        "fst_mouse_scoring_csv",
        read(&out.join("sheets/scoring.csv"))
    );
    insta::assert_snapshot!(
        "fst_mouse_run_order",
        read(&out.join("sheets/run-order.txt"))
    );
    insta::assert_snapshot!(
        "fst_mouse_dosing_sheet",
        read(&out.join("dosing/dosing-sheet.csv"))
    );
    insta::assert_snapshot!("fst_mouse_columns", read(&out.join("sheets/columns.csv")));
    let files: Vec<String> = tree(&out).keys().map(|p| p.display().to_string()).collect();
    insta::assert_snapshot!("fst_mouse_files", files.join("\n"));
}

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let dir = tempfile::tempdir().unwrap();
    for protocol in ["fst-imipramine-zinc", "cms-cyp-rat"] {
        let (a, b, c) = (
            dir.path().join(format!("{protocol}-a")),
            dir.path().join(format!("{protocol}-b")),
            dir.path().join(format!("{protocol}-c")),
        );
        template(protocol, "7", &a, &[]).success();
        template(protocol, "7", &b, &[]).success();
        template(protocol, "8", &c, &[]).success();
        let (ta, tb, tc) = (tree(&a), tree(&b), tree(&c));
        assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
        for (path, bytes) in &ta {
            assert!(
                bytes == &tb[path],
                "{protocol}: {} differs between two runs with seed 7",
                path.display()
            );
        }
        let key = Path::new("key/allocation-key.csv");
        assert_ne!(
            ta[key], tc[key],
            "{protocol}: seeds 7 and 8 gave the same allocation"
        );
    }
}

/// Group of every animal from the allocation key, with cage and batch.
fn key_rows(dir: &Path) -> Vec<BTreeMap<String, String>> {
    let rows = csv_rows(&dir.join("key/allocation-key.csv"));
    let header = &rows[0];
    rows[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn count_by(
    rows: &[BTreeMap<String, String>],
    key: &str,
) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in rows {
        *out.entry(r[key].clone())
            .or_default()
            .entry(r["group"].clone())
            .or_default() += 1;
    }
    out
}

#[test]
fn allocation_is_balanced_overall_and_within_cages_and_batches() {
    let dir = tempfile::tempdir().unwrap();
    for seed in ["1", "2", "3"] {
        // 4 groups, 4 mice per cage: every cage holds one mouse of each group.
        let out = dir.path().join(format!("zinc-{seed}"));
        template("fst-imipramine-zinc", seed, &out, &["--n-per-group", "6"]).success();
        let rows = key_rows(&out);
        assert_eq!(rows.len(), 24);
        let mut per_group: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &rows {
            *per_group.entry(r["group"].as_str()).or_default() += 1;
        }
        assert_eq!(
            per_group.values().copied().collect::<Vec<_>>(),
            vec![6, 6, 6, 6]
        );
        for (cage, groups) in count_by(&rows, "cage") {
            assert_eq!(groups.len(), 4, "cage {cage} lacks a group: {groups:?}");
            assert!(groups.values().all(|&n| n == 1), "cage {cage}: {groups:?}");
        }
        // Blocking by batch (8 per batch): two of each group per batch.
        let out = dir.path().join(format!("zinc-batch-{seed}"));
        template("fst-imipramine-zinc", seed, &out, &["--block-by", "batch"]).success();
        for (batch, groups) in count_by(&key_rows(&out), "batch") {
            assert!(
                groups.values().all(|&n| n == 2) && groups.len() == 4,
                "batch {batch}: {groups:?}"
            );
        }
    }
}

#[test]
fn blind_codes_are_unique_and_reveal_no_group() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    template("fst-mouse", "11", &out, &[]).success();
    let rows = key_rows(&out);
    let codes: BTreeSet<&str> = rows.iter().map(|r| r["blind_code"].as_str()).collect();
    assert_eq!(codes.len(), rows.len());
    // The scorer's sheet carries codes but no group, factor level or solution letter.
    let scoring = read(&out.join("sheets/scoring.csv"));
    for word in ["VEH", "IMI30", "vehicle", "imipramine", "solution"] {
        assert!(!scoring.contains(word), "scoring sheet reveals `{word}`");
    }
    let scoring_codes: BTreeSet<String> = csv_rows(&out.join("sheets/scoring.csv"))[1..]
        .iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(scoring_codes, codes.iter().map(|c| c.to_string()).collect());
}

#[test]
fn existing_study_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    template("fst-mouse", "1", &out, &[]).success();
    // The scientist has started filling the sheet.
    let sheet = out.join("sheets/scoring.csv");
    let filled = read(&sheet).replacen(",,,,,,,,", ",2026-01-12,27.1,24,131.5,48,no,,", 1);
    std::fs::write(&sheet, &filled).unwrap();
    let notes = out.join("my-notes.txt");
    std::fs::write(&notes, "cage 3 water bottle leaked").unwrap();

    let refused = template("fst-mouse", "2", &out, &[]).code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(
        stderr.contains("already exists and is not empty; nothing was written"),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(read(&sheet), filled);

    template("fst-mouse", "2", &out, &["--force"]).success();
    assert_ne!(read(&sheet), filled, "--force replaces preclin's files");
    assert_eq!(
        read(&notes),
        "cage 3 water bottle leaked",
        "--force leaves other files alone"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no staging folder left behind: {leftovers:?}"
    );
}

#[test]
fn refused_requests_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    // fst-mouse has no batch size, so it cannot be blocked by batch.
    let a = template("fst-mouse", "1", &out, &["--block-by", "batch"]).code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("batch_size"));
    let b = template("fst-mouse", "1", &out, &["--n-per-group", "1"]).code(2);
    assert!(String::from_utf8_lossy(&b.get_output().stderr).contains("at least 2"));
    let c = template("fst-mouse", "1", &out, &["--n-per-group", "5000"]).code(2);
    assert!(String::from_utf8_lossy(&c.get_output().stderr).contains("more than the 1000"));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn seed_is_drawn_and_recorded_when_not_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let run = preclin()
        .args(["template", "fst-mouse", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(
        stdout.contains("(drawn; recorded in study.toml)"),
        "{stdout}"
    );
    let study: toml::Table = toml::from_str(&read(&out.join("study.toml"))).unwrap();
    let seed = study["study"]["seed"].as_integer().unwrap();
    assert!(stdout.contains(&format!("seed {seed} ")), "{stdout}");
    // The recorded seed recreates the same study.
    let again = dir.path().join("again");
    template("fst-mouse", &seed.to_string(), &again, &[]).success();
    assert_eq!(tree(&out), tree(&again));
}

#[test]
fn study_toml_holds_a_valid_resolved_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    template(
        "fst-rat-modified",
        "5",
        &out,
        &["--n-per-group", "4", "--block-by", "batch"],
    )
    .success();
    let study: toml::Table = toml::from_str(&read(&out.join("study.toml"))).unwrap();
    assert_eq!(study["study"]["seed"].as_integer(), Some(5));
    assert_eq!(study["study"]["animals"].as_integer(), Some(12));
    let protocol = toml::to_string(&study["protocol"]).unwrap();
    let p = preclin::protocol::parse_protocol("study.toml", &protocol)
        .expect("resolved protocol validates");
    assert_eq!(p.design.n_per_group, 4);
    assert_eq!(
        p.randomisation.block_by,
        Some(preclin::protocol::BlockBy::Batch)
    );
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

#[test]
fn workbook_matches_the_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    for protocol in [
        "fst-mouse",
        "fst-imipramine-zinc",
        "fst-rat-modified",
        "cms-cyp-rat",
    ] {
        let out = dir.path().join(protocol);
        template(protocol, "3", &out, &[]).success();
        let mut wb: Xlsx<_> = open_workbook(out.join("sheets/capture.xlsx")).unwrap();
        let names = wb.sheet_names().to_vec();
        let csvs: Vec<PathBuf> = std::fs::read_dir(out.join("sheets"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .filter(|p| !p.ends_with("run-order.csv"))
            .collect();
        assert!(!csvs.is_empty());
        for csv_path in csvs {
            let name = csv_path.file_stem().unwrap().to_string_lossy().to_string();
            assert!(
                names.contains(&name),
                "{protocol}: no worksheet `{name}` in {names:?}"
            );
            let range = wb.worksheet_range(&name).unwrap();
            let sheet: Vec<Vec<String>> = range
                .rows()
                .map(|r| r.iter().map(cell_text).collect())
                .collect();
            let expected = csv_rows(&csv_path);
            let width = expected[0].len();
            let sheet: Vec<Vec<String>> = sheet
                .into_iter()
                .map(|mut r| {
                    r.resize(width, String::new());
                    r
                })
                .filter(|r| r.iter().any(|c| !c.is_empty()))
                .collect();
            assert_eq!(
                sheet, expected,
                "{protocol}: worksheet `{name}` differs from its CSV"
            );
        }
    }
}

#[test]
fn cms_study_has_every_assay_sheet_and_a_stressor_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cms");
    template("cms-cyp-rat", "9", &out, &[]).success();
    for sheet in [
        "animals",
        "weekly",
        "hplc-standards",
        "hplc-samples",
        "protein-assay",
        "qpcr",
        "western-blot",
    ] {
        assert!(out.join(format!("sheets/{sheet}.csv")).is_file(), "{sheet}");
    }
    let weekly = csv_rows(&out.join("sheets/weekly.csv"));
    assert_eq!(weekly.len(), 1 + 40 * 8, "40 rats × weeks 0–7");
    let calendar = csv_rows(&out.join("stressor-calendar.csv"));
    assert_eq!(calendar.len(), 1 + 7 * 14);
    let week3_tilts = calendar
        .iter()
        .filter(|r| r[0] == "3" && r[4] == "45° cage tilt")
        .count();
    assert_eq!(week3_tilts, 2);
    assert!(calendar[1..]
        .iter()
        .all(|r| (r[6] == "yes") == (r[0].parse::<u32>().unwrap() >= 3)));
    let study = read(&out.join("study.toml"));
    assert!(
        study.contains("randomisation = \"blocked by batch\""),
        "{study}"
    );
}

#[test]
fn demo_builds_a_study() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let run = preclin()
        .args(["demo", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(stdout.contains("seed 20261121"), "{stdout}");
    assert!(out.join("fst-mouse/sheets/capture.xlsx").is_file());
    assert!(out
        .join("fst-imipramine-zinc/results/report.html")
        .is_file());
}

#[test]
fn invalid_protocol_is_reported_once_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = dir.path().join("mine.toml");
    let text = crate::common::builtin_text("fst-mouse").replacen(
        "window_end_s = 360",
        "window_end_s = 420",
        1,
    );
    std::fs::write(&protocol, text).unwrap();
    let out = dir.path().join("s");
    let run = preclin()
        .arg("template")
        .arg(&protocol)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(
        stderr.starts_with("error: the scoring window ends at 420 s"),
        "{stderr}"
    );
    assert!(!stderr.contains("error: error:"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn demo_uses_the_built_in_protocol_whatever_the_working_directory_holds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fst-mouse.toml"),
        "id = \"not a protocol\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("protocols")).unwrap();
    std::fs::write(dir.path().join("protocols/fst-mouse.toml"), "broken").unwrap();
    preclin()
        .current_dir(dir.path())
        .args(["demo", "--out", "d"])
        .assert()
        .success();
    assert!(dir.path().join("d/fst-mouse/study.toml").is_file());
}
