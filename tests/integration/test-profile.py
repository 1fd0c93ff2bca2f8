"""Profiles and pictures: queue --profile records one extra run under perf,
never counted; hot names the demo's hot function; flamegraph and history
--svg write well-formed SVG that a browser draws."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Daemon, Skip, main, test  # noqa
import browser  # noqa

BURN = {"command": DEMO + " --burn 150", "warmup": "0", "runs": "2",
        "max_runs": "2"}
PROFILE = """
[profile]
category.demo = burn_
category.kernel = kernel
"""


def perf_records():
    """None when perf can sample here, else why not."""
    perf = shutil.which("perf")
    if perf is None:
        return "perf is not installed (Debian: linux-perf)"
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([perf, "record", "-q", "-e", "cpu-clock", "-o",
                            os.path.join(tmp, "p.data"), "--", "true"],
                           capture_output=True, timeout=60)
        if r.returncode != 0:
            return "perf cannot record here: " + \
                r.stderr.decode(errors="replace").strip()[-300:]
    return None


def profiled_daemon(suites):
    why = perf_records()
    if why is not None:
        raise Skip(why)
    d = Daemon(suites, daemon_extra="path = %s:/usr/bin:/bin" %
               os.path.dirname(os.path.abspath(DEMO)))
    with open(d.config, "a") as f:
        f.write(PROFILE)
    return d.start()


def queue_profiled(d, suite):
    r = d.call("session.queue", {"suite": suite, "profile": True})
    sid = r["sessions"][0]["id"]
    s = d.wait_state(sid, timeout=90)
    assert s["state"] == "completed", s
    return sid


def xmllint(path):
    if shutil.which("xmllint") is None:
        raise Skip("xmllint is not installed (Debian: libxml2-utils)")
    r = subprocess.run(["xmllint", "--noout", path], capture_output=True)
    assert r.returncode == 0, r.stderr.decode(errors="replace")


@test
def profile_run_is_extra_and_names_the_hot_function():
    d = profiled_daemon({"s": BURN})
    sid = queue_profiled(d, "s")
    got = d.session(sid)
    p = got["session"]["profile"]
    assert p["state"] == "recorded", p
    assert p["event"] in ("cycles", "cpu-clock") and p["samples"] > 20, p
    # Never counted: two measured runs, and nothing else, in the runs.
    assert [r["kind"] for r in got["runs"]] == ["measured", "measured"]
    assert got["summary"]["wall"]["n"] == 2
    rc, h = d.ctl("hot", str(sid), "--top", "3")
    assert rc == 0
    top = h["self"][0]
    assert top["name"] == "burn_until", h["self"]
    assert top["category"] == "demo" and top["share"] > 0.5, top
    assert h["total"][0]["name"] == "burn_until"
    assert len(h["self"]) <= 3 and h["samples"] == p["samples"]
    assert h["categories"][0]["name"] == "demo"
    assert sum(c["self"] for c in h["categories"]) == h["samples"]
    rc, text = d.ctl("hot", str(sid), json_out=False)
    assert rc == 0 and "burn_until" in text and "By category" in text
    assert d.stop() == 0


@test
def flamegraph_and_diff_are_well_formed_svg():
    d = profiled_daemon({"s": BURN})
    a = queue_profiled(d, "s")
    b = queue_profiled(d, "s")
    out = os.path.join(d.tmp, "fg.svg")
    rc, text = d.ctl("flamegraph", str(b), "-o", out, json_out=False)
    assert rc == 0 and out in text, text
    svg = open(out).read()
    assert "burn_until (" in svg and "samples" in svg
    xmllint(out)
    diff = os.path.join(d.tmp, "diff.svg")
    rc, text = d.ctl("flamegraph", str(b), "--diff", str(a), "-o", diff,
                     json_out=False)
    assert rc == 0, text
    assert "against %d" % a in open(diff).read()
    xmllint(diff)
    assert d.stop() == 0


def screenshot(svg, png, size):
    return browser.screenshot("file://" + svg, png, size)


@test
def history_chart_is_well_formed_and_marks_the_baseline():
    d = Daemon({"s": dict(BURN, command=DEMO + " --sleep 30")}).start()
    ids = [d.queue("s") for _ in range(3)]
    for sid in ids:
        assert d.wait_state(sid)["state"] == "completed"
    rc, _ = d.ctl("baseline", "set", "s", str(ids[0]), json_out=False)
    assert rc == 0
    out = os.path.join(d.tmp, "history.svg")
    rc, text = d.ctl("history", "s", "--svg", out, json_out=False)
    assert rc == 0 and "3 sessions of s" in text, text
    svg = open(out).read()
    assert "baseline #%d" % ids[0] in svg
    for sid in ids:
        assert "session %d \u00b7" % sid in svg, sid
    assert "date (UTC)" in svg and "wall time (ms)" in svg
    xmllint(out)
    colours = screenshot(out, os.path.join(d.tmp, "history.png"),
                         "960,420")
    assert len(colours) > 4, colours
    assert d.stop() == 0


@test
def flamegraph_renders_in_a_browser():
    d = profiled_daemon({"s": BURN})
    sid = queue_profiled(d, "s")
    out = os.path.join(d.tmp, "fg.svg")
    assert d.ctl("flamegraph", str(sid), "-o", out, json_out=False)[0] == 0
    colours = screenshot(out, os.path.join(d.tmp, "fg.png"), "1200,600")
    # Not blank: the background, the text and frames of several colours.
    assert len(colours) > 4, colours
    assert d.stop() == 0


@test
def without_perf_the_session_completes_and_says_why():
    d = Daemon({"s": BURN}, daemon_extra="path = %s:/bin" %
               os.path.dirname(os.path.abspath(DEMO)))
    with open(d.config, "a") as f:
        f.write("[profile]\nperf = /nonexistent/perf\n")
    d.start()
    r = d.call("session.queue", {"suite": "s", "profile": True})
    sid = r["sessions"][0]["id"]
    assert d.wait_state(sid)["state"] == "completed"
    p = d.session(sid, runs=False)["session"]["profile"]
    assert p["state"] == "unavailable", p
    assert "perf not found (/nonexistent/perf)" in p["reason"], p
    rc, text = d.ctl("hot", str(sid), json_out=False)
    assert rc == 3 and "has no profile: perf not found" in text, text
    rc, text = d.ctl("flamegraph", "999", json_out=False)
    assert rc == 3 and "no profile" in text, text
    # A session queued without --profile has none, and says so.
    plain = d.queue("s")
    d.wait_state(plain)
    assert d.session(plain, runs=False)["session"]["profile"] is None
    assert d.stop() == 0


@test
def a_session_that_ends_before_its_profile_run_says_so():
    # No perf is needed: these sessions never reach their profile run.
    d = Daemon({"slow": {"command": DEMO + " --sleep 300", "warmup": "0",
                         "runs": "20", "max_runs": "20"},
                "bad": {"command": "/bin/false", "warmup": "0",
                        "runs": "3"}}).start()
    running = d.queue("slow", profile=True)
    queued = d.queue("slow", profile=True)
    d.wait_state(running, states=("running",))
    d.call("session.cancel", {"id": queued})
    d.call("session.cancel", {"id": running})
    failed = d.queue("bad", profile=True)
    assert d.wait_state(failed)["state"] == "failed"
    for sid, state in ((running, "cancelled"), (queued, "cancelled"),
                       (failed, "failed")):
        s = d.session(sid, runs=False)["session"]
        assert s["state"] == state, s
        assert s["profile"]["state"] == "unavailable", s["profile"]
        assert s["profile"]["reason"] == ("the session ended (%s) before "
                                          "its profile run" % state), s
    # One left running by a benchd that was killed: settled at start.
    left = d.queue("slow", profile=True)
    d.wait_state(left, states=("running",))
    d.proc.kill()
    d.proc.wait(10)
    d.start()
    s = d.session(left, runs=False)["session"]
    assert s["state"] == "interrupted", s
    assert s["profile"]["reason"] == ("the session ended (interrupted) "
                                      "before its profile run"), s["profile"]
    assert d.stop() == 0


@test
def perf_not_permitted_is_unavailable_with_perfs_reason():
    # perf as an unprivileged user under perf_event_paranoid = 2 says
    # this and writes nothing; the same code path, whoever runs the test.
    d = Daemon({"s": BURN})
    fake = os.path.join(d.tmp, "perf")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho 'Error: Access to performance monitoring "
                "and observability operations is limited.' >&2\n"
                "echo 'Consider adjusting /proc/sys/kernel/"
                "perf_event_paranoid setting' >&2\nexit 255\n")
    os.chmod(fake, 0o755)
    with open(d.config, "a") as f:
        f.write("[profile]\nperf = %s\n" % fake)
    d.start()
    r = d.call("session.queue", {"suite": "s", "profile": True})
    sid = r["sessions"][0]["id"]
    assert d.wait_state(sid)["state"] == "completed"
    got = d.session(sid)
    p = got["session"]["profile"]
    assert p["state"] == "unavailable", p
    assert p["reason"].startswith("perf record could not record: "), p
    assert "perf_event_paranoid" in p["reason"], p
    assert len(got["runs"]) == 2
    rc, text = d.ctl("show", str(sid), json_out=False)
    assert "Profile:" in text and "unavailable: perf record could not" \
        in text, text
    assert d.stop() == 0


@test
def a_history_with_more_change_points_than_a_chart_marks():
    # 800 sessions in 80 levels, each 5 % above the last: about 80 change
    # points,
    # more than the 64 a chart marks; the chart marks the first 64 found
    # and reads nothing past them.
    d = Daemon({"x": dict(BURN, command=DEMO + " --sleep 30")}).start()
    import random
    import sqlite3
    rnd = random.Random(7)
    db = sqlite3.connect(d.database, timeout=30)
    with db:
        for i in range(800):
            wall = 10**9 * 1.05 ** (i // 10) * (1 + rnd.random() * 0.01)
            cur = db.execute(
                "INSERT INTO sessions (suite, params, state, warmup, runs, "
                "max_runs, cv_target, queued_at, started_at, finished_at, "
                "wall_mean) VALUES ('x', '{}', 'completed', 0, 3, 3, 0.05, "
                "?, ?, ?, ?)", (i * 3600000, i * 3600000, i * 3600000 + 1,
                                (wall + 1000) / 1e9))
            for k in range(3):
                db.execute(
                    "INSERT INTO runs (session_id, seq, kind, iteration, "
                    "started_at, wall_ns, utime_us, stime_us, maxrss_kb, "
                    "minflt, majflt, nvcsw, nivcsw, inblock, oublock, "
                    "exit_code) VALUES (?, ?, 'measured', ?, 1, ?, 1, 1, "
                    "1, 0, 0, 0, 0, 0, 0, 0)",
                    (cur.lastrowid, k + 1, k + 1, int(wall) + k * 1000))
    db.close()
    chart = d.call("suite.chart", {"suite": "x", "last": 800,
                                     "width": 10000})
    out = os.path.join(d.tmp, "cp.svg")
    with open(out, "w") as f:
        f.write(chart["svg"])
    xmllint(out)
    marked = chart["svg"].count('<path class="change"')
    assert 56 <= marked <= 64, marked
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=150)
