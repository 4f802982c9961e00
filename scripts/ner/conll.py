"""CoNLL files and conlleval's scoring rules, shared by the NER scripts
(standard library only, so any venv can import it)."""


def read_conll(path):
    """Sentences as lists of (token, tag); `-DOCSTART-` lines end a sentence."""
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            cur.append((parts[0], parts[-1]))
    if cur:
        sents.append(cur)
    return sents


def write_document(f, sentences, docstart=True):
    """Writes one document: `-DOCSTART-` (unless `docstart` is false), then
    each sentence as `TOKEN<TAB>TAG` lines and a blank line. Returns the
    number of sentences and tokens written."""
    if docstart:
        f.write("-DOCSTART-\tO\n\n")
    n_tokens = 0
    for sent in sentences:
        for w, tag in sent:
            f.write(f"{w}\t{tag}\n")
        f.write("\n")
        n_tokens += len(sent)
    return len(sentences), n_tokens


def entity_counts(stats, types):
    """`PER 12, ORG 3, …` from a converter's `entities.TYPE` counters."""
    return ", ".join(f"{t} {stats['entities.' + t]}" for t in types)


def chunks(tags):
    """conlleval's (start, end, type) chunks of a B/I/O tag list (IOB1 or IOB2)."""
    out, start, ctype = [], None, None
    prev, prev_type = "O", ""
    for i, t in enumerate(list(tags) + ["O"]):
        tag, typ = t.split("-", 1) if t != "O" else ("O", "")
        end = prev in ("B", "I") and (tag != "I" or typ != prev_type)
        begin = tag == "B" or (tag == "I" and (prev == "O" or typ != prev_type))
        if end and start is not None:
            out.append((start, i, ctype))
            start = None
        if begin:
            start, ctype = i, typ
        prev, prev_type = tag, typ
    return out


def prf(correct, found, gold):
    """Precision, recall and F1, in percent."""
    p = correct / found if found else 0.0
    r = correct / gold if gold else 0.0
    return 100 * p, 100 * r, 100 * (2 * p * r / (p + r) if p + r else 0.0)
