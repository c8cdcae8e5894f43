//! Figures: SVG snapshots of each figure type on small fixed data, the PNG's signature,
//! pixel size and resolution, and byte-identical output for identical input.
//!
//! With `PRECLIN_FIGURE_DIR` set, every figure is also written there as PNG and SVG for
//! review by eye.

use preclin::plot::{
    calibration_plot, dot_plot, factorial_plot, km_plot, time_course, Bracket, CalibrationCurve,
    CalibrationPoint, DotGroup, FactorialCell, Figure, FigureWidth, Series, Summary, SurvivalCurve,
};

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

fn group(label: &str, values: &[f64]) -> DotGroup {
    DotGroup {
        label: label.to_string(),
        values: values.to_vec(),
    }
}

fn bracket(from: usize, to: usize, text: &str) -> Bracket {
    Bracket {
        from,
        to,
        text: text.to_string(),
    }
}

/// Immobility in the last 4 minutes of a 6-minute forced swim test, 10 mice per group.
fn fst_groups() -> Vec<DotGroup> {
    vec![
        group(
            "Vehicle",
            &[
                168.0, 172.0, 181.0, 155.0, 190.0, 176.0, 162.0, 185.0, 172.0, 199.0,
            ],
        ),
        group(
            "Imipramine\n15 mg/kg",
            &[
                131.0, 142.0, 120.0, 151.0, 138.0, 127.0, 160.0, 142.0, 118.0, 135.0,
            ],
        ),
        group(
            "Imipramine\n30 mg/kg",
            &[
                92.0, 104.0, 85.0, 111.0, 98.0, 77.0, 120.0, 95.0, 104.0, 88.0,
            ],
        ),
        group(
            "Fluoxetine\n20 mg/kg",
            &[
                150.0, 133.0, 162.0, 141.0, 128.0, 171.0, 139.0, 146.0, 155.0, 122.0,
            ],
        ),
    ]
}

fn fst_brackets() -> Vec<Bracket> {
    vec![
        bracket(0, 1, "**"),
        bracket(0, 2, "***"),
        bracket(0, 3, "p = 0.012"),
    ]
}

fn dot(width: FigureWidth) -> Figure {
    dot_plot(
        &fst_groups(),
        Summary::MeanSem,
        &fst_brackets(),
        "Immobility (s)",
        20240611,
        width,
    )
}

