//! `preclin analyze` on a chronic mild stress / CYP study: the simulated sample study end
//! to end (the deliberate problems of sample_data/README.md found and reported), the qPCR
//! capture sheet and the instrument exports giving the same numbers, bad input (exit 2,
//! file, row and column named, no results written) and determinism.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{
    analyze_fails, analyze_ok, csv_rows, preclin, read, rel, report_text, root, write_workbook,
};

const SHEETS: [(&str, &str); 9] = [
    ("animals.csv", "sheets/animals.csv"),
    ("weekly.csv", "sheets/weekly.csv"),
    ("hplc-standards.csv", "sheets/hplc-standards.csv"),
    ("hplc-samples.csv", "sheets/hplc-samples.csv"),
    ("protein-assay.csv", "sheets/protein-assay.csv"),
    ("western-blot.csv", "sheets/western-blot.csv"),
    ("qpcr-capture-plate3.csv", "sheets/qpcr.csv"),
    (
        "qpcr-quantstudio.txt",
        "sheets/qpcr-exports/qpcr-quantstudio.txt",
    ),
    ("qpcr-cfx.csv", "sheets/qpcr-exports/qpcr-cfx.csv"),
];

/// The sample CMS study laid out as `preclin demo` does: the template with the demo seed,
/// the filled sheets, plate 3 of the qPCR in the capture sheet and plates 1 and 2 as
/// instrument exports.
pub fn cms_study(dir: &Path) -> PathBuf {
    cms_study_of(dir, "cms-cyp-rat")
}

/// As [`cms_study`], templated from `protocol` (an id or a path to a variant of it).
pub fn cms_study_of(dir: &Path, protocol: &str) -> PathBuf {
    let study = dir.join("cms-cyp-rat");
    preclin()
        .args(["template", protocol, "--seed", "20261121", "--out"])
        .arg(&study)
        .assert()
        .success();
    std::fs::create_dir_all(study.join("sheets/qpcr-exports")).unwrap();
    for (from, to) in SHEETS {
        std::fs::copy(
            root().join("sample_data/cms-cyp-rat").join(from),
            study.join(to),
        )
        .unwrap();
    }
    study
}

fn endpoint<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no endpoint {name}"))
}

/// The Type III term of an endpoint's two-way ANOVA.
fn term<'a>(e: &'a Value, name: &str) -> &'a Value {
    e["result"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == name)
        .unwrap_or_else(|| panic!("no term {name}"))
}

