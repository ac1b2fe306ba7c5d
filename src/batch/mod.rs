//! The nightly batch (SPEC §8): a lock per output folder, the ledger of issued actions,
//! and the day's folder built aside and swapped into place.

pub mod folder;
pub mod ledger;
pub mod lock;
