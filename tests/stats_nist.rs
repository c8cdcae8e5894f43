//! The `stats` room against NIST StRD certified values (tests/fixtures/nist/).

use std::path::PathBuf;

use preclin::stats::{mean, one_way_anova, variance, OneWayAnova};

use crate::common::lre;

fn nist(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/nist")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn univariate_mean_and_sd_match_nist() {
    let certified = nist("univariate/certified.csv");
    for line in certified.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (name, c_mean, c_sd): (&str, f64, f64) =
            (f[0], f[3].parse().unwrap(), f[4].parse().unwrap());
        let x: Vec<f64> = nist(&format!("univariate/{name}.csv"))
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().parse().unwrap())
            .collect();
        assert_eq!(x.len(), f[1].parse::<usize>().unwrap(), "{name}");
        let (m, sd) = (mean(&x), variance(&x).sqrt());
        assert!(
            lre(m, c_mean) >= 14.0,
            "{name}: mean {m} vs {c_mean}, LRE {:.1}",
            lre(m, c_mean)
        );
        // The SD of the stored doubles, exactly: what double precision allows.
        let (_, ss) = exact_sums_of_squares(std::slice::from_ref(&x));
        let sd_of_doubles = (ss / (x.len() - 1) as f64).sqrt();
        assert!(
            lre(sd, sd_of_doubles) >= 12.0,
            "{name}: sd {sd} vs exact {sd_of_doubles}"
        );
        // Read as preclin reads a data file: deviations from the first value are taken
        // exactly in decimal, so the SD keeps digits that the doubles cannot hold
        // (NumAcc4's 1000000000.2 … are stored only to ~1e-7).
        let path = crate::common::root().join(format!("tests/fixtures/nist/univariate/{name}.csv"));
        let table = preclin::ingest::read_table(&path, None).unwrap();
        let header = table.headers[0].clone();
        let column = table.numeric_column(&header).unwrap();
        let d = preclin::stats::describe_centred(name, &column.deviations, column.centre).unwrap();
        println!(
            "{name}: LRE mean {:.1}, sd {:.1} (doubles alone: {:.1}; read as decimals: {:.1})",
            lre(d.mean, c_mean),
            lre(d.sd, c_sd),
            lre(sd, c_sd),
            lre(d.sd, c_sd)
        );
        assert!(lre(d.mean, c_mean) >= 14.0, "{name}: mean {}", d.mean);
        assert!(
            lre(d.sd, c_sd) >= 9.0,
            "{name}: sd {} vs {c_sd}, LRE {:.1}",
            d.sd,
            lre(d.sd, c_sd)
        );
    }
}

struct Certified {
    df: [f64; 2],
    ss: [f64; 2],
    ms: [f64; 2],
    f: f64,
    r_squared: f64,
    residual_sd: f64,
}

fn numbers(line: &str) -> Vec<f64> {
    line.split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect()
}

fn anova_file(name: &str) -> (Certified, Vec<(String, Vec<f64>)>) {
    let text = nist(&format!("anova/{name}.dat"));
    let lines: Vec<&str> = text.lines().collect();
    let find = |prefix: &str| {
        lines
            .iter()
            .find(|l| l.trim_start().starts_with(prefix))
            .copied()
            .unwrap()
    };
    let between = numbers(find("Between "));
    let within = numbers(find("Within "));
    let certified = Certified {
        df: [between[0], within[0]],
        ss: [between[1], within[1]],
        ms: [between[2], within[2]],
        f: between[3],
        r_squared: *numbers(find("Certified R-Squared")).last().unwrap(),
        residual_sd: *numbers(find("Standard Deviation")).last().unwrap(),
    };
    let mut groups: Vec<(String, Vec<f64>)> = Vec::new();
    for line in &lines[60..] {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.len() != 2 {
            continue;
        }
        let value: f64 = t[1].parse().unwrap();
        match groups.iter_mut().find(|(g, _)| g == t[0]) {
            Some((_, v)) => v.push(value),
            None => groups.push((t[0].to_string(), vec![value])),
        }
    }
    (certified, groups)
}

/// The certified values, the groups' data and preclin's ANOVA of one NIST file.
fn fitted(name: &str) -> (Certified, Vec<Vec<f64>>, OneWayAnova) {
    let (c, groups) = anova_file(name);
    let refs: Vec<(&str, &[f64])> = groups
        .iter()
        .map(|(g, v)| (g.as_str(), v.as_slice()))
        .collect();
    let a = one_way_anova(&refs).unwrap();
    (c, groups.into_iter().map(|(_, v)| v).collect(), a)
}

/// Minimum LRE over F, SS, MS, R² and residual SD of one NIST ANOVA file.
fn anova_lre(name: &str) -> f64 {
    let (c, _, a) = fitted(name);
    assert_eq!(
        [a.df_between, a.df_within],
        c.df,
        "{name}: degrees of freedom"
    );
    min_lre(&a, &c)
}

/// Minimum LRE of an ANOVA over the certified SS, MS, F, R² and residual SD.
fn min_lre(a: &OneWayAnova, c: &Certified) -> f64 {
    [
        lre(a.ss_between, c.ss[0]),
        lre(a.ss_within, c.ss[1]),
        lre(a.ms_between, c.ms[0]),
        lre(a.ms_within, c.ms[1]),
        lre(a.f, c.f),
        lre(a.r_squared, c.r_squared),
        lre(a.residual_sd, c.residual_sd),
    ]
    .into_iter()
    .fold(f64::INFINITY, f64::min)
}

