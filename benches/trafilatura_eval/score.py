#!/usr/bin/env python3
"""Scores extracted texts on trafilatura's evaluation set, by its protocol.

    score.py SPLIT_DIR TIMES OUT.json... [--misses FILE] [--title TEXT]

SPLIT_DIR is benches/trafilatura_eval/prepare.py's output; TIMES holds
`<tool> <pages> <seconds>` lines (`aeb wcxb`, benches/wcxb/run_python.py);
each OUT.json is {page id: text}, the tool named by the file's stem.

The protocol is trafilatura's tests/evaluate.py and eval_common.py (the
successor of tests/comparison.py): whitespace is collapsed in the text and
in each snippet; a "with" snippet found in the text is a true positive, one
not found a false negative; a "without" snippet found is a false positive,
one not found a true negative; the counts are summed over all pages, then
precision tp/(tp+fp), recall tp/(tp+fn), accuracy (tp+tn)/all and F-score
2tp/(2tp+fp+fn). A page a tool fails on or leaves empty scores as an empty
text. The *raw HTML* row is the whole page source, trafilatura's
"everything" row (the recall ceiling). Prints a Markdown table, then
gleaner's scores by the page's declared language; --misses writes, for
gleaner, every "with" snippet it misses, grouped by page, worst first.
"""
import argparse
import bisect
import gzip
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from html.parser import HTMLParser

MIN_LANG_PAGES = 10


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


class Matrix:
    def __init__(self):
        self.tp = self.fp = self.fn = self.tn = 0

    def add(self, item, text):
        t = norm(text or "")
        tp = sum(1 for w in item["with"] if norm(w) in t)
        fp = sum(1 for w in item["without"] if norm(w) in t)
        self.tp += tp
        self.fp += fp
        self.fn += len(item["with"]) - tp
        self.tn += len(item["without"]) - fp

    def scores(self):
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = self.tp + self.fp + self.fn + self.tn
        a = (self.tp + self.tn) / total if total else 0.0
        d = 2 * self.tp + self.fp + self.fn
        f = 2 * self.tp / d if d else 0.0
        return p, r, a, f


# Elements that separate words (benches/readability/to_wcxb.py); text inside
# any other element runs on.
BLOCK = set(
    "address article aside blockquote br dd details div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot "
    "th thead tr ul".split()
)
VOID = set("area base br col embed hr img input link meta param source track wbr".split())


