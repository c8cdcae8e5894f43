//! The CMS study analysed from its instruments' files (sheets/plate-reader/,
//! sheets/hplc-exports/) joined to the capture sheets as plate map and injection list:
//! the same numbers as from the typed sheets, the demo built that way, a flagged well
//! left out and listed, and each way the join can fail refused at its file, line or JSON
//! path and the sheet's row, with nothing written and no input changed.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::analyze_cms::{cms_study, cms_study_of};
use crate::common::{analyze_fails, analyze_ok, csv_rows, preclin, read, root, tree};

fn sample(path: &str) -> PathBuf {
    root().join("sample_data/cms-cyp-rat").join(path)
}

/// The sample CMS study as `preclin demo` lays it out: plate BCA-2 and runs CAF-1 and
/// CZX-1 from the instruments' exports, their cells empty on the sheets.
fn instrument_study(dir: &Path) -> PathBuf {
    instrument_study_of(dir, "cms-cyp-rat")
}

fn instrument_study_of(dir: &Path, protocol: &str) -> PathBuf {
    let study = cms_study_of(dir, protocol);
    for (from, to) in [
        ("protein-plate-map.csv", "sheets/protein-assay.csv"),
        ("hplc-standards-map.csv", "sheets/hplc-standards.csv"),
        ("hplc-samples-map.csv", "sheets/hplc-samples.csv"),
        ("plate-reader/BCA-2.txt", "sheets/plate-reader/BCA-2.txt"),
        ("hplc-exports/CAF-1.json", "sheets/hplc-exports/CAF-1.json"),
        ("hplc-exports/CZX-1.csv", "sheets/hplc-exports/CZX-1.csv"),
    ] {
        let to = study.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(sample(from), to).unwrap();
    }
    study
}

fn without_inputs(mut r: Value) -> Value {
    r.as_object_mut().unwrap().remove("inputs");
    r
}

#[test]
fn the_study_from_instrument_files_gives_the_typed_sheets_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let typed_dir = dir.path().join("typed");
    let typed = cms_study(&typed_dir);
    let from_instruments = instrument_study(&dir.path().join("instruments"));
    // The exports leave cells empty on the sheets: 58 absorbances, 176 peak areas.
    let map = csv_rows(&from_instruments.join("sheets/protein-assay.csv"));
    assert_eq!(map.iter().filter(|r| r[5].is_empty()).count(), 58);
    let empty_areas: usize = ["sheets/hplc-standards.csv", "sheets/hplc-samples.csv"]
        .iter()
        .map(|s| {
            let rows = csv_rows(&from_instruments.join(s));
            let c = rows[0].iter().position(|h| h == "peak_area").unwrap();
            rows.iter().filter(|r| r[c].is_empty()).count()
        })
        .sum();
    assert_eq!(empty_areas, 2 * (8 + 80));

    let a = analyze_ok(&typed);
    let b = analyze_ok(&from_instruments);
    assert_eq!(without_inputs(a), without_inputs(b.clone()));
    let inputs: Vec<&str> = b["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    for export in [
        "sheets/plate-reader/BCA-2.txt",
        "sheets/hplc-exports/CAF-1.json",
        "sheets/hplc-exports/CZX-1.csv",
    ] {
        assert!(inputs.contains(&export), "{export} among {inputs:?}");
    }
    // Every step table and figure is the same, byte for byte.
    let (ra, rb) = (
        tree(&typed.join("results")),
        tree(&from_instruments.join("results")),
    );
    assert_eq!(ra.keys().collect::<Vec<_>>(), rb.keys().collect::<Vec<_>>());
    for (name, bytes) in &ra {
        if name != Path::new("results.json") && name != Path::new("report.html") {
            assert!(bytes == &rb[name], "{} differs", name.display());
        }
    }
}

#[test]
fn the_demo_builds_the_cms_study_from_instrument_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    preclin()
        .arg("demo")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let cms = out.join("cms-cyp-rat");
    for export in [
        "sheets/plate-reader/BCA-2.txt",
        "sheets/hplc-exports/CAF-1.json",
        "sheets/hplc-exports/CZX-1.csv",
    ] {
        assert_eq!(
            std::fs::read(cms.join(export)).unwrap(),
            std::fs::read(sample(export.trim_start_matches("sheets/"))).unwrap()
        );
    }
    let demo: Value = serde_json::from_str(&read(&cms.join("results/results.json"))).unwrap();
    let typed = analyze_ok(&cms_study(&dir.path().join("typed")));
    assert_eq!(without_inputs(demo), without_inputs(typed));
}

