"""Notifications on a real benchd: a real HTTP listener on 127.0.0.1
receives the webhooks (one that answers 500 for a while gets each event
once, in order, once it answers 200); an exec target gets the event on
its standard input; Slack's body is {"text": ...}; a restart with pending
events delivers them once; a level shift is one alert, an unconfirmed or
small verdict none; benchctl notifications shows what was sent, pending
and failed; benchd -n checks [notify]."""

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import (BENCHD, DEMO, Daemon, FakeRoot, free_port, main,  # noqa
                     test, wait_for)


class Hook:
    """A webhook listener: answers `fail` requests with 500 (or every one
    while failing is set), then 200; records (status, body) of each."""

    def __init__(self, fail=0):
        self.fail = fail
        self.failing = False
        self.got = []
        self.when = []
        self.lock = threading.Lock()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(n))
                with hook.lock:
                    bad = hook.failing or hook.fail > 0
                    if hook.fail > 0:
                        hook.fail -= 1
                    status = 500 if bad else 200
                    hook.got.append((status, body,
                                     self.headers.get("Content-Type")))
                    hook.when.append(time.monotonic())
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d/hook" % self.port

    def delivered(self):
        with self.lock:
            return [b for s, b, _ in self.got if s == 200]

    def requests(self):
        with self.lock:
            return list(self.got)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def notify_daemon(notify, suites=None, noise="50%"):
    """Suite w runs work.sh in the workdir (tests change the workload as
    a commit would); suite bad fails.  Steps are 5-fold and the noise
    50 %: a loaded machine (make -j check) moves short sleeps a lot."""
    if suites is None:
        suites = {"w": {"command": "/bin/sh work.sh", "warmup": "0",
                        "runs": "5", "max_runs": "5", "noise": noise},
                  "bad": {"command": DEMO + " --exit 2", "warmup": "0",
                          "runs": "1"}}
    d = Daemon(suites)
    keys = {"retry_base": "0.05", "retry_max": "0.2"}
    keys.update(notify)
    lines = ["", "[notify]"] + ["%s = %s" % kv for kv in keys.items()]
    with open(d.config, "a") as f:
        f.write("\n".join(lines) + "\n")
    return d


def work(d, ms):
    with open(os.path.join(d.workdir, "work.sh"), "w") as f:
        f.write("exec %s --sleep %d\n" % (DEMO, ms))


def run(d, suite="w"):
    sid = d.run_quietly(suite, timeout=60)
    return d.session(sid, runs=False)["session"]


def verdict(d, ms):
    work(d, ms)
    s = run(d)
    return s["verdict"]["verdict"] if s["verdict"] else None


def notifications(d, **params):
    return d.call("notifications.list", params)["notifications"]


def settle(d, pred, what, timeout=20):
    return wait_for(pred, timeout=timeout, interval=0.05, what=what)


@test
def a_webhook_that_fails_for_a_while_gets_each_event_once_in_order():
    hook = Hook(fail=3)
    d = notify_daemon({"webhook": hook.url, "attempts": "20"}).start()
    work(d, 50)
    base = run(d)
    d.call("baseline.set", {"suite": "w", "id": base["id"]})
    # A level shift: the first regressed session is not confirmed, the
    # second is (one alert), the third is the same finding (none).
    got = [verdict(d, 250) for _ in range(3)]
    assert got == ["regressed"] * 3, got
    failed = run(d, "bad")
    assert failed["state"] == "failed", failed
    settle(d, lambda: len(hook.delivered()) >= 2, "two deliveries")
    time.sleep(0.5)
    reqs = hook.requests()
    ids = [b["id"] for _, b, _ in reqs]
    # Event 1 tried until it went (3 answers of 500), then event 2.
    assert ids == [1, 1, 1, 1, 2], reqs
    assert [s for s, _, _ in reqs] == [500, 500, 500, 200, 200], reqs
    assert all(ct == "application/json" for _, _, ct in reqs), reqs
    reg, fail = hook.delivered()
    assert reg["event"] == "regression", reg
    assert reg["suite"] == "w" and reg["params"] == {}, reg
    assert reg["session"] == base["id"] + 2, reg
    assert reg["baseline"] == base["id"] and reg["verdict"] == "regressed"
    assert reg["metric"] == "wall" and reg["change"] > 0.5, reg
    assert reg["ci"][0] <= reg["change"] <= reg["ci"][1], reg
    assert reg["threshold"] >= 0.5, reg
    assert reg["command"] == "benchctl compare %d %d" % (
        base["id"], reg["session"]), reg
    assert "regression w" in reg["summary"], reg
    assert fail["event"] == "session-failed", fail
    assert fail["session"] == failed["id"] and fail["suite"] == "bad"
    assert fail["reason"] == failed["reason"], (fail, failed)
    assert fail["command"] == "benchctl show %d" % failed["id"], fail
    n = notifications(d)
    assert [(x["id"], x["target"], x["state"], x["attempts"]) for x in n] \
        == [(2, "webhook", "sent", 1), (1, "webhook", "sent", 4)], n
    assert n[1]["error"] == "HTTP 500", n
    assert n[1]["payload"]["event"] == "regression", n
    rc, out = d.ctl("notifications", json_out=False)
    assert rc == 0 and "session-failed" in out and "regression" in out, out
    assert "last error: HTTP 500" in out, out
    rc, out = d.ctl("notifications", "failed", json_out=False)
    assert rc == 0 and out == "no notifications\n", out
    rc, out = d.ctl("notifications", "nope", json_out=False)
    assert rc == 64, (rc, out)
    assert d.stop() == 0
    hook.close()


