//! Progress bars for the pipeline's stages, drawn only on a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;

use gleaner::pipeline::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// One bar per stage on stderr; invisible when stderr is not a terminal
/// (cron, CI, pipes), so logs stay clean.
pub struct StageBars {
    current: Mutex<Option<ProgressBar>>,
    visible: bool,
}

impl StageBars {
    /// Bars on a terminal unless `quiet` (JSON logs never carry bars).
    pub fn new(quiet: bool) -> StageBars {
        StageBars {
            current: Mutex::new(None),
            visible: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Ends the last bar.
    pub fn finish(&self) {
        if let Ok(mut current) = self.current.lock() {
            if let Some(bar) = current.take() {
                bar.finish();
            }
        }
    }
}

impl Progress for StageBars {
    fn stage(&self, name: &str, total: u64) {
        let bar = if total > 0 {
            ProgressBar::new(total).with_style(
                ProgressStyle::with_template("{prefix:>9} [{bar:32}] {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            )
        } else {
            ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix:>9} {spinner} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            )
        };
        if !self.visible {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_prefix(name.to_string());
        if let Ok(mut current) = self.current.lock() {
            if let Some(previous) = current.replace(bar) {
                previous.finish();
            }
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(current) = self.current.lock() {
            if let Some(bar) = current.as_ref() {
                bar.inc(n);
            }
        }
    }
}
