"""benchlib.py -- what bench-queries.py and bench-clients.py share: the
real benchd started on the database gen-db.py made, timed from its exec to
its READY=1 on a NOTIFY_SOCKET we own, and its memory from /proc."""

import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHD, Conn  # noqa

SCALE = os.path.join(os.path.abspath(os.environ.get("BENCH_DIR",
                                                    "tests/bench")), "scale")
DATABASE = os.path.join(SCALE, "benchd.db")
CONFIG = os.path.join(SCALE, "benchd.conf")


def percentile(xs, q):
    """The q-quantile of xs by the nearest rank: p90 of 30 is the 27th."""
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


class Benchd:
    """benchd -f on the scale database, a socket in a private directory."""

    def __init__(self, config=CONFIG, database=DATABASE):
        if not os.path.exists(database):
            sys.exit("no %s: run gen-db.py first" % database)
        self.tmp = tempfile.mkdtemp(prefix="benchd-bench-")
        self.socket = os.path.join(self.tmp, "benchd.sock")
        notify = os.path.join(self.tmp, "notify")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(notify)
        env = {k: v for k, v in os.environ.items()
               if k not in ("LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC")}
        env["NOTIFY_SOCKET"] = notify
        argv = [BENCHD, "-f", "-c", config, "-D", database, "-S",
                self.socket]
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.ready = self.wait_ready() - t0

    def wait_ready(self):
        """The monotonic time READY=1 arrived."""
        self.notify.settimeout(30)
        while True:
            msg = self.notify.recv(4096).decode()
            now = time.monotonic()
            if "READY=1" in msg.split("\n"):
                return now

    def call(self, method, params=None):
        c = Conn(self.socket, timeout=30)
        try:
            return c.call(method, params)
        finally:
            c.close()

    def status(self, key):
        """A line of /proc/PID/status in KiB (VmRSS, VmHWM)."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise KeyError(key)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(30)
        self.notify.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        assert rc == 0, "benchd exited %d" % rc


def machine():
    """CPUs, model and load average, for the record."""
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return "%d CPUs, %s, load average %s, %s" % (
        os.cpu_count(), model, load, time.strftime("%Y-%m-%d"))
