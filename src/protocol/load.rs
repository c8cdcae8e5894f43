//! Reading a protocol file: TOML parsing with located errors, then semantic validation.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::diagnostic::{Diagnostic, ProtocolDiagnostics};
use super::schema::Protocol;
use super::validate::{validate, FieldPath, PathSeg};

/// Parses and validates protocol text. `file` is the name shown in diagnostics.
pub fn parse_protocol(file: &str, source: &str) -> Result<Protocol, ProtocolDiagnostics> {
    let fail = |diagnostics: Vec<Diagnostic>| ProtocolDiagnostics {
        file: file.to_string(),
        source: source.to_string(),
        diagnostics,
    };
    let protocol: Protocol = toml::from_str(source).map_err(|e| {
        let message = e.message().trim().to_string();
        let hint = hint_for_serde_message(&message).or_else(|| {
            Some("TOML syntax: text in double quotes (title = \"FST\"), numbers bare (dose = 10), lists in brackets; docs/protocol-format.md shows every field".to_string())
        });
        let mut d = Diagnostic::new(message).at(e.span());
        d.hint = hint;
        fail(vec![d])
    })?;
    let problems = validate(&protocol);
    if problems.is_empty() {
        return Ok(protocol);
    }
    // The document parsed above, so parsing it again for spans cannot fail.
    let spans = DeTable::parse(source).ok();
    let diagnostics = problems
        .into_iter()
        .map(|p| {
            let span = spans.as_ref().and_then(|t| span_of(t, &p.path));
            let mut d = Diagnostic::new(format!("{} (at `{}`)", p.message, p.path)).at(span);
            d.hint = p.hint.or_else(|| {
                Some(format!(
                    "correct `{}`; docs/protocol-format.md says what it accepts, and `preclin protocol show fst-mouse --toml` prints a valid protocol to compare with",
                    p.path
                ))
            });
            d
        })
        .collect();
    Err(fail(diagnostics))
}

/// The source range of the value at `path`, or of the nearest enclosing value that exists.
fn span_of(root: &Spanned<DeTable<'_>>, path: &FieldPath) -> Option<Range<usize>> {
    let mut current: Option<&Spanned<DeValue<'_>>> = None;
    let mut best = None;
    for seg in &path.0 {
        let next = match (seg, current.map(|v| v.get_ref())) {
            (PathSeg::Key(k), None) => find_key(root.get_ref(), k),
            (PathSeg::Key(k), Some(DeValue::Table(t))) => find_key(t, k),
            (PathSeg::Index(i), Some(DeValue::Array(a))) => a.get(*i),
            _ => None,
        };
        match next {
            Some(v) => {
                best = Some(v.span());
                current = Some(v);
            }
            None => break,
        }
    }
    best
}

fn find_key<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

/// Turns serde's messages into a short suggestion for the scientist editing the file.
fn hint_for_serde_message(message: &str) -> Option<String> {
    let names = backticked(message);
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let what = if message.starts_with("unknown field") {
            "field"
        } else {
            "value"
        };
        let given = names.first()?;
        let expected = &names[1..];
        if let Some(best) = closest(given, expected) {
            return Some(format!("did you mean `{best}`?"));
        }
        if !expected.is_empty() {
            let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
            return Some(format!("allowed {what}s here: {}", list.join(", ")));
        }
        return Some(format!(
            "remove this {what}; docs/protocol-format.md lists the allowed ones"
        ));
    }
    if message.starts_with("missing field") {
        let field = names.first()?;
        return Some(format!(
            "add `{field}` to this table; docs/protocol-format.md describes it"
        ));
    }
    if message.starts_with("invalid type") {
        return Some(
            "numbers are written without quotes (10.5), text in quotes (\"saline\"), lists in brackets"
                .to_string(),
        );
    }
    None
}

fn backticked(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The candidate nearest to `given` by edit distance, if it is plausibly a typo.
pub fn closest<'a>(given: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(given, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_gets_the_nearest_field() {
        let fields: Vec<String> = ["water_depth_cm", "cylinder_height_cm"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("water_deph_cm", &fields), Some("water_depth_cm"));
        assert_eq!(closest("colour", &fields), None);
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_substitutions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("µg", "ug"), 1);
    }
}
