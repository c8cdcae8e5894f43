//! Behavioural event logs: the BORIS reference exports (tests/fixtures/boris, copied from
//! BORIS's own test suite), synthetic exports in the BORIS 8 and 8.22+ aggregated layouts,
//! a plain CSV log, and every error with its row, column and hint.

use std::path::{Path, PathBuf};

use preclin::ingest::{
    animals, behaviour_intervals, behaviours, check_session, parse_event_log, read_event_log,
    BehaviourEvent, EventLog, EventLogFormat, IngestError,
};

use crate::common::root;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/boris").join(name)
}

fn read(name: &str) -> EventLog {
    read_event_log(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_err(text: &str) -> IngestError {
    match parse_event_log(Path::new("log.tsv"), text) {
        Ok(log) => panic!("expected an error, read {} events", log.events.len()),
        Err(e) => e,
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn state(log: &EventLog, row: usize) -> &BehaviourEvent {
    log.events
        .iter()
        .find(|e| e.row == row)
        .unwrap_or_else(|| panic!("no event on row {row}"))
}

/// (row, column, value, message, hint) of an [`IngestError::Event`].
fn event_error(e: &IngestError) -> (usize, &str, &str, &str, &str) {
    match e {
        IngestError::Event {
            row,
            column,
            value,
            message,
            hint,
            ..
        } => (*row, column, value, message, hint),
        other => panic!("expected an event error, got {other:?}"),
    }
}

/// (row, column, value, problem, hint) of an [`IngestError::BadValue`].
fn bad_value(e: &IngestError) -> (usize, &str, &str, &str, &str) {
    match e {
        IngestError::BadValue {
            row,
            column,
            value,
            problem,
            hint,
            ..
        } => (*row, column, value, problem, hint),
        other => panic!("expected a bad value, got {other:?}"),
    }
}

#[test]
fn boris7_aggregated_reference() {
    let log = read("test_export_aggregated_events_test_full_1.tsv");
    assert_eq!(log.format, EventLogFormat::BorisAggregated { version: "7" });
    assert_eq!(log.events.len(), 18);
    assert_eq!(log.events.iter().filter(|e| e.point).count(), 8);
    // `No focal subject` takes the observation id; subjects are animals of their own.
    assert_eq!(
        animals(&log),
        names(&["observation #2", "subject1", "subject2"])
    );
    assert_eq!(behaviours(&log).into_iter().collect::<Vec<_>>(), ["p", "s"]);
    let first = state(&log, 2);
    assert_eq!(
        (first.animal.as_str(), first.behaviour.as_str()),
        ("observation #2", "s")
    );
    assert_eq!(
        (first.start_s, first.stop_s, first.point),
        (1.8, 8.125, false)
    );
    // A point: Duration (s) is NA and the stop is the start.
    let point = state(&log, 5);
    assert_eq!(
        (point.start_s, point.stop_s, point.point),
        (32.825, 32.825, true)
    );
    let subject2 = state(&log, 19);
    assert_eq!(
        (subject2.animal.as_str(), subject2.start_s, subject2.stop_s),
        ("subject2", 317.39, 320.365)
    );
    assert_eq!(
        behaviour_intervals(&log, "observation #2", "s"),
        [
            (1.8, 8.125),
            (10.25, 23.35),
            (26.775, 31.475),
            (227.765, 253.49),
            (255.34, 261.14),
            (303.79, 307.765)
        ]
    );
    assert_eq!(
        behaviour_intervals(&log, "subject1", "s"),
        [(266.165, 276.69), (280.965, 294.215)]
    );
    assert!(behaviour_intervals(&log, "subject1", "p").is_empty());
    // `Total length` is the whole playlist (a 180 s and a 360 s video).
    for animal in ["observation #2", "subject1", "subject2"] {
        assert_eq!(log.media_duration_s[animal], 539.92);
    }
    assert_eq!(
        (log.start_column.as_str(), log.stop_column.as_str()),
        ("Start (s)", "Stop (s)")
    );
}

#[test]
fn an_empty_export_is_an_error_with_a_hint() {
    let e = read_event_log(&fixture("test_export_aggregated_events_test_full_6.tsv")).unwrap_err();
    assert!(matches!(e, IngestError::EmptyFile { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("test_export_aggregated_events_test_full_6.tsv is empty"),
        "{text}"
    );
    assert!(text.contains("help: BORIS writes an empty file"), "{text}");
    for blank in ["", "\u{feff}", "\r\n\t\r\n", " ,,, \n"] {
        let e = parse_err(blank);
        assert!(
            matches!(e, IngestError::EmptyFile { .. }),
            "{blank:?}: {e:?}"
        );
    }
}

#[test]
fn boris7_tabular_reference_in_csv_and_tsv() {
    let csv = read("test_export_events_tabular.csv");
    let tsv = read("test_export_events_tabular.tsv");
    for log in [&csv, &tsv] {
        assert_eq!(log.format, EventLogFormat::BorisTabular);
        assert_eq!(log.events.len(), 4);
        assert!(log.events.iter().all(|e| !e.point));
        assert_eq!(animals(log), names(&["subject1", "subject2"]));
        assert_eq!(behaviours(log).into_iter().collect::<Vec<_>>(), ["s"]);
        // The header of the events is on row 19, below the observation's block.
        let first = &log.events[0];
        assert_eq!((first.start_s, first.stop_s), (3.3, 7.75));
        assert_eq!((first.row, first.stop_row), (20, 21));
        let last = &log.events[3];
        assert_eq!(last.animal, "subject2");
        assert_eq!((last.start_s, last.stop_s), (38.425, 46.1));
        assert_eq!((last.row, last.stop_row), (26, 27));
        assert_eq!(
            behaviour_intervals(log, "subject1", "s"),
            [(3.3, 7.75), (9.9, 16.2), (18.35, 24.475)]
        );
        assert_eq!(log.media_duration_s["subject1"], 359.96);
        assert_eq!(log.media_duration_s["subject2"], 359.96);
        assert_eq!(
            (log.start_column.as_str(), log.stop_column.as_str()),
            ("Time", "Time")
        );
    }
    assert_eq!(csv.events, tsv.events);
}

#[test]
fn boris8_aggregated_layout() {
    let log = read("aggregated_v8.tsv");
    assert_eq!(log.format, EventLogFormat::BorisAggregated { version: "8" });
    assert_eq!(log.events.len(), 10);
    assert_eq!(animals(&log), names(&["M-03", "M-11"]));
    assert_eq!(behaviours(&log).into_iter().collect::<Vec<_>>(), ["h", "i"]);
    assert_eq!(
        behaviour_intervals(&log, "M-03", "i"),
        [
            (62.4, 95.12),
            (101.76, 160.0),
            (171.28, 240.36),
            (250.0, 360.04)
        ]
    );
    let point = state(&log, 4);
    assert_eq!(
        (point.animal.as_str(), point.behaviour.as_str()),
        ("M-03", "h")
    );
    assert_eq!((point.start_s, point.point), (130.52, true));
    assert_eq!(log.media_duration_s["M-03"], 360.04);
    assert_eq!(log.media_duration_s["M-11"], 359.96);
    // The last bout was scored to the end of a video 0.04 s longer than the session.
    check_session(&log, 360.04).unwrap();
    let e = check_session(&log, 360.0).unwrap_err();
    let (row, column, value, message, hint) = event_error(&e);
    assert_eq!((row, column, value), (6, "Stop (s)", "360.04"));
    assert!(
        message.contains("after the end of the 360 s session"),
        "{message}"
    );
    assert!(
        message.contains("(the bout of `i` of animal `M-03`)"),
        "{message}"
    );
    assert!(hint.contains("time offset"), "{hint}");
}

#[test]
fn boris8_22_aggregated_layout() {
    let log = read("aggregated_v8_22.csv");
    assert_eq!(
        log.format,
        EventLogFormat::BorisAggregated { version: "8.22+" }
    );
    assert_eq!(log.events.len(), 12);
    // Two rats side by side in one video: each is a subject.
    assert_eq!(animals(&log), names(&["R-21", "R-22"]));
    assert_eq!(
        behaviours(&log).into_iter().collect::<Vec<_>>(),
        ["c", "d", "i", "s"]
    );
    let dive = state(&log, 8);
    assert_eq!(
        (
            dive.animal.as_str(),
            dive.behaviour.as_str(),
            dive.start_s,
            dive.stop_s,
            dive.point
        ),
        ("R-21", "d", 97.25, 97.25, true)
    );
    let immobility: f64 = behaviour_intervals(&log, "R-21", "i")
        .iter()
        .map(|(a, b)| b - a)
        .sum();
    assert!((immobility - 221.15).abs() < 1e-9, "{immobility}");
    assert_eq!(
        behaviour_intervals(&log, "R-22", "s"),
        [(0.0, 30.5), (180.0, 185.25)]
    );
    // `Media duration (s)` lists the playlist: 150.000;150.040.
    assert_eq!(log.media_duration_s["R-21"], 300.04);
    assert_eq!(log.media_duration_s["R-22"], 300.04);
    check_session(&log, 300.0).unwrap();
    let e = check_session(&log, 299.95).unwrap_err();
    assert_eq!(event_error(&e).0, 11);
}

#[test]
fn plain_csv_log() {
    let log = read("plain.csv");
    assert_eq!(log.format, EventLogFormat::PlainCsv);
    assert_eq!(log.events.len(), 4);
    assert_eq!(animals(&log), names(&["F-01", "F-02"]));
    assert_eq!(
        behaviours(&log).into_iter().collect::<Vec<_>>(),
        ["head shake", "immobility"]
    );
    let shake = state(&log, 4);
    assert_eq!(
        (shake.start_s, shake.stop_s, shake.point),
        (200.0, 200.0, true)
    );
    assert_eq!(
        behaviour_intervals(&log, "F-01", "immobility"),
        [(120.5, 150.25), (180.0, 240.0)]
    );
    assert!(log.media_duration_s.is_empty());
    assert_eq!(
        (log.start_column.as_str(), log.stop_column.as_str()),
        ("start_s", "stop_s")
    );
}

#[test]
fn the_format_is_read_from_the_content_not_the_name() {
    // A plain log saved with a BORIS-like name and a tab-separated aggregated export saved
    // as .csv are still told apart.
    let plain = parse_event_log(
        Path::new("test_export_aggregated_events.tsv"),
        "animal\tbehaviour\tstart_s\tstop_s\nA1\ti\t1\t2\n",
    )
    .unwrap();
    assert_eq!(plain.format, EventLogFormat::PlainCsv);
    let text =
        std::fs::read_to_string(fixture("test_export_aggregated_events_test_full_1.tsv")).unwrap();
    let aggregated = parse_event_log(Path::new("events.csv"), &text).unwrap();
    assert_eq!(
        aggregated.format,
        EventLogFormat::BorisAggregated { version: "7" }
    );
    assert_eq!(aggregated.events.len(), 18);
}

#[test]
fn an_unknown_format_names_the_headers_it_saw() {
    let e = parse_err("\n\nanimal,time,activity\nA1,3,swim\n");
    match &e {
        IngestError::UnknownFormat { row, seen, .. } => {
            assert_eq!(*row, 3);
            assert_eq!(seen, "`animal`, `time`, `activity`");
        }
        other => panic!("{other:?}"),
    }
    let text = e.to_string();
    assert!(
        text.contains("log.tsv, row 3: not a behaviour event log"),
        "{text}"
    );
    assert!(text.contains("BORIS aggregated events"), "{text}");
    assert!(text.contains("BORIS tabular events"), "{text}");
    assert!(
        text.contains("animal, behaviour, start_s, stop_s"),
        "{text}"
    );
    // A BORIS export without its header row (as some BORIS test files are).
    let e = parse_err(
        "observation #2\t2016-12-01 23:01:31\tNo focal subject\ts\tSTATE\t5.000\t8.125\n",
    );
    assert!(
        matches!(e, IngestError::UnknownFormat { row: 1, .. }),
        "{e:?}"
    );
    // A tabular block with no header of the events under it.
    let e = parse_err("Observation id,A1\n,\nDescription,x\n");
    match e {
        IngestError::UnknownFormat { row, seen, .. } => {
            assert_eq!((row, seen.as_str()), (1, "`Observation id`, `A1`"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_header_without_events_is_empty() {
    let e = parse_err("animal,behaviour,start_s,stop_s\n");
    assert!(matches!(e, IngestError::Empty { .. }), "{e:?}");
}

const AGGREGATED: &str = "Observation id\tSubject\tBehavior\tBehavior type\tStart (s)\tStop (s)\n";

#[test]
fn a_time_that_is_not_a_number() {
    let e = parse_err(&format!(
        "{AGGREGATED}A1\t\ti\tSTATE\t1\t2\nA1\t\ti\tSTATE\t12,5\t20\n"
    ));
    let (row, column, value, problem, hint) = bad_value(&e);
    assert_eq!(
        (row, column, value, problem),
        (3, "Start (s)", "12,5", "not a number")
    );
    assert!(hint.contains("decimals with a point"), "{hint}");
    // BORIS writes NA for events without a time.
    let e = parse_err(&format!("{AGGREGATED}A1\t\ti\tSTATE\tNA\tNA\n"));
    let (row, column, value, _, hint) = bad_value(&e);
    assert_eq!((row, column, value), (2, "Start (s)", "NA"));
    assert!(hint.contains("NA"), "{hint}");
    // A blank time.
    let e = parse_err(&format!("{AGGREGATED}A1\t\ti\tSTATE\t3\t\n"));
    match e {
        IngestError::BlankCell {
            row, column, hint, ..
        } => {
            assert_eq!((row, column.as_str()), (2, "Stop (s)"));
            assert!(!hint.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(parse_err("animal,behaviour,start_s,stop_s\nA1,i,1 s,2\n")
        .to_string()
        .contains("log.tsv, row 2, column `start_s`: `1 s` is not a number\nhelp: "));
}

#[test]
fn a_negative_time() {
    let e = parse_err("animal,behaviour,start_s,stop_s\nA1,i,-0.5,2\n");
    let (row, column, value, problem, hint) = bad_value(&e);
    assert_eq!(
        (row, column, value, problem),
        (2, "start_s", "-0.5", "a negative time")
    );
    assert!(hint.contains("time offset"), "{hint}");
    let e =
        parse_err("Observation id\tSubject\tBehavior\tBehavior type\tTime\nA1\t\ti\tSTART\t-1\n");
    assert_eq!(bad_value(&e).0, 2);
}

#[test]
fn a_stop_before_its_start() {
    let e = parse_err(&format!(
        "{AGGREGATED}A1\t\ti\tSTATE\t1\t2\nA1\t\ti\tSTATE\t30\t25.5\n"
    ));
    let (row, column, value, message, hint) = event_error(&e);
    assert_eq!((row, column, value), (3, "Stop (s)", "25.5"));
    assert!(
        message.contains("before the start of its event (30 s)"),
        "{message}"
    );
    assert!(!hint.is_empty());
    // In a tabular export the STOP row is named, with the row of its START.
    let e = parse_err(
        "Observation id,Subject,Behavior,Behavior type,Time\nA1,,i,START,30\nA1,,i,STOP,25\n",
    );
    let (row, column, value, message, _) = event_error(&e);
    assert_eq!((row, column, value), (3, "Time", "25"));
    assert!(message.contains("(30 s on row 2)"), "{message}");
}

const TABULAR: &str =
    "Time,Media file path,Total length,FPS,Subject,Behavior,Behavioral category,Comment,Status\n";

#[test]
fn an_unpaired_start_or_stop() {
    // A START never stopped, among paired events of other animals and behaviours.
    let e = parse_err(&format!(
        "{TABULAR}1,v.mp4,360,25,rat1,s,,,START\n2,v.mp4,360,25,rat2,s,,,START\n3,v.mp4,360,25,rat1,s,,,STOP\n4,v.mp4,360,25,rat1,i,,,START\n5,v.mp4,360,25,rat1,i,,,STOP\n"
    ));
    let (row, column, value, message, hint) = event_error(&e);
    assert_eq!((row, column, value), (3, "Status", "START"));
    assert!(
        message.contains("of `s` for animal `rat2` has no STOP"),
        "{message}"
    );
    assert!(hint.contains("Fix unpaired events"), "{hint}");
    // A START followed by another START: the first is unpaired.
    let e = parse_err(&format!(
        "{TABULAR}1,v.mp4,360,25,rat1,s,,,START\n2,v.mp4,360,25,rat1,s,,,START\n3,v.mp4,360,25,rat1,s,,,STOP\n"
    ));
    let (row, _, value, message, _) = event_error(&e);
    assert_eq!((row, value), (2, "START"));
    assert!(
        message.contains("another START follows on row 3"),
        "{message}"
    );
    // A STOP with no START.
    let e = parse_err(&format!(
        "{TABULAR}1,v.mp4,360,25,rat1,s,,,START\n2,v.mp4,360,25,rat1,s,,,STOP\n3,v.mp4,360,25,rat1,s,,,STOP\n"
    ));
    let (row, column, value, message, _) = event_error(&e);
    assert_eq!((row, column, value), (4, "Status", "STOP"));
    assert!(
        message.contains("of `s` for animal `rat1` has no START before it"),
        "{message}"
    );
    // A status BORIS does not write.
    let e = parse_err(&format!("{TABULAR}1,v.mp4,360,25,rat1,s,,,BEGIN\n"));
    let (row, column, value, problem, _) = bad_value(&e);
    assert_eq!(
        (row, column, value, problem),
        (2, "Status", "BEGIN", "not START, STOP or POINT")
    );
}

#[test]
fn overlapping_bouts_name_both_rows() {
    // Out of time order (BORIS 7 sorts by subject and behaviour): still found.
    let e = parse_err(&format!(
        "{AGGREGATED}A1\t\ti\tSTATE\t50\t80\nA1\t\ts\tSTATE\t10\t60\nA1\t\ti\tSTATE\t10\t40\nA1\t\ti\tSTATE\t35\t45\n"
    ));
    let (row, column, value, message, hint) = event_error(&e);
    assert_eq!((row, column, value), (5, "Start (s)", "35"));
    assert!(
        message.contains("the `i` bout of animal `A1` from row 4 (10 – 40 s)"),
        "{message}"
    );
    assert!(hint.contains("cannot overlap"), "{hint}");
    // A bout inside a long one overlaps the long one.
    let e = parse_err(&format!(
        "{AGGREGATED}A1\t\ti\tSTATE\t0\t100\nA1\t\ti\tSTATE\t20\t30\nA1\t\ti\tSTATE\t40\t50\n"
    ));
    let (row, _, _, message, _) = event_error(&e);
    assert_eq!(row, 3);
    assert!(message.contains("from row 2"), "{message}");
    // Touching bouts, other animals, other behaviours and points do not overlap.
    let log = parse_event_log(
        Path::new("log.tsv"),
        &format!(
            "{AGGREGATED}A1\t\ti\tSTATE\t0\t10\nA1\t\ti\tSTATE\t10\t20\nA2\t\ti\tSTATE\t5\t15\nA1\t\ts\tSTATE\t5\t15\nA1\t\th\tPOINT\t12\t12\nA1\t\th\tPOINT\t12\t12\n"
        ),
    )
    .unwrap();
    assert_eq!(log.events.len(), 6);
}

#[test]
fn a_subject_in_two_observations_is_refused() {
    let e = parse_err(&format!(
        "{AGGREGATED}A1\trat\ti\tSTATE\t1\t2\nB2\trat\ti\tSTATE\t1\t2\n"
    ));
    let (row, column, value, message, hint) = event_error(&e);
    assert_eq!((row, column, value), (3, "Subject", "rat"));
    assert!(
        message.contains("observation `B2` here and in observation `A1` on row 2"),
        "{message}"
    );
    assert!(hint.contains("No focal subject"), "{hint}");
}

#[test]
fn blank_names() {
    let e = parse_err(&format!("{AGGREGATED}A1\t\t\tSTATE\t1\t2\n"));
    match e {
        IngestError::BlankCell { row, column, .. } => {
            assert_eq!((row, column.as_str()), (2, "Behavior"))
        }
        other => panic!("{other:?}"),
    }
    let e = parse_err(&format!("{AGGREGATED}\tNo focal subject\ti\tSTATE\t1\t2\n"));
    match e {
        IngestError::BlankCell {
            row, column, hint, ..
        } => {
            assert_eq!((row, column.as_str()), (2, "Subject"));
            assert!(hint.contains("Observation id"), "{hint}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn check_session_names_the_row() {
    let mut log = read("plain.csv");
    check_session(&log, 300.5).unwrap();
    let e = check_session(&log, 300.0).unwrap_err();
    let (row, column, value, _, _) = event_error(&e);
    assert_eq!((row, column, value), (5, "stop_s", "300.5"));
    log.events[1].start_s = -1.0;
    let e = check_session(&log, 400.0).unwrap_err();
    let (row, column, value, message, _) = event_error(&e);
    assert_eq!((row, column, value), (3, "start_s", "-1"));
    assert!(
        message.contains("before the start of the session"),
        "{message}"
    );
    // A bout of a tabular export that ends late is named by its STOP row.
    let tabular = read("test_export_events_tabular.csv");
    let e = check_session(&tabular, 40.0).unwrap_err();
    let (row, column, value, _, _) = event_error(&e);
    assert_eq!((row, column, value), (27, "Time", "46.1"));
}
