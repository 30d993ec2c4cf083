//! ocpplens: explore and diagnose OCPP 1.6-J charging-station logs.
//!
//! The core (`ingest`, `store`, `analysis`, `query`, `time`, `report`) is free
//! of any terminal code; the explorer (`tui`), `report` and `list` all go
//! through it.

pub mod analysis;
pub mod cli;
pub mod ingest;
pub mod ocpp;
pub mod query;
pub mod report;
pub mod sanitize;
pub mod store;
pub mod synth;
pub mod time;
pub mod tui;

#[cfg(test)]
pub(crate) mod testutil;
