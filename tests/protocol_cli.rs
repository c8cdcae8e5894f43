//! `preclin protocol list|show|check`: built-in protocols validate; every class of
//! mistake is reported at the right line and column, with a hint, and exit code 2.

use std::path::PathBuf;

use crate::common::{builtin_text, position_of, preclin, root};

const BUILTINS: [&str; 4] = [
    "fst-mouse",
    "fst-imipramine-zinc",
    "fst-rat-modified",
    "cms-cyp-rat",
];

#[test]
fn every_builtin_protocol_validates() {
    let paths: Vec<PathBuf> = BUILTINS
        .iter()
        .map(|id| root().join(format!("protocols/{id}.toml")))
        .collect();
    let out = preclin()
        .arg("protocol")
        .arg("check")
        .args(&paths)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for id in BUILTINS {
        assert!(stdout.contains(&format!("({id} 1.0.0)")), "{stdout}");
    }
}

#[test]
fn list_shows_builtins_and_local_protocols_and_flags_invalid_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("protocols")).unwrap();
    let mine = builtin_text("fst-mouse").replace("id = \"fst-mouse\"", "id = \"my-fst\"");
    std::fs::write(dir.path().join("protocols/my-fst.toml"), mine).unwrap();
    std::fs::write(
        dir.path().join("protocols/broken.toml"),
        "id = \"broken\"\n",
    )
    .unwrap();
    let out = preclin()
        .current_dir(dir.path())
        .args(["protocol", "list"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for id in BUILTINS {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(id) && l.contains("built-in")),
            "{stdout}"
        );
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("my-fst") && l.contains("protocols/my-fst.toml")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("broken") && l.contains("INVALID")),
        "{stdout}"
    );
    // A local protocol is found by its id.
    preclin()
        .current_dir(dir.path())
        .args(["protocol", "show", "my-fst"])
        .assert()
        .success();
}

