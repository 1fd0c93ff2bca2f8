"""Bisection on a real git repository: benchd walks the first-parent
commits between a good and a bad one with interleaved A/B steps, skips a
commit that does not build, goes on after a restart in the middle (its
state is in the database), and ends with the first bad commit, its
change against its parent with the interval, and the phases that
moved."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import RPCError, main, test, wait_for  # noqa
from gitrepo import daemon  # noqa

# c0 is good; c3 does not build; c5 is the first slow one; c7 is bad.
PLAN = [(20, "c0", True), (20, "c1", True), (20, "c2", True),
        (20, "c3: broken build", False), (20, "c4", True),
        (80, "c5: slower", True), (80, "c6", True), (80, "c7", True)]


def check_result(b, ids):
    assert b["state"] == "completed", b
    marks = {c["commit"]: c["mark"] for c in b["commits"]}
    assert len(marks) == 7, b
    assert marks[ids[3]] == "skipped", b
    assert marks[ids[4]] == "good" and marks[ids[5]] == "bad", b
    f = b["first_bad"]
    assert f["commit"] == ids[5] and f["parent"] == ids[4], f
    assert f["subject"] == "c5: slower", f
    assert f["verdict"] == "regressed", f
    assert f["ci_low"] > 0, f
    assert isinstance(f["phases"], list), f


@test
def bisect_finds_the_first_bad_commit_and_skips_a_broken_build():
    d, repo, ids = daemon(PLAN, noise="20%")
    d.start()
    rc, out = d.ctl("bisect", "r", ids[0], ids[7], timeout=170)
    assert rc == 0, out
    check_result(out["bisection"], ids)
    rc, text = d.ctl("bisect", str(out["bisection"]["id"]), json_out=False)
    assert rc == 0 and "First bad" in text and "c5: slower" in text, text
    # The skipped step failed at arm B's build, and says so.
    tests = d.call("ab.list", {"suite": "r"})["tests"]
    broken = [t for t in tests if t["rev_b"] == ids[3]]
    assert broken and broken[0]["state"] == "failed", tests
    assert "build step (B)" in broken[0]["reason"], broken
    assert all(t["purpose"] == "bisect" for t in tests), tests
    assert d.stop() == 0


@test
def bisect_goes_on_after_a_restart():
    d, repo, ids = daemon(PLAN, noise="20%")
    d.start()
    b = d.call("bisect.start", {"suite": "r", "good": ids[0],
                                "bad": "main"})["bisection"]
    bid = b["id"]
    assert b["state"] == "running" and b["step"] is not None, b

    # Killed while the second step runs: its sessions are left running.
    def second_step_running():
        t = d.call("ab.list", {"suite": "r"})["tests"]
        return len(t) >= 2 and t[-1]["state"] == "running"
    wait_for(second_step_running, timeout=60, what="the second step")
    d.kill9()
    d.start()

    def done():
        x = d.call("bisect.get", {"id": bid})["bisection"]
        return x if x["state"] != "running" else None
    b = wait_for(done, timeout=150, what="the bisection to end")
    check_result(b, ids)
    tests = d.call("ab.list", {"suite": "r"})["tests"]
    assert any(t["state"] == "interrupted" for t in tests), tests
    assert d.stop() == 0


@test
def bisections_are_listed_and_cancelled_with_their_step():
    # Slow runs: each step takes seconds, so both are under way or queued
    # when they are cancelled.
    d, repo, ids = daemon([(300, "c0", True), (300, "c1", True),
                           (300, "c2", True), (900, "c3", True)],
                          noise="20%")
    d.start()
    one = d.call("bisect.start", {"suite": "r", "good": ids[0],
                                  "bad": ids[3]})["bisection"]
    two = d.call("bisect.start", {"suite": "r", "good": ids[1],
                                  "bad": ids[3]})["bisection"]
    rc, out = d.ctl("bisect", "--list", "r")
    assert rc == 0, out
    got = out["bisections"]
    assert [b["id"] for b in got] == [one["id"], two["id"]], got
    assert [b["state"] for b in got] == ["running", "running"], got
    assert d.call("bisect.list", {"last": 1})["bisections"][0]["id"] == \
        two["id"]
    rc, text = d.ctl("bisect", "--list", json_out=False)
    assert rc == 0 and text.count("running") == 2, text
    # Cancelled while its step runs: the step's A/B test is cancelled
    # with it, and no next step is taken.
    rc, out = d.ctl("bisect", str(one["id"]), "--cancel")
    assert rc == 0, out
    b = out["bisection"]
    assert b["state"] == "cancelled", b
    assert b["reason"].startswith("cancelled by uid"), b
    assert b["step"] == one["step"], (b, one)
    ab = wait_for(lambda: (lambda x: x if x["state"] == "cancelled" else
                           None)(d.call("ab.get", {"id": b["step"]})
                                 ["ab"]), timeout=30,
                  what="the step's A/B test to be cancelled")
    assert ab["verdict"] is None, ab
    # The other one's step, queued or taken up meanwhile, goes with it.
    b = d.call("bisect.cancel", {"id": two["id"]})["bisection"]
    assert b["state"] == "cancelled", b
    wait_for(lambda: d.call("ab.get", {"id": two["step"]})["ab"]["state"]
             == "cancelled", timeout=30, what="the second step cancelled")
    time.sleep(1.5)
    tests = d.call("ab.list", {"suite": "r"})["tests"]
    assert sorted(t["id"] for t in tests) == sorted([one["step"],
                                                     two["step"]]), tests
    assert d.call("status")["queue"] == [], d.call("status")
    for params, code in (({"id": one["id"]}, "not-cancellable"),
                         ({"id": 999}, "no-such-bisection")):
        try:
            d.call("bisect.cancel", params)
            raise AssertionError("cancelled %r" % params)
        except RPCError as e:
            assert e.data_code == code, (params, e)
    try:
        d.call("bisect.list", {"suite": "nope"})
        raise AssertionError("listed an unknown suite")
    except RPCError as e:
        assert e.data_code == "no-such-suite", e
    assert d.stop() == 0


@test
def bisect_refuses_what_it_cannot_do():
    d, repo, ids = daemon(PLAN[:2])
    d.start()
    for params, code in (
            ({"suite": "r", "good": ids[1], "bad": ids[0]}, "no-such-rev"),
            ({"suite": "r", "good": "nope", "bad": ids[1]}, "no-such-rev"),
            ({"suite": "r", "good": ids[0], "bad": ids[1],
              "metric": "sys"}, "bad-param")):
        try:
            d.call("bisect.start", params)
            raise AssertionError("started %s" % params)
        except RPCError as e:
            assert e.data_code == code, (params, e)
    try:
        d.call("bisect.get", {"id": 7})
        raise AssertionError("bisect.get 7")
    except RPCError as e:
        assert e.data_code == "no-such-bisection", e
    assert d.stop() == 0


@test
def bisect_on_a_phase_names_the_phase_that_moved():
    # Wall time hardly moves (the link phase is a small part of it, and
    # the other phase shrinks by as much); the link phase does.
    fast = "--phases parse:60,link:10"
    slow = "--phases parse:20,link:50"
    d, repo, ids = daemon([(fast, "p0", True), (fast, "p1", True),
                           (slow, "p2: slower link", True),
                           (slow, "p3", True)], noise="10%")
    d.start()
    rc, out = d.ctl("bisect", "r", ids[0], ids[3], "--metric",
                    "phase:link", timeout=170)
    assert rc == 0, out
    b = out["bisection"]
    assert b["metric"] == "phase:link" and b["state"] == "completed", b
    f = b["first_bad"]
    assert f["commit"] == ids[2] and f["verdict"] == "regressed", f
    assert f["change"] > 1, f
    moved = {p["name"]: p["verdict"] for p in f["phases"]}
    assert moved.get("link") == "regressed", f
    assert moved.get("parse") == "improved", f
    t = d.call("ab.get", {"id": f["ab"]})["ab"]
    assert t["metric"] == "phase:link", t
    assert d.stop() == 0


@test
def ab_on_user_time():
    d, repo, ids = daemon([("--burn 10", "light", True),
                           ("--burn 60", "heavy", True)])
    d.start()
    rc, out = d.ctl("ab", "r", ids[0], ids[1], "--metric", "user",
                    timeout=120)
    assert rc == 1 and out["ab"]["verdict"] == "regressed", out
    assert out["ab"]["metric"] == "user", out
    try:
        d.call("ab.queue", {"suite": "r", "a": ids[0], "b": ids[1],
                            "metric": "phase:"})
        raise AssertionError("queued an empty phase")
    except RPCError as e:
        assert e.data_code == "bad-param", e
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=180)
