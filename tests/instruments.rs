//! Plate-reader exports read as the instrument wrote them (tests/fixtures/instruments, a real
//! BioTek Gen5 file), checked against the instrument's own numbers: preclin's straight line
//! through the standards gives Gen5's printed A, B and R², and back-calculates every
//! concentration Gen5 printed.

use std::path::{Path, PathBuf};

use preclin::instrument::{read_gen5, PlateValue};
use preclin::stats::{fit_calibration, CurveModel, Weighting};

use crate::common::{csv_rows, preclin, read, root};

/// Runs `preclin import KIND FILE --out OUT EXTRA…`, expecting success; its standard output.
fn import_ok(kind: &str, file: &Path, out: &Path, extra: &[&Path]) -> String {
    let run = import(kind, file, out, extra).assert().success();
    String::from_utf8_lossy(&run.get_output().stdout).to_string()
}

/// Runs the import expecting exit 2 and nothing at `out`; its standard error.
fn import_refused(kind: &str, file: &Path, out: &Path, extra: &[&Path]) -> String {
    let run = import(kind, file, out, extra).assert().code(2);
    assert!(!out.exists(), "{}: nothing is written", file.display());
    String::from_utf8_lossy(&run.get_output().stderr).to_string()
}

fn import(kind: &str, file: &Path, out: &Path, extra: &[&Path]) -> assert_cmd::Command {
    let mut cmd = preclin();
    cmd.args(["import", kind]).arg(file).arg("--out").arg(out);
    if let Some(samples) = extra.first() {
        cmd.arg("--samples").arg(samples);
    }
    cmd
}

/// The SoftMax Pro fixture's text, decoded from the UTF-16 SoftMax writes.
fn softmax_text() -> String {
    let bytes = std::fs::read(softmax()).unwrap();
    // UTF-16 LE with a byte-order mark.
    assert_eq!(&bytes[..2], &[0xFF, 0xFE]);
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

/// The SoftMax Pro fixture, parsed.
fn softmax_export() -> preclin::instrument::SoftmaxExport {
    preclin::instrument::parse_softmax(&softmax(), &softmax_text()).unwrap()
}

fn gen5() -> PathBuf {
    root().join("tests/fixtures/instruments/gen5-lowry-protein-660nm.txt")
}

#[test]
fn a_gen5_lowry_plate_gives_the_readers_own_curve_and_concentrations() {
    let export = read_gen5(&gen5()).unwrap();
    assert_eq!(export.version.as_deref(), Some("3.12.08"));
    let plate = &export.plates[0];
    assert_eq!(plate.name, "Plate 1");
    let read = plate.matrix("660").unwrap();
    assert_eq!(read.cells.len(), 96);
    let (x, y): (Vec<f64>, Vec<f64>) = plate
        .layout
        .iter()
        .filter(|(_, id, _)| id.starts_with("STD"))
        .map(|(well, _, conc)| {
            let a = read.cells.iter().find(|c| &c.0 == well).unwrap();
            (conc.number().unwrap(), a.1.number().unwrap())
        })
        .unzip();
    assert_eq!(x.len(), 12, "six standards in duplicate");
    let fit = fit_calibration(&x, &y, CurveModel::Linear, Weighting::None, 0.95).unwrap();
    let (b, a) = (fit.coefficients[0], fit.coefficients[1]);
    let printed = |name: &str| {
        plate.curves[0]
            .parameters
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.number())
            .unwrap()
    };
    assert_eq!(plate.curves[0].formula, "Y=A*X+B");
    // Gen5 prints A to 5 decimals, B and R² to 3.
    assert!((a - printed("A")).abs() <= 0.5e-5, "A {a}");
    assert!((b - printed("B")).abs() <= 0.5e-3, "B {b}");
    assert!(
        (fit.r_squared - printed("R2")).abs() <= 0.5e-3,
        "R² {}",
        fit.r_squared
    );
    // Every concentration Gen5 printed, from preclin's line, to Gen5's 3 decimals.
    let conc = plate.matrix("Conc").unwrap();
    let mut checked = 0;
    for ((well, value, _), (_, printed, _)) in read.cells.iter().zip(&conc.cells) {
        let x_hat = |absorbance: f64| (absorbance - b) / a;
        match (value, printed) {
            (PlateValue::Number(v), PlateValue::Number(c)) => {
                assert!(
                    (x_hat(*v) - c).abs() <= 0.5e-3 + 1e-9,
                    "{well}: {} vs {c}",
                    x_hat(*v)
                );
                checked += 1;
            }
            // Below the curve's intercept: Gen5 writes `<0.000`.
            (PlateValue::Number(v), PlateValue::Flagged(f)) if f == "<0.000" => {
                assert!(x_hat(*v) < 0.0, "{well}");
            }
            (PlateValue::Flagged(raw), PlateValue::Flagged(f)) => {
                assert_eq!(
                    (well.as_str(), raw.as_str(), f.as_str()),
                    ("H3", "*0.356*", "?????")
                );
            }
            other => panic!("{well}: {other:?}"),
        }
    }
    assert_eq!(checked, 93);
}

