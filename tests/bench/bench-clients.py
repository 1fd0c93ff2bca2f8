"""bench-clients.py -- many clients at once, and benchd's memory.

1. 1,000 clients (BENCH_CLIENTS) at once on the database gen-db.py made,
   driven by tests/bench/bench-clients (C, epoll): each connects and sends
   one status request; every connection stays open until all have their
   reply.  Latency per client: from its connect() to the newline ending
   its reply.  Counts the replies that are results (not errors such as
   "busy"); p50, p99 and max of 5 bursts, the median burst by p99.
   Target: all answered, p99 <= 50 ms.  (The config gen-db.py writes has
   max_clients = 2048: with the default of 256 the 257th client on is
   told "busy".)
2. benchd's VmRSS at idle: right after READY, after the bursts, and after
   the heaviest reading methods have run once (the SQLite page cache is
   full then); and its peak VmHWM.  Target <= 8 MiB at idle.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import Benchd, machine  # noqa
from harness import DEMO  # noqa

CLIENTS = int(os.environ.get("BENCH_CLIENTS", 1000))
BURSTS = 5
P99_MS, RSS_KIB = 50, 8 * 1024
PROGRAM = os.path.join(os.path.dirname(os.path.abspath(DEMO)), "..",
                       "bench", "bench-clients")


def burst(path):
    """(clients, answered, errors, p50, p99, max, wall) of one burst."""
    out = subprocess.run([PROGRAM, path, str(CLIENTS)], check=True,
                         capture_output=True, text=True).stdout.split()
    return [int(v) for v in out[:3]] + [float(v) for v in out[3:]]


def main():
    print("clients: machine: %s" % machine())
    d = Benchd()
    try:
        d.call("status")
        idle = d.status("VmRSS")
        runs = sorted((burst(d.socket) for _ in range(BURSTS)),
                      key=lambda b: b[4])
        n, ok, bad, p50, p99, mx, wall = runs[BURSTS // 2]
        print("clients: %d at once, each connect + status: %d answered, %d "
              "not, all within %.0f ms (median burst of %d by p99)" % (
                  n, ok, bad, wall, BURSTS))
        print("clients: latency p50 %.1f ms, p99 %.1f ms, max %.1f ms  "
              "target: all answered, p99 <= %d ms" % (p50, p99, mx, P99_MS))
        print("clients: p99 of each burst: %s ms; answered: %s" % (
            ", ".join("%.1f" % b[4] for b in runs),
            ", ".join(str(b[1]) for b in runs)))
        time.sleep(0.5)
        after = d.status("VmRSS")
        for m, p in (("session.history", {"suite": "crate", "last": 100}),
                     ("regressions.list", {}), ("baseline.show", {}),
                     ("suite.variance", {"suite": "full-workspace"})):
            d.call(m, p)
        time.sleep(0.5)
        queried = d.status("VmRSS")
        hwm = d.status("VmHWM")
        print("rss: benchd VmRSS idle after start %.1f MiB, after the "
              "bursts %.1f MiB, after history/regressions/baseline/variance"
              " %.1f MiB; peak VmHWM %.1f MiB  target idle <= %.0f MiB" % (
                  idle / 1024, after / 1024, queried / 1024, hwm / 1024,
                  RSS_KIB / 1024))
    finally:
        d.stop()


if __name__ == "__main__":
    main()
