//! One integration-test binary: every module drives the real `preclin` executable.

mod analyze_cli;
mod analyze_cms;
mod assay_hplc;
mod bad_inputs;
mod boris;
mod common;
mod figures;
mod fuzz;
mod instrument_study;
mod instruments;
mod interrupted;
mod planned_analyses;
mod protocol_cli;
mod record_cli;
#[cfg(target_os = "linux")]
mod record_pty;
mod report_document;
mod stats_agreement;
mod stats_calibration;
mod stats_cli;
mod stats_compare;
mod stats_compare_cli;
mod stats_distributions;
mod stats_factorial;
mod stats_kgroups;
mod stats_models_cli;
mod stats_nist;
mod stats_power;
mod stats_survival;
mod stats_two_groups;
mod template_cli;
