// PATCH (gleaner): this file is new.

//! The stack of open elements, with a count of the HTML `p` and `template`
//! elements on it.
//!
//! Every start tag of a block (`div`, `ul`, `h1`, …) asks whether a `p` is
//! in button scope, which walks the stack from the top to the first scope
//! boundary; a `<form>` and other tags ask whether a `template` is open,
//! which walks all of it. On a page of 20,000 nested `<div>`s (none of them
//! a boundary) or `<form><div>`s, that was a walk of the whole stack at
//! every tag: seconds for a page of a few hundred KB, growing with the
//! square of its size. With no such element on the stack the answer is no
//! without a walk, and that is what the counts tell.
//!
//! The stack can only be changed through the methods below (there is no
//! `DerefMut`), each told by the tree builder which elements are counted,
//! so the counts cannot go stale.

use std::ops::Deref;

/// The elements the stack counts.
#[derive(Clone, Copy)]
pub(crate) enum Counted {
    /// An HTML `p`.
    P = 0,
    /// An HTML `template`.
    Template = 1,
}

pub(crate) struct OpenElems<Handle> {
    elems: Vec<Handle>,
    /// How many of `elems` are of each `Counted` kind.
    counts: [usize; 2],
}

impl<Handle> Default for OpenElems<Handle> {
    fn default() -> Self {
        OpenElems {
            elems: Vec::new(),
            counts: [0; 2],
        }
    }
}

impl<Handle> Deref for OpenElems<Handle> {
    type Target = Vec<Handle>;

    fn deref(&self) -> &Vec<Handle> {
        &self.elems
    }
}

impl<Handle> OpenElems<Handle> {
    /// Whether an element of this kind is on the stack.
    pub(crate) fn has(&self, kind: Counted) -> bool {
        self.counts[kind as usize] > 0
    }

    fn add(&mut self, elem: &Handle, counted: &impl Fn(&Handle) -> Option<Counted>) {
        if let Some(kind) = counted(elem) {
            self.counts[kind as usize] += 1;
        }
    }

    fn subtract(&mut self, elem: &Handle, counted: &impl Fn(&Handle) -> Option<Counted>) {
        if let Some(kind) = counted(elem) {
            self.counts[kind as usize] -= 1;
        }
    }

    pub(crate) fn push(&mut self, elem: Handle, counted: impl Fn(&Handle) -> Option<Counted>) {
        self.add(&elem, &counted);
        self.elems.push(elem);
    }

    pub(crate) fn pop(&mut self, counted: impl Fn(&Handle) -> Option<Counted>) -> Option<Handle> {
        let elem = self.elems.pop()?;
        self.subtract(&elem, &counted);
        Some(elem)
    }

    pub(crate) fn truncate(&mut self, len: usize, counted: impl Fn(&Handle) -> Option<Counted>) {
        while self.elems.len() > len {
            self.pop(&counted);
        }
    }

    pub(crate) fn remove(
        &mut self,
        index: usize,
        counted: impl Fn(&Handle) -> Option<Counted>,
    ) -> Handle {
        let elem = self.elems.remove(index);
        self.subtract(&elem, &counted);
        elem
    }

    pub(crate) fn insert(
        &mut self,
        index: usize,
        elem: Handle,
        counted: impl Fn(&Handle) -> Option<Counted>,
    ) {
        self.add(&elem, &counted);
        self.elems.insert(index, elem);
    }

    pub(crate) fn replace(
        &mut self,
        index: usize,
        elem: Handle,
        counted: impl Fn(&Handle) -> Option<Counted>,
    ) {
        self.add(&elem, &counted);
        let old = std::mem::replace(&mut self.elems[index], elem);
        self.subtract(&old, &counted);
    }

    /// Empties the stack, returning its elements, bottom first.
    pub(crate) fn take_all(&mut self) -> Vec<Handle> {
        self.counts = [0; 2];
        std::mem::take(&mut self.elems)
    }
}
