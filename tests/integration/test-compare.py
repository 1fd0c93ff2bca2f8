"""Baselines, comparisons, regressions and variance on a real benchd: A/A
is never a regression, A/B with one phase slowed is, and names that phase;
the threshold a verdict used is stored with it and a later compare
agrees; variance reads one set of parameter values and computes what it
says."""

import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Daemon, RPCError, main, test  # noqa


def daemon_with_script(noise="1%", runs="6"):
    """A suite whose command runs work.sh in the workdir, so a test can
    change the workload (like a new commit) without changing the suite."""
    d = Daemon({"w": {"command": "/bin/sh work.sh", "warmup": "1",
                      "runs": runs, "noise": noise}})
    return d


def write_work(d, args):
    with open(os.path.join(d.workdir, "work.sh"), "w") as f:
        f.write("exec %s %s\n" % (DEMO, args))


def run(d, suite="w"):
    # Waited for on a subscription, not by polling: a request benchd is
    # answering when a run ends delays the reap, which under valgrind
    # (.ci/run) costs milliseconds and made an A/A pair differ by 8 %.
    sid = d.run_quietly(suite, timeout=60)
    s = d.session(sid, runs=False)["session"]
    assert s["state"] in ("completed", "unstable"), s
    return sid


@test
def a_a_is_never_a_regression():
    d = daemon_with_script(noise="3%")
    write_work(d, "--sleep 100")
    d.start()
    a = run(d)
    r = d.call("baseline.set", {"suite": "w", "id": a})
    assert r["session"] == a
    b = run(d)
    c = d.call("session.compare", {"a": a, "b": b})
    wall = c["metrics"][0]
    assert wall["name"] == "wall", wall
    assert wall["verdict"] in ("same", "inconclusive"), wall
    assert c["flags"] == []
    # Two sessions are no history: the suite's noise is the threshold.
    assert c["threshold"] == c["noise"] == 0.03, c
    assert c["rule"] == "noise" and wall["rule"] == "noise", c
    assert c["learned"] == {"noise": 0.03, "history": None,
                            "history_sessions": 2, "calibration": None,
                            "calibration_id": None}, c
    assert c["disturbed"] == {"a": 0, "b": 0}, c
    assert [m["name"] for m in c["metrics"]] == ["wall", "user", "sys",
                                                 "maxrss", "cpu"], c
    s = d.session(b, runs=False)["session"]
    assert s["noise"] == 0.03, s
    assert s["verdict"]["baseline"] == a, s
    assert s["verdict"]["verdict"] in ("same", "inconclusive"), s
    assert s["verdict"]["threshold"] == 0.03, s
    assert s["verdict"]["rule"] == "noise", s
    assert s["verdict"]["reason"] is None, s
    assert d.call("regressions.list", {"suite": "w"})["regressions"] == []
    assert d.stop() == 0


@test
def a_b_with_a_slowed_phase_regresses_and_names_it():
    # The phases are reported by the workload and their time is spent
    # sleeping, which a loaded CI machine disturbs far less than spinning.
    d = daemon_with_script()
    phases = "--phases parse:15,typeck:10,link:300"
    write_work(d, "--sleep 325 " + phases)
    d.start()
    a = run(d)
    d.call("baseline.set", {"suite": "w", "id": "latest"})
    write_work(d, "--sleep 475 " + phases + " --slow-phase link:1.5")
    b = run(d)
    c = d.call("session.compare", {"a": a, "b": b})
    wall = c["metrics"][0]
    assert wall["verdict"] == "regressed", wall
    assert wall["p_welch"] < 0.05 and wall["ci_low"] > 0.01, wall
    # +150 ms of link on ~330 ms: large beside what a shared machine
    # adds to a sleep's wakeup, so that link explains the change.
    assert 0.3 < wall["change"] < 0.6, wall
    assert 0 < wall["p_mwu"] < 0.05, wall
    link = [p for p in c["phases"] if p["name"] == "link"][0]
    assert link["verdict"] == "regressed", link
    assert abs(link["change"] - 0.5) < 0.02, link
    parse = [p for p in c["phases"] if p["name"] == "parse"][0]
    assert parse["verdict"] != "regressed", parse
    assert c["explain"][0]["phase"] == "link", c["explain"]
    assert 0.7 < c["explain"][0]["share"] < 1.3, c["explain"]
    assert abs(c["explain"][0]["delta"] - 0.150) < 1e-9, c["explain"]
    # The automatic comparison recorded the same verdict.
    s = d.session(b, runs=False)["session"]
    assert s["verdict"]["verdict"] == "regressed", s
    regs = d.call("regressions.list", {"suite": "w"})["regressions"]
    assert [r["id"] for r in regs] == [b]
    rc, out = d.ctl("regressions", "w", json_out=False)
    assert rc == 1 and str(b) in out, (rc, out)
    # Moving the baseline to the new level clears the finding.
    d.call("baseline.set", {"suite": "w", "id": b})
    assert d.call("regressions.list", {"suite": "w"})["regressions"] == []
    rc, out = d.ctl("regressions", "w", json_out=False)
    assert rc == 0, (rc, out)
    hist = d.call("baseline.show", {"suite": "w"})["baselines"][0]
    assert hist["session"]["id"] == b
    assert [h["session"] for h in hist["history"]] == [b, a]
    assert d.stop() == 0


