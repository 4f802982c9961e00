//! A panic in a parser costs its input, not the run.
//!
//! gleaner reads untrusted bytes with third-party parsers (html5ever,
//! feed-rs over quick-xml, serde_json, the decompressors). A panic in any
//! of them on one odd file used to unwind through the whole run and end it
//! with exit 101: one file stopped the nightly (feed-rs 3.0 panics in
//! quick-xml on a feed whose XML declaration follows a comment). Reading
//! runs inside [`contained`], so such a file, or one WARC record, is
//! skipped with the panic's message as its reason, like any unreadable
//! input, and the rest goes on. The default panic hook still prints the
//! panic and its place to stderr, for the bug report.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What `f` gives, or the message of its panic.
///
/// Unwind safety: a reader keeps no state that outlives one input, so
/// nothing half-updated by the panic is used again.
pub fn contained<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| message(payload.as_ref()))
}

/// The text a panic was raised with (`panic!("…")` gives a `&str` or a
/// `String`; anything else is said as such). Also what `--log-format json`
/// says of a panic.
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(contained(|| 7), Ok(7));
        assert_eq!(
            contained(|| -> u8 { panic!("bad {}", 1) }),
            Err("bad 1".into())
        );
        assert_eq!(
            contained(|| -> u8 { std::panic::panic_any(3u8) }),
            Err("a panic without a message".into())
        );
    }
}
