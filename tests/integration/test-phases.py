"""Phase timing on a real benchd: timing lines streamed from the workload
into exact per-phase totals; bad lines; memory under a flood; per-crate
sessions and their history table."""

import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Daemon, main, test  # noqa

PHASES = [("parse", 10), ("typeck", 20), ("arc", 5), ("codegen", 40),
          ("object", 15), ("link", 30), ("execute", 80)]


def phase_list():
    return ",".join("%s:%d" % p for p in PHASES)


def ns(seconds):
    return round(seconds * 1e9)


@test
def twenty_thousand_lines_over_seven_phases_sum_exactly():
    # Exactly 3 measured runs however noisy the machine, and time for
    # them on a loaded one.
    d = Daemon({"t": {"command": DEMO + " --timing 20000 --phases " +
                      phase_list(), "warmup": "1", "runs": "3",
                      "max_runs": "3"}}).start()
    sid = d.queue("t")
    s = d.wait_state(sid, timeout=60)
    # Unstable when load stretched one run (the CV passed even 100 %):
    # the three runs are recorded all the same, and they are the test.
    assert s["state"] in ("completed", "unstable"), s
    assert s["measured"] == 3, s
    runs = d.session(sid)["runs"]
    for run in runs:
        got = [(p["prefix"], p["phase"], p["count"], ns(p["total"]))
               for p in run["phases"]]
        # 20,000 lines round-robin over 7 phases: the first 20000 % 7
        # phases get one line more.
        want = [("ORI_BUILD_TIMING", name, 2858 if i < 20000 % 7 else 2857,
                 ms * 1000000) for i, (name, ms) in enumerate(PHASES)]
        assert got == want, (got, want)
        assert run["timing_malformed"] == 0
    ph = d.call("session.phases", {"id": sid})
    assert ph["runs"] == 3
    assert [(p["phase"], ns(p["mean"])) for p in ph["phases"]] == \
        [(name, ms * 1000000) for name, ms in PHASES]
    total = sum(ms for _, ms in PHASES) / 1000.0
    assert ns(ph["total"]) == ns(total)
    assert abs(sum(p["share"] for p in ph["phases"]) - 1) < 1e-12
    assert abs(ph["phases"][0]["share"] - 10 / 200.0) < 1e-12
    assert abs(ph["coverage"] - ph["total"] / ph["wall"]) < 1e-9
    rc, text = d.ctl("phases", str(sid), json_out=False)
    assert rc == 0 and "execute" in text and "Total" in text, text
    assert d.stop() == 0


@test
def interleaved_streams_and_split_lines():
    # Two writers at once, one on stdout and one on stderr, so lines from
    # both pipes interleave and arrive split across reads.
    cmd = ("%s --timing 30000 --phases a:300 --timing-stream out & "
           "%s --timing 30000 --phases b:600 --timing-stream err; wait" %
           (DEMO, DEMO))
    d = Daemon({"t": {"command": cmd, "shell": "yes", "warmup": "0",
                      "runs": "2"}}).start()
    sid = d.queue("t")
    assert d.wait_state(sid)["state"] == "completed"
    for run in d.session(sid)["runs"]:
        got = sorted((p["phase"], p["count"], ns(p["total"]))
                     for p in run["phases"])
        assert got == [("a", 30000, 300000000), ("b", 30000, 600000000)], \
            got
    assert d.stop() == 0


