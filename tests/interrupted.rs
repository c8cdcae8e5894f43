//! Interrupted runs leave nothing half-written: `template --force` and `analyze` are killed
//! (SIGKILL) at spread-out moments of their run, and the folder they write must then hold
//! either its previous complete state or the new complete one, byte for byte. The next
//! complete run leaves no staging folder behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bad_inputs::{copy_dir, snapshot};
use crate::common::preclin;

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_preclin"));
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

/// The same folder's files relative to it, so that two folders can be compared. The hidden
/// staging folder of an interrupted run (`.results.preclin-…` inside a study) is not part of
/// the study's state; the next run removes it, which `check_kills` checks.
fn state(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(dir).unwrap().to_path_buf(), b))
        .filter(|(p, _)| !p.to_string_lossy().contains(".preclin-"))
        .collect()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".preclin-"))
        .collect()
}

/// Runs `args` to the end and returns how long it took.
fn timed(args: &[&std::ffi::OsStr]) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_preclin"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

/// Runs `args` to the end, which must refuse with exit code 2.
fn refused(args: &[&std::ffi::OsStr]) {
    let out = Command::new(env!("CARGO_BIN_EXE_preclin"))
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
}

/// Kills `args` after `delay` (or lets it finish when it is quicker).
fn killed_after(args: &[&std::ffi::OsStr], delay: Duration) {
    let mut child = binary().args(args).spawn().unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills the command at `kills` moments spread over its run time, each time from the
/// previous state `before` in `target`; the target must then be `before` or `after`.
fn check_kills(
    name: &str,
    before: &Path,
    target: &Path,
    args: &[&std::ffi::OsStr],
    full: Duration,
    kills: u32,
) -> (u32, u32) {
    let (old, new) = (state(before), {
        copy_dir(before, target);
        timed(args);
        let s = state(target);
        std::fs::remove_dir_all(target).unwrap();
        s
    });
    assert_ne!(old, new, "{name}: the run changes the folder");
    let (mut kept, mut replaced) = (0, 0);
    for k in 0..kills {
        copy_dir(before, target);
        // Spread over 0–110 % of a full run, with an odd step so the moments differ.
        let delay = full.mul_f64(1.1 * f64::from(k * 7 % kills) / f64::from(kills - 1));
        killed_after(args, delay);
        let now = state(target);
        if now == old {
            kept += 1;
        } else if now == new {
            replaced += 1;
        } else {
            let differing: Vec<String> = now
                .keys()
                .chain(new.keys())
                .filter(|p| now.get(*p) != new.get(*p) && now.get(*p) != old.get(*p))
                .map(|p| p.display().to_string())
                .take(5)
                .collect();
            panic!(
                "{name}: killed after {delay:?}, the folder is neither the previous nor the new state: {differing:?}"
            );
        }
        // The next run cleans up after the interrupted one; unforced, it refuses to write
        // over the results a killed run had already put in place.
        let forced = args.iter().any(|a| *a == "--force");
        if now == new && !forced {
            refused(args);
        } else {
            timed(args);
        }
        assert_eq!(state(target), new, "{name}: the run after a kill");
        for dir in [target, target.parent().unwrap()] {
            assert!(leftovers(dir).is_empty(), "{name}: {:?}", leftovers(dir));
        }
        std::fs::remove_dir_all(target).unwrap();
    }
    (kept, replaced)
}

/// A tiny deterministic generator for filled-in scores.
fn scores(study: &Path, seed: u64) {
    let path = study.join("sheets/scoring.csv");
    let mut rows: Vec<Vec<String>> = csv::Reader::from_path(&path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let header: Vec<String> = csv::Reader::from_path(&path)
        .unwrap()
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (imm, lat) = (col("immobility_s"), col("latency_immobility_s"));
    let mut x = seed;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    for row in &mut rows {
        row[imm] = format!("{:.1}", 50.0 + 150.0 * next());
        row[lat] = format!("{:.1}", 10.0 + 90.0 * next());
    }
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&header).unwrap();
    for row in rows {
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn a_killed_template_leaves_the_previous_study_or_the_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let before = tmp.path().join("before");
    let target = tmp.path().join("runs/study");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    // A large study makes the run long enough to be killed in the middle.
    preclin()
        .args([
            "template",
            "cms-cyp-rat",
            "--seed",
            "1",
            "--n-per-group",
            "1000",
        ])
        .arg("--out")
        .arg(&before)
        .assert()
        .success();
    // A file of the scientist's own, which a forced template leaves alone.
    std::fs::write(before.join("sheets/notes.txt"), "cage 3 moved\n").unwrap();
    let args: Vec<&std::ffi::OsStr> = [
        "template",
        "cms-cyp-rat",
        "--seed",
        "2",
        "--n-per-group",
        "1000",
        "--force",
        "--out",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .chain([target.as_os_str()])
    .collect();
    copy_dir(&before, &target);
    let full = timed(&args);
    assert_eq!(
        std::fs::read_to_string(target.join("sheets/notes.txt")).unwrap(),
        "cage 3 moved\n"
    );
    std::fs::remove_dir_all(&target).unwrap();
    let (kept, replaced) = check_kills("template", &before, &target, &args, full, 12);
    assert_eq!(kept + replaced, 12);
    // Kills before the end keep the old study; the latest ones come after it.
    assert!(kept >= 1, "kept {kept}, replaced {replaced}");
}

#[test]
fn a_killed_analyze_leaves_the_previous_results_or_the_new_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let before = tmp.path().join("before");
    preclin()
        .args([
            "template",
            "fst-mouse",
            "--seed",
            "1",
            "--n-per-group",
            "300",
        ])
        .arg("--out")
        .arg(&before)
        .assert()
        .success();
    scores(&before, 1);
    // Two cases: results/ not there yet, and results/ of earlier scores replaced (--force).
    let first = tmp.path().join("first");
    copy_dir(&before, &first);
    let forced = tmp.path().join("forced");
    copy_dir(&before, &forced);
    preclin().arg("analyze").arg(&forced).assert().success();
    scores(&forced, 2);

    for (name, from, force) in [
        ("analyze", &first, false),
        ("analyze --force", &forced, true),
    ] {
        let target = tmp.path().join(format!("runs-{force}/study"));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let mut args: Vec<&std::ffi::OsStr> = vec!["analyze".as_ref(), target.as_os_str()];
        if force {
            args.push("--force".as_ref());
        }
        copy_dir(from, &target);
        let full = timed(&args);
        std::fs::remove_dir_all(&target).unwrap();
        let (kept, replaced) = check_kills(name, from, &target, &args, full, 10);
        assert!(kept >= 1, "{name}: kept {kept}, replaced {replaced}");
    }
}
