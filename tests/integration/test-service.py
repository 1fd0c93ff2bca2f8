"""benchd as a service: access control by peer credentials, SIGHUP reload,
SIGINT/SIGTERM, journald priority prefixes, configtest."""

import grp
import os
import pwd
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import (BENCHCTL, BENCHD, DEMO, Daemon, RPCError, Skip,  # noqa
                     main, test, wait_for)

READER, ADMIN, GROUP = "benchd-t-reader", "benchd-t-admin", "benchd-t-admins"


def ensure_users():
    if os.geteuid() != 0:
        raise Skip("needs root to create an unprivileged user")
    for tool in ("groupadd", "useradd", "usermod"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            raise Skip("%s is missing" % tool)
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        subprocess.run(["groupadd", "-r", GROUP], check=True)
    for user, groups in ((READER, []), (ADMIN, [GROUP])):
        try:
            pwd.getpwnam(user)
        except KeyError:
            subprocess.run(["useradd", "-r", "-M", "-s", "/usr/sbin/nologin",
                            user], check=True)
        if groups:
            subprocess.run(["usermod", "-a", "-G", ",".join(groups), user],
                           check=True)


def as_user(user, argv):
    pw = pwd.getpwnam(user)
    groups = [g.gr_gid for g in grp.getgrall() if user in g.gr_mem]

    def drop():
        os.setgroups(groups)
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return subprocess.run(argv, capture_output=True, preexec_fn=drop,
                          timeout=20)


@test
def readers_read_admins_change():
    ensure_users()
    d = Daemon({"demo": {"command": DEMO, "warmup": "0", "runs": "1"}},
               daemon_extra="admin_group = " + GROUP)
    os.chmod(d.tmp, 0o755)
    d.start()
    st = os.stat(d.socket)
    assert st.st_mode & 0o777 == 0o660, oct(st.st_mode)
    assert st.st_gid == grp.getgrnam(GROUP).gr_gid
    # An operator opens reading to everyone; changes stay gated.
    os.chmod(d.socket, 0o666)
    ctl = [BENCHCTL, "-S", d.socket, "--json"]
    p = as_user(READER, ctl + ["status"])
    assert p.returncode == 0, p
    p = as_user(READER, ctl + ["queue", "demo"])
    assert p.returncode == 3, p
    assert b"permission-denied" in p.stderr, p.stderr
    sid = d.queue("demo")
    p = as_user(READER, ctl + ["cancel", str(sid)])
    assert p.returncode == 3 and b"permission-denied" in p.stderr, p
    p = as_user(READER, ctl + ["calibrate", "demo", "--pairs", "1"])
    assert p.returncode == 3 and b"permission-denied" in p.stderr, p
    p = as_user(READER, ctl + ["calibrate", "demo"])
    assert p.returncode == 0 and p.stdout == b"null\n", p
    p = as_user(READER, ctl + ["bisect", "1", "--cancel"])
    assert p.returncode == 3 and b"permission-denied" in p.stderr, p
    p = as_user(READER, ctl + ["bisect", "--list"])
    assert p.returncode == 0, p
    p = as_user(ADMIN, ctl + ["queue", "demo"])
    assert p.returncode == 0, p
    # The same through a raw client: the error's data.code.
    code = ("import json,socket,sys\n"
            "s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1])\n"
            "s.sendall(b'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
            "\"session.queue\",\"params\":{\"suite\":\"demo\"}}\\n')\n"
            "print(s.makefile().readline())\n")
    py = "/usr/bin/python3"
    if not os.access(py, os.X_OK):
        raise Skip("no system python3 an unprivileged user can run")
    p = as_user(READER, [py, "-c", code, d.socket])
    err = __import__("json").loads(p.stdout)["error"]
    assert err["code"] == -32000, err
    assert err["data"]["code"] == "permission-denied", err
    assert d.stop() == 0


@test
def sighup_reloads_and_a_bad_file_keeps_the_old_config():
    d = Daemon({"a": {"command": DEMO, "warmup": "0", "runs": "1"}}).start()
    names = lambda: [s["name"] for s in d.call("suites.list")["suites"]]
    assert names() == ["a"]
    d.write_config({"a": {"command": DEMO, "warmup": "0", "runs": "1"},
                    "b": {"command": DEMO, "warmup": "0", "runs": "1"}})
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: names() == ["a", "b"], what="reload")
    with open(d.config, "a") as f:
        f.write("\n[suite broken]\nruns = many\n")
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "reload failed" in d.read_log(), what="reload error")
    assert "runs must be a positive integer" in d.read_log()
    assert names() == ["a", "b"]
    assert d.proc.poll() is None
    assert d.stop() == 0