#[test]
fn sample_study_finds_every_planted_problem_and_analyses_every_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let study = cms_study(dir.path());
    let r = analyze_ok(&study);

    // The animal excluded on the sheet is out of every group count.
    assert_eq!(r["exclusions"][0]["blind_code"], "CE7V");
    assert_eq!(r["exclusions"][0]["row"], 19);
    let analysed: u64 = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["analysed"].as_u64().unwrap())
        .sum();
    assert_eq!(analysed, 39);

    // HPLC: nine curves, all accepted; the one failing standard is named with its error.
    let cals = r["assays"]["hplc"]["calibrations"].as_array().unwrap();
    assert_eq!(cals.len(), 9);
    assert!(cals.iter().all(|c| c["acceptance"]["accepted"] == true));
    let failing: Vec<&Value> = cals
        .iter()
        .flat_map(|c| c["acceptance"]["failing"].as_array().unwrap())
        .collect();
    assert_eq!(failing.len(), 1);
    assert_eq!(failing[0]["level"], 3);
    let czx = cals.iter().find(|c| c["run"] == "CZX-1").unwrap();
    assert_eq!(czx["acceptance"]["passing"], 6);
    assert_eq!(czx["acceptance"]["non_zero_standards"], 7);
    let re = failing[0]["relative_error_pct"].as_f64().unwrap();
    assert!((23.0..25.0).contains(&re), "{re}");
    // Blanks are shown but not fitted: seven standards in each fit, one blank beside.
    assert_eq!(czx["fit"]["standards"].as_array().unwrap().len(), 7);
    assert_eq!(czx["blanks"].as_array().unwrap().len(), 1);
    assert_eq!(czx["lloq_um"], 1.0);
    // The one incubation below the LLOQ (the lowest accepted standard) is flagged and kept.
    let below: Vec<&Value> = r["assays"]["hplc"]["flagged_samples"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["no_nadph_blank"] == false)
        .collect();
    assert_eq!(below.len(), 1);
    assert_eq!(below[0]["blind_code"], "CF7N");
    assert_eq!(below[0]["flags"][0], "below LLOQ");
    let e = endpoint(&r, "activity_16b_hydroxytestosterone");
    assert_eq!(e["flags"][0]["blind_code"], "CF7N");
    let n: u64 = e["result"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 39, "the flagged value stays in the analysis");

    // qPCR: three files, the undetermined well left out, the high-SD pair flagged, geNorm M
    // for both reference genes.
    let q = &r["assays"]["qpcr"];
    assert_eq!(q["files"].as_array().unwrap().len(), 3);
    assert_eq!(q["handled_wells"].as_array().unwrap().len(), 1);
    assert_eq!(q["handled_wells"][0]["well"], "I24");
    assert_eq!(q["handled_wells"][0]["sample"], "CPKY");
    assert!(q["handled_wells"][0]["cq"].is_null());
    assert_eq!(q["high_sd_replicates"][0]["sample"], "C694");
    assert_eq!(q["high_sd_replicates"][0]["target"], "Cyp2d2");
    assert_eq!(q["reference_stability_m"].as_array().unwrap().len(), 2);

    // Every measure: 9 activities, 6 mRNAs, 3 proteins, microsomal protein, 3 last-week.
    let names: Vec<&str> = r["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 22, "{names:?}");
    assert_eq!(names[0], "activity_paraxanthine");
    assert!(names.contains(&"mrna_delta_cq_cyp2c11"));
    assert!(names.contains(&"protein_pct_of_control_cyp3a"));
    assert!(names.contains(&"sucrose_preference_pct_week7"));
    // Each is a stress × drug Type III ANOVA with Tukey on the cells.
    for e in r["endpoints"].as_array().unwrap() {
        assert_eq!(e["design"], "factorial", "{}", e["name"]);
        assert_eq!(e["result"]["ss_type"], 3);
        assert_eq!(e["result"]["terms"].as_array().unwrap().len(), 4);
        assert_eq!(e["result"]["posthoc"]["method"], "tukey");
        assert_eq!(
            e["result"]["posthoc"]["comparisons"]
                .as_array()
                .unwrap()
                .len(),
            6
        );
    }
    // The simulated effects come out: CMS lowers CYP2C11 activity and sucrose intake, and
    // imipramine restores the intake of stressed rats by week 7 (an interaction).
    let cyp2c11 = endpoint(&r, "activity_16a_hydroxytestosterone");
    assert!(term(cyp2c11, "stress")["p"].as_f64().unwrap() < 0.001);
    let sucrose = endpoint(&r, "sucrose_intake_g_week7");
    assert!(term(sucrose, "stress:drug")["p"].as_f64().unwrap() < 0.001);

    // Weekly measures over all weeks: group × week with 39 animals and 8 weeks.
    let weekly = r["weekly"].as_array().unwrap();
    assert_eq!(weekly.len(), 3);
    for w in weekly {
        assert_eq!(w["weeks"].as_array().unwrap().len(), 8);
        assert_eq!(w["anova"]["subjects"], 39);
    }

    // Step tables and figures.
    for f in [
        "steps/hplc-curves.csv",
        "steps/hplc-standards.csv",
        "steps/hplc-samples.csv",
        "steps/protein-assay.csv",
        "steps/qpcr-replicates.csv",
        "steps/qpcr-expression.csv",
        "steps/qpcr-groups.csv",
        "steps/western-lanes.csv",
        "steps/weekly.csv",
        "animals.csv",
        "summary.csv",
        "figures/calibration-czx_1-6_hydroxychlorzoxazone.svg",
        "figures/summary-activity.svg",
        "figures/summary-activity-two-column.png",
        "figures/weekly-sucrose_intake_g.svg",
        "figures/mrna_delta_cq_cyp2c11.png",
    ] {
        assert!(study.join("results").join(f).exists(), "{f} missing");
    }
    let samples = csv_rows(&study.join("results/steps/hplc-samples.csv"));
    let cf7n = samples
        .iter()
        .find(|row| row[2] == "CF7N" && row[4] == "16β-hydroxytestosterone" && row[5] == "no")
        .unwrap();
    assert_eq!(
        cf7n[0], "133",
        "the sheet row is carried into the step table"
    );
    assert_eq!(cf7n[14], "below LLOQ");

    // The report: the stressor calendar, the failing standard and the undetermined well.
    let html = read(&study.join("results/report.html"));
    assert!(html.contains("Stress regimen") && html.contains("45° cage tilt"));
    assert!(html.contains("Standards outside their limits"));
    assert!(html.contains("Undetermined"));
    assert_eq!(html.matches("<figure>").count(), 9 + 3 + 22 + 3);
}