#[test]
fn import_plate_reader_writes_the_protein_assay_rows_and_lists_the_flagged_well() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.csv");
    let stdout = import_ok("plate-reader", &gen5(), &out, &[]);
    assert!(stdout.contains("wrote 96 wells"), "{stdout}");
    assert!(
        stdout.contains("Plate 1 H3 `*0.356*` (line 55)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Y=A*X+B A 0.00297, B 0.049, R2 0.997"),
        "{stdout}"
    );
    let rows = csv_rows(&out);
    assert_eq!(
        rows[0],
        [
            "plate",
            "well",
            "role",
            "blind_code",
            "standard_ug_per_ml",
            "absorbance",
            "dilution"
        ]
    );
    assert_eq!(rows.len(), 97);
    assert_eq!(rows[1], ["Plate 1", "A1", "standard", "", "0", "0.044", ""]);
    assert_eq!(
        rows[7],
        ["Plate 1", "A7", "sample", "SPL1", "", "0.056", ""]
    );
    let h3 = rows.iter().find(|r| r[1] == "H3").unwrap();
    assert_eq!(h3, &["Plate 1", "H3", "sample", "SPL15", "", "", ""]);

    // Nothing is overwritten without --force.
    let before = read(&out);
    import("plate-reader", &gen5(), &out, &[]).assert().code(2);
    assert_eq!(read(&out), before);
}

#[test]
fn a_file_that_is_not_a_gen5_export_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = read(&gen5());
    for (name, broken, message) in [
        (
            "no-reads.txt",
            text.lines()
                .take_while(|l| l.trim() != "660")
                .collect::<Vec<_>>()
                .join("\r\n"),
            "line 1: no plate read (a matrix titled by its wavelength) was found",
        ),
        (
            "bad-row.txt",
            text.replacen("H\t0.365", "Total\t0.365", 1),
            "line 55: `Total` in block `660` is not a plate row",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, broken).unwrap();
        let out = dir.path().join("p.csv");
        let stderr = import_refused("plate-reader", &path, &out, &[]);
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains("help:"), "{stderr}");
    }
}

fn softmax() -> PathBuf {
    root().join("tests/fixtures/instruments/softmax-pro-absorbance-endpoint.txt")
}

#[test]
fn a_softmax_pro_export_of_two_plates_gives_192_wells_and_its_standards() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.csv");
    let stdout = import_ok("plate-reader", &softmax(), &out, &[]);
    assert!(stdout.contains("Read 2 plates (SoftMax Pro)"), "{stdout}");
    // Row H of columns 1–3 is in no group of the file's layout: listed, role left empty.
    assert!(
        stdout.contains("role left empty (standard, sample or blank?): Plate01 H1, Plate01 H2"),
        "{stdout}"
    );
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 193);
    assert_eq!(
        rows[1],
        [
            "Plate01",
            "A1",
            "standard",
            "",
            "320",
            "3.41797666666667",
            ""
        ]
    );
    let b1 = rows
        .iter()
        .find(|r| r[0] == "Plate02" && r[1] == "B1")
        .unwrap();
    assert_eq!(b1[2..5], ["standard", "", "160"]);
    let a4 = rows
        .iter()
        .find(|r| r[0] == "Plate01" && r[1] == "A4")
        .unwrap();
    assert_eq!(a4[2..4], ["sample", "UnknownsNoDiln 01"]);
}

#[test]
fn softmax_pros_standards_table_is_read_with_its_back_calculated_values() {
    let export = softmax_export();
    let standards: Vec<_> = export
        .groups
        .iter()
        .filter(|g| g.group == "Standards")
        .collect();
    assert_eq!(standards.len(), 42, "7 standards in triplicate on 2 plates");
    let levels: Vec<f64> = standards
        .iter()
        .step_by(6)
        .map(|g| g.standard.unwrap())
        .collect();
    assert_eq!(levels, [320.0, 160.0, 80.0, 40.0, 20.0, 10.0, 5.0]);
    let g = standards
        .iter()
        .find(|g| g.plate == "Plate02" && g.well == "A2")
        .unwrap();
    assert_eq!(
        (g.sample.as_str(), g.back_calculated.number()),
        ("01", Some(317.833))
    );
    assert_eq!(
        export
            .groups
            .iter()
            .filter(|g| g.group == "UnknownsNoDiln")
            .count(),
        144
    );
    assert_eq!(export.plates[1].wavelength, "450");
}

