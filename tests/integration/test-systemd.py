"""benchd under systemd, without systemd: socket activation through
systemd-socket-activate, the notify protocol (READY, WATCHDOG, STATUS,
STOPPING) on a datagram socket the test owns, and the shipped units and
sysusers entry checked by systemd's own tools."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHD, Conn, Daemon, Skip, main, test, wait_for  # noqa

UNITDIR = os.path.abspath(os.path.join(os.environ.get("srcdir", "."),
                                       "systemd"))


def tool(name):
    path = shutil.which(name)
    if path is None:
        raise Skip("%s is missing (Debian package systemd)" % name)
    return path


def spawn(d, argv, env_extra=None, pass_fds=()):
    """Start benchd (or a wrapper around it) with our own environment."""
    env = dict(os.environ)
    for k in ("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
              "WATCHDOG_USEC", "WATCHDOG_PID", "STATE_DIRECTORY"):
        env.pop(k, None)
    env.update(env_extra or {})
    d.logf = open(d.log, "ab")
    d.proc = subprocess.Popen(argv, stdout=d.logf, stderr=d.logf, env=env,
                              pass_fds=pass_fds)
    return d.proc


def benchd_argv(d):
    return [BENCHD, "-f", "-v", "-v", "-c", d.config]


def activator(*paths):
    """systemd-socket-activate binding paths; it execs benchd at the first
    connection, with a bare environment plus what -E passes on."""
    argv = [tool("systemd-socket-activate")]
    for p in paths:
        argv += ["-l", p]
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            argv += ["-E", k]
    return argv


def status_on(path):
    try:
        c = Conn(path, timeout=2)
        try:
            return c.call("status")
        finally:
            c.close()
    except (OSError, ConnectionError):
        return None


def connect_to(path):
    """A stream socket connected to path, or None while nobody listens."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return s
    except OSError:
        s.close()
        return None