#[test]
fn show_summarises_groups_doses_schedule_and_scoring() {
    let out = preclin()
        .args(["protocol", "show", "fst-rat-modified"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for expected in [
        "pretest: 900 s (15 min)",
        "test: 300 s (5 min), 24 h after the previous",
        "time sampling every 5 s",
        "IMI20: Imipramine 20 mg/kg",
        "imipramine hydrochloride 20 mg/kg i.p. in 0.9% NaCl, 1 mL/kg",
        "[c] climbing",
        "post hoc dunnett",
        "[ ] 10. Results",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
}

#[test]
fn unknown_protocol_id_suggests_the_nearest() {
    let out = preclin()
        .args(["protocol", "show", "fst-mose"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("no protocol `fst-mose`"), "{stderr}");
    assert!(stderr.contains("did you mean `fst-mouse`?"), "{stderr}");
}

/// Writes `text` as a protocol file, checks it, and returns stderr (exit code must be 2).
fn check_fails(text: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, text).unwrap();
    let out = preclin()
        .args(["protocol", "check"])
        .arg(&path)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    (stderr, path.display().to_string())
}

/// Replaces `from` by `to` in a built-in protocol, checks it, and asserts the message,
/// the location of `to` in the edited text, the caret under it and the hint.
fn assert_located(id: &str, from: &str, to: &str, locate: &str, message: &str, hint: &str) {
    let text = builtin_text(id).replacen(from, to, 1);
    assert_ne!(
        text,
        builtin_text(id),
        "fixture edit `{from}` did not apply"
    );
    let (line, col) = position_of(&text, locate);
    let (stderr, path) = check_fails(&text);
    assert!(
        stderr.contains(message),
        "message `{message}` missing:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("{path}:{line}:{col}")),
        "location {line}:{col} missing:\n{stderr}"
    );
    let source_line = text.lines().nth(line - 1).unwrap();
    assert!(
        stderr.contains(&format!("{line} | {source_line}")),
        "source line missing:\n{stderr}"
    );
    let caret = format!("| {}^", " ".repeat(col - 1));
    assert!(
        stderr.contains(&caret),
        "caret under column {col} missing:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("help: {hint}")),
        "hint `{hint}` missing:\n{stderr}"
    );
}

#[test]
fn unknown_key_points_at_it_and_suggests_the_field() {
    assert_located(
        "fst-mouse",
        "water_depth_cm = 10",
        "water_deph_cm = 10",
        "water_deph_cm",
        "unknown field `water_deph_cm`",
        "did you mean `water_depth_cm`?",
    );
}

#[test]
fn wrong_type_points_at_the_value() {
    assert_located(
        "fst-mouse",
        "duration_s = 360",
        "duration_s = \"6 min\"",
        "\"6 min\"",
        "invalid type: string \"6 min\", expected f64",
        "numbers are written without quotes",
    );
}

#[test]
fn unknown_enumeration_value_lists_the_allowed_ones() {
    assert_located(
        "fst-rat-modified",
        "method = \"time-sampling\"",
        "method = \"time-samplng\"",
        "\"time-samplng\"",
        "unknown variant `time-samplng`",
        "did you mean `time-sampling`?",
    );
}

#[test]
fn missing_field_is_reported() {
    assert_located(
        "fst-mouse",
        "strain = \"Albino Swiss\"\n",
        "",
        "[animals]",
        "missing field `strain`",
        "add `strain` to this table",
    );
}

#[test]
fn toml_syntax_error_is_located() {
    let text = builtin_text("fst-mouse").replacen("title = \"Forced", "title = Forced", 1);
    let (line, _) = position_of(&text, "title = Forced");
    let (stderr, path) = check_fails(&text);
    assert!(stderr.contains(&format!("{path}:{line}:")), "{stderr}");
}

#[test]
fn scoring_window_outside_the_session() {
    assert_located(
        "fst-mouse",
        "window_end_s = 360",
        "window_end_s = 420",
        "420",
        "the scoring window ends at 420 s, after the end of session `test` (360 s)",
        "the window must lie within the session",
    );
}

#[test]
fn control_group_not_among_the_groups() {
    assert_located(
        "fst-mouse",
        "control_group = \"VEH\"",
        "control_group = \"SAL\"",
        "\"SAL\"",
        "control group `SAL` is not among the groups",
        "groups: VEH, IMI30",
    );
}

#[test]
fn duplicate_level_names() {
    assert_located(
        "fst-imipramine-zinc",
        "levels = [\"vehicle\", \"zinc\"]",
        "levels = [\"vehicle\", \"vehicle\"]",
        "\"vehicle\"]",
        "duplicate level `vehicle` in factor `zinc`",
        "each level must appear once",
    );
}

#[test]
fn negative_dose() {
    let text = builtin_text("fst-mouse").replacen("dose = 30,", "dose = -30,", 1);
    let (line, col) = position_of(&text, "-30");
    let (stderr, path) = check_fails(&text);
    assert!(
        stderr.contains("dose cannot be negative, found -30"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{path}:{line}:{col}")), "{stderr}");
}

#[test]
fn fewer_than_two_animals_per_group() {
    assert_located(
        "fst-mouse",
        "n_per_group = 10",
        "n_per_group = 1",
        "1\n",
        "n per group is 1",
        "justify n with a power calculation",
    );
}

#[test]
fn cages_that_cannot_hold_the_groups_equally() {
    assert_located(
        "fst-rat-modified",
        "animals_per_cage = 3",
        "animals_per_cage = 4",
        "\"cage\"",
        "cages of 4 cannot hold the 3 groups equally",
        "block by batch, or house a multiple of 3 animals per cage",
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = builtin_text("fst-mouse")
        .replacen("control_group = \"VEH\"", "control_group = \"SAL\"", 1)
        .replacen("n_per_group = 10", "n_per_group = 1", 1);
    let (stderr, _) = check_fails(&text);
    assert!(
        stderr.contains("control group `SAL`") && stderr.contains("n per group is 1"),
        "{stderr}"
    );
    assert!(stderr.contains("2 problems"), "{stderr}");
}

#[test]
fn a_valid_and_an_invalid_file_give_exit_code_2_and_both_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        builtin_text("fst-mouse").replacen("alpha = 0.05", "alpha = 5", 1),
    )
    .unwrap();
    let good = root().join("protocols/fst-mouse.toml");
    let out = preclin()
        .args(["protocol", "check"])
        .arg(&good)
        .arg(&bad)
        .assert()
        .code(2);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stdout.contains("ok: ") && stdout.contains("fst-mouse.toml"),
        "{stdout}"
    );
    assert!(
        stderr.contains("alpha must lie between 0 and 1, found 5"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 2 protocol files are invalid"),
        "{stderr}"
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    for args in [
        vec!["--help"],
        vec!["protocol", "list", "--help"],
        vec!["protocol", "show", "--help"],
        vec!["protocol", "check", "--help"],
        vec!["template", "--help"],
        vec!["demo", "--help"],
    ] {
        let out = preclin().args(&args).assert().success();
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(stdout.contains("Example"), "{args:?}:\n{stdout}");
    }
}

#[test]
fn sheet_names_preclin_writes_itself_are_reserved() {
    assert_located(
        "cms-cyp-rat",
        "name = \"animals\"",
        "name = \"columns\"",
        "\"columns\"",
        "sheet name `columns` is reserved",
        "choose another name",
    );
}

#[test]
fn checking_a_missing_file_names_it() {
    let out = preclin()
        .args(["protocol", "check", "no-such-protocol.toml"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("cannot read protocol file no-such-protocol.toml"),
        "{stderr}"
    );
}

#[test]
fn show_toml_prints_the_protocol_file_to_start_from() {
    let out = preclin()
        .args(["protocol", "show", "cms-cyp-rat", "--toml"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        builtin_text("cms-cyp-rat")
    );
}

#[test]
fn assay_options_are_checked_where_they_apply() {
    let text = builtin_text("cms-cyp-rat")
        .replacen(
            "reference_genes = [\"Actb\", \"Gapdh\"]",
            "reference_genes = [\"Actb\", \"Gapdh\"]\nefficiencies = { Cyp1a2 = 1.95, Actb = 3.0, Cyp9z9 = 1.9 }\nmax_cq = 60",
            1,
        )
        .replacen(
            "method = \"BCA, bovine serum albumin standards\"",
            "method = \"BCA, bovine serum albumin standards\"\nmax_cq = 35\ncurve = \"quadratic\"",
            1,
        );
    let (stderr, _) = check_fails(&text);
    for message in [
        "efficiency 3 of `Actb` is outside (1, 2.5]",
        "`Cyp9z9` is neither a target nor a reference gene of assay `mrna`",
        "no efficiency for `Gapdh`",
        "`max_cq` is 60, outside (10, 50]",
        "assay `protein` (protein-assay) does not use `max_cq`",
        "a protein standard curve is linear or four-parameter logistic",
    ] {
        assert!(stderr.contains(message), "`{message}` missing:\n{stderr}");
    }

    // A second assay of a kind would not be analysed: refused.
    let text = builtin_text("cms-cyp-rat").replacen(
        "[[assays]]\nid = \"protein\"",
        "[[assays]]\nid = \"protein-lowry\"\nkind = \"protein-assay\"\ntitle = \"Lowry\"\nsheets = [\"protein-assay\"]\n\n[[assays]]\nid = \"protein\"",
        1,
    );
    let (stderr, _) = check_fails(&text);
    assert!(
        stderr.contains(
            "assay `protein` is a second protein-assay assay (the first is `protein-lowry`)"
        ),
        "{stderr}"
    );
}
