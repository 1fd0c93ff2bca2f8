"""Sessions end to end on a real benchd: runs, rusage, failures, cancel."""

import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Conn, Daemon, main, pid_alive, test, wait_for  # noqa


@test
def warmups_and_measured_runs_are_stored():
    # max_runs = runs: a loaded machine may make 5 ms runs too noisy for
    # the CV target, which would add runs (and say unstable), not 4.
    d = Daemon({"demo": {"command": DEMO + " --burn 5",
                         "warmup": "2", "runs": "4",
                         "max_runs": "4"}}).start()
    sid = d.queue("demo")
    s = d.wait_state(sid)
    assert s["state"] in ("completed", "unstable"), s
    r = d.session(sid)
    kinds = [(x["kind"], x["iteration"]) for x in r["runs"]]
    assert kinds == [("warmup", 1), ("warmup", 2), ("measured", 1),
                     ("measured", 2), ("measured", 3), ("measured", 4)], kinds
    assert r["summary"]["wall"]["n"] == 4
    # The same rows are in the database file, committed.
    db = sqlite3.connect(d.database)
    n = db.execute("SELECT kind, count(*) FROM runs WHERE session_id = ? "
                   "GROUP BY kind ORDER BY kind", (sid,)).fetchall()
    assert n == [("measured", 4), ("warmup", 2)], n
    assert d.stop() == 0


@test
def cpu_burn_reports_user_time():
    d = Daemon({"burn": {"command": DEMO + " --burn 200",
                         "warmup": "0", "runs": "3"}}).start()
    sid = d.queue("burn")
    assert d.wait_state(sid)["state"] in ("completed", "unstable")
    runs = d.session(sid)["runs"]
    assert len(runs) >= 3
    for run in runs:
        assert 0.180 <= run["user"] <= 0.260, run
        assert run["wall"] >= run["user"] * 0.9, run
        assert run["exit_code"] == 0 and run["signal"] is None
    assert d.stop() == 0


@test
def workload_environment_is_exactly_the_suites():
    os.environ["BENCHD_CANARY"] = "leak"
    d = Daemon({"env": {"command": DEMO + " --env-dump --exit 1",
                        "env": "FOO=bar ORI_BUILD_TIMING=1",
                        "warmup": "0", "runs": "1"}}).start()
    sid = d.queue("env")
    assert d.wait_state(sid)["state"] == "failed"
    run = d.session(sid)["runs"][0]
    env = dict(line.split("=", 1) for line in
               run["stdout_tail"].splitlines() if "=" in line)
    assert set(env) == {"PATH", "HOME", "LANG", "TMPDIR", "FOO",
                        "ORI_BUILD_TIMING", "BENCHD_SESSION",
                        "BENCHD_ITERATION"}, sorted(env)
    assert env["FOO"] == "bar"
    assert env["BENCHD_SESSION"] == str(sid)
    assert env["BENCHD_ITERATION"] == "1"
    assert env["TMPDIR"] == d.tmp
    assert d.stop() == 0


@test
def workload_stdin_is_dev_null_and_its_own_process_group():
    d = Daemon({"io": {"command": "readlink /proc/self/fd/0; "
                       "ps -o pgid= -p $$; echo $$; exit 1",
                       "shell": "yes", "warmup": "0", "runs": "1"}},
               daemon_extra="path = /usr/bin:/bin").start()
    sid = d.queue("io")
    d.wait_state(sid)
    out = d.session(sid)["runs"][0]["stdout_tail"].split()
    assert out[0] == "/dev/null", out
    assert out[1] == out[2], out          # the shell leads its own group
    assert int(out[1]) != os.getpgrp()
    assert d.stop() == 0


@test
def failing_workload_fails_the_session_with_its_output():
    d = Daemon({"bad": {"command": DEMO + " --stderr 100 --exit 3",
                        "warmup": "0", "runs": "3"}}).start()
    sid = d.queue("bad")
    s = d.wait_state(sid)
    assert s["state"] == "failed", s
    assert "exited with status 3" in s["reason"], s
    runs = d.session(sid)["runs"]
    assert len(runs) == 1
    assert runs[0]["exit_code"] == 3
    assert len(runs[0]["stderr_tail"]) >= 100
    rc, out = d.ctl("show", str(sid), json_out=False)
    assert rc == 1, (rc, out)
    assert d.stop() == 0