@test
def overlong_non_utf8_and_malformed_lines_never_fail_a_run():
    script = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                          "benchd-bad-lines-%d.py" % os.getpid())
    with open(script, "w") as f:
        f.write(r'''
import sys
o = sys.stdout.buffer
o.write(b"ORI_BUILD_TIMING: phase=ok time_ms=7\n")
o.write(b"ORI_BUILD_TIMING: phase=big time_ms=1 " + b"x" * (1 << 20) + b"\n")
o.write(b"noise " * 300000 + b"\n")
o.write(b"ORI_BUILD_TIMING: phase=\xff\xfe time_ms=3\n")
o.write(b"ORI_BUILD_TIMING: phase=ok time_ms=abc\n")
o.write(b"ORI_BUILD_TIMING: time_ms=3\n")
o.write(b"\xc3\x28 garbage \x00 bytes\n")
o.write(b"ORI_TEST_TIMING: phase=ok time_us=2500.5\n")
o.write(b"ORI_BUILD_TIMING: phase=ok time_ns=1000000")
''')
    d = Daemon({"t": {"command": "python3 " + script, "warmup": "0",
                      "runs": "1"}},
               daemon_extra="path = /usr/local/bin:/usr/bin:/bin")
    d.write_config({"t": {"command": "/usr/bin/env python3 " + script,
                          "warmup": "0", "runs": "1"}})
    d.start()
    sid = d.queue("t")
    s = d.wait_state(sid)
    os.unlink(script)
    assert s["state"] == "completed", s
    run = d.session(sid)["runs"][0]
    got = [(p["prefix"], p["phase"], p["count"], ns(p["total"]))
           for p in run["phases"]]
    assert got == [("ORI_BUILD_TIMING", "ok", 2, 8000000),
                   ("ORI_TEST_TIMING", "ok", 1, 2500500)], got
    assert run["timing_malformed"] == 4, run["timing_malformed"]
    assert run["timing_example"].startswith(
        "ORI_BUILD_TIMING: phase=big time_ms=1 xxxx"), run["timing_example"]
    assert len(run["timing_example"]) < 300
    ph = d.call("session.phases", {"id": sid})
    assert ph["malformed"] == 4
    assert d.stop() == 0


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


@test
def hundred_megabytes_of_output_keeps_rss_bounded():
    # The bound (docs/PERFORMANCE.md): streaming 100 MB of output through
    # benchd raises its peak RSS by less than 8 MiB.
    d = Daemon({"small": {"command": DEMO + " --timing 100",
                          "warmup": "0", "runs": "1"},
                "flood": {"command": DEMO + " --flood 100M --timing 1000",
                          "warmup": "0", "runs": "1"}}).start()
    d.wait_state(d.queue("small"))
    before = vm_hwm_kib(d.proc.pid)
    sid = d.queue("flood")
    assert d.wait_state(sid, timeout=60)["state"] == "completed"
    after = vm_hwm_kib(d.proc.pid)
    assert after - before < 8 * 1024, (before, after)
    run = d.session(sid)["runs"][0]
    assert sum(p["count"] for p in run["phases"]) == 1000
    assert d.stop() == 0


@test
def queue_all_runs_one_session_per_crate_and_history_tabulates():
    crates = "ori_arc ori_types ori_eval"
    d = Daemon({"crate": {"command": DEMO + " --sleep 30 --prefix "
                          "T_{crate}", "param.crate": crates,
                          "warmup": "0", "runs": "2"}}).start()
    rc, out = d.ctl("queue", "crate", "--all")
    assert rc == 0, out
    ids = [s["id"] for s in out["sessions"]]
    assert [s["params"]["crate"] for s in out["sessions"]] == crates.split()
    assert [s["label"] for s in out["sessions"]] == \
        ["crate=" + c for c in crates.split()]
    for sid in ids:
        assert d.wait_state(sid)["state"] == "completed"
    rc, hist = d.ctl("history", "crate")
    assert rc == 0, hist
    rows = hist["sessions"]
    assert [r["params"]["crate"] for r in rows] == crates.split()
    for r in rows:
        assert r["n"] == 2 and 0.025 < r["wall"]["mean"] < 0.5, r
        assert r["user"]["mean"] >= 0 and r["sys"]["mean"] >= 0
    rc, text = d.ctl("history", "crate", json_out=False)
    assert rc == 0, text
    for c in crates.split():
        assert c in text, text
    rc, out = d.ctl("queue", "crate", "crate=nope", json_out=False)
    assert rc == 3 and "bad-param" in out, out
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=120)