fn levels(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn cell(a: usize, b: usize, values: &[f64]) -> FactorialCell {
    FactorialCell {
        a_level: a,
        b_level: b,
        values: values.to_vec(),
    }
}

/// Chronic mild stress × treatment: immobility (s), 8 rats per cell.
fn factorial(width: FigureWidth) -> Figure {
    let cells = [
        cell(
            0,
            0,
            &[118.0, 126.0, 109.0, 131.0, 122.0, 115.0, 128.0, 120.0],
        ),
        cell(
            1,
            0,
            &[112.0, 119.0, 104.0, 125.0, 110.0, 117.0, 121.0, 108.0],
        ),
        cell(
            0,
            1,
            &[171.0, 185.0, 166.0, 192.0, 178.0, 160.0, 181.0, 174.0],
        ),
        cell(
            1,
            1,
            &[129.0, 141.0, 118.0, 135.0, 126.0, 147.0, 122.0, 133.0],
        ),
    ];
    factorial_plot(
        "Treatment",
        &levels(&["Vehicle", "Fluoxetine"]),
        &levels(&["No stress", "Chronic mild stress"]),
        &cells,
        Summary::MeanSem,
        &[bracket(0, 2, "***"), bracket(2, 3, "**")],
        "Immobility (s)",
        7,
        width,
    )
}

/// Immobility per minute of a 6-minute test, mean ± SEM of 10 mice.
fn course(width: FigureWidth) -> Figure {
    let series = |label: &str, means: [f64; 6], sems: [f64; 6]| Series {
        label: label.to_string(),
        points: (0..6)
            .map(|i| ((i + 1) as f64, means[i], sems[i]))
            .collect(),
    };
    time_course(
        &[
            series(
                "Vehicle",
                [12.0, 31.0, 40.0, 44.0, 46.0, 47.0],
                [2.1, 3.0, 2.6, 2.2, 2.0, 1.8],
            ),
            series(
                "Imipramine 30 mg/kg",
                [8.0, 18.0, 22.0, 25.0, 27.0, 30.0],
                [1.6, 2.5, 2.9, 3.1, 2.8, 3.0],
            ),
            series(
                "Fluoxetine 20 mg/kg",
                [10.0, 24.0, 31.0, 35.0, 36.0, 38.0],
                [1.9, 2.8, 3.2, 2.7, 2.9, 2.4],
            ),
        ],
        Some((2.0, 6.0)),
        "Time (min)",
        "Immobility (s/min)",
        width,
    )
}

/// Latency to the first immobility, censored at the end of the 360-s test.
fn survival(width: FigureWidth) -> Figure {
    km_plot(
        &[
            SurvivalCurve {
                label: "Vehicle".to_string(),
                steps: vec![
                    (35.0, 0.9),
                    (48.0, 0.8),
                    (62.0, 0.7),
                    (75.0, 0.6),
                    (90.0, 0.5),
                    (104.0, 0.4),
                    (131.0, 0.3),
                    (150.0, 0.2),
                    (188.0, 0.1),
                ],
                censored: vec![(360.0, 0.1)],
            },
            SurvivalCurve {
                label: "Imipramine 30 mg/kg".to_string(),
                steps: vec![
                    (80.0, 0.9),
                    (115.0, 0.8),
                    (142.0, 0.7),
                    (170.0, 0.6),
                    (212.0, 0.48),
                    (260.0, 0.36),
                ],
                censored: vec![(190.0, 0.6), (360.0, 0.36)],
            },
        ],
        360.0,
        "Time (s)",
        "Not yet immobile (%)",
        width,
    )
}

fn standard(x: f64, y: f64, error: Option<f64>, failing: bool) -> CalibrationPoint {
    CalibrationPoint {
        x,
        y,
        relative_error_pct: error,
        failing,
    }
}

/// HPLC peak areas of eight standards (a blank and 0.5 to 50 µM) on the line
/// 350 + 4800 x, back-calculated within 15 % except the 2.5 µM standard (+19.2 %), and five
/// study samples.
fn calibration_curve() -> CalibrationCurve {
    CalibrationCurve {
        standards: vec![
            standard(0.0, 410.0, None, false),
            standard(0.5, 2462.0, Some(-12.0), false),
            standard(1.0, 5462.0, Some(6.5), false),
            standard(2.5, 14654.0, Some(19.2), true),
            standard(5.0, 23606.0, Some(-3.1), false),
            standard(10.0, 49502.0, Some(2.4), false),
            standard(25.0, 118190.0, Some(-1.8), false),
            standard(50.0, 242510.0, Some(0.9), false),
        ],
        fitted: vec![(0.0, 350.0), (50.0, 240350.0)],
        limit_pct: 15.0,
        lowest_limit_pct: 20.0,
        samples: vec![8200.0, 36500.0, 97000.0, 155000.0, 231000.0],
        x_label: "Nominal concentration (µM)".to_string(),
        y_label: "Peak area (mAU·s)".to_string(),
        residual_label: "Back-calculated error (%)".to_string(),
    }
}

fn calibration(width: FigureWidth) -> Figure {
    calibration_plot(&calibration_curve(), width)
}

fn widths() -> [(FigureWidth, &'static str); 2] {
    [
        (FigureWidth::OneColumn, "one_column"),
        (FigureWidth::TwoColumn, "two_column"),
    ]
}

/// Eight groups with long labels and every pair compared.
fn crowded(width: FigureWidth) -> Figure {
    let groups: Vec<DotGroup> = (0..8)
        .map(|i| {
            group(
                &format!("Desipramine hydrochloride\n{} mg/kg", 5 * i),
                &(0..12)
                    .map(|k| 100.0 + 7.0 * i as f64 + ((k * 37 + i * 11) % 23) as f64)
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let pairs: Vec<Bracket> = (1..8).map(|j| bracket(0, j, "***")).collect();
    dot_plot(
        &groups,
        Summary::MedianIqr,
        &pairs,
        "Immobility (s)",
        5,
        width,
    )
}

/// An empty group, a single value, tied values, missing values and a large scale.
fn awkward(width: FigureWidth) -> Figure {
    dot_plot(
        &[
            group("Empty", &[]),
            group("One", &[2.4e6]),
            group("Ties", &[1.5e6; 9]),
            group("Missing", &[f64::NAN, 1.1e6, 0.9e6, f64::INFINITY, 1.3e6]),
        ],
        Summary::MeanSd,
        &[bracket(1, 2, "ns"), bracket(2, 3, "p < 0.001")],
        "Beam breaks (counts)",
        9,
        width,
    )
}

/// Two groups, medians.
fn pair(width: FigureWidth) -> Figure {
    let groups = fst_groups();
    dot_plot(
        &groups[..2],
        Summary::MedianIqr,
        &[bracket(0, 1, "p = 0.012")],
        "Immobility (s)",
        2,
        width,
    )
}

type Maker = fn(FigureWidth) -> Figure;

fn makers() -> [(&'static str, Maker); 5] {
    [
        ("dot", dot),
        ("factorial", factorial),
        ("time_course", course),
        ("km", survival),
        ("calibration", calibration),
    ]
}

/// Writes every figure to `PRECLIN_FIGURE_DIR` when it is set.
#[test]
fn write_for_review_when_asked() {
    let Some(dir) = std::env::var_os("PRECLIN_FIGURE_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let extra: [(&str, Maker); 3] = [("crowded", crowded), ("awkward", awkward), ("pair", pair)];
    for (name, make) in makers().into_iter().chain(extra) {
        for (width, suffix) in widths() {
            let f = make(width);
            std::fs::write(dir.join(format!("{name}_{suffix}.png")), &f.png).unwrap();
            std::fs::write(dir.join(format!("{name}_{suffix}.svg")), &f.svg).unwrap();
        }
    }
}

#[test]
fn dot_plot_svg() {
    insta::assert_snapshot!(dot(FigureWidth::OneColumn).svg);
}

#[test]
fn factorial_plot_svg() {
    insta::assert_snapshot!(factorial(FigureWidth::OneColumn).svg);
}

#[test]
fn time_course_svg() {
    insta::assert_snapshot!(course(FigureWidth::OneColumn).svg);
}

#[test]
fn km_plot_svg() {
    insta::assert_snapshot!(survival(FigureWidth::TwoColumn).svg);
}

#[test]
fn calibration_plot_svg() {
    insta::assert_snapshot!(calibration(FigureWidth::OneColumn).svg);
}

/// Vermillion, the colour of failing standards and of their key.
const VERMILLION: &str = "#D55E00";

#[test]
fn calibration_marks_failing_standards_only_when_some_fail() {
    let failing = calibration(FigureWidth::OneColumn);
    assert!(failing.svg.contains(VERMILLION));
    assert!(failing.svg.contains("failing standard"));
    // The one failing standard: an open circle in each panel and one in the key.
    let open = failing
        .svg
        .split("<circle")
        .filter(|c| c.contains(&format!("stroke=\"{VERMILLION}\"")))
        .count();
    assert_eq!(open, 3);

    let mut passing = calibration_curve();
    for s in &mut passing.standards {
        s.failing = false;
    }
    for width in [FigureWidth::OneColumn, FigureWidth::TwoColumn] {
        let f = calibration_plot(&passing, width);
        assert!(!f.svg.contains(VERMILLION), "{width:?}");
        assert!(!f.svg.contains("failing standard"), "{width:?}");
    }
}

#[test]
fn calibration_png_decodes_to_its_declared_size() {
    for (width, size) in [
        (FigureWidth::OneColumn, (1004, 945)),
        (FigureWidth::TwoColumn, (2126, 1181)),
    ] {
        let f = calibration(width);
        let decoder = png::Decoder::new(f.png.as_slice());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).unwrap();
        assert_eq!((frame.width, frame.height), size);
        assert_eq!(png_header(&f.png).2, Some((11811, 11811, 1)));
        let pixels = &buf[..frame.buffer_size()];
        assert_eq!(&pixels[..3], &[255, 255, 255]);
    }
}

#[test]
fn calibration_with_missing_or_no_data_draws_without_panicking() {
    let check = |curve: &CalibrationCurve| {
        for width in [FigureWidth::OneColumn, FigureWidth::TwoColumn] {
            let f = calibration_plot(curve, width);
            assert!(f.svg.starts_with("<svg"));
            assert_eq!(f.png[..8], PNG_SIGNATURE);
        }
    };
    let empty = CalibrationCurve {
        standards: vec![],
        fitted: vec![],
        limit_pct: 15.0,
        lowest_limit_pct: 20.0,
        samples: vec![],
        x_label: String::new(),
        y_label: String::new(),
        residual_label: String::new(),
    };
    check(&empty);
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    check(&CalibrationCurve {
        standards: vec![
            standard(nan, 1.0, Some(3.0), true),
            standard(1.0, nan, Some(nan), true),
            standard(2.0, inf, Some(-inf), false),
            standard(-inf, 5.0, None, false),
            standard(0.0, 0.0, Some(50.0), true),
            standard(4.0, 8.0, Some(1e308), false),
        ],
        fitted: vec![(nan, 1.0), (1.0, inf), (0.0, 0.0), (4.0, 8.0)],
        limit_pct: nan,
        lowest_limit_pct: -inf,
        samples: vec![nan, inf, 3.0, -1e300],
        x_label: "x".into(),
        y_label: "y".into(),
        residual_label: "error (%)".into(),
    });
    // Only samples; limits of zero; a decreasing curve whose key goes above the plot.
    check(&CalibrationCurve {
        samples: vec![1.0, 2.0],
        limit_pct: 0.0,
        lowest_limit_pct: 0.0,
        ..empty.clone()
    });
    check(&CalibrationCurve {
        standards: (1..=6)
            .map(|i| standard(i as f64, 100.0 - 15.0 * i as f64, Some(30.0), i == 2))
            .collect(),
        fitted: vec![(0.0, 100.0), (6.0, 10.0)],
        ..empty
    });
}

/// Width, height and pHYs of a PNG, read from its header chunks.
fn png_header(png: &[u8]) -> (u32, u32, Option<(u32, u32, u8)>) {
    assert_eq!(png[..8], PNG_SIGNATURE);
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (w, h) = (be(&png[16..20]), be(&png[20..24]));
    let mut phys = None;
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = be(&png[at..]) as usize;
        let kind = &png[at + 4..at + 8];
        if kind == b"pHYs" {
            let d = &png[at + 8..];
            phys = Some((be(d), be(&d[4..]), d[8]));
        }
        if kind == b"IDAT" {
            break;
        }
        at += 12 + len;
    }
    (w, h, phys)
}

#[test]
fn png_has_the_signature_the_column_width_and_300_dpi() {
    for (name, make) in makers() {
        for (width, _) in widths() {
            let f = make(width);
            let (w, _, phys) = png_header(&f.png);
            // 85 mm and 180 mm at 300 dpi.
            let expected = (width.mm() / 25.4 * 300.0).round() as u32;
            assert_eq!(w, expected, "{name}");
            // 11 811 pixels per metre, unit metre.
            assert_eq!(phys, Some((11811, 11811, 1)), "{name}");
        }
    }
}

#[test]
fn png_decodes_to_its_declared_size() {
    let f = dot(FigureWidth::OneColumn);
    let (w, h, _) = png_header(&f.png);
    assert_eq!((w, h), (1004, 827));
    let decoder = png::Decoder::new(f.png.as_slice());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!((frame.width, frame.height), (1004, 827));
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    // White background, and ink: some dark pixels (text and axes).
    let pixels = &buf[..frame.buffer_size()];
    assert_eq!(&pixels[..3], &[255, 255, 255]);
    let dark = pixels
        .chunks(3)
        .filter(|p| p.iter().all(|&c| c < 60))
        .count();
    assert!(dark > 2_000, "{dark}");
}

#[test]
fn same_input_same_bytes() {
    for (name, make) in makers() {
        for (width, _) in widths() {
            let (a, b) = (make(width), make(width));
            assert!(a.svg == b.svg, "{name}: SVG differs");
            assert!(a.png == b.png, "{name}: PNG differs");
        }
    }
    // The seed moves the jitter, and only the jitter.
    let other = dot_plot(
        &fst_groups(),
        Summary::MeanSem,
        &fst_brackets(),
        "Immobility (s)",
        1,
        FigureWidth::OneColumn,
    );
    assert_ne!(other.svg, dot(FigureWidth::OneColumn).svg);
}

#[test]
fn edge_cases_draw_without_panicking() {
    let one = FigureWidth::OneColumn;
    let check = |f: Figure| {
        assert!(f.svg.starts_with("<svg"));
        assert_eq!(f.png[..8], PNG_SIGNATURE);
    };
    // No groups; an empty group; one value; equal values; NaN and infinities.
    check(dot_plot(&[], Summary::MeanSem, &[], "", 0, one));
    check(dot_plot(
        &[
            group("Empty", &[]),
            group("One", &[42.0]),
            group("Equal", &[5.0; 12]),
            group(
                "Missing",
                &[f64::NAN, 3.0, f64::INFINITY, 4.0, f64::NEG_INFINITY],
            ),
        ],
        Summary::MedianIqr,
        &[bracket(0, 1, "ns"), bracket(3, 3, "x"), bracket(2, 99, "x")],
        "Immobility (s)",
        0,
        one,
    ));
    // Very large and negative values.
    check(dot_plot(
        &[
            group("Big", &[1.2e9, 3.4e9, 2.2e9]),
            group("Neg", &[-5.0, -12.0]),
        ],
        Summary::MeanSd,
        &[bracket(0, 1, "*")],
        "Counts",
        0,
        FigureWidth::TwoColumn,
    ));
    // Eight groups with long labels, many brackets.
    let many: Vec<DotGroup> = (0..8)
        .map(|i| {
            group(
                &format!("Desipramine hydrochloride\n{} mg/kg", 5 * i),
                &[10.0 + i as f64, 12.0, 15.0, 11.0],
            )
        })
        .collect();
    let all_pairs: Vec<Bracket> = (0..8)
        .flat_map(|i| (i + 1..8).map(move |j| bracket(i, j, "***")))
        .collect();
    check(dot_plot(&many, Summary::MeanSem, &all_pairs, "y", 3, one));
    // Factorial plots with missing and invalid cells.
    check(factorial_plot(
        "A",
        &levels(&["a1", "a2", "a3"]),
        &levels(&["b1", "b2"]),
        &[cell(0, 0, &[1.0, 2.0]), cell(5, 0, &[1.0]), cell(2, 1, &[])],
        Summary::MeanSem,
        &[bracket(0, 1, "*"), bracket(0, 2, "**")],
        "y",
        0,
        one,
    ));
    check(factorial_plot(
        "",
        &[],
        &[],
        &[],
        Summary::MeanSem,
        &[],
        "",
        0,
        one,
    ));
    // Line figures without data, with NaN and with a reversed window.
    check(time_course(&[], None, "", "", one));
    check(time_course(
        &[Series {
            label: "A".into(),
            points: vec![(1.0, f64::NAN, 1.0), (2.0, 5.0, f64::NAN), (3.0, 6.0, -1.0)],
        }],
        Some((4.0, 1.0)),
        "x",
        "y",
        one,
    ));
    check(km_plot(&[], f64::NAN, "", "", one));
    check(km_plot(
        &[SurvivalCurve {
            label: "A".into(),
            steps: vec![(f64::NAN, 0.5), (500.0, 0.2), (10.0, 1.5)],
            censored: vec![(-3.0, 1.0)],
        }],
        100.0,
        "t",
        "S",
        one,
    ));
}

/// A bracket between factorial cells given out of their left-to-right order still sits
/// above the data it spans (it once fell to the axis).
#[test]
fn brackets_between_cells_out_of_x_order_sit_above_the_data() {
    let cells = vec![
        FactorialCell {
            a_level: 0,
            b_level: 0,
            values: vec![150.0, 160.0, 170.0],
        },
        FactorialCell {
            a_level: 0,
            b_level: 1,
            values: vec![140.0, 150.0, 155.0],
        },
        FactorialCell {
            a_level: 1,
            b_level: 0,
            values: vec![120.0, 130.0, 125.0],
        },
        FactorialCell {
            a_level: 1,
            b_level: 1,
            values: vec![80.0, 90.0, 85.0],
        },
    ];
    // Cell 1 (a0, b1) is drawn right of cell 2 (a1, b0).
    let fig = factorial_plot(
        "drug",
        &levels(&["vehicle", "imipramine"]),
        &levels(&["water", "zinc"]),
        &cells,
        Summary::MeanSem,
        &[bracket(1, 2, "*")],
        "Immobility (s)",
        3,
        FigureWidth::OneColumn,
    );
    let number = |tag: &str, attr: &str| -> f64 {
        let start = tag.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    // Markers are drawn cell by cell in the order given, each as a fill and an outline:
    // cells 1 and 2 (three animals each) are circles 6 to 17.
    let circles: Vec<f64> = fig
        .svg
        .split("<circle")
        .skip(1)
        .map(|c| number(c, "cy"))
        .collect();
    let top_of_data = circles[6..18].iter().copied().fold(f64::INFINITY, f64::min);
    let star = fig
        .svg
        .split("<text")
        .skip(1)
        .find(|t| {
            t.split('>')
                .nth(1)
                .is_some_and(|c| c.trim().starts_with('*'))
        })
        .map(|t| number(t, "y"))
        .expect("the bracket's text");
    assert!(
        star < top_of_data,
        "bracket text at y {star}, data from y {top_of_data}"
    );
}
