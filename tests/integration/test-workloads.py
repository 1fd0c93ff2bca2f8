"""Misbehaving workloads on a real benchd: each is recorded with the right
status, nothing it started outlives its run, and benchd carries on."""

import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Daemon, main, test, wait_for  # noqa


def session_processes(d, sid):
    """Pids whose environment says they belong to this session of this
    benchd (other tests' daemons number their sessions from 1 too; each
    gives its workloads its own TMPDIR)."""
    want = ("BENCHD_SESSION=%d" % sid).encode()
    mine = ("TMPDIR=" + d.tmp).encode()
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % p, "rb") as f:
                env = f.read().split(b"\0")
            with open("/proc/%s/stat" % p) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        if want in env and mine in env:
            out.append(int(p))
    return out


def one(d, suite, timeout=60):
    sid = d.queue(suite)
    return sid, d.wait_state(sid, timeout=timeout), d.session(sid)["runs"]


@test
def the_workload_starts_with_no_signal_ignored_or_blocked():
    # benchd ignores SIGPIPE and SIGXFSZ itself; its workloads must not.
    # Signals 32 and 33 are glibc's own (SIGCANCEL, SIGSETXID), never a
    # program's, and posix_spawn may leave them ignored.
    check = "grep -E '^Sig(Ign|Blk):' /proc/self/status >&2; exit 1"
    d = Daemon({"s": {"command": check, "shell": "yes", "warmup": "0",
                      "runs": "1", "max_runs": "1"}}).start()
    sid, s, runs = one(d, "s")
    masks = dict(line.split(":\t") for line in
                 runs[0]["stderr_tail"].splitlines())
    glibc = (1 << 31) | (1 << 32)
    assert int(masks["SigIgn"], 16) & ~glibc == 0, masks
    assert int(masks["SigBlk"], 16) == 0, masks
    assert d.stop() == 0


def policy(stat):
    """The scheduling policy in a /proc/PID/stat line (field 41)."""
    return int(stat.rsplit(")", 1)[1].split()[38])


@test
def benchd_runs_batch_and_its_workloads_do_not():
    # SCHED_BATCH (3): benchd's wakeups never preempt the workload.  The
    # workload is spawned back in SCHED_OTHER (0), by posix_spawn and by
    # the fork that a suite with nice= needs.
    check = "cat /proc/self/stat >&2; exit 1"
    one_run = {"shell": "yes", "warmup": "0", "runs": "1", "max_runs": "1"}
    d = Daemon({"spawn": dict(one_run, command=check),
                "fork": dict(one_run, command=check, nice="1")}).start()
    with open("/proc/%d/stat" % d.proc.pid) as f:
        assert policy(f.read()) == 3
    for suite in ("spawn", "fork"):
        sid, s, runs = one(d, suite)
        assert s["state"] == "failed", s
        assert policy(runs[0]["stderr_tail"]) == 0, runs[0]["stderr_tail"]
    assert d.stop() == 0


@test
def a_grandchild_left_in_the_group_is_killed():
    d = Daemon({"g": {"command": DEMO + " --grandchild 30000",
                      "warmup": "0", "runs": "2"}}).start()
    sid, s, runs = one(d, "g")
    # A few ms each: noise may keep the CV above target (unstable); what
    # matters is that every run ended and nothing was left behind.
    assert s["state"] in ("completed", "unstable"), s
    assert all(r["exit_code"] == 0 for r in runs), runs
    assert all(r["wall"] < 5 for r in runs), runs
    assert session_processes(d, sid) == []
    assert d.stop() == 0


@test
def a_grandchild_that_left_the_group_is_killed_too():
    d = Daemon({"e": {"command": "setsid sleep 30 </dev/null >/dev/null "
                      "2>&1 & sleep 0.3; exit 0", "shell": "yes", "warmup": "0",
                      "runs": "2"}}).start()
    sid, s, runs = one(d, "e")
    assert s["state"] == "completed", s
    wait_for(lambda: session_processes(d, sid) == [], timeout=5,
             what="the escaped grandchild to die")
    assert "left behind" in d.read_log()
    assert d.stop() == 0


@test
def closing_stdout_early_is_fine():
    d = Daemon({"c": {"command": DEMO + " --close-stdout --sleep 200 "
                      "--timing 10", "warmup": "0", "runs": "1"}}).start()
    sid, s, runs = one(d, "c")
    assert s["state"] == "completed", s
    assert 0.2 <= runs[0]["wall"] < 3, runs
    assert d.stop() == 0


@test
def a_gigabyte_of_output_is_drained_not_kept():
    d = Daemon({"f": {"command": DEMO + " --flood 1G --exit 4",
                      "warmup": "0", "runs": "1"}}).start()
    sid, s, runs = one(d, "f", timeout=120)
    assert s["state"] == "failed" and "status 4" in s["reason"], s
    assert len(runs[0]["stdout_tail"]) == 64 * 1024, len(runs[0]["stdout_tail"])
    assert d.call("status")["protocol"] == 1
    assert d.stop() == 0


@test
def hang_until_timeout_then_benchd_carries_on():
    d = Daemon({"h": {"command": DEMO + " --hang", "timeout": "1",
                      "warmup": "0", "runs": "1"},
                "ok": {"command": DEMO, "warmup": "0", "runs": "1"}}).start()
    sid, s, runs = one(d, "h")
    assert s["state"] == "failed" and "timed out after 1 s" in s["reason"]
    assert runs[0]["timed_out"] is True and runs[0]["signal"] == 15, runs
    sid2, s2, _ = one(d, "ok")
    assert s2["state"] == "completed"
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=150)
