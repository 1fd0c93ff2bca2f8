"""The web dashboard on a real benchd with real sessions: /api answers are
the socket's results byte for byte; nothing changes anything; headless
chromium draws every page, finds in its DOM the figures the socket
reports, runs the page's script under the Content-Security-Policy, loads
nothing from elsewhere and finds no dead link; and hostile requests
(huge headers, traversal, bad methods, slow and many clients) leave
benchd measuring."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import (BENCHD, DEMO, Conn, Daemon, free_port, main,  # noqa
                     test)
import browser  # noqa

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self'; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
MARKUP = "<script>alert(1)</script>&\"'"
PHASES = 'parse:10,<gen>&"x:20'


def http_daemon(suites, http_extra="", profile=False):
    d = Daemon(suites)
    d.port = free_port()
    with open(d.config, "a") as f:
        f.write("\n[http]\nlisten = 127.0.0.1:%d\n%s\n" %
                (d.port, http_extra))
        if profile:
            f.write("[profile]\ncategory.demo = burn_\n")
    return d


def get(d, path, method="GET", headers=None, timeout=30):
    """(status, headers as a dict of lower-case names, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=timeout)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def seconds(v, ref=None):
    """A time as benchctl and the pages print it (common/units.c)."""
    a = abs(v if ref is None else ref)
    if a >= 1 or a == 0:
        return "%.3f s" % v
    if a >= 1e-3:
        return "%.1f ms" % (v * 1e3)
    return "%.1f \u00b5s" % (v * 1e6)


def write_work(d, args):
    with open(os.path.join(d.workdir, "work.sh"), "w") as f:
        f.write("exec %s %s\n" % (DEMO, args))


def perf_records():
    """None when perf can sample here, else why not."""
    if subprocess.run(["sh", "-c", "command -v perf"],
                      capture_output=True).returncode != 0:
        return "perf is not installed (Debian: linux-perf)"
    r = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-o",
                        "/dev/null", "--", "true"], capture_output=True,
                       timeout=60)
    if r.returncode != 0:
        return "perf cannot record here: " + \
            r.stderr.decode(errors="replace").strip()[-200:]
    return None


def populated():
    """benchd with sessions of every kind a page shows: a baseline and a
    regression against it (phases with markup in their names, a label
    with markup), a suite with parameter values that are markup, a failed
    session, and a profile when perf can record here."""
    why = perf_records()
    d = http_daemon({
        "w": {"command": "/bin/sh work.sh", "warmup": "1", "runs": "4"},
        "p": {"command": "/bin/sh -c 'exit 0' {v}",
              "param.v": "'<b>bold</b>' 'a&b'", "warmup": "1", "runs": "2"},
        "burn": {"command": DEMO + " --burn 600", "warmup": "0",
                 "runs": "2", "max_runs": "2"},
        "bad": {"command": "/bin/sh -c 'echo \"<out>&\"; exit 3'",
                "warmup": "0", "runs": "1"},
    }, profile=why is None)
    d.perf_missing = why
    write_work(d, "--sleep 40 --phases '%s'" % PHASES)
    d.start()
    d.ids = {}
    d.ids["base"] = d.run_quietly("w", timeout=120)
    d.call("baseline.set", {"suite": "w", "id": d.ids["base"]})
    write_work(d, "--sleep 120 --phases '%s' --slow 3" % PHASES)
    r = d.call("session.queue", {"suite": "w", "label": MARKUP})
    d.ids["slow"] = r["sessions"][0]["id"]
    d.wait_state(d.ids["slow"], timeout=120)
    d.call("session.queue", {"suite": "p", "all": True})
    d.ids["bad"] = d.queue("bad")
    if why is None:
        d.ids["prof"] = d.call("session.queue", {
            "suite": "burn", "profile": True})["sessions"][0]["id"]
    last = d.queue("p", params={"v": "a&b"})
    d.wait_state(last, timeout=120)
    for sid in d.ids.values():
        d.wait_state(sid, timeout=120)
    return d


def raw_result(d, method, params):
    """The bytes the socket sends as a method's result (or error)."""
    c = Conn(d.socket)
    try:
        c.send_raw(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                               "params": params}).encode() + b"\n")
        line = c.read_line()
    finally:
        c.close()
    m = re.match(rb'^\{"jsonrpc":"2.0","id":1,"(result|error)":(.*)\}$',
                 line)
    assert m, line
    return m.group(1).decode(), m.group(2)