#[test]
fn the_capture_sheet_and_the_instrument_exports_give_the_same_expression() {
    let dir = tempfile::tempdir().unwrap();
    let exports = cms_study(&dir.path().join("a"));
    let sheet = cms_study(&dir.path().join("b"));
    std::fs::remove_dir_all(sheet.join("sheets/qpcr-exports")).unwrap();
    std::fs::copy(
        root().join("sample_data/cms-cyp-rat/qpcr.csv"),
        sheet.join("sheets/qpcr.csv"),
    )
    .unwrap();
    let (a, b) = (analyze_ok(&exports), analyze_ok(&sheet));
    assert_eq!(b["assays"]["qpcr"]["files"].as_array().unwrap().len(), 1);
    for gene in ["cyp1a2", "cyp2c6", "cyp2c11", "cyp2d2", "cyp2e1", "cyp3a1"] {
        let name = format!("mrna_delta_cq_{gene}");
        let (x, y) = (endpoint(&a, &name), endpoint(&b, &name));
        for t in ["stress", "drug", "stress:drug"] {
            let (fx, fy) = (
                term(x, t)["F"].as_f64().unwrap(),
                term(y, t)["F"].as_f64().unwrap(),
            );
            assert!(rel(fx, fy) < 1e-12, "{name} {t}: {fx} vs {fy}");
        }
    }
    assert_eq!(
        a["assays"]["qpcr"]["groups"], b["assays"]["qpcr"]["groups"],
        "fold changes and their intervals"
    );
}

#[test]
fn the_same_study_gives_byte_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let study = cms_study(dir.path());
    preclin().arg("analyze").arg(&study).assert().success();
    let again = dir.path().join("again");
    preclin()
        .arg("analyze")
        .arg(&study)
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    let mut files = Vec::new();
    for entry in walk(&study.join("results")) {
        let rel_path = entry
            .strip_prefix(study.join("results"))
            .unwrap()
            .to_path_buf();
        assert_eq!(
            std::fs::read(&entry).unwrap(),
            std::fs::read(again.join(&rel_path)).unwrap(),
            "{} differs",
            rel_path.display()
        );
        files.push(rel_path);
    }
    assert!(files.len() > 50);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Replaces the cell of `column` on spreadsheet row `row` (header = row 1) of a sheet.
fn set_cell(path: &Path, row: usize, column: &str, value: &str) {
    let mut rows = csv_rows(path);
    let c = rows[0].iter().position(|h| h == column).unwrap();
    rows[row - 1][c] = value.to_string();
    write_rows(path, &rows);
}

fn write_rows(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// Keeps the rows (header always) for which `keep` is true.
fn keep_rows(path: &Path, keep: impl Fn(&[String]) -> bool) {
    let rows = csv_rows(path);
    let kept: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| *i == 0 || keep(r))
        .map(|(_, r)| r.clone())
        .collect();
    write_rows(path, &kept);
}

/// The error names the file, the row and the column, and says what is wrong.
fn assert_located(err: &str, file: &str, row: usize, column: &str, what: &str) {
    assert!(
        err.contains(&format!("{file}, row {row}, column `{column}`")),
        "location missing in: {err}"
    );
    assert!(err.contains(what), "`{what}` missing in: {err}");
    assert!(err.contains("help:"), "no hint in: {err}");
}

