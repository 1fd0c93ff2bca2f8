"""bench-overhead.py -- how much benchd itself adds to what it measures.

1. /bin/true: benchd's mean wall over the spawn floor (a bare
   posix_spawn + wait4 loop, tests/bench/bench-spawn).  Target <= 1.10.
   The floor is also measured with benchd's isolation (-i), with an idle
   gap before each spawn (-g), and with a durable 4 KiB commit before each
   spawn (-f), for the decomposition in docs/PERFORMANCE.md.
2. A 50 ms sleep: benchd's mean against hyperfine -N --runs 30 in the same
   benchmark.  Target within 1%.
3. Quiet while measuring: during a CPU-bound measured run, benchd's own CPU
   time over the workload's (target <= 0.1%), and benchd's context switches
   (its wakeups) during the whole session, in the middle of the run (from
   1 s after it starts to 2 s before it ends), and over 5 s of idling.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Conn, Daemon  # noqa

SPAWN = os.path.join(os.path.dirname(os.path.abspath(DEMO)), "..", "bench",
                     "bench-spawn")
BURN_MS = int(os.environ.get("BENCH_BURN_MS", 20000))
ROUNDS = 21
WARMUP = "5"


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    sw = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if "ctxt_switches" in line:
                k, v = line.split(":")
                sw[k.strip()] = int(v)
    return cpu, sw


def median(v):
    return sorted(v)[len(v) // 2]


def spawn_floor(flags):
    """Mean wall of 100 spawns of /bin/true by bench-spawn with flags."""
    return float(subprocess.run([SPAWN, "-w", WARMUP] + flags +
                                ["100", "/bin/true"], capture_output=True,
                                check=True, text=True).stdout)


def hyperfine_mean(argv, runs, warmup):
    """hyperfine -N's mean wall time of argv, in seconds."""
    out = os.path.join(tempfile.mkdtemp(), "h.json")
    subprocess.run(["hyperfine", "-N", "--runs", str(runs), "--warmup",
                    str(warmup), "--export-json", out, "--style", "none",
                    argv], check=True, capture_output=True)
    with open(out) as f:
        return json.load(f)["results"][0]["mean"]


def session_mean(d, suite):
    sid = d.run_quietly(suite)
    s = d.session(sid, runs=False)["session"]
    assert s["state"] in ("completed", "unstable"), s
    return d.session(sid, runs=False)["summary"]["wall"]["mean"], sid


def burn_session(d):
    """Queue the burn and wait for its end on a subscription; sample
    benchd's context switches 1 s into the measured run and 2 s before
    its end.  Returns the session id and (seconds, voluntary,
    involuntary) of the middle, or None when the run is too short."""
    c = Conn(d.socket, timeout=BURN_MS / 1000 + 60)
    try:
        c.call("session.subscribe")
        sid = c.call("session.queue", {"suite": "burn"})["sessions"][0]["id"]
        mid = None
        while True:
            n = c.notification(timeout=BURN_MS / 1000 + 60)
            if n is None:
                raise ConnectionError("benchd closed the connection")
            p = n["params"]
            if (mid is None and n["method"] == "session.progress" and
                    p.get("id") == sid and p.get("phase") == "measured" and
                    BURN_MS >= 4000):
                span = BURN_MS / 1000 - 3
                time.sleep(1)
                _, a = proc_stat(d.proc.pid)
                time.sleep(span)
                _, b = proc_stat(d.proc.pid)
                mid = (span, b["voluntary_ctxt_switches"] -
                       a["voluntary_ctxt_switches"],
                       b["nonvoluntary_ctxt_switches"] -
                       a["nonvoluntary_ctxt_switches"])
            if n["method"] == "session.finished" and p["id"] == sid:
                return sid, mid
    finally:
        c.close()


