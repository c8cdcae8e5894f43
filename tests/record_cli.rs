//! `preclin record`: scripted trials fill the scoring sheet and an event log that analyse to
//! the same numbers; a killed recorder loses no acknowledged key; bad studies and damaged
//! journals are refused with exit 2 and nothing changed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::bad_inputs::snapshot;
use crate::common::{csv_rows, preclin, read};

fn study(dir: &Path, protocol: &str) -> PathBuf {
    let out = dir.join("st");
    preclin()
        .args([
            "template",
            protocol,
            "--n-per-group",
            "3",
            "--seed",
            "1",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    out
}

fn codes(study: &Path) -> Vec<String> {
    csv_rows(&study.join("sheets/run-order.csv"))
        .into_iter()
        .skip(1)
        .map(|r| r[1].clone())
        .collect()
}

/// A script of every animal: bouts of different lengths and rhythms, some shorter than the
/// protocol's 2-s minimum, some across the start of the scoring window.
fn whole_study_script(codes: &[String]) -> String {
    let mut s = String::new();
    for (k, code) in codes.iter().enumerate() {
        s += &format!("animal {code}\nfield water_temperature_c 24\nstart\n");
        let mut t = 5.0 + k as f64 * 7.3;
        while t < 350.0 {
            s += &format!("{t:.3} i\n{:.3} i\n", t + 1.5 + k as f64 * 1.1);
            t += 20.0 + k as f64;
        }
        s += "400 end\n";
    }
    s
}

fn column(path: &Path, name: &str) -> Vec<(String, String)> {
    let rows = csv_rows(path);
    let c = rows[0].iter().position(|h| h == name).unwrap();
    let b = rows[0].iter().position(|h| h == "blind_code").unwrap();
    rows[1..]
        .iter()
        .map(|r| (r[b].clone(), r[c].clone()))
        .collect()
}

#[test]
fn a_recorded_study_and_its_event_log_analyse_to_the_same_immobility() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study(tmp.path(), "fst-mouse");
    let script = tmp.path().join("trials.txt");
    std::fs::write(&script, whole_study_script(&codes(&st))).unwrap();
    preclin()
        .arg("record")
        .arg(&st)
        .arg("--script")
        .arg(&script)
        .assert()
        .success()
        .stdout(predicates::str::contains("Recorded 6 trials"));
    // The first animal by hand: bouts start at 5 + 20k s and last 1.5 s, all shorter than
    // the 2-s minimum, so no immobility and a censored latency.
    let sheet = st.join("sheets/scoring.csv");
    let first = &column(&sheet, "immobility_s")[0];
    assert_eq!(first.1, "0", "{first:?}");
    assert_eq!(column(&sheet, "latency_immobility_s")[0].1, "");
    // The second: bouts of 2.6 s from 12.3 s every 21 s; in 120–360 s they start at
    // 138.3, 159.3, …, 348.3 (11 bouts) — 28.6 s — and the latency is 12.3 s.
    assert_eq!(column(&sheet, "immobility_s")[1].1, "28.6");
    assert_eq!(column(&sheet, "latency_immobility_s")[1].1, "12.3");

    preclin().arg("analyze").arg(&st).assert().success();
    preclin()
        .args(["import", "boris"])
        .arg(st.join("sheets/events/events.csv"))
        .arg("--study")
        .arg(&st)
        .assert()
        .success();
    preclin()
        .arg("analyze")
        .arg(&st)
        .arg("--data")
        .arg(st.join("sheets/scoring-from-events.csv"))
        .arg("--out")
        .arg(st.join("results-events"))
        .assert()
        .success();
    for name in ["immobility_s", "latency_immobility_s"] {
        let a = column(&st.join("results/animals.csv"), name);
        let b = column(&st.join("results-events/animals.csv"), name);
        assert_eq!(a.len(), 6);
        for ((ca, va), (cb, vb)) in a.iter().zip(&b) {
            assert_eq!(ca, cb);
            match (va.parse::<f64>(), vb.parse::<f64>()) {
                (Ok(x), Ok(y)) => assert!((x - y).abs() < 0.001, "{name} {ca}: {x} vs {y}"),
                _ => assert_eq!(va, vb, "{name} {ca}"),
            }
        }
    }
}

/// Starts a real-paced script and returns the child with its acknowledgements.
fn paced(
    st: &Path,
    script: &Path,
    extra: &[&str],
) -> (std::process::Child, impl Iterator<Item = String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_preclin"))
        .arg("record")
        .arg(st)
        .arg("--script")
        .arg(script)
        .args(["--pace", "real"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok);
    (child, lines)
}

#[test]
fn a_recorder_killed_in_a_trial_keeps_every_acknowledged_key_and_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study(tmp.path(), "fst-mouse");
    let code = codes(&st)[0].clone();
    let script = tmp.path().join("trial.txt");
    let mut text = format!("animal {code}\nstart\n");
    for k in 0..40 {
        text += &format!("{:.2} i\n", 0.1 + 0.15 * f64::from(k));
    }
    text += "400 end\n";
    std::fs::write(&script, text).unwrap();
    let (mut child, mut acks) = paced(&st, &script, &[]);
    // `start` (line 2), then five keys.
    let acknowledged: Vec<String> = acks.by_ref().take(6).collect();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(acknowledged.len(), 6, "{acknowledged:?}");
    assert_eq!(acknowledged[0], "ack 2");
    let journal = st.join(format!("sheets/events/{code}.jsonl"));
    let on_disk = read(&journal);
    // A kill can land in the middle of a line not yet acknowledged: only whole lines count.
    let whole = on_disk.ends_with('\n');
    let kept = on_disk[..on_disk.rfind('\n').map_or(0, |i| i + 1)].to_string();
    let keys: Vec<&str> = kept.lines().filter(|l| l.contains("\"key\"")).collect();
    assert!(keys.len() >= 5, "{kept}");
    for (k, line) in keys.iter().take(5).enumerate() {
        let t_ms = 100 + 150 * k;
        assert!(line.contains(&format!("\"t_ms\":{t_ms},")), "{line}");
    }
    assert!(!kept.contains("\"end\""));

    // The next start refuses to guess; resuming goes on from the last event.
    preclin()
        .arg("record")
        .arg(&st)
        .arg("--script")
        .arg(&script)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(if whole {
            "was not finished"
        } else {
            "the journal is cut short"
        }));
    let resume = tmp.path().join("resume.txt");
    std::fs::write(&resume, "start\n200 resume\n250 i\n300 i\n400 end\n").unwrap();
    let mut args = vec!["--unfinished", "resume", "--animal", &code];
    if !whole {
        args.push("--repair");
    }
    preclin()
        .arg("record")
        .arg(&st)
        .args(&args)
        .arg("--script")
        .arg(&resume)
        .assert()
        .success();
    let after = read(&journal);
    assert!(
        after.starts_with(&kept),
        "acknowledged lines kept as they were"
    );
    assert!(after.contains("\"restarted\""));
    let notes = column(&st.join("sheets/scoring.csv"), "notes");
    assert!(
        notes[0].1.contains("paused") || notes[0].1.contains("interrupted"),
        "{notes:?}"
    );
    // The keys before the kill lie before the 120-s window. With an even number of them,
    // the bout of 250–300 s is the immobility (50 s); with an odd number, the last bout
    // before the kill stays open to 250 s (130 s in the window) and 300 s opens one to the
    // end at 360 s (60 s).
    let expected = if keys.len() % 2 == 0 { "50" } else { "190" };
    let imm = column(&st.join("sheets/scoring.csv"), "immobility_s");
    assert_eq!(imm[0].1, expected, "{imm:?} after {} keys", keys.len());
}

