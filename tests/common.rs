//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn preclin() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_preclin"));
    cmd.env_remove("RUST_BACKTRACE");
    cmd
}

/// The repository's root (where `protocols/` lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn builtin_text(id: &str) -> String {
    std::fs::read_to_string(root().join("protocols").join(format!("{id}.toml"))).unwrap()
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
pub fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in fixture"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses a CSV file into rows of strings (header included).
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Writes a workbook of named worksheets, each given as rows of cells (header first), as
/// someone typing the sheets into Excel would: numbers below the header as numbers.
pub fn write_workbook(path: &Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(v) if r > 0 => ws.write_number(r as u32, c as u16, v).unwrap(),
                    _ => ws.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
    }
    wb.save(path).unwrap();
}

/// Log relative error against a certified value: the number of correct significant
/// digits (15 when exact).
pub fn lre(x: f64, certified: f64) -> f64 {
    let r = rel(x, certified);
    if r == 0.0 {
        15.0
    } else {
        (-r.log10()).min(15.0)
    }
}

/// Relative difference, or absolute when the reference is 0.
pub fn rel(a: f64, e: f64) -> f64 {
    if e == 0.0 {
        a.abs()
    } else {
        ((a - e) / e).abs()
    }
}

/// Values of one set and group from the rows of an R fixture laid out `set,group,value`
/// (header included).
pub fn fixture_values(data: &[Vec<String>], set: &str, group: &str) -> Vec<f64> {
    data[1..]
        .iter()
        .filter(|r| r[0] == set && r[1] == group)
        .map(|r| r[2].parse().unwrap())
        .collect()
}

/// Runs `preclin analyze STUDY`, expecting success; returns its results.json.
pub fn analyze_ok(study: &Path) -> serde_json::Value {
    preclin().arg("analyze").arg(study).assert().success();
    serde_json::from_str(&read(&study.join("results/results.json"))).unwrap()
}

/// Runs `preclin analyze STUDY` expecting exit 2; returns stderr and checks nothing was
/// written.
pub fn analyze_fails(study: &Path) -> String {
    let out = preclin().arg("analyze").arg(study).assert().code(2);
    assert!(
        !study.join("results").exists(),
        "results/ written despite the error"
    );
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

fn drop_between(text: &str, open: &str, close: &str) -> String {
    let mut kept = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        kept.push_str(&rest[..i]);
        let j = rest[i..]
            .find(close)
            .map_or(rest.len(), |j| i + j + close.len());
        rest = &rest[j..];
    }
    kept.push_str(rest);
    kept
}

/// The report as a reader sees it: tags, the style sheet and the drawings removed (the
/// SVGs have their own snapshots in figures.rs).
pub fn report_text(html: &str) -> String {
    let html = drop_between(&drop_between(html, "<style>", "</style>"), "<svg", "</svg>");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}
