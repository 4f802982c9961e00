//! Rendering the chosen subtrees as lines of text and laying them out as
//! plain text or Markdown.
//!
//! One block is one line, except that a table row whose cells hold no blocks
//! is one line of cells (a spec table stays readable row by row) and a
//! `<pre>` keeps its own line breaks (code stays code). Each line remembers
//! what it was (paragraph, heading, list item, row, code) so that the filters
//! in [`super::lines`] and the Markdown layout can treat them differently.

use super::arena::*;
use super::TextFormat;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum LineKind {
    Para,
    /// A heading with its level (2–6).
    Heading(u8),
    Item,
    /// A table row; cells are separated by `" | "`.
    Row,
    Code,
}

pub(super) struct Line {
    pub(super) text: String,
    /// Non-whitespace characters and those inside links.
    pub(super) chars: u32,
    pub(super) link: u32,
    pub(super) kind: LineKind,
    /// The `<table>` a row belongs to (a new table starts a new Markdown
    /// header), else `NONE`.
    pub(super) table: u32,
    /// The line sits in a small block (a card: title link plus teaser) whose
    /// own text is mostly not links, so a link title there is content, not
    /// a link list.
    pub(super) in_card: bool,
    /// The block the line was opened in (the `<pre>` for code): where the
    /// line model reads its ancestors from.
    pub(super) node: u32,
}

impl Line {
    pub(super) fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link as f32 / self.chars as f32
        }
    }
}

/// Readability's `_cleanConditionally`: whether a container looks like
/// boilerplate given its counts.
pub(super) fn clean_conditionally(n: &Node, cards: bool) -> bool {
    if !matches!(
        n.tag,
        Tag::Div | Tag::Section | Tag::List | Tag::Table | Tag::Form | Tag::Figure
    ) {
        return false;
    }
    if n.commas >= 10 {
        return false;
    }
    let d = ld(n);
    let len = n.chars;
    if n.class_w < 0 && d > 0.2 {
        return true;
    }
    // One of several cards of one template (linked title, teaser): a
    // listing's entries, not a link box.
    if cards && n.alike >= 3 && d <= 0.6 && n.chars.saturating_sub(n.link_chars) >= 40 {
        return false;
    }
    // A list is judged item by item (the line filter drops link items);
    // as a whole only when it is mostly links. A short list of references
    // or "see also" items whose text explains each link is content.
    if n.tag == Tag::List {
        return d > 0.5;
    }
    let p = n.n_p as u32;
    let li = n.n_li as u32;
    let img = n.n_img as u32;
    (li > p + 5 && li > 2 * p.max(1) && d > 0.2)
        || n.n_input as u32 > (p / 3).max(1)
        || (len < 25 && img > 2)
        || d > 0.5
        || (d > 0.33 && len < 400)
        // A figure is an image and its caption, unless it holds no image
        // (a pull quote or a testimonial set as `<figure><blockquote>`).
        || (n.tag == Tag::Figure && (img > 0 || len < 200))
        || (n.tag == Tag::Form && d > 0.2)
}

/// What an open block makes of the lines inside it. What a new line needs
/// to know of the blocks around it is carried down from the parent when a
/// block opens, not looked up along the whole stack at every block: on a
/// page of 20,000 nested `<div>`s that was quadratic (seconds a page).
#[derive(Clone, Copy)]
struct Open {
    end: usize,
    node: usize,
    /// The kind of the innermost open block that has one (this or an
    /// enclosing block): what a line started here is.
    kind: Option<LineKind>,
    /// A simple row: its cells join one line.
    row: bool,
    /// This block is, or is inside, a simple row.
    in_row: bool,
}

struct Renderer<'n, 'a> {
    a: &'n [Node<'a>],
    lines: Vec<Line>,
    cur: Line,
    open: Vec<Open>,
    tables: Vec<u32>,
    cards: bool,
    lenient: bool,
}

fn empty_line() -> Line {
    Line {
        text: String::new(),
        chars: 0,
        link: 0,
        kind: LineKind::Para,
        table: NONE,
        in_card: false,
        node: NONE,
    }
}