#[test]
fn bad_assay_sheets_are_refused_at_their_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = |name: &str| cms_study(&dir.path().join(name));

    // An unknown blind code.
    let s = fresh("code");
    set_cell(&s.join("sheets/hplc-samples.csv"), 5, "blind_code", "CXXX");
    let err = analyze_fails(&s);
    assert_located(
        &err,
        "hplc-samples.csv",
        5,
        "blind_code",
        "not a blind code",
    );

    // An analyte with no standards.
    let s = fresh("standards");
    keep_rows(&s.join("sheets/hplc-standards.csv"), |r| {
        r[1] != "paraxanthine"
    });
    let err = analyze_fails(&s);
    assert_located(
        &err,
        "hplc-samples.csv",
        2,
        "metabolite",
        "has no standards in run CAF-1",
    );

    // A standard curve that is not monotonic (levels 4 and 5 of paraxanthine swapped).
    let s = fresh("monotonic");
    let path = s.join("sheets/hplc-standards.csv");
    let rows = csv_rows(&path);
    let (a, b) = (rows[5][4].clone(), rows[6][4].clone());
    set_cell(&path, 6, "peak_area", &b);
    set_cell(&path, 7, "peak_area", &a);
    let err = analyze_fails(&s);
    assert!(
        err.contains("hplc-standards.csv, row 7, column `peak_area`"),
        "{err}"
    );
    assert!(err.contains("not monotonic"), "{err}");

    // A negative concentration.
    let s = fresh("negative");
    set_cell(
        &s.join("sheets/hplc-standards.csv"),
        3,
        "nominal_um",
        "-0.1",
    );
    let err = analyze_fails(&s);
    assert_located(&err, "hplc-standards.csv", 3, "nominal_um", "is negative");

    // Protein of zero in an incubation.
    let s = fresh("protein");
    set_cell(
        &s.join("sheets/hplc-samples.csv"),
        2,
        "protein_mg_per_ml",
        "0",
    );
    let err = analyze_fails(&s);
    assert_located(
        &err,
        "hplc-samples.csv",
        2,
        "protein_mg_per_ml",
        "greater than 0",
    );

    // A target measured without any reference gene for its animal (CPFA on plate 3, and
    // the reference genes of CPFA removed from the two exported plates too).
    let s = fresh("reference");
    keep_rows(&s.join("sheets/qpcr.csv"), |r| {
        !(r[2] == "CPFA" && (r[3] == "Actb" || r[3] == "Gapdh"))
    });
    std::fs::remove_dir_all(s.join("sheets/qpcr-exports")).unwrap();
    let err = analyze_fails(&s);
    assert!(err.contains("sheets/qpcr.csv, row "), "{err}");
    assert!(
        err.contains("none of the reference genes Actb, Gapdh"),
        "{err}"
    );

    // A blot without any lane of the control group.
    let s = fresh("blot");
    let key = csv_rows(&s.join("key/allocation-key.csv"));
    let controls: Vec<String> = key
        .iter()
        .filter(|r| r[1] == "CON-VEH")
        .map(|r| r[0].clone())
        .collect();
    keep_rows(&s.join("sheets/western-blot.csv"), |r| {
        !(r[0] == "WB-2C6-1" && controls.contains(&r[2]))
    });
    let err = analyze_fails(&s);
    assert!(
        err.contains("western-blot.csv, row 2, column `blind_code`"),
        "{err}"
    );
    assert!(
        err.contains("no lane of the control group CON-VEH"),
        "{err}"
    );

    // A week typed twice for one animal.
    let s = fresh("week");
    set_cell(&s.join("sheets/weekly.csv"), 3, "week", "0");
    let err = analyze_fails(&s);
    assert_located(&err, "weekly.csv", 3, "week", "repeats week 0");

    // A logistic curve asked of BCA standards that lie on a straight line.
    let s = fresh("4pl");
    let toml = s.join("study.toml");
    let method = "method = \"BCA, bovine serum albumin standards\"";
    let text = read(&toml).replacen(method, &format!("{method}\ncurve = \"4pl\""), 1);
    std::fs::write(&toml, text).unwrap();
    let err = analyze_fails(&s);
    assert!(
        err.contains("protein-assay.csv: protein plate BCA-1")
            && err.contains("no convergence")
            && err.contains("set curve = \"linear\""),
        "{err}"
    );
}

#[test]
fn an_excluded_animal_needs_a_reason_and_a_study_without_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = cms_study(&dir.path().join("reason"));
    set_cell(&s.join("sheets/animals.csv"), 19, "exclusion_reason", "");
    let err = analyze_fails(&s);
    assert_located(
        &err,
        "animals.csv",
        19,
        "exclusion_reason",
        "empty for an excluded animal",
    );

    let empty = dir.path().join("empty");
    preclin()
        .args(["template", "cms-cyp-rat", "--seed", "1", "--out"])
        .arg(&empty)
        .assert()
        .success();
    let err = analyze_fails(&empty);
    assert!(err.contains("no assay data entered yet"), "{err}");
}

/// Rows of an R fixture (tests/fixtures/r/cms-sample.R), header first.
fn fixture(name: &str) -> Vec<Vec<String>> {
    csv_rows(&root().join("tests/fixtures/r").join(name))
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("`{s}` is not a number"))
}

