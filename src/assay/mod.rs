//! Assays: instrument and capture-sheet data turned into one value per animal, with every
//! intermediate step kept for the report. Files are read through [`crate::ingest`]; the
//! numerics are plain arithmetic here or in [`crate::stats`].

pub mod qpcr;
