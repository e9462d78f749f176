#!/usr/bin/env python3
"""Precision and recall of syncgate's findings, from the binary, on three labelled sets.

1. tests/secrets/labelled (recall set): a line carrying `# label: <rule-id>` (or
   `# label+N: <rule-id>` for the line N below) holds a real secret that rule must report; every
   other secret-* finding in the set is a false positive. Prints precision and recall per rule.
2. tests/secrets/real/labels.tsv: every secret-* finding on real sources (../shared/data and
   archives/corpus-more.tar.xz), judged true or false by hand. Prints precision per rule, the
   findings without a label and the true labels no longer found (as the [secrets][corpus] test).
3. tests/rules/real/labels.tsv, when present: a labelled sample of the other rules' findings at
   warning and error on real renders. Prints precision per rule among the labelled findings
   still reported (as the [rules][corpus] test).

Both label files share a format: a header line, then
`rule <TAB> path <TAB> line <TAB> column <TAB> true|false <TAB> reason`, the path relative to
../shared/data or `archive:<name>/<path>` for a file of archives/<name>.tar.xz. Output names
files and positions, never a value.

    bench/secrets_precision.py [path/to/syncgate]      # default: build/syncgate
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
LABELLED = "tests/secrets/labelled"
SECRET_LABELS = os.path.join(ROOT, "tests", "secrets", "real", "labels.tsv")
RULE_LABELS = os.path.join(ROOT, "tests", "rules", "real", "labels.tsv")
LABEL = re.compile(r"# label(?:\+(\d+))?: ([a-z0-9-]+)")
HELM = os.path.join(ROOT, ".tools", "bin", "helm")


def run(binary, paths, cwd):
    """The findings of `syncgate check` over `paths` (JSON), offline, rendering with the real helm
    when there is one."""
    args = [binary, "check", "--format", "json", "--fail-on", "never", "--offline",
            "--no-require-render", *paths]
    if os.path.exists(HELM):
        args[2:2] = ["--helm", HELM]
    with tempfile.TemporaryDirectory() as cache:
        result = subprocess.run(args + ["--cache-dir", cache], cwd=cwd, capture_output=True,
                                text=True)
    try:
        return json.loads(result.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        sys.exit(f"syncgate failed ({result.returncode}): {result.stderr[:500]}")


def ratio(a, b):
    return a / b if b else 1.0


# ---- 1. The recall set ---------------------------------------------------------------------

def labelled_set(binary):
    expected = set()
    for folder, _, names in os.walk(os.path.join(ROOT, LABELLED)):
        for name in names:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, ROOT)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    for m in LABEL.finditer(line):
                        expected.add((m.group(2), rel, number + int(m.group(1) or 0)))
    actual = {(f["rule"], f["file"], f["line"]) for f in run(binary, [LABELLED], ROOT)
              if f["rule"].startswith("secret-")}
    per_rule = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for item in sorted(actual | expected):
        counts = per_rule[item[0]]
        if item in actual and item in expected:
            counts[0] += 1
        elif item in actual:
            counts[1] += 1
            print(f"false positive: {item[0]} at {item[1]}:{item[2]}")
        else:
            counts[2] += 1
            print(f"missed:         {item[0]} at {item[1]}:{item[2]}")
    print(f"\n{LABELLED}: precision and recall")
    print(f"{'rule':28} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    total = [0, 0, 0]
    for rule in sorted(per_rule):
        tp, fp, fn = per_rule[rule]
        total = [a + b for a, b in zip(total, (tp, fp, fn))]
        print(f"{rule:28} {tp:4} {fp:4} {fn:4} {ratio(tp, tp + fp):10.3f} {ratio(tp, tp + fn):8.3f}")
    tp, fp, fn = total
    print(f"{'all':28} {tp:4} {fp:4} {fn:4} {ratio(tp, tp + fp):10.3f} {ratio(tp, tp + fn):8.3f}")


# ---- 2 and 3. Real-source labels -----------------------------------------------------------

def read_labels(path):
    labels = {}
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n")
        if header != "rule\tpath\tline\tcolumn\tverdict\treason":
            sys.exit(f"{path}: unexpected header {header!r}")
        for number, line in enumerate(f, 2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 6 or fields[4] not in ("true", "false"):
                sys.exit(f"{path}:{number}: expected 6 fields and a true/false verdict")
            labels[(fields[0], fields[1], int(fields[2]), int(fields[3]))] = fields[4] == "true"
    return labels


class RealSources:
    """Runs syncgate once per input the labels name (a folder of ../shared/data, or an archive
    unpacked into a temporary folder) and keeps the findings keyed as the labels are."""

    def __init__(self, binary):
        self.binary = binary
        self.runs = {}
        self.tmp = tempfile.TemporaryDirectory()

    def findings(self, root):
        if root in self.runs:
            return self.runs[root]
        if root.startswith("archive:"):
            name = root[len("archive:"):]
            archive = os.path.join(DATA, "archives", name + ".tar.xz")
            folder = os.path.join(self.tmp.name, name)
            os.makedirs(folder, exist_ok=True)
            if subprocess.run(["tar", "-xJf", archive, "-C", folder]).returncode != 0:
                sys.exit(f"cannot unpack {archive}")
            cwd, prefix = self.tmp.name, "archive:"
        else:
            cwd, prefix = DATA, ""
        found = {}
        for f in run(self.binary, [root[len("archive:"):] if prefix else root], cwd):
            found[(f["rule"], prefix + f["file"], f["line"], f["column"])] = f["severity"]
        self.runs[root] = found
        return found

    def over(self, labels, extra_roots=()):
        roots = {p.split("/")[0] for _, p, _, _ in labels} | set(extra_roots)
        found = {}
        for root in sorted(roots):
            found.update(self.findings(root))
        return found


def secret_labels(sources):
    labels = read_labels(SECRET_LABELS)
    roots = ("corpus", "rendered", "secrets-upstream", "gitops-repos", "archive:corpus-more")
    found = {k: v for k, v in sources.over(labels, roots).items() if k[0].startswith("secret-")}
    per_rule = collections.defaultdict(lambda: [0, 0, 0, 0])  # true, false, unlabelled, lost
    for key, severity in sorted(found.items()):
        if key not in labels:
            per_rule[key[0]][2] += 1
            print(f"unlabelled: {key[0]} at {key[1]}:{key[2]}:{key[3]} ({severity})")
        else:
            per_rule[key[0]][0 if labels[key] else 1] += 1
    lines = {(k[0], k[1], k[2]) for k in found}
    for key, verdict in sorted(labels.items()):
        if verdict and (key[0], key[1], key[2]) not in lines:
            per_rule[key[0]][3] += 1
            print(f"true label no longer found: {key[0]} at {key[1]}:{key[2]}:{key[3]}")
    print(f"\n{os.path.relpath(SECRET_LABELS, ROOT)}: every secret-* finding on real sources")
    print(f"{'rule':28} {'true':>5} {'false':>5} {'unlab':>5} {'precision':>10} {'lost':>5}")
    for rule in sorted(per_rule):
        t, f, u, lost = per_rule[rule]
        print(f"{rule:28} {t:5} {f:5} {u:5} {ratio(t, t + f + u):10.3f} {lost:5}")


def rule_labels(sources):
    if not os.path.exists(RULE_LABELS):
        print(f"\n{os.path.relpath(RULE_LABELS, ROOT)}: absent")
        return
    labels = read_labels(RULE_LABELS)
    found = {k for k, severity in sources.over(labels).items() if severity != "info"}
    per_rule = collections.defaultdict(lambda: [0, 0, 0])  # true found, false found, gone
    for key, verdict in labels.items():
        counts = per_rule[key[0]]
        if key not in found:
            counts[2] += 1
        else:
            counts[0 if verdict else 1] += 1
    print(f"\n{os.path.relpath(RULE_LABELS, ROOT)}: labelled sample at warning and error")
    print(f"{'rule':34} {'true':>5} {'false':>5} {'gone':>5} {'precision':>10}")
    for rule in sorted(per_rule):
        t, f, gone = per_rule[rule]
        print(f"{rule:34} {t:5} {f:5} {gone:5} {ratio(t, t + f):10.3f}")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "syncgate")
    binary = os.path.abspath(binary)
    labelled_set(binary)
    if not os.path.isdir(DATA):
        print(f"\n{DATA} is absent: real-source precision not measured")
        return
    sources = RealSources(binary)
    secret_labels(sources)
    rule_labels(sources)


if __name__ == "__main__":
    main()