/// Whether a `<tr>` holds only cells with inline content.
fn simple_row(a: &[Node], tr: usize) -> bool {
    (tr + 1..a[tr].end as usize)
        .all(|i| a[i].kind != Kind::Block || matches!(a[i].tag, Tag::Td | Tag::P))
}

/// Lays out the subtrees `roots` as lines.
/// `lenient` skips readability's conditional cleaning (link-dense boxes).
pub(super) fn render(a: &[Node], roots: &[usize], cards: bool, lenient: bool) -> Vec<Line> {
    let mut r = Renderer {
        a,
        lines: Vec::new(),
        cur: empty_line(),
        open: Vec::new(),
        tables: Vec::new(),
        cards,
        lenient,
    };
    for &root in roots {
        r.subtree(root);
    }
    r.lines
}

impl Renderer<'_, '_> {
    fn subtree(&mut self, root: usize) {
        let a = self.a;
        let end = a[root].end as usize;
        let mut i = root;
        while i < end {
            self.close_until(i);
            let n = &a[i];
            if n.drop
                || n.tag == Tag::H1
                || (i != root
                    && n.kind == Kind::Block
                    && !self.lenient
                    && clean_conditionally(n, self.cards))
            {
                i = n.end as usize;
                continue;
            }
            match n.kind {
                Kind::Text => self.push_text(n.text, n.in_link),
                Kind::Br => {
                    if !self.in_row() {
                        self.flush();
                    }
                }
                Kind::Block if n.tag == Tag::Pre => {
                    self.flush();
                    self.code(i);
                    i = n.end as usize;
                    continue;
                }
                Kind::Block => self.open_block(i),
                Kind::Inline => {}
            }
            i += 1;
        }
        self.close_until(usize::MAX);
        self.flush();
    }

    fn in_row(&self) -> bool {
        self.open.last().is_some_and(|o| o.in_row)
    }

    /// Opens block `i`, taking what it inherits from the innermost open one.
    fn push_open(&mut self, i: usize, kind: Option<LineKind>, row: bool) {
        let parent = self.open.last();
        let kind = kind.or(parent.and_then(|o| o.kind));
        let in_row = row || parent.is_some_and(|o| o.in_row);
        self.open.push(Open {
            end: self.a[i].end as usize,
            node: i,
            kind,
            row,
            in_row,
        });
    }

    fn open_block(&mut self, i: usize) {
        let n = &self.a[i];
        if self.in_row() {
            // A cell of a simple row: a separator, not a new line.
            if n.tag == Tag::Td && !self.cur.text.is_empty() {
                self.cur.text.push_str(" | ");
            }
            self.push_open(i, None, false);
            return;
        }
        self.flush();
        let row = n.tag == Tag::Tr && simple_row(self.a, i);
        if n.tag == Tag::Table {
            self.tables.push(i as u32);
        }
        let kind = match n.tag {
            Tag::H => Some(LineKind::Heading(n.level)),
            Tag::Li => Some(LineKind::Item),
            Tag::Tr if row => Some(LineKind::Row),
            _ => None,
        };
        self.push_open(i, kind, row);
    }

    fn close_until(&mut self, i: usize) {
        while let Some(o) = self.open.last().copied() {
            if i < o.end {
                break;
            }
            self.open.pop();
            // A closing cell does not end its row's line.
            if o.row || !self.in_row() {
                self.flush();
            }
            if self.a[o.node].tag == Tag::Table {
                self.tables.pop();
            }
        }
    }

    fn push_text(&mut self, t: &str, link: bool) {
        if self.cur.text.is_empty() {
            self.start_line();
        }
        let cur = &mut self.cur;
        let starts_ws = t.starts_with(char::is_whitespace);
        for (k, w) in t.split_whitespace().enumerate() {
            if (k > 0 || starts_ws) && !cur.text.is_empty() && !cur.text.ends_with(' ') {
                cur.text.push(' ');
            }
            cur.text.push_str(w);
            let c = w.chars().count() as u32;
            cur.chars += c;
            if link {
                cur.link += c;
            }
        }
        if t.ends_with(char::is_whitespace) && !cur.text.is_empty() && !cur.text.ends_with(' ') {
            cur.text.push(' ');
        }
    }