@test
def a_removed_suite_keeps_its_sessions_and_a_typo_is_an_error():
    d = Daemon({"a": {"command": DEMO, "warmup": "0", "runs": "1"},
                "b": {"command": DEMO, "warmup": "0", "runs": "1"}}).start()
    sid = d.queue("a")
    assert d.wait_state(sid)["state"] == "completed"
    assert d.call("session.list", {"suite": "b"})["sessions"] == []
    d.write_config({"b": {"command": DEMO, "warmup": "0", "runs": "1"}})
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: [s["name"] for s in d.call("suites.list")["suites"]]
             == ["b"], what="reload")
    # The history of a suite taken out of the config stays readable.
    got = d.call("session.list", {"suite": "a"})["sessions"]
    assert [s["id"] for s in got] == [sid], got
    c = d.conn()
    err = c.request("session.list", {"suite": "aa"})["error"]
    c.close()
    assert err["data"]["code"] == "no-such-suite", err
    assert "aa" in err["message"], err
    rc, out = d.ctl("sessions", "aa", json_out=False)
    assert rc != 0 and "no suite named" in out, (rc, out)
    assert d.stop() == 0


@test
def a_running_session_keeps_its_suite_definition_across_reload():
    d = Daemon({"s": {"command": DEMO + " --sleep 300", "warmup": "0",
                      "runs": "6"}}).start()
    sid = d.queue("s")
    wait_for(lambda: d.session(sid, runs=False)["session"]["measured"] >= 1,
             what="first run")
    d.write_config({"s": {"command": DEMO + " --exit 9", "warmup": "0",
                          "runs": "6"}})
    d.proc.send_signal(signal.SIGHUP)
    s = d.wait_state(sid, timeout=30)
    assert s["state"] == "completed", s
    assert s["command"].endswith("--sleep 300"), s
    assert all(r["exit_code"] == 0 for r in d.session(sid)["runs"])
    # The next session gets the new definition.
    s2 = d.wait_state(d.queue("s"))
    assert s2["state"] == "failed" and "status 9" in s2["reason"], s2
    assert d.stop() == 0


@test
def sigint_stops_within_five_seconds_and_kills_the_workload():
    d = Daemon({"s": {"command": DEMO + " --ignore-term --sleep 60000",
                      "warmup": "0", "runs": "1"}}).start()
    sid = d.queue("s")
    pids = wait_for(lambda: d.children(), what="workload")
    t0 = time.monotonic()
    assert d.stop(signal.SIGINT, timeout=10) == 0
    assert time.monotonic() - t0 < 5
    for p in pids:
        assert not os.path.exists("/proc/%d" % p) or \
            open("/proc/%d/stat" % p).read().split(") ")[1][0] == "Z"
    d.start()
    s = d.session(sid, runs=False)["session"]
    assert s["state"] == "interrupted" and "SIGINT" in s["reason"], s
    assert d.stop() == 0


@test
def journald_priority_prefixes_when_stderr_is_the_journal():
    d = Daemon()
    log = open(d.log, "wb")
    st = os.fstat(log.fileno())
    env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
    p = subprocess.Popen([BENCHD, "-f", "-v", "-c", d.config], stderr=log,
                         stdout=log, env=env)
    d.proc = p
    wait_for(d._answers, what="benchd")
    p.send_signal(signal.SIGTERM)
    assert p.wait(10) == 0
    lines = [x for x in d.read_log().splitlines() if x]
    assert lines and all(x[0] == "<" and x[2] == ">" for x in lines), lines
    assert any(x.startswith("<6>") for x in lines), lines
    # Without the journal: the program name instead.
    d2 = Daemon().start()
    assert d2.stop() == 0
    assert all(x.startswith("benchd: ") for x in
               d2.read_log().splitlines() if x), d2.read_log()


@test
def configtest_reports_ok_or_file_line_reason():
    d = Daemon()
    p = subprocess.run([BENCHD, "-n", "-c", d.config], capture_output=True)
    assert p.returncode == 0 and p.stdout == b"configuration OK\n", p
    with open(d.config, "a") as f:
        f.write("[suite bad]\nworkdir = relative\n")
    p = subprocess.run([BENCHD, "-n", "-c", d.config], capture_output=True)
    assert p.returncode != 0, p
    n = len(open(d.config).read().splitlines())
    assert ("%s:%d: suite \"bad\": workdir must be an absolute path" %
            (d.config, n)).encode() in p.stderr, p.stderr


if __name__ == "__main__":
    main(limit=60)
