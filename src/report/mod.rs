//! Output for people and programs: JSON documents with stable field names, and plain-text
//! tables. Non-finite numbers are written as JSON `null`, never as strings.

mod compare;
mod json;
mod pvalue;
mod text;

pub use compare::{apa_sentence, assumptions_json, compare_json, compare_text, posthoc_json};
pub use json::{describe_json, finite};
pub use pvalue::{apa_p, format_p, stars, PStyle};
pub use text::{describe_table, significant, table};
