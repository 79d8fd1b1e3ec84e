//! The composition root of microgrid-cloud as a library: the wiring `mgc serve` uses that the
//! test harness must share (see [`composition`]). The `mgc` binary is `src/main.rs`.

pub mod composition;
