"""The JSON-RPC protocol on a real benchd: framing, every error code,
and a raw standard-library client agreeing with benchctl --json."""

import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Daemon, RPCError, main, test  # noqa


def suites():
    return {"demo": {"command": DEMO + " --burn 2", "warmup": "1",
                     "runs": "2"},
            "crate": {"command": DEMO + " --burn 1 --prefix P_{crate}",
                      "shell": "no", "param.crate": "a b c",
                      "warmup": "0", "runs": "1"}}


def error_of(conn, line):
    conn.send_raw(line)
    msg = conn.read_msg()
    assert msg is not None and "error" in msg, msg
    return msg


@test
def parse_errors_and_invalid_requests():
    d = Daemon(suites()).start()
    c = d.conn()
    m = error_of(c, b"{not json\n")
    assert m["error"]["code"] == -32700 and m["id"] is None, m
    m = error_of(c, b'{"jsonrpc":"2.0","id":1,"method":"status"\xff}\n')
    assert m["error"]["code"] == -32700, m
    c.send_raw(b'[1]\n')
    m = c.read_msg()
    assert m[0]["error"]["code"] == -32600 and m[0]["id"] is None, m
    m = error_of(c, b'"hello"\n')
    assert m["error"]["code"] == -32600, m
    m = error_of(c, b'{"jsonrpc":"1.0","id":2,"method":"status"}\n')
    assert m["error"]["code"] == -32600 and m["id"] == 2, m
    m = error_of(c, b'{"jsonrpc":"2.0","id":3}\n')
    assert m["error"]["code"] == -32600, m
    m = error_of(c, b'[]\n')
    assert m["error"]["code"] == -32600, m
    # The connection survives all of that.
    assert c.call("status")["protocol"] == 1
    assert d.stop() == 0


@test
def unknown_method_and_bad_params():
    d = Daemon(suites()).start()
    c = d.conn()
    m = c.request("no.such.method")
    assert m["error"]["code"] == -32601, m
    for params, code, data in [
            ({}, -32602, None),
            ({"suite": 7}, -32602, None),
            ({"suite": "demo", "runs": 0}, -32602, None),
            ({"suite": "demo", "runs": 1.5}, -32602, None),
            ({"suite": "demo", "warmup": "x"}, -32602, None),
            ({"suite": "nope"}, -32000, "no-such-suite"),
            ({"suite": "crate"}, -32000, "bad-param"),
            ({"suite": "crate", "params": {"crate": "zzz"}}, -32000,
             "bad-param"),
            ({"suite": "crate", "params": {"other": "a"}}, -32000,
             "bad-param")]:
        m = c.request("session.queue", params)
        assert m["error"]["code"] == code, (params, m)
        assert (m["error"].get("data") or {}).get("code") == data, (params, m)
    m = c.request("session.get", {"id": 99})
    assert m["error"]["data"]["code"] == "no-such-session", m
    m = c.request("session.cancel", {"id": 99})
    assert m["error"]["data"]["code"] == "no-such-session", m
    m = c.request("status", [1, 2])
    assert m["error"]["code"] == -32602, m
    assert d.stop() == 0


@test
def oversized_line_gets_an_error_and_the_connection_closes():
    d = Daemon(suites()).start()
    c = d.conn()
    try:
        c.send_raw(b"[" + b" " * (1024 * 1024 + 10))
    except OSError:
        pass
    m = c.read_msg()
    assert m["error"]["code"] == -32600, m
    assert m["error"]["data"]["code"] == "line-too-long", m
    assert c.read_line() is None          # closed
    # A line of exactly 1 MiB is still accepted.
    c = d.conn()
    pad = 1024 * 1024 - len(b'{"jsonrpc":"2.0","id":1,"method":"status",'
                            b'"params":{"x":""}}')
    line = (b'{"jsonrpc":"2.0","id":1,"method":"status","params":{"x":"' +
            b"a" * pad + b'"}}')
    assert len(line) == 1024 * 1024
    c.send_raw(line + b"\n")
    assert c.read_msg()["result"]["protocol"] == 1
    assert d.call("status")["protocol"] == 1
    assert d.stop() == 0


@test
def batches_pipelining_and_notifications():
    d = Daemon(suites()).start()
    c = d.conn()
    c.send_raw(b'[{"jsonrpc":"2.0","id":1,"method":"status"},'
               b'{"jsonrpc":"2.0","method":"status"},'
               b'{"jsonrpc":"2.0","id":2,"method":"nope"}]\n')
    m = c.read_msg()
    assert [x["id"] for x in m] == [1, 2], m
    assert "result" in m[0] and m[1]["error"]["code"] == -32601
    many = b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"status"}\n' % i
                    for i in range(100))
    c.send_raw(many)
    ids = [c.read_msg()["id"] for _ in range(100)]
    assert ids == list(range(100))
    # A half-closed client still gets its answer.
    s = socket.socket(socket.AF_UNIX)
    s.connect(d.socket)
    s.sendall(b'{"jsonrpc":"2.0","id":"x","method":"status"}')
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    assert json.loads(data)["id"] == "x"
    assert d.stop() == 0