@test
def an_exec_target_gets_the_event_on_stdin_and_slack_gets_text():
    hook = Hook()
    d = Daemon({"bad": {"command": DEMO + " --exit 2", "warmup": "0",
                        "runs": "1"}})
    out = os.path.join(d.tmp, "events")
    script = os.path.join(d.tmp, "record.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n{ cat; echo; echo \"$BENCHD_EVENT "
                "$BENCHD_ALERT\"; } >> %s\n" % out)
    os.chmod(script, 0o755)
    with open(d.config, "a") as f:
        f.write("\n[notify]\nexec = %s\nwebhook = %s\nformat = slack\n"
                % (script, hook.url))
    d.start()
    first = run(d, "bad")
    settle(d, lambda: len(hook.delivered()) == 1 and os.path.exists(out),
           "both targets")
    settle(d, lambda: all(x["state"] == "sent" for x in notifications(d)),
           "both sent")
    with open(out) as f:
        lines = f.read().splitlines()
    ev = json.loads(lines[0])
    assert ev["id"] == 1 and ev["event"] == "session-failed", ev
    assert ev["session"] == first["id"] and ev["suite"] == "bad", ev
    assert lines[1] == "session-failed 1", lines
    text = hook.delivered()[0]
    assert list(text) == ["text"], text
    assert text["text"].startswith("[") and "session-failed bad" in \
        text["text"], text
    assert text["text"].endswith("\nSee: benchctl show %d" % first["id"])
    assert sorted((x["target"], x["state"]) for x in notifications(d)) == \
        [("exec", "sent"), ("webhook", "sent")]
    assert d.stop() == 0
    hook.close()


@test
def an_exec_target_that_fails_is_retried_then_failed():
    d = Daemon({"bad": {"command": DEMO + " --exit 2", "warmup": "0",
                        "runs": "1"}})
    with open(d.config, "a") as f:
        f.write("\n[notify]\nexec = /bin/false\nretry_base = 0.05\n"
                "attempts = 3\n")
    d.start()
    run(d, "bad")
    n = settle(d, lambda: [x for x in notifications(d)
                           if x["state"] == "failed"], "a failed delivery")
    assert n[0]["attempts"] == 3 and n[0]["error"] == "exited with 1", n
    rc, out = d.ctl("notifications", "failed", json_out=False)
    assert rc == 0 and "failed: exited with 1" in out, out
    assert d.stop() == 0


@test
def an_exec_target_that_hangs_is_killed_after_timeout():
    d = Daemon({"bad": {"command": DEMO + " --exit 2", "warmup": "0",
                        "runs": "1"}})
    pidfile = os.path.join(d.tmp, "pid")
    script = os.path.join(d.tmp, "hang.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho $$ > %s\nexec sleep 60\n" % pidfile)
    os.chmod(script, 0o755)
    with open(d.config, "a") as f:
        f.write("\n[notify]\nexec = %s\ntimeout = 1\nattempts = 1\n"
                % script)
    d.start()
    run(d, "bad")
    n = settle(d, lambda: [x for x in notifications(d)
                           if x["state"] == "failed"], "a failed delivery")
    assert n[0]["error"] == "timed out after 1 s", n
    pid = int(open(pidfile).read())
    wait_for(lambda: not os.path.exists("/proc/%d" % pid), timeout=5,
             what="the hung target to be gone")
    assert d.stop() == 0


@test
def a_restart_with_pending_events_delivers_them_once():
    hook = Hook()
    hook.failing = True
    d = notify_daemon({"webhook": hook.url, "attempts": "1000",
                       "retry_max": "0.1"})
    d.start()
    a = run(d, "bad")
    b = run(d, "bad")
    settle(d, lambda: len(hook.requests()) >= 2, "attempts")
    assert d.stop() == 0
    n = notifications_db(d)
    assert [s for _, s in n] == ["pending", "pending"], n
    hook.failing = False
    attempts = len(hook.requests())
    d.start()
    settle(d, lambda: len(hook.delivered()) == 2, "two deliveries")
    time.sleep(0.5)
    got = hook.delivered()
    assert [(x["id"], x["session"]) for x in got] == [(1, a["id"]),
                                                      (2, b["id"])], got
    assert len(hook.requests()) - attempts >= 2
    assert [s for _, s in notifications_db(d)] == ["sent", "sent"]
    assert d.stop() == 0
    hook.close()


