#!/usr/bin/env python3
"""Precision and recall of the secret-* rules on the labelled set (tests/secrets/labelled).

A line carrying `# label: <rule-id>` (or `# label+N: <rule-id>` for the line N below) holds a
real secret that rule must report; every other secret-* finding in the set is a false positive.

    bench/secrets_precision.py [path/to/syncgate]      # default: build-secrets/syncgate
"""
import collections
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELLED = "tests/secrets/labelled"
LABEL = re.compile(r"# label(?:\+(\d+))?: ([a-z0-9-]+)")


def labels():
    out = set()
    for folder, _, names in os.walk(os.path.join(ROOT, LABELLED)):
        for name in names:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, ROOT)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    for m in LABEL.finditer(line):
                        out.add((m.group(2), rel, number + int(m.group(1) or 0)))
    return out


def findings(binary):
    run = subprocess.run([binary, "check", "--format", "json", "--fail-on", "never", LABELLED],
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"syncgate failed ({run.returncode}): {run.stderr[:500]}")
    report = json.loads(run.stdout)
    return {(f["rule"], f["file"], f["line"]) for f in report["findings"]
            if f["rule"].startswith("secret-")}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build-secrets", "syncgate")
    expected, actual = labels(), findings(binary)
    per_rule = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for item in actual | expected:
        counts = per_rule[item[0]]
        if item in actual and item in expected:
            counts[0] += 1
        elif item in actual:
            counts[1] += 1
            print(f"false positive: {item[0]} at {item[1]}:{item[2]}")
        else:
            counts[2] += 1
            print(f"missed:         {item[0]} at {item[1]}:{item[2]}")
    print(f"{'rule':28} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    total = [0, 0, 0]
    for rule in sorted(per_rule):
        tp, fp, fn = per_rule[rule]
        total = [a + b for a, b in zip(total, (tp, fp, fn))]
        print(f"{rule:28} {tp:4} {fp:4} {fn:4} {tp / max(tp + fp, 1):10.3f} {tp / max(tp + fn, 1):8.3f}")
    tp, fp, fn = total
    print(f"{'all':28} {tp:4} {fp:4} {fn:4} {tp / max(tp + fp, 1):10.3f} {tp / max(tp + fn, 1):8.3f}")


if __name__ == "__main__":
    main()