@test
def the_threshold_learned_from_history_is_stored_and_kept():
    # With noise = 0 the threshold learned from history always wins once
    # there are 11 sessions; tiny runs keep this quick.
    d = Daemon({"h": {"command": DEMO + " --sleep 3", "warmup": "0",
                      "runs": "3", "max_runs": "3", "noise": "0%"}}).start()
    ids = [run(d, "h")]
    d.call("baseline.set", {"suite": "h", "id": ids[0]})
    for _ in range(10):
        ids.append(run(d, "h"))
    b = ids[-1]
    s = d.session(b, runs=False)["session"]
    v = d.call("suite.variance", {"suite": "h"})
    assert v["noise_source"] == "history", v
    assert s["noise"] == 0 and s["verdict"]["rule"] in ("history",
                                                          "disturbed"), s
    # Right after b, variance learns from the same history as b's verdict.
    assert s["verdict"]["threshold"] == v["noise_threshold"], (s, v)
    # One more session changes the history, not b's threshold.
    later = run(d, "h")
    c = d.call("session.compare", {"a": ids[0], "b": b})
    assert c["threshold"] == s["verdict"]["threshold"], (c, s)
    assert c["rule"] == "history", c
    assert c["metrics"][0]["rule"] == s["verdict"]["rule"], (c, s)
    assert c["metrics"][0]["verdict"] == s["verdict"]["verdict"], (c, s)
    assert c["learned"]["history_sessions"] == 11, c
    assert c["learned"]["history"] == c["threshold"], c
    c2 = d.call("session.compare", {"a": ids[0], "b": later})
    assert c2["learned"]["history_sessions"] == 12, c2
    rc, out = d.ctl("compare", str(ids[0]), str(b), json_out=False)
    pct = "%.2f%%" % (100 * c["threshold"])
    assert ("verdicts against the %s threshold learned from 11 sessions" %
            pct) in out, out
    assert "\nWall time: %s, wall " % c["metrics"][0]["verdict"] in out, out
    rc, out = d.ctl("show", str(b), json_out=False)
    assert ("the %s threshold learned from the suite's history" % pct
            in out) or "runs were disturbed" in out, out
    assert d.stop() == 0


@test
def baselines_only_from_completed_sessions():
    d = Daemon({"ok": {"command": DEMO, "warmup": "0", "runs": "2"},
                "bad": {"command": DEMO + " --exit 2", "warmup": "0",
                        "runs": "1"}}).start()
    bad = d.queue("bad")
    d.wait_state(bad)
    try:
        d.call("baseline.set", {"suite": "bad", "id": bad})
        raise AssertionError("a failed session became a baseline")
    except RPCError as e:
        assert e.data_code == "not-a-baseline", e
    try:
        d.call("baseline.set", {"suite": "bad", "id": "latest"})
        raise AssertionError("latest of only failed sessions accepted")
    except RPCError as e:
        assert e.data_code == "no-such-session", e
    ok = run(d, "ok")
    try:
        d.call("baseline.set", {"suite": "bad", "id": ok})
        raise AssertionError("a session of another suite accepted")
    except RPCError as e:
        assert e.data_code == "not-a-baseline", e
    assert d.call("baseline.show")["baselines"] == []
    assert d.stop() == 0