/// Which curve SoftMax Pro fitted: its export names it only as
/// `InterpX(STD#1@StandardCurve,OD)`. preclin's four-parameter logistic does not converge
/// on these standards (no upper plateau over 5–320 ng/mL); a straight line through
/// log10(mean OD of each level's 6 wells) against log10(concentration) — a log-log fit of
/// the level means — back-calculates every standard to SoftMax's 3 decimals.
#[test]
fn softmax_pro_fitted_a_log_log_line_through_the_level_means() {
    let export = softmax_export();
    let od = |plate: &str, well: &str| {
        let p = export.plates.iter().find(|p| p.name == plate).unwrap();
        p.cells
            .iter()
            .find(|c| c.0 == well)
            .unwrap()
            .1
            .number()
            .unwrap()
    };
    let standards: Vec<_> = export
        .groups
        .iter()
        .filter(|g| g.group == "Standards")
        .collect();
    let mut levels: Vec<f64> = standards.iter().map(|g| g.standard.unwrap()).collect();
    levels.dedup();
    let means: Vec<f64> = levels
        .iter()
        .map(|l| {
            let ods: Vec<f64> = standards
                .iter()
                .filter(|g| g.standard == Some(*l))
                .map(|g| od(&g.plate, &g.well))
                .collect();
            ods.iter().sum::<f64>() / ods.len() as f64
        })
        .collect();
    let x: Vec<f64> = levels.iter().map(|v| v.log10()).collect();
    let y: Vec<f64> = means.iter().map(|v| v.log10()).collect();
    let fit = fit_calibration(&x, &y, CurveModel::Linear, Weighting::None, 0.95).unwrap();
    let (b0, b1) = (fit.coefficients[0], fit.coefficients[1]);
    for g in &standards {
        let ours = 10f64.powf((od(&g.plate, &g.well).log10() - b0) / b1);
        let printed = g.back_calculated.number().unwrap();
        assert!(
            (ours - printed).abs() <= 0.5e-3,
            "{} {}: {ours} vs SoftMax {printed}",
            g.plate,
            g.well
        );
    }
}

fn asm(name: &str) -> PathBuf {
    root().join("tests/fixtures/instruments").join(name)
}

#[test]
fn an_empower_run_gives_the_eight_peaks_of_its_two_standards() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("h.csv");
    let stdout = import_ok("hplc", &asm("asm-lc-empower.json"), &out, &[]);
    assert!(
        stdout.contains("Read 2 injections (Waters Empower)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("PQ Std 5.0x = level 2, PQ Std 10x = level 3"),
        "{stdout}"
    );
    assert!(stdout.contains("peak areas in mAU.s"), "{stdout}");
    let rows = csv_rows(&out);
    assert_eq!(
        rows[0],
        [
            "run",
            "metabolite",
            "level",
            "nominal_um",
            "peak_area",
            "is_peak_area"
        ]
    );
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[1], ["1169", "Acetone", "2", "", "394.015", ""]);
    assert_eq!(
        rows[8],
        ["1169", "Butyrophenone", "3", "", "625.999500000001", ""]
    );
}

#[test]
fn sample_injections_need_their_own_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("h.csv");
    let run = asm("asm-lc-chromeleon-multi-signal.json");
    let stderr = import_refused("hplc", &run, &out, &[]);
    assert!(
        stderr.contains("the run holds 1 peak of a sample injection"),
        "{stderr}"
    );
    let samples = dir.path().join("s.csv");
    let stdout = import_ok("hplc", &run, &out, &[&samples]);
    assert!(
        stdout.contains("injections without peaks (left out)"),
        "{stdout}"
    );
    let rows = csv_rows(&samples);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][2..4], ["Peak1", "480000"]);
}

#[test]
fn a_run_that_is_not_asm_or_mixes_area_units_is_refused_where_it_goes_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let text = read(&asm("asm-lc-empower.json"));
    let second_unit = text.match_indices("\"mAU.s\"").nth(1).unwrap().0;
    let mixed = format!(
        "{}\"mV.s\"{}",
        &text[..second_unit],
        &text[second_unit + 7..]
    );
    for (name, body, message) in [
        ("cut.json", text[..200].to_string(), "line "),
        (
            "other.json",
            "{\"plate\": []}".to_string(),
            "at $: has no `liquid chromatography aggregate document`",
        ),
        ("mixed.json", mixed, "peak area in mV.s, but "),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let out = dir.path().join("h.csv");
        let stderr = import_refused("hplc", &path, &out, &[]);
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains("help:"), "{name}: {stderr}");
    }
}

