"""Inputs that once broke a fuzz target (tests/fuzz/regressions/), replayed
on the real benchd without clang: every request line of an rpc-* input
gets replies that are valid UTF-8 JSON-RPC lines, every conf-* file is
accepted or refused with FILE:LINE, and nothing crashes (under
--enable-sanitizers the harness also fails on a sanitizer report)."""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHD, SRCDIR, Daemon, Skip, main, test  # noqa

REGRESSIONS = os.path.join(SRCDIR, "tests/fuzz/regressions")
SANITIZER = ("ERROR: AddressSanitizer", "runtime error:",
             "ERROR: LeakSanitizer")


def inputs(target):
    if not os.path.isdir(REGRESSIONS):
        return []
    return [os.path.join(REGRESSIONS, n) for n in sorted(
        os.listdir(REGRESSIONS)) if n.startswith(target + "-")]


def check_reply(line, where):
    """One reply line: strict UTF-8, JSON, JSON-RPC 2.0 responses."""
    text = line.decode("utf-8")          # raises on invalid UTF-8
    msg = json.loads(text)
    items = msg if isinstance(msg, list) else [msg]
    assert items, "empty batch reply to " + where
    for r in items:
        assert isinstance(r, dict) and r.get("jsonrpc") == "2.0", (where, r)
        if "method" in r:                # a notification, e.g. deferred
            assert "id" not in r, (where, r)
            continue
        assert ("result" in r) != ("error" in r), (where, r)
        if "error" in r:
            assert isinstance(r["error"]["code"], int), (where, r)
            assert r["error"]["message"], (where, r)
    return msg


@test
def rpc_inputs_get_well_formed_replies():
    files = inputs("rpc")
    if not files:
        raise Skip("no rpc regressions")
    # The suites fuzz-rpc.c configures, so names in the inputs resolve.
    d = Daemon({"true": {"command": "/bin/true", "runs": "3"},
                "p": {"command": "/bin/true {n} {m}",
                      "param.n": "1 2 3", "param.m": "a b"}}).start()
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        c = d.conn()
        # 0x01 marks a line fuzz-rpc sends as a client that is not an
        # admin; here every client is benchd's own uid.
        lines = [ln[1:] if ln.startswith(b"\x01") else ln
                 for ln in data.split(b"\n")]
        c.send_raw(b"\n".join(lines) + b"\n")
        # A last request whose reply says every earlier line was answered.
        c.send_raw(b'{"jsonrpc":"2.0","id":"end","method":"status"}\n')
        while True:
            line = c.read_line()
            assert line is not None, "benchd hung up during " + path
            msg = check_reply(line, os.path.basename(path))
            if isinstance(msg, dict) and msg.get("id") == "end":
                break
        c.close()
    assert d.call("status")["protocol"] == 1
    assert d.stop() == 0


@test
def conf_inputs_are_accepted_or_refused_with_a_line():
    files = inputs("conf")
    if not files:
        raise Skip("no conf regressions")
    env = dict(os.environ)
    env.pop("STATE_DIRECTORY", None)
    for path in files:
        p = subprocess.run([BENCHD, "-n", "-c", path], capture_output=True,
                           timeout=30, env=env)
        err = p.stderr.decode(errors="replace")
        assert not any(s in err for s in SANITIZER), err
        assert p.returncode in (0, 1), (path, p.returncode, err)
        if p.returncode == 1:
            assert re.match(r"benchd: %s:\d+: \S" % re.escape(path), err), \
                err


if __name__ == "__main__":
    main(limit=60)
