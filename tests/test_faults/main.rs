//! Fault injection: the faults and hostile inputs that must never lose a
//! release, stop the nightly for good, hang, or exhaust memory. One test per
//! case; each checks the exit code, the message, that `gleaner verify`
//! passes and that no released row is lost.

#[path = "../common/mod.rs"]
mod common;

#[cfg(unix)]
mod input;
mod release;
