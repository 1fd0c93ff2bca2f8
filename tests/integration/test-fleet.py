"""Fleet: boxes push their sessions into one PostgreSQL and share its job
queue (a real PostgreSQL started by tests/lib/pg.py).  Two boxes push at
once; the server stopped mid-push and started again loses and doubles
nothing; three boxes run 30 shared jobs exactly once each, also when one
of them is killed holding a lease; benchctl --fleet answers across boxes
and refuses to compare unlike machines unless forced."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHCTL, DEMO, Daemon, main, test, wait_for  # noqa
import pg  # noqa


def box(server, name, queue=False, labels="x86", sessions=None,
        suite_ms=2):
    extra = ["", "[fleet]", "postgresql = " + server.conninfo(),
             "box = " + name, "retry_min = 1", "retry_max = 2",
             "labels = " + labels]
    if queue:
        extra += ["queue = yes", "poll = 1", "lease = 3"]
    suites = sessions or {
        "s": {"command": DEMO + " --sleep %d --phases a:1,b:1" % suite_ms,
              "warmup": "1", "runs": "2", "max_runs": "2"}}
    return Daemon(suites, daemon_extra="\n".join(extra)).start()


# On a loaded machine a run may be judged disturbed and its session end
# unstable: it is pushed all the same.
ENDED = ("completed", "unstable")


def fleet_status(d):
    return d.call("status")["fleet"]


def local_counts(d):
    db = sqlite3.connect(d.database)
    try:
        s = db.execute("SELECT count(*) FROM sessions WHERE state NOT IN "
                       "('queued', 'running')").fetchone()[0]
        r = db.execute("SELECT count(*) FROM runs").fetchone()[0]
        p = db.execute("SELECT count(*) FROM run_phases").fetchone()[0]
    finally:
        db.close()
    return s, r, p


def pg_counts(server, name):
    q = ("SELECT (SELECT count(*) FROM sessions WHERE box = '%s'), "
         "(SELECT count(*) FROM runs WHERE box = '%s'), "
         "(SELECT count(*) FROM run_phases WHERE box = '%s')" %
         (name, name, name))
    return tuple(int(x) for x in server.sql(q)[0])


def pg_sessions(server, name):
    """Sessions of box name in PostgreSQL; 0 until a box has made the
    fleet's tables (its push thread does, on its first connection)."""
    try:
        return pg_counts(server, name)[0]
    except AssertionError as e:
        if 'relation "sessions" does not exist' in str(e):
            return 0
        raise


def queue_many(d, n):
    return [d.queue("s") for _ in range(n)]


def drained(d):
    f = fleet_status(d)
    return f["backlog"] == 0 and f["connected"]


@test
def two_boxes_push_at_once():
    server = pg.Postgres().start()
    a, b = box(server, "a"), box(server, "b")
    ids = {d: queue_many(d, 5) for d in (a, b)}
    # A profiled session: its profile's summary goes too (recorded, or
    # unavailable where perf cannot record).
    ids[a].append(a.call("session.queue", {"suite": "s", "profile": True})
                  ["sessions"][0]["id"])
    ids[b].append(b.queue("s"))
    for d in (a, b):
        for sid in ids[d]:
            assert d.wait_state(sid)["state"] in ENDED
    for d in (a, b):
        wait_for(lambda: drained(d), timeout=20, what="the outbox to drain")
    for d, name in ((a, "a"), (b, "b")):
        assert pg_counts(server, name) == local_counts(d), \
            (pg_counts(server, name), local_counts(d))
    db = sqlite3.connect(a.database)
    prof = db.execute("SELECT state, samples FROM profiles").fetchall()
    conds = db.execute("SELECT count(*) FROM runs WHERE conditions IS NOT "
                       "NULL").fetchone()[0]
    db.close()
    assert server.sql("SELECT state, coalesce(samples::text, '') FROM "
                      "profiles WHERE box = 'a'") == \
        [[prof[0][0], "" if prof[0][1] is None else str(prof[0][1])]], prof
    assert conds > 0 and server.value(
        "SELECT count(*) FROM runs WHERE box = 'a' AND conditions IS NOT "
        "NULL") == str(conds)
    # The rows say what the box says.
    s = a.session(ids[a][0])
    row = server.sql("SELECT suite, state, wall_mean, fingerprint->>'hostname'"
                     " FROM sessions WHERE box = 'a' AND session_id = %d" %
                     ids[a][0])[0]
    assert row[0] == "s" and row[1] in ENDED, row
    walls = [r["wall"] for r in s["runs"] if r["kind"] == "measured"]
    assert abs(float(row[2]) - sum(walls) / len(walls)) < 1e-6, row
    assert fleet_status(a)["pushed"] == 6 and fleet_status(a)["last_error"] \
        is None
    # A box knows its own name and the labels it offers.
    assert server.sql("SELECT box, labels FROM boxes ORDER BY box") == \
        [["a", "{x86}"], ["b", "{x86}"]]
    assert a.stop() == 0 and b.stop() == 0


