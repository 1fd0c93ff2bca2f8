"""harness.py -- run the real benchd in a private directory and talk to it.

Every integration test imports this module: it prints TAP, bounds each
test's time with SIGALRM, starts benchd on a socket and database under a
fresh temporary directory, and offers a raw JSON-RPC client written with
the standard library only (so it also proves that any client can talk to
benchd).  Paths to the programs under test come from the environment that
`make check` sets: BENCHD, BENCHCTL, BENCHD_TUNE, BENCHD_DEMO.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

BENCHD = os.environ.get("BENCHD", "daemon/benchd")
BENCHCTL = os.environ.get("BENCHCTL", "client/benchctl")
TUNE = os.environ.get("BENCHD_TUNE", "daemon/benchd-tune")
DEMO = os.environ.get("BENCHD_DEMO", "tests/demo/benchd-demo")
SRCDIR = os.environ.get("srcdir", ".")
# Seconds benchd may take to listen; more under valgrind (run-valgrind.sh).
START_TIMEOUT = float(os.environ.get("BENCHD_START_TIMEOUT", "10"))

_tests = []


class Skip(Exception):
    """Raised by a test that cannot run here; the reason is printed."""


def test(fn):
    """Register a test function."""
    _tests.append(fn)
    return fn


def _alarm(signum, frame):
    raise TimeoutError("test took longer than its time limit")


def main(limit=60):
    """Run the registered tests as TAP, each within `limit` seconds;
    only those whose name holds $BENCHD_TEST when that is set."""
    only = os.environ.get("BENCHD_TEST")
    if only:
        _tests[:] = [t for t in _tests if only in t.__name__]
    print("1..%d" % len(_tests), flush=True)
    failed = 0
    signal.signal(signal.SIGALRM, _alarm)
    for i, fn in enumerate(_tests, 1):
        name = fn.__name__
        signal.alarm(limit)
        try:
            fn()
            signal.alarm(0)
            print("ok %d - %s" % (i, name), flush=True)
        except Skip as e:
            signal.alarm(0)
            print("ok %d - %s # SKIP %s" % (i, name, e), flush=True)
        except BaseException:
            signal.alarm(0)
            failed += 1
            print("not ok %d - %s" % (i, name), flush=True)
            for line in traceback.format_exc().splitlines():
                print("# " + line, flush=True)
        finally:
            Daemon.cleanup_all()
    sys.exit(1 if failed else 0)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def wait_for(pred, timeout=10.0, interval=0.02, what="condition"):
    """Poll pred() until it returns a true value; fail after timeout."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


class RPCError(Exception):
    def __init__(self, err):
        super().__init__("%s (%s)" % (err.get("message"), err))
        self.error = err
        self.code = err.get("code")
        self.data_code = (err.get("data") or {}).get("code")


class Conn:
    """A raw JSON-RPC 2.0 connection: one JSON object per line."""

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self.next_id = 1
        self.notifications = []

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_line(self):
        # Chunks gathered in a list and searched as they come: a reply of
        # many MiB costs its length, not its length squared.
        if b"\n" not in self.buf:
            parts = [self.buf]
            while True:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    self.buf = b""
                    line = b"".join(parts)
                    return line if line else None
                parts.append(chunk)
                if b"\n" in chunk:
                    break
            self.buf = b"".join(parts)
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def read_msg(self):
        line = self.read_line()
        if line is None:
            return None
        return json.loads(line)

    def request(self, method, params=None):
        """Send a request and return its raw response object."""
        rid = self.next_id
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            req["params"] = params
        self.send_raw(json.dumps(req).encode() + b"\n")
        while True:
            msg = self.read_msg()
            if msg is None:
                raise ConnectionError("benchd closed the connection")
            if "id" not in msg:
                self.notifications.append(msg)
                continue
            assert msg["id"] == rid, msg
            return msg

    def call(self, method, params=None):
        """Send a request; return its result or raise RPCError."""
        msg = self.request(method, params)
        if "error" in msg:
            raise RPCError(msg["error"])
        return msg["result"]

    def notification(self, timeout=10.0):
        if self.notifications:
            return self.notifications.pop(0)
        self.sock.settimeout(timeout)
        return self.read_msg()


def _copy_lines(src, dst):
    for line in src:
        dst.write(line)
        dst.flush()