def notifications_db(d):
    import sqlite3
    db = sqlite3.connect("file:%s?mode=ro" % d.database, uri=True)
    try:
        return db.execute("SELECT alert_id, state FROM alert_deliveries "
                          "ORDER BY alert_id").fetchall()
    finally:
        db.close()


@test
def an_unconfirmed_or_small_change_is_not_told():
    hook = Hook()
    d = notify_daemon({"webhook": hook.url, "min_change": "1000%"}).start()
    work(d, 50)
    base = run(d)
    d.call("baseline.set", {"suite": "w", "id": base["id"]})
    # Once regressed, then back: never confirmed.
    assert verdict(d, 250) == "regressed"
    assert verdict(d, 50) != "regressed"
    # Confirmed, but +400% is below min_change.
    assert [verdict(d, 250) for _ in range(2)] == ["regressed"] * 2
    time.sleep(0.5)
    assert hook.requests() == [] and notifications(d) == [], \
        hook.requests()
    # With the minimum lowered (SIGHUP), the next confirmed one is told.
    with open(d.config) as f:
        conf = f.read().replace("min_change = 1000%", "min_change = 50%")
    with open(d.config, "w") as f:
        f.write(conf)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "configuration reloaded" in d.read_log(),
             what="the reload")
    assert verdict(d, 250) == "regressed"
    settle(d, lambda: len(hook.delivered()) == 1, "one delivery")
    assert hook.delivered()[0]["event"] == "regression"
    assert verdict(d, 250) == "regressed"
    time.sleep(0.5)
    assert len(hook.requests()) == 1, hook.requests()
    assert d.stop() == 0
    hook.close()


@test
def a_change_point_in_the_history_is_told_once():
    hook = Hook()
    # A loaded machine's short sleeps move by 10 % now and then: only a
    # step above the suite's noise (50 %) is a change point.
    d = notify_daemon({"webhook": hook.url}).start()
    work(d, 50)
    for _ in range(6):
        run(d)
    work(d, 250)
    first = run(d)
    for _ in range(3):
        run(d)
    settle(d, lambda: hook.delivered(), "a delivery")
    time.sleep(0.5)
    cps = [b for b in hook.delivered() if b["event"] == "change-point"]
    assert len(cps) == 1, hook.requests()
    cp = cps[0]
    assert cp["session"] == first["id"] and cp["suite"] == "w", cp
    assert cp["before"] < cp["after"] and cp["change"] > 1, cp
    assert 0 <= cp["p"] <= 0.001, cp
    assert cp["command"] == "benchctl regressions w", cp
    # No baseline: no verdicts, so nothing else.
    assert [b["event"] for b in hook.delivered()] == ["change-point"]
    assert d.stop() == 0
    hook.close()


@test
def a_calibration_that_learns_more_noise_is_told():
    import sqlite3
    hook = Hook()
    d = notify_daemon({"webhook": hook.url}).start()
    work(d, 50)
    first = run(d)
    assert d.stop() == 0
    # A calibration before it that learned 0.1 % (no machine is that
    # quiet under make -j check, so the next one learns more).
    db = sqlite3.connect(d.database)
    with db:
        db.execute("INSERT INTO calibrations (id, suite, params, pairs, "
                   "state, noise, counted, regressed, improved, "
                   "false_rate, learned_noise, created_at, finished_at) "
                   "VALUES (1, 'w', '{}', 1, 'completed', 0.3, 1, 0, 0, "
                   "0, 0.001, 0, 0)")
        db.execute("INSERT INTO calibration_pairs (calibration_id, pair, "
                   "a, b, verdict, change) VALUES (1, 1, ?, ?, 'same', 0)",
                   (first["id"], first["id"]))
    db.close()
    d.start()
    rc, c = d.ctl("calibrate", "w", "--pairs", "5", timeout=60)
    assert c["id"] == 2 and c["learned_noise"] > 0.00125, c
    settle(d, lambda: [b for b in hook.delivered()
                       if b["event"] == "noise-rose"], "the alert")
    ev = [b for b in hook.delivered() if b["event"] == "noise-rose"]
    assert len(ev) == 1, ev
    assert ev[0]["calibration"] == 2 and ev[0]["suite"] == "w", ev
    assert ev[0]["before"] == 0.001, ev
    assert ev[0]["after"] == c["learned_noise"], ev
    assert ev[0]["command"] == "benchctl calibrate w", ev
    assert d.stop() == 0
    hook.close()


