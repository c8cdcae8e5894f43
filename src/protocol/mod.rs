//! Protocol definitions: the TOML schema, loading with located diagnostics, semantic
//! validation, the derived capture sheets and the built-in protocols.

mod capture;
mod catalog;
mod diagnostic;
mod load;
mod schema;
mod summary;
mod validate;

pub use capture::{bin_column, capture_sheets, known_columns, CaptureColumn, CaptureSheet};
pub use catalog::{
    builtin, builtin_protocols, list_protocols, load_file, resolve, Catalogued, LoadedProtocol,
    Origin, ResolveError, LOCAL_DIR,
};
pub use diagnostic::{Diagnostic, ProtocolDiagnostics};
pub use load::{closest, parse_protocol};
pub use schema::*;
pub use summary::{
    arrive_checklist, summary, treatment_text as summary_treatment_text, ArriveItem,
};
pub use validate::{active_treatment, validate, FieldPath, PathSeg, Problem, MAX_N_PER_GROUP};