@test
def different_suites_are_incomparable_unless_forced():
    d = Daemon({"x": {"command": DEMO + " --sleep 5", "warmup": "0",
                      "runs": "3"},
                "y": {"command": DEMO + " --sleep 6", "warmup": "0",
                      "runs": "3"}}).start()
    a, b = run(d, "x"), run(d, "y")
    try:
        d.call("session.compare", {"a": a, "b": b})
        raise AssertionError("compared across suites")
    except RPCError as e:
        assert e.data_code == "incomparable", e
    c = d.call("session.compare", {"a": a, "b": b, "force": True})
    assert "different suites" in c["flags"], c["flags"]
    assert "different suite definitions" in c["flags"]
    s = d.session(a, runs=False)["session"]
    fp = s["fingerprint"]
    assert fp["cpus"] == os.cpu_count() and fp["benchd"], fp
    assert s["command"].endswith("benchd-demo --sleep 5"), s["command"]
    assert d.stop() == 0


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


@test
def variance_reads_one_set_of_parameter_values():
    d = Daemon({"p": {"command": DEMO + " --sleep 20 --prefix P_{crate}",
                      "shell": "no", "param.crate": "a b", "warmup": "0",
                      "runs": "3", "max_runs": "3"}}).start()
    ours = [d.queue("p", params={"crate": "a"}) for _ in range(3)]
    other = d.queue("p", params={"crate": "b"})
    for sid in ours + [other]:
        assert d.wait_state(sid, timeout=60)["state"] in ("completed",
                                                          "unstable")
    rc, v = d.ctl("variance", "p", "crate=a")
    assert rc in (0, 1), (rc, v)
    assert v["params"] == {"crate": "a"}, v
    assert [r["id"] for r in v["sessions"]] == ours, v
    # Every figure, again from the runs themselves.
    walls = [[r["wall"] for r in d.session(sid)["runs"]
              if r["kind"] == "measured"] for sid in ours]
    means = [statistics.mean(w) for w in walls]
    cvs = [statistics.stdev(w) / statistics.mean(w) for w in walls]
    for row, m, cv in zip(v["sessions"], means, cvs):
        assert row["n"] == 3 and close(row["mean"], m), (row, m)
        assert close(row["cv"], cv), (row, cv)
    assert close(v["run_cv_mean"], statistics.mean(cvs)), v
    assert close(v["between_cv"],
                 statistics.stdev(means) / statistics.mean(means)), v
    rep = v["reproducible"]
    assert (rep["a"], rep["b"]) == (ours[1], ours[2]), rep
    assert close(rep["change"], (means[2] - means[1]) / means[1]), rep
    assert rep["agree"] == (abs(rep["change"]) < 0.10), rep
    assert rc == (0 if rep["agree"] else 1)
    rc, text = d.ctl("variance", "p", "crate=a", "--last", "2",
                     json_out=False)
    lines = text.splitlines()
    assert lines[0] == "Sessions of p with crate=a:", text
    table = lines[2:lines.index("")]
    assert [int(x.split()[0]) for x in table] == ours[1:], text
    # Without values: those of the newest session.
    rc, v = d.ctl("variance", "p")
    assert v["params"] == {"crate": "b"}, v
    assert [r["id"] for r in v["sessions"]] == [other], v
    # A parameter the suite does not have is an error, not an empty table.
    rc, text = d.ctl("variance", "p", "krate=a", json_out=False)
    assert rc == 3 and 'suite p has no parameter "krate"' in text, \
        (rc, text)
    rc, text = d.ctl("history", "p", "krate=a", "--svg", "-",
                     json_out=False)
    assert rc == 3 and 'suite p has no parameter "krate"' in text, \
        (rc, text)
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=120)
