"""Crash safety: SIGKILL benchd at 20 moments of sessions (build step,
warmups, measured runs, between runs, around commits, with a subscriber
attached).  After every restart the database is intact, every finished
run is stored exactly once, the session is interrupted, nothing of its
workload still runs, and queued sessions carry on."""

import os
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Conn, Daemon, RPCError, main, test, wait_for  # noqa

KILLS = 20


def workload_pids(workdir):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            if not os.readlink("/proc/%s/cwd" % p).startswith(workdir):
                continue
            with open("/proc/%s/environ" % p, "rb") as f:
                if b"BENCHD_SESSION=" not in f.read():
                    continue
            with open("/proc/%s/stat" % p) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        out.append(int(p))
    return out


def runs_table(db_path):
    db = sqlite3.connect(db_path, timeout=10)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT session_id, seq, kind, iteration, "
                          "wall_ns FROM runs ORDER BY session_id, seq"
                          ).fetchall()
    finally:
        db.close()


@test
def twenty_kills_lose_nothing_finished():
    d = Daemon({"s": {"build": DEMO + " --sleep 80",
                      "command": DEMO + " --sleep 15 --timing 50",
                      "warmup": "3", "runs": "12", "max_runs": "12"}})
    d.start()
    seen = {}                       # (session, seq) -> run row
    for k in range(KILLS):
        sid = d.queue("s")
        queued = d.queue("s")       # must survive the kill
        sub = Conn(d.socket)
        sub.call("session.subscribe", {"id": sid})
        # Spread the kills over build (~80 ms), warmups and measured runs.
        time.sleep(0.02 + (k % 10) * 0.045 + (k // 10) * 0.013)
        d.kill9()
        sub.close()
        rows = runs_table(d.database)
        for r in rows:
            key = (r[0], r[1])
            if key in seen:
                assert seen[key] == r, (seen[key], r)   # unchanged
            seen[key] = r
        d.start()
        wait_for(lambda: workload_pids(d.workdir) == [], timeout=5,
                 what="no workload left after restart %d" % k)
        s = d.session(sid)
        assert s["session"]["state"] in ("interrupted", "completed"), s
        # Finished runs are stored once, in order, with nothing missing.
        seqs = [r["seq"] for r in s["runs"]]
        assert seqs == list(range(1, len(seqs) + 1)), seqs
        # The queued session carries on; cancel it to keep the test short
        # once it has started.
        # (It may itself have been running, and interrupted, at the kill.)
        st = wait_for(lambda: d.session(queued, runs=False)["session"]
                      ["state"] != "queued" and
                      d.session(queued, runs=False)["session"]["state"],
                      timeout=10, what="queued session to start")
        if st == "running":
            try:
                d.call("session.cancel", {"id": queued})
            except RPCError as e:   # it ended between the two calls
                assert e.data_code == "not-cancellable", e
        d.wait_state(queued, timeout=10)
    # Every run recorded before a kill is still there, exactly once.
    final = runs_table(d.database)
    keys = [(r[0], r[1]) for r in final]
    assert len(keys) == len(set(keys))
    for key, row in seen.items():
        assert row in final, row
    interrupted = [s for s in d.call("session.list", {"last": 100})
                   ["sessions"] if s["state"] == "interrupted"]
    print("# %d kills; %d sessions interrupted; %d runs kept" %
          (KILLS, len(interrupted), len(final)), flush=True)
    assert len(interrupted) >= KILLS // 2
    assert d.stop(signal.SIGTERM) == 0


if __name__ == "__main__":
    main(limit=240)
