//! Located protocol diagnostics: file:line:column, the source line with a caret, and a hint.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// One problem found in a protocol file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    /// Byte range in the source; `None` when the problem has no single place (e.g. a missing table).
    pub span: Option<Range<usize>>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    pub fn at(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }
}

/// All problems found in one protocol file, with the text needed to show where they are.
#[derive(Debug, Clone)]
pub struct ProtocolDiagnostics {
    pub file: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ProtocolDiagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let renderer = Renderer::plain();
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let mut report = Vec::new();
            let title = Level::ERROR.primary_title(d.message.as_str());
            match &d.span {
                Some(span) => {
                    // An empty span (end of file) still needs one character to point at.
                    let span = if span.is_empty() {
                        let start = span.start.min(self.source.len().saturating_sub(1));
                        start..(start + 1).min(self.source.len())
                    } else {
                        span.clone()
                    };
                    report.push(
                        title.element(
                            Snippet::source(self.source.as_str())
                                .path(self.file.as_str())
                                .annotation(AnnotationKind::Primary.span(span)),
                        ),
                    );
                }
                None => report.push(Group::with_title(title)),
            }
            if let Some(hint) = &d.hint {
                report.push(Group::with_title(
                    Level::HELP.secondary_title(hint.as_str()),
                ));
            }
            let rendered = renderer.render(&report);
            if d.span.is_none() {
                writeln!(f, "{rendered}")?;
                write!(f, " --> {}", self.file)?;
            } else {
                write!(f, "{rendered}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
