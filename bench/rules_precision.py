#!/usr/bin/env python3
"""Precision per rule on the labelled real renders (tests/rules/real/labels.tsv).

Runs `syncgate check --offline` on the rendered charts of ../shared/data (rendered/, and corpus/
rendered by syncgate with the real helm) and on the bitnami renders of
../shared/data/archives/rendered-more.tar.xz (unpacked into a temporary folder), then matches
each labelled finding by rule, path, line and column among the findings at warning or error. A
labelled finding that no longer appears counts as gone (a false one fixed, or moved to info).
tests/rules/real_precision_test.cpp requires precision >= 0.9 for every rule on the same table.

Labels: a header line, then `rule<TAB>path<TAB>line<TAB>column<TAB>true|false<TAB>reason`, path
relative to ../shared/data or `archive:rendered-more/<path in the archive>` (the format
tests/secrets/real/labels.tsv shares).

    bench/rules_precision.py [path/to/syncgate] [--labels FILE]...
        # default: build-rules/syncgate, tests/rules/real/labels.tsv
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data")
ARCHIVE = os.path.join(DATA, "archives", "rendered-more.tar.xz")
HELM = os.path.join(ROOT, ".tools", "bin", "helm")


def read_labels(path):
    labels = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n")
        if header != "rule\tpath\tline\tcolumn\tverdict\treason":
            sys.exit(f"{path}: unexpected header {header!r}")
        for number, line in enumerate(f, 2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 6 or fields[4] not in ("true", "false"):
                sys.exit(f"{path}:{number}: malformed label line")
            labels.append((fields[0], fields[1], int(fields[2]), int(fields[3]), fields[4] == "true"))
    return labels


def findings(binary, folder, prefix, cache):
    """Findings at warning or error under `folder`, keyed as the labels are."""
    argv = [binary, "check", "--format", "json", "--fail-on", "never", "--offline",
            "--cache-dir", cache, folder]
    if os.path.exists(HELM):
        argv[2:2] = ["--helm", HELM]
    run = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"syncgate failed on {folder} ({run.returncode}): {run.stderr[:500]}")
    out = set()
    counts = collections.Counter()
    for f in json.loads(run.stdout)["findings"]:
        if f["severity"] == "info" or not f["file"].startswith(folder + "/"):
            continue
        counts[f["rule"]] += 1
        out.add((f["rule"], prefix + f["file"][len(folder) + 1:], f["line"], f["column"]))
    return out, counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(ROOT, "build-rules", "syncgate"))
    parser.add_argument("--labels", action="append",
                        help="labels file (repeatable); default tests/rules/real/labels.tsv")
    args = parser.parse_args()
    if not os.path.isdir(DATA) or not os.path.exists(ARCHIVE):
        sys.exit(f"{DATA} or {ARCHIVE} is absent")
    labels = []
    for path in args.labels or [os.path.join(ROOT, "tests", "rules", "real", "labels.tsv")]:
        labels += read_labels(path)

    found, counts = set(), collections.Counter()
    with tempfile.TemporaryDirectory() as unpacked, tempfile.TemporaryDirectory() as cache:
        subprocess.run(["tar", "-xJf", ARCHIVE, "-C", unpacked], check=True)
        for folder, prefix in ((os.path.join(DATA, "rendered"), "rendered/"),
                               (os.path.join(DATA, "corpus"), "corpus/"),
                               (unpacked, "archive:rendered-more/")):
            f, c = findings(args.binary, folder, prefix, cache)
            found |= f
            counts += c

    per_rule = collections.defaultdict(lambda: [0, 0, 0])  # true found, false found, gone
    for rule, path, line, column, verdict in labels:
        row = per_rule[rule]
        if (rule, path, line, column) not in found:
            row[2] += 1
        else:
            row[0 if verdict else 1] += 1
    print(f"{'rule':36} {'findings':>8} {'true':>5} {'false':>5} {'gone':>5} {'precision':>9}")
    for rule in sorted(set(per_rule) | {r for r in counts if not r.startswith(("secret-", "schema-"))}):
        t, fl, gone = per_rule[rule]
        precision = f"{t / (t + fl):.2f}" if t + fl else "-"
        print(f"{rule:36} {counts[rule]:8} {t:5} {fl:5} {gone:5} {precision:>9}")


if __name__ == "__main__":
    main()