@test
def a_command_that_cannot_be_executed_fails_with_why():
    # The child borrows benchd-spawn's memory until its exec: an exec that
    # fails must come back as the session's reason, and the spawner must
    # go on serving the next run.
    d = Daemon({"x": {"command": "/nonexistent/prog --flag", "warmup": "0",
                      "runs": "2"},
                "ok": {"command": DEMO + " --sleep 5", "warmup": "0",
                       "runs": "2", "max_runs": "2"}}).start()
    for _ in range(2):
        s = d.wait_state(d.queue("x"))
        assert s["state"] == "failed", s
        assert s["reason"] == ("/nonexistent/prog: No such file or "
                               "directory"), s
        assert d.session(s["id"])["runs"] == []
    s = d.wait_state(d.queue("ok"))
    assert s["state"] == "completed", s
    assert d.stop() == 0


@test
def failing_build_fails_the_session_before_any_run():
    d = Daemon({"b": {"build": DEMO + " --stderr 10 --exit 2",
                      "command": DEMO, "warmup": "0",
                      "runs": "1"}}).start()
    sid = d.queue("b")
    s = d.wait_state(sid)
    assert s["state"] == "failed" and "build step" in s["reason"], s
    assert d.session(sid)["runs"] == []
    assert d.stop() == 0


@test
def signal_death_is_recorded():
    d = Daemon({"sig": {"command": DEMO + " --signal 11",
                        "warmup": "0", "runs": "1"}}).start()
    sid = d.queue("sig")
    s = d.wait_state(sid)
    assert s["state"] == "failed" and "signal 11" in s["reason"], s
    run = d.session(sid)["runs"][0]
    assert run["signal"] == 11 and run["exit_code"] is None, run
    assert d.stop() == 0


@test
def timeout_kills_the_whole_group():
    d = Daemon({"slow": {"command": DEMO + " --ignore-term --sleep 20000",
                         "timeout": "1", "warmup": "0",
                         "runs": "1"}}).start()
    t0 = time.monotonic()
    sid = d.queue("slow")
    s = d.wait_state(sid, timeout=15)
    assert s["state"] == "failed" and "timed out" in s["reason"], s
    run = d.session(sid)["runs"][0]
    assert run["timed_out"] is True and run["signal"] == 9, run
    # TERM at 1 s was ignored; KILL came after the 1 s grace.
    assert 1.9 <= run["wall"] < 6, run
    assert time.monotonic() - t0 < 10
    assert d.children() == []
    assert d.stop() == 0


@test
def cancel_mid_run_leaves_no_workload_behind():
    d = Daemon({"long": {"command": DEMO + " --grandchild 30000 "
                         "--sleep 30000", "warmup": "0",
                         "runs": "1"}}).start()
    sid = d.queue("long")
    wait_for(lambda: d.session(sid, runs=False)["session"]["state"] ==
             "running", what="running")
    pids = wait_for(lambda: d.children(), what="workload process")
    # The workload and its grandchild, once it has forked (a loaded
    # machine may take a while).
    group = wait_for(lambda: (lambda g: g if len(g) >= 2 else None)(
        [int(p) for p in os.listdir("/proc") if p.isdigit()
         and _pgid(int(p)) == pids[0]]), what="the workload's grandchild")
    rc, out = d.ctl("cancel", str(sid))
    assert rc == 0, out
    # benchctl says cancelled once it is: the run is gone by then.
    assert out["state"] == "cancelled", out
    s = d.session(sid, runs=False)["session"]
    assert s["state"] == "cancelled", s
    wait_for(lambda: not any(pid_alive(p) for p in group), timeout=5,
             what="workload group to die")
    assert d.session(sid)["runs"] == []
    assert d.stop() == 0


def _pgid(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
        return int(st[st.rindex(")") + 2:].split()[2])
    except (OSError, ValueError):
        return None


@test
def queued_sessions_run_in_order_and_cancel_while_queued():
    d = Daemon({"demo": {"command": DEMO + " --sleep 300",
                         "warmup": "0", "runs": "1"}}).start()
    a, b, c = d.queue("demo"), d.queue("demo"), d.queue("demo")
    sub = Conn(d.socket)
    sub.call("session.subscribe")
    rc, out = d.ctl("cancel", str(b))
    assert rc == 0, out
    # A follower of a queued session hears that it ended, too.
    while True:
        n = sub.notification(timeout=10)
        if n["method"] == "session.finished" and n["params"]["id"] == b:
            break
    assert n["params"]["state"] == "cancelled", n
    assert n["params"]["reason"].startswith("cancelled by uid"), n
    sub.close()
    sa, sc = d.wait_state(a), d.wait_state(c)
    assert sa["state"] == sc["state"] == "completed"
    assert d.session(b, runs=False)["session"]["state"] == "cancelled"
    assert sa["finished_at"] <= sc["started_at"]
    rc, out = d.ctl("cancel", str(a))
    assert rc == 3 and "not-cancellable" in out, (rc, out)
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=60)
