//! One integration-test binary: every module drives the real `preclin` executable.

mod common;
mod protocol_cli;
mod stats_cli;
mod stats_nist;
mod stats_ttest;
mod template_cli;
