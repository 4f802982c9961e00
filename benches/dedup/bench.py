#!/usr/bin/env python3
"""Times gleaner's dedup against datasketch and datatrove on one labelled
corpus, scores every tool against the labels and prints one table.

    python bench.py --work DIR --gleaner PATH [--threads 2] [--skip datatrove]
                    [--gleaner-only] [--sweep]

--sweep adds recall and false merges of the `word_edits` copies by edit
rate (bins of 1 %, 0-12 %) for every tool, as a table (DIR/sweep.md) and a
plot (DIR/sweep.png, matplotlib); run.sh --sweep makes the corpus for it.

DIR holds the generator's output (corpus/part-*.jsonl, labels.tsv,
report.json); results go to DIR/runs/ and DIR/results.{json,md}. run.sh
builds the binaries, makes the venv and the corpus, then calls this.

Every tool runs as its own subprocess on the same JSONL files, one after
the other. Wall time covers the whole subprocess: reading the JSONL, the
dedup, writing its output (gleaner also cleans, scores quality and writes
Parquet tables; its own dedup stage time is given in a footnote).
Peak RSS is the larger of (a) ru_maxrss of the subprocess from wait4, which
covers the biggest single process of the tree, and (b) the largest sum of
PSS over the subprocess and all its descendants, sampled every 100 ms, which
is what counts for datatrove's worker processes.

The peers, configured to match gleaner's [dedup] settings:
- datasketch 2.0.0 (`run-datasketch`): gleaner's shingles (lowercased UAX#29
  words, 3 consecutive joined by U+001F), MinHash(num_perm=128) via
  update_batch, MinHashLSH(threshold=0.7, num_perm=128) → 14 bands × 9 rows,
  the same banding as gleaner; insert all, query each, union-find over every
  candidate pair (no verification, as text-dedup uses it). One process.
- datatrove 0.10.1 (`run-datatrove`): MinhashDedupSignature → Buckets →
  Cluster → Filter with MinhashConfig(n_grams=3, num_buckets=14,
  hashes_per_bucket=9), LocalPipelineExecutor with --threads workers. Its
  own text normalization and spaCy word tokenizer differ from gleaner's
  (numbers → 0, punctuation dropped, spaCy tokens); its tasks are one per
  JSONL file in the signature and filter stages, one per bucket in the
  bucket stage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import score as scoring  # noqa: E402

THRESHOLD = 0.7
NUM_PERM = 128
SHINGLE = 3  # gleaner's dedup.shingle_size (5 before 0.14.0)
# datasketch's _optimal_param(0.7, 128, 0.5, 0.5), which gleaner's
# lsh::optimal_banding reproduces.
BANDS, ROWS = 14, 9

# gleaner's words: unicode_words() of the unicode-segmentation crate (UAX#29
# word boundaries, segments with an alphanumeric kept), lowercased. Runs of
# \w (letters, digits, marks, underscore = ExtendNumLet) joined across
# MidLetter/MidNumLet (: . ' ’ ·) between two letters (WB6/7) and across
# MidNum/MidNumLet (, ; . ' ’) between two digits (WB11/12): "don't", "4.5",
# "3,000", "u.s" stay one word, "e-mail", "12:30" and "a.1" are split.
# On the 2095 BBC articles (805,770 words) and a list of edge cases this
# gives exactly the crate's words; known differences are scripts without
# spaces (Thai, CJK ideographs: one word per character in the crate),
# emoji, and Hebrew quote rules, none of which the corpus has.
WORD = re.compile(r"\w+(?:(?:(?<=[^\W\d_])[.:'’·](?=[^\W\d_])|(?<=\d)[.,;'’](?=\d))\w+)*")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def shingles(text: str) -> list[bytes]:
    """gleaner's shingle set, as bytes for datasketch."""
    w = words(text)
    if not w:
        return []
    if len(w) < SHINGLE:
        return ["\x1f".join(w).encode()]
    return list({"\x1f".join(w[i : i + SHINGLE]).encode() for i in range(len(w) - SHINGLE + 1)})


def corpus_files(work: Path) -> list[Path]:
    return sorted((work / "corpus").glob("part-*.jsonl"))


# --------------------------------------------------------------------------
# Tool runners (each runs in its own subprocess)