@test
def alerts_go_out_between_the_sessions_of_a_busy_queue():
    hook = Hook()
    d = notify_daemon({"webhook": hook.url}).start()
    work(d, 300)
    c = d.conn()
    c.call("session.subscribe")
    for suite in ("bad", "bad", "w", "w"):
        last = c.call("session.queue", {"suite": suite})["sessions"][0]["id"]
    while True:
        n = c.notification(timeout=60)
        if n["method"] == "session.finished" and n["params"]["id"] == last:
            break
    done = time.monotonic()
    c.close()
    got = hook.delivered()
    assert [(b["id"], b["event"]) for b in got] == [
        (1, "session-failed"), (2, "session-failed")], hook.requests()
    # Each before the queue ran dry: the last session alone takes 0.9 s.
    assert all(t < done - 0.8 for t in hook.when), (hook.when, done)
    assert d.stop() == 0
    hook.close()


@test
def a_queue_that_does_not_move_is_told_once():
    hook = Hook()
    suites = {"hang": {"command": DEMO + " --hang", "warmup": "0",
                       "runs": "1"},
              "w": {"command": DEMO + " --sleep 10", "warmup": "0",
                    "runs": "1"}}
    d = notify_daemon({"webhook": hook.url, "notify_after": "1"},
                      suites=suites).start()
    hung = d.queue("hang")
    after = d.queue("w")
    n = settle(d, lambda: notifications(d), "the alert", timeout=10)
    assert [(x["event"], x["state"]) for x in n] == [
        ("queue-stalled", "pending")], n
    p = n[0]["payload"]
    assert p["session"] == hung and p["suite"] == "hang", p
    assert p["reason"].startswith("session #%d has been in flight for " %
                                  hung), p
    assert p["seconds"] >= 1 and p["command"] == "benchctl status", p
    time.sleep(1.5)
    assert len(notifications(d)) == 1     # once per stall
    # Nothing is sent while the workload runs; once it is gone, it is.
    assert hook.requests() == []
    d.call("session.cancel", {"id": hung})
    settle(d, lambda: hook.delivered(), "the delivery")
    d.wait_state(after)
    assert [b["event"] for b in hook.delivered()] == ["queue-stalled"]
    assert d.stop() == 0
    hook.close()


@test
def a_long_wait_for_canonical_conditions_is_told_while_it_waits():
    hook = Hook()
    suites = {"demo": {"command": DEMO + " --sleep 10", "warmup": "0",
                       "runs": "1"}}
    d = Daemon(suites)
    fake = FakeRoot(d.tmp)
    d.write_config(suites, fake.conditions())
    with open(d.config, "a") as f:
        f.write("\n[notify]\nwebhook = %s\nnotify_after = 1\n" % hook.url)
    fake.governor(1, "powersave")
    d.start()
    sid = d.queue("demo")
    # Sent while the session waits: nothing is measured meanwhile.
    settle(d, lambda: hook.delivered(), "the alert", timeout=10)
    ev = hook.delivered()[0]
    assert ev["event"] == "not-canonical" and ev["session"] == sid, ev
    assert "cpu1=powersave" in ev["reason"] and ev["seconds"] >= 1, ev
    assert d.session(sid, runs=False)["session"]["state"] == "running"
    fake.governor(1, "performance")
    s = d.wait_state(sid, timeout=10)
    assert s["state"] == "completed", s
    assert [b["event"] for b in hook.delivered()] == ["not-canonical"]
    assert d.stop() == 0
    hook.close()


@test
def configtest_checks_notify():
    d = Daemon()
    good = open(d.config).read()
    for bad, msg in (
            ("webhook = ftp://x", "must be an http:// or https:// URL"),
            ("exec = notify.sh", "must name its program by an absolute"),
            ("format = xml", "format must be json or slack"),
            ("attempts = 0", "attempts must be an integer from 1"),
            ("retry_base = 0", "retry_base must be a number"),
            ("nope = 1", "unknown key \"nope\"")):
        with open(d.config, "w") as f:
            f.write(good + "\n[notify]\n" + bad + "\n")
        p = subprocess.run([BENCHD, "-n", "-c", d.config],
                           capture_output=True, timeout=10)
        err = p.stderr.decode()
        assert p.returncode == 1 and ":23: notify: " in err and msg in err, \
            (bad, err)
    with open(d.config, "w") as f:
        f.write(good + "\n[notify]\nexec = /bin/cat -\nwebhook = "
                "https://hooks.example/x\nformat = slack\nmin_change = 2%\n")
    p = subprocess.run([BENCHD, "-n", "-c", d.config], capture_output=True,
                       timeout=10)
    assert p.returncode == 0, p.stderr


if __name__ == "__main__":
    main(limit=60)
