"""Suites on a repository: benchd resolves a revision to a commit, checks
it out in its own worktree (never the user's checkout), builds it
unmeasured and records the commit; interleaved A/B tests decide between
two commits; a regressed verdict is confirmed by an A/B test before
`regressions` reports it.  The repositories are real ones, made here."""

import csv
import io
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import Conn, Daemon, RPCError, main, test, wait_for  # noqa
from gitrepo import commit, daemon, git  # noqa

@test
def queue_rev_checks_out_builds_and_records_the_commit():
    d, repo, ids = daemon([(20, "first", True), (30, "second: slower",
                                                 True)])
    head_before = git(repo, "rev-parse", "HEAD")
    d.start()
    rc, out = d.ctl("queue", "r", "--rev", "HEAD~1")
    assert rc == 0, out
    sid = out["sessions"][0]["id"]
    s = d.wait_state(sid, timeout=60)
    assert s["state"] == "completed", s
    assert s["rev"] == ids[0], s
    assert s["subject"] == "first", s
    assert isinstance(s["commit_time"], int), s
    assert s["dirty"] is False, s
    wt = os.path.join(d.tmp, "worktrees", "r", "a")
    assert os.path.exists(os.path.join(wt, "built.txt"))
    assert git(wt, "rev-parse", "HEAD") == ids[0]
    # The user's checkout and branch are as they were.
    assert git(repo, "rev-parse", "HEAD") == head_before
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert git(repo, "status", "--porcelain") == ""
    # Reused, and cleaned: the next revision's tree has only its files.
    open(os.path.join(wt, "stray"), "w").close()
    sid2 = d.queue("r", rev="main")
    s2 = d.wait_state(sid2, timeout=60)
    assert s2["state"] == "completed" and s2["rev"] == ids[1], s2
    assert not os.path.exists(os.path.join(wt, "stray"))
    # history, export and the chart say which commit each session ran.
    rc, text = d.ctl("history", "r", json_out=False)
    assert rc == 0 and "COMMIT" in text, text
    assert ids[0][:12] + " first" in text, text
    assert ids[1][:12] + " second: slower" in text, text
    rc, text = d.ctl("export", str(sid), str(sid2), "--format", "csv",
                     json_out=False)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["commit"], r["subject"]) for r in rows} == \
        {(ids[0], "first"), (ids[1], "second: slower")}, rows
    rc, h = d.ctl("export", str(sid), "--format", "hyperfine")
    assert h["results"][0]["parameters"] == {"commit": ids[0][:12]}, h
    svg = d.call("suite.chart", {"suite": "r"})["svg"]
    assert ids[1][:12] + " second: slower" in svg, svg
    # A name that is no commit is refused at once.
    try:
        d.call("session.queue", {"suite": "r", "rev": "no-such-branch"})
        raise AssertionError("queued a revision that does not exist")
    except RPCError as e:
        assert e.data_code == "no-such-rev", e
    rc, out = d.ctl("queue", "r", "--rev", "nope", json_out=False)
    assert rc == 3, out
    assert d.stop() == 0


