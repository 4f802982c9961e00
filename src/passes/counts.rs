//! What a pass counted, as a value that adds up.
//!
//! Each pass (and each shard of it) returns its [`Counts`]; the executor
//! merges them, whatever the number of shards, into the run's totals
//! (ripgrep's `Stats` is the model).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::write::manifest::RunCounts;

/// Counts of one shard of a pass, or of a whole run once merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// The counters of the manifest and the summary.
    pub run: RunCounts,
    /// Lines the clean stage removed, by reason.
    pub removed_by_reason: BTreeMap<String, u64>,
}

impl Counts {
    /// Adds `other` to these counts.
    pub fn merge(&mut self, other: Counts) {
        self.run += other.run;
        for (reason, n) in other.removed_by_reason {
            *self.removed_by_reason.entry(reason).or_default() += n;
        }
        self.run.removed_lines = self.removed_by_reason.values().sum();
    }

    /// Counts one removed line.
    pub fn removed(&mut self, reason: &str) {
        match self.removed_by_reason.get_mut(reason) {
            Some(n) => *n += 1,
            None => {
                self.removed_by_reason.insert(reason.to_string(), 1);
            }
        }
        self.run.removed_lines += 1;
    }
}

impl std::iter::Sum for Counts {
    fn sum<I: Iterator<Item = Counts>>(iter: I) -> Counts {
        let mut total = Counts::default();
        for c in iter {
            total.merge(c);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_shards_add_up_to_the_counts_of_the_whole() {
        let shard = |docs: u64, reason: &str| {
            let mut c = Counts::default();
            c.run.documents = docs;
            c.run.mentions = 2 * docs;
            for _ in 0..docs {
                c.removed(reason);
            }
            c
        };
        let total: Counts = [shard(3, "menu"), shard(4, "menu"), shard(1, "share")]
            .into_iter()
            .sum();
        assert_eq!(total.run.documents, 8);
        assert_eq!(total.run.mentions, 16);
        assert_eq!(total.removed_by_reason["menu"], 7);
        assert_eq!(total.run.removed_lines, 8);
    }
}