#[test]
fn one_way_anova_matches_nist_lower_and_average_difficulty() {
    for name in [
        "SiRstv", "SmLs01", "SmLs02", "SmLs03", "AtmWtAg", "SmLs04", "SmLs05", "SmLs06",
    ] {
        let digits = anova_lre(name);
        println!("{name}: minimum LRE over SS, MS, F, R² and residual SD {digits:.1}");
        assert!(digits >= 9.0, "{name}: minimum LRE {digits:.1}");
    }
}

/// The power of two that turns every value into an integer: `x · 2^shift` is exact.
fn common_shift(values: &[f64]) -> i32 {
    values
        .iter()
        .filter(|x| **x != 0.0)
        .map(|x| {
            let bits = x.to_bits();
            let exponent = ((bits >> 52) & 0x7ff) as i32 - 1075;
            -(exponent + bits.trailing_zeros().min(52) as i32)
        })
        .max()
        .unwrap_or(0)
}

/// `x · 2^shift` as an integer (exact; panics if it does not fit).
fn scaled(x: f64, shift: i32) -> i128 {
    if x == 0.0 {
        return 0;
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mantissa = (bits & ((1u64 << 52) - 1)) as i128 | (1i128 << 52);
    let zeros = mantissa.trailing_zeros() as i32;
    let e = biased - 1075 + zeros + shift;
    assert!(
        biased != 0 && (0..70).contains(&e),
        "value {x} cannot be scaled exactly"
    );
    let magnitude = (mantissa >> zeros) << e;
    if x < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Between- and within-group sums of squares of the doubles exactly as stored, in
/// integer arithmetic: the most any floating-point method could achieve on these data.
fn exact_sums_of_squares(groups: &[Vec<f64>]) -> (f64, f64) {
    let shift = common_shift(&groups.concat());
    // Integers relative to the first value keep every product below i128's range.
    let origin = scaled(groups[0][0], shift);
    let ints: Vec<Vec<i128>> = groups
        .iter()
        .map(|v| v.iter().map(|&x| scaled(x, shift) - origin).collect())
        .collect();
    let n_total: i128 = ints.iter().map(|g| g.len() as i128).sum();
    let s_total: i128 = ints.iter().flatten().sum();
    let scale = 2f64.powi(2 * shift);
    let (mut between, mut within) = (0f64, 0f64);
    for g in &ints {
        let n = g.len() as i128;
        let s: i128 = g.iter().sum();
        // Σ (x − mean)² = (n·ΣX² − S²) / n / 2^(2·shift)
        let squares: i128 = g.iter().map(|&x| x * x).sum();
        within += (n * squares - s * s) as f64 / n as f64 / scale;
        // n (mean_g − mean)² = (N·S_g − n·S)² / (n·N²) / 2^(2·shift)
        let d = n_total * s - n * s_total;
        between += (d * d) as f64 / (n as f64 * (n_total * n_total) as f64) / scale;
    }
    (between, within)
}

#[test]
fn one_way_anova_keeps_the_digits_the_data_allow_on_nist_higher_difficulty() {
    // 13 constant leading digits: a double stores 1000000000000.4 only to about 1e-4, so
    // the certified values cannot be reached by any double-precision method. The test
    // compares with the exact sums of squares of the stored doubles instead.
    for name in ["SmLs07", "SmLs08", "SmLs09"] {
        let (c, values, a) = fitted(name);
        let (ss_b, ss_w) = exact_sums_of_squares(&values);
        assert!(
            lre(a.ss_between, ss_b) >= 11.0,
            "{name}: SS between {} vs exact {ss_b}",
            a.ss_between
        );
        assert!(
            lre(a.ss_within, ss_w) >= 11.0,
            "{name}: SS within {} vs exact {ss_w}",
            a.ss_within
        );
        println!(
            "{name}: LRE against the certified values: F {:.1}, SS between {:.1}, SS within {:.1}",
            lre(a.f, c.f),
            lre(a.ss_between, c.ss[0]),
            lre(a.ss_within, c.ss[1])
        );
    }
}

#[test]
fn one_way_anova_of_data_read_as_decimals_matches_nist_on_all_files() {
    // Read as preclin reads a data file (a CSV with the values' decimal text), the
    // deviations from the first value are exact, so even SmLs07–09, whose 13 constant
    // leading digits defeat any computation on the doubles, reach the certified values.
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "SiRstv", "SmLs01", "SmLs02", "SmLs03", "AtmWtAg", "SmLs04", "SmLs05", "SmLs06", "SmLs07",
        "SmLs08", "SmLs09",
    ] {
        let (c, _) = anova_file(name);
        let text = nist(&format!("anova/{name}.dat"));
        let mut csv = String::from("group,value\n");
        for line in text.lines().skip(60) {
            let t: Vec<&str> = line.split_whitespace().collect();
            if t.len() == 2 && t[1].parse::<f64>().is_ok() {
                csv.push_str(&format!("{},{}\n", t[0], t[1]));
            }
        }
        let path = dir.path().join(format!("{name}.csv"));
        std::fs::write(&path, csv).unwrap();
        let table = preclin::ingest::read_table(&path, None).unwrap();
        let grouped = preclin::ingest::grouped_values(&table, "value", Some("group")).unwrap();
        let groups: Vec<(&str, &[f64])> = grouped
            .groups
            .iter()
            .zip(&grouped.deviations)
            .map(|((g, _), d)| (g.as_str(), d.as_slice()))
            .collect();
        let a = preclin::stats::one_way_anova(&groups).unwrap();
        let digits = min_lre(&a, &c);
        println!(
            "{name} read as decimals: minimum LRE over SS, MS, F, R², residual SD {digits:.1}"
        );
        assert!(digits >= 9.0, "{name}: minimum LRE {digits:.1}");
    }
}