@test
def server_stopped_mid_push():
    server = pg.Postgres().start()
    a = box(server, "a", suite_ms=30)
    ids = queue_many(a, 10)
    wait_for(lambda: pg_sessions(server, "a") >= 2, timeout=30,
             what="the first sessions to reach PostgreSQL")
    server.stop()
    for sid in ids:
        assert a.wait_state(sid)["state"] in ENDED
    f = wait_for(lambda: (lambda f: f if f["last_error"] and
                          f["backlog"] > 0 else None)(fleet_status(a)),
                 timeout=20, what="status to show the backlog and error")
    assert not f["connected"], f
    rc, text = a.ctl("status", json_out=False)
    assert "backlog %d" % f["backlog"] in text and "last error" in text, \
        text
    server.start()
    wait_for(lambda: drained(a), timeout=30, what="the backlog to drain")
    assert pg_counts(server, "a") == local_counts(a), \
        (pg_counts(server, "a"), local_counts(a))
    assert local_counts(a)[0] == 10
    # Pushing again changes nothing: the upserts are keyed by
    # (box, session).
    db = sqlite3.connect(a.database)
    with db:
        db.execute("INSERT INTO fleet_outbox (session_id, queued_at) "
                   "SELECT id, 0 FROM sessions")
    db.close()
    wait_for(lambda: drained(a), timeout=30, what="the outbox to drain")
    assert pg_counts(server, "a") == local_counts(a)
    assert a.stop() == 0


def fleet_ctl(server, *args, json_out=True):
    argv = [BENCHCTL, "--fleet", server.conninfo()]
    if json_out:
        argv.append("--json")
    p = subprocess.run(argv + list(args), capture_output=True, text=True,
                       timeout=30)
    if json_out and p.returncode in (0, 1) and p.stdout.strip():
        return p.returncode, json.loads(p.stdout)
    return p.returncode, p.stdout + p.stderr


@test
def fleet_queries_across_boxes():
    server = pg.Postgres().start()
    a, b = box(server, "a"), box(server, "b")
    ia, ib = queue_many(a, 3), queue_many(b, 2)
    for d, ids in ((a, ia), (b, ib)):
        for sid in ids:
            d.wait_state(sid)
        wait_for(lambda: drained(d), timeout=20, what="pushes")
    rc, out = fleet_ctl(server, "sessions")
    assert rc == 0, out
    got = sorted((x["box"], x["id"]) for x in out["sessions"])
    assert got == sorted([("a", i) for i in ia] + [("b", i) for i in ib])
    assert all(x["n"] == 2 and x["wall_mean"] > 0 for x in out["sessions"])
    rc, out = fleet_ctl(server, "history", "s", "--box", "b")
    assert rc == 0 and [x["id"] for x in out["history"]] == ib, out
    rc, text = fleet_ctl(server, "sessions", "--last", "2", json_out=False)
    assert rc == 0 and "BOX" in text and len(text.splitlines()) == 3, text
    # Alike machines (both boxes run here): compared.
    rc, out = fleet_ctl(server, "compare", "a:%d" % ia[0], "b:%d" % ib[0])
    assert rc in (0, 1), out
    assert out["across_boxes"] and out["fingerprints_match"]
    assert not out["forced"], out
    assert [m["metric"] for m in out["metrics"]] == ["wall", "user", "sys"]
    assert out["metrics"][0]["verdict"] in ("same", "regressed",
                                            "improved", "inconclusive")
    # Unlike machines: refused, unless --force, which says so.
    server.sql("UPDATE sessions SET fingerprint = jsonb_set(fingerprint, "
               "'{cpu_model}', '\"Other CPU\"') WHERE box = 'b'")
    rc, text = fleet_ctl(server, "compare", "a:%d" % ia[0],
                         "b:%d" % ib[0], json_out=False)
    assert rc == 3 and "not alike" in text and "cpu_model" in text, text
    rc, out = fleet_ctl(server, "compare", "a:%d" % ia[0], "b:%d" % ib[0],
                        "--force")
    assert rc in (0, 1) and out["forced"] and not out["fingerprints_match"]
    assert any("cpu_model" in x for x in out["differences"]), out
    rc, text = fleet_ctl(server, "compare", "a:%d" % ia[0], "b:%d" % ib[0],
                         "--force", json_out=False)
    assert "FORCED" in text, text
    # Two sessions of one box are always compared.
    rc, out = fleet_ctl(server, "compare", "a:%d" % ia[0], "a:%d" % ia[1])
    assert rc in (0, 1) and not out["across_boxes"], out
    rc, out = fleet_ctl(server, "regressions")
    assert rc == 0 and out["regressions"] == [], out
    server.sql("UPDATE sessions SET verdict = 'regressed', change = 0.2, "
               "change_ci_low = 0.1, change_ci_high = 0.3 WHERE box = 'b' "
               "AND session_id = %d" % ib[1])
    rc, out = fleet_ctl(server, "regressions")
    assert rc == 1 and [(x["box"], x["id"]) for x in out["regressions"]] \
        == [("b", ib[1])], out
    rc, text = fleet_ctl(server, "baseline", "s", json_out=False)
    assert rc == 64 and "--fleet answers" in text, text
    rc, text = fleet_ctl(server, "compare", "a", "b:1", json_out=False)
    assert rc == 64, text
    rc, text = fleet_ctl(server, "compare", "a:999", "b:1", json_out=False)
    assert rc == 3 and "no session a:999" in text, text
    server.stop()
    rc, text = fleet_ctl(server, "sessions", json_out=False)
    assert rc == 69, (rc, text)
    assert a.stop() == 0 and b.stop() == 0


