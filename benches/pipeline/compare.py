#!/usr/bin/env python3
"""The whole pipeline, gleaner against the Python pipeline users would build
(peer.py), on one generated news corpus; prints one Markdown table and draws
it as a bar chart. Called by run.sh, which builds and installs what it needs.

    python compare.py compare --gleaner BIN --work DIR [--threads T] [--skip-python]
    python compare.py scaling --gleaner BIN --work DIR --sizes 10000,100000

`compare` runs gleaner on one thread and on T, peer.py in one process and
as a pool of T, each under a peak-memory sampler (PSS of the process tree),
and scores what each wrote:
- dedup pair F1 against the generator's labels (benches/dedup/score.py);
- boilerplate left: planted site lines (the generator's templates, matched
  by pattern) still in the output text, over those in the input;
- prose kept: words of the other lines in the output, over the input's.
A third gleaner row runs with entities off (the dedup-only path).
`scaling` runs gleaner alone (all cores) on corpora of each size.
Results go to DIR/*.md, DIR/*.json and DIR/*.png.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "dedup"))
import score as scoring  # noqa: E402
from bench import measure, words  # noqa: E402

# tools/dedup_corpus.rs's BOILERPLATE and template lines; {..} are filled in.
TEMPLATES = [
    "Share this article",
    "Share on Facebook Share on X Share by email",
    "Sign up for our newsletter",
    "Get the day's top headlines delivered to your inbox every morning. Sign up now.",
    "Read more: {}",
    "Advertisement",
    "Story continues below advertisement",
    "© {} {} Media Ltd. All rights reserved.",
    "We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies.",
    "Accept all cookies",
    "Related topics",
    "Follow {} on Facebook, X and Instagram",
    "Subscribe for unlimited digital access from just £1 a week",
    "This article was originally published by {}.",
    "Comments are closed.",
    "Skip to main content",
    "Listen to this article",
    "Most read",
    "Image copyright Getty Images",
    "Copy link",
    "Download the {} app for breaking news alerts",
    "More on this story: {}",
    "Home | {}",
    "About {} · Careers · Privacy policy · Terms of use · Cookie settings · Contact us",
]
BOILERPLATE = re.compile(
    "|".join("(?:" + re.escape(t).replace(r"\{\}", ".+") + ")" for t in TEMPLATES)
)
STAGES = ["read_clean", "quality_sketch", "dedup", "entities_write"]


def stage_cells(stages: dict) -> str:
    return " | ".join(f"{stages.get(k, 0.0):.1f}" for k in STAGES)


def is_boilerplate(line: str) -> bool:
    return BOILERPLATE.fullmatch(line.strip().replace("’", "'")) is not None


def line_stats(texts) -> tuple[int, int]:
    """(boilerplate lines, words of the other lines) over `texts`."""
    bp = prose = 0
    for text in texts:
        for line in text.split("\n"):
            if not line.strip():
                continue
            if is_boilerplate(line):
                bp += 1
            else:
                prose += len(words(line))
    return bp, prose


def corpus_texts(work: Path):
    for path in sorted((work / "gen" / "corpus").glob("part-*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)["text"]


def read_documents(path: Path):
    import polars as pl

    files = [path] if path.is_file() else sorted(path.glob("documents/**/*.parquet"))
    return pl.concat([pl.read_parquet(f, columns=["id", "text", "cluster_id"]) for f in files])


def quality(work: Path, out_docs: Path, truth: tuple[int, int]) -> dict:
    df = read_documents(out_docs)
    pred = work / "pred.tsv"
    with open(pred, "w", encoding="utf-8") as f:
        f.write("id\tcluster\n")
        for i, c in zip(df["id"], df["cluster_id"]):
            f.write(f"{i}\t{c}\n")
    s = scoring.score(work / "gen" / "labels.tsv", pred, [])
    bp, prose = line_stats(df["text"])
    return {
        "dedup_f1": s["f1"],
        "boilerplate_left": bp / max(truth[0], 1),
        "prose_kept": prose / max(truth[1], 1),
        "documents": df.height,
    }


def entities_off(work: Path) -> Path:
    """The shipped pipeline.toml with names and patterns off: the dedup-only path."""
    text = (ROOT / "pipeline.toml").read_text()
    head, sep, tail = text.partition("[entities]")
    tail = tail.replace("names = true", "names = false").replace("patterns = true", "patterns = false")
    path = work / "entities-off.toml"
    path.write_text(head + sep + tail)
    return path


def run_gleaner(binary: str, work: Path, threads: int, name: str, config: Path | None = None) -> dict:
    out = work / name
    subprocess.run(["rm", "-rf", str(out)], check=True)
    cmd = [binary, "run", str(work / "gen" / "corpus"), "-c", str(config or ROOT / "pipeline.toml"),
           "-o", str(out), "-j", str(threads)]
    m = measure(cmd, work / f"{name}.log")
    if m["exit"] != 0:
        raise SystemExit(f"{name} failed, see {work / (name + '.log')}")
    manifest = json.loads((out / "manifest.json").read_text())
    m["stages"] = {k: manifest["timings"].get(k, 0.0) for k in STAGES}
    m["out"] = out
    return m


def run_peer(work: Path, processes: int, name: str) -> dict:
    out = work / name
    subprocess.run(["rm", "-rf", str(out)], check=True)
    cmd = [sys.executable, str(HERE / "peer.py"), str(work / "gen" / "corpus"), str(out),
           "--processes", str(processes)]
    m = measure(cmd, work / f"{name}.log")
    if m["exit"] != 0:
        raise SystemExit(f"{name} failed, see {work / (name + '.log')}")
    m["stages"] = json.loads((out / "timings.json").read_text())["timings"]
    m["out"] = out / "documents.parquet"
    return m


def corpus_bytes(work: Path) -> int:
    return sum(p.stat().st_size for p in (work / "gen" / "corpus").glob("part-*.jsonl"))


def compare(a) -> None:
    work = a.work
    n_docs = sum(1 for _ in open(work / "gen" / "labels.tsv")) - 1
    mb = corpus_bytes(work) / 1e6
    truth = line_stats(corpus_texts(work))
    rows = []
    runs = [("gleaner", 1, lambda: run_gleaner(a.gleaner, work, 1, "gleaner-1")),
            ("gleaner", a.threads, lambda: run_gleaner(a.gleaner, work, a.threads, f"gleaner-{a.threads}")),
            ("gleaner, entities off", a.threads,
             lambda: run_gleaner(a.gleaner, work, a.threads, "gleaner-no-entities", entities_off(work)))]
    if not a.skip_python:
        runs += [("python (1 process)", 1, lambda: run_peer(work, 1, "python-1")),
                 (f"python (multiprocessing, {a.threads})", a.threads,
                  lambda: run_peer(work, a.threads, f"python-{a.threads}"))]
    for tool, cores, go in runs:
        print(f"bench: {tool} on {cores} core(s)…", file=sys.stderr, flush=True)
        m = go()
        m.update(quality(work, m["out"], truth))
        m.update(tool=tool, cores=cores, out=str(m["out"]))
        rows.append(m)
    best = rows[1]["wall_s"]
    head = ("| pipeline | cores | wall s | docs/s | MB/s per core | peak RSS MB | "
            + " | ".join(STAGES) + " | gleaner (all cores) faster by | dedup F1 | boilerplate left | prose kept |")
    lines = [f"{n_docs:,} documents, {mb:.1f} MB of JSONL (benches/pipeline, shipped pipeline.toml)", "",
             head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        st = stage_cells(r["stages"])
        lines.append(
            f"| {r['tool']} | {r['cores']} | {r['wall_s']:.1f} | {n_docs / r['wall_s']:,.0f} | "
            f"{mb / r['wall_s'] / r['cores']:.2f} | {r['peak_rss_mb']:,.0f} | {st} | "
            f"{r['wall_s'] / best:.1f}× | {r['dedup_f1']:.3f} | {r['boilerplate_left']:.1%} | {r['prose_kept']:.1%} |"
        )
    table = "\n".join(lines)
    print(table)
    (work / "compare.md").write_text(table + "\n")
    (work / "compare.json").write_text(json.dumps(rows, indent=2, default=str) + "\n")
    chart(rows, work / "compare.png", n_docs)


def chart(rows: list[dict], path: Path, n_docs: int) -> None:
    """Left: wall time (log scale); right: each pipeline's time by stage."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['tool']}, {r['cores']} core(s)" for r in rows]
    fig, (ax, share) = plt.subplots(1, 2, figsize=(10, 3.4), gridspec_kw={"width_ratios": [3, 2]})
    walls = [r["wall_s"] for r in rows]
    ax.barh(labels, walls, color=["#4c72b0" if r["tool"] == "gleaner" else "#c44e52" for r in rows])
    for i, w in enumerate(walls):
        ax.text(w, i, f" {w:.1f} s", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(min(walls) / 2, max(walls) * 4)
    ax.set_xlabel("wall seconds (log scale)")
    ax.set_title(f"Whole pipeline, {n_docs:,} news documents, 2-core machine", fontsize=10)
    left = [0.0] * len(rows)
    colors = ["#4c72b0", "#55a868", "#c44e52", "#8172b2"]
    for k, c in zip(STAGES, colors):
        vals = [r["stages"].get(k, 0.0) / max(sum(r["stages"].get(s, 0.0) for s in STAGES), 1e-9) * 100 for r in rows]
        share.barh(range(len(rows)), vals, left=left, color=c, label=k)
        left = [l + v for l, v in zip(left, vals)]
    share.invert_yaxis()
    share.set_yticks([])
    share.set_xlabel("% of the time by stage")
    share.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def scaling(a) -> None:
    rows = []
    for size in a.sizes:
        work = a.work / f"n{size}"
        gen = work / "gen"
        if not (gen / "labels.tsv").exists():
            subprocess.run([a.generator, "--source", str(a.source), "--docs", str(size),
                            "--out", str(gen), "--report-sample", "0"], check=True)
        print(f"bench: gleaner on {size:,} documents…", file=sys.stderr, flush=True)
        m = run_gleaner(a.gleaner, work, a.threads, "gleaner")
        subprocess.run(["rm", "-rf", str(m["out"])], check=True)
        m.update(docs=size, mb=corpus_bytes(work) / 1e6)
        rows.append(m)
    lines = ["| documents | MB | wall s | µs/doc | MB/s per core | peak RSS MB | RSS KB/doc | "
             + " | ".join(STAGES) + " |", "|" + "---|" * (7 + len(STAGES))]
    for r in rows:
        st = stage_cells(r["stages"])
        lines.append(
            f"| {r['docs']:,} | {r['mb']:,.0f} | {r['wall_s']:.1f} | {r['wall_s'] / r['docs'] * 1e6:.0f} | "
            f"{r['mb'] / r['wall_s'] / a.threads:.2f} | {r['peak_rss_mb']:,.0f} | "
            f"{r['peak_rss_mb'] * 1024 / r['docs']:.1f} | {st} |"
        )
    table = "\n".join(lines)
    print(table)
    (a.work / "scaling.md").write_text(table + "\n")
    (a.work / "scaling.json").write_text(json.dumps(rows, indent=2, default=str) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax1 = plt.subplots(figsize=(6, 3.6))
    xs = [r["docs"] for r in rows]
    ax1.loglog(xs, [r["wall_s"] for r in rows], "o-", color="#4c72b0", label="wall s")
    ax1.set_xlabel("documents")
    ax1.set_ylabel("wall seconds", color="#4c72b0")
    ax2 = ax1.twinx()
    ax2.loglog(xs, [r["peak_rss_mb"] for r in rows], "s--", color="#c44e52", label="peak RSS MB")
    ax2.set_ylabel("peak RSS MB", color="#c44e52")
    ax1.set_title(f"gleaner run, {a.threads} cores: time and memory against size")
    fig.tight_layout()
    fig.savefig(a.work / "scaling.png", dpi=110)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare")
    s = sub.add_parser("scaling")
    for p in (c, s):
        p.add_argument("--gleaner", required=True)
        p.add_argument("--work", type=Path, required=True)
        p.add_argument("--threads", type=int, default=os.cpu_count())
    c.add_argument("--skip-python", action="store_true")
    s.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")], required=True)
    s.add_argument("--generator", required=True)
    s.add_argument("--source", type=Path, required=True)
    a = ap.parse_args()
    compare(a) if a.cmd == "compare" else scaling(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
