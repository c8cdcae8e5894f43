//! Output for people and programs: JSON documents with stable field names, and plain-text
//! tables. Non-finite numbers are written as JSON `null`, never as strings.

mod cms;
mod compare;
mod figures;
mod html;
mod json;
mod methods;
mod models;
mod pvalue;
mod text;

pub use cms::{cms_figures, cms_methods_paragraph, cms_report_html, cms_summary};
pub use compare::{apa_sentence, assumptions_json, compare_json, compare_text, posthoc_json};
pub use figures::study_figures;
pub use html::{analysis_summary, escape_html, methods_paragraph, report_html, StudyFigure};
pub use json::{describe_json, finite};
pub use models::{
    anova_apa, anova_json, anova_text, calibration_json, calibration_text, logistic_json,
    logistic_text, rm_anova_json, rm_anova_text, survival_json, CellPosthoc, CellSummary,
};
pub use pvalue::{apa_df, apa_p, format_p, stars, PStyle};
pub use text::{describe_table, significant, table};