@test
def nothing_pushed_while_a_run_is_measured():
    server = pg.Postgres().start()
    suites = {"s": {"command": DEMO + " --sleep 2", "warmup": "0",
                    "runs": "1", "max_runs": "1"},
              "long": {"command": DEMO + " --sleep 5000", "warmup": "0",
                       "runs": "1", "max_runs": "1"}}
    a = box(server, "a", sessions=suites)
    wait_for(lambda: fleet_status(a)["connected"], timeout=10,
             what="the box to connect")
    server.stop()
    first = a.queue("s")
    a.wait_state(first)
    wait_for(lambda: fleet_status(a)["backlog"] == 1, timeout=10,
             what="the backlog")
    long = a.queue("long")
    wait_for(lambda: a.session(long, runs=False)["session"]["state"] ==
             "running", timeout=10, what="the long run")
    time.sleep(0.5)
    server.start()
    # The server is back, the run still measured: the backlog waits
    # (retry_max is 2 s: the box would have connected by now).
    time.sleep(3)
    assert a.session(long, runs=False)["session"]["state"] == "running"
    assert fleet_status(a)["backlog"] == 1
    assert server.value("SELECT count(*) FROM sessions") == "0"
    assert a.wait_state(long)["state"] in ENDED
    wait_for(lambda: drained(a), timeout=20, what="the push after the run")
    assert server.value("SELECT count(*) FROM sessions") == "2"
    assert a.stop() == 0


def job_sessions(d):
    """{job id: [local session states]} of the jobs a box took."""
    db = sqlite3.connect(d.database)
    try:
        rows = db.execute("SELECT j.job_id, s.state FROM fleet_jobs j "
                          "JOIN sessions s ON s.id = j.session_id")
        out = {}
        for job, state in rows:
            out.setdefault(job, []).append(state)
        return out
    finally:
        db.close()


@test
def three_boxes_share_thirty_jobs():
    server = pg.Postgres().start()
    a = box(server, "a", queue=True, suite_ms=40)
    b = box(server, "b", queue=True, suite_ms=40)
    c = box(server, "c", queue=True, suite_ms=40)
    # A box without the label takes nothing.
    d = box(server, "d", queue=True, labels="arm", suite_ms=40)
    server.sql("SELECT benchd_enqueue('s', '{}', '{x86}') "
               "FROM generate_series(1, 30)")
    # Kill c while it holds a lease.
    wait_for(lambda: server.value("SELECT count(*) FROM job_slots WHERE "
                                  "holder = 'c' AND state = 'leased'") ==
             "1", timeout=30, interval=0.01, what="c to hold a lease")
    held = server.value("SELECT job_id FROM job_slots WHERE holder = 'c' "
                        "AND state = 'leased'")
    c.kill9()
    wait_for(lambda: server.value("SELECT count(*) FROM job_slots WHERE "
                                  "state = 'done'") == "30", timeout=60,
             interval=0.2, what="30 jobs done")
    rows = server.sql("SELECT job_id, holder, outcome, attempts "
                      "FROM job_slots ORDER BY job_id")
    assert len(rows) == 30 and all(r[2] in ENDED for r in rows), rows
    # The job c died with was taken again by another box.
    again = [r for r in rows if r[0] == held][0]
    assert again[1] in ("a", "b") and int(again[3]) == 2, again
    # Each job completed exactly once, counting every box's sessions.
    done = {}
    for x in (a, b, c, d):
        for job, states in job_sessions(x).items():
            done[job] = done.get(job, 0) + sum(states.count(x)
                                               for x in ENDED)
    assert sorted(done) == list(range(1, 31)) and \
        set(done.values()) == {1}, done
    assert job_sessions(d) == {}
    for x in (a, b):
        wait_for(lambda: drained(x), timeout=20, what="pushes")
    assert server.value("SELECT count(DISTINCT (box, session_id)) FROM "
                        "sessions WHERE box IN ('a', 'b')") == \
        str(sum(len(job_sessions(x)) for x in (a, b)))
    for x in (a, b, d):
        assert x.stop() == 0