#[test]
fn sample_study_agrees_with_an_independent_calculation_in_r() {
    let dir = tempfile::tempdir().unwrap();
    let study = cms_study(dir.path());
    let r = analyze_ok(&study);
    let steps = study.join("results/steps");
    let mut worst = 0.0f64;
    let mut check = |a: f64, e: f64, what: &str, tol: f64| {
        let d = rel(a, e);
        worst = worst.max(d);
        assert!(d < tol, "{what}: preclin {a}, R {e}");
    };

    // Calibration curves: the weighting chosen, intercept, slope and LOQ.
    let curves = csv_rows(&steps.join("hplc-curves.csv"));
    let fix = fixture("cms-sample-curves.csv");
    assert_eq!(curves.len(), fix.len());
    for f in &fix[1..] {
        let c = curves
            .iter()
            .find(|c| c[0] == f[0] && c[1] == f[1])
            .unwrap_or_else(|| panic!("no curve {} {}", f[0], f[1]));
        let col = |name: &str| &c[curves[0].iter().position(|h| h == name).unwrap()];
        assert_eq!(col("weighting"), &f[2], "weighting of {} {}", f[0], f[1]);
        check(num(col("intercept")), num(&f[3]), "intercept", 1e-9);
        check(num(col("slope")), num(&f[4]), "slope", 1e-12);
        check(num(col("loq_um")), num(&f[5]), "LOQ", 1e-9);
        check(
            num(col("residual_sd_unweighted")),
            num(&f[8]),
            "residual SD",
            1e-9,
        );
    }

    // Activity of every animal and metabolite.
    let samples = csv_rows(&steps.join("hplc-samples.csv"));
    let fix = fixture("cms-sample-activity.csv");
    assert_eq!(fix.len() - 1, 351);
    for f in &fix[1..] {
        let s = samples
            .iter()
            .find(|s| s[2] == f[0] && s[4] == f[2] && s[5] == "no")
            .unwrap_or_else(|| panic!("no incubation {} {}", f[0], f[2]));
        check(num(&s[13]), num(&f[3]), "activity", 1e-10);
    }

    // ΔCq of every animal and target; the group mean ΔΔCq (absolute: 0 for the control).
    let expression = csv_rows(&steps.join("qpcr-expression.csv"));
    let groups = csv_rows(&steps.join("qpcr-groups.csv"));
    let fix = fixture("cms-sample-qpcr.csv");
    for f in &fix[1..] {
        if f[0] == "animal" {
            let e = expression
                .iter()
                .find(|e| e[0] == f[2] && e[2] == f[1])
                .unwrap_or_else(|| panic!("no ΔCq {} {}", f[2], f[1]));
            check(num(&e[5]), num(&f[7]), "ΔCq", 1e-12);
        } else {
            let g = groups
                .iter()
                .find(|g| g[0] == f[1] && g[1] == f[3])
                .unwrap_or_else(|| panic!("no group {} {}", f[1], f[3]));
            assert_eq!(g[2], f[4], "n of {} {}", f[1], f[3]);
            let d = (num(&g[5]) - num(&f[8])).abs();
            assert!(d < 1e-12, "mean ΔΔCq {} {}: {d}", f[1], f[3]);
        }
    }

    // The stress × drug ANOVA of every endpoint, and the group means and n.
    let fix = fixture("cms-sample-anova.csv");
    let ids = ["CON-VEH", "CON-IMI", "CMS-VEH", "CMS-IMI"];
    let cell_of = |id: &str| match id {
        "CON-VEH" => "control:vehicle",
        "CON-IMI" => "control:imipramine",
        "CMS-VEH" => "CMS:vehicle",
        _ => "CMS:imipramine",
    };
    let mut endpoints = std::collections::BTreeSet::new();
    for f in &fix[1..] {
        let e = endpoint(&r, &f[0]);
        endpoints.insert(f[0].clone());
        if let Some(id) = f[1].strip_prefix("mean:") {
            assert!(ids.contains(&id));
            let cell = e["result"]["cells"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["cell"] == cell_of(id))
                .unwrap();
            assert_eq!(cell["n"].as_u64().unwrap(), num(&f[5]) as u64);
            check(
                cell["mean"].as_f64().unwrap(),
                num(&f[6]),
                "group mean",
                1e-12,
            );
        } else if f[1] != "Residuals" {
            let t = term(e, &f[1]);
            check(t["F"].as_f64().unwrap(), num(&f[3]), "F", 1e-9);
            check(t["p"].as_f64().unwrap(), num(&f[4]), "p", 1e-9);
        } else {
            assert_eq!(e["result"]["terms"][3]["df"].as_f64().unwrap(), num(&f[2]));
        }
    }
    assert_eq!(endpoints.len(), 22);
    eprintln!("worst relative difference from R: {worst:.1e}");
}

#[test]
fn report_text_of_the_sample_study() {
    let dir = tempfile::tempdir().unwrap();
    let study = cms_study(dir.path());
    analyze_ok(&study);
    let html = read(&study.join("results/report.html"));
    // Self-contained: no external resource is referenced (the SVG namespace URI is a name,
    // not a request).
    for needle in ["<link", "<script", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(needle), "external reference: {needle}");
    }
    insta::assert_snapshot!(report_text(&html));
}

