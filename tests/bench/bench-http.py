"""bench-http.py -- the web dashboard's pages on the databases at scale.

1. Two databases of 10,000 sessions: the one gen-db.py made (four suites,
   the largest with 4,745 sessions, the longest history of one set of
   parameter values 3,188), and a copy of it in which every session and
   baseline belongs to one suite and one set of values (a suite with
   10,000 sessions, the worst case for its page), kept beside it.
2. benchd on each with [http] listen on a free loopback port.  Each page
   is fetched 3 times to warm up, then 30 times, each on a new
   connection, timed from before the connect to the last byte of the
   answer: median and p95, benchd's own CPU time per page (from
   /proc/PID/stat over the 30), and the size.  Target: a suite's page in
   <= 50 ms.
3. The calls behind the heaviest suite page, each alone through /api.
4. How long the event loop is held: a client asks status on the control
   socket every 5 ms while the pages load; its waits (p99, worst) against
   its waits while nothing else happens.  A page runs its method calls
   one per turn of the loop, so the loop is never held longer than its
   slowest call.
"""

import http.client
import os
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (CONFIG, DATABASE, SCALE, Benchd, machine,  # noqa
                      median, percentile)
from harness import Conn, free_port  # noqa

WARM, TIMED = 3, 30
TARGET_MS = 50
ONE = os.path.join(SCALE, "one-suite.db")
ONE_SUITE = "full-workspace"


def one_suite():
    """The copy with one suite of 10,000 sessions, made once per database."""
    if os.path.exists(ONE) and \
            os.path.getmtime(ONE) > os.path.getmtime(DATABASE):
        return
    t0 = time.monotonic()
    if os.path.exists(ONE):
        os.unlink(ONE)
    src = sqlite3.connect("file:%s?mode=ro" % DATABASE, uri=True)
    dst = sqlite3.connect(ONE)
    src.backup(dst)
    src.close()
    dst.execute("UPDATE sessions SET suite = ?, params = '{}'", (ONE_SUITE,))
    dst.execute("DELETE FROM baselines WHERE id NOT IN "
                "(SELECT max(id) FROM baselines)")
    dst.execute("UPDATE baselines SET suite = ?, params = '{}'",
                (ONE_SUITE,))
    dst.commit()
    dst.close()
    print("http: made %s in %.1f s" % (ONE, time.monotonic() - t0))


def http_config(port):
    path = os.path.join(SCALE, "http.conf")
    with open(CONFIG) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text + "\n[http]\nlisten = 127.0.0.1:%d\n" % port)
    return path


def fetch(port, path):
    """Milliseconds from the connect to the last byte, and the size."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    t = time.monotonic() - t0
    c.close()
    assert r.status == 200, (path, r.status, body[:200])
    return t * 1e3, len(body)


def cpu_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) * 1e3 / \
        os.sysconf("SC_CLK_TCK")


def page(d, port, path, target=None):
    for _ in range(WARM):
        fetch(port, path)
    c0 = cpu_ms(d.proc.pid)
    res = [fetch(port, path) for _ in range(TIMED)]
    cpu = (cpu_ms(d.proc.pid) - c0) / TIMED
    ms = [t for t, _ in res]
    print("http: %-44s median %6.1f ms  p95 %6.1f ms  benchd CPU %5.1f ms"
          "  %7d bytes%s" % (path, median(ms), percentile(ms, 0.95), cpu,
                             res[0][1], "  target <= %d ms" % target
                             if target else ""), flush=True)
    return median(ms)


class Prober(threading.Thread):
    """status on the control socket every 5 ms; the worst wait."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.waits, self.stop = path, [], False

    def run(self):
        c = Conn(self.path, timeout=30)
        while not self.stop:
            t0 = time.monotonic()
            c.call("status")
            self.waits.append((time.monotonic() - t0) * 1e3)
            time.sleep(0.005)
        c.close()

    def figures(self):
        return "p99 %.1f ms, worst %.1f ms of %d calls" % (
            percentile(self.waits, 0.99), max(self.waits), len(self.waits))


def held(d, port, paths, seconds=5.0):
    """The prober's worst wait alone, then while paths load in a loop."""
    idle = Prober(d.socket)
    idle.start()
    time.sleep(seconds)
    idle.stop = True
    idle.join()
    busy = Prober(d.socket)
    busy.start()
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        for p in paths:
            fetch(port, p)
            n += 1
    busy.stop = True
    busy.join()
    print("http: a socket client's status: %s alone; %s while %d pages "
          "loaded" % (idle.figures(), busy.figures(), n))


def newest(db, sql):
    return db.execute(sql).fetchone()


def run(database, suites):
    port = free_port()
    d = Benchd(config=http_config(port), database=database)
    db = sqlite3.connect("file:%s?mode=ro" % database, uri=True)
    sid = newest(db, "SELECT max(id) FROM sessions WHERE state = "
                 "'completed'")[0]
    a, b = newest(db, "SELECT baseline_id, id FROM sessions WHERE verdict "
                  "IS NOT NULL AND verdict != 'incomparable' ORDER BY id "
                  "DESC LIMIT 1")
    db.close()
    try:
        page(d, port, "/")
        worst = 0
        for s in suites:
            worst = max(worst, page(d, port, "/suite/" + s, TARGET_MS))
        page(d, port, "/suite/%s?chart=1000" % suites[0])
        page(d, port, "/suite/%s?last=1000" % suites[0])
        page(d, port, "/session/%d" % sid)
        page(d, port, "/compare?a=%d&b=%d" % (a, b))
        page(d, port, "/feed.atom")
        page(d, port, "/static/benchd.js")
        s = suites[0]
        print("http: the calls behind /suite/%s, each alone:" % s)
        for call in ("suites.list", "suite.chart?suite=%s&last=100" % s,
                     "session.history?suite=%s&last=50" % s,
                     "suite.variance?suite=%s" % s,
                     "baseline.show?suite=%s" % s):
            page(d, port, "/api/" + call)
        held(d, port, ["/", "/suite/" + s, "/session/%d" % sid])
        print("http: %s: the slowest suite page's median %.1f ms, target "
              "<= %d ms" % (os.path.basename(database), worst, TARGET_MS))
    finally:
        d.stop()


def main():
    print("http: machine: %s" % machine())
    one_suite()
    db = sqlite3.connect("file:%s?mode=ro" % DATABASE, uri=True)
    counts = db.execute("SELECT suite, count(*) FROM sessions GROUP BY "
                        "suite ORDER BY 2 DESC").fetchall()
    db.close()
    print("http: %s: %s" % (DATABASE, ", ".join("%s %d" % c
                                                for c in counts)))
    run(DATABASE, [c[0] for c in counts])
    print("http: %s: every session in suite %s" % (ONE, ONE_SUITE))
    run(ONE, [ONE_SUITE])


if __name__ == "__main__":
    main()