@test
def ab_interleaves_runs_and_finds_a_slower_commit():
    d, repo, ids = daemon([(20, "fast", True), (80, "slow", True)])
    d.start()
    rc, out = d.ctl("ab", "r", ids[0], "HEAD", timeout=90)
    assert rc == 1, out                      # regressed is a finding
    t = out["ab"]
    assert t["verdict"] == "regressed", out
    assert 0.3 < t["change"] < 5, t
    assert t["ci_low"] > 0.03 and t["pairs"] >= 4, t
    assert t["rev_a"] == ids[0] and t["rev_b"] == ids[1], t
    a, b = out["sessions"]
    assert (a["arm"], b["arm"]) == ("A", "B"), out
    assert a["ab"] == b["ab"] == t["id"]
    assert a["state"] == b["state"] == "completed", out
    assert b["subject"] == "slow", b
    # Each arm is a session of its own: the runs alternate A B B A in
    # time, warmups A B first.
    db = sqlite3.connect(d.database)
    order = "".join(arm for (arm,) in db.execute(
        "SELECT s.ab_arm FROM runs r JOIN sessions s ON s.id = r.session_id "
        "WHERE s.ab_id = ? ORDER BY r.started_at, r.id", (t["id"],)))
    db.close()
    assert order.startswith("AB" + "ABBA" * 2), order
    ra = d.session(a["id"])["runs"]
    rb = d.session(b["id"])["runs"]
    assert len(ra) == len(rb), (len(ra), len(rb))
    assert [r["seq"] for r in ra] == list(range(1, len(ra) + 1)), ra
    # Shown and compared like other sessions.
    rc, cmp = d.ctl("compare", str(a["id"]), str(b["id"]))
    assert cmp["metrics"][0]["verdict"] == "regressed", cmp
    rc, text = d.ctl("ab", str(t["id"]), json_out=False)
    assert rc == 1 and "regressed" in text and "slow" in text, text
    rc, exp = d.ctl("export", str(a["id"]), str(b["id"]), "--format", "csv",
                    json_out=False)
    assert rc == 0, exp
    # A/A: the same commit against itself is never a change.
    rc, out = d.ctl("ab", "r", "HEAD", "HEAD", timeout=90)
    assert out["ab"]["verdict"] in ("same", "inconclusive"), out
    assert rc == 0, out
    # The worktrees of both arms, the user's checkout untouched.
    assert os.path.exists(os.path.join(d.tmp, "worktrees", "r", "b",
                                       "built.txt"))
    assert git(repo, "status", "--porcelain") == ""
    lst = d.call("ab.list", {"suite": "r"})["tests"]
    assert [x["id"] for x in lst] == [t["id"], out["ab"]["id"]], lst
    assert d.stop() == 0


@test
def ab_refuses_what_it_cannot_do():
    d, repo, ids = daemon([(20, "only", True)])
    w = {"command": "/bin/sh work.sh"}
    d.write_config({"r": {"repo": repo, "command": "/bin/sh work.sh"},
                    "w": w})
    d.start()
    for params, code in (({"suite": "w", "a": "x", "b": "y"}, "no-repo"),
                         ({"suite": "r", "a": "HEAD", "b": "nope"},
                          "no-such-rev"),
                         ({"suite": "nope", "a": "x", "b": "y"},
                          "no-such-suite")):
        try:
            d.call("ab.queue", params)
            raise AssertionError("queued %s" % params)
        except RPCError as e:
            assert e.data_code == code, (params, e)
    try:
        d.call("ab.get", {"id": 99})
        raise AssertionError("ab.get 99")
    except RPCError as e:
        assert e.data_code == "no-such-ab", e
    assert d.stop() == 0


def run_session(d, rev):
    sid = d.queue("r", rev=rev)
    s = d.wait_state(sid, timeout=60)
    assert s["state"] == "completed", s
    return sid


def wait_confirmation(d, sid, timeout=80):
    def done():
        c = d.session(sid, runs=False)["session"]["confirmation"]
        return c if c not in (None, "pending") else None
    return wait_for(done, timeout=timeout, what="the confirmation")


@test
def a_regression_is_confirmed_by_an_ab_test():
    d, repo, ids = daemon([(20, "fast", True), (80, "slow", True)],
                          runs="6")
    d.start()
    base = run_session(d, ids[0])
    d.call("baseline.set", {"suite": "r", "id": base})
    sid = run_session(d, ids[1])
    s = d.session(sid, runs=False)["session"]
    assert s["verdict"]["verdict"] == "regressed", s
    assert s["confirmation"] in ("pending", "confirmed"), s
    assert wait_confirmation(d, sid) == "confirmed"
    t = d.call("ab.list", {"suite": "r"})["tests"][-1]
    assert t["purpose"] == "confirm" and t["confirms"] == sid, t
    assert (t["rev_a"], t["rev_b"]) == (ids[0], ids[1]), t
    rc, out = d.ctl("regressions", "r")
    assert rc == 1, out
    assert [x["id"] for x in out["regressions"]] == [sid], out
    assert out["unconfirmed"] == [], out
    # The arms of the confirmation are not compared with the baseline
    # themselves: no confirmation of a confirmation.
    for arm in (t["session_a"], t["session_b"]):
        assert d.session(arm, runs=False)["session"]["verdict"] is None
    assert d.stop() == 0