#[test]
fn sheets_typed_into_the_workbook_are_analysed_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let by_csv = analyze_ok(&cms_study(&dir.path().join("csv")));
    // The weekly and Western blot sheets typed into capture.xlsx; their CSVs left empty.
    let study = cms_study(&dir.path().join("xlsx"));
    let sheets: Vec<(&str, Vec<Vec<String>>)> = ["weekly", "western-blot"]
        .into_iter()
        .map(|name| {
            let path = study.join(format!("sheets/{name}.csv"));
            let rows = csv_rows(&path);
            std::fs::write(&path, format!("{}\r\n", rows[0].join(","))).unwrap();
            (name, rows)
        })
        .collect();
    let save_workbook = |sheets: &[(&str, Vec<Vec<String>>)]| {
        write_workbook(&study.join("sheets/capture.xlsx"), sheets)
    };
    save_workbook(&sheets);
    let by_xlsx = analyze_ok(&study);
    let inputs: Vec<&str> = by_xlsx["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(inputs.contains(&"sheets/capture.xlsx"), "{inputs:?}");
    assert!(!inputs.contains(&"sheets/weekly.csv"), "{inputs:?}");
    assert_eq!(by_xlsx["weekly"], by_csv["weekly"]);
    for name in [
        "protein_pct_of_control_cyp2c11",
        "body_weight_g_week7",
        "sucrose_preference_pct_week7",
    ] {
        assert_eq!(endpoint(&by_xlsx, name), endpoint(&by_csv, name), "{name}");
    }

    // A bad cell of a worksheet is named by the workbook, the worksheet, the row and the
    // column: spreadsheet row 4 of western-blot holds a negative band density.
    let mut bad = sheets.clone();
    let column = bad[1].1[0]
        .iter()
        .position(|c| c == "target_density")
        .unwrap();
    bad[1].1[3][column] = "-5".into();
    save_workbook(&bad);
    std::fs::remove_dir_all(study.join("results")).unwrap();
    let err = analyze_fails(&study);
    assert_located(
        &err,
        "capture.xlsx, sheet western-blot",
        4,
        "target_density",
        "-5",
    );
    assert!(!study.join("results").exists());
}

#[test]
fn the_protocol_decides_undetermined_wells_and_efficiency_correction() {
    let dir = tempfile::tempdir().unwrap();
    let study = cms_study(dir.path());
    let toml = study.join("study.toml");
    let text = read(&toml).replacen(
        "reference_genes = [\"Actb\", \"Gapdh\"]",
        "reference_genes = [\"Actb\", \"Gapdh\"]\nundetermined_cq = 40\nefficiencies = { Actb = 2.0, Gapdh = 2.0, Cyp1a2 = 2.0, Cyp2c6 = 2.0, Cyp2c11 = 2.0, Cyp2d2 = 2.0, Cyp2e1 = 2.0, Cyp3a1 = 1.9 }",
        1,
    );
    assert_ne!(text, read(&toml), "the edit applied");
    std::fs::write(&toml, text).unwrap();
    let r = analyze_ok(&study);
    let q = &r["assays"]["qpcr"];
    assert_eq!(q["policy"]["undetermined"], 40.0);
    assert_eq!(q["handled_wells"][0]["used"], 40.0);
    // The undetermined well now counts at Cq 40: CPKY's Cyp1a2 mean is (24.441 + 40) / 2.
    let expression = csv_rows(&study.join("results/steps/qpcr-expression.csv"));
    let cpky = expression
        .iter()
        .find(|e| e[0] == "CPKY" && e[2] == "Cyp1a2")
        .unwrap();
    assert!(rel(cpky[3].parse().unwrap(), (24.441 + 40.0) / 2.0) < 1e-12);
    // With every E = 2, Pfaffl's ratio is 2^−ΔΔCq; with E = 1.9 for Cyp3a1 it is not.
    for g in q["groups"].as_array().unwrap() {
        let (pfaffl, fold) = (
            g["pfaffl_ratio"].as_f64().unwrap(),
            g["fold_change"].as_f64().unwrap(),
        );
        if g["target"] == "Cyp3a1" {
            if g["group"] != "CON-VEH" {
                assert!(rel(pfaffl, fold) > 1e-6, "{g}");
            }
        } else {
            assert!(rel(pfaffl, fold) < 1e-9, "{g}");
        }
    }
}

