//! The nightly batch (SPEC §8): a lock per output folder, the ledger of issued actions and
//! its archive, and the day's folder built aside and swapped into place, which commits both.

pub mod archive;
mod entry;
pub mod fault;
mod flow;
pub mod folder;
pub mod ledger;
pub mod lock;
