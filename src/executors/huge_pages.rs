//! Transparent huge pages off for the whole process, whichever executor
//! runs the passes.
//!
//! mimalloc asks the kernel for huge pages on its memory, and the kernel
//! zeroes each 2 MiB at its first touch, again whenever mimalloc has given
//! memory back; parsing a page takes and frees memory all the time. With
//! 4 KiB pages only what is used is zeroed. Measured (means of alternated
//! runs, two threads): 50,000 JSONL documents, entities off, wall 9.28 →
//! 8.20 s, system time 2.34 → 0.61 s, peak RSS 829 → 775 MB; with entities
//! 27.9 → 25.0 s; WCXB's 1,497 HTML pages 3.21 → 3.00 s, peak RSS 256 →
//! 217 MB. The name model's tables do not miss the TLB more for it:
//! `ner speed` 1.28M → 1.33M tokens/s (one pinned core, 4 rounds).

/// Turns transparent huge pages off for this process and the processes
/// it starts (`prctl(PR_SET_THP_DISABLE)`, Linux 3.15 and later); call it
/// first thing. Elsewhere, or where the kernel refuses, nothing changes
/// but the speed.
pub fn turn_off() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE reads only its integer arguments.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
