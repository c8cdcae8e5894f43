//! `preclin record` on its live screen, driven through a pseudo-terminal as a person uses
//! it: keys typed at the screens they belong to, behaviour keys timed on the wall clock,
//! and the scoring sheet read back.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::preclin;

/// A program running in a pseudo-terminal, with everything it has written so far.
struct Pty {
    master: File,
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    size: (u16, u16),
}

impl Pty {
    fn spawn(args: &[&std::ffi::OsStr], cols: u16, rows: u16) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: the pointers are to live locals; openpty writes two descriptors.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here alone.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut command = Command::new(env!("CARGO_BIN_EXE_preclin"));
        command
            .args(args)
            .env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                // A session of its own with the pseudo-terminal as its controlling terminal.
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        // The parent's copies of the terminal's other end close here, so that reading
        // ends when the program exits.
        drop(command);
        let output = Arc::new(Mutex::new(Vec::new()));
        let (mut reader, mut answer) = (master.try_clone().unwrap(), master.try_clone().unwrap());
        let sink = Arc::clone(&output);
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                // A terminal answers a cursor-position query.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    answer.write_all(b"\x1b[1;1R").ok();
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            master,
            child,
            output,
            size: (cols, rows),
        }
    }

    /// Waits until the screen shows `text` on one of its lines.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return;
            }
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!("`{text}` never appeared; the screen:\n{screen}");
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// What a terminal of this size shows now.
    fn screen(&self) -> String {
        screen_of(&self.output.lock().unwrap(), self.size)
    }

    fn type_keys(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// The exit code, waiting at most 20 s.
    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!("the recorder did not exit");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The screen that `bytes` draw on a terminal of `size` (columns, rows): text, carriage
/// returns and line feeds, cursor positioning (`ESC [ row ; col H`) and erasing
/// (`ESC [ 2 J`, `ESC [ K`); colours and modes are ignored.
fn screen_of(bytes: &[u8], size: (u16, u16)) -> String {
    let (cols, rows) = (usize::from(size.0), usize::from(size.1));
    let mut grid = vec![vec![' '; cols]; rows];
    let (mut r, mut c) = (0usize, 0usize);
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\x1b' => {
                if chars.peek() != Some(&'[') {
                    chars.next();
                    continue;
                }
                chars.next();
                let mut params = String::new();
                let mut last = ' ';
                for p in chars.by_ref() {
                    if ('@'..='~').contains(&p) {
                        last = p;
                        break;
                    }
                    params.push(p);
                }
                let n: Vec<usize> = params
                    .split(';')
                    .map(|x| x.trim_start_matches('?').parse().unwrap_or(0))
                    .collect();
                match last {
                    'H' => {
                        r = n[0].max(1) - 1;
                        c = n.get(1).copied().unwrap_or(1).max(1) - 1;
                    }
                    'J' if n[0] == 2 => grid = vec![vec![' '; cols]; rows],
                    'K' if r < rows => grid[r][c.min(cols)..].fill(' '),
                    'h' | 'l' if n[0] == 1049 => grid = vec![vec![' '; cols]; rows],
                    _ => {}
                }
            }
            '\r' => c = 0,
            '\n' => r += 1,
            _ => {
                if r < rows && c < cols {
                    grid[r][c] = ch;
                }
                c += 1;
            }
        }
    }
    let lines: Vec<String> = grid.into_iter().map(|l| l.into_iter().collect()).collect();
    lines.join("\n")
}

/// A mouse forced swim test of 6 s with the last 4 s scored, so a trial runs in seconds.
fn short_study(dir: &Path) -> PathBuf {
    study_of(dir, 6)
}

/// The mouse forced swim test shortened to `seconds`, scored from 2 s to the end.
fn study_of(dir: &Path, seconds: u32) -> PathBuf {
    let shown = preclin()
        .args(["protocol", "show", "fst-mouse", "--toml"])
        .output()
        .unwrap();
    let text = String::from_utf8(shown.stdout)
        .unwrap()
        .replace("duration_s = 360", &format!("duration_s = {seconds}"))
        .replace("window_start_s = 120", "window_start_s = 2")
        .replace("window_end_s = 360", &format!("window_end_s = {seconds}"))
        .replace("min_bout_s = 2", "min_bout_s = 0.5");
    assert!(
        text.contains(&format!("duration_s = {seconds}\n")),
        "{text}"
    );
    let protocol = dir.join("short-fst.toml");
    std::fs::write(&protocol, text).unwrap();
    let st = dir.join("st");
    preclin()
        .arg("template")
        .arg(&protocol)
        .args(["--n-per-group", "2", "--seed", "1", "--out"])
        .arg(&st)
        .assert()
        .success();
    st
}

fn first_row(st: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(st.join("sheets/scoring.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    header
        .iter()
        .zip(row)
        .map(|(h, v)| (h.to_string(), v.to_string()))
        .collect()
}

fn cell<'a>(row: &'a [(String, String)], name: &str) -> &'a str {
    &row.iter().find(|(h, _)| h == name).unwrap().1
}

