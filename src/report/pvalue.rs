//! P values and statistics as journals print them.
//!
//! - GP (GraphPad Prism): four decimals, "<0.0001" below; asterisks ns, *, **, ***, ****.
//! - APA (Publication Manual, 7th ed., §6.36): three decimals without the leading zero,
//!   "< .001" below; statistics to two decimals.
//! - NEJM (manuscript guidelines): two decimals at 0.01 and above (three when rounding
//!   would give 0.05), three between 0.001 and 0.01, "<0.001" below; ">0.99" above.
//!
//! Significance labels are decided on the unrounded p value.

/// A p value style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PStyle {
    Gp,
    Apa,
    Nejm,
}

/// The p value as text in a style, e.g. `0.0123` (GP), `.012` (APA), `0.01` (NEJM).
pub fn format_p(p: f64, style: PStyle) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    match style {
        PStyle::Gp => {
            if p < 0.0001 {
                "<0.0001".into()
            } else {
                format!("{p:.4}")
            }
        }
        PStyle::Apa => {
            if p < 0.001 {
                "< .001".into()
            } else {
                let s = format!("{p:.3}");
                s.strip_prefix('0').unwrap_or(&s).to_string()
            }
        }
        PStyle::Nejm => {
            if p < 0.001 {
                "<0.001".into()
            } else if p > 0.99 {
                ">0.99".into()
            } else if p < 0.01 || (p < 0.05 && format!("{p:.2}") == "0.05") {
                format!("{p:.3}")
            } else {
                format!("{p:.2}")
            }
        }
    }
}

/// "p = .012" or "p < .001" (APA).
pub fn apa_p(p: f64) -> String {
    let s = format_p(p, PStyle::Apa);
    if s.starts_with('<') {
        format!("p {s}")
    } else {
        format!("p = {s}")
    }
}

/// Significance asterisks (Prism's convention): **** p ≤ 0.0001, *** ≤ 0.001, ** ≤ 0.01,
/// * ≤ 0.05, otherwise "ns".
pub fn stars(p: f64) -> &'static str {
    if !p.is_finite() {
        "–"
    } else if p <= 0.0001 {
        "****"
    } else if p <= 0.001 {
        "***"
    } else if p <= 0.01 {
        "**"
    } else if p <= 0.05 {
        "*"
    } else {
        "ns"
    }
}

/// A proportion for APA text: two decimals without the leading zero (".57", "-.02").
pub fn apa_proportion(x: f64) -> String {
    let s = format!("{x:.2}");
    s.replacen("0.", ".", 1)
}

/// Degrees of freedom: integers as such, fractional ones (Welch) to two decimals.
pub fn apa_df(df: f64) -> String {
    if (df - df.round()).abs() < 1e-9 {
        format!("{}", df.round())
    } else {
        format!("{df:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles() {
        assert_eq!(format_p(0.12345, PStyle::Gp), "0.1235");
        assert_eq!(format_p(0.00004, PStyle::Gp), "<0.0001");
        assert_eq!(format_p(0.0432, PStyle::Apa), ".043");
        assert_eq!(format_p(0.0004, PStyle::Apa), "< .001");
        assert_eq!(apa_p(0.0004), "p < .001");
        assert_eq!(apa_p(0.2), "p = .200");
        assert_eq!(format_p(0.0312, PStyle::Nejm), "0.03");
        assert_eq!(format_p(0.0496, PStyle::Nejm), "0.050");
        assert_eq!(format_p(0.0049, PStyle::Nejm), "0.005");
        assert_eq!(format_p(0.0009, PStyle::Nejm), "<0.001");
        assert_eq!(format_p(0.995, PStyle::Nejm), ">0.99");
    }

    #[test]
    fn asterisks_use_the_unrounded_value() {
        assert_eq!(stars(0.05), "*");
        assert_eq!(stars(0.050_000_1), "ns");
        assert_eq!(stars(0.0001), "****");
        assert_eq!(stars(0.000_100_01), "***");
        assert_eq!(stars(0.0099), "**");
    }

    #[test]
    fn apa_numbers() {
        assert_eq!(apa_proportion(0.5712), ".57");
        assert_eq!(apa_proportion(-0.021), "-.02");
        assert_eq!(apa_df(28.0), "28");
        assert_eq!(apa_df(14.518), "14.52");
    }
}
