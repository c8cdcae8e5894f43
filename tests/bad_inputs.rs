//! The catalogue of bad inputs (`docs/bad-inputs.md`): one row per class of mistake, across
//! protocol files, capture sheets (CSV and workbook), BORIS exports, qPCR exports, HPLC and
//! protein sheets, and `preclin stats` inputs. Every case must end with exit code 2, a
//! message naming the file and — where the mistake has one — the row, the column and the
//! value, a hint (`help:`), no `results/` or other output written, and every input file
//! byte for byte as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{preclin, root};

/// What a case starts from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Base {
    /// `study/`: fst-mouse with the sample scores; `preclin analyze study`.
    Mouse,
    /// `study/`: fst-imipramine-zinc (per-minute bins) with the sample scores.
    Zinc,
    /// `study/`: fst-rat-modified (5-s tallies) with the sample scores.
    Rat,
    /// `study/`: the CMS / CYP study with the sample sheets and qPCR exports.
    Cms,
    /// `study/` as `Mouse`, analysed with `--data study/entered.xlsx`.
    MouseWorkbook,
    /// `p.toml`: the fst-mouse protocol; `preclin protocol check p.toml`.
    Protocol,
    /// `study/` as `Mouse` with `log.tsv`, the sample BORIS export; `preclin import boris`.
    Boris,
    /// `data.csv`: three groups of five; `preclin stats compare data.csv --value v --group g`.
    Stats,
    /// `data.csv` as `Stats`, compared with `--test welch-anova`.
    StatsWelch,
}

type Edit = Box<dyn Fn(&[u8]) -> Vec<u8>>;

struct Case {
    class: &'static str,
    base: Base,
    /// The file the edit is applied to (created when missing), relative to the case folder.
    file: &'static str,
    edit: Edit,
    /// What the message must name (file, row, column, value, problem).
    expect: Vec<&'static str>,
}

fn case(
    class: &'static str,
    base: Base,
    file: &'static str,
    edit: Edit,
    expect: &[&'static str],
) -> Case {
    Case {
        class,
        base,
        file,
        edit,
        expect: expect.to_vec(),
    }
}

// ---- edits ----------------------------------------------------------------------------

fn text_of(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("base files are UTF-8")
}

/// Splits a text into lines that keep their line ends.
fn lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n').map(str::to_string).collect()
}

fn split_end(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\r', '\n']);
    (body, &line[body.len()..])
}

/// Applies `f` to the cells of spreadsheet row `row` (the header is row 1).
fn cells(sep: char, row: usize, f: impl Fn(&mut Vec<String>) + 'static) -> Edit {
    Box::new(move |b| {
        let mut ls = lines(&text_of(b));
        let (body, end) = split_end(&ls[row - 1]);
        let mut cells: Vec<String> = body.split(sep).map(str::to_string).collect();
        f(&mut cells);
        ls[row - 1] = format!("{}{end}", cells.join(&sep.to_string()));
        ls.concat().into_bytes()
    })
}

/// Sets one cell, found by its column's header.
fn set_in(sep: char, row: usize, column: &'static str, value: &'static str) -> Edit {
    Box::new(move |b| {
        let text = text_of(b);
        let header = split_end(&lines(&text)[0]).0.to_string();
        let c = header
            .split(sep)
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        cells(sep, row, move |cells| cells[c] = value.to_string())(b)
    })
}

fn set(row: usize, column: &'static str, value: &'static str) -> Edit {
    set_in(',', row, column, value)
}

/// Several edits, in order.
fn all(edits: Vec<Edit>) -> Edit {
    Box::new(move |b| edits.iter().fold(b.to_vec(), |acc, e| e(&acc)))
}

fn replace(from: &'static str, to: &'static str) -> Edit {
    Box::new(move |b| {
        let t = text_of(b);
        assert!(t.contains(from), "`{from}` not in the file");
        t.replacen(from, to, 1).into_bytes()
    })
}

fn bytes(content: &'static [u8]) -> Edit {
    Box::new(move |_| content.to_vec())
}

fn delete_row(row: usize) -> Edit {
    Box::new(move |b| {
        let mut ls = lines(&text_of(b));
        ls.remove(row - 1);
        ls.concat().into_bytes()
    })
}

fn keep_rows(n: usize) -> Edit {
    Box::new(move |b| lines(&text_of(b))[..n].concat().into_bytes())
}

fn map_text(f: fn(String) -> String) -> Edit {
    Box::new(move |b| f(text_of(b)).into_bytes())
}

