#!/usr/bin/env python3
"""mime_parts.py MESSAGE TEXT HTML: check the daily script's HTML mail.

Prints "ok" when MESSAGE is multipart/alternative with exactly a
text/plain and a text/html part, in that order, each charset=utf-8 and
base64, whose decoded bodies are the files TEXT and HTML; the boundary
occurs in neither part and no line is longer than 78 characters (RFC 5322).
Otherwise prints what is wrong and exits 1.  Used by tests/contrib.sh.
"""
import email
import email.policy
import sys


def fail(why):
    print(why)
    sys.exit(1)


def main():
    raw = open(sys.argv[1], "rb").read()
    text = open(sys.argv[2], "rb").read()
    html = open(sys.argv[3], "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    if m.get_content_type() != "multipart/alternative":
        fail("type " + m.get_content_type())
    boundary = m.get_boundary().encode()
    parts = list(m.iter_parts())
    types = [p.get_content_type() for p in parts]
    if types != ["text/plain", "text/html"]:
        fail("parts " + repr(types))
    for p, want in zip(parts, (text, html)):
        body = p.get_payload(decode=True)
        if p.get_content_charset() != "utf-8":
            fail("charset " + repr(p.get_content_charset()))
        if p["Content-Transfer-Encoding"] != "base64":
            fail("encoding " + repr(p["Content-Transfer-Encoding"]))
        if body != want:
            fail(p.get_content_type() + " part is not the report")
        if boundary in body or boundary in p.get_payload().encode():
            fail("the boundary occurs in the " + p.get_content_type() +
                 " part")
    if (raw.count(b"\n--" + boundary + b"\n") != 2 or
            raw.count(b"\n--" + boundary + b"--\n") != 1):
        fail("not two boundary lines and one closing line")
    if max(len(line) for line in raw.split(b"\n")) > 78:
        fail("a line longer than 78 characters")
    print("ok")


main()