def run_datasketch(work: Path, out: Path) -> None:
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (BANDS, ROWS), (lsh.b, lsh.r)
    ids: list[str] = []
    sigs: list[MinHash] = []
    for path in corpus_files(work):
        with open(path, encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                sh = shingles(doc["text"])
                if not sh:
                    continue
                m = MinHash(num_perm=NUM_PERM)
                m.update_batch(sh)
                key = len(ids)
                ids.append(doc["id"])
                sigs.append(m)
                lsh.insert(key, m)
    t1 = time.perf_counter()
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = 0
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                pairs += 1
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    t2 = time.perf_counter()
    with open(out / "pred.tsv", "w", encoding="utf-8") as f:
        f.write("id\tcluster\n")
        for i, d in enumerate(ids):
            f.write(f"{d}\tc{find(i)}\n")
    info = {"minhash_insert_s": t1 - t0, "query_union_s": t2 - t1, "candidate_pairs": pairs // 2}
    (out / "info.json").write_text(json.dumps(info, indent=2) + "\n")


def run_datatrove(work: Path, out: Path, threads: int) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    config = MinhashConfig(
        n_grams=SHINGLE,
        num_buckets=BANDS,
        hashes_per_bucket=ROWS,
        hash_config=HashConfig(precision=64),
    )
    files = len(corpus_files(work))
    d = out / "dt"

    def reader():
        return JsonlReader(
            str(work / "corpus"), glob_pattern="part-*.jsonl", text_key="text", id_key="id", compression=None
        )

    stages = {}
    plan = [
        ("signature", [reader(), MinhashDedupSignature(output_folder=str(d / "sigs"), config=config)], files),
        (
            "buckets",
            [MinhashDedupBuckets(input_folder=str(d / "sigs"), output_folder=str(d / "buckets"), config=config)],
            BANDS,
        ),
        (
            "cluster",
            [
                MinhashDedupCluster(
                    input_folder=str(d / "buckets"), output_folder=str(d / "remove"), config=config, save_cluster_id=True
                )
            ],
            1,
        ),
        (
            "filter",
            [
                reader(),
                MinhashDedupFilter(
                    input_folder=str(d / "remove"),
                    load_cluster_ids=True,
                    exclusion_writer=JsonlWriter(str(d / "removed"), compression=None),
                ),
                JsonlWriter(str(d / "kept"), compression=None),
            ],
            files,
        ),
    ]
    for name, pipeline, tasks in plan:
        t = time.perf_counter()
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=min(threads, tasks),
            logging_dir=str(d / "logs" / name),
            skip_completed=False,
        ).run()
        stages[name] = time.perf_counter() - t
    (out / "info.json").write_text(json.dumps({"stages_s": stages}, indent=2) + "\n")


def datatrove_predictions(work: Path, out: Path) -> None:
    """PRED.tsv from the cluster stage's NNNNNN.clusters files (outside the timing).

    Each holds (doc index, cluster) pairs, uint32 little-endian, for the
    documents of signature task NNNNNN that are in a cluster. With one task
    per JSONL file, task r read the r-th file in sorted order, and the doc
    index is the line number in it. (The filter stage's output is no help
    here: a task with nothing to remove skips loading cluster ids.)
    """
    import struct

    rows = []
    for rank, path in enumerate(corpus_files(work)):
        clusters = {}
        cfile = out / "dt" / "remove" / f"{rank:06d}.clusters"
        if cfile.exists():
            data = cfile.read_bytes()
            for doc, cid in struct.iter_unpack("<2I", data):
                clusters[doc] = cid
        with open(path, encoding="utf-8") as f:
            for idx, line in enumerate(f):
                doc_id = json.loads(line)["id"]
                rows.append((doc_id, f"c{clusters[idx]}" if idx in clusters else f"s{doc_id}"))
    with open(out / "pred.tsv", "w", encoding="utf-8") as f:
        f.write("id\tcluster\n")
        f.writelines(f"{i}\t{c}\n" for i, c in rows)


def gleaner_config(work: Path) -> Path:
    path = work / "gleaner.toml"
    path.write_text(
        "# Written by benches/dedup/bench.py: the dedup benchmark's gleaner run.\n"
        "[dataset]\n"
        'name = "dedupbench"\n'
        'inputs = ["corpus"]\n'
        "\n"
        "# Entities off: the benchmark times dedup (clean and quality stay on,\n"
        "# at their defaults).\n"
        "[entities]\n"
        "names = false\n"
        "patterns = false\n"
        "\n"
        "[dedup]\n"
        f"threshold = {THRESHOLD}\n"
        f"num_perm = {NUM_PERM}\n"
        f"shingle_size = {SHINGLE}\n"
        "# Containment (kind \"contained\": an excerpt inside a longer article)\n"
        "# stays at gleaner's default (`containment`, `containment_min_words`).\n"
    )
    return path


def gleaner_predictions(out: Path) -> dict:
    import polars as pl

    df = pl.read_parquet(out / "documents" / "**" / "*.parquet", columns=["id", "cluster_id"])
    df.write_csv(out / "pred.tsv", separator="\t", include_header=False)
    text = (out / "pred.tsv").read_text(encoding="utf-8")
    (out / "pred.tsv").write_text("id\tcluster\n" + text, encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text())
    return manifest


# --------------------------------------------------------------------------
# Measuring


def _tree_pss_kb(root: int) -> int:
    """Sum of PSS (RSS where PSS is unreadable) over `root` and its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents[int(entry)] = ppid
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except OSError:
                pass
    return total


def measure(cmd: list[str], log: Path, cwd: Path | None = None) -> dict:
    """Runs `cmd`, returns wall seconds, peak memory and exit code."""
    with open(log, "w") as logf:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, cwd=cwd)
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], _tree_pss_kb(proc.pid))
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": wall,
        "exit": proc.returncode,
        "maxrss_mb": rusage.ru_maxrss / 1024,
        "tree_pss_mb": peak[0] / 1024,
        "peak_rss_mb": max(rusage.ru_maxrss, peak[0]) / 1024,
    }


def tail(path: Path, n: int = 5) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(lines[-n:])


# --------------------------------------------------------------------------
# The benchmark


def sweep(work: Path, runs: Path, results: list[dict]) -> dict:
    """Recall and false merges of the word_edits copies by edit rate, per
    tool: printed, written to sweep.md, plotted to sweep.png."""
    labels = str(work / "labels.tsv")
    tools = [r["tool"] for r in results if "error" not in r and (runs / r["tool"] / "pred.tsv").exists()]
    table = {t: scoring.by_rate(labels, str(runs / t / "pred.tsv")) for t in tools}
    if not tools:
        return {}
    bins = table[tools[0]]
    header = ["edit rate", "copies"] + [f"{t} recall" for t in tools] + [f"{t} false merges" for t in tools]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for k, b in enumerate(bins):
        last = k == len(bins) - 1
        span = f"≥ {100 * b['from']:.0f} %" if last else f"{100 * b['from']:.0f}–{100 * b['to']:.0f} %"
        cells = [span, str(b["n"])]
        cells += [f"{table[t][k]['recall']:.3f}" for t in tools]
        cells += [f"{table[t][k]['false_merge']:.3f}" for t in tools]
        lines.append("| " + " | ".join(cells) + " |")
    overall = []
    for r in results:
        if r["tool"] in tools and "score" in r:
            fm = r["score"].get("false_merge_by_negative", {})
            overall.append(
                f"{r['tool']}: pair precision {r['precision']:.4f}, recall {r['recall']:.4f}; false merges "
                + ", ".join(f"{e} {v:.3f}" for e, v in fm.items())
            )
    text = "\n".join(lines) + "\n\n" + "\n".join(f"- {o}" for o in overall) + "\n"
    print("\nrecall and false merges of edited copies by edit rate:\n" + text)
    (work / "sweep.md").write_text(text)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4))
        xs = [100 * (b["from"] + b["to"]) / 2 for b in bins]
        for t in tools:
            ax.plot(xs, [row["recall"] for row in table[t]], marker="o", label=f"{t} recall")
        for t in tools:
            ax.plot(
                xs, [row["false_merge"] for row in table[t]], linestyle="--", marker="x", label=f"{t} false merges"
            )
        ax.set_xlabel("words edited (%)")
        ax.set_ylabel("share of copies")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"Copies with words edited in every paragraph ({work.name})")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="center left")
        fig.tight_layout()
        fig.savefig(work / "sweep.png", dpi=110)
        print(f"wrote {work / 'sweep.png'}")
    except ImportError as e:
        print(f"sweep: no plot ({e})")
    return {"by_rate": table, "overall": overall}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd")
    p = sub.add_parser("run-datasketch")
    p.add_argument("work", type=Path)
    p.add_argument("out", type=Path)
    p = sub.add_parser("run-datatrove")
    p.add_argument("work", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("threads", type=int)
    ap.add_argument("--work", type=Path, help="directory with corpus/ and labels.tsv")
    ap.add_argument("--gleaner", type=Path, help="path of the gleaner binary")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip", action="append", default=[], help="datasketch or datatrove (repeatable)")
    ap.add_argument("--gleaner-only", action="store_true")
    ap.add_argument("--sweep", action="store_true", help="recall and false merges by edit rate")
    a = ap.parse_args()
    if a.cmd == "run-datasketch":
        run_datasketch(a.work, a.out)
        return 0
    if a.cmd == "run-datatrove":
        run_datatrove(a.work, a.out, a.threads)
        return 0
    if not a.work or not a.gleaner:
        ap.error("--work and --gleaner are required")

    work = a.work.resolve()
    labels = work / "labels.tsv"
    files = corpus_files(work)
    if not files or not labels.exists():
        ap.error(f"{work} has no corpus/part-*.jsonl or labels.tsv (run the generator first)")
    n_docs = sum(1 for _ in open(labels)) - 1
    jsonl_mb = sum(f.stat().st_size for f in files) / 1e6
    skip = {s for item in a.skip for s in item.split(",") if s}
    tools = ["gleaner"] + ([] if a.gleaner_only else [t for t in ("datasketch", "datatrove") if t not in skip])
    runs = work / "runs"
    results = []
    notes = []
    print(
        f"corpus: {work} — {n_docs} docs, {len(files)} JSONL file(s), {jsonl_mb:.1f} MB; threads {a.threads}",
        flush=True,
    )

    for tool in tools:
        out = runs / tool
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        log = out / "log.txt"
        row = {"tool": tool, "threads": a.threads}
        if tool == "gleaner":
            cfg = gleaner_config(work)
            check = subprocess.run([str(a.gleaner), "check-config", "--config", str(cfg)], capture_output=True, text=True)
            if check.returncode != 0:
                row["error"] = f"check-config failed: {(check.stderr or check.stdout).strip()}"
            else:
                cmd = [str(a.gleaner), "run", "--config", str(cfg), "--threads", str(a.threads), "--output", str(out / "out")]
        elif tool == "datasketch":
            row["threads"] = 1
            cmd = [sys.executable, str(HERE / "bench.py"), "run-datasketch", str(work), str(out)]
        else:
            try:
                import datatrove  # noqa: F401
                import orjson  # noqa: F401
                import spacy  # noqa: F401
            except ImportError as e:
                row["error"] = f"not installed: {e}"
            cmd = [sys.executable, str(HERE / "bench.py"), "run-datatrove", str(work), str(out), str(a.threads)]
        if "error" not in row:
            print(f"running {tool} ...", flush=True)
            m = measure(cmd, log)
            row.update(m)
            if m["exit"] != 0:
                row["error"] = f"exit {m['exit']}: {tail(log)}"
        if "error" not in row:
            try:
                if tool == "gleaner":
                    manifest = gleaner_predictions(out / "out")
                    shutil.move(out / "out" / "pred.tsv", out / "pred.tsv")
                    row["info"] = {
                        "timings": manifest.get("timings"),
                        "dedup": manifest.get("dedup"),
                    }
                elif tool == "datatrove":
                    datatrove_predictions(work, out)
                    row["info"] = json.loads((out / "info.json").read_text())
                else:
                    row["info"] = json.loads((out / "info.json").read_text())
                full = scoring.score(str(labels), str(out / "pred.tsv"))
                no_ex = scoring.score(str(labels), str(out / "pred.tsv"), ["excerpt"])
                row.update(
                    docs_s=n_docs / row["wall_s"],
                    mb_s=jsonl_mb / row["wall_s"],
                    precision=full["precision"],
                    recall=full["recall"],
                    f1=full["f1"],
                    ari=full["ari"],
                    f1_no_excerpt=no_ex["f1"],
                    recall_by_edit=full["recall_by_edit"],
                    score=full,
                    score_no_excerpt=no_ex,
                )
            except Exception as e:  # noqa: BLE001 — reported in the table
                row["error"] = f"scoring failed: {type(e).__name__}: {e}"
        if "error" in row:
            print(f"{tool}: FAILED: {row['error']}", flush=True)
        results.append(row)

    g = next((r for r in results if r["tool"] == "gleaner" and "docs_s" in r), None)
    for r in results:
        if g and "docs_s" in r:
            r["gleaner_speedup"] = g["docs_s"] / r["docs_s"]

    header = ["tool", "threads", "docs/s", "MB/s", "peak RSS MB", "precision", "recall", "F1", "ARI", "F1 w/o excerpt", "gleaner ×"]
    rows = []
    for r in results:
        if "docs_s" in r:
            rows.append(
                [
                    r["tool"],
                    str(r["threads"]),
                    f"{r['docs_s']:,.0f}",
                    f"{r['mb_s']:.2f}",
                    f"{r['peak_rss_mb']:,.0f}",
                    f"{r['precision']:.4f}",
                    f"{r['recall']:.4f}",
                    f"{r['f1']:.4f}",
                    f"{r['ari']:.4f}",
                    f"{r['f1_no_excerpt']:.4f}",
                    f"{r['gleaner_speedup']:.1f}×" if "gleaner_speedup" in r else "",
                ]
            )
        else:
            rows.append([r["tool"], str(r["threads"]), "failed: " + r["error"][:300]] + [""] * (len(header) - 3))
    widths = [max(len(h), *(len(row[i]) for row in rows if len(row[i]) < 40)) for i, h in enumerate(header)]

    def fmt(cells):
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    table = [fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]

    edits = [
        "exact", "substitute", "insert_delete", "reorder", "boilerplate", "truncate", "excerpt",
        "word_edits", "boilerplate_edited",
    ]
    # Edits another corpus has (benches/dedup/heldout.py) come after.
    seen = {e for r in results for e in r.get("recall_by_edit", {})}
    edits = [e for e in edits if e in seen] + sorted(seen - set(edits))
    notes.append("recall by edit type (planted doc in its original's predicted cluster):")
    for r in results:
        if "recall_by_edit" in r:
            notes.append(
                f"  {r['tool']:<10} " + "  ".join(f"{e} {r['recall_by_edit'].get(e, float('nan')):.3f}" for e in edits)
            )
    notes.append("false merges by negative type (share merged with what it must stay apart from):")
    for r in results:
        fm = (r.get("score") or {}).get("false_merge_by_negative")
        if fm:
            notes.append(f"  {r['tool']:<10} " + "  ".join(f"{e} {v:.3f}" for e, v in fm.items()))
    if g:
        t = (g.get("info") or {}).get("timings") or {}
        if "dedup" in t:
            # gleaner times sketching (shingles + MinHash, inside its
            # quality/sketch pass) and dedup (LSH, verification, clusters)
            # apart; together they are its dedup work proper.
            dedup_s = t["dedup"] + t.get("sketch", 0.0)
            notes.append(
                f"gleaner: dedup work {dedup_s:.2f}s (sketch {t.get('sketch', float('nan')):.2f}s + dedup "
                f"{t['dedup']:.2f}s) of {g['wall_s']:.2f}s wall = {n_docs / dedup_s:,.0f} docs/s in dedup alone; "
                f"manifest timings {json.dumps({k: round(v, 2) for k, v in t.items()})}"
            )
        else:
            notes.append(f"gleaner: manifest.json has no timings.dedup (timings: {json.dumps(t)})")
    for r in results:
        if r["tool"] == "datatrove" and "info" in r:
            notes.append("datatrove stages (s): " + json.dumps({k: round(v, 2) for k, v in r["info"]["stages_s"].items()}))
        if r["tool"] == "datasketch" and "info" in r:
            i = r["info"]
            notes.append(
                f"datasketch: shingle+MinHash+insert {i['minhash_insert_s']:.1f}s, query+union {i['query_union_s']:.1f}s, "
                f"{i['candidate_pairs']} candidate pairs"
            )
    for r in results:
        if "peak_rss_mb" in r:
            notes.append(
                f"{r['tool']}: wall {r['wall_s']:.2f}s, ru_maxrss {r['maxrss_mb']:.0f} MB, sampled tree PSS {r['tree_pss_mb']:.0f} MB"
            )
    notes.append(
        "docs/s and MB/s: whole subprocess wall time (read JSONL → dedup → write output); MB = JSONL file bytes / 1e6. "
        "Peak RSS: max(ru_maxrss, sampled PSS sum of the process tree)."
    )

    print()
    print("\n".join(table))
    print()
    print("\n".join(notes))

    gen = {}
    if (work / "report.json").exists():
        gen = json.loads((work / "report.json").read_text())
    payload = {
        "corpus": str(work),
        "docs": n_docs,
        "jsonl_mb": jsonl_mb,
        "threads": a.threads,
        "generator": {k: v for k, v in gen.items() if k != "report"},
        "results": results,
        "notes": notes,
    }
    if a.sweep:
        payload["sweep"] = sweep(work, runs, results)
    (work / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    md = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    (work / "results.md").write_text(
        f"Corpus: {n_docs} docs, {jsonl_mb:.1f} MB JSONL, threads {a.threads}\n\n" + "\n".join(md) + "\n\n" + "\n".join(f"- {n.strip()}" for n in notes) + "\n"
    )
    print(f"\nwrote {work / 'results.json'} and {work / 'results.md'}")
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