    /// A new line takes its kind from the innermost open block that has one.
    fn start_line(&mut self) {
        self.cur.kind = self
            .open
            .last()
            .and_then(|o| o.kind)
            .unwrap_or(LineKind::Para);
        self.cur.table = match self.cur.kind {
            LineKind::Row => self.tables.last().copied().unwrap_or(NONE),
            _ => NONE,
        };
        self.cur.node = self.open.last().map_or(NONE, |o| o.node as u32);
    }

    /// A `<pre>` as one line that keeps its line breaks and indentation.
    fn code(&mut self, pre: usize) {
        let a = self.a;
        let mut text = String::new();
        let (mut chars, mut link) = (0, 0);
        let mut i = pre + 1;
        while i < a[pre].end as usize {
            let n = &a[i];
            if n.drop {
                i = n.end as usize;
                continue;
            }
            match n.kind {
                Kind::Text => {
                    text.push_str(n.text);
                    chars += n.tchars;
                    if n.in_link {
                        link += n.tchars;
                    }
                }
                Kind::Br => text.push('\n'),
                _ => {}
            }
            i += 1;
        }
        let body: Vec<&str> = text.lines().map(str::trim_end).collect();
        let first = body.iter().position(|l| !l.trim().is_empty());
        let last = body.iter().rposition(|l| !l.trim().is_empty());
        if let (Some(f), Some(l)) = (first, last) {
            self.start_line();
            self.cur.node = pre as u32;
            self.cur.text = body[f..=l].join("\n");
            self.cur.kind = LineKind::Code;
            self.cur.chars = chars;
            self.cur.link = link;
            self.flush();
        }
    }

    fn flush(&mut self) {
        let trimmed = self.cur.text.trim_end();
        if !trimmed.trim().is_empty() {
            let mut line = std::mem::replace(&mut self.cur, empty_line());
            if line.kind != LineKind::Code {
                line.text = line.text.trim().to_string();
            }
            line.in_card = self.cards && self.in_card(&line);
            self.lines.push(line);
        } else {
            self.cur = empty_line();
        }
    }

    /// The smallest open block holding more than this line: a card when it
    /// is small and its text is mostly not links.
    fn in_card(&self, line: &Line) -> bool {
        self.open
            .iter()
            .rev()
            .map(|o| &self.a[o.node])
            .find(|n| n.chars > line.chars + 10)
            .is_some_and(|n| {
                let own = n.chars.saturating_sub(n.link_chars);
                n.chars <= 1200 && own >= 60 && own * 2 >= n.chars
            })
    }
}

/// Joins the kept lines: blocks separated by a blank line, runs of list
/// items and table rows by a newline; Markdown marks headings, items, rows
/// (with a header rule after a table's first row) and fences code.
pub(super) fn layout(lines: &[&Line], format: TextFormat) -> String {
    let mut out = String::new();
    let mut prev: Option<&Line> = None;
    for l in lines {
        let text = l.text.replace('\u{ad}', "");
        if let Some(p) = prev {
            let run = matches!(
                (p.kind, l.kind),
                (LineKind::Item, LineKind::Item) | (LineKind::Row, LineKind::Row)
            );
            out.push_str(if run { "\n" } else { "\n\n" });
        }
        let new_table = l.kind == LineKind::Row
            && prev.is_none_or(|p| p.kind != LineKind::Row || p.table != l.table);
        match (format, l.kind) {
            (TextFormat::Plain, _) => out.push_str(&text),
            (TextFormat::Markdown, LineKind::Heading(level)) => {
                out.push_str(&"#".repeat(level.clamp(2, 6) as usize));
                out.push(' ');
                out.push_str(&text);
            }
            (TextFormat::Markdown, LineKind::Item) => {
                out.push_str("- ");
                out.push_str(&text);
            }
            (TextFormat::Markdown, LineKind::Row) => {
                let cells = text.split(" | ").count();
                out.push_str("| ");
                out.push_str(&text);
                out.push_str(" |");
                if new_table {
                    out.push_str("\n|");
                    out.push_str(&"---|".repeat(cells));
                }
            }
            (TextFormat::Markdown, LineKind::Code) => {
                out.push_str("```\n");
                out.push_str(&text);
                out.push_str("\n```");
            }
            (TextFormat::Markdown, LineKind::Para) => out.push_str(&text),
        }
        prev = Some(l);
    }
    out
}
