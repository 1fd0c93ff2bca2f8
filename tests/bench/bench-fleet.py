"""bench-fleet.py -- the fleet's figures, on a private PostgreSQL.

1. Push throughput: a box's database holds PUSH finished sessions (three
   runs each) in its outbox; benchd starts with [fleet] and pushes them.
   Sessions per second from its start to an empty backlog (as `status`
   says), the connection and the schema's creation included.
2. Fleet queries: BOXES boxes x SESSIONS sessions (five measured runs
   each, 20 suites, a regression in every 50th) written into PostgreSQL
   with SQL, then each `benchctl --fleet` query timed, as a user runs it
   (process start, connection and output included): median of 5.

Environment: BENCH_FLEET_PUSH (2000), BENCH_FLEET_BOXES (100),
BENCH_FLEET_SESSIONS (1000).  It prints figures; it never fails a build
(without PostgreSQL it says so and stops).
"""

import os
import sqlite3
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHCTL, DEMO, Daemon, Skip, fill_sessions  # noqa
import pg  # noqa

PUSH = int(os.environ.get("BENCH_FLEET_PUSH", 2000))
BOXES = int(os.environ.get("BENCH_FLEET_BOXES", 100))
SESSIONS = int(os.environ.get("BENCH_FLEET_SESSIONS", 1000))


def push_throughput(server):
    d = Daemon({"x": {"command": DEMO}})
    d.start()
    assert d.stop() == 0
    fill_sessions(d.database, PUSH)
    db = sqlite3.connect(d.database)
    with db:
        db.execute("INSERT OR IGNORE INTO fleet_outbox (session_id, "
                   "queued_at) SELECT id, 0 FROM sessions")
    db.close()
    d.write_config({"x": {"command": DEMO}}, daemon_extra="\n".join(
        ["", "[fleet]", "postgresql = " + server.conninfo(),
         "box = pusher"]))
    t0 = time.monotonic()
    d.start()
    while True:
        f = d.call("status")["fleet"]
        if f["backlog"] == 0 and f["connected"]:
            break
        time.sleep(0.01)
    dt = time.monotonic() - t0
    n = int(server.value("SELECT count(*) FROM sessions WHERE box = "
                         "'pusher'"))
    runs = int(server.value("SELECT count(*) FROM runs WHERE box = "
                            "'pusher'"))
    print("push: %d sessions (%d runs) in %.2f s: %.0f sessions/s" %
          (n, runs, dt, n / dt))
    d.stop()
    Daemon.cleanup_all()


def generate(server):
    t0 = time.monotonic()
    server.sql("""
INSERT INTO sessions (box, session_id, suite, params, state, warmup, runs,
    max_runs, cv_target, noise, queued_at, started_at, finished_at,
    fingerprint, wall_mean, verdict, change, change_ci_low, change_ci_high)
SELECT 'b' || lpad(b::text, 3, '0'), s, 'suite' || (s %% 20), '{}',
    'completed', 1, 5, 5, 0.05, 0.01,
    now() - (s || ' minutes')::interval,
    now() - (s || ' minutes')::interval,
    now() - (s || ' minutes')::interval + interval '30 seconds',
    '{"cpu_model": "Bench CPU", "cpus": 8, "kernel": "6.1",
      "governor": "performance"}'::jsonb || jsonb_build_object('hostname',
      'b' || b),
    1 + random() / 10,
    CASE WHEN s %% 50 = 0 THEN 'regressed' ELSE 'same' END,
    0.01, 0.0, 0.02
FROM generate_series(1, %d) AS b, generate_series(1, %d) AS s;
INSERT INTO runs (box, session_id, seq, kind, iteration, wall_ns,
    utime_us, stime_us)
SELECT s.box, s.session_id, k, 'measured', k,
    (1e9 + random() * 1e8)::bigint, 900000, 50000
FROM sessions s, generate_series(1, 5) AS k WHERE s.box <> 'pusher';
ANALYZE;""" % (BOXES, SESSIONS))
    print("generated %d boxes x %d sessions (%d runs) in %.1f s" %
          (BOXES, SESSIONS, BOXES * SESSIONS * 5, time.monotonic() - t0))


def timed(server, args):
    argv = [BENCHCTL, "--fleet", server.conninfo()] + args
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        p = subprocess.run(argv, capture_output=True, timeout=120)
        times.append(time.monotonic() - t0)
        if p.returncode not in (0, 1):
            return "exit %d: %s" % (p.returncode, p.stderr.decode()[:200])
    return "%7.1f ms" % (statistics.median(times) * 1000)


def queries(server):
    for args in (["sessions"], ["sessions", "--last", "1000"],
                 ["history", "suite7", "--last", "50"],
                 ["history", "suite7", "--box", "b042", "--last", "0"],
                 ["regressions", "--last", "100"],
                 ["compare", "b001:100", "b099:100"]):
        print("  %-45s %s" % (" ".join(args), timed(server, args)))


def run():
    try:
        server = pg.Postgres().start()
    except Skip as e:
        print("skipped: %s" % e)
        return
    try:
        push_throughput(server)
        generate(server)
        print("fleet queries (median of 5, benchctl --fleet):")
        queries(server)
    finally:
        pg.Postgres.cleanup_all()


if __name__ == "__main__":
    run()
