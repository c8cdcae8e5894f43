//! Plain-text tables for the terminal.

use std::fmt::Write;

use crate::stats::Descriptives;

/// `x` with `digits` significant digits, without exponent for everyday magnitudes;
/// NaN and infinities print as `–`.
pub fn significant(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-4..15).contains(&magnitude) {
        return format!("{x:.*e}", digits.saturating_sub(1));
    }
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    format!("{x:.decimals$}")
}

/// The table of `preclin stats describe`.
pub fn describe_table(value: &str, groups: &[(String, Descriptives)]) -> String {
    let header = [
        "group",
        "n",
        "mean",
        "SD",
        "SEM",
        "95% CI of mean",
        "median",
        "Q1",
        "Q3",
        "min",
        "max",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    let f = |x: f64| significant(x, 4);
    for (name, d) in groups {
        rows.push(vec![
            name.clone(),
            d.n.to_string(),
            f(d.mean),
            f(d.sd),
            f(d.sem),
            format!("{} to {}", f(d.ci95.0), f(d.ci95.1)),
            f(d.median),
            f(d.q1),
            f(d.q3),
            f(d.min),
            f(d.max),
        ]);
    }
    format!("{value}\n{}", table(&rows))
}

/// Rows aligned in columns: the first left-aligned, the others right-aligned.
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = widths[c] - cell.chars().count();
                if c == 0 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::significant;

    #[test]
    fn significant_digits() {
        assert_eq!(significant(131.456, 4), "131.5");
        assert_eq!(significant(0.012345, 3), "0.0123");
        assert_eq!(significant(-2.0, 3), "-2.00");
        assert_eq!(significant(f64::NAN, 3), "–");
        assert_eq!(significant(1.5e-7, 3), "1.50e-7");
    }
}
