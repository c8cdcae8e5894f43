//! The reports of the demo studies as documents: HTML5 without a parse error (html5ever's
//! tree builder), no absolute path, a methods paragraph that names the tests results.json
//! says ran (pinned per study), and the deviations from the plan listed.

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::RcDom;

use crate::common::{preclin, read};

const STUDIES: [&str; 4] = [
    "fst-mouse",
    "fst-rat-modified",
    "fst-imipramine-zinc",
    "cms-cyp-rat",
];

fn parse_errors(html: &str) -> Vec<String> {
    let mut opts = html5ever::ParseOpts::default();
    opts.tree_builder.exact_errors = true;
    let dom = html5ever::parse_document(RcDom::default(), opts)
        .from_utf8()
        .one(html.as_bytes());
    dom.errors.iter().map(|e| e.to_string()).collect()
}

/// The names a reader looks for in the methods, from results.json's ids.
fn names_of(result: &serde_json::Value) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(test) = result["omnibus"]["test"].as_str() {
        names.push(
            match test {
                "anova" => "one-way ANOVA",
                "welch-anova" => "Welch's ANOVA",
                "brown-forsythe" => "Brown–Forsythe ANOVA",
                "kruskal" => "Kruskal–Wallis test",
                "t" => "Student's t test",
                "welch-t" => "Welch's t test",
                "mann-whitney" => "Mann–Whitney test",
                other => panic!("unknown test {other}"),
            }
            .to_string(),
        );
    } else {
        names.push("two-way ANOVA".into());
    }
    let posthoc = &result["posthoc"];
    match posthoc["method"].as_str() {
        Some("dunnett") if posthoc["control"].is_string() && result["omnibus"].is_object() => {
            names.push(format!(
                "Dunnett's test against {}",
                posthoc["control"].as_str().unwrap()
            ));
        }
        Some("dunnett") => names.push("Dunnett's test".into()),
        Some("tukey") => names.push("Tukey–Kramer".into()),
        Some("games-howell") => names.push("Games–Howell".into()),
        Some("dunn") => names.push("Dunn's test".into()),
        Some(other) => panic!("unmapped post hoc {other}"),
        None => {}
    }
    names
}

/// The demo studies, built in a temporary folder.
fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    preclin()
        .args(["demo", "--out"])
        .arg(&out)
        .assert()
        .success();
    (dir, out)
}

#[test]
fn the_parser_reports_a_raw_less_than_sign_and_a_stray_end_tag() {
    let page = |body: &str| {
        format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>")
    };
    assert!(parse_errors(&page("<p>p &lt; .001</p>")).is_empty());
    assert!(!parse_errors(&page("<p>p < .001</p>")).is_empty());
    assert!(!parse_errors(&page("<p>a</span></p>")).is_empty());
}

#[test]
fn demo_reports_are_clean_documents_whose_methods_say_what_ran() {
    let (dir, out) = demo();
    let root = dir.path().display().to_string();
    for study in STUDIES {
        let results = out.join(study).join("results");
        let html = read(&results.join("report.html"));
        let errors = parse_errors(&html);
        assert!(errors.is_empty(), "{study}: {errors:?}");
        let json_text = read(&results.join("results.json"));
        for (name, text) in [("report.html", &html), ("results.json", &json_text)] {
            assert!(
                !text.contains(&root),
                "{study} {name} shows an absolute path"
            );
        }
        let r: serde_json::Value = serde_json::from_str(&json_text).unwrap();
        let methods = r["methods_text"].as_str().expect("methods_text");
        for e in r["endpoints"].as_array().unwrap() {
            for name in names_of(&e["result"]) {
                assert!(
                    methods.contains(&name),
                    "{study} {}: `{name}` not in the methods: {methods}",
                    e["name"]
                );
            }
        }
        assert!(
            html.contains(&preclin::report::escape_html(methods)),
            "{study}: the report's methods differ from methods_text"
        );
        let deviations = r["deviations"].as_array().expect("deviations");
        assert!(html.contains("<h2>Deviations from the plan</h2>"));
        for d in deviations {
            let text = d["text"].as_str().unwrap();
            assert!(
                html.contains(&preclin::report::escape_html(text)),
                "{study}: {text}"
            );
        }
        insta::assert_snapshot!(format!("methods_{study}"), methods);
    }
}

#[test]
fn deviations_of_the_demo_studies() {
    let (_dir, out) = demo();
    let kinds = |study: &str| -> Vec<(String, String)> {
        let r: serde_json::Value =
            serde_json::from_str(&read(&out.join(study).join("results/results.json"))).unwrap();
        r["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["kind"].as_str().unwrap().to_string(),
                    d["group"]
                        .as_str()
                        .or(d["blind_code"].as_str())
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect()
    };
    // fst-mouse: two vehicle mice excluded by its criteria (8 of 10 analysed).
    assert_eq!(kinds("fst-mouse"), [("n-below-plan".into(), "VEH".into())]);
    // fst-imipramine-zinc: one mouse excluded for `recording-failure`, which that protocol
    // does not list among its criteria.
    assert_eq!(
        kinds("fst-imipramine-zinc"),
        [
            ("n-below-plan".into(), "IMI-ZN".into()),
            ("exclusion-not-prespecified".into(), "IMI-ZN".into())
        ]
    );
    assert!(kinds("fst-rat-modified").is_empty());
    let r: serde_json::Value =
        serde_json::from_str(&read(&out.join("fst-mouse/results/results.json"))).unwrap();
    let d = &r["deviations"][0];
    assert_eq!(
        (d["planned"].as_u64(), d["analysed"].as_u64()),
        (Some(10), Some(8))
    );
    // pwr::pwr.t.test(n = 8 and 10, power = 0.8, sig.level = 0.05): d = 1.5066, 1.3249.
    let effect = &d["detectable_effect"];
    assert!(
        (effect["analysed"].as_f64().unwrap() - 1.5066).abs() < 5e-4,
        "{effect}"
    );
    assert!(
        (effect["planned"].as_f64().unwrap() - 1.3249).abs() < 5e-4,
        "{effect}"
    );
    let html = read(&out.join("fst-rat-modified/results/report.html"));
    assert!(html.contains("<p>None: every group was analysed with the planned number"));
}