@test
def config_is_checked_and_off_by_default():
    d = Daemon()
    with open(d.config, "a") as f:
        f.write("\n[http]\nlisten = localhost:8080\n")
    p = subprocess.run([BENCHD, "-n", "-c", d.config], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 1, p
    line = open(d.config).read().splitlines().index(
        "listen = localhost:8080") + 1
    assert "%s:%d: http: listen: expected ADDRESS:PORT" % (d.config, line) \
        in p.stderr, p.stderr
    d.write_config()
    with open(d.config, "a") as f:
        f.write("\n[http]\nlisten = 0.0.0.0:%d\n" % free_port())
    p = subprocess.run([BENCHD, "-n", "-c", d.config], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0 and "configuration OK" in p.stdout, p
    assert "not a loopback address" in p.stderr and \
        "reverse proxy" in p.stderr, p.stderr
    # Without [http] nothing listens but the socket.
    d.write_config()
    d.start()
    out = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True)
    if out.returncode == 0:
        assert "pid=%d," % d.proc.pid not in out.stdout, out.stdout
    assert d.stop() == 0


@test
def api_answers_are_the_socket_results_and_nothing_changes():
    d = populated()
    sid = d.ids["slow"]
    cases = [("session.get", {"id": sid}), ("session.phases", {"id": sid}),
             ("suites.list", {}), ("session.history", {"suite": "w"}),
             ("session.compare", {"a": d.ids["base"], "b": sid}),
             ("regressions.list", {}), ("suite.variance", {"suite": "w"}),
             ("baseline.show", {"suite": "w"}),
             ("suite.chart", {"suite": "p", "params": {"v": "a&b"}}),
             ("session.get", {"id": 99999}),
             ("suite.chart", {"suite": "nope"})]
    for method, params in cases:
        query = "&".join("%s=%s" % (k, v) for k, v in params.items()
                         if k != "params")
        if "params" in params:
            query += "&params.v=a%26b"
        kind, want = raw_result(d, method, params)
        status, h, body = get(d, "/api/%s?%s" % (method, query))
        assert body == want, (method, body[:300], want[:300])
        assert h["content-type"] == "application/json", h
        assert (status == 200) == (kind == "result"), (method, status)
    # A JSON value for params, and a string that reads as a number.
    status, _, body = get(d, '/api/suite.chart?suite=p&params='
                          '%7B%22v%22%3A%22a%26b%22%7D')
    assert status == 200 and json.loads(body)["params"] == {"v": "a&b"}
    status, _, body = get(d, '/api/session.get?id=%22' + str(sid) + '%22')
    assert status == 400 and b"id must be an integer" in body, body
    # What the socket would refuse as not UTF-8 is refused here too.
    status, _, body = get(d, "/api/suite.chart?suite=%ff")
    assert status == 400 and b"not valid UTF-8" in body, body
    status, _, body = get(d, "/api/%ff")
    assert status == 404 and json.loads(body)["code"] == -32601, body
    # Nothing that changes anything is there; other methods are refused.
    before = len(d.call("session.list", {"last": 1000})["sessions"])
    for path in ("/api/session.queue?suite=w", "/api/session.cancel?id=1",
                 "/api/baseline.set?suite=w&id=latest",
                 "/api/session.subscribe"):
        status, _, body = get(d, path)
        assert status == 404 and b"no method named" in body, (path, body)
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        status, h, _ = get(d, "/api/session.queue?suite=w", method=method)
        assert status == 405 and h.get("allow") == "GET, HEAD", (method, h)
    assert len(d.call("session.list", {"last": 1000})["sessions"]) == before
    assert d.call("baseline.show", {"suite": "w"})["baselines"][0][
        "session"]["id"] == d.ids["base"]
    # HEAD: the headers and the length of what GET would send (of a
    # page that stays the same: the conditions on / change by the second).
    status, h, body = get(d, "/session/%d" % sid, method="HEAD")
    assert status == 200 and body == b"", (status, body)
    _, _, full = get(d, "/session/%d" % sid)
    assert int(h["content-length"]) == len(full) > 1000, h
    assert d.stop() == 0


def page_urls(d):
    urls = ["/", "/suite/w", "/suite/p?params.v=%3Cb%3Ebold%3C%2Fb%3E",
            "/suite/burn", "/suite/bad", "/compare",
            "/compare?a=%d&b=%d" % (d.ids["base"], d.ids["slow"]),
            "/feed.atom"]
    for sid in d.ids.values():
        urls.append("/session/%d" % sid)
    if "prof" in d.ids:
        urls.append("/flamegraph/%d" % d.ids["prof"])
    return urls


def links(dom):
    """Every href and src of a dumped DOM, entities decoded."""
    return [v.replace("&amp;", "&") for v in
            re.findall(r'(?:href|src)="([^"]*)"', dom)]


def check_headers(path, status, h):
    assert status == 200, (path, status)
    assert h["content-security-policy"] == CSP, h
    assert h["x-content-type-options"] == "nosniff", h
    assert h["referrer-policy"] == "no-referrer", h
    assert h["x-frame-options"] == "DENY", h


def check_session_dom(d, sid, dom):
    got = d.session(sid)
    s, runs = got["session"], got["runs"]
    assert ">Session %d<" % sid in dom
    assert dom.count('<tr class="run" data-seq=') == len(runs), sid
    warm = sum(1 for r in runs if r["kind"] == "warmup")
    assert dom.count(">warmup</span>") == warm, sid
    summary = got["summary"]
    if summary is not None:
        w = summary["wall"]
        cell = re.search(r'data-stat="wall.mean">([^<]*)<', dom).group(1)
        assert cell == seconds(w["mean"]), (cell, w)
        cell = re.search(r'data-stat="wall.max">([^<]*)<', dom).group(1)
        assert cell == seconds(w["max"], w["mean"]), (cell, w)
    ph = d.call("session.phases", {"id": sid})
    if ph["coverage"] is not None:
        assert '<span data-f="coverage">%.1f%%</span>' % (
            ph["coverage"] * 100) in dom
    if s["label"] == MARKUP:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in dom
    if s["state"] == "failed":
        assert "&lt;out&gt;&amp;" in dom and ">exit 3</span>" in dom, dom
    if s["verdict"] is not None:
        assert ('<span class="verdict verdict-%s">' %
                s["verdict"]["verdict"]) in dom


def check_suite_dom(d, dom):
    chart = d.call("suite.chart", {"suite": "w"})
    hist = d.call("session.history", {"suite": "w", "last": 50})
    marks = re.findall(r'<a href="/session/(\d+)"><g class="pt', dom)
    assert len(marks) == chart["sessions"] >= 2, (marks, chart["sessions"])
    for s in hist["sessions"]:
        assert '<a href="/session/%d">#%d</a>' % (s["id"], s["id"]) in dom
    var = d.call("suite.variance", {"suite": "w"})
    assert "%.2f%%" % (var["noise_threshold"] * 100) in dom


def check_flame_script(url):
    """benchd.js searches and zooms (asked for by the URL's fragment)."""
    dom, _ = browser.dump_dom(url + "#search=burn_")
    hit = re.findall(r'<g class="fg-match"><title>([^<(]*) \(', dom)
    assert hit and all("burn_" in n for n in hit), hit
    m = re.search(r'id="fg-match">(\d+) frames, ([\d.]+)% of samples<',
                  dom)
    assert m and int(m.group(1)) == len(hit) and \
        0 < float(m.group(2)) <= 100, dom[-3000:]
    dom, _ = browser.dump_dom(url + "#zoom=burn_until")
    w = re.search(r'<title>burn_until \([^<]*</title><rect x="([\d.]+)" '
                  r'y="\d+" width="([\d.]+)"', dom)
    assert w and float(w.group(1)) == 10 and float(w.group(2)) == 1180, \
        dom[-3000:]
    assert 'class="fg-parent"' in dom


def check_overview_dom(d, dom):
    st = d.call("status")
    assert ("Nothing is running." in dom) == (st["running"] is None)
    cond = d.call("conditions.check")
    assert dom.count('<span class="check check-') >= len(cond["checks"])
    for s in d.call("suites.list")["suites"]:
        assert '<a href="/suite/%s">' % s["name"] in dom
    regs = d.call("regressions.list")
    assert "Against the baseline (not yet confirmed)" in dom
    for s in regs["regressions"]:
        assert '<a href="/session/%d">#%d</a>' % (s["id"], s["id"]) in dom


def check_page(d, path, html, scripted):
    if path.startswith("/session/"):
        check_session_dom(d, int(path.split("/")[2]), html)
    elif path == "/suite/w":
        check_suite_dom(d, html)
    elif path == "/":
        check_overview_dom(d, html)
    elif path.startswith("/flamegraph/"):
        # benchd.js shows the zoom and search tools; without it, hidden.
        assert re.search(r'id="fg-tools"[^>]*>', html), html[:2000]
        assert bool(re.search(r'id="fg-tools" hidden', html)) != \
            scripted, (path, scripted)
        assert html.count("<g><title>") > 3
        assert "burn_until (" in html
    elif path.startswith("/compare?"):
        c = d.call("session.compare", {"a": d.ids["base"],
                                       "b": d.ids["slow"]})
        for m in c["metrics"]:
            assert '<span class="verdict verdict-%s">' % m["verdict"] in \
                html


@test
def pages_in_a_browser_show_the_socket_figures():
    browser.need_chromium()
    d = populated()
    origin = "http://127.0.0.1:%d" % d.port
    regs = d.call("regressions.list", {"suite": "w"})["regressions"]
    assert [s["id"] for s in regs] == [d.ids["slow"]], regs
    found = set()
    for path in page_urls(d):
        status, h, body = get(d, path)
        check_headers(path, status, h)
        if path == "/feed.atom":
            assert h["content-type"].startswith("application/atom+xml")
            feed = ET.fromstring(body)
            ns = "{http://www.w3.org/2005/Atom}"
            entries = feed.findall(ns + "entry")
            assert len(entries) == 1, body
            assert entries[0].find(ns + "link").get("href") == \
                "/session/%d" % d.ids["slow"]
            assert MARKUP in entries[0].find(ns + "summary").text
            continue
        assert h["content-type"] == "text/html; charset=utf-8", h
        dom, console = browser.dump_dom(origin + path)
        assert "Content Security Policy" not in console and \
            "Refused to" not in console, (path, console[-3000:])
        assert "<script>alert" not in dom, path
        for url in links(dom):
            # Same origin: a path, a fragment, or this origin.
            assert re.match(r"^(/[^/]|/$|#|%s/)" % re.escape(origin),
                            url), (path, url)
            found.add(url.split("#")[0] or path)
        # The same figures without script (the page as served) and with.
        check_page(d, path, body.decode(), False)
        check_page(d, path, dom, True)
    if "prof" in d.ids:
        check_flame_script(origin + "/flamegraph/%d" % d.ids["prof"])
    else:
        print("# flame graph page not checked: %s" % d.perf_missing)
    # Every link of every page answers.
    for url in sorted(found):
        status, _, _ = get(d, url[len(origin):] if url.startswith(origin)
                           else url)
        assert status == 200, (url, status)
    assert len(found) > 20, found
    # Pictures, not blank pages.
    shots = ["/", "/suite/w", "/session/%d" % d.ids["slow"]]
    if "prof" in d.ids:
        shots.append("/flamegraph/%d" % d.ids["prof"])
    for i, path in enumerate(shots):
        colours = browser.screenshot(origin + path, os.path.join(
            d.tmp, "page%d.png" % i), "1280,1600")
        assert len(colours) > 8, (path, colours)
    assert d.stop() == 0


def raw(d, data, timeout=10):
    """Send bytes on a fresh connection; what comes back before it
    closes (or the timeout)."""
    s = socket.create_connection(("127.0.0.1", d.port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    finally:
        s.close()
    return out


def status_of(reply):
    m = re.match(rb"HTTP/1\.[01] (\d+)", reply)
    return int(m.group(1)) if m else None


@test
def hostile_requests_leave_benchd_measuring():
    d = http_daemon({"s": {"command": DEMO + " --sleep 200", "warmup": "0",
                           "runs": "12", "max_runs": "12"}},
                    http_extra="max_connections = 8\ntimeout = 2\n"
                    "hosts = bench.example.org")
    d.start()
    sid = d.queue("s")
    d.wait_state(sid, states=("running",))
    # The running session, with its progress for benchd.js to refresh.
    for path in ("/", "/session/%d" % sid):
        status, _, body = get(d, path)
        assert status == 200 and (b'<div class="progress" data-session="%d">'
                                  % sid) in body, (path, body[:3000])
        assert b'<progress data-f="bar"' in body
    # Huge headers and a huge request line: refused, not read on.
    big = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200000 + \
        b"\r\n\r\n"
    assert status_of(raw(d, big)) in (None, 400, 413)
    assert status_of(raw(d, b"GET /" + b"a" * 20000 +
                         b" HTTP/1.1\r\n\r\n")) in (None, 400, 413, 414)
    assert status_of(raw(d, b"GET / HTTP/1.1\r\nContent-Length: 100000\r\n"
                         b"\r\n" + b"x" * 1000)) in (None, 400, 413)
    # Traversal: there are no files to reach, and no path escapes.
    for path in (b"/static/../../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd",
                 b"/static/..%2f..%2fetc%2fpasswd", b"//etc/passwd",
                 b"/static/%00", b"/static/benchd.css%00.html",
                 b"/suite/%2e%2e", b"/session/1/../../etc/passwd",
                 b"/static/\\..\\..\\etc\\passwd", b"../etc/passwd"):
        reply = raw(d, b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Connection: close\r\n\r\n")
        assert status_of(reply) in (400, 404), (path, reply[:200])
        assert b"root:" not in reply
    # DNS rebinding: a name benchd was not told of is refused; addresses,
    # localhost and the names in [http] hosts are answered.
    for host, want in (("evil.example:%d" % d.port, 403),
                       ("127.0.0.1.evil.example", 403),
                       ("localhost:%d" % d.port, 200),
                       ("127.0.0.1:%d" % d.port, 200),
                       ("Bench.Example.org", 200)):
        status, _, body = get(d, "/api/status", headers={"Host": host})
        assert status == want, (host, status, body[:200])
        if want == 403:
            assert b"[http] hosts" in body and b"{" not in body, body
    # Methods: read-only, and garbage is refused.
    for m in (b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE"):
        reply = raw(d, m + b" / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                    b"Connection: close\r\n\r\n")
        assert status_of(reply) == 405 and b"Allow: GET, HEAD" in reply, \
            (m, reply[:300])
    for junk in (b"FOO / HTTP/1.1\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00"
                 b"\x01\xfc\x03\x03" + bytes(range(256)) * 4,
                 b"GET / HTTP/9.9\r\n\r\n", b"\r\n\r\n\r\n",
                 b"GET /\xff\xfe HTTP/1.1\r\n\r\n"):
        assert status_of(raw(d, junk)) in (None, 400, 404, 405, 501), junk
    # Slow clients: a byte of headers a second is cut off by the deadline
    # (2 s), and the 8 connections it takes come back.
    slow = []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", d.port))
        s.sendall(b"GET / HTTP/1.1\r\n")
        slow.append(s)
    t0 = time.monotonic()
    closed = [False] * len(slow)
    while not all(closed) and time.monotonic() - t0 < 15:
        for i, s in enumerate(slow):
            if closed[i]:
                continue
            try:
                s.sendall(b"X")
                s.settimeout(0.01)
                if s.recv(1) == b"":
                    closed[i] = True
            except socket.timeout:
                pass
            except OSError:
                closed[i] = True
        time.sleep(0.5)
    took = time.monotonic() - t0
    assert all(closed) and took < 10, (closed, took)
    for s in slow:
        s.close()
    # Many connections at once: past the limit they wait, and all are
    # answered once the others let go.
    replies = []

    def fetch():
        try:
            replies.append(get(d, "/static/benchd.js", timeout=30)[0])
        except OSError as e:
            replies.append(str(e))
    threads = [threading.Thread(target=fetch) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert replies.count(200) == 64, replies
    # Still answering, on both sockets, and the session measured as usual.
    assert get(d, "/api/status")[0] == 200
    s = d.wait_state(sid, timeout=120)
    assert s["state"] == "completed", s
    walls = [r["wall"] for r in d.session(sid)["runs"]
             if r["kind"] == "measured"]
    assert len(walls) == 12 and all(0.199 < w < 0.6 for w in walls), walls
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=400)