@test
def benchctl_queues_jobs_and_shows_where_they_ran():
    server = pg.Postgres().start()
    a = box(server, "a", queue=True, suite_ms=20)
    b = box(server, "b", queue=True, labels="arm", suite_ms=20)
    wait_for(lambda: server.value("SELECT count(*) FROM pg_proc WHERE "
                                  "proname = 'benchd_enqueue'") == "1",
             timeout=30, what="the fleet's tables")
    rc, one = fleet_ctl(server, "queue", "s", "--labels", "x86",
                        "--label", "nightly")
    assert rc == 0, one
    rc, two = fleet_ctl(server, "queue", "s", "--boxes", "a,b",
                        "--rev", "abc")
    assert rc == 0, two
    rc, bad = fleet_ctl(server, "queue", "s", "crate=ori", "--boxes", "b")
    assert rc == 0, bad
    assert [len(x["job"]["slots"]) for x in (one, two, bad)] == [1, 2, 1]
    assert one["job"]["labels"] == ["x86"] and \
        one["job"]["label"] == "nightly", one
    assert two["job"]["boxes"] == ["a", "b"], two
    assert bad["job"]["params"] == {"crate": "ori"}, bad

    def settled():
        rc, out = fleet_ctl(server, "jobs")
        assert rc == 0, out
        slots = [s for j in out["jobs"] for s in j["slots"]]
        return out["jobs"] if all(s["state"] in ("done", "refused")
                                  for s in slots) else None
    jobs = wait_for(settled, timeout=60, what="the jobs to run")
    assert [j["id"] for j in jobs] == [one["job"]["id"], two["job"]["id"],
                                       bad["job"]["id"]], jobs
    # The x86 job ran on a, the only box with the label; the other ran
    # on each box it named; a suite without that parameter was refused.
    assert [(s["holder"], s["state"]) for s in jobs[0]["slots"]] == \
        [("a", "done")], jobs[0]
    assert sorted((s["holder"], s["state"]) for s in jobs[1]["slots"]) \
        == [("a", "done"), ("b", "done")], jobs[1]
    assert all(s["outcome"] in ENDED and s["session"] > 0
               for j in jobs[:2] for s in j["slots"]), jobs
    assert jobs[2]["slots"][0]["state"] == "refused", jobs[2]
    rc, text = fleet_ctl(server, "jobs", "--last", "2", json_out=False)
    assert rc == 0 and "a done:" in text and "b refused:" in text, text
    rows = text.strip().split("\n")[1:]
    assert [r.split()[0] for r in rows] == [str(two["job"]["id"]),
                                            str(bad["job"]["id"])], text
    rc, text = fleet_ctl(server, "queue", "s", "--boxes", "a",
                         json_out=False)
    assert rc == 0 and re.match(r"job \d+ queued for a\n", text), text
    rc, text = fleet_ctl(server, "queue", json_out=False)
    assert rc == 64, text
    for x in (a, b):
        assert x.stop() == 0


@test
def a_box_that_lost_its_lease_does_not_mark_the_job_done():
    server = pg.Postgres().start()
    a = box(server, "a", queue=True, suite_ms=1500)
    wait_for(lambda: server.value("SELECT count(*) FROM pg_proc WHERE "
                                  "proname = 'benchd_enqueue'") == "1",
             timeout=30, what="a to make the fleet's tables")
    server.sql("SELECT benchd_enqueue('s', '{}', '{x86}')")
    wait_for(lambda: server.value("SELECT count(*) FROM job_slots WHERE "
                                  "holder = 'a' AND state = 'leased'") ==
             "1", timeout=30, interval=0.05, what="a to hold the lease")
    # Another box takes the slot over, as one does when a's lease ran
    # out while it was cut off from the server.
    server.sql("UPDATE job_slots SET holder = 'z', lease_until = now() + "
               "interval '1 hour' WHERE holder = 'a'")
    wait_for(lambda: any(st in ENDED for states in
                         job_sessions(a).values() for st in states),
             timeout=60, what="a's session to end")
    wait_for(lambda: "after its lease ran out" in open(a.log).read(),
             timeout=20, what="a to say it lost the slot")
    log = open(a.log).read()
    assert "(slot 1) done" not in log, log
    # The slot is z's still, with no session of a's on it.
    rows = server.sql("SELECT holder, state, session_id FROM job_slots")
    assert rows == [["z", "leased", ""]], rows
    assert a.stop() == 0


if __name__ == "__main__":
    try:
        main(limit=80)
    finally:
        pg.Postgres.cleanup_all()
