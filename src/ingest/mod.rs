//! Reading data files into typed columns. Every value keeps its provenance — file,
//! spreadsheet row number (the header is row 1) and column — so that a bad value is
//! reported where the scientist can find it.

mod table;

pub use table::{
    grouped_values, parse_number, read_table, DataTable, GroupedValues, IngestError, NumericColumn,
};