#[test]
fn a_trial_scored_on_the_live_screen_fills_the_scoring_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let st = study_of(tmp.path(), 10);
    let mut pty = Pty::spawn(&["record".as_ref(), st.as_os_str()], 100, 30);
    pty.wait_for("Next animal");
    pty.wait_for("not recorded yet");
    pty.type_keys("\r");
    pty.wait_for("test_date");
    pty.type_keys("2026-12-07\r");
    pty.wait_for("body_weight_g");
    pty.type_keys("25\r");
    pty.wait_for("water_temperature_c");
    // Out of the protocol's 23–25 °C: taken, and the animal flagged.
    pty.type_keys("26\r");
    pty.wait_for("flagged");
    pty.type_keys("\r");
    let started = Instant::now();
    thread::sleep(Duration::from_millis(2500));
    pty.type_keys("i");
    let first = started.elapsed().as_secs_f64();
    thread::sleep(Duration::from_millis(2000));
    pty.type_keys("i");
    let second = started.elapsed().as_secs_f64();
    pty.wait_for("recorded and written to the scoring sheet");
    assert!(started.elapsed() >= Duration::from_secs(10));
    pty.type_keys("q");
    assert_eq!(pty.exit_code(), Some(0), "{}", pty.screen());

    let row = first_row(&st);
    assert_eq!(cell(&row, "test_date"), "2026-12-07");
    assert_eq!(cell(&row, "body_weight_g"), "25");
    assert_eq!(cell(&row, "water_temperature_c"), "26");
    assert_eq!(cell(&row, "excluded"), "yes");
    assert_eq!(cell(&row, "exclusion_reason"), "water-temperature");
    // The bout runs from the first key to the second, as typed (each read within a few
    // frames of 50 ms), all of it in the 2–10 s window.
    let immobility: f64 = cell(&row, "immobility_s").parse().unwrap();
    let latency: f64 = cell(&row, "latency_immobility_s").parse().unwrap();
    assert!(
        (immobility - (second - first)).abs() < 0.4,
        "{row:?}, typed at {first} and {second} s"
    );
    assert!((latency - first).abs() < 0.4, "{row:?}, typed at {first} s");
    let code = cell(&row, "blind_code");
    let journal = std::fs::read_to_string(st.join(format!("sheets/events/{code}.jsonl"))).unwrap();
    assert!(journal.contains("\"clock\":\"live\""), "{journal}");
    assert_eq!(journal.matches("\"line\":\"key\"").count(), 2, "{journal}");
    assert!(
        journal.trim_end().ends_with("\"reason\":\"duration\"}"),
        "{journal}"
    );
}

#[test]
fn a_terminal_too_small_for_the_screen_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let st = short_study(tmp.path());
    let before = std::fs::read(st.join("sheets/scoring.csv")).unwrap();
    let mut pty = Pty::spawn(&["record".as_ref(), st.as_os_str()], 64, 10);
    assert_eq!(pty.exit_code(), Some(2));
    pty.wait_for("the terminal is 64×10; the recorder needs at least 64×22");
    pty.wait_for("help: enlarge the window");
    assert_eq!(
        std::fs::read(st.join("sheets/scoring.csv")).unwrap(),
        before
    );
}

#[test]
fn a_video_scored_on_a_manual_clock_gives_the_times_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let st = short_study(tmp.path());
    let mut pty = Pty::spawn(
        &[
            "record".as_ref(),
            st.as_os_str(),
            "--clock".as_ref(),
            "manual".as_ref(),
        ],
        100,
        30,
    );
    pty.wait_for("not recorded yet");
    pty.type_keys("\r");
    for (field, value) in [
        ("test_date", "2026-12-07"),
        ("body_weight_g", "24.5"),
        ("water_temperature_c", "24"),
    ] {
        pty.wait_for(field);
        pty.type_keys(&format!("{value}\r"));
    }
    pty.wait_for("Press Enter when the animal goes in");
    pty.type_keys("\r");
    pty.wait_for("manual clock");
    // To 1.25 s by typing the time, then immobility; to 2.25 s by the arrow keys (↑ +1 s);
    // a time before the clock is refused; to 3.75 s, end of the bout; the clock then runs
    // to the end of the 6-s session.
    pty.type_keys("t");
    pty.wait_for("Go to session time");
    pty.type_keys("1.25\r");
    pty.wait_for("session 1.25 of 6 s");
    pty.type_keys("i\x1b[A");
    pty.wait_for("session 2.25 of 6 s");
    pty.type_keys("t");
    pty.wait_for("Go to session time");
    pty.type_keys("2\r");
    pty.wait_for("the clock goes forward only");
    pty.type_keys("t");
    pty.wait_for("Go to session time");
    pty.type_keys("3.75\r");
    pty.wait_for("session 3.75 of 6 s");
    pty.type_keys("i\x1b[5~");
    pty.wait_for("recorded and written to the scoring sheet");
    pty.type_keys("q");
    assert_eq!(pty.exit_code(), Some(0), "{}", pty.screen());

    let row = first_row(&st);
    // 1.25–3.75 s: 2.5 s, of which 1.75 s in the 2–6 s window; latency 1.25 s.
    assert_eq!(cell(&row, "immobility_s"), "1.75", "{row:?}");
    assert_eq!(cell(&row, "latency_immobility_s"), "1.25", "{row:?}");
    let code = cell(&row, "blind_code");
    let journal = std::fs::read_to_string(st.join(format!("sheets/events/{code}.jsonl"))).unwrap();
    assert!(journal.contains("\"clock\":\"manual\""), "{journal}");
    assert!(journal.contains("\"t_ms\":1250,"), "{journal}");
    assert!(journal.contains("\"t_ms\":3750,"), "{journal}");
}
