"""bench-queries.py -- benchd's queries on the database gen-db.py made.

1. Startup: from the exec of benchd to its READY=1 on a NOTIFY_SOCKET we
   bind, the median of 5 starts.  Target <= 100 ms.
2. Each of six commands, end to end with benchctl's own process start:
   3 warm calls, then 30 timed; median and p90.  Target <= 20 ms median.
   The sessions asked for are the heaviest of their kind: the suite with
   the most sessions of one set of parameter values for variance, the one
   with the most sessions for history, every suite for regressions and
   baseline show.
3. The SQL each command's methods run (taken from daemon/store.c, with
   SESSION_COLS written out) and SQLite's EXPLAIN QUERY PLAN of each, on
   the same database.
"""

import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (DATABASE, Benchd, machine, median,  # noqa
                      percentile)
from harness import BENCHCTL, SRCDIR  # noqa

STARTS = 5
WARM, TIMED = 3, 30
TARGET_MS = 20
# The store.c statements each command's methods run, in the order they do.
COMMANDS = [
    ("show", "session.get, session.phases",
     ["S_SESSION_GET", "S_MEASURED", "S_RUNS", "S_RUN_PHASES",
      "S_SESSION_PHASES", "S_SESSION_MALFORMED"]),
    ("baseline show", "baseline.show",
     ["S_BASELINE_SUITES", "S_BASELINE_CURRENT", "S_SESSION_GET",
      "S_MEASURED", "S_SESSION_PHASES", "S_SESSION_MALFORMED",
      "S_BASELINE_HISTORY", "S_FIRST_CONDITIONS"]),
    ("compare", "session.compare",
     ["S_SESSION_GET", "S_MEASURED", "S_SESSION_PHASES"]),
    ("regressions", "regressions.list", ["S_REGRESSIONS", "S_SUITE_SERIES"]),
    ("variance", "suite.variance",
     ["S_SESSION_LIST_SUITE", "S_SUITE_MEANS", "S_SESSION_GET",
      "S_MEASURED"]),
    ("history --last 100", "session.history",
     ["S_SESSION_LIST_SUITE", "S_MEASURED"]),
]
# Plans only: what status (bench-clients.py) and the start of benchd run;
# the recovery's own SQL is not in stmt_sql[], so it is written here.
OTHERS = [
    ("status", "status", ["S_QUEUE_LIST"]),
    ("startup", "store_recover, the scheduler's first look at the queue",
     ["SELECT id FROM sessions WHERE state = 'running'", "S_NEXT_QUEUED"]),
]


def statements(expand=True):
    """store-sql.c's stmt_sql[] as {name: SQL text}, and SESSION_COLS."""
    src = open(os.path.join(SRCDIR, "daemon", "store-sql.c")).read()
    lit = r'"(?:[^"\\]|\\.)*"'
    m = re.search(r"#define SESSION_COLS((?:\s*\\\s*%s)+)" % lit, src)
    cols = "".join(re.findall(lit, m.group(1)))
    out = {}
    for name, body in re.findall(r"\[(S_\w+)\]\s*=\s*((?:\s*(?:%s|"
                                 r"SESSION_COLS))+)\s*[,}]" % lit, src):
        if expand:
            body = body.replace("SESSION_COLS", cols)
        else:
            body = body.replace("SESSION_COLS", '"SESSION_COLS"')
        out[name] = "".join(s[1:-1] for s in re.findall(lit, body))
    return out, "".join(s[1:-1] for s in re.findall(lit, cols))


def explain(db, sql):
    params = {p[1:]: None for p in re.findall(r":\w+", sql)}
    rows = db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    depth, lines = {0: 0}, []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("    " + "  " * (depth[node] - 1) + detail)
    return lines


def targets(db):
    """The sessions and suites the commands are asked about."""
    one = lambda sql: db.execute(sql).fetchone()  # noqa
    show = one("SELECT max(id) FROM sessions WHERE state = 'completed'")[0]
    a, b = one("SELECT baseline_id, id FROM sessions WHERE verdict IS NOT "
               "NULL AND verdict != 'incomparable' ORDER BY id DESC LIMIT 1")
    var = one("SELECT suite FROM sessions GROUP BY suite, params ORDER BY "
              "count(*) DESC LIMIT 1")[0]
    hist = one("SELECT suite FROM sessions GROUP BY suite ORDER BY "
               "count(*) DESC LIMIT 1")[0]
    return {"show": ["show", str(show)], "baseline show": ["baseline",
                                                           "show"],
            "compare": ["compare", str(a), str(b)],
            "regressions": ["regressions"], "variance": ["variance", var],
            "history --last 100": ["history", hist, "--last", "100"]}


def startup():
    times = []
    for _ in range(STARTS):
        d = Benchd()
        st = d.call("status")
        assert st["database"] == DATABASE, st
        d.stop()
        times.append(d.ready * 1e3)
    print("startup: exec to READY=1 median %.1f ms (min %.1f, max %.1f, %d "
          "starts)  target <= 100 ms" % (median(times), min(times),
                                         max(times), STARTS))


def timed(argv):
    t0 = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    t = time.monotonic() - t0
    # 1 is a finding (a regression), not a failure.
    assert p.returncode in (0, 1), (argv, p.returncode, p.stderr)
    return t * 1e3


def commands(d, args):
    res = {}
    for name, _, _ in COMMANDS:
        argv = [BENCHCTL, "-S", d.socket] + args[name]
        for _ in range(WARM):
            timed(argv)
        res[name] = [timed(argv) for _ in range(TIMED)]
        print("query: %-28s median %6.1f ms  p90 %6.1f ms  target <= %d ms"
              % ("benchctl " + " ".join(args[name]), median(res[name]),
                 percentile(res[name], 0.9), TARGET_MS), flush=True)
    met = sum(1 for v in res.values() if median(v) <= TARGET_MS)
    print("query: %d of %d commands within %d ms median" %
          (met, len(COMMANDS), TARGET_MS))


def plans(db):
    sql, cols = statements()
    short, _ = statements(expand=False)
    seen = set()
    print("\nSQL and EXPLAIN QUERY PLAN (SQLite %s):" %
          sqlite3.sqlite_version)
    print("\nSESSION_COLS = %s" % cols)
    for name, methods, stmts in COMMANDS + OTHERS:
        print("\n== %s (%s)" % (name, methods))
        for s in stmts:
            if s.startswith("S_"):
                assert s in sql, "%s is not in daemon/store-sql.c" % s
            if s in seen:
                print("  %s: as above" % s)
                continue
            seen.add(s)
            print("  %s: %s" % (s, short[s]) if s in sql else "  " + s)
            print("\n".join(explain(db, sql.get(s, s))))


def main():
    db = sqlite3.connect("file:%s?mode=ro" % DATABASE, uri=True)
    counts = [db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
              for t in ("sessions", "runs", "run_phases")]
    print("queries: %s: %d sessions, %d runs, %d phase rows, schema "
          "version %d" % (DATABASE, counts[0], counts[1], counts[2],
                          db.execute("PRAGMA user_version").fetchone()[0]))
    print("queries: machine: %s" % machine())
    args = targets(db)
    startup()
    d = Benchd()
    try:
        commands(d, args)
    finally:
        d.stop()
    if os.environ.get("BENCH_PLANS", "1") != "0":
        plans(db)
    db.close()


if __name__ == "__main__":
    main()
