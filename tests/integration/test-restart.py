"""Restarting benchd: a session left running is interrupted with its
finished runs kept; queued sessions survive and run."""

import os
import signal
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Daemon, main, pid_alive, test, wait_for  # noqa


@test
def sigterm_interrupts_the_running_session_and_keeps_the_queue():
    d = Daemon({"s": {"command": DEMO + " --sleep 400", "warmup": "0",
                      "runs": "30", "max_runs": "30"},
                "q": {"command": DEMO, "warmup": "0", "runs": "1"}}).start()
    a = d.queue("s")
    b = d.queue("q")
    wait_for(lambda: d.session(a, runs=False)["session"]["measured"] >= 2,
             what="two runs")
    pids = d.children()
    assert d.stop(signal.SIGTERM, timeout=5) == 0
    assert not any(pid_alive(p) for p in pids)
    d.start()
    s = d.session(a)
    assert s["session"]["state"] == "interrupted", s["session"]
    assert "SIGTERM" in s["session"]["reason"]
    n = len(s["runs"])
    assert n >= 2 and [r["iteration"] for r in s["runs"]] == \
        list(range(1, n + 1))
    assert d.wait_state(b)["state"] == "completed"
    assert d.stop() == 0


@test
def sigkill_then_restart_marks_interrupted():
    # A short first run, then runs that outlive benchd and its restart
    # however slow the machine: one that ended by itself would leave
    # nothing for the restart to kill.
    cmd = ('if [ "$BENCHD_ITERATION" = 1 ]; then exec %s --sleep 100; '
           'else exec %s --sleep 60000; fi' % (DEMO, DEMO))
    d = Daemon({"s": {"command": cmd, "shell": "yes", "warmup": "0",
                      "runs": "30", "max_runs": "30"}}).start()
    a = d.queue("s")
    wait_for(lambda: d.session(a, runs=False)["session"]["measured"] >= 1,
             what="a run")
    pids = wait_for(lambda: d.children(), what="a workload in flight")
    d.kill9()
    # The workload outlived benchd; the restart finds and kills it.
    assert any(pid_alive(p) for p in pids)
    d.start()
    wait_for(lambda: not any(pid_alive(p) for p in pids), timeout=5,
             what="the leftover workload to be killed")
    assert "killing leftover workload process" in d.read_log()
    s = d.session(a)["session"]
    assert s["state"] == "interrupted", s
    assert s["measured"] >= 1
    assert d.stop() == 0


@test
def second_instance_refuses_and_stale_socket_is_replaced():
    d = Daemon().start()
    d2 = Daemon(tmp=d.tmp)
    d2.start(wait=False)
    assert d2.proc.wait(10) != 0
    assert "already listening" in d2.read_log()
    assert d.call("status")["protocol"] == 1
    d.kill9()                       # leaves a stale socket file
    assert os.path.exists(d.socket)
    d.start()
    assert d.call("status")["protocol"] == 1
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=60)