class Daemon:
    """benchd on a socket and database in its own temporary directory."""

    live = []

    def __init__(self, suites=None, conditions=None, daemon_extra="",
                 tmp=None):
        self.tmp = tmp or tempfile.mkdtemp(prefix="benchd-test-")
        self.socket = os.path.join(self.tmp, "benchd.sock")
        self.database = os.path.join(self.tmp, "benchd.db")
        self.config = os.path.join(self.tmp, "benchd.conf")
        self.log = os.path.join(self.tmp, "benchd.log")
        self.workdir = os.path.join(self.tmp, "work")
        os.makedirs(self.workdir, exist_ok=True)
        self.proc = None
        self.write_config(suites, conditions, daemon_extra)
        Daemon.live.append(self)

    def write_config(self, suites=None, conditions=None, daemon_extra=""):
        if suites is None:
            suites = {"demo": {"command": DEMO + " --burn 5"}}
        lines = ["[daemon]",
                 "socket = " + self.socket,
                 "database = " + self.database,
                 "tmpdir = " + self.tmp,
                 "kill_grace = 1",
                 daemon_extra, ""]
        if not daemon_extra.lstrip().startswith("path"):
            lines.insert(3, "path = " + os.path.dirname(os.path.abspath(
                DEMO)) + ":/usr/bin:/bin")
        lines.append("[conditions]")
        # Tests share a busy machine (make -j check runs them side by
        # side): unless a test asks for them, the checks of other work
        # (runnable threads, CPU pressure, runs' stall) stay out of the
        # way, as they were before benchd had them.  The tests of those
        # checks set them.
        cond = {"max_stall": "100%"}
        if conditions is None:
            cond.update({"policy": "warn", "max_runnable": "-1",
                         "max_cpu_pressure": "100%"})
        cond.update(conditions or {})
        for k, v in cond.items():
            lines.append("%s = %s" % (k, v))
        lines.append("")
        for name, s in suites.items():
            lines.append("[suite %s]" % name)
            s = dict(s)
            if "repo" not in s:     # a repo suite runs in benchd's worktree
                s.setdefault("workdir", self.workdir)
            s.setdefault("warmup", "1")
            s.setdefault("runs", "3")
            # Tiny workloads are noisy; tests of the stopping rule set it.
            s.setdefault("cv_target", "100%")
            for k, v in s.items():
                lines.append("%s = %s" % (k, v))
            lines.append("")
        with open(self.config, "w") as f:
            f.write("\n".join(lines))

    def start(self, args=(), wait=True, log_pipe=False):
        """log_pipe: the log goes through a pipe this process copies, so
        that a file size limit set on benchd cannot cut it."""
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        env.pop("LISTEN_FDS", None)
        self.logf = open(self.log, "ab")
        out = subprocess.PIPE if log_pipe else self.logf
        self.proc = subprocess.Popen(
            [BENCHD, "-f", "-v", "-v", "-c", self.config] + list(args),
            stdout=out, stderr=subprocess.STDOUT, env=env)
        if log_pipe:
            threading.Thread(target=_copy_lines, daemon=True,
                             args=(self.proc.stdout, self.logf)).start()
        if wait:
            wait_for(self._answers, timeout=START_TIMEOUT,
                     what="benchd to listen")
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError("benchd exited with %d:\n%s" %
                                 (self.proc.returncode, self.read_log()))
        try:
            c = Conn(self.socket, timeout=2)
            c.call("status")
            c.close()
            return True
        except (OSError, ConnectionError):
            return False

    def read_log(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def check_log(self):
        """Fail on sanitizer reports in the daemon's log."""
        log = self.read_log()
        for bad in ("ERROR: AddressSanitizer", "runtime error:",
                    "ERROR: LeakSanitizer"):
            assert bad not in log, "sanitizer report in benchd log:\n" + log

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Signal benchd and return its exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("benchd did not exit after signal %d" % sig)
        self.logf.close()
        self.check_log()
        return rc

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.logf.close()

    def conn(self):
        return Conn(self.socket)

    def call(self, method, params=None):
        c = self.conn()
        try:
            return c.call(method, params)
        finally:
            c.close()

    def ctl(self, *args, json_out=True, timeout=30):
        """Run benchctl; return (exit status, parsed JSON or text)."""
        argv = [BENCHCTL, "-S", self.socket]
        if json_out:
            argv.append("--json")
        p = subprocess.run(argv + list(args), capture_output=True,
                           timeout=timeout)
        out = p.stdout.decode(errors="replace")
        if json_out and p.returncode in (0, 1, 2) and out.strip():
            return p.returncode, json.loads(out)
        return p.returncode, out + p.stderr.decode(errors="replace")

    def queue(self, suite, **params):
        r = self.call("session.queue", dict(suite=suite, **params))
        return r["sessions"][0]["id"]

    def session(self, sid, runs=True):
        return self.call("session.get", {"id": sid, "runs": runs})

    def wait_state(self, sid, states=("completed", "unstable", "failed",
                                      "cancelled", "interrupted"),
                   timeout=30):
        def done():
            s = self.session(sid, runs=False)["session"]
            return s if s["state"] in states else None
        return wait_for(done, timeout=timeout,
                        what="session %d to reach %s" % (sid, states))

    def run_quietly(self, suite, timeout=600):
        """Queue a session and wait for its end on a subscription, so the
        wait sends benchd nothing while it measures (benchmarks use it)."""
        c = Conn(self.socket, timeout=timeout)
        try:
            c.call("session.subscribe")
            sid = c.call("session.queue", {"suite": suite})["sessions"][0]["id"]
            while True:
                n = c.notification(timeout=timeout)
                if n is None:
                    raise ConnectionError("benchd closed the connection")
                if (n["method"] == "session.finished" and
                        n["params"]["id"] == sid):
                    return sid
        finally:
            c.close()

    def children(self):
        """The workload processes benchd started: the children of its
        benchd-spawn (the process that forks and reaps them), and any
        other child of benchd (an orphan it adopted)."""
        procs = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            fields = st[st.rindex(")") + 2:].split()
            procs[int(d)] = (int(fields[1]), st[st.index("(") + 1:
                                                  st.rindex(")")])
        spawners = {p for p, (pp, comm) in procs.items()
                    if pp == self.proc.pid and comm == "benchd-spawn"}
        return sorted(p for p, (pp, comm) in procs.items()
                      if p not in spawners and
                      (pp == self.proc.pid or pp in spawners))

    @classmethod
    def cleanup_all(cls):
        for d in cls.live:
            if d.proc is not None and d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait()
            shutil.rmtree(d.tmp, ignore_errors=True)
        cls.live = []


def fill_sessions(path, n):
    """n finished sessions of suite "x" with three runs each, written
    directly, so that listing them costs benchd real work."""
    import sqlite3
    db = sqlite3.connect(path)
    with db:
        for i in range(n):
            cur = db.execute(
                "INSERT INTO sessions (suite, params, state, warmup, runs, "
                "max_runs, cv_target, queued_at, started_at, finished_at) "
                "VALUES ('x', '{}', 'completed', 0, 3, 3, 0.05, 1, 1, 2)")
            for k in range(3):
                db.execute(
                    "INSERT INTO runs (session_id, seq, kind, iteration, "
                    "started_at, wall_ns, utime_us, stime_us, maxrss_kb, "
                    "minflt, majflt, nvcsw, nivcsw, inblock, oublock, "
                    "exit_code) VALUES (?, ?, 'measured', ?, 1, ?, 1, 1, "
                    "1, 0, 0, 0, 0, 0, 0, 0)",
                    (cur.lastrowid, k + 1, k + 1, 10**9 + k))
    db.close()


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rindex(")") + 2] != "Z"


