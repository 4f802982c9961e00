#!/usr/bin/env python3
"""Where a run's threads wait: samples the state of every thread of a
command every 2 ms (/proc/PID/task/*/stat) and prints, per time window, how
many threads were runnable (R: running, or waiting for a CPU) and asleep
(S/D: waiting for work, a lock or I/O), then each busy thread's totals.

A thread asleep is waiting on the program itself, whatever else the
machine runs, so the asleep time of the worker threads measures serial
steps even on a shared machine, where wall times do not.

    benches/pipeline/thread_states.py gleaner run --config C --threads 2
    WINDOW=0.05 benches/pipeline/thread_states.py …   (finer windows)

The sampler takes some CPU itself: compare runs sampled the same way.
"""
import collections
import os
import subprocess
import sys
import time


def main() -> None:
    window = float(os.environ.get("WINDOW", "0.25"))
    started = time.time()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []  # (seconds since start, {thread id: state letter})
    while proc.poll() is None:
        states = {}
        try:
            for tid in os.listdir(f"/proc/{proc.pid}/task"):
                try:
                    stat = open(f"/proc/{proc.pid}/task/{tid}/stat").read()
                except OSError:
                    continue
                states[tid] = stat[stat.rindex(")") + 2]
        except OSError:
            break
        samples.append((time.time() - started, states))
        time.sleep(0.002)
    total = time.time() - started
    buckets = collections.defaultdict(lambda: [0, 0, 0])
    for t, states in samples:
        b = buckets[int(t / window)]
        b[0] += 1
        b[1] += sum(s == "R" for s in states.values())
        b[2] += sum(s in "SD" for s in states.values())
    print(f"{total:.2f} s, {len(samples)} samples; per {window} s: runnable, asleep")
    for b in sorted(buckets):
        n, r, s = buckets[b]
        print(f"{b * window:7.2f}  R {r / n:4.2f}  S {s / n:4.2f}  " + "#" * round(r / n * 10))
    per = collections.defaultdict(lambda: [0.0, 0.0])
    dt = total / max(len(samples), 1)
    for _, states in samples:
        for tid, s in states.items():
            per[tid][0 if s == "R" else 1] += dt
    busy = sorted(per.items(), key=lambda kv: -kv[1][0])
    for tid, (r, s) in busy[:4]:
        print(f"thread {tid}: runnable {r:.2f} s, asleep {s:.2f} s")
    workers = len([1 for _, (r, _) in busy if r > 0.1 * total]) or 1
    asleep = sum(s for _, (r, s) in busy[:workers])
    print(f"asleep, the {workers} busiest threads: {asleep:.2f} s")


if __name__ == "__main__":
    main()
