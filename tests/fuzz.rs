//! Mutational fuzzing of the readers, on stable Rust and without extra crates.
//!
//! Each target starts from a seed corpus of real files of the repository (`protocols/`,
//! `sample_data/`, `tests/fixtures/`) and feeds its reader inputs made by small, seeded
//! mutations of them: bytes flipped, inserted or deleted, lines duplicated, dropped or
//! swapped, tokens that readers find hard (`"`, `,`, `\r\n`, a BOM, `NaN`, `1e308`, `-0`,
//! Latin-1 bytes, very long numbers) put in at random places, and pieces of one seed
//! spliced into another. A reader may refuse an input (an `Err`, which `preclin` turns
//! into exit code 2) but must not panic and must not take more than 5 s.
//!
//! `cargo test` runs a short slice with a fixed seed, so it is deterministic. A longer run:
//!
//! ```sh
//! PRECLIN_FUZZ_SECONDS=300 PRECLIN_FUZZ_SEED=7 cargo test --release --test main \
//!     fuzz::long_run -- --ignored --nocapture
//! ```
//!
//! (`PRECLIN_FUZZ_SECONDS` per target; `PRECLIN_FUZZ_TARGET=protocol` for one target.) Inputs that panic or hang are written to
//! `target/fuzz-findings/` and the run fails, listing them.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{preclin, root};

/// More than this on one small input is a hang.
const HANG: Duration = Duration::from_secs(5);

/// A small deterministic generator (SplitMix64).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that break naive readers.
const TOKENS: &[&[u8]] = &[
    b",",
    b";",
    b"\t",
    b"\"",
    b"\"\"",
    b"'",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xEF\xBB\xBF",
    b"\xB5",
    b"\xFF\xFE",
    b"\0",
    b"NaN",
    b"inf",
    b"-inf",
    b"1e308",
    b"1e-320",
    b"-0",
    b"-1",
    b"0",
    b"99999999999999999999999",
    b"4294967296",
    b"18446744073709551616",
    b".",
    b"12,5",
    b"=1+2",
    b"yes",
    b"Undetermined",
    b"[",
    b"]",
    b"[[",
    b"=",
    b"{",
    b"}",
    b" = ",
    b"\"\"\"",
    b"#",
    b"START",
    b"STOP",
    b"POINT",
    b"2026-02-30",
    b"\xE2\x80\xAF",
];

fn line_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < b.len() {
        spans.push((start, b.len()));
    }
    spans
}

/// One to four mutations of `input`; `other` is another seed to splice from.
fn mutate(dice: &mut Dice, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..1 + dice.below(4) {
        let at = dice.below(b.len() + 1);
        match dice.below(10) {
            0 if !b.is_empty() => {
                let i = dice.below(b.len());
                b[i] ^= 1 << dice.below(8);
            }
            1 if !b.is_empty() => {
                let end = (at + 1 + dice.below(16)).min(b.len());
                b.drain(at.min(end)..end);
            }
            2 => {
                let byte = dice.next() as u8;
                b.insert(at, byte);
            }
            3 | 4 => {
                let t = TOKENS[dice.below(TOKENS.len())];
                b.splice(at..at, t.iter().copied());
            }
            5 => {
                let spans = line_spans(&b);
                if !spans.is_empty() {
                    let (s, e) = spans[dice.below(spans.len())];
                    let line = b[s..e].to_vec();
                    b.splice(e..e, line);
                }
            }
            6 => {
                let spans = line_spans(&b);
                if !spans.is_empty() {
                    let (s, e) = spans[dice.below(spans.len())];
                    b.drain(s..e);
                }
            }
            7 => {
                let spans = line_spans(&b);
                if spans.len() > 1 {
                    let i = dice.below(spans.len() - 1);
                    let (s, _) = spans[i];
                    let (m, e) = spans[i + 1];
                    let mut swapped = b[m..e].to_vec();
                    if !swapped.ends_with(b"\n") {
                        swapped.push(b'\n');
                    }
                    swapped.extend_from_slice(&b[s..m]);
                    swapped.truncate(e - s);
                    b.splice(s..e, swapped);
                }
            }
            8 if !other.is_empty() => {
                let s = dice.below(other.len());
                let e = (s + 1 + dice.below(200)).min(other.len());
                b.splice(at..at, other[s..e].iter().copied());
            }
            9 => {
                // A digit run lengthened, or a cell emptied between two separators.
                if let Some(i) = (at..b.len()).find(|&i| b[i].is_ascii_digit()) {
                    let digits = b"9".repeat(1 + dice.below(30));
                    b.splice(i..i, digits);
                } else {
                    b.truncate(at);
                }
            }
            _ => b.truncate(at),
        }
    }
    b
}

/// The files one target starts from: (name, bytes).
type Corpus = Vec<(String, Vec<u8>)>;

/// What a target does with one input: `true` when the reader accepts it. Acceptance and
/// a refusal are both fine.
type Run = Arc<dyn Fn(&str, &[u8]) -> bool + Send + Sync>;