class Located(HTMLParser):
    """The page's text, whitespace collapsed as norm() does, and for each
    text node where it starts in that text and the elements open around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.starts, self.paths, self.stack, self.skip = [], [], [], [], 0
        self.length = 0
        self.space = True  # the text so far ends in a space (or is empty)

    def _add(self, s):
        s = re.sub(r"\s+", " ", s)
        if self.space and s.startswith(" "):
            s = s[1:]
        if s:
            self.out.append(s)
            self.length += len(s)
            self.space = s.endswith(" ")

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title", "template"):
            self.skip += 1
            return
        if tag in BLOCK:
            self._add(" ")
        if tag not in VOID:
            a = dict(attrs)
            label = tag + (f"#{a['id']}" if a.get("id") else "")
            label += "".join(f".{c}" for c in (a.get("class") or "").split()[:2])
            self.stack.append((tag, label))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title", "template"):
            self.skip = max(0, self.skip - 1)
            return
        if tag in BLOCK:
            self._add(" ")
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.skip:
            return
        self.starts.append(self.length - (1 if self.space and self.length else 0))
        self.paths.append(" > ".join(l for _, l in self.stack[-6:]))
        self._add(data)


def locate(html):
    p = Located()
    p.feed(html)
    p.close()
    text = "".join(p.out)
    lead = len(text) - len(text.lstrip())
    return text.strip(), [s - lead for s in p.starts], p.paths


def where(located, needle):
    """The elements around the text node where `needle` starts, or None."""
    text, starts, paths = located
    i = text.find(needle)
    if i < 0:
        return None
    j = max(0, bisect.bisect_right(starts, i) - 1)
    return paths[j] if paths else ""


def context(haystack, needle, width=90):
    i = haystack.find(needle)
    if i < 0:
        return None
    a, b = max(0, i - width), min(len(haystack), i + len(needle) + width)
    return ("…" if a else "") + haystack[a:i] + "⟦" + needle + "⟧" + haystack[i + len(needle) : b] + ("…" if b < len(haystack) else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split", type=Path)
    ap.add_argument("times", type=Path)
    ap.add_argument("outputs", type=Path, nargs="+")
    ap.add_argument("--misses", type=Path)
    ap.add_argument("--title", default="trafilatura's evaluation set")
    args = ap.parse_args()

    truth = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((args.split / "ground-truth").glob("*.json"))}
    html = {k: gzip.open(args.split / "html" / f"{k}.html.gz", "rt", encoding="utf-8").read() for k in truth}
    times = {}
    for line in args.times.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            times[parts[0]] = (int(parts[1]), float(parts[2]))
    outputs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in args.outputs}

    n_with = sum(len(t["with"]) for t in truth.values())
    n_without = sum(len(t["without"]) for t in truth.values())
    print(f"### {args.title}\n")
    print(f"{len(truth)} pages, {n_with} \"with\" and {n_without} \"without\" snippets; scored by "
          "trafilatura's protocol (tests/evaluate.py). trafilatura was developed against this set: "
          "it is held out for gleaner only, home turf for trafilatura.\n")
    print("| tool | pages | precision | recall | accuracy | F-score | empty | pages/s (one thread) |")
    print("|---|---|---|---|---|---|---|---|")
    rows = [("*raw HTML*", html)] + list(outputs.items())
    by_lang = defaultdict(lambda: defaultdict(Matrix))
    for name, out in rows:
        m = Matrix()
        empty = 0
        for k, item in truth.items():
            text = out.get(k) or ""
            empty += not text.strip()
            m.add(item, text)
            lang = item["lang"]
            by_lang[name][lang].add(item, text)
        p, r, a, f = m.scores()
        speed = f"{times[name][0] / times[name][1]:.0f}" if name in times and times[name][1] > 0 else "—"
        label = f"**{name}**" if name == "gleaner" else name
        print(f"| {label} | {len(truth)} | {p:.3f} | {r:.3f} | {a:.3f} | {f:.3f} | {empty} | {speed} |")

    counts = defaultdict(int)
    for item in truth.values():
        counts[item["lang"]] += 1
    langs = [l for l, c in sorted(counts.items(), key=lambda x: -x[1]) if c >= MIN_LANG_PAGES and l != "?"]
    rest = [l for l in counts if l not in langs]
    if "gleaner" in outputs:
        peers = [n for n in outputs if n != "gleaner"]
        print("\nBy the page's declared language (`<html lang>`; \"other\" = under "
              f"{MIN_LANG_PAGES} pages or none declared): gleaner's precision, recall and F-score, the peers' F-score.\n")
        print("| language | pages | gleaner P | gleaner R | **gleaner F** | " + " | ".join(f"{p} F" for p in peers) + " |")
        print("|---|---|---|---|---|" + "---|" * len(peers))
        for lang, group in [(l, [l]) for l in langs] + [("other", rest)]:
            cells = []
            for name in ["gleaner"] + peers:
                m = Matrix()
                for l in group:
                    mm = by_lang[name][l]
                    m.tp += mm.tp; m.fp += mm.fp; m.fn += mm.fn; m.tn += mm.tn
                cells.append(m.scores())
            p, r, _, f = cells[0]
            print(f"| {lang} | {sum(counts[l] for l in group)} | {p:.3f} | {r:.3f} | {f:.3f} | "
                  + " | ".join(f"{c[3]:.3f}" for c in cells[1:]) + " |")

    if args.misses and "gleaner" in outputs:
        write_misses(args.misses, truth, html, outputs)


def write_misses(path, truth, html, outputs):
    gl = outputs["gleaner"]
    peers = [n for n in outputs if n != "gleaner"]
    pages = []
    total = on_empty = unreachable = peer_found = unicode_form = 0
    fps = []
    for k, item in truth.items():
        out = norm(gl.get(k) or "")
        located = locate(html[k])
        visible = located[0]
        missed = [w for w in item["with"] if norm(w) not in out]
        kept_bad = [w for w in item["without"] if norm(w) in out]
        if kept_bad:
            fps.append((k, kept_bad))
        if not missed:
            continue
        rows = []
        for w in missed:
            nw = norm(w)
            found_by = [p for p in peers if nw in norm(outputs[p].get(k) or "")]
            ctx = context(visible, nw)
            # the page spells it decomposed (u + U+0308), the annotation
            # precomposed: trafilatura's output is NFC, gleaner's as the page
            nfc = unicodedata.normalize("NFC", nw) in unicodedata.normalize("NFC", out)
            if ctx is None:
                ctx = context(unicodedata.normalize("NFC", visible), unicodedata.normalize("NFC", nw))
            total += 1
            unicode_form += nfc
            on_empty += not out
            unreachable += ctx is None
            peer_found += bool(found_by)
            rows.append((w, found_by, ctx, where(located, nw), nfc))
        pages.append((k, item, len(out), len(missed), rows))
    pages.sort(key=lambda p: (-p[3] / len(p[1]["with"]), -p[3], p[0]))
    lines = [
        "# gleaner's missed \"with\" snippets (trafilatura's evaluation set)",
        "",
        f"{total} snippets missed on {len(pages)} pages: {on_empty} on pages gleaner left empty, "
        f"{unreachable} not in the page's text as html.parser renders it (an annotation, entity or "
        f"rendering mismatch, or text only in attributes/scripts), {peer_found} found by at least one peer "
        f"({', '.join(peers)}), {unicode_form} in gleaner's text once Unicode-normalized (NFC; the page "
        "decomposes accents, the annotation and trafilatura's output do not). Pages worst first (share of the page's snippets missed). "
        "Context is the page's text around the snippet (⟦…⟧); *in* the last six elements open where it starts.",
        "",
    ]
    for k, item, out_len, n, rows in pages:
        lines.append(f"## {k} — {item['file']} ({item['lang']}, gleaner {out_len} chars, missed {n}/{len(item['with'])})")
        lines.append("")
        lines.append(f"<{item['url']}>")
        lines.append("")
        for w, found_by, ctx, elems, nfc in rows:
            who = f"found by {', '.join(found_by)}" if found_by else "no peer finds it"
            if nfc:
                who += "; in gleaner's text once both are NFC-normalized"
            lines.append(f"- `{w}` — {who}")
            if ctx:
                lines.append(f"  - in: `{elems}`")
            lines.append(f"  - context: {ctx if ctx else '(not in the page text)'}")
        lines.append("")
    lines.append(f"# \"without\" snippets gleaner keeps ({sum(len(b) for _, b in fps)} on {len(fps)} pages)")
    lines.append("")
    for k, bad in fps:
        lines.append(f"- {k} {truth[k]['file']}: " + "; ".join(f"`{b}`" for b in bad))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nscore: gleaner's misses in {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