@test
def a_regression_the_ab_test_refutes_is_listed_apart():
    # Two commits of the same speed; the session of the second is slowed
    # by the machine (the flag file names it), not by its code.
    flag = os.path.join(tempfile.mkdtemp(prefix="benchd-flag-"), "flag")
    d, repo, ids = daemon([(20, "one", True, flag),
                           (20, "docs only", True, flag)], runs="6")
    d.start()
    base = run_session(d, ids[0])
    d.call("baseline.set", {"suite": "r", "id": base})
    with open(flag, "w") as f:
        f.write("%d\n" % (base + 1))
    sid = run_session(d, ids[1])
    assert sid == base + 1
    s = d.session(sid, runs=False)["session"]
    assert s["verdict"]["verdict"] == "regressed", s
    assert wait_confirmation(d, sid) in ("refuted", "inconclusive")
    rc, out = d.ctl("regressions", "r")
    assert rc == 0, out
    assert out["regressions"] == [], out
    assert [x["id"] for x in out["unconfirmed"]] == [sid], out
    rc, text = d.ctl("regressions", "r", json_out=False)
    assert "Not confirmed" in text, text
    assert d.stop() == 0


@test
def a_change_two_sessions_cannot_decide_is_checked_by_an_ab_test():
    # The machine drifts between sessions (the file drift sets the sleep
    # of both commits): the history learns a threshold near 100 %, so a
    # 50 % slower commit is inconclusive against the baseline, though
    # significant.  The A/B test alternates the two commits at one drift
    # level, finds the 50 %, and regressions lists the session.
    drift = os.path.join(tempfile.mkdtemp(prefix="benchd-drift-"), "ms")
    d, repo, ids = daemon([("--sleep $(cat %s)" % drift, "a", True),
                           ("--sleep $(($(cat %s) * 15 / 10))" % drift,
                            "a, 50 % slower", True)],
                          warmup="0", runs="5", max_runs="16")
    d.start()

    def at(ms, rev):
        with open(drift, "w") as f:
            f.write("%d\n" % ms)
        return run_session(d, rev)
    for i in range(11):
        base = at(300 if i % 2 else 200, ids[0])
    d.call("baseline.set", {"suite": "r", "id": base})
    # The same commit moved by the machine alone: nothing to check.
    same = d.session(at(300, ids[0]), runs=False)["session"]
    assert same["verdict"]["verdict"] == "inconclusive", same
    assert same["confirmation"] is None, same
    sid = at(200, ids[1])
    s = d.session(sid, runs=False)["session"]
    v = s["verdict"]
    assert v["verdict"] == "inconclusive" and v["rule"] == "history", s
    assert v["threshold"] > 0.8 and 0.3 < v["change"] < 0.7, s
    assert s["confirmation"] in ("pending", "confirmed"), s
    assert wait_confirmation(d, sid) == "confirmed"
    t = d.call("ab.list", {"suite": "r"})["tests"][-1]
    assert t["purpose"] == "confirm" and t["confirms"] == sid, t
    assert t["verdict"] == "regressed", t
    out = d.call("regressions.list", {"suite": "r"})
    assert [x["id"] for x in out["regressions"]] == [sid], out
    assert out["unconfirmed"] == [], out
    # Its own verdict stays what two sessions could say.
    s = d.session(sid, runs=False)["session"]
    assert s["verdict"]["verdict"] == "inconclusive", s
    assert d.stop() == 0


