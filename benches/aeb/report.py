#!/usr/bin/env python3
"""Prints benches/aeb/run.sh's table from evaluate.py's output and the timings.

    report.py HTML_SCORES PLAIN_SCORES TIMES
"""
import re
import sys


def scores(path):
    """evaluate.py prints: name, version, then F1, precision, recall and
    accuracy, each as `value ± sd`."""
    out = {}
    for line in open(path):
        pairs = re.findall(r"([\d.]+) ± ([\d.]+)", line)
        if len(pairs) >= 3:
            (f1, sd), (p, _), (r, _) = pairs[:3]
            out[line.split()[0]] = (float(f1), float(sd), float(p), float(r))
    return out


def main():
    html, plain, times_path = sys.argv[1:4]
    times = {}
    for line in open(times_path):
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            times[parts[0]] = int(parts[1]) / float(parts[2])
    base = times.get("trafilatura")
    for title, path in (("HTML main-content extraction", html), ("Plain text (inscriptis renderings)", plain)):
        rows = scores(path)
        if not rows:
            print(open(path).read())
            continue
        print(f"\n{title}: AEB evaluate.py, 181 pages")
        print(f"{'system':24} {'F1':>13} {'P':>6} {'R':>6} {'pages/s':>9} {'× trafilatura':>14}")
        for name, (f1, sd, p, r) in sorted(rows.items(), key=lambda x: -x[1][0]):
            key = name.replace("inscriptis_full_page", "inscriptis")
            speed = times.get(key)
            ratio = f"{speed / base:.1f}×" if speed and base else ""
            speed = f"{speed:.0f}" if speed else ""
            print(f"{name:24} {f1:.3f} ± {sd:.3f} {p:6.3f} {r:6.3f} {speed:>9} {ratio:>14}")


if __name__ == "__main__":
    main()