fn refused(st: &Path, args: &[&str], message: &str) {
    let before = snapshot(st);
    let out = preclin().arg("record").arg(st).args(args).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains(message), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
    assert_eq!(snapshot(st), before, "nothing changed");
}

#[test]
fn bad_studies_and_requests_are_refused_with_nothing_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study(tmp.path(), "fst-mouse");
    let script = tmp.path().join("s.txt");
    std::fs::write(&script, "start\n10 i\n400 end\n").unwrap();
    let s = script.to_str().unwrap();
    refused(
        &st,
        &["--animal", "NOPE", "--script", s],
        "blind code `NOPE` is not in the run order",
    );
    // No terminal here: the live screen says so.
    refused(&st, &[], "needs a terminal");
    std::fs::write(&script, "start\n10 x\n").unwrap();
    let snap = snapshot(&st);
    let out = preclin()
        .arg("record")
        .arg(&st)
        .args(["--script", s])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr)
        .contains("s.txt, line 2: `x` is not a key"));
    // The journal of the trial begun is kept; the sheet is as it was.
    assert_eq!(
        snap.get(&st.join("sheets/scoring.csv")),
        snapshot(&st).get(&st.join("sheets/scoring.csv"))
    );

    let cms = tmp.path().join("cms");
    preclin()
        .args(["template", "cms-cyp-rat", "--seed", "1", "--out"])
        .arg(&cms)
        .assert()
        .success();
    refused(&cms, &["--script", s], "has no [scoring] section");

    std::fs::remove_file(st.join("sheets/run-order.csv")).unwrap();
    refused(&st, &["--script", s], "run-order.csv is missing");
}

