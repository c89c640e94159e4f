#!/usr/bin/env python3
"""The PromQL of a Grafana dashboard, for tests/contrib.sh.

Usage: dashboard_exprs.py DASHBOARD.json RULES.yml

Prints every metric name that the dashboard's queries (panel targets and
template variables) select, one per line: each name written before a
label matcher "{" and each bouncestat_ name.  Writes RULES.yml, a
recording rule per query with Grafana's variables replaced by values
PromQL takes ($__rate_interval and $__interval 5m, $__range 1d, other
$variables ".*"), so that "promtool check rules RULES.yml" parses every
query.  Exits 1 when a query selects no metric at all (it would escape
the check of names).
"""
import json
import re
import sys

NAME = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")
OURS = re.compile(r"\bbouncestat_[a-zA-Z0-9_:]*")


def queries(dash):
    for p in dash.get("panels", []):
        for t in p.get("targets", []):
            if "expr" in t:
                yield "panel %r" % p.get("title"), t["expr"]
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query")
        if v.get("type") == "query" and q:
            m = re.fullmatch(r"\s*label_values\((.*),\s*\w+\)\s*", q)
            yield "variable %r" % v.get("name"), m.group(1) if m else q


def promql(expr):
    expr = re.sub(r"\$__(rate_)?interval\b", "5m", expr)
    expr = re.sub(r"\$__range\b", "1d", expr)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        dash = json.load(f)
    names, rules, bad = set(), [], 0
    for where, expr in queries(dash):
        found = set(NAME.findall(expr)) | set(OURS.findall(expr))
        if not found:
            print("%s: no metric in %s" % (where, expr), file=sys.stderr)
            bad = 1
        names |= found
        rules.append(promql(expr))
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("groups:\n  - name: dashboard\n    rules:\n")
        for i, e in enumerate(rules):
            f.write("      - record: dashboard_query_%d\n" % i)
            f.write("        expr: %s\n" % json.dumps(e))
    for n in sorted(names):
        print(n)
    return bad


if __name__ == "__main__":
    sys.exit(main())