/// Rewrites the text file at `path` with `edit`.
fn edit(path: &Path, edit: impl FnOnce(String) -> String) {
    let text = read(path);
    let changed = edit(text.clone());
    assert_ne!(
        text,
        changed,
        "{}: the edit changed nothing",
        path.display()
    );
    std::fs::write(path, changed).unwrap();
}

/// Replaces the line of a CRLF sheet that starts with `start` by `line` (or removes it).
fn edit_row(path: &Path, start: &str, line: Option<&str>) {
    edit(path, |text| {
        let mut lines: Vec<&str> = text.split("\r\n").collect();
        let i = lines
            .iter()
            .position(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start} in {}", path.display()));
        match line {
            Some(l) => lines[i] = l,
            None => {
                lines.remove(i);
            }
        }
        lines.join("\r\n")
    });
}

/// `preclin analyze` refused: exit 2, no results, every input file unchanged; its message,
/// which must contain each of `expected`.
fn refused(study: &Path, expected: &[&str]) -> String {
    let before = tree(study);
    let message = analyze_fails(study);
    assert_eq!(before, tree(study), "an input was changed");
    for e in expected {
        assert!(message.contains(e), "`{e}` not in:\n{message}");
    }
    assert!(message.contains("help: "), "no hint in:\n{message}");
    message
}

#[test]
fn a_value_in_both_the_sheet_and_the_export_is_refused_at_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    let sheet = study.join("sheets/protein-assay.csv");
    edit_row(&sheet, "BCA-2,C1,", Some("BCA-2,C1,sample,C3XC,,0.734,40"));
    refused(
        &study,
        &[
            "sheets/protein-assay.csv, row 78, column `absorbance`: `0.734`",
            "is given here and by the plate reader (0.734 at sheets/plate-reader/BCA-2.txt, line 50)",
            "empty the cell",
        ],
    );

    let study = instrument_study(&dir.path().join("hplc"));
    let sheet = study.join("sheets/hplc-samples.csv");
    let line = read(&sheet)
        .split("\r\n")
        .find(|l| l.starts_with("CAF-1,CPFA,paraxanthine,,"))
        .unwrap()
        .replacen(",,", ",37369,", 1);
    edit_row(&sheet, "CAF-1,CPFA,paraxanthine,,", Some(&line));
    refused(
        &study,
        &[
            "sheets/hplc-samples.csv, row 2, column `peak_area`: `37369`",
            "is given here and by the run's export (37369 at sheets/hplc-exports/CAF-1.json, liquid chromatography aggregate document/liquid chromatography document[8]/",
        ],
    );
}

#[test]
fn a_well_or_injection_the_sheets_do_not_list_is_refused_at_its_line_or_path() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    edit_row(&study.join("sheets/protein-assay.csv"), "BCA-2,D4,", None);
    refused(
        &study,
        &[
            "sheets/plate-reader/BCA-2.txt",
            "line 51: well D4 of plate `BCA-2` (SPL8 in the reader's layout) is not on the protein-assay sheet",
            "add a row for plate BCA-2, well D4",
        ],
    );

    let study = instrument_study(&dir.path().join("no-blank"));
    edit_row(
        &study.join("sheets/hplc-samples.csv"),
        "CAF-1,CPFA,paraxanthine,,,20,0.499,200,1,yes",
        None,
    );
    refused(
        &study,
        &[
            "sheets/hplc-exports/CAF-1.json",
            "liquid chromatography document[9]/measurement aggregate document/measurement document[0]: the injection of the no-NADPH blank CPFA-blank (`CPFA-blank`) of run CAF-1 is not on the hplc-samples sheet",
        ],
    );

    let study = instrument_study(&dir.path().join("no-standard"));
    edit_row(
        &study.join("sheets/hplc-standards.csv"),
        "CZX-1,6-hydroxychlorzoxazone,7,",
        None,
    );
    refused(
        &study,
        &[
            "sheets/hplc-exports/CZX-1.csv",
            "line 12: the standard injection of level 7 (`STD7`) of run CZX-1 is not on the hplc-standards sheet",
        ],
    );
}