/// The sample mouse scores as a workbook typed in Excel, with one cell changed.
fn workbook(row: usize, column: &'static str, cell: WorkbookCell) -> Edit {
    Box::new(move |_| {
        let sample =
            std::fs::read_to_string(root().join("sample_data/fst-mouse/scoring.csv")).unwrap();
        let rows: Vec<Vec<String>> = sample
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let c = rows[0].iter().position(|h| h == column).unwrap();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("scoring").unwrap();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        for (r, cells) in rows.iter().enumerate() {
            for (i, v) in cells.iter().enumerate() {
                let (r, i) = (r as u32, i as u16);
                if r as usize == row - 1 && i as usize == c {
                    match cell {
                        WorkbookCell::Text(t) => ws.write_string(r, i, t),
                        WorkbookCell::Number(x) => ws.write_number(r, i, x),
                    }
                    .unwrap();
                    continue;
                }
                if r > 0 && rows[0][i as usize] == "test_date" {
                    let d = rust_xlsxwriter::ExcelDateTime::parse_from_str(v).unwrap();
                    ws.write_datetime_with_format(r, i, &d, &date).unwrap();
                } else {
                    match v.parse::<f64>() {
                        Ok(x) if r > 0 => ws.write_number(r, i, x),
                        _ => ws.write_string(r, i, v),
                    }
                    .unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    })
}

#[derive(Clone, Copy)]
enum WorkbookCell {
    Text(&'static str),
    Number(f64),
}

// ---- the catalogue ----------------------------------------------------------------------

const SCORES: &str = "study/sheets/scoring.csv";
const LOG: &str = "log.tsv";
const PROTOCOL: &str = "p.toml";
const DATA: &str = "data.csv";

fn catalogue() -> Vec<Case> {
    use Base::*;
    let t = |c: char| move |row: usize, col: &'static str, v: &'static str| set_in(c, row, col, v);
    let tab = t('\t');
    vec![
        // Protocol files.
        case(
            "protocol: empty file",
            Protocol,
            PROTOCOL,
            bytes(b""),
            &["p.toml"],
        ),
        case(
            "protocol: TOML syntax error",
            Protocol,
            PROTOCOL,
            replace("title = \"Forced", "title = Forced"),
            &["p.toml:6"],
        ),
        case(
            "protocol: misspelled field",
            Protocol,
            PROTOCOL,
            replace("window_start_s", "window_stat_s"),
            &["p.toml", "window_stat_s", "window_start_s"],
        ),
        case(
            "protocol: wrong type",
            Protocol,
            PROTOCOL,
            replace("n_per_group = 10", "n_per_group = \"ten\""),
            &["p.toml", "n_per_group"],
        ),
        case(
            "protocol: unknown apparatus kind",
            Protocol,
            PROTOCOL,
            replace("kind = \"swim-cylinder\"", "kind = \"swim-tank\""),
            &["p.toml", "swim-tank", "swim-cylinder"],
        ),
        case(
            "protocol: scoring window past the session",
            Protocol,
            PROTOCOL,
            replace("window_end_s = 360", "window_end_s = 400"),
            &["p.toml", "400"],
        ),
        case(
            "protocol: negative dose",
            Protocol,
            PROTOCOL,
            replace("dose = 30,", "dose = -30,"),
            &["p.toml", "dose"],
        ),
        case(
            "protocol: control group not a group",
            Protocol,
            PROTOCOL,
            replace("control_group = \"VEH\"", "control_group = \"VHE\""),
            &["p.toml", "VHE"],
        ),
        case(
            "protocol: two groups of one id",
            Protocol,
            PROTOCOL,
            replace("id = \"IMI30\"", "id = \"VEH\""),
            &["p.toml", "VEH"],
        ),
        case(
            "protocol: latency of a behaviour not scored",
            Protocol,
            PROTOCOL,
            replace("behaviour = \"immobility\"", "behaviour = \"climbing\""),
            &["p.toml", "climbing"],
        ),
        case(
            "protocol: no animals per group",
            Protocol,
            PROTOCOL,
            replace("n_per_group = 10", "n_per_group = 0"),
            &["p.toml", "n_per_group"],
        ),
        case(
            "protocol: more animals per group than a sheet is made for",
            Protocol,
            PROTOCOL,
            replace("n_per_group = 10", "n_per_group = 999910"),
            &["p.toml", "n_per_group", "999910", "1000"],
        ),
        case(
            "protocol: a session longer than a day",
            Protocol,
            PROTOCOL,
            replace("duration_s = 360", "duration_s = 99999999999360"),
            &["p.toml", "duration_s", "24 h"],
        ),
        case(
            "protocol: non-UTF-8 bytes",
            Protocol,
            PROTOCOL,
            Box::new(|b| {
                let mut v = b.to_vec();
                let i = text_of(b).find("glass").unwrap();
                v[i] = 0xE9;
                v
            }),
            &["p.toml", "UTF-8"],
        ),
        case(
            "protocol: exclusion criterion on a column no sheet has",
            Protocol,
            PROTOCOL,
            replace(
                "column = \"water_temperature_c\"",
                "column = \"water_temp_c\"",
            ),
            &["p.toml", "water_temp_c"],
        ),
        // The scoring sheet (CSV).
        case(
            "sheet: empty file",
            Mouse,
            SCORES,
            bytes(b""),
            &["scoring.csv", "is empty"],
        ),
        case(
            "sheet: header only",
            Mouse,
            SCORES,
            keep_rows(1),
            &["scoring.csv", "no data rows"],
        ),
        case(
            "sheet: one cell too many (shifted row)",
            Mouse,
            SCORES,
            cells(',', 5, |c| c.insert(3, "2026-11-23".into())),
            &["scoring.csv, row 5", "12 cells", "11 columns"],
        ),
        case(
            "sheet: one cell too few",
            Mouse,
            SCORES,
            cells(',', 6, |c| {
                c.remove(4);
            }),
            &["scoring.csv, row 6", "10 cells", "11 columns"],
        ),
        case(
            "sheet: decimal comma in a comma-separated file",
            Mouse,
            SCORES,
            set(4, "immobility_s", "181,9"),
            &["scoring.csv, row 4", "decimal comma"],
        ),
        case(
            "sheet: byte-order mark and a bad cell",
            Mouse,
            SCORES,
            Box::new(|b| {
                let mut v = b"\xEF\xBB\xBF".to_vec();
                v.extend(set(3, "immobility_s", "lots")(b));
                v
            }),
            &["scoring.csv, row 3", "`immobility_s`", "`lots`"],
        ),
        case(
            "sheet: CRLF line ends and a bad cell",
            Mouse,
            SCORES,
            all(vec![
                map_text(|t| t.replace('\n', "\r\n")),
                set(9, "body_weight_g", "27.5g"),
            ]),
            &["scoring.csv, row 9", "`body_weight_g`", "`27.5g`"],
        ),
        case(
            "sheet: non-UTF-8 byte (Latin-1 µ)",
            Mouse,
            SCORES,
            Box::new(|b| {
                let mut v = set(7, "notes", "5 XL")(b);
                let i = text_of(&v).find("5 XL").unwrap();
                v[i + 2] = 0xB5;
                v
            }),
            &["scoring.csv, row 7", "0xB5", "UTF-8"],
        ),
        case(
            "sheet: text in a number cell",
            Mouse,
            SCORES,
            set(3, "immobility_s", "n/a"),
            &[
                "scoring.csv, row 3",
                "`immobility_s`",
                "`n/a`",
                "not a number",
            ],
        ),
        case(
            "sheet: NaN",
            Mouse,
            SCORES,
            set(3, "immobility_s", "NaN"),
            &["row 3", "`immobility_s`", "`NaN`"],
        ),
        case(
            "sheet: infinity",
            Mouse,
            SCORES,
            set(3, "latency_immobility_s", "inf"),
            &["row 3", "`latency_immobility_s`", "`inf`"],
        ),
        case(
            "sheet: 1e308",
            Mouse,
            SCORES,
            set(3, "immobility_s", "1e308"),
            &["row 3", "`immobility_s`", "`1e308`", "240"],
        ),
        case(
            "sheet: negative time",
            Mouse,
            SCORES,
            set(3, "immobility_s", "-4"),
            &["row 3", "`immobility_s`", "`-4`", "negative"],
        ),
        case(
            "sheet: time longer than the window",
            Mouse,
            SCORES,
            set(3, "immobility_s", "250"),
            &["row 3", "`immobility_s`", "`250`", "240"],
        ),
        case(
            "sheet: latency past the session",
            Mouse,
            SCORES,
            set(3, "latency_immobility_s", "400"),
            &["row 3", "`latency_immobility_s`", "`400`", "360"],
        ),
        case(
            "sheet: date not in ISO form",
            Mouse,
            SCORES,
            set(3, "test_date", "23/11/2026"),
            &["row 3", "`test_date`", "`23/11/2026`", "YYYY-MM-DD"],
        ),
        case(
            "sheet: impossible date",
            Mouse,
            SCORES,
            set(3, "test_date", "2026-02-30"),
            &["row 3", "`test_date`", "`2026-02-30`"],
        ),
        case(
            "sheet: text in a date cell",
            Mouse,
            SCORES,
            set(3, "test_date", "5x"),
            &["row 3", "`test_date`", "`5x`"],
        ),
        case(
            "sheet: date in a number cell",
            Mouse,
            SCORES,
            set(3, "body_weight_g", "2026-12-01"),
            &["row 3", "`body_weight_g`", "`2026-12-01`", "date"],
        ),
        case(
            "sheet: body weight out of range",
            Mouse,
            SCORES,
            set(3, "body_weight_g", "275"),
            &["row 3", "`body_weight_g`", "`275`", "100"],
        ),
        case(
            "sheet: water temperature with its unit",
            Mouse,
            SCORES,
            set(3, "water_temperature_c", "24 °C"),
            &["row 3", "`water_temperature_c`", "`24 °C`", "without units"],
        ),
        case(
            "sheet: duplicate animal",
            Mouse,
            SCORES,
            set(5, "blind_code", "MPFA"),
            &["row 5", "`blind_code`", "`MPFA`", "row 2"],
        ),
        case(
            "sheet: unknown blind code",
            Mouse,
            SCORES,
            set(5, "blind_code", "MZZZ"),
            &["row 5", "`blind_code`", "`MZZZ`"],
        ),
        case(
            "sheet: empty blind code",
            Mouse,
            SCORES,
            set(5, "blind_code", ""),
            &["row 5", "`blind_code`", "empty"],
        ),
        case(
            "sheet: an animal's row missing",
            Mouse,
            SCORES,
            delete_row(5),
            &["scoring.csv", "MTN9"],
        ),
        case(
            "sheet: missing score column",
            Mouse,
            SCORES,
            replace("immobility_s,latency", "immobility,latency"),
            &["scoring.csv", "immobility_s"],
        ),
        case(
            "sheet: the same column twice",
            Mouse,
            SCORES,
            replace("body_weight_g,water", "immobility_s,water"),
            &["scoring.csv", "`immobility_s`", "twice"],
        ),
        case(
            "sheet: score missing for an analysed animal",
            Mouse,
            SCORES,
            set(3, "immobility_s", ""),
            &["row 3", "`immobility_s`", "empty"],
        ),
        case(
            "sheet: excluded not yes or no",
            Mouse,
            SCORES,
            set(3, "excluded", "maybe"),
            &["row 3", "`excluded`", "`maybe`"],
        ),
        case(
            "sheet: excluded without a reason",
            Mouse,
            SCORES,
            set(3, "excluded", "yes"),
            &["row 3", "`exclusion_reason`"],
        ),
        case(
            "sheet: reason `other` without a note",
            Mouse,
            SCORES,
            all(vec![
                set(3, "excluded", "yes"),
                set(3, "exclusion_reason", "other"),
            ]),
            &["row 3", "`exclusion_reason`", "`other`", "notes"],
        ),
        case(
            "sheet: value of an excluded animal out of range",
            Mouse,
            SCORES,
            all(vec![
                set(3, "excluded", "yes"),
                set(3, "exclusion_reason", "rescued"),
                set(3, "immobility_s", "-3"),
            ]),
            &["row 3", "`immobility_s`", "`-3`"],
        ),
        case(
            "sheet: identity cell changed (cage)",
            Mouse,
            SCORES,
            set(3, "cage", "5"),
            &["row 3", "`cage`", "`5`", "MXNV"],
        ),
        case(
            "sheet: empty latency beside immobility in the window",
            Mouse,
            SCORES,
            set(3, "latency_immobility_s", ""),
            &["row 3", "`immobility_s`", "`latency_immobility_s`"],
        ),
        case(
            "sheet: latency later than the immobility allows",
            Mouse,
            SCORES,
            set(4, "latency_immobility_s", "300"),
            &[
                "row 4",
                "`immobility_s`",
                "`181.9`",
                "`latency_immobility_s` is `300`",
            ],
        ),
        case(
            "sheet: every animal of a group excluded",
            Mouse,
            SCORES,
            Box::new(|b| {
                // MXNV, M3JV … rows of one group: exclude all of VEH by the key.
                let key = std::fs::read_to_string(
                    WORK.with(|w| w.borrow().join("study/key/allocation-key.csv")),
                )
                .unwrap();
                let veh: Vec<String> = key
                    .lines()
                    .filter(|l| l.contains(",VEH,"))
                    .map(|l| l.split(',').next().unwrap().to_string())
                    .collect();
                let t = text_of(b);
                t.lines()
                    .map(|l| {
                        let mut c: Vec<String> = l.split(',').map(str::to_string).collect();
                        if veh.contains(&c[1]) {
                            c[8] = "yes".into();
                            c[9] = "dosing-error".into();
                        }
                        c.join(",") + "\n"
                    })
                    .collect::<String>()
                    .into_bytes()
            }),
            &["scoring.csv", "VEH", "no animal left"],
        ),
        case(
            "sheet: unclosed quote",
            Mouse,
            SCORES,
            set(4, "notes", "\"wet fur"),
            &["scoring.csv", "row 4"],
        ),
        // Bins and tallies.
        case(
            "bins: a bin longer than its minute",
            Zinc,
            SCORES,
            set(3, "immobility_min4_s", "61"),
            &["row 3", "`immobility_min4_s`", "`61`", "60"],
        ),
        case(
            "bins: a bin missing",
            Zinc,
            SCORES,
            set(3, "immobility_min4_s", ""),
            &["row 3", "`immobility_min4_s`", "empty"],
        ),
        case(
            "bins: total that does not add up",
            Zinc,
            SCORES,
            all(vec![
                replace(
                    "immobility_min6_s,excluded",
                    "immobility_min6_s,immobility_s,excluded",
                ),
                Box::new(|b| {
                    let t = text_of(b);
                    t.lines()
                        .enumerate()
                        .map(|(i, l)| {
                            let mut c: Vec<String> = l.split(',').map(str::to_string).collect();
                            if i > 0 {
                                c.insert(13, if i == 2 { "10".into() } else { String::new() });
                            }
                            c.join(",") + "\n"
                        })
                        .collect::<String>()
                        .into_bytes()
                }),
            ]),
            &["row 3", "`immobility_s`", "`10`", "sum of the bins"],
        ),
        case(
            "tallies: more samples than the window has",
            Rat,
            SCORES,
            set(3, "immobility_count", "40"),
            &["row 3", "samples"],
        ),
        case(
            "tallies: a fraction of a sample",
            Rat,
            SCORES,
            set(3, "swimming_count", "12.5"),
            &["row 3", "`swimming_count`", "`12.5`", "whole"],
        ),
        case(
            "tallies: a count above the samples of the window",
            Rat,
            SCORES,
            set(3, "climbing_count", "61"),
            &["row 3", "`climbing_count`", "`61`", "60"],
        ),
        // The workbook.
        case(
            "workbook: text in a number cell",
            MouseWorkbook,
            "study/entered.xlsx",
            workbook(4, "immobility_s", WorkbookCell::Text("181.9 s")),
            &[
                "entered.xlsx, sheet scoring, row 4",
                "`immobility_s`",
                "`181.9 s`",
            ],
        ),
        case(
            "workbook: a number in a date cell",
            MouseWorkbook,
            "study/entered.xlsx",
            workbook(4, "test_date", WorkbookCell::Number(46349.0)),
            &[
                "entered.xlsx, sheet scoring, row 4",
                "`test_date`",
                "`46349`",
                "not a date",
            ],
        ),
        case(
            "workbook: a date cell in a number column",
            MouseWorkbook,
            "study/entered.xlsx",
            workbook(5, "body_weight_g", WorkbookCell::Text("2026-11-23")),
            &["entered.xlsx, sheet scoring, row 5", "`body_weight_g`"],
        ),
        case(
            "workbook: not a workbook",
            MouseWorkbook,
            "study/entered.xlsx",
            bytes(b"run_order,blind_code\n1,MPFA\n"),
            &["entered.xlsx", "workbook"],
        ),
        case(
            "workbook: both the CSV and the workbook filled",
            Mouse,
            "study/sheets/capture.xlsx",
            workbook(2, "notes", WorkbookCell::Text("")),
            &["sheets", "both"],
        ),
        // BORIS exports.
        case(
            "boris: empty file",
            Boris,
            LOG,
            bytes(b""),
            &["log.tsv", "empty"],
        ),
        case("boris: header only", Boris, LOG, keep_rows(1), &["log.tsv"]),
        case(
            "boris: not an event log",
            Boris,
            LOG,
            bytes(b"a,b,c\n1,2,3\n"),
            &["log.tsv", "row 1", "not a behaviour event log"],
        ),
        case(
            "boris: animal not in the study",
            Boris,
            LOG,
            tab(3, "Observation id", "MXXX"),
            &["log.tsv", "row 3", "MXXX"],
        ),
        case(
            "boris: stop before start",
            Boris,
            LOG,
            tab(3, "Stop (s)", "100.000"),
            &["log.tsv", "row 3", "`Stop (s)`", "`100`"],
        ),
        case(
            "boris: time past the session",
            Boris,
            LOG,
            last_stop("400.000"),
            &["log.tsv", "`Stop (s)`", "`400`", "360"],
        ),
        case(
            "boris: negative time",
            Boris,
            LOG,
            tab(2, "Start (s)", "-1.000"),
            &["log.tsv", "row 2", "`-1.000`"],
        ),
        case(
            "boris: time not a number",
            Boris,
            LOG,
            tab(3, "Start (s)", "1:54.7"),
            &["log.tsv", "row 3", "`Start (s)`", "`1:54.7`"],
        ),
        case(
            "boris: overlapping bouts of one behaviour",
            Boris,
            LOG,
            tab(4, "Start (s)", "118.000"),
            &["log.tsv", "row 4", "overlap"],
        ),
        case(
            "boris: non-UTF-8 byte",
            Boris,
            LOG,
            Box::new(|b| {
                let mut v = b.to_vec();
                let i = text_of(b).find("simulated").unwrap();
                v[i] = 0xE9;
                v
            }),
            &["log.tsv", "row 2", "UTF-8"],
        ),
        case(
            "boris: ragged row",
            Boris,
            LOG,
            cells('\t', 3, |c| {
                c.truncate(12);
            }),
            &["log.tsv", "row 3"],
        ),
        // qPCR exports and sheets.
        case(
            "qpcr: QuantStudio export without [Results]",
            Cms,
            "study/sheets/qpcr-exports/qpcr-quantstudio.txt",
            map_text(|t| t.replace("[Results]", "[Result]")),
            &["qpcr-quantstudio.txt", "[Results]"],
        ),
        case(
            "qpcr: CFX decimal comma in a comma-separated export",
            Cms,
            "study/sheets/qpcr-exports/qpcr-cfx.csv",
            set(3, "Cq", "16,678"),
            &["qpcr-cfx.csv", "row 3"],
        ),
        case(
            "qpcr: CFX Cq that is not a number",
            Cms,
            "study/sheets/qpcr-exports/qpcr-cfx.csv",
            set(3, "Cq", "16.6x"),
            &["qpcr-cfx.csv", "row 3", "16.6x"],
        ),
        case(
            "qpcr: sample not in the study",
            Cms,
            "study/sheets/qpcr-exports/qpcr-cfx.csv",
            set(3, "Sample", "CZZZ"),
            &["qpcr-cfx.csv", "row 3", "CZZZ"],
        ),
        case(
            "qpcr: capture sheet Cq out of range",
            Cms,
            "study/sheets/qpcr.csv",
            set(3, "cq", "-2"),
            &["qpcr.csv", "row 3", "`cq`", "`-2`"],
        ),
        case(
            "qpcr: capture sheet well twice",
            Cms,
            "study/sheets/qpcr.csv",
            set(3, "well", "A1"),
            &["qpcr.csv", "row 3", "A1"],
        ),
        // HPLC, protein, Western blot, animals.
        case(
            "hplc: negative peak area",
            Cms,
            "study/sheets/hplc-samples.csv",
            set(4, "peak_area", "-5"),
            &["hplc-samples.csv", "row 4", "`peak_area`", "`-5`"],
        ),
        case(
            "hplc: run without standards",
            Cms,
            "study/sheets/hplc-samples.csv",
            set(4, "run", "CAF-9"),
            &["hplc-samples.csv", "row 4", "CAF-9"],
        ),
        case(
            "hplc: standard concentration not a number",
            Cms,
            "study/sheets/hplc-standards.csv",
            set(4, "nominal_um", "0.5 µM"),
            &["hplc-standards.csv", "row 4", "`nominal_um`", "`0.5 µM`"],
        ),
        case(
            "protein: absorbance not a number",
            Cms,
            "study/sheets/protein-assay.csv",
            set(3, "absorbance", "OVRFLW"),
            &["protein-assay.csv", "row 3", "`absorbance`", "`OVRFLW`"],
        ),
        case(
            "protein: unknown role",
            Cms,
            "study/sheets/protein-assay.csv",
            set(3, "role", "standrad"),
            &["protein-assay.csv", "row 3", "`role`", "standard"],
        ),
        case(
            "western: negative density",
            Cms,
            "study/sheets/western-blot.csv",
            set(3, "target_density", "-10"),
            &["western-blot.csv", "row 3", "`target_density`", "`-10`"],
        ),
        case(
            "animals: date in ISO form only",
            Cms,
            "study/sheets/animals.csv",
            set(3, "dissection_date", "11/23/2026"),
            &["animals.csv", "row 3", "`dissection_date`", "`11/23/2026`"],
        ),
        case(
            "weekly: week not a whole number",
            Cms,
            "study/sheets/weekly.csv",
            set(3, "week", "1.5"),
            &["weekly.csv", "row 3", "`week`"],
        ),
        // `preclin stats` inputs.
        case("stats: empty file", Stats, DATA, bytes(b""), &["data.csv"]),
        case(
            "stats: header only",
            Stats,
            DATA,
            keep_rows(1),
            &["data.csv", "no data rows"],
        ),
        case(
            "stats: value column missing",
            Stats,
            DATA,
            replace("g,v", "g,value"),
            &["data.csv", "`v`", "value"],
        ),
        case(
            "stats: text among the values",
            Stats,
            DATA,
            set(4, "v", "12..5"),
            &["data.csv", "row 4", "`v`", "`12..5`"],
        ),
        case(
            "stats: a group of one for Welch's ANOVA",
            StatsWelch,
            DATA,
            Box::new(|b| {
                let t = text_of(b);
                t.lines()
                    .filter(|l| !l.starts_with("C,") || l.ends_with(",7.1"))
                    .map(|l| format!("{l}\n"))
                    .collect::<String>()
                    .into_bytes()
            }),
            &["data.csv", "C"],
        ),
        case(
            "stats: one group only",
            Stats,
            DATA,
            Box::new(|b| {
                let t = text_of(b);
                t.lines()
                    .filter(|l| !l.starts_with("B,") && !l.starts_with("C,"))
                    .map(|l| format!("{l}\n"))
                    .collect::<String>()
                    .into_bytes()
            }),
            &["data.csv", "group"],
        ),
        case(
            "stats: every value equal",
            Stats,
            DATA,
            Box::new(|b| {
                let t = text_of(b);
                t.lines()
                    .enumerate()
                    .map(|(i, l)| {
                        if i == 0 {
                            format!("{l}\n")
                        } else {
                            format!("{},5\n", &l[..1])
                        }
                    })
                    .collect::<String>()
                    .into_bytes()
            }),
            &["data.csv", "v"],
        ),
        case(
            "stats: blank group label",
            Stats,
            DATA,
            set(5, "g", ""),
            &["data.csv", "row 5", "`g`"],
        ),
        case(
            "stats: ragged row",
            Stats,
            DATA,
            cells(',', 6, |c| c.push("x".into())),
            &["data.csv", "row 6"],
        ),
    ]
}

/// Sets the `Stop (s)` of the log's last event.
fn last_stop(value: &'static str) -> Edit {
    Box::new(move |b| {
        let n = lines(&text_of(b)).len();
        set_in('\t', n, "Stop (s)", value)(b)
    })
}

thread_local! {
    /// The case folder being edited (for edits that read other files of the study).
    static WORK: std::cell::RefCell<PathBuf> = std::cell::RefCell::new(PathBuf::new());
}

// ---- running a case ---------------------------------------------------------------------

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn template(dir: &Path, protocol: &str, sample: Option<&str>) {
    let study = dir.join("study");
    preclin()
        .args(["template", protocol, "--seed", "20261121", "--out"])
        .arg(&study)
        .assert()
        .success();
    if let Some(sample) = sample {
        std::fs::copy(
            root().join("sample_data").join(sample),
            study.join("sheets/scoring.csv"),
        )
        .unwrap();
    }
}

/// Builds the folder a base starts from.
fn build_base(base: Base, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    match base {
        Base::Mouse | Base::MouseWorkbook | Base::Boris => {
            template(dir, "fst-mouse", Some("fst-mouse/scoring.csv"));
            if base == Base::Boris {
                std::fs::copy(
                    root().join("sample_data/fst-mouse/boris-aggregated.tsv"),
                    dir.join(LOG),
                )
                .unwrap();
            }
        }
        Base::Zinc => template(
            dir,
            "fst-imipramine-zinc",
            Some("fst-imipramine-zinc/scoring.csv"),
        ),
        Base::Rat => template(
            dir,
            "fst-rat-modified",
            Some("fst-rat-modified/scoring.csv"),
        ),
        Base::Cms => {
            let study = crate::analyze_cms::cms_study(dir);
            std::fs::rename(study, dir.join("study")).unwrap();
        }
        Base::Protocol => {
            std::fs::copy(root().join("protocols/fst-mouse.toml"), dir.join(PROTOCOL)).unwrap();
        }
        Base::Stats | Base::StatsWelch => {
            let mut text = String::from("g,v\n");
            for (g, values) in [
                ("A", [5.1, 6.3, 4.8, 5.9, 6.0]),
                ("B", [7.2, 8.1, 6.9, 7.7, 8.4]),
                ("C", [7.1, 5.5, 6.2, 6.8, 5.9]),
            ] {
                for v in values {
                    text += &format!("{g},{v}\n");
                }
            }
            std::fs::write(dir.join(DATA), text).unwrap();
        }
    }
}

fn command(base: Base, dir: &Path) -> Vec<String> {
    let p = |rel: &str| dir.join(rel).display().to_string();
    let s = |x: &str| x.to_string();
    match base {
        Base::Mouse | Base::Zinc | Base::Rat | Base::Cms => vec![s("analyze"), p("study")],
        Base::MouseWorkbook => vec![
            s("analyze"),
            p("study"),
            s("--data"),
            p("study/entered.xlsx"),
        ],
        Base::Protocol => vec![s("protocol"), s("check"), p(PROTOCOL)],
        Base::Boris => vec![s("import"), s("boris"), p(LOG), s("--study"), p("study")],
        Base::Stats | Base::StatsWelch => {
            let mut args = vec![
                s("stats"),
                s("compare"),
                p(DATA),
                s("--value"),
                s("v"),
                s("--group"),
                s("g"),
            ];
            if base == Base::StatsWelch {
                args.extend([s("--test"), s("welch-anova")]);
            }
            args
        }
    }
}

/// Runs one case; the problems found, if any.
fn run_case(c: &Case, bases: &Path, work: &Path) -> Result<(), String> {
    copy_dir(&bases.join(format!("{:?}", c.base)), work);
    WORK.with(|w| *w.borrow_mut() = work.to_path_buf());
    let path = work.join(c.file);
    let before = std::fs::read(&path).unwrap_or_default();
    std::fs::write(&path, (c.edit)(&before)).unwrap();
    let inputs = snapshot(work);
    let out = preclin().args(command(c.base, work)).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if let Ok(list) = std::env::var("PRECLIN_CATALOGUE_OUT") {
        // Regenerates the message column of docs/bad-inputs.md.
        use std::io::Write;
        let first = stderr
            .lines()
            .next()
            .unwrap_or("")
            .replace(&format!("{}/", work.display()), "");
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(list)
            .unwrap();
        writeln!(f, "{}\t{}", c.class, first).unwrap();
    }
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit {:?}, not 2", out.status.code()));
    }
    for e in &c.expect {
        if !stderr.contains(e) {
            problems.push(format!("message lacks `{e}`"));
        }
    }
    if !stderr.contains("help:") {
        problems.push("no hint (help:)".into());
    }
    if stderr.contains("panicked") {
        problems.push("panicked".into());
    }
    let after = snapshot(work);
    if after != inputs {
        let changed: Vec<String> = after
            .keys()
            .chain(inputs.keys())
            .filter(|k| after.get(*k) != inputs.get(*k))
            .map(|k| k.strip_prefix(work).unwrap().display().to_string())
            .collect();
        problems.push(format!("files written or changed: {}", changed.join(", ")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n    {}\n    stderr: {}",
            c.class,
            problems.join("; "),
            stderr.trim()
        ))
    }
}

#[test]
fn every_bad_input_of_the_catalogue_is_refused_where_it_is() {
    let cases = catalogue();
    assert!(cases.len() >= 60, "{} classes", cases.len());
    let mut classes: Vec<&str> = cases.iter().map(|c| c.class).collect();
    classes.sort();
    classes.dedup();
    assert_eq!(classes.len(), cases.len(), "each class once");

    let tmp = tempfile::tempdir().unwrap();
    let bases = tmp.path().join("bases");
    let mut built = Vec::new();
    for c in &cases {
        if !built.contains(&c.base) {
            build_base(c.base, &bases.join(format!("{:?}", c.base)));
            built.push(c.base);
        }
    }
    // Each base is itself good input: the cases fail because of their one edit.
    for base in [Base::Mouse, Base::Zinc, Base::Rat] {
        let dir = tmp.path().join(format!("good-{base:?}"));
        copy_dir(&bases.join(format!("{base:?}")), &dir);
        preclin().args(command(base, &dir)).assert().success();
    }
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| run_case(c, &bases, &tmp.path().join(format!("case-{i}"))).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} classes failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The classes as the documentation lists them (`docs/bad-inputs.md` is checked against it).
#[test]
fn the_documented_catalogue_lists_every_class() {
    let doc = std::fs::read_to_string(root().join("docs/bad-inputs.md")).unwrap();
    for c in catalogue() {
        assert!(
            doc.contains(&format!("| {} |", c.class)),
            "docs/bad-inputs.md lacks `{}`",
            c.class
        );
    }
}
