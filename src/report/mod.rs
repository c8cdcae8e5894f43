//! Output for people and programs: JSON documents with stable field names, and plain-text
//! tables. Non-finite numbers are written as JSON `null`, never as strings.

mod json;
mod text;

pub use json::{describe_json, finite};
pub use text::{describe_table, significant};
