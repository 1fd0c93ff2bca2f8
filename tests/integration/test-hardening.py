"""Hardening on a real benchd: what is at the socket path, the checks of
benchd -n, the database's mode, strict JSON-RPC, escaped text in benchctl,
timeouts and per-uid limits.  Each case is one benchd once got wrong.

The figures of the two attacks on connections are printed as TAP
diagnostics (RELIABILITY.md quotes them)."""

import hashlib
import json
import os
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import (BENCHD, DEMO, Conn, Daemon, Skip, main,  # noqa
                     test)


def suites():
    return {"demo": {"command": DEMO, "warmup": "0", "runs": "1"}}


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def refused_start(d, args):
    """Start benchd expecting it to refuse: its exit status and log."""
    d.start(args, wait=False)
    try:
        rc = d.proc.wait(10)
    except subprocess.TimeoutExpired:
        d.proc.kill()
        d.proc.wait()
        raise AssertionError("benchd started:\n" + d.read_log())
    d.logf.close()
    return rc, d.read_log()


@test
def only_a_stale_socket_is_removed_at_the_socket_path():
    d = Daemon(suites())
    victim = os.path.join(d.tmp, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    want = digest(victim)
    rc, log = refused_start(d, ["-S", victim])
    assert rc != 0, log
    assert victim in log and "a regular file is there" in log, log
    assert digest(victim) == want
    # A directory and a symbolic link (to the file) are left alone too.
    os.mkdir(os.path.join(d.tmp, "dir"))
    os.symlink(victim, os.path.join(d.tmp, "link"))
    for name, kind in (("dir", "a directory"), ("link", "a symbolic link")):
        path = os.path.join(d.tmp, name)
        rc, log = refused_start(d, ["-S", path])
        assert rc != 0 and kind + " is there" in log, log
        assert os.path.lexists(path)
    assert digest(victim) == want
    # A stale socket nobody answers on still goes.
    s = socket.socket(socket.AF_UNIX)
    s.bind(d.socket)
    s.close()
    d.start()
    assert d.call("status")["protocol"] == 1
    assert d.stop() == 0
    assert not os.path.lexists(d.socket)


@test
def benchd_leaves_a_file_that_took_its_sockets_place():
    d = Daemon(suites()).start()
    os.rename(d.socket, d.socket + ".old")
    with open(d.socket, "w") as f:
        f.write("not benchd's\n")
    assert d.stop() == 0
    with open(d.socket) as f:
        assert f.read() == "not benchd's\n"
    assert "no longer the socket benchd bound" in d.read_log()


def configtest(d, *args):
    p = subprocess.run([BENCHD, "-n", "-c", d.config] + list(args),
                       capture_output=True, text=True, timeout=10)
    return p.returncode, p.stdout + p.stderr


def config_line(d, prefix):
    """The line number of the config line that starts with prefix."""
    with open(d.config) as f:
        for n, line in enumerate(f, 1):
            if line.startswith(prefix):
                return n
    raise AssertionError(prefix)


@test
def socket_equal_to_database_is_refused_and_the_database_kept():
    d = Daemon(suites()).start()
    sid = d.queue("demo")
    d.wait_state(sid)
    assert d.stop() == 0
    want = digest(d.database)
    rc, out = configtest(d, "-S", d.database)
    assert rc == 1, out
    assert "-S: socket %s is the database (database from %s:%d)" % (
        d.database, d.config, config_line(d, "database")) in out, out
    # The same file by another name, and SQLite's -wal beside it.
    os.link(d.database, os.path.join(d.tmp, "hard"))
    rc, out = configtest(d, "-S", os.path.join(d.tmp, "hard"))
    assert rc == 1 and "is the database" in out, out
    rc, out = configtest(d, "-S", d.database + "-wal")
    assert rc == 1 and "is the database's -wal file" in out, out
    # Started for real, benchd refuses before it opens anything.
    rc, log = refused_start(d, ["-S", d.database])
    assert rc == 1 and "is the database" in log, log
    d.socket = d.database
    d.write_config(suites())
    rc, out = configtest(d)
    assert rc == 1, out
    assert "%s:%d: socket %s is the database" % (
        d.config, config_line(d, "socket ="), d.database) in out, out
    rc, log = refused_start(d, [])
    assert rc == 1, log
    assert digest(d.database) == want
    with sqlite3.connect(d.database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


@test
def configtest_refuses_what_benchd_could_not_use():
    d = Daemon(suites())
    rc, out = configtest(d)
    assert rc == 0 and out == "configuration OK\n", out
    long_path = os.path.join(d.tmp, "s" * 120)
    rc, out = configtest(d, "-S", long_path)
    assert rc == 1, out
    assert "-S: socket path is %d bytes long; a Unix socket address holds " \
        "at most 107" % len(long_path) in out, out
    d.write_config(suites(), daemon_extra="admin_group = benchd-t-none")
    rc, out = configtest(d)
    assert rc == 1, out
    assert "%s:%d: admin_group benchd-t-none: no such group" % (
        d.config, config_line(d, "admin_group")) in out, out
    for env in ("LD_PRELOAD=/tmp/evil.so", "LD_LIBRARY_PATH=/tmp",
                "LD_AUDIT=/tmp/a.so"):
        d.write_config({"demo": {"command": DEMO, "env": "A=1 " + env}})
        rc, out = configtest(d)
        name = env.split("=")[0]
        assert rc == 1, out
        assert "%s:%d: suite \"demo\": env: %s is refused" % (
            d.config, config_line(d, "env ="), name) in out, out


@test
def database_files_are_made_0640_whatever_the_umask():
    d = Daemon(suites())
    old = os.umask(0)
    try:
        d.start()
    finally:
        os.umask(old)
    sid = d.queue("demo")
    d.wait_state(sid)
    files = [d.database + s for s in ("", "-wal", "-shm")]
    modes = {f: oct(os.stat(f).st_mode & 0o777) for f in files}
    assert set(modes.values()) == {"0o640"}, modes
    assert d.stop() == 0
    # An existing database keeps the mode its owner gave it.
    os.chmod(d.database, 0o600)
    d.start()
    assert oct(os.stat(d.database).st_mode & 0o777) == "0o600"
    assert d.stop() == 0


def reply(conn, line):
    conn.send_raw(line + b"\n")
    msg = conn.read_msg()
    assert msg is not None, line
    return msg


@test
def u0000_in_any_string_is_refused_not_cut():
    d = Daemon(suites()).start()
    c = d.conn()
    q = b'{"jsonrpc":"2.0","id":1,"method":"session.queue","params":'
    m = reply(c, q + b'{"suite":"demo","label":"a\\u0000b"}}')
    assert m["id"] == 1 and m["error"]["code"] == -32602, m
    assert "U+0000" in m["error"]["message"], m
    m = reply(c, q + b'{"suite":"demo","params":{"k\\u0000":"v"}}}')
    assert m["id"] == 1 and m["error"]["code"] == -32602, m
    m = reply(c, b'{"jsonrpc":"2.0","id":2,"method":"status\\u0000x"}')
    assert m["id"] == 2 and m["error"]["code"] == -32600, m
    m = reply(c, b'{"jsonrpc":"2.0","id":"a\\u0000b","method":"status"}')
    assert m["id"] is None and m["error"]["code"] == -32600, m
    m = reply(c, b'{"jsonrpc":"2.0","id":3,"method":"status"\x00}')
    assert m["id"] is None and m["error"]["code"] == -32700, m
    # In a batch only the request that holds it is refused.
    c.send_raw(b'[{"jsonrpc":"2.0","id":4,"method":"status"},' + q +
               b'{"suite":"demo","label":"\\u0000"}}]\n')
    m = c.read_msg()
    assert "result" in m[0] and m[1]["error"]["code"] == -32602, m
    assert d.call("session.list")["sessions"] == []
    # An escaped backslash before "u0000" is text, and so is \u0001.
    m = reply(c, q + b'{"suite":"demo","label":"\\\\u0000 \\u0001"}}')
    assert m["id"] == 1 and "result" in m, m
    assert m["result"]["sessions"][0]["label"] == "\\u0000 \x01", m
    assert d.stop() == 0


@test
def an_id_benchd_cannot_echo_exactly_is_refused():
    d = Daemon(suites()).start()
    c = d.conn()
    for bad in (b"1e400", b"-1e400", b"12345678901234567890", b"1e300"):
        m = reply(c, b'{"jsonrpc":"2.0","id":' + bad +
                  b',"method":"status"}')
        assert m["id"] is None and m["error"]["code"] == -32600, (bad, m)
        assert "2^53" in m["error"]["message"], m
    for good, want in ((b"9007199254740992", 9007199254740992),
                       (b"-9007199254740992", -9007199254740992),
                       (b"1000000000000000", 10 ** 15),
                       (b"1e3", 1000), (b"0.1", 0.1), (b"-0.0", 0),
                       (b"1.5", 1.5), (b"0", 0), (b"-7", -7),
                       (b'"x"', "x"), (b"null", None)):
        m = reply(c, b'{"jsonrpc":"2.0","id":' + good +
                  b',"method":"status"}')
        assert m["id"] == want and "result" in m, (good, m)
        assert type(m["id"]) is type(want), (good, m)
    assert d.stop() == 0


@test
def benchctl_prints_control_characters_escaped():
    d = Daemon(suites()).start()
    label = "one\ntwo\x1b[31mred\x07\x7f\u009b\ttab"
    shown = "one\\ntwo\\x1b[31mred\\x07\\x7f\\u009b\\ttab"
    sid = d.call("session.queue", {"suite": "demo", "label": label,
                                   "rev": "r\r\n1"})["sessions"][0]["id"]
    d.wait_state(sid)
    for argv in (["show", str(sid)], ["sessions"], ["history", "demo"]):
        rc, out = d.ctl(*argv, json_out=False)
        assert rc == 0, (argv, out)
        raw = [ch for ch in out if (ord(ch) < 0x20 and ch != "\n") or
               0x7f <= ord(ch) <= 0x9f]
        assert raw == [], (argv, raw, out)
        assert "one\\ntwo" in out and "\ntwo" not in out, (argv, out)
    rc, out = d.ctl("show", str(sid), json_out=False)
    lines = out.splitlines()
    assert "%-13s%s" % ("Label:", shown) in lines, out
    assert "%-13s%s" % ("Revision:", "r\\r\\n1") in lines, out
    # --json is the daemon's text, exactly.
    rc, out = d.ctl("show", str(sid))
    assert rc == 0 and out["session"]["label"] == label, out
    assert out["session"]["rev"] == "r\r\n1", out
    assert d.stop() == 0


def request_line(rid=1, method="status"):
    return b'{"jsonrpc":"2.0","id":%d,"method":"%s"}\n' % (rid, method.encode())


def closing_error(conn, timeout):
    """The error line benchd sends before it closes conn, and when."""
    conn.sock.settimeout(timeout)
    msg = conn.read_msg()
    assert msg is not None and "error" in msg, msg
    assert conn.read_line() is None         # closed
    return msg["error"]["data"]["code"], time.monotonic()


def ctxt_switches(pid):
    """Context switches of pid so far: each wakeup adds one."""
    with open("/proc/%d/status" % pid) as f:
        return sum(int(line.split()[1]) for line in f
                   if line.split(":")[0] in ("voluntary_ctxt_switches",
                                             "nonvoluntary_ctxt_switches"))


@test
def idle_and_slow_connections_are_closed_subscribers_stay():
    d = Daemon(suites(), daemon_extra="idle_timeout = 2\n"
               "request_timeout = 1").start()
    t0 = time.monotonic()
    idle = d.conn()
    slow = d.conn()
    slow.send_raw(b'{"jsonrpc":"2.0",')
    t_slow = t_idle = None
    sub = d.conn()
    sub.call("session.subscribe")
    t_sub = time.monotonic()
    active = d.conn()
    # The slow client adds a byte every 0.3 s; the active one asks
    # status every 0.6 s.  Neither resets the other's clock.
    for i in range(9):
        time.sleep(0.3)
        try:
            if t_slow is None:
                slow.send_raw(b" ")
        except OSError:
            t_slow = time.monotonic() - t0  # closed: its error is waiting
        if t_idle is None and select.select([idle.sock], [], [], 0)[0]:
            t_idle = time.monotonic() - t0
        if i % 2:
            assert active.call("status")["protocol"] == 1
    code, t = closing_error(slow, 5)
    assert code == "request-timeout", code
    assert t_slow is not None and 0.9 < t_slow < 2.5, t_slow
    code, t = closing_error(idle, 5)
    assert code == "idle-timeout", code
    assert t_idle is not None and 1.9 < t_idle < 3.5, t_idle
    assert active.call("status")["protocol"] == 1
    # The subscriber, idle for longer than idle_timeout, still follows.
    time.sleep(max(0, 2.5 - (time.monotonic() - t_sub)))
    sid = d.queue("demo")
    while True:
        n = sub.notification(timeout=20)
        assert n is not None, "the subscriber was closed"
        if n["method"] == "session.finished":
            break
    assert n["params"]["id"] == sid, n
    t_quiet = time.monotonic() - t_sub
    # But a subscriber is no exception to request_timeout.
    sub.send_raw(b'{"jsonrpc"')
    code, t = closing_error(sub, 5)
    assert code == "request-timeout", code
    print("# a byte every 0.3 s: closed by request_timeout (1 s) %.1f s "
          "after its first; a silent connection closed by idle_timeout "
          "(2 s) after %.1f s; a subscriber kept %.1f s" % (
              t_slow, t_idle, t_quiet), flush=True)
    active.close()
    log = d.read_log()
    assert "no request for 2 s" in log and "incomplete for 1 s" in log, log
    # Without clients benchd has no timer: it does not wake at all.
    time.sleep(0.5)
    before = ctxt_switches(d.proc.pid)
    time.sleep(2)
    assert ctxt_switches(d.proc.pid) == before
    assert d.stop() == 0


class Holder:
    """A forked process that, as uid, tries n connections to path, each
    asking status, and holds those benchd accepts.  It reports
    {"accepted": N, "refused": {message: count}}; told "wait", it reports
    the error each held connection ends with, and how long after its
    request (the closing line is read one connection after another, so
    late by up to the time the reads take); told "again", it
    reports whether a new connection is answered; told "exit", it
    exits."""

    def __init__(self, path, uid, n):
        r1, self.w = os.pipe()
        self.r, w2 = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.w)
            os.close(self.r)
            code = 1
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                self._child(path, n, os.fdopen(r1), os.fdopen(w2, "w"))
                code = 0
            except BaseException:       # noqa: BLE001 -- told, then exit
                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(r1)
        os.close(w2)
        self.rf = os.fdopen(self.r)
        self.wf = os.fdopen(self.w, "w")

    @staticmethod
    def _child(path, n, cmd, out):
        held, refused = [], {}
        for i in range(n):
            c = Conn(path, timeout=10)
            try:
                c.send_raw(request_line(i))
            except OSError:
                pass            # refused: the busy line is waiting
            m = c.read_msg()
            if "error" in m:
                k = m["error"]["message"]
                refused[k] = refused.get(k, 0) + 1
                c.close()
            else:
                held.append((c, time.monotonic()))
        out.write(json.dumps({"accepted": len(held),
                              "refused": refused}) + "\n")
        out.flush()
        for line in cmd:
            if line.strip() == "wait":
                ends = [(closing_error(c, 30), t) for c, t in held]
                out.write(json.dumps([[e, t1 - t0] for (e, t1), t0
                                      in ends]) + "\n")
            elif line.strip() == "exit":
                return
            elif line.strip() == "again":
                c = Conn(path, timeout=10)
                out.write(json.dumps("result" in c.request("status")) +
                          "\n")
            out.flush()

    def report(self):
        return json.loads(self.rf.readline())

    def tell(self, what):
        self.wf.write(what + "\n")
        self.wf.flush()
        return self.report()

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass

    def close(self):
        # Not by EOF: the holders forked later hold this pipe too.
        self.wf.write("exit\n")
        self.wf.close()
        self.rf.close()
        os.waitpid(self.pid, 0)


@test
def limits_per_uid_keep_room_for_admins():
    if os.geteuid() != 0:
        raise Skip("needs root to connect as other uids")
    # The default limits (256 connections, 32 a uid, 16 kept for admins)
    # against 9 uids, each trying 40 connections and holding them.
    d = Daemon(suites(), daemon_extra="idle_timeout = 3").start()
    os.chmod(d.tmp, 0o711)
    os.chmod(d.socket, 0o666)
    holders = []
    try:
        limits_hold(d, holders)
    finally:
        for h in holders:
            h.kill()
    assert d.stop() == 0


def limits_hold(d, holders):
    uids = list(range(65534, 65525, -1))
    accepted, refused = [], {}
    t0 = time.monotonic()
    for uid in uids:
        h = Holder(d.socket, uid, 40)
        holders.append(h)
        r = h.report()
        accepted.append(r["accepted"])
        for k, v in r["refused"].items():
            refused[k] = refused.get(k, 0) + v
    attack = time.monotonic() - t0
    assert accepted == [32] * 7 + [16, 0], accepted
    per_uid = sum(v for k, v in refused.items()
                  if "max_clients_per_uid 32" in k)
    reserve = sum(v for k, v in refused.items()
                  if "the last 16 of max_clients 256 are kept for admins" in k)
    assert per_uid == 7 * 8 and reserve == 24 + 40, refused
    # Root, an admin, still gets in and is answered: benchctl, then 16
    # connections of its own; the one past max_clients is busy.
    t1 = time.monotonic()
    rc, out = d.ctl("status")
    status_ms = (time.monotonic() - t1) * 1e3
    assert rc == 0 and out["protocol"] == 1, out
    mine = [d.conn() for _ in range(16)]
    for c in mine:
        assert c.call("status")["protocol"] == 1
    m = d.conn().read_msg()
    assert m["error"]["data"]["code"] == "busy", m
    assert "max_clients 256" in m["error"]["message"], m
    for c in mine:
        c.close()
    # The held connections are idle: each is told so and closed.
    ends = [h.tell("wait") for h in holders]
    codes = {e for hold in ends for e, t in hold}
    closed = sum(len(hold) for hold in ends)
    after = [t for hold in ends for e, t in hold]
    assert codes == {"idle-timeout"} and closed == 240, (codes, closed)
    assert 2.9 < min(after) and max(after) < 8, (min(after), max(after))
    assert all(h.tell("again") for h in holders)
    for h in holders:
        h.close()
    print("# %d uids tried %d connections in %.2f s: %d accepted, %d "
          "refused by max_clients_per_uid, %d by admin_reserve; root's "
          "benchctl status took %.0f ms; all %d closed by idle_timeout "
          "(3 s), %.1f-%.1f s after their request" % (
              len(uids), 40 * len(uids), attack, sum(accepted), per_uid,
              reserve, status_ms, closed, min(after), max(after)),
          flush=True)


if __name__ == "__main__":
    main(limit=60)