#[test]
fn a_row_the_exports_cannot_fill_is_refused_at_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    let sheet = study.join("sheets/protein-assay.csv");
    edit(&sheet, |t| t + "BCA-3,A1,blank,,0,,\r\n");
    refused(
        &study,
        &[
            "sheets/protein-assay.csv, row 118, column `absorbance`",
            "is empty, and no export in sheets/plate-reader/ holds plate BCA-3",
        ],
    );

    let study = instrument_study(&dir.path().join("level"));
    let sheet = study.join("sheets/hplc-standards.csv");
    edit(&sheet, |t| t + "CZX-1,6-hydroxychlorzoxazone,8,12,,\r\n");
    refused(
        &study,
        &[
            "sheets/hplc-standards.csv, row 74, column `peak_area`",
            "is empty, and run CZX-1 in sheets/hplc-exports/ has no standard injection of level 8",
        ],
    );

    // The injection is there, but not the metabolite's peak.
    let study = instrument_study(&dir.path().join("peak"));
    edit(&study.join("sheets/hplc-exports/CZX-1.csv"), |t| {
        t.replacen(
            "STD3,Calibration,3,1,5.870,6-hydroxychlorzoxazone",
            "STD3,Calibration,3,1,5.870,6-OH-chlorzoxazone",
            1,
        )
    });
    refused(
        &study,
        &[
            "column `metabolite`: `6-hydroxychlorzoxazone` has no peak in the standard injection of level 3 (sheets/hplc-exports/CZX-1.csv, line 8); its peaks: 6-OH-chlorzoxazone",
            "name the metabolite as the data system names the peak",
        ],
    );
}

#[test]
fn the_same_plate_or_run_in_two_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    let again = study.join("sheets/plate-reader/reread.txt");
    std::fs::copy(sample("plate-reader/BCA-2.txt"), &again).unwrap();
    edit(&again, |t| {
        t.replace("Plate Number\tPlate 1", "Plate Number\tBCA-2")
    });
    refused(
        &study,
        &[
            "sheets/plate-reader/reread.txt: holds plate `BCA-2`, which sheets/plate-reader/BCA-2.txt holds too",
            "each plate is read once",
        ],
    );

    let study = instrument_study(&dir.path().join("run"));
    std::fs::copy(
        sample("hplc-exports/CAF-1.json"),
        study.join("sheets/hplc-exports/rerun.json"),
    )
    .unwrap();
    refused(
        &study,
        &[
            "holds run `CAF-1`, which sheets/hplc-exports/CAF-1.json holds too",
            "each run is read once",
        ],
    );

    // A plate the sheet does not name at all.
    let study = instrument_study(&dir.path().join("unknown"));
    std::fs::copy(
        sample("plate-reader/BCA-2.txt"),
        study.join("sheets/plate-reader/plate-7.txt"),
    )
    .unwrap();
    refused(
        &study,
        &[
            "sheets/plate-reader/plate-7.txt: plate `Plate 1` is not a plate of the protein-assay sheet (BCA-1, BCA-2)",
            "name the export after its plate on the sheet",
        ],
    );
}

#[test]
fn peak_areas_in_two_units_within_a_run_are_refused_at_the_peak() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    edit(&study.join("sheets/hplc-exports/CAF-1.json"), |t| {
        t.replacen("\"unit\": \"mAU.s\"", "\"unit\": \"µV.s\"", 1)
    });
    refused(
        &study,
        &[
            "sheets/hplc-exports/CAF-1.json",
            // Reported at the odd one out: the first peak, changed.
            "liquid chromatography document[0]/measurement aggregate document/measurement document[0]/processed data aggregate document/processed data document[0]/peak list/peak[0]: peak area in `µV.s`, but 175 other peaks of run CAF-1 are in `mAU.s` (the first at liquid chromatography aggregate document/liquid chromatography document[0]/measurement aggregate document/measurement document[0]/processed data aggregate document/processed data document[0]/peak list/peak[1])",
            "one run's areas must share a unit",
        ],
    );
}

