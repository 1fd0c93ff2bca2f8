"""Hardening on a real benchd (issue #16): what is at the socket path, the
checks of benchd -n, the database's mode, strict JSON-RPC, escaped text in
benchctl, timeouts and per-uid limits.  Each test would fail on a benchd
without the matching fix."""

import hashlib
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import (BENCHD, DEMO, Daemon, main, test,  # noqa
                     wait_for)


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


if __name__ == "__main__":
    main(limit=60)