def main():
    d = Daemon({
        "true": {"command": "/bin/true", "warmup": WARMUP, "runs": "100",
                 "max_runs": "100"},
        "sleep": {"command": DEMO + " --sleep 50", "warmup": "3",
                  "runs": "30", "max_runs": "30"},
        "burn": {"command": DEMO + " --burn %d" % BURN_MS, "warmup": "0",
                 "runs": "1"}})
    d.start()
    try:
        # Alternate the floor and benchd so drift in the machine hits both.
        # The -f block is on the file system of benchd's database.
        block = os.path.join(d.tmp, "bench-spawn.block")
        loops = {"floor": [], "-i": ["-i"], "-i -g": ["-i", "-g"],
                 "-i -f": ["-i", "-f", block]}
        got = {k: [] for k in loops}
        means = []
        # A fresh order each round, so no loop always follows another.
        order = random.Random(8)
        # hyperfine -N over the same floor: another harness, for scale.
        hyper = [] if shutil.which("hyperfine") else None
        for _ in range(ROUNDS):
            turn = list(loops) + ["benchd"] + (["hyperfine"]
                                               if hyper is not None else [])
            order.shuffle(turn)
            for k in turn:
                if k == "benchd":
                    means.append(session_mean(d, "true")[0])
                elif k == "hyperfine":
                    hyper.append(hyperfine_mean("/bin/true", 100,
                                                int(WARMUP)))
                else:
                    got[k].append(spawn_floor(loops[k]))
        floors = got["floor"]
        ratios = [m / f for m, f in zip(means, floors)]
        print("overhead: /bin/true  benchd mean %.1f us, spawn floor %.1f us"
              " (medians of %d alternating rounds of 100)" %
              (median(means) * 1e6, median(floors) * 1e6, ROUNDS))
        print("overhead: /bin/true  ratio median %.3f (min %.3f, max %.3f)"
              "  target <= 1.10" % (median(ratios), min(ratios),
                                    max(ratios)))
        for k, what in (("-i", "the floor with benchd's isolation (pipes, "
                         "/dev/null, process group, chdir)"),
                        ("-i -g", "that, with the CPUs idle 1 ms before "
                         "each spawn as between benchd's runs"),
                        ("-i -f", "isolation and a 4 KiB write + fdatasync "
                         "before each spawn, as benchd's commit of the "
                         "last run")):
            v = got[k]
            print("overhead: /bin/true  %s %.1f us: %.3f of the floor; "
                  "benchd over it %.3f" %
                  (what, median(v) * 1e6, median(v) / median(floors),
                   median(means) / median(v)))
        r = [m / y for m, y in zip(means, got["-i -f"])]
        print("overhead: /bin/true  benchd over that loop, round by round: "
              "median %.3f (min %.3f, max %.3f)" %
              (median(r), min(r), max(r)))
        if hyper is not None:
            r = [h / f for h, f in zip(hyper, floors)]
            print("overhead: /bin/true  hyperfine -N over the same floor, "
                  "round by round: median %.3f (min %.3f, max %.3f); "
                  "benchd over hyperfine %.3f" %
                  (median(r), min(r), max(r), median(means) / median(hyper)))

        mean, _ = session_mean(d, "sleep")
        if shutil.which("hyperfine"):
            h = hyperfine_mean(DEMO + " --sleep 50", 30, 3)
            print("overhead: sleep 50ms benchd mean %.3f ms, hyperfine %.3f"
                  " ms, difference %+.2f%%  target within 1%%" %
                  (mean * 1e3, h * 1e3, (mean - h) / h * 100))
        else:
            print("overhead: sleep 50ms benchd mean %.3f ms; hyperfine is "
                  "not installed, no comparison" % (mean * 1e3))

        _, i0 = proc_stat(d.proc.pid)
        time.sleep(5)
        _, i1 = proc_stat(d.proc.pid)
        print("quiet: benchd context switches over 5 s idle: voluntary %d, "
              "involuntary %d" % (
                  i1["voluntary_ctxt_switches"] -
                  i0["voluntary_ctxt_switches"],
                  i1["nonvoluntary_ctxt_switches"] -
                  i0["nonvoluntary_ctxt_switches"]))

        c0, s0 = proc_stat(d.proc.pid)
        sid, mid = burn_session(d)
        c1, s1 = proc_stat(d.proc.pid)
        run = d.session(sid)["runs"][0]
        work = run["user"] + run["sys"]
        print("quiet: during a %.1f s CPU-bound run benchd used %.3f s CPU "
              "(%.4f%% of the workload's)  target <= 0.1%%" %
              (work, c1 - c0, (c1 - c0) / work * 100))
        print("quiet: benchd context switches during that run: voluntary "
              "%d, involuntary %d (wall %.1f s)" %
              (s1["voluntary_ctxt_switches"] - s0["voluntary_ctxt_switches"],
               s1["nonvoluntary_ctxt_switches"] -
               s0["nonvoluntary_ctxt_switches"], run["wall"]))
        if mid is not None:
            print("quiet: in the middle %.1f s of that run: voluntary %d, "
                  "involuntary %d" % mid)
    finally:
        d.stop()
        Daemon.cleanup_all()


if __name__ == "__main__":
    main()