#[test]
fn a_well_the_reader_flagged_is_left_out_of_the_curve_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    // C1 is one of the two wells of sample C3XC (0.734 and 0.764).
    edit(&study.join("sheets/plate-reader/BCA-2.txt"), |t| {
        t.replacen("C\t0.734\t", "C\t*0.734*\t", 1)
    });
    let r = analyze_ok(&study);
    let flags = &r["assays"]["protein_reader_flags"];
    assert_eq!(flags[0]["well"], "C1");
    assert_eq!(flags[0]["reader_value"], "*0.734*");
    assert_eq!(flags[0]["at"], "sheets/plate-reader/BCA-2.txt, line 50");
    assert_eq!(flags[0]["sheet_value"], Value::Null);
    let plate = r["assays"]["protein"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plate"] == "BCA-2")
        .unwrap();
    let c3xc = plate["samples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["blind_code"] == "C3XC")
        .unwrap();
    assert_eq!(c3xc["wells"], serde_json::json!(["C2"]));
    // Blank-corrected: C2's 0.764 less the mean of the blanks A1 and B1 (0.099, 0.100).
    assert_eq!(
        plate["blank_absorbance"],
        serde_json::json!((0.099 + 0.100) / 2.0)
    );
    let corrected = c3xc["mean_absorbance"].as_f64().unwrap();
    assert!((corrected - (0.764 - 0.0995)).abs() < 1e-12, "{corrected}");
    let report = read(&study.join("results/report.html"));
    assert!(
        report.contains("<td>C1</td><td>*0.734*</td>"),
        "flag not listed"
    );

    // A value typed on the sheet for the flagged well is used, and said so.
    std::fs::remove_dir_all(study.join("results")).unwrap();
    edit_row(
        &study.join("sheets/protein-assay.csv"),
        "BCA-2,C1,",
        Some("BCA-2,C1,sample,C3XC,,0.731,40"),
    );
    let r = analyze_ok(&study);
    assert_eq!(r["assays"]["protein_reader_flags"][0]["sheet_value"], 0.731);
    let report = read(&study.join("results/report.html"));
    assert!(
        report.contains("the sheet&#39;s 0.731 used") || report.contains("the sheet's 0.731 used")
    );
}

#[test]
fn a_chemstation_peak_table_imports_as_the_typed_sheets_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (st, sm) = (dir.path().join("st.csv"), dir.path().join("sm.csv"));
    let run = preclin()
        .args(["import", "hplc"])
        .arg(sample("hplc-exports/CZX-1.csv"))
        .arg("--out")
        .arg(&st)
        .arg("--samples")
        .arg(&sm)
        .assert()
        .success();
    let out = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(out.contains("ChemStation / OpenLab peak table"), "{out}");
    assert!(out.contains("peak areas in mAU*s"), "{out}");
    // The standards: run, metabolite, level and area as typed in hplc-standards.csv.
    let typed = csv_rows(&sample("hplc-standards.csv"));
    let expected: Vec<Vec<String>> = typed
        .iter()
        .filter(|r| r[0] == "CZX-1")
        .map(|r| vec![r[0].clone(), r[1].clone(), r[2].clone(), r[4].clone()])
        .collect();
    let got: Vec<Vec<String>> = csv_rows(&st)[1..]
        .iter()
        .map(|r| vec![r[0].clone(), r[1].clone(), r[2].clone(), r[4].clone()])
        .collect();
    assert_eq!(got, expected);
    // The samples: one row per injection, the blanks named CODE-blank.
    let samples = csv_rows(&sm);
    assert_eq!(samples.len() - 1, 80);
    assert_eq!(
        samples.iter().filter(|r| r[1].ends_with("-blank")).count(),
        40
    );
}