struct Target {
    name: &'static str,
    corpus: Corpus,
    run: Run,
}

fn files(paths: &[&str]) -> Corpus {
    paths
        .iter()
        .map(|p| {
            let path = root().join(p);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{p}: {e}"));
            (p.to_string(), bytes)
        })
        .collect()
}

fn extension(name: &str) -> &str {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("txt")
}

/// A study from a built-in protocol with the demo seed, made by the real binary.
fn study(dir: &Path, protocol: &str) -> PathBuf {
    let out = dir.join(protocol);
    preclin()
        .args(["template", protocol, "--seed", "20261121", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

fn blind_codes(study: &Path) -> Vec<String> {
    let key = std::fs::read_to_string(study.join("key/allocation-key.csv")).unwrap();
    key.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

/// Writes `bytes` to a fresh file named like the seed it came from.
fn input_file(work: &Path, seed: &str, bytes: &[u8]) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = work.join(format!("in-{n}"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("input.{}", extension(seed)));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn targets(work: &Path) -> Vec<Target> {
    let mut targets = Vec::new();

    // The protocol loader, and for a protocol it accepts, the study it plans.
    let protocols: Vec<String> = std::fs::read_dir(root().join("protocols"))
        .unwrap()
        .map(|e| format!("protocols/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    let mut protocol_names: Vec<&str> = protocols.iter().map(String::as_str).collect();
    protocol_names.sort();
    let inputs = work.join("inputs-protocol");
    targets.push(Target {
        name: "protocol",
        corpus: files(&protocol_names),
        run: Arc::new(move |seed, bytes| {
            let path = input_file(&inputs, seed, bytes);
            let Ok(loaded) = preclin::protocol::load_file(&path) else {
                return false;
            };
            let options = preclin::study::TemplateOptions {
                n_per_group: None,
                seed: 1,
                block_by: None,
            };
            preclin::study::plan_study(&loaded, &options)
                .is_ok_and(|plan| preclin::study::study_files(&plan).is_ok())
        }),
    });

    // The capture-sheet reader and the scoring checks, on the three kinds of scoring.
    for (name, protocol) in [
        ("scoring sheet (continuous)", "fst-mouse"),
        ("scoring sheet (per-minute bins)", "fst-imipramine-zinc"),
        ("scoring sheet (time sampling)", "fst-rat-modified"),
    ] {
        let study = study(work, protocol);
        let seed = format!("sample_data/{protocol}/scoring.csv");
        let inputs = work.join(format!("inputs-{protocol}"));
        targets.push(Target {
            name,
            corpus: files(&[seed.as_str()]),
            run: Arc::new(move |seed, bytes| {
                let path = input_file(&inputs, seed, bytes);
                preclin::analysis::analyze_study(&study, Some(&path)).is_ok()
            }),
        });
    }

    // The BORIS reader, with the session check `analyze` applies.
    let mut boris: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/boris"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".md"))
        .map(|n| format!("tests/fixtures/boris/{n}"))
        .collect();
    boris.push("sample_data/fst-mouse/boris-aggregated.tsv".into());
    boris.sort();
    let boris_names: Vec<&str> = boris.iter().map(String::as_str).collect();
    let inputs = work.join("inputs-boris");
    targets.push(Target {
        name: "BORIS event log",
        corpus: files(&boris_names),
        run: Arc::new(move |seed, bytes| {
            let path = input_file(&inputs, seed, bytes);
            let Ok(log) = preclin::ingest::read_event_log(&path) else {
                return false;
            };
            for animal in preclin::ingest::animals(&log) {
                for behaviour in preclin::ingest::behaviours(&log) {
                    preclin::ingest::behaviour_intervals(&log, &animal, &behaviour);
                }
            }
            preclin::ingest::check_session(&log, 360.0).is_ok()
        }),
    });

    // The qPCR readers: preclin's sheet, QuantStudio and CFX exports.
    let cms = study(work, "cms-cyp-rat");
    let codes = blind_codes(&cms);
    let inputs = work.join("inputs-qpcr");
    targets.push(Target {
        name: "qPCR export",
        corpus: files(&[
            "tests/fixtures/qpcr/cfx-quantification-cq-results.csv",
            "tests/fixtures/qpcr/quantstudio-results.txt",
            "sample_data/cms-cyp-rat/qpcr-cfx.csv",
            "sample_data/cms-cyp-rat/qpcr-quantstudio.txt",
            "sample_data/cms-cyp-rat/qpcr.csv",
            "sample_data/cms-cyp-rat/qpcr-capture-plate3.csv",
        ]),
        run: Arc::new(move |seed, bytes| {
            let path = input_file(&inputs, seed, bytes);
            preclin::assay::qpcr::read_qpcr(&path, Some(&codes)).is_ok()
        }),
    });

    // The table reader alone, on every CSV of the sample data.
    let inputs = work.join("inputs-table");
    targets.push(Target {
        name: "CSV table",
        corpus: files(&[
            "sample_data/cms-cyp-rat/animals.csv",
            "sample_data/cms-cyp-rat/hplc-samples.csv",
            "sample_data/cms-cyp-rat/hplc-standards.csv",
            "sample_data/cms-cyp-rat/protein-assay.csv",
            "sample_data/cms-cyp-rat/weekly.csv",
            "sample_data/cms-cyp-rat/western-blot.csv",
        ]),
        run: Arc::new(move |seed, bytes| {
            let path = input_file(&inputs, seed, bytes);
            let Ok(table) = preclin::ingest::read_table(&path, None) else {
                return false;
            };
            for header in &table.headers {
                let _ = table.numeric_column(header);
            }
            true
        }),
    });
    targets
}

/// What a run found.
#[derive(Default)]
struct Tally {
    executions: usize,
    accepted: usize,
    findings: Vec<String>,
}

/// Runs `input` on a worker thread: a panic is caught, a hang is noticed.
fn run_one(target: &Target, seed: &str, input: Vec<u8>) -> Result<bool, String> {
    let run = Arc::clone(&target.run);
    let seed_name = seed.to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| run(&seed_name, &input)));
        let _ = tx.send(outcome.map_err(|payload| {
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into())
        }));
    });
    match rx.recv_timeout(HANG) {
        Ok(Ok(accepted)) => Ok(accepted),
        Ok(Err(message)) => Err(format!("panic: {message}")),
        Err(_) => Err(format!("hang: more than {} s", HANG.as_secs())),
    }
}

fn save_finding(target: &str, n: usize, input: &[u8]) -> PathBuf {
    let dir = root().join("target/fuzz-findings");
    std::fs::create_dir_all(&dir).unwrap();
    let slug: String = target
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let path = dir.join(format!("{slug}-{n}"));
    std::fs::write(&path, input).unwrap();
    path
}

/// Fuzzes one target for `executions` inputs or until `deadline`.
fn fuzz(target: &Target, seed: u64, executions: usize, deadline: Instant) -> Tally {
    let mut dice = Dice(seed ^ target.name.len() as u64);
    let mut tally = Tally::default();
    // Every seed as it is first: the corpus itself must read.
    let mut queue: Vec<(usize, Vec<u8>)> = target
        .corpus
        .iter()
        .enumerate()
        .map(|(i, (_, b))| (i, b.clone()))
        .collect();
    while tally.executions < executions && Instant::now() < deadline {
        let (origin, input) = if let Some(seeded) = queue.pop() {
            seeded
        } else {
            let i = dice.below(target.corpus.len());
            let j = dice.below(target.corpus.len());
            let base = &target.corpus[i].1;
            let mut input = mutate(&mut dice, base, &target.corpus[j].1);
            // Stack mutations now and then, for inputs further from the seeds.
            while dice.below(4) == 0 {
                input = mutate(&mut dice, &input, &target.corpus[j].1);
            }
            (i, input)
        };
        let seed_name = &target.corpus[origin].0;
        tally.executions += 1;
        let outcome = run_one(target, seed_name, input.clone());
        tally.accepted += usize::from(outcome == Ok(true));
        if let Err(problem) = outcome {
            let saved = save_finding(target.name, tally.findings.len(), &input);
            tally.findings.push(format!(
                "{} (from {seed_name}): {problem}; input in {}",
                target.name,
                saved.display()
            ));
            if problem.starts_with("hang") {
                break;
            }
        }
    }
    tally
}

fn fuzz_all(seed: u64, executions: usize, seconds: u64) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let targets = targets(tmp.path());
    // `PRECLIN_FUZZ_TARGET=protocol` fuzzes only the targets whose name holds it.
    let only = std::env::var("PRECLIN_FUZZ_TARGET").unwrap_or_default();
    let mut findings = Vec::new();
    for target in targets.iter().filter(|t| t.name.contains(&only)) {
        let started = Instant::now();
        let tally = fuzz(
            target,
            seed,
            executions,
            started + Duration::from_secs(seconds),
        );
        println!(
            "fuzz {:<32} {:>8} executions ({:>5.1} % accepted) in {:>6.1} s, {} findings",
            target.name,
            tally.executions,
            100.0 * tally.accepted as f64 / tally.executions.max(1) as f64,
            started.elapsed().as_secs_f64(),
            tally.findings.len()
        );
        findings.extend(tally.findings);
    }
    findings
}

/// The deterministic slice `cargo test` runs: a fixed seed and number of inputs per target.
#[test]
fn readers_neither_panic_nor_hang_on_mutated_inputs() {
    let findings = fuzz_all(20261207, 1000, 120);
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

/// The long run (see the module's documentation for the command).
#[test]
#[ignore = "long fuzzing run; see tests/fuzz.rs"]
fn long_run() {
    let var = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let findings = fuzz_all(
        var("PRECLIN_FUZZ_SEED", 1),
        usize::MAX,
        var("PRECLIN_FUZZ_SECONDS", 60),
    );
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}
