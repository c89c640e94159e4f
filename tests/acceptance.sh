#!/bin/sh
# Acceptance against the shared corpus of real logs (not part of make
# check: a user's clone does not have it).  For each corpus file with an
# expected result, run bouncestat and compare totals and code rows (kind,
# basic, enhanced, count, messages); for each input of
# expected-events/*.jsonl, compare the multiset of event records (kind,
# basic, enhanced, message, recipient, domain, remote, sender) with
# --format events of that input alone.  Skips when the corpus is absent.
# Usage: tests/acceptance.sh path/to/bouncestat [corpus-dir]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=${2:-$(dirname "$0")/../../shared/corpus}
if [ ! -d "$corpus/expected" ]; then
	echo "acceptance: skipped (no corpus at $corpus)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "acceptance: skipped (python3 is needed to compare JSON)"
	exit 0
fi
exec python3 - "$bin" "$corpus" <<'PY'
import json, os, subprocess, sys

binary, corpus = sys.argv[1], sys.argv[2]

def key(r):
    return (r["kind"], r["basic"], r["enhanced"])

def run(files, fmt):
    out = subprocess.run([binary, "--type", fmt, "--format", "json"] + files,
                         capture_output=True, text=True, cwd=corpus)
    if out.returncode == 2:
        return None
    return json.loads(out.stdout)

fails = 0
checked = 0
for name in sorted(os.listdir(os.path.join(corpus, "expected"))):
    exp = json.load(open(os.path.join(corpus, "expected", name)))
    fmt = name.split("__")[0]
    files = [i["path"] for i in exp["inputs"]]
    if not all(os.path.exists(os.path.join(corpus, f)) for f in files):
        continue
    got = run(files, fmt)
    if got is None:
        print("skip %s (bouncestat does not read %s)" % (name, fmt))
        continue
    checked += 1
    problems = []
    for k, v in exp["totals"].items():
        if got["totals"].get(k) != v:
            problems.append("totals.%s: got %s, expected %s"
                            % (k, got["totals"].get(k), v))
    want = {key(r): (r["count"], r["messages"]) for r in exp["codes"]}
    # bouncestat's rows are also split by connection failure ("connection":
    # refused, failed, none), which the expected rows are not: the counts
    # of a (kind, basic, enhanced) add up; its distinct messages lie
    # between the largest part's and the parts' sum.
    have = {}
    for r in got["codes"]:
        c, lo, hi = have.get(key(r), (0, 0, 0))
        have[key(r)] = (c + r["count"], max(lo, r["messages"]),
                        hi + r["messages"])
    for k in sorted(set(want) | set(have), key=str):
        w, h = want.get(k), have.get(k)
        if w is None or h is None or w[0] != h[0] or \
                not h[1] <= w[1] <= h[2]:
            problems.append("row %s: got %s, expected %s (count, messages)"
                            % (k, h and (h[0], h[1] if h[1] == h[2] else
                                         "%d-%d" % (h[1], h[2])), w))
    for gi, ei in zip(got["inputs"], exp["inputs"]):
        for f in ("lines", "events"):
            if gi[f] != ei[f]:
                problems.append("%s %s: got %s, expected %s"
                                % (ei["path"], f, gi[f], ei[f]))
    if problems:
        fails += 1
        print("DIFF %s" % name)
        for p in problems:
            print("  " + p)
    else:
        print("ok   %s (%d events, %d rows)"
              % (name, got["totals"]["events"], len(got["codes"])))
FIELDS = ("kind", "basic", "enhanced", "message", "recipient", "domain",
          "remote", "sender")

def events_of(paths, fmt):
    out = subprocess.run([binary, "--type", fmt, "--format", "events"] +
                         paths, capture_output=True, text=True, cwd=corpus)
    got = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        got.setdefault(r["input"], []).append(r)
    return got

# The inputs of one file are read in one run, in the order listed: the
# sender join crosses files as it does for rotated logs.
evdir = os.path.join(corpus, "expected-events")
for name in sorted(os.listdir(evdir)) if os.path.isdir(evdir) else []:
    fmt = name.split("__")[0]
    want, order = {}, []
    for line in open(os.path.join(evdir, name)):
        r = json.loads(line)
        if r["input"] not in want:
            order.append(r["input"])
        want.setdefault(r["input"], []).append(r)
    if not all(os.path.exists(os.path.join(corpus, p)) for p in order):
        continue
    got = events_of(order, fmt)
    for path in order:
        checked += 1
        w = sorted(tuple(str(r.get(f)) for f in FIELDS) for r in want[path])
        g = sorted(tuple(str(r.get(f)) for f in FIELDS)
                   for r in got.get(path, []))
        if w == g:
            continue
        fails += 1
        print("DIFF events %s: %d expected, %d got" % (path, len(w),
                                                       len(g)))
        missing = [x for x in w if x not in g]
        extra = [x for x in g if x not in w]
        for x in missing[:5]:
            print("  missing " + " | ".join(x))
        for x in extra[:5]:
            print("  extra   " + " | ".join(x))
    print("%s %s (%d inputs)" % ("ok  " if not fails else "....", name,
                                 len(order)))
print("acceptance: %d passed, %d failed" % (checked - fails, fails))
sys.exit(1 if fails else 0)
PY
