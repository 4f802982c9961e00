//! Line filters on the rendered main content: what survives the choice of
//! subtrees but is still not content (short boilerplate lines, link lists,
//! date lines, a lead of counters and prompts, trailing headings).

use super::classes::res;
use super::render::{Line, LineKind};
use super::Params;

/// The lines worth keeping, in order.
pub(super) fn filter_lines<'l>(lines: &'l [Line], p: &Params) -> Vec<&'l Line> {
    let r = res();
    let mut keep: Vec<bool> = lines
        .iter()
        .map(|l| {
            if l.kind == LineKind::Code {
                return true;
            }
            if r.boiler_line.is_match(&l.text) || (l.chars < 70 && r.date_line.is_match(&l.text)) {
                return false;
            }
            let listy = matches!(l.kind, LineKind::Item | LineKind::Row) || l.chars < 80;
            !(l.link_density() > p.line_ld && listy && !l.in_card)
        })
        .collect();
    // Duplicated link lines (keep the first).
    let mut seen = std::collections::HashSet::new();
    for (k, l) in keep.iter_mut().zip(lines) {
        if *k && l.link * 2 > l.chars && !seen.insert(l.text.as_str()) {
            *k = false;
        }
    }
    // Leading short lines (datelines, counters, prompts) before the first
    // real paragraph.
    if let Some(first) = lines.iter().position(|l| l.chars >= p.lead_min) {
        let total: u32 = lines.iter().map(|l| l.chars).sum();
        let lead: u32 = lines[..first].iter().map(|l| l.chars).sum();
        if (lead as f32) < 0.1 * total as f32 {
            for (k, l) in keep.iter_mut().zip(lines).take(first) {
                // A card's linked title is the first entry of a listing.
                *k &=
                    l.in_card || (p.lead_headings > 0.0 && matches!(l.kind, LineKind::Heading(_)));
            }
        }
    }
    // Trailing headings / short lines, from the end back: one pass (a page
    // of thousands of short lines made a scan from the end per line
    // quadratic). Only lines after the first kept one go, so it stays first.
    let first_kept = keep.iter().position(|&k| k);
    let mut end = lines.len();
    while let Some(last) = (0..end).rev().find(|&i| keep[i]) {
        let more = first_kept.is_some_and(|f| f < last);
        end = last;
        let l = &lines[last];
        // A short table row is data ("Weight | 68 g"), not a leftover.
        let short = l.chars < 10 && l.kind != LineKind::Row;
        if more && (matches!(l.kind, LineKind::Heading(_)) || short) {
            keep[last] = false;
        } else {
            break;
        }
    }
    lines
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| l)
        .collect()
}
