// PATCH (gleaner): this file is new.

//! The stack of open elements, with a count of the HTML `p` elements on it.
//!
//! Every start tag of a block (`div`, `ul`, `h1`, …) asks whether a `p` is
//! in button scope, which walks the stack from the top to the first scope
//! boundary. A page of 20,000 nested `<div>`s, none of them boundaries, made
//! that a walk of the whole stack at every tag: seconds for a page of
//! 440 KB. With no HTML `p` on the stack the answer is no without a walk,
//! and that is what the count tells.
//!
//! The stack can only be changed through the methods below (there is no
//! `DerefMut`), each told by the tree builder which elements are HTML `p`s,
//! so the count cannot go stale.

use std::ops::Deref;

pub(crate) struct OpenElems<Handle> {
    elems: Vec<Handle>,
    /// How many of `elems` are HTML `p` elements.
    html_p: usize,
}

impl<Handle> Default for OpenElems<Handle> {
    fn default() -> Self {
        OpenElems {
            elems: Vec::new(),
            html_p: 0,
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
    /// Whether an HTML `p` element is on the stack.
    pub(crate) fn has_html_p(&self) -> bool {
        self.html_p > 0
    }

    pub(crate) fn push(&mut self, elem: Handle, is_p: impl Fn(&Handle) -> bool) {
        self.html_p += usize::from(is_p(&elem));
        self.elems.push(elem);
    }

    pub(crate) fn pop(&mut self, is_p: impl Fn(&Handle) -> bool) -> Option<Handle> {
        let elem = self.elems.pop()?;
        self.html_p -= usize::from(is_p(&elem));
        Some(elem)
    }

    pub(crate) fn truncate(&mut self, len: usize, is_p: impl Fn(&Handle) -> bool) {
        while self.elems.len() > len {
            self.pop(&is_p);
        }
    }

    pub(crate) fn remove(&mut self, index: usize, is_p: impl Fn(&Handle) -> bool) -> Handle {
        let elem = self.elems.remove(index);
        self.html_p -= usize::from(is_p(&elem));
        elem
    }

    pub(crate) fn insert(&mut self, index: usize, elem: Handle, is_p: impl Fn(&Handle) -> bool) {
        self.html_p += usize::from(is_p(&elem));
        self.elems.insert(index, elem);
    }

    pub(crate) fn replace(&mut self, index: usize, elem: Handle, is_p: impl Fn(&Handle) -> bool) {
        self.html_p += usize::from(is_p(&elem));
        let old = std::mem::replace(&mut self.elems[index], elem);
        self.html_p -= usize::from(is_p(&old));
    }

    /// Empties the stack, returning its elements, bottom first.
    pub(crate) fn take_all(&mut self) -> Vec<Handle> {
        self.html_p = 0;
        std::mem::take(&mut self.elems)
    }
}