#[test]
fn a_plate_read_at_two_wavelengths_takes_the_read_the_protocol_names() {
    let dir = tempfile::tempdir().unwrap();
    // BCA-2 read at 562 nm and again at 630 nm (Gen5 writes one matrix per read).
    let two_reads = |study: &Path| {
        edit(&study.join("sheets/plate-reader/BCA-2.txt"), |t| {
            let start = t.find("\r\n562\r\n").unwrap() + 2;
            let end = start + t[start..].find("\r\n\r\n").unwrap() + 2;
            let read_630 = t[start..end].replace("562", "630").replace("0.", "1.");
            t.replace("Wavelengths:  562", "Wavelengths:  562, 630")
                .replacen(
                    &t[start..end],
                    &format!("{}\r\n{read_630}", &t[start..end]),
                    1,
                )
        })
    };
    let study = instrument_study(&dir.path().join("unnamed"));
    two_reads(&study);
    refused(
        &study,
        &[
            "sheets/plate-reader/BCA-2.txt: line 12: plate `Plate 1` was read at 562, 630 nm",
            "choose the read with `wavelength_nm` in the protein assay of the protocol",
        ],
    );

    let protocol = dir.path().join("cms-562.toml");
    let text = crate::common::builtin_text("cms-cyp-rat");
    let named = text.replacen(
        "sheets = [\"protein-assay\"]\n",
        "sheets = [\"protein-assay\"]\nwavelength_nm = 562\n",
        1,
    );
    assert_ne!(named, text);
    std::fs::write(&protocol, named).unwrap();
    let study = instrument_study_of(&dir.path().join("named"), protocol.to_str().unwrap());
    two_reads(&study);
    let r = analyze_ok(&study);
    let typed = analyze_ok(&cms_study(&dir.path().join("typed")));
    assert_eq!(r["assays"]["protein"], typed["assays"]["protein"]);
}

#[test]
fn a_plate_map_that_contradicts_the_readers_layout_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A sample typed into a well the reader's layout has as a standard.
    let study = instrument_study(&dir.path().join("role"));
    edit_row(
        &study.join("sheets/protein-assay.csv"),
        "BCA-2,A3,",
        Some("BCA-2,A3,sample,C3XC,,,40"),
    );
    refused(
        &study,
        &[
            "sheets/protein-assay.csv, row 62, column `role`: `sample` disagrees with the reader's layout, which has STD2 (a standard) in well A3 (sheets/plate-reader/BCA-2.txt, line 48)",
            "not shifted by a row or column",
        ],
    );
    // Two standards swapped on the sheet: not the proportion of the others.
    let study = instrument_study(&dir.path().join("swapped"));
    let sheet = study.join("sheets/protein-assay.csv");
    edit_row(&sheet, "BCA-2,A3,", Some("BCA-2,A3,standard,,250,,"));
    edit_row(&sheet, "BCA-2,A4,", Some("BCA-2,A4,standard,,125,,"));
    refused(
        &study,
        &[
            "sheets/protein-assay.csv, row 62, column `standard_ug_per_ml`: `250` is not in the proportion of the reader's 125 for STD2 in well A3",
            "on row 61 the sheet's concentration is 1 times the reader's",
        ],
    );
    // Another unit in the reader's layout (mg/mL), the same proportion on every well:
    // accepted, with the sheet's µg/mL.
    let study = instrument_study(&dir.path().join("unit"));
    edit(&study.join("sheets/plate-reader/BCA-2.txt"), |t| {
        t.replace(
            "\t\t25\t125\t250\t500\t750\t1000\t1500\t2000\t",
            "\t\t0.025\t0.125\t0.25\t0.5\t0.75\t1\t1.5\t2\t",
        )
    });
    analyze_ok(&study);
}

#[test]
fn a_well_twice_on_the_plate_map_is_refused_at_the_second_row() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    edit(&study.join("sheets/protein-assay.csv"), |t| {
        t + "BCA-2,C1,sample,C3XC,,,40\r\n"
    });
    refused(
        &study,
        &["sheets/protein-assay.csv, row 118, column `well`: `C1` of plate `BCA-2` is also on row 78"],
    );
}

#[test]
fn chromatography_exports_without_their_sheets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = instrument_study(dir.path());
    std::fs::write(study.join("sheets/hplc-samples.csv"), "").unwrap();
    refused(
        &study,
        &["sheets/hplc-exports/CAF-1.json: is a chromatography export, but the hplc-samples sheet is empty"],
    );
    let study = instrument_study(&dir.path().join("standards"));
    std::fs::write(study.join("sheets/hplc-standards.csv"), "").unwrap();
    refused(
        &study,
        &["the standard injection `STD0` of run CAF-1 is not on the hplc-standards sheet, which is empty"],
    );
}
