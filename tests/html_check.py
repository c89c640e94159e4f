#!/usr/bin/env python3
"""html_check.py CHROMIUM OUTDIR REPORT.html...: the HTML report in a browser.

Loads each report in headless Chromium through the DevTools protocol
(--remote-debugging-pipe: no port, no network), at 375 and 1280 pixels
wide, in the light and the dark scheme, and fails on:

  - a console error, an uncaught exception, or a browser log entry of
    level error (a Content Security Policy violation is one);
  - a request for anything but the report's own file;
  - a page wider than the window (horizontal scroll);
  - an element outside the page (left of it, or past its right edge),
    leaving out what sits inside its own scroll box;
  - a chart (svg) without a <title>, the sorting script not run, or a
    sorted column out of order after a click on its heading.

It also prints the page and checks that nothing is wider than the paper.
Screenshots go to OUTDIR/NAME-WIDTH-SCHEME.png.  Standard library only.
Prints one line per report and view; exits 1 when a check failed.
"""
import base64
import json
import os
import select
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60  # seconds for one protocol answer or page load


class Browser:
    """Chromium with the DevTools protocol on file descriptors 3 and 4."""

    def __init__(self, path, profile):
        to_chrome_r, self.w = os.pipe()
        self.r, from_chrome_w = os.pipe()

        # The pipe ends become 3 and 4 in the child (dup2 makes them
        # inheritable); every other descriptor Python opened is
        # close-on-exec, so close_fds is not needed (it would run after
        # this and close them).
        def fds():
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [path, "--headless=new", "--remote-debugging-pipe",
                "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps",
                "--hide-scrollbars", "--mute-audio",
                "--user-data-dir=" + profile, "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close", wait=False)
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.r], [], [], 1)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise EOFError("Chromium closed the pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, wait=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        if not wait:
            return None
        deadline = time.time() + TIMEOUT
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(method + ": " + json.dumps(m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session):
        deadline = time.time() + TIMEOUT
        for i, m in enumerate(self.events):
            if m.get("method") == method and m.get("sessionId") == session:
                del self.events[i]
                return m
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)


# Runs in the page: the layout and script checks.  Returns a list of
# problems (strings).
CHECKS = r"""
(function () {
  var out = [], vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1)
    out.push('horizontal scroll: the page is ' +
      document.documentElement.scrollWidth + ' px wide in ' + vw);
  var clipped = function (e) {
    for (var p = e.parentElement; p && p !== document.body;
         p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  var bad = 0;
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (e.closest('title, script, style')) return;
    if (clipped(e)) return;
    var left = r.left + window.scrollX, right = r.right + window.scrollX;
    if (left < -1 || right > vw + 1) {
      if (bad++ < 5)
        out.push('outside the page: <' + e.tagName.toLowerCase() +
          (e.className && typeof e.className === 'string' ?
           ' class=' + e.className : '') + '> from ' + Math.round(left) +
          ' to ' + Math.round(right) + ' in ' + vw);
    }
  });
  if (bad > 5) out.push('... and ' + (bad - 5) + ' more outside the page');
  document.querySelectorAll('svg').forEach(function (s) {
    if (!s.querySelector(':scope > title'))
      out.push('an svg without a <title>');
  });
  var th = document.querySelectorAll('table.sort thead th');
  if (th.length && !th[0].hasAttribute('aria-sort'))
    out.push('the sorting script did not run');
  return out;
})()
"""

# A click on the first numeric heading of every sortable table: its cells
# must then be in descending order, and after a second click ascending.
SORT_CHECK = r"""
(function () {
  var out = [];
  var num = function (c) {
    var s = c.textContent.replace(/^~/, '');
    return /^[0-9]+(\.[0-9]+)?$/.test(s) ? parseFloat(s) : null;
  };
  document.querySelectorAll('table.sort').forEach(function (t, n) {
    var b = t.tBodies[0];
    if (!b || b.rows.length < 2) return;
    var hs = t.tHead.rows[0].cells, col = -1;
    for (var i = 0; i < hs.length && col < 0; i++)
      if (num(b.rows[0].cells[i]) !== null) col = i;
    if (col < 0) return;
    [['descending', 1], ['ascending', -1]].forEach(function (want) {
      hs[col].click();
      if (hs[col].getAttribute('aria-sort') !== want[0])
        out.push('table ' + n + ': heading not marked ' + want[0]);
      var prev = null;
      Array.from(b.rows).forEach(function (r) {
        var v = num(r.cells[col]);
        if (prev !== null && v !== null && (prev - v) * want[1] < 0)
          out.push('table ' + n + ': column ' + col + ' not ' + want[0] +
            ' after a click (' + prev + ' then ' + v + ')');
        if (v !== null) prev = v;
      });
    });
  });
  return out;
})()
"""


def check_view(br, url, width, scheme, shot):
    """One report at one width and scheme; returns a list of problems."""
    problems = []
    target = br.send("Target.createTarget", {"url": "about:blank"})
    sid = br.send("Target.attachToTarget",
                  {"targetId": target["targetId"], "flatten": True}
                  )["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        br.send(domain + ".enable", session=sid)
    br.send("Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 800, "deviceScaleFactor": 1,
             "mobile": width < 600}, session=sid)
    br.send("Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme",
                           "value": scheme}]}, session=sid)
    br.send("Page.navigate", {"url": url}, session=sid)
    br.wait_event("Page.loadEventFired", sid)
    res = br.send("Runtime.evaluate", {"expression": CHECKS,
                                       "returnByValue": True}, session=sid)
    problems += res.get("result", {}).get("value", ["checks did not run"])
    metrics = br.send("Page.getLayoutMetrics", session=sid)
    height = min(int(metrics["cssContentSize"]["height"]), 16000)
    shot_data = br.send("Page.captureScreenshot",
                        {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": width,
                                  "height": height, "scale": 1}},
                        session=sid)
    with open(shot, "wb") as f:
        f.write(base64.b64decode(shot_data["data"]))
    if width >= 1000 and scheme == "light":
        res = br.send("Runtime.evaluate", {"expression": SORT_CHECK,
                                           "returnByValue": True},
                      session=sid)
        problems += res.get("result", {}).get("value", ["sort check failed"])
        # Printed on A4: nothing wider than the paper.
        br.send("Emulation.setEmulatedMedia", {"media": "print"},
                session=sid)
        br.send("Emulation.setDeviceMetricsOverride",
                {"width": 794, "height": 1123, "deviceScaleFactor": 1,
                 "mobile": False}, session=sid)
        res = br.send("Runtime.evaluate", {"expression": CHECKS,
                                           "returnByValue": True},
                      session=sid)
        problems += ["print: " + p for p in
                     res.get("result", {}).get("value", ["checks failed"])]
        pdf = br.send("Page.printToPDF", {"printBackground": True},
                      session=sid)
        if not base64.b64decode(pdf["data"]).startswith(b"%PDF"):
            problems.append("print: no PDF")
    # What the page said and asked for while it was open.
    for m in br.events:
        if m.get("sessionId") != sid:
            continue
        p = m.get("params", {})
        meth = m.get("method")
        if meth == "Runtime.consoleAPICalled" and p.get("type") in (
                "error", "assert"):
            problems.append("console error: " + " ".join(
                str(a.get("value", a.get("description", "")))
                for a in p.get("args", [])))
        elif meth == "Runtime.exceptionThrown":
            problems.append("exception: " + json.dumps(
                p.get("exceptionDetails", {}).get("text", "")))
        elif meth == "Log.entryAdded" and p["entry"]["level"] == "error":
            problems.append("browser error: " + p["entry"]["text"])
        elif meth == "Network.requestWillBeSent":
            req = p["request"]["url"]
            if req != url:
                problems.append("request for " + req)
    br.events = [m for m in br.events if m.get("sessionId") != sid]
    br.send("Target.closeTarget", {"targetId": target["targetId"]})
    return problems


def main():
    chromium, outdir, reports = sys.argv[1], sys.argv[2], sys.argv[3:]
    failed = 0
    with tempfile.TemporaryDirectory() as profile:
        br = Browser(chromium, profile)
        try:
            for path in reports:
                url = "file://" + os.path.abspath(path)
                name = os.path.basename(path).rsplit(".", 1)[0]
                for width in (375, 1280):
                    for scheme in ("light", "dark"):
                        shot = os.path.join(outdir, "%s-%d-%s.png" % (
                            name, width, scheme))
                        problems = check_view(br, url, width, scheme, shot)
                        what = "%s at %d px, %s" % (name, width, scheme)
                        if problems:
                            failed += 1
                            print("FAIL " + what)
                            for p in problems:
                                print("  " + p)
                        else:
                            print("ok   " + what)
        finally:
            br.close()
    sys.exit(1 if failed else 0)


main()