#[test]
fn a_plate_read_at_two_wavelengths_needs_one_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let text = read(&gen5());
    // The 660-nm read once more, as a 560-nm read.
    let start = text.find("\r\n660\r\n").unwrap() + 2;
    let end = text[start..].find("\r\n\r\n").unwrap() + start;
    let second = text[start..end].replace("660", "560");
    let two = format!("{}\r\n\r\n{second}{}", &text[..end], &text[end..]);
    let path = dir.path().join("two-reads.txt");
    std::fs::write(&path, two).unwrap();
    let out = dir.path().join("p.csv");
    let stderr = import_refused("plate-reader", &path, &out, &[]);
    assert!(
        stderr.contains("plate `Plate 1` was read at 660, 560 nm"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: choose one with --wavelength"),
        "{stderr}"
    );
    preclin()
        .args(["import", "plate-reader"])
        .arg(&path)
        .args(["--wavelength", "560", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(csv_rows(&out).len(), 97);
}

/// The SoftMax fixture with plate `Plate01` exported in TimeFormat instead: its `Plate:`
/// line, a header of the wells, one line of values (the PlateFormat values, written in
/// Rust's shortest round-trip form) per read; `reads` lines of them.
fn softmax_in_time_format(reads: usize) -> String {
    let text = softmax_text();
    let plate = &softmax_export().plates[0];
    let start = text.find("Plate:\tPlate01").unwrap();
    let end = start + text[start..].find("~End").unwrap();
    let plate_line = text[start..]
        .lines()
        .next()
        .unwrap()
        .replacen("PlateFormat", "TimeFormat", 1);
    let wells: Vec<&str> = plate.cells.iter().map(|c| c.0.as_str()).collect();
    let values: Vec<String> = plate
        .cells
        .iter()
        .map(|c| match &c.1 {
            PlateValue::Number(x) => format!("{x}"),
            other => panic!("{other:?}"),
        })
        .collect();
    let mut block = format!(
        "{plate_line}\r\nTime(hh:mm:ss)\tTemperature(\u{a1}C)\t{}\t\r\n",
        wells.join("\t")
    );
    for _ in 0..reads {
        block.push_str(&format!("\tNaN\t{}\t\r\n", values.join("\t")));
    }
    block.push_str("\r\n");
    format!("{}{block}{}", &text[..start], &text[end..])
}

#[test]
fn a_softmax_plate_in_time_format_gives_the_plate_format_values() {
    let plate_format = softmax_export();
    assert_eq!(plate_format.plates.len(), 2);
    let time_format =
        preclin::instrument::parse_softmax(&softmax(), &softmax_in_time_format(1)).unwrap();
    assert_eq!(time_format.plates.len(), 2);
    let (a, b) = (&plate_format.plates[0], &time_format.plates[0]);
    assert_eq!((b.name.as_str(), b.wavelength.as_str()), ("Plate01", "450"));
    assert_eq!(b.cells.len(), 96);
    let values = |p: &preclin::instrument::softmax::SoftmaxPlate| -> Vec<(String, PlateValue)> {
        p.cells.iter().map(|c| (c.0.clone(), c.1.clone())).collect()
    };
    assert_eq!(values(a), values(b));
    assert_eq!(b.cells[0].0, "A1");
    assert_eq!(b.cells[0].1, PlateValue::Number(3.41797666666667));
    // Plate02 is untouched (its lines move up: the TimeFormat block is shorter).
    assert_eq!(
        values(&plate_format.plates[1]),
        values(&time_format.plates[1])
    );
}

#[test]
fn a_softmax_time_format_plate_of_several_reads_is_refused_with_a_hint() {
    let err = preclin::instrument::parse_softmax(&softmax(), &softmax_in_time_format(2))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 5: plate `Plate01` has more than one read"),
        "{err}"
    );
    assert!(
        err.contains("help: export the endpoint values of the plate"),
        "{err}"
    );
    let kinetic =
        softmax_in_time_format(1).replacen("TimeFormat\tEndpoint", "TimeFormat\tKinetic", 1);
    let err = preclin::instrument::parse_softmax(&softmax(), &kinetic)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 2: plate `Plate01` is a Kinetic read"),
        "{err}"
    );
}