#[test]
fn a_damaged_journal_is_named_at_its_line_and_repaired_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study(tmp.path(), "fst-mouse");
    let code = codes(&st)[0].clone();
    let journal = st.join(format!("sheets/events/{code}.jsonl"));
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let damaged = format!(
        "{{\"line\":\"trial\",\"blind_code\":\"{code}\",\"protocol\":\"fst-mouse\",\"clock\":\"live\"}}\n{{\"line\":\"start\"}}\n{{\"line\":\"key\",\"t_ms\":1000,\"behaviour\":\"immobility\"}}\n{{\"line\":\"key\",\"t_ms\":20"
    );
    std::fs::write(&journal, &damaged).unwrap();
    let script = tmp.path().join("s.txt");
    std::fs::write(&script, "start\n130 i\n400 end\n").unwrap();
    let s = script.to_str().unwrap();
    refused(
        &st,
        &["--script", s],
        &format!("{code}.jsonl, line 4: the journal is cut short (3 intact lines before it)"),
    );
    preclin()
        .arg("record")
        .arg(&st)
        .args(["--repair", "--unfinished", "resume", "--script", s])
        .assert()
        .success()
        .stdout(predicates::str::contains("kept the 3 intact lines"));
    assert_eq!(
        read(&journal.with_file_name(format!("{code}.damaged.jsonl"))),
        damaged
    );
    let now = read(&journal);
    assert!(now.starts_with(&damaged[..damaged.rfind('\n').unwrap() + 1]));
    // Recording the animal again needs --again, and keeps the earlier journal.
    std::fs::write(&script, format!("animal {code}\nstart\n400 end\n")).unwrap();
    refused(&st, &["--script", s], "was already recorded");
    preclin()
        .arg("record")
        .arg(&st)
        .args(["--again", "--script", s])
        .assert()
        .success();
    assert_eq!(
        read(&journal.with_file_name(format!("{code}.take.jsonl"))),
        now
    );
}

#[test]
fn a_row_edited_while_recording_is_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study(tmp.path(), "fst-mouse");
    let code = codes(&st)[0].clone();
    let script = tmp.path().join("s.txt");
    // A short trial: the session is 6 min, so the script ends it with `stop`.
    std::fs::write(
        &script,
        format!("animal {code}\nstart\n0.5 i\n1.5 note edited row follows\n3 stop rescued\n"),
    )
    .unwrap();
    let (mut child, mut acks) = paced(&st, &script, &[]);
    assert_eq!(acks.next().as_deref(), Some("ack 2"), "the clock started");
    let sheet = st.join("sheets/scoring.csv");
    let edited = read(&sheet).replacen(
        &format!(",{code},1,,"),
        &format!(",{code},1,2026-12-07,"),
        1,
    );
    // Saved as a spreadsheet program saves: a new file renamed over the old one.
    let staging = tmp.path().join("scoring.csv.new");
    std::fs::write(&staging, &edited).unwrap();
    std::fs::rename(&staging, &sheet).unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the row of {code} changed on disk while recording"
        )),
        "{stderr}"
    );
    assert_eq!(read(&sheet), edited, "the scientist's edit stays");
    let journal = read(&st.join(format!("sheets/events/{code}.jsonl")));
    assert!(
        journal.contains("\"end\""),
        "the trial is kept in its journal"
    );
}

