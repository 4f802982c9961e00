//! Fault injection: the binary against hostile but realistic inputs and
//! damage, one test per case, each checking the exit code, the message,
//! that `gleaner verify` passes and that good data is not lost.

#[path = "../common/mod.rs"]
mod common;

#[cfg(unix)]
mod input;
