"""Hostile clients on a real benchd: nothing a client sends crashes it,
blocks other clients or grows its memory without bound.

The latencies a well-behaved client saw are printed as TAP diagnostics;
the figure itself belongs to make bench, the assertion here only proves
benchd never stopped answering."""

import os
import resource
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Conn, Daemon, main, test  # noqa

RSS_GROWTH_KIB = 64 * 1024      # the bound this file asserts


def rss_kib(pid, key="VmHWM"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError(key)


class Prober(threading.Thread):
    """A well-behaved client asking status every 20 ms."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.worst, self.calls, self.stop = path, 0.0, 0, False
        self.error = None

    def run(self):
        try:
            c = Conn(self.path, timeout=10)
            while not self.stop:
                t0 = time.monotonic()
                c.call("status")
                self.worst = max(self.worst, time.monotonic() - t0)
                self.calls += 1
                time.sleep(0.02)
        except Exception as e:      # noqa: BLE001 -- reported below
            self.error = e


def hostile_daemon():
    d = Daemon({"demo": {"command": DEMO, "warmup": "0", "runs": "1"}},
               daemon_extra="max_clients = 2000").start()
    return d, rss_kib(d.proc.pid), Prober(d.socket)


def sanitized(pid):
    """ASan keeps freed memory in quarantine: its RSS says little."""
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def finish(d, base, prober, what):
    prober.stop = True
    prober.join(10)
    assert prober.error is None, prober.error
    assert prober.calls > 0
    growth = rss_kib(d.proc.pid) - base
    print("# %s: worst status latency %.1f ms over %d calls; peak RSS "
          "growth %d KiB" % (what, prober.worst * 1e3, prober.calls,
                             growth), flush=True)
    assert prober.worst < 2.0, prober.worst
    bound = RSS_GROWTH_KIB * (4 if sanitized(d.proc.pid) else 1)
    assert growth < bound, (growth, bound)
    assert d.call("status")["protocol"] == 1
    assert d.stop() == 0


@test
def hundred_megabyte_line_and_invalid_utf8():
    d, base, p = hostile_daemon()
    p.start()
    s = socket.socket(socket.AF_UNIX)
    s.connect(d.socket)
    s.settimeout(10)
    chunk = b"x" * (1 << 20)
    sent = 0
    try:
        while sent < 100 * (1 << 20):
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass                    # benchd hung up, as it should
    data = s.recv(65536)
    assert b"line-too-long" in data, data
    c = Conn(d.socket)
    c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"st\xc3\x28tus"}\n')
    assert c.read_msg()["error"]["code"] == -32700
    finish(d, base, p, "100 MB line")


@test
def ten_thousand_requests_in_one_write():
    d, base, p = hostile_daemon()
    p.start()
    c = Conn(d.socket, timeout=30)
    c.send_raw(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"suites.list"}'
                        b"\n" % i for i in range(10000)))
    for i in range(10000):
        assert c.read_msg()["id"] == i
    finish(d, base, p, "10,000 requests in one write")


@test
def a_client_that_never_reads_holds_nothing_and_goes():
    # 100,000 requests and never a reply read: benchd answers while the
    # unread replies stay under 1 MiB, then reads nothing more from it
    # (its sends block), keeps answering everyone else, and closes it
    # once its replies have gone unread for idle_timeout.
    d = Daemon({"demo": {"command": DEMO, "warmup": "0", "runs": "1"}},
               daemon_extra="max_clients = 2000\nidle_timeout = 3").start()
    base, p = rss_kib(d.proc.pid), Prober(d.socket)
    p.start()
    s = socket.socket(socket.AF_UNIX)
    s.connect(d.socket)
    s.settimeout(1)
    req = b'{"jsonrpc":"2.0","id":1,"method":"status"}\n' * 1000
    blocked = False
    try:
        for _ in range(100):    # 4.5 MB of requests, 50 MB of replies
            s.sendall(req)
    except OSError:
        blocked = True          # benchd stopped reading: it is not read
    assert blocked
    # Answered no more than the backlog allows, then closed.
    s.setblocking(True)
    s.settimeout(15)
    got = 0
    try:
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            got += len(chunk)
            if got > 2 * 1024 * 1024:
                break
    except OSError:
        pass
    assert got < 8 * 1024 * 1024, got
    wait_closed = time.monotonic() + 15
    closed = False
    while time.monotonic() < wait_closed and not closed:
        try:
            closed = s.recv(1 << 20) == b""
        except OSError:
            closed = True
    assert closed
    finish(d, base, p, "a client that never reads")


@test
def slow_and_vanishing_clients():
    d, base, p = hostile_daemon()
    p.start()
    slow = socket.socket(socket.AF_UNIX)
    slow.connect(d.socket)
    for b in b'{"jsonrpc":"2.0","id":7,':
        slow.send(bytes([b]))
        time.sleep(0.05)
    for _ in range(50):         # disconnect mid-request, many times
        s = socket.socket(socket.AF_UNIX)
        s.connect(d.socket)
        s.send(b'{"jsonrpc":"2.0","id":1,"meth')
        s.close()
    slow.send(b'"method":"status"}\n')
    slow.settimeout(5)
    assert b'"id":7' in slow.recv(65536)
    finish(d, base, p, "one byte at a time, disconnects mid-request")


@test
def a_thousand_simultaneous_connections():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)),
                                                hard))
    d, base, p = hostile_daemon()
    p.start()
    conns = [Conn(d.socket, timeout=30) for _ in range(1000)]
    for c in conns:
        c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"status"}\n')
    for c in conns:
        assert c.read_msg()["result"]["protocol"] == 1
    for c in conns:
        c.close()
    finish(d, base, p, "1,000 connections")


if __name__ == "__main__":
    main(limit=120)