class FakeRoot:
    """A fake /proc and /sys tree for the conditions checks.

    benchd reads it through the same code as the real one when the
    config's proc_root and sys_root point here.
    """

    def __init__(self, base, cpus=2, governor="performance"):
        self.root = os.path.join(base, "fakeroot")
        self.cpu = os.path.join(self.root, "sys/devices/system/cpu")
        for i in range(cpus):
            self.write("sys/devices/system/cpu/cpu%d/cpufreq/"
                       "scaling_governor" % i, governor)
        self.write("proc/loadavg", "0.00 0.00 0.00 1/100 4242")
        self.write("proc/sys/kernel/randomize_va_space", "0")

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as f:
            f.write(text + "\n")
        os.rename(path + ".tmp", path)

    def remove(self, rel):
        shutil.rmtree(os.path.join(self.root, rel), ignore_errors=True)

    def governor(self, cpu, value):
        self.write("sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor" %
                   cpu, value)

    def thermal(self, zone, temp_c, passive_c):
        z = "sys/class/thermal/thermal_zone%d/" % zone
        self.write(z + "temp", str(int(temp_c * 1000)))
        self.write(z + "trip_point_0_type", "passive")
        self.write(z + "trip_point_0_temp", str(int(passive_c * 1000)))

    def process(self, pid, argv, comm=None, ppid=1):
        d = "proc/%d/" % pid
        comm = comm or os.path.basename(argv[0])[:15]
        self.write(d + "comm", comm)
        path = os.path.join(self.root, d + "cmdline")
        with open(path, "wb") as f:
            f.write(b"\0".join(a.encode() for a in argv) + b"\0")
        self.write(d + "stat", "%d (%s) S %d %d %d 0 -1" %
                   (pid, comm, ppid, pid, pid))
        self.write(d + "status", "Name:\t%s\nState:\tS (sleeping)\n"
                   "Pid:\t%d\nPPid:\t%d\n" % (comm, pid, ppid))

    def conditions(self, **extra):
        c = {"proc_root": self.root, "sys_root": self.root,
             "governor": "performance", "forbid_processes": "cargo rustc",
             "max_temp_c": "90", "policy": "wait", "recheck_interval": "1",
             "wait_timeout": "60"}
        c.update(extra)
        return c
