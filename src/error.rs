//! Exit codes (SPEC §1) and the failure that carries one to `main`.

use std::fmt;

/// The documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// Success.
    Ok = 0,
    /// Runtime failure: I/O error, unreadable input. Nothing partial is left behind.
    Failure = 1,
    /// Usage or rules error: bad flag, invalid rules file, export missing a required column.
    Usage = 2,
    /// Completed, but some input rows were rejected.
    Rejected = 3,
    /// `run`: another run holds the lock.
    Locked = 4,
    /// `run`: a safety limit tripped.
    Safety = 5,
}

/// An error that ends the command with a given exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    pub fn io(message: impl Into<String>) -> Failure {
        Failure::new(Code::Failure, message)
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Code::Usage, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<crate::config::RulesError> for Failure {
    fn from(e: crate::config::RulesError) -> Failure {
        Failure::usage(e.to_string())
    }
}
