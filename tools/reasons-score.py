#!/usr/bin/env python3
"""Score bouncestat's reasons against a labelled set of replies.

Usage: reasons-score.py BOUNCESTAT [LABELLED.jsonl]

Each row of the labelled set (../shared/reasons/labelled.jsonl: reply,
status, reason, hard, command, rhost, doubt) becomes one Postfix bounce
line, as Postfix writes it:

  QID: to=<rcpt>, relay=HOST[IP]:25, delay=1, delays=0/0/0/1, dsn=X.Y.Z,
  status=bounced (host HOST[IP] said: REPLY (in reply to COMMAND command))

with the command and host from the row (no "(in reply to ...)" where the
row names no command; relay=none where it names no host).  The dsn is the
row's status, except Sisimai's placeholders X.0.9NN ("no code in the
mail"), which become X.0.0 as Postfix would write for a reply without an
enhanced code.  The lines go through `bouncestat --format events`; the
script prints, per reason, the share it got right, then the confusion
pairs and the overall accuracy of reasons and hard flags, on the rows
without a `doubt` note (the doubtful rows are scored apart).
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

COMMANDS = {
    "RCPT": "RCPT TO",
    "MAIL": "MAIL FROM",
    "DATA": "end of DATA",
    "HELO": "HELO",
    "EHLO": "EHLO",
    "QUIT": "QUIT",
}


def dsn_of(row):
    st = row.get("status") or ""
    parts = st.split(".")
    if len(parts) == 3 and parts[1] == "0" and parts[2].startswith("9") \
            and len(parts[2]) == 3:
        return parts[0] + ".0.0"
    if len(parts) == 3 and parts[0] in "245":
        return st
    code = row.get("replycode") or ""
    return (code[0] + ".0.0") if code[:1] in ("4", "5") else "5.0.0"


def line_of(i, row):
    host = row.get("rhost") or ""
    host = host.strip().rstrip(",") or None
    reply = " ".join(row["reply"].split())
    cmd = COMMANDS.get((row.get("command") or "").upper())
    tail = " (in reply to %s command)" % cmd if cmd else ""
    qid = "%05X%05X" % (0xA0000 + i, i)
    if host:
        relay = "%s[192.0.2.1]:25" % host
        text = "host %s[192.0.2.1] said: %s%s" % (host, reply, tail)
    else:
        relay = "none"
        text = reply + tail
    return ("Nov 28 10:00:00 mx postfix/smtp[1234]: %s: to=<rcpt%d@example.net>, "
            "relay=%s, delay=1, delays=0/0/0/1, dsn=%s, status=bounced (%s)"
            % (qid, i, relay, dsn_of(row), text))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "..", "shared", "reasons", "labelled.jsonl")
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False,
                                     encoding="utf-8") as f:
        for i, row in enumerate(rows):
            f.write(line_of(i, row) + "\n")
        log = f.name
    try:
        out = subprocess.run([binary, "--type", "postfix", "--format",
                              "events", log], capture_output=True,
                             check=True).stdout.decode("utf-8")
    finally:
        os.unlink(log)
    events = [json.loads(l) for l in out.splitlines() if l.strip()]
    got = {}
    for e in events:
        rcpt = e.get("recipient") or ""
        if rcpt.startswith("rcpt") and "@" in rcpt:
            got[int(rcpt[4:rcpt.index("@")])] = e
    if len(got) != len(rows):
        print("warning: %d rows, %d events" % (len(rows), len(got)))

    def score(sel, title, verbose):
        per = collections.defaultdict(lambda: [0, 0])
        pairs = collections.Counter()
        right = hard_right = hard_n = 0
        for i in sel:
            row, e = rows[i], got.get(i, {})
            want, have = row["reason"], e.get("reason")
            per[want][1] += 1
            if want == have:
                per[want][0] += 1
                right += 1
            else:
                pairs[(want, have)] += 1
            if row.get("hard") is not None:
                hard_n += 1
                hard_right += (e.get("hard") is True) == row["hard"]
        n = len(sel)
        print("%s: %d rows" % (title, n))
        if verbose:
            print("  %-16s %8s %6s" % ("reason", "right", "share"))
            for r in sorted(per, key=lambda k: (-per[k][1], k)):
                ok, tot = per[r]
                print("  %-16s %4d/%-3d %5.1f%%" % (r, ok, tot,
                                                    100.0 * ok / tot))
            print("  confusion (expected -> got):")
            for (w, h), c in pairs.most_common():
                print("  %4d  %s -> %s" % (c, w, h))
        print("  reasons right: %d/%d = %.1f%%" % (right, n,
                                                  100.0 * right / max(n, 1)))
        print("  hard flags right: %d/%d = %.1f%%" % (
            hard_right, hard_n, 100.0 * hard_right / max(hard_n, 1)))
        return right, n

    clean = [i for i, r in enumerate(rows) if not r.get("doubt")]
    doubt = [i for i, r in enumerate(rows) if r.get("doubt")]
    score(clean, "rows without a doubt note", True)
    score(doubt, "rows with a doubt note (apart)", False)
    if "-v" in sys.argv[3:]:
        for i in clean:
            e = got.get(i, {})
            if e.get("reason") != rows[i]["reason"]:
                print("MISS %s -> %s | %s | %s %s | %s" % (
                    rows[i]["reason"], e.get("reason"), rows[i]["command"],
                    e.get("basic"), e.get("enhanced"), rows[i]["reply"][:150]))


if __name__ == "__main__":
    main()