#[test]
fn a_trial_stopped_early_is_excluded_with_its_reason_and_no_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study(tmp.path(), "fst-mouse");
    let codes = codes(&st);
    let script = tmp.path().join("s.txt");
    // The first animal is rescued at 150 s; the second is paused once and has a key taken
    // back: undo removes the key at 200 s, so the bout of 130 s runs to 260 s.
    let text = format!(
        "animal {}\nfield water_temperature_c 24\nstart\n130 i\n140 i\n150 stop rescued\n\
         animal {}\nfield water_temperature_c 24\nstart\n130 i\n150 pause\n150 resume\n\
         200 i\n201 undo\n260 i\n400 end\n",
        codes[0], codes[1]
    );
    std::fs::write(&script, text).unwrap();
    preclin()
        .arg("record")
        .arg(&st)
        .arg("--script")
        .arg(&script)
        .assert()
        .success();
    let sheet = st.join("sheets/scoring.csv");
    let cell = |name: &str, k: usize| column(&sheet, name)[k].1.clone();
    assert_eq!(cell("excluded", 0), "yes");
    assert_eq!(cell("exclusion_reason", 0), "rescued");
    assert_eq!(cell("immobility_s", 0), "");
    assert_eq!(cell("latency_immobility_s", 0), "");
    assert!(cell("notes", 0).contains("trial stopped at 150 s (rescued)"));
    assert_eq!(cell("excluded", 1), "no");
    assert_eq!(cell("immobility_s", 1), "130");
    assert_eq!(cell("latency_immobility_s", 1), "130");
    assert!(
        cell("notes", 1).contains("paused at 150 s"),
        "{}",
        cell("notes", 1)
    );
    // The event log holds full sessions only.
    let events = read(&st.join("sheets/events/events.csv"));
    assert!(!events.contains(&codes[0]), "{events}");
    assert!(
        events.contains(&format!("{},immobility,130,260", codes[1])),
        "{events}"
    );
    // analyze takes both recorded rows and stops at the first animal not yet recorded.
    let out = preclin().arg("analyze").arg(&st).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("row 4, column `immobility_s`"), "{err}");
}

#[test]
fn a_second_observer_is_compared_with_the_scoring_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study(tmp.path(), "fst-mouse");
    let codes = codes(&st);
    let trials = |ends: [u32; 3], with_fields: bool| {
        let mut s = String::new();
        for (code, end) in codes.iter().zip(ends) {
            s += &format!("animal {code}\n");
            if with_fields {
                s += "field water_temperature_c 24\n";
            }
            s += &format!("start\n150 i\n{end} i\n400 end\n");
        }
        s
    };
    let first = tmp.path().join("first.txt");
    let second = tmp.path().join("second.txt");
    std::fs::write(&first, trials([200, 230, 260], true)).unwrap();
    std::fs::write(&second, trials([202, 229, 263], false)).unwrap();
    let sheet_before = |st: &Path| read(&st.join("sheets/scoring.csv"));
    preclin()
        .arg("record")
        .arg(&st)
        .arg("--script")
        .arg(&first)
        .assert()
        .success();
    let sheet = sheet_before(&st);
    preclin()
        .arg("record")
        .arg(&st)
        .args(["--observer", "lena", "--script"])
        .arg(&second)
        .assert()
        .success();
    assert_eq!(
        sheet_before(&st),
        sheet,
        "a second observer leaves the sheet alone"
    );
    assert!(st
        .join(format!("sheets/events/lena/{}.jsonl", codes[0]))
        .is_file());
    let out = preclin()
        .arg("record")
        .arg(&st)
        .args(["--agreement", "lena"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    // Immobility 50, 80, 110 s on the sheet and 52, 79, 113 s by lena: differences 2, −1,
    // 3; bias 4/3, SD √(13/3) = 2.082, limits 1.333 ∓ 1.96 × 2.082 = −2.747 to 5.413.
    assert!(
        text.contains("immobility_s — 3 animals scored by both"),
        "{text}"
    );
    assert!(text.contains("bias (lena − sheet)  1.333"), "{text}");
    assert!(text.contains("SD of differences 2.082"), "{text}");
    assert!(
        text.contains("limits of agreement -2.747 to 5.413"),
        "{text}"
    );
    assert!(text.contains("ICC(2,1) absolute agreement"), "{text}");
    assert!(text.contains("not recorded by lena: 3 animals"), "{text}");

    let out = preclin()
        .arg("record")
        .arg(&st)
        .args(["--agreement", "bob"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("observer bob has recorded nothing"), "{err}");
}