#[test]
fn a_run_that_fails_acceptance_is_reported_and_its_samples_are_not_quantified() {
    let dir = tempfile::tempdir().unwrap();
    let study = cms_study(dir.path());
    // Levels 2 and 5 of 6-hydroxychlorzoxazone 40 % and 35 % high (level 3 is 25 % high
    // already): the weighting that fits best leaves levels 2 and 5 outside their limits, so
    // 5 of 7 standards pass where 6 are needed.
    let path = study.join("sheets/hplc-standards.csv");
    set_cell(&path, 68, "peak_area", "80973");
    set_cell(&path, 71, "peak_area", "315660");
    let r = analyze_ok(&study);
    let czx = r["assays"]["hplc"]["calibrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["run"] == "CZX-1")
        .unwrap();
    assert_eq!(czx["acceptance"]["accepted"], false);
    let reasons = czx["acceptance"]["reasons"][0].as_str().unwrap();
    assert!(reasons.contains("at least 6 (75 %) needed"), "{reasons}");
    let levels: Vec<u64> = czx["acceptance"]["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["level"].as_u64().unwrap())
        .collect();
    assert_eq!(levels, [2, 5]);
    assert_eq!(czx["acceptance"]["passing"], 5);
    // Every incubation and blank of the run (39 animals) is listed, none quantified, and
    // the endpoint is left out; the other eight curves are untouched.
    let not_quantified = r["assays"]["hplc"]["not_quantified"].as_array().unwrap();
    assert_eq!(not_quantified.len(), 78);
    assert!(not_quantified
        .iter()
        .all(|n| n["metabolite"] == "6-hydroxychlorzoxazone"));
    assert!(r["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["name"] != "activity_6_hydroxychlorzoxazone"));
    assert_eq!(r["endpoints"].as_array().unwrap().len(), 21);
    assert_eq!(
        r["not_analysed"][0],
        "CYP2E1: chlorzoxazone 6-hydroxylation: no value in group CON-VEH, CON-IMI, CMS-VEH, CMS-IMI"
    );
    let html = read(&study.join("results/report.html"));
    assert!(html.contains("Not quantified"));
    let samples = csv_rows(&study.join("results/steps/hplc-samples.csv"));
    assert!(samples.iter().any(|s| s[4] == "6-hydroxychlorzoxazone"
        && s[14].starts_with("not quantified: run CZX-1 failed acceptance")));
}

#[test]
fn a_plate_read_twice_an_unreadable_protein_sample_and_an_empty_sucrose_test_are_located() {
    let dir = tempfile::tempdir().unwrap();

    // Plate 1 both in the capture sheet and as the QuantStudio export.
    let s = cms_study(&dir.path().join("twice"));
    let all = csv_rows(&root().join("sample_data/cms-cyp-rat/qpcr.csv"));
    let mut rows = csv_rows(&s.join("sheets/qpcr.csv"));
    rows.extend(all.iter().filter(|r| r[0] == "QS-1").cloned());
    write_rows(&s.join("sheets/qpcr.csv"), &rows);
    let err = analyze_fails(&s);
    assert!(
        err.contains("qpcr-quantstudio.txt: 319 of its 319 wells"),
        "{err}"
    );
    assert!(
        err.contains("are wells of sheets/qpcr.csv (row 322 first)"),
        "{err}"
    );
    assert!(err.contains("read twice"), "{err}");
    // One reference well with the same Cq on two plates laid out alike is no such thing.
    let s = cms_study(&dir.path().join("coincidence"));
    let mut rows = csv_rows(&s.join("sheets/qpcr.csv"));
    let plate1 = csv_rows(&root().join("sample_data/cms-cyp-rat/qpcr.csv"));
    let twin = plate1
        .iter()
        .find(|r| r[0] == "QS-1" && r[1] == rows[1][1] && r[2] == rows[1][2] && r[3] == rows[1][3])
        .unwrap();
    rows[1][4] = twin[4].clone();
    write_rows(&s.join("sheets/qpcr.csv"), &rows);
    analyze_ok(&s);
    // The same well twice in one file.
    let s = cms_study(&dir.path().join("well"));
    let mut rows = csv_rows(&s.join("sheets/qpcr.csv"));
    rows.push(rows[1].clone());
    write_rows(&s.join("sheets/qpcr.csv"), &rows);
    let err = analyze_fails(&s);
    assert_located(
        &err,
        "qpcr.csv",
        322,
        "well",
        "of plate `QS-2` is also on row 2",
    );

    // A protein sample far above the top standard (2000 µg/mL): named at its first well.
    let s = cms_study(&dir.path().join("protein"));
    set_cell(&s.join("sheets/protein-assay.csv"), 38, "absorbance", "4.5");
    set_cell(&s.join("sheets/protein-assay.csv"), 39, "absorbance", "4.5");
    let err = analyze_fails(&s);
    assert_located(&err, "protein-assay.csv", 38, "absorbance", "(sample CP9W)");
    assert!(err.contains("outside the standards"), "{err}");

    // A sucrose test in which the rat drank nothing from either bottle.
    let s = cms_study(&dir.path().join("sucrose"));
    set_cell(&s.join("sheets/weekly.csv"), 3, "sucrose_intake_g", "0");
    set_cell(&s.join("sheets/weekly.csv"), 3, "water_intake_g", "0");
    let err = analyze_fails(&s);
    assert_located(&err, "weekly.csv", 3, "sucrose_intake_g", "on this row");
}

#[test]
fn undetermined_typed_as_a_cq_in_the_capture_sheet_is_a_well_that_did_not_amplify() {
    let dir = tempfile::tempdir().unwrap();
    let s = cms_study(dir.path());
    let path = s.join("sheets/qpcr.csv");
    // Row 2 is Actb of CPFA on plate QS-2; its duplicate stays.
    set_cell(&path, 2, "cq", "Undetermined");
    let r = analyze_ok(&s);
    let handled = r["assays"]["qpcr"]["handled_wells"].as_array().unwrap();
    assert!(handled
        .iter()
        .any(|w| w["plate"] == "QS-2" && w["well"] == "A1" && w["cq"].is_null()));
    // "1" in `undetermined` reads as yes, as in every other yes/no column.
    let s = cms_study(&dir.path().join("flag"));
    let path = s.join("sheets/qpcr.csv");
    set_cell(&path, 2, "cq", "");
    set_cell(&path, 2, "undetermined", "1");
    let r = analyze_ok(&s);
    assert_eq!(
        r["assays"]["qpcr"]["handled_wells"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn incomplete_data_are_named_and_the_rest_is_still_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let s = cms_study(dir.path());
    // No week-5 sucrose test for any CON-VEH rat: the sucrose mixed ANOVA has no complete
    // animal in that group and is left out, named; body weight is still analysed.
    let key = csv_rows(&s.join("key/allocation-key.csv"));
    let con_veh: Vec<String> = key
        .iter()
        .filter(|r| r[1] == "CON-VEH")
        .map(|r| r[0].clone())
        .collect();
    let path = s.join("sheets/weekly.csv");
    let mut rows = csv_rows(&path);
    for r in rows.iter_mut().skip(1) {
        if con_veh.contains(&r[1]) && r[4] == "5" {
            r[6].clear();
            r[7].clear();
        }
    }
    write_rows(&path, &rows);
    // CPFA's no-NADPH blank of paraxanthine (row 3) is missing.
    keep_rows(&s.join("sheets/hplc-samples.csv"), |r| {
        !(r[1] == "CPFA" && r[2] == "paraxanthine" && r[9] == "yes")
    });
    // A second incubation of CXNV's paraxanthine: averaged, and said so.
    let path = s.join("sheets/hplc-samples.csv");
    let mut rows = csv_rows(&path);
    let mut again = rows
        .iter()
        .find(|r| r[1] == "CXNV" && r[2] == "paraxanthine" && r[9].is_empty())
        .unwrap()
        .clone();
    again[3] = "40000".into();
    rows.push(again);
    write_rows(&path, &rows);
    let r = analyze_ok(&s);
    assert!(endpoint(&r, "activity_paraxanthine")["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["blind_code"] == "CXNV"
            && f["flag"]
                .as_str()
                .unwrap()
                .starts_with("mean of 2 incubations, CV ")));
    let weekly: Vec<&str> = r["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(weekly, ["body_weight_g"]);
    let not_analysed: Vec<&str> = r["not_analysed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(not_analysed.len(), 2, "{not_analysed:?}");
    assert!(not_analysed[0].starts_with("1-h sucrose intake over weeks 0, 1, 2, 3, 4, 5, 6, 7: "));
    assert!(not_analysed[0].contains("(incomplete: "));
    // The last week is still analysed as a 2 × 2.
    endpoint(&r, "sucrose_intake_g_week7");
    // The incubation without its blank is flagged, not silently left uncorrected.
    let e = endpoint(&r, "activity_paraxanthine");
    assert!(e["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["blind_code"] == "CPFA" && f["flag"] == "no no-NADPH blank (not subtracted)"));
    let html = read(&s.join("results/report.html"));
    assert!(html.contains("Not analysed"));
}

#[test]
fn a_missing_reference_gene_and_an_internal_standard_given_for_one_sample_are_located() {
    let dir = tempfile::tempdir().unwrap();
    // CPFA without Gapdh (capture sheet with every plate, no exports).
    let s = cms_study(&dir.path().join("gapdh"));
    std::fs::remove_dir_all(s.join("sheets/qpcr-exports")).unwrap();
    let all = csv_rows(&root().join("sample_data/cms-cyp-rat/qpcr.csv"));
    let kept: Vec<Vec<String>> = all
        .iter()
        .enumerate()
        .filter(|(i, r)| *i == 0 || !(r[2] == "CPFA" && r[3] == "Gapdh"))
        .map(|(_, r)| r.clone())
        .collect();
    write_rows(&s.join("sheets/qpcr.csv"), &kept);
    let err = analyze_fails(&s);
    assert_located(
        &err,
        "qpcr.csv",
        2,
        "blind_code",
        "has the reference gene Actb but not Gapdh",
    );

    // An internal standard area on one sample of a run without internal standard.
    let s = cms_study(&dir.path().join("is"));
    set_cell(
        &s.join("sheets/hplc-samples.csv"),
        4,
        "is_peak_area",
        "100000",
    );
    let err = analyze_fails(&s);
    assert_located(
        &err,
        "hplc-samples.csv",
        4,
        "is_peak_area",
        "internal standard",
    );
}