class Notify:
    """The receiving end of NOTIFY_SOCKET: a datagram socket we bind."""

    def __init__(self, address):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)

    def recv(self, timeout):
        """The next message as a dict, or None after timeout seconds."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return None
        return dict(line.split("=", 1)
                    for line in data.decode().split("\n") if line)

    def until(self, key, timeout=10):
        """Messages up to and including the first that sets key."""
        seen = []
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self.recv(max(end - time.monotonic(), 0.01))
            if m is None:
                break
            seen.append(m)
            if key in m:
                return seen
        raise AssertionError("no %s within %ds; got %r" % (key, timeout,
                                                            seen))

    def collect(self, seconds):
        seen = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            m = self.recv(max(end - time.monotonic(), 0.01))
            if m is not None:
                seen.append(m)
        return seen


def stop(d):
    d.proc.send_signal(signal.SIGTERM)
    rc = d.proc.wait(10)
    d.logf.close()
    d.check_log()
    return rc


@test
def socket_activation_adopts_the_passed_socket():
    d = Daemon()
    act = os.path.join(d.tmp, "activated.sock")
    spawn(d, activator(act) + benchd_argv(d))
    # The first connection starts benchd, which answers it.
    st = wait_for(lambda: d.proc.poll() is None and status_on(act),
                  what="benchd to answer on the activated socket")
    # The socket is the activator's: benchd did not bind socket = ...
    assert st["socket"] == act, st
    assert not os.path.exists(d.socket), "benchd bound its own socket"
    assert "socket activation: listening on fd 3" in d.read_log()
    assert stop(d) == 0, d.read_log()
    # ... and does not unlink what it did not create.
    assert os.path.exists(act)


@test
def socket_activation_refuses_two_sockets():
    d = Daemon()
    a, b = os.path.join(d.tmp, "a.sock"), os.path.join(d.tmp, "b.sock")
    spawn(d, activator(a, b) + benchd_argv(d))
    # The path exists from bind(); connect() is refused until listen().
    s = wait_for(lambda: connect_to(a), what="the activator to listen")
    rc = d.proc.wait(10)
    s.close()
    assert rc != 0
    assert "systemd passed 2 sockets" in d.read_log(), d.read_log()
    assert not os.path.exists(d.socket)


@test
def listen_fds_for_another_pid_are_ignored():
    d = Daemon()
    # pid 1 is never benchd: the variables were meant for someone else.
    spawn(d, benchd_argv(d), {"LISTEN_PID": "1", "LISTEN_FDS": "1"})
    wait_for(lambda: d.proc.poll() is None and status_on(d.socket),
             what="benchd to bind its own socket")
    assert stop(d) == 0


@test
def notify_ready_watchdog_status_stopping():
    d = Daemon()
    n = Notify(os.path.join(d.tmp, "notify.sock"))
    spawn(d, benchd_argv(d), {"NOTIFY_SOCKET": n.sock.getsockname(),
                              "WATCHDOG_USEC": "400000"})
    first = n.until("READY", timeout=10)
    # READY=1 is the first word: the socket already accepts and the
    # database exists by then.
    assert len(first) == 1 and first[0]["READY"] == "1", first
    assert first[0]["STATUS"] == "Accepting requests on " + d.socket, first
    assert os.path.exists(d.database)
    assert status_on(d.socket) is not None
    # WATCHDOG_USEC=400000 without WATCHDOG_PID: a ping every 200 ms.
    msgs = n.collect(2.0)
    pings = sum(1 for m in msgs if m.get("WATCHDOG") == "1")
    assert 6 <= pings <= 14, msgs
    # STATUS= follows the session in flight, then says the box is idle.
    d.queue("demo")
    statuses = []
    while not any(x.startswith("Idle; session #1") for x in statuses):
        statuses += [m["STATUS"] for m in n.until("STATUS", timeout=10)
                     if "STATUS" in m]
    assert any(x.startswith("Session #1 (demo): measured run")
               for x in statuses), statuses
    assert statuses[-1] == "Idle; session #1 completed", statuses
    d.proc.send_signal(signal.SIGHUP)
    seen = n.until("STATUS", timeout=5)
    assert seen[-1]["STATUS"] == "Configuration reloaded from " + d.config
    d.proc.send_signal(signal.SIGTERM)
    seen = n.until("STOPPING", timeout=5)
    assert seen[-1]["STOPPING"] == "1", seen
    assert d.proc.wait(10) == 0
    d.logf.close()
    d.check_log()


@test
def notify_abstract_socket_and_foreign_watchdog_pid():
    d = Daemon()
    name = "benchd-test-%d-%d" % (os.getpid(), time.monotonic_ns())
    n = Notify("\0" + name)
    # The watchdog was asked of pid 1, not of benchd: no pings, no timer.
    spawn(d, benchd_argv(d), {"NOTIFY_SOCKET": "@" + name,
                              "WATCHDOG_USEC": "100000",
                              "WATCHDOG_PID": "1"})
    n.until("READY", timeout=10)
    msgs = n.collect(1.0)
    assert not any("WATCHDOG" in m for m in msgs), msgs
    d.proc.send_signal(signal.SIGTERM)
    n.until("STOPPING", timeout=5)
    assert d.proc.wait(10) == 0
    d.logf.close()
    d.check_log()


def unit_copies(tmp):
    """The units as `make` would install them, but pointing at the built
    benchd, so systemd-analyze finds every command it names."""
    sbindir = os.path.dirname(os.path.abspath(BENCHD))
    etc = os.path.join(tmp, "etc")
    os.makedirs(os.path.join(etc, "benchd"))
    out = os.path.join(tmp, "units")
    os.makedirs(out)
    with open(os.path.join(UNITDIR, "benchd.service.in")) as f:
        text = f.read()
    text = text.replace("@sbindir@", sbindir).replace("@sysconfdir@", etc)
    assert "@" not in text.replace("$MAINPID", ""), "unfilled @var@"
    with open(os.path.join(out, "benchd.service"), "w") as f:
        f.write(text)
    shutil.copy(os.path.join(UNITDIR, "benchd.socket"), out)
    return [os.path.join(out, u) for u in ("benchd.service", "benchd.socket")]


@test
def units_verify():
    analyze = tool("systemd-analyze")
    tmp = tempfile.mkdtemp(prefix="benchd-units-")
    try:
        units = unit_copies(tmp)
        # Man pages may not be installed where the test runs.
        p = subprocess.run([analyze, "verify", "--man=no"] + units,
                           capture_output=True, timeout=60,
                           env=dict(os.environ, SYSTEMD_LOG_COLOR="0"))
        out = (p.stdout + p.stderr).decode(errors="replace")
        if p.returncode != 0 and ("Failed to initialize manager" in out or
                                  "Failed to set up" in out):
            raise Skip("systemd-analyze cannot run here: " +
                       out.strip().splitlines()[-1])
        # Unknown keys and bad values are only warnings: fail on any.
        assert p.returncode == 0 and out.strip() == "", out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@test
def sysusers_creates_the_benchd_user():
    sysusers = tool("systemd-sysusers")
    tmp = tempfile.mkdtemp(prefix="benchd-sysusers-")
    try:
        os.makedirs(os.path.join(tmp, "etc"))
        p = subprocess.run([sysusers, "--root=" + tmp,
                            os.path.join(UNITDIR, "benchd.sysusers")],
                           capture_output=True, timeout=30)
        assert p.returncode == 0, p
        with open(os.path.join(tmp, "etc/passwd")) as f:
            user = [ln.split(":") for ln in f.read().splitlines()
                    if ln.startswith("benchd:")]
        with open(os.path.join(tmp, "etc/group")) as f:
            group = [ln.split(":") for ln in f.read().splitlines()
                     if ln.startswith("benchd:")]
        assert len(user) == 1 and len(group) == 1, (user, group)
        assert user[0][3] == group[0][2], "primary group is not benchd"
        assert user[0][5] == "/var/lib/benchd", user
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(limit=60)