@test
def following_a_branch_measures_each_new_commit_against_its_parent():
    d, repo, ids = daemon([(20, "c0", True), (20, "c1", True)], runs="6")
    fetched = os.path.join(d.tmp, "fetched")
    text = open(d.config).read().replace(
        "[suite r]\n", "[suite r]\nfollow = main\nfollow_interval = 1\n"
        "fetch = /usr/bin/touch %s\n" % fetched)
    open(d.config, "w").write(text)
    d.start()

    def sessions_of(n):
        def check():
            ss = d.call("session.list", {"suite": "r"})["sessions"]
            ss = [x for x in ss if x["ab"] is None]
            return ss if len(ss) >= n and all(
                x["state"] in ("completed", "unstable", "failed")
                for x in ss) else None
        return check
    # The first look takes the branch's tip only.
    first = wait_for(sessions_of(1), timeout=60, what="the tip's session")
    assert [x["rev"] for x in first] == [ids[1]], first
    assert first[0]["label"] == "follow main", first
    wait_for(lambda: os.path.exists(fetched), timeout=10,
             what="the fetch command to run")
    # Two new commits: a session each, oldest first, each against its
    # parent's session; the slower one regressed, and it is confirmed.
    ids.append(commit(repo, 20, "c2"))
    ids.append(commit(repo, 80, "c3: slower"))
    # Under make -j check beside ASan builds of other tests: room to spare.
    ss = wait_for(sessions_of(3), timeout=150, what="the new sessions")
    assert [x["rev"] for x in ss] == ids[1:], ss
    c2, c3 = ss[1], ss[2]
    assert c2["verdict"]["baseline"] == first[0]["id"], c2
    assert c3["verdict"]["baseline"] == c2["id"], c3
    assert c3["verdict"]["verdict"] == "regressed", c3
    assert wait_confirmation(d, c3["id"], timeout=200) == "confirmed"
    # A restart neither repeats nor loses a commit.
    assert d.stop() == 0
    d.start()
    time.sleep(2.5)
    ss = [x for x in d.call("session.list", {"suite": "r"})["sessions"]
          if x["ab"] is None]
    assert [x["rev"] for x in ss] == ids[1:], ss
    assert d.stop() == 0


@test
def a_git_that_hangs_is_killed_and_the_request_fails():
    # A repository whose config includes a FIFO: every git command in it
    # blocks in open(2).  benchd must not block with it.
    d, repo, ids = daemon([(20, "c0", True)])
    d.start()
    fifo = os.path.join(d.tmp, "fifo")
    os.mkfifo(fifo)
    with open(os.path.join(repo, ".git", "config"), "a") as f:
        f.write("[include]\n\tpath = %s\n" % fifo)
    t = time.monotonic()
    c = Conn(d.socket, timeout=90)
    try:
        c.call("session.queue", {"suite": "r", "rev": "HEAD"})
        raise AssertionError("queued on a git that never answered")
    except RPCError as e:
        assert e.data_code == "git-timeout", e
        assert "no answer within 10 s, killed" in str(e), e
    took = time.monotonic() - t
    assert 9.5 < took < 60, took
    # An A/B test (and so a bisection) resolves through the same call.
    try:
        c.call("ab.queue", {"suite": "r", "a": "HEAD", "b": "HEAD"})
        raise AssertionError("an A/B test queued on a silent git")
    except RPCError as e:
        assert e.data_code == "git-timeout", e
    c.close()
    # Nothing of git is left, and benchd goes on answering.
    out = subprocess.run(["pgrep", "-f", "safe.directory"],
                         capture_output=True, text=True).stdout.split()
    assert [p for p in out if int(p) != os.getpid()] == [], out
    assert d.call("status")["queue"] == []
    assert d.stop() == 0


@test
def cancelling_either_arm_cancels_the_ab_test():
    d, repo, ids = daemon([(20, "one", True), (30, "two", True)])
    d.start()
    # The first test runs (cancelled through arm B), the second waits in
    # the queue (cancelled through arm B while queued).
    t1 = d.call("ab.queue", {"suite": "r", "a": ids[0], "b": ids[1]})
    t2 = d.call("ab.queue", {"suite": "r", "a": ids[0], "b": ids[1]})
    for t in (t2, t1):
        d.call("session.cancel", {"id": t["ab"]["session_b"]})
    for t in (t1, t2):
        for arm in ("session_a", "session_b"):
            s = d.wait_state(t["ab"][arm], timeout=30)
            assert s["state"] == "cancelled", (t, s)
        x = d.call("ab.get", {"id": t["ab"]["id"]})["ab"]
        assert x["verdict"] is None, x
    assert d.call("status")["queue"] == [] if "queue" in d.call("status") \
        else True
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=300)
