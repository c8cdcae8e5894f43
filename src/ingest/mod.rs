//! Reading data files into typed columns. Every value keeps its provenance — file,
//! spreadsheet row number (the header is row 1) and column — so that a bad value is
//! reported where the scientist can find it.

mod boris;
mod layout;
mod table;

pub use boris::{
    animals, behaviour_intervals, behaviours, check_session, parse_event_log, read_event_log,
    BehaviourEvent, EventLog, EventLogFormat,
};

pub use layout::{
    factor_values, repeated_layout, survival_columns, xy_columns, ExcludedSubject, FactorColumn,
    FactorValues, RepeatedLayout, SurvivalColumns, XyColumns,
};

pub use table::{
    grouped_values, guard_cell, parse_number, parse_yes_no, read_table, unguard_cell, DataTable,
    GroupedValues, IngestError, NumericColumn,
};

pub(crate) use table::decode_text;