@test
def subscription_pushes_progress_then_finished():
    d = Daemon(suites()).start()
    c = d.conn()
    assert c.call("session.subscribe")["subscribed"] is None
    sid = c.call("session.queue", {"suite": "demo"})["sessions"][0]["id"]
    seen = []
    while True:
        n = c.notification(timeout=20)
        assert n is not None and n["jsonrpc"] == "2.0" and "id" not in n
        seen.append(n)
        if n["method"] == "session.finished":
            break
    assert seen[-1]["params"] == {"id": sid, "state": "completed",
                                  "reason": None}, seen[-1]
    phases = [n["params"]["phase"] for n in seen
              if n["method"] == "session.progress"]
    assert "warmup" in phases and "measured" in phases, phases
    # Subscribing to a finished session answers at once.
    c2 = d.conn()
    c2.call("session.subscribe", {"id": sid})
    assert c2.notification(5)["method"] == "session.finished"
    assert d.stop() == 0


def progress_of(d, suite):
    """The session.progress notifications of one session, and how long it
    took from queueing to session.finished."""
    t0 = time.monotonic()
    c = d.conn()
    c.call("session.subscribe")
    sid = c.call("session.queue", {"suite": suite})["sessions"][0]["id"]
    seen = []
    while True:
        n = c.notification(timeout=60)
        assert n is not None
        if n["method"] == "session.finished":
            break
        if n["method"] == "session.progress":
            seen.append(n["params"])
    took = time.monotonic() - t0
    c.close()
    s = d.session(sid, runs=False)["session"]
    assert s["state"] in ("completed", "unstable"), s
    return seen, took


@test
def progress_is_coalesced_for_short_runs_not_for_long_ones():
    d = Daemon({"fast": {"command": "/bin/true", "warmup": "0",
                         "runs": "60", "max_runs": "60"},
                "slow": {"command": DEMO + " --sleep 300", "warmup": "0",
                         "runs": "3", "max_runs": "3"}}).start()
    # 60 runs of a few ms: the phase change at once, then at most one
    # notification every 250 ms, not two per run.
    seen, took = progress_of(d, "fast")
    assert seen and seen[0]["phase"] == "measured", seen
    assert len(seen) <= 2 + took / 0.25, (len(seen), took)
    assert len(seen) < 30, len(seen)
    # Runs of 300 ms: every run's end is told, with its wall time; the
    # start of the next run, a moment later, is not told again.
    seen, _ = progress_of(d, "slow")
    ended = [p["run"] for p in seen if p["last_wall"] is not None]
    assert ended == [1, 2, 3], seen
    assert len(seen) == 4, seen
    assert d.stop() == 0


@test
def queue_all_queues_one_session_per_value():
    d = Daemon(suites()).start()
    r = d.call("session.queue", {"suite": "crate", "all": True})
    got = [(s["params"]["crate"], s["label"]) for s in r["sessions"]]
    assert got == [("a", "crate=a"), ("b", "crate=b"), ("c", "crate=c")], got
    assert d.stop() == 0


def _scrub(v):
    """Drop what changes between two calls (uptime, progress)."""
    if isinstance(v, dict):
        return {k: _scrub(x) for k, x in v.items()
                if k not in ("uptime", "progress")}
    if isinstance(v, list):
        return [_scrub(x) for x in v]
    return v


@test
def raw_client_and_benchctl_json_agree():
    d = Daemon(suites()).start()
    rc, out = d.ctl("queue", "demo", "--label", "agree")
    assert rc == 0, out
    sid = out["sessions"][0]["id"]
    d.wait_state(sid)
    for argv, method, params in [
            (["status"], "status", None),
            (["suites"], "suites.list", None),
            (["sessions"], "session.list", {}),
            (["show", str(sid)], "session.get", {"id": sid}),
            (["runs", str(sid)], "session.get", {"id": sid})]:
        rc, out = d.ctl(*argv)
        assert rc == 0, (argv, out)
        raw = d.call(method, params)
        assert _scrub(out) == _scrub(raw), (argv, out, raw)
    assert d.stop() == 0


@test
def connections_over_the_cap_get_busy():
    d = Daemon(suites(), daemon_extra="max_clients = 2").start()
    a, b = d.conn(), d.conn()
    assert a.call("status") and b.call("status")
    c = d.conn()
    m = c.read_msg()
    assert m["error"]["data"]["code"] == "busy", m
    assert c.read_line() is None
    a.close()
    import time
    time.sleep(0.2)
    assert d.conn().call("status")["protocol"] == 1
    b.close()
    assert d.stop() == 0


@test
def follow_prints_progress_then_the_summary():
    # Runs long enough that benchctl subscribes before the first ends,
    # however slow the machine: a session that ends before the subscribe
    # rightly shows no progress.
    d = Daemon({"demo": {"command": DEMO + " --sleep 1000", "warmup": "1",
                         "runs": "2"}}).start()
    rc, out = d.ctl("queue", "demo", "--follow", json_out=False)
    assert rc == 0, out
    lines = out.splitlines()
    assert any("warmup" in x for x in lines), out
    assert any("measured" in x and "run " in x for x in lines), out
    assert any(x.strip().startswith("Wall time:") for x in lines), out
    assert any(x.strip().startswith("User time:") for x in lines), out
    assert any(x.strip().startswith("System time:") for x in lines), out
    assert d.stop() == 0


@test
def benchctl_exit_codes():
    d = Daemon(suites()).start()
    rc, out = d.ctl("show", "12345", json_out=False)
    assert rc == 3 and "no-such-session" in out, (rc, out)
    rc, out = d.ctl("frobnicate", json_out=False)
    assert rc == 64, (rc, out)
    rc, out = d.ctl("queue", json_out=False)
    assert rc == 64, (rc, out)
    assert d.stop() == 0
    rc, out = d.ctl("status", json_out=False)
    assert rc == 69, (rc, out)


if __name__ == "__main__":
    main(limit=60)
