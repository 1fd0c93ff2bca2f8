"""gen-db.py -- a benchd database at scale, for bench-queries.py.

Shape: 10,000 sessions (BENCH_SESSIONS) of four suites, each session with
2 warmup runs and 20 measured runs (30 for an unstable session, fewer for a
failed, cancelled or interrupted one), each run with 8 timing phases:
about 10,000 x 22 runs and 10,000 x 22 x 8 phase rows.  Warmups are stored
as benchd stores them (kind 'warmup'), on top of the 20 measured runs.

Everything the daemon writes comes from the daemon where it can:
 1. the real benchd runs one real session per set of parameter values of
    each suite (and one more while a forbidden process runs, for
    non-canonical snapshots), on a scratch database; from those rows come
    the suite_text, suite_hash, fingerprint, command, params text,
    conditions snapshots (with their canonical flags) and phase names;
 2. the real benchd creates the bench database on an empty state
    directory (every schema step), and is stopped;
 3. sessions, runs, phases and baselines are bulk inserted in one
    transaction, with the columns meaning what store.c writes: ms
    timestamps, ns walls, us CPU times, verdicts computed like
    compare.c (Welch on wall time, noise 1%) against the baseline in force
    when the session finished (benchd's own session.compare of each
    session with its baseline_id gives the same verdict, and the change
    and its CI within 1e-15: GSL's t quantile there, bisection here), and
    sessions.wall_mean by benchd's own SQL where the schema has it.
The workloads' numbers are made up (walls of seconds, a level per set of
parameter values that steps up or down now and then, run noise of
0.4-1.2%, 5x that in unstable sessions), from a fixed seed: the same
database every time.

Output: $BENCH_DIR/scale/{benchd.db,benchd.conf,gen-db.stamp}.  A database
whose stamp matches this script, the session count and the schema steps
(their number and text) is kept, not generated again.
"""

import glob
import hashlib
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

SRCDIR = os.environ.get("srcdir", ".")
sys.path.insert(0, os.path.join(SRCDIR, "tests/lib"))
from harness import BENCHD, DEMO, Conn, wait_for  # noqa

SESSIONS = int(os.environ.get("BENCH_SESSIONS", 10000))
OUT = os.path.join(os.path.abspath(os.environ.get("BENCH_DIR", "tests/bench")),
                   "scale")
WARMUP, RUNS, MAX_RUNS = 2, 20, 30
PHASES = "parse:1,typeck:1,arc:1,codegen:1,object:1,link:1,execute:1,report:1"
# Share of wall time per phase (in the order printed) and lines per run.
SHARES = [0.06, 0.14, 0.04, 0.30, 0.08, 0.10, 0.22, 0.03]
LINES = [310, 310, 120, 310, 310, 1, 1480, 1]
CRATES = ("ori_arc ori_types ori_eval ori_parse ori_lexer ori_patterns "
          "ori_registry ori_ir ori_llvm ori_diagnostic ori_rt oric").split()
# name: (share of sessions, parameters, extra command words, base wall s)
SUITES = {
    "full-workspace": (0.30, [], "", 42.0),
    "crate": (0.50, [("crate", CRATES)], "CRATE={crate} ", 6.0),
    "aot": (0.15, [("opt", ["O0", "O2"]), ("target", ["x86_64", "aarch64"])],
            "OPT={opt} TARGET={target} ", 11.0),
    "spec": (0.05, [], "", 19.0),
}
# Pairs (suite, params) that get baselines, by suite and parameter values.
BASELINED = {("full-workspace", ()), ("spec", ()),
             ("crate", ("ori_types",)), ("crate", ("ori_eval",)),
             ("crate", ("ori_llvm",)), ("crate", ("oric",)),
             ("aot", ("O2", "x86_64")), ("aot", ("O2", "aarch64"))}
UID = 1000
ONE = 0.3               # batches of a parameterised suite with one session
COLS = {
    "sessions": "id suite params label rev dirty state reason warmup runs "
    "max_runs cv_target queued_at started_at finished_at queued_by "
    "suite_text suite_hash pgid cpus nice fingerprint command baseline_id "
    "verdict change change_ci_low change_ci_high".split(),
    "runs": "id session_id seq kind iteration started_at wall_ns utime_us "
    "stime_us maxrss_kb minflt majflt nvcsw nivcsw inblock oublock exit_code "
    "signal timed_out stdout_tail stderr_tail canonical conditions "
    "throttle_delta timing_malformed timing_example".split(),
    "run_phases": "run_id prefix phase ord count total_ns max_ns".split(),
    "baselines": "suite params session_id set_by set_at".split(),
}


def write_config(path, workdir):
    lines = ["[daemon]", "socket = /nonexistent/benchd.sock",
             "database = /nonexistent/benchd.db", "path = /usr/bin:/bin",
             "max_clients = 2048", "kill_grace = 1", "",
             "[conditions]", "policy = warn", "forbid_processes = cargo rustc",
             "max_stall = 100%", "max_runnable = -1",
             "max_cpu_pressure = 100%", ""]
    for name, (_, params, words, _) in SUITES.items():
        prefix = "ORI_TEST_TIMING" if name == "aot" else "ORI_BUILD_TIMING"
        lines += ["[suite %s]" % name, "workdir = " + workdir,
                  "command = /usr/bin/env %s%s --phases %s --prefix %s" %
                  (words, os.path.abspath(DEMO), PHASES, prefix),
                  "warmup = %d" % WARMUP, "runs = %d" % RUNS,
                  "max_runs = %d" % MAX_RUNS, "cv_target = 5%",
                  "timeout = 900"]
        lines += ["param.%s = %s" % (p, " ".join(v)) for p, v in params]
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


class Benchd:
    """The real benchd on a given database, socket in a short temp path."""

    def __init__(self, conf, database):
        self.tmp = tempfile.mkdtemp(prefix="benchd-gen-")
        self.sock = os.path.join(self.tmp, "s")
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "LISTEN_FDS")}
        self.proc = subprocess.Popen([BENCHD, "-f", "-c", conf, "-D",
                                      database, "-S", self.sock], env=env,
                                     stderr=subprocess.DEVNULL)
        wait_for(self.answers, timeout=60, what="benchd to answer")

    def answers(self):
        assert self.proc.poll() is None, "benchd exited"
        try:
            Conn(self.sock, timeout=5).call("status")
            return True
        except OSError:
            return False

    def run_all(self, requests):
        """Queue each request and wait until every session has ended."""
        c = Conn(self.sock, timeout=300)
        c.call("session.subscribe")
        ids = set()
        for r in requests:
            ids |= {s["id"] for s in c.call("session.queue", r)["sessions"]}
        while ids:
            n = c.notification(timeout=300)
            if n and n.get("method") == "session.finished":
                assert n["params"]["state"] in ("completed", "unstable"), n
                ids.discard(n["params"]["id"])
        c.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(30) == 0
        shutil.rmtree(self.tmp, ignore_errors=True)


def templates(conf, tmp):
    """Run real sessions; return what the daemon wrote, per (suite, params)."""
    db = os.path.join(tmp, "template.db")
    d = Benchd(conf, db)
    try:
        d.run_all([{"suite": s, "all": True} for s in SUITES])
        # A forbidden process (named rustc) makes the runs non-canonical.
        rustc = os.path.join(tmp, "rustc")
        shutil.copy("/bin/sleep", rustc)
        intruder = subprocess.Popen([rustc, "120"])
        try:
            d.run_all([{"suite": "full-workspace"}])
        finally:
            intruder.kill()
            intruder.wait()
    finally:
        d.stop()
    t = sqlite3.connect(db)
    t.row_factory = sqlite3.Row
    pairs, snaps = {}, {"ok": {}, "bad": {}}
    for s in t.execute("SELECT * FROM sessions ORDER BY id"):
        key = (s["suite"], tuple(json.loads(s["params"]).values()))
        pairs.setdefault(key, dict(s))
        runs = t.execute("SELECT kind, canonical, conditions FROM runs "
                         "WHERE session_id = ?", (s["id"],)).fetchall()
        good = all(r["canonical"] for r in runs if r["kind"] == "measured")
        for r in runs:
            snaps["ok" if good else "bad"].setdefault(r["kind"], []).append(
                (r["canonical"], r["conditions"]))
        ph = t.execute("SELECT p.prefix, p.phase FROM run_phases p JOIN runs "
                       "r ON r.id = p.run_id WHERE r.session_id = ? AND "
                       "r.seq = 1 ORDER BY p.ord", (s["id"],)).fetchall()
        pairs[key]["phases"] = [(p[0], p[1]) for p in ph]
    assert all(snaps["ok"].values()) and snaps["bad"].get("measured"), snaps
    assert not any(c for c, _ in snaps["bad"]["measured"]), "gate passed"
    t.close()
    return pairs, snaps


def betacf(a, b, x):
    """The continued fraction of the incomplete beta function (Lentz)."""
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) *
                                                  (a + 2 * m + 1))):
            d = 1 + num * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return h


def betai(a, b, x):
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    f = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) +
                 a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return f * betacf(a, b, x) / a
    return 1 - f * betacf(b, a, 1 - x) / b


def t_p(t, df):
    """Two-sided p of Student's t."""
    return betai(df / 2, 0.5, df / (df + t * t))


def t_975(df):
    lo, hi = 0.0, 100.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if t_p(mid, df) > 0.05 else (lo, mid)
    return (lo + hi) / 2


def mean_var(x):
    m = sum(x) / len(x)
    return m, sum((v - m) ** 2 for v in x) / (len(x) - 1)


def verdict(a, b, noise=0.01):
    """compare.c on wall time: (verdict, change, ci_low, ci_high)."""
    ma, va = mean_var(a)
    mb, vb = mean_var(b)
    va, vb = va / len(a), vb / len(b)
    se2 = va + vb
    df = se2 * se2 / (va * va / (len(a) - 1) + vb * vb / (len(b) - 1))
    t = (mb - ma) / math.sqrt(se2)
    p, half = t_p(t, df), t_975(df) * math.sqrt(se2)
    rel, lo, hi = (mb - ma) / ma, (mb - ma - half) / ma, (mb - ma + half) / ma
    if p < 0.05 and lo > noise:
        v = "regressed"
    elif p < 0.05 and hi < -noise:
        v = "improved"
    elif p >= 0.05 and lo >= -noise and hi <= noise:
        v = "same"
    else:
        v = "inconclusive"
    return v, rel, lo, hi


class Gen:
    """Sessions in the order benchd would have run them, one at a time."""

    def __init__(self, pairs, snaps, rnd):
        self.pairs, self.snaps, self.rnd = pairs, snaps, rnd
        self.snap_rnd = random.Random(rnd.random())
        self.level = {k: SUITES[k[0]][3] * rnd.uniform(0.5, 1.5)
                      for k in pairs}
        self.cv = {k: rnd.uniform(0.004, 0.012) for k in pairs}
        self.base = {}          # pair -> (session id, walls), in force
        self.pending = []       # baselines set but not yet in force
        self.sessions, self.runs, self.phases, self.baselines = [], [], [], []
        self.sid = self.rid = 0
        # A batch is one session, or one per set of values (--all).
        size = {s: sum(1 for k in pairs if k[0] == s) for s in SUITES}
        self.weights = [v[0] / (1 if size[s] == 1 else ONE + (1 - ONE) *
                                size[s]) for s, v in SUITES.items()]
        self.clock = int((time.time() - 730 * 86400) * 1000)

    def batch(self):
        rnd = self.rnd
        suite = rnd.choices(list(SUITES), self.weights)[0]
        keys = sorted(k for k in self.pairs if k[0] == suite)
        if len(keys) > 1 and rnd.random() < ONE:
            keys = [rnd.choice(keys)]
            label = rnd.choice([None, None, "pr-%d" % rnd.randint(100, 999)])
            expand = False
        else:
            label, expand = None, len(keys) > 1
        rev = "%040x" % rnd.getrandbits(160)
        dirty = 1 if rnd.random() < 0.1 else 0
        self.clock += int(rnd.expovariate(1 / (1.5 * 3600e3 * len(keys))))
        queued = self.clock
        for k in keys:
            if self.sid < SESSIONS:
                self.session(k, queued, label, expand, rev, dirty)

    def session(self, key, queued, label, expand, rev, dirty):
        rnd, t = self.rnd, self.pairs[key]
        self.sid += 1
        self.cur_phases = t["phases"]
        if expand:
            label = ",".join("%s=%s" % kv for kv in
                             json.loads(t["params"]).items())
        if rnd.random() < 1 / 150:
            self.level[key] *= 1 + rnd.choice([-1, 1]) * rnd.uniform(.03, .1)
        state = rnd.choices(["completed", "unstable", "failed", "cancelled",
                             "interrupted"], [0.91, 0.04, 0.03, 0.015,
                                              0.005])[0]
        n = {"completed": RUNS, "unstable": MAX_RUNS}.get(
            state, rnd.randint(1, RUNS))
        cv = self.cv[key] * (5 if state == "unstable" else 1)
        mean = self.level[key] * (1 + rnd.gauss(0, 0.004))
        snaps = self.snaps["bad" if rnd.random() < 0.03 else "ok"]
        start = max(queued, self.clock) + rnd.randint(5, 400)
        now, walls, reason = start + rnd.randint(2, 30), [], None
        for seq in range(1, WARMUP + n + 1):
            kind = "warmup" if seq <= WARMUP else "measured"
            it = seq if kind == "warmup" else seq - WARMUP
            w = max(0.001, mean * (1.04 if seq == 1 else 1) *
                    (1 + rnd.gauss(0, cv)))
            fail = state == "failed" and seq == WARMUP + n
            if state in ("cancelled", "interrupted") and seq == WARMUP + n:
                break           # the run in flight is never stored
            wall_ns = int(w * 1e9)
            self.run(seq, kind, it, now, wall_ns, fail, snaps)
            if fail:
                reason = "%s run %d exited with status 101" % (kind, it)
            elif kind == "measured":
                walls.append(wall_ns / 1e9)
            now += wall_ns // 1000000 + rnd.randint(1, 6)
        if state == "unstable":
            m, v = mean_var(walls)
            sd = math.sqrt(v)
            reason = ("CV %.2f%% still above the 5.00%% target after %d runs "
                      "(95%% CI of the mean \u00b1%.2f%%)" % (
                          sd / m * 100, n, t_975(n - 1) * sd /
                          math.sqrt(n) / m * 100))
        elif state == "cancelled":
            reason = "cancelled by uid %d" % UID
        elif state == "interrupted":
            reason = "benchd stopped by SIGTERM"
        self.clock = now
        self.finish(key, state, reason, walls, queued, start, now, label,
                    rev, dirty)

    def run(self, seq, kind, it, started, wall_ns, fail, snaps):
        rnd = self.rnd
        self.rid += 1
        # Apart, so that the numbers do not depend on how many there are.
        canonical, cond = self.snap_rnd.choice(snaps[kind])
        malformed, example = 0, None
        if rnd.random() < 0.002:
            malformed = rnd.randint(1, 3)
            example = "ORI_BUILD_TIMING: phase=codegen time_ms=1.2.3"
        out = err = None
        if fail:
            out = ("test result: FAILED. 212 passed; 1 failed\n" * 40).encode()
            err = ("thread 'main' panicked at src/lib.rs:42:9\n" * 90).encode()
        ut = int(wall_ns / 1000 * rnd.uniform(1.5, 1.8))
        self.runs.append((
            self.rid, self.sid, seq, kind, it, started, wall_ns, ut,
            int(wall_ns / 1000 * rnd.uniform(0.08, 0.12)),
            rnd.randint(480000, 560000), rnd.randint(200000, 260000), 0,
            rnd.randint(2000, 4000), rnd.randint(100, 900), 0,
            rnd.randint(10000, 30000), 101 if fail else 0, None, 0, out, err,
            canonical, cond, None, malformed, example))
        names = self.cur_phases
        for i, (prefix, phase) in enumerate(names[:6] if fail else names):
            tot = int(wall_ns * SHARES[i] * rnd.uniform(0.95, 1.05))
            mx = tot if LINES[i] == 1 else int(tot / LINES[i] *
                                               rnd.uniform(2, 8))
            self.phases.append((self.rid, prefix, phase, i, LINES[i], tot,
                                mx))

    def finish(self, key, state, reason, walls, queued, start, end, label,
               rev, dirty):
        rnd, t = self.rnd, self.pairs[key]
        while self.pending and self.pending[0][0] <= end:
            _, k, b = self.pending.pop(0)
            self.base[k] = b
        comp = (None,) * 5
        if state in ("completed", "unstable") and key in self.base:
            bid, bwalls = self.base[key]
            comp = (bid,) + verdict(bwalls, walls)
        self.sessions.append((
            self.sid, key[0], t["params"], label, rev, dirty, state, reason,
            WARMUP, RUNS, MAX_RUNS, 0.05, queued, start, end, UID,
            t["suite_text"], t["suite_hash"], None, t["cpus"], t["nice"],
            t["fingerprint"], t["command"]) + comp)
        pending = any(k == key for _, k, _ in self.pending)
        if (state == "completed" and key in BASELINED and not pending and
                (key not in self.base or comp[1] in ("regressed", "improved")
                 and rnd.random() < 0.2 or rnd.random() < 0.01)):
            at = end + rnd.randint(60, 7200) * 1000
            self.baselines.append((key[0], t["params"], self.sid, UID, at))
            self.pending.append((at, key, (self.sid, walls)))

    def generate(self, db):
        ins = {t: "INSERT INTO %s (%s) VALUES (%s)" % (
            t, ", ".join(c), ", ".join("?" * len(c))) for t, c in COLS.items()}
        while self.sid < SESSIONS:
            self.batch()
            if len(self.runs) > 20000 or self.sid >= SESSIONS:
                db.executemany(ins["sessions"], self.sessions)
                db.executemany(ins["runs"], self.runs)
                db.executemany(ins["run_phases"], self.phases)
                self.sessions, self.runs, self.phases = [], [], []
        db.executemany(ins["baselines"], self.baselines)


def stamp():
    """This script, the session count, the schema steps and their text."""
    h = hashlib.sha1(open(__file__, "rb").read())
    steps = sorted(glob.glob(os.path.join(SRCDIR, "schema", "[0-9]*.sql")))
    for p in steps:
        h.update(open(p, "rb").read())
    return "%s %d %d" % (h.hexdigest()[:16], SESSIONS, len(steps))


def main():
    db_path = os.path.join(OUT, "benchd.db")
    stamp_path = os.path.join(OUT, "gen-db.stamp")
    try:
        cached = open(stamp_path).read().strip() == stamp()
        v = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True).execute(
            "PRAGMA user_version").fetchone()[0]
        cached = cached and v == int(stamp().split()[2])
    except (OSError, sqlite3.Error):
        cached = False
    if cached:
        print("gen-db: %s kept (same generator and schema version %d), %.0f "
              "MB" % (db_path, v, os.path.getsize(db_path) / 1e6))
        return
    t0 = time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(os.path.join(OUT, "work"))
    conf = os.path.join(OUT, "benchd.conf")
    write_config(conf, os.path.join(OUT, "work"))
    tmp = tempfile.mkdtemp(prefix="benchd-gen-")
    try:
        pairs, snaps = templates(conf, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t1 = time.monotonic()
    Benchd(conf, db_path).stop()        # the schema, by benchd itself
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")
    db.execute("BEGIN")
    g = Gen(pairs, snaps, random.Random(20261127))
    g.generate(db)
    # benchd keeps it as each session ends (005-indexes.sql): same SQL.
    if any(c[1] == "wall_mean" for c in db.execute("PRAGMA table_info("
                                                    "sessions)")):
        db.execute("UPDATE sessions SET wall_mean = (SELECT avg(r.wall_ns) "
                   "/ 1e9 FROM runs r WHERE r.session_id = sessions.id AND "
                   "r.kind = 'measured') WHERE finished_at IS NOT NULL")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = [db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
              for t in ("sessions", "runs", "run_phases", "baselines")]
    states = db.execute("SELECT group_concat(state || ' ' || n, ', ') FROM "
                        "(SELECT state, count(*) AS n FROM sessions GROUP BY "
                        "state ORDER BY n DESC)").fetchone()[0]
    suites = db.execute("SELECT group_concat(suite || ' ' || n || ' (' || k "
                        "|| ')', ', ') FROM (SELECT suite, count(*) AS n, "
                        "count(DISTINCT params) AS k FROM sessions GROUP BY "
                        "suite ORDER BY n DESC)").fetchone()[0]
    verdicts = db.execute("SELECT group_concat(verdict || ' ' || n, ', ') "
                          "FROM (SELECT verdict, count(*) AS n FROM sessions "
                          "WHERE verdict IS NOT NULL GROUP BY verdict ORDER "
                          "BY n DESC)").fetchone()[0]
    db.close()
    with open(stamp_path, "w") as f:
        f.write(stamp() + "\n")
    print("gen-db: %d sessions, %d runs (warmups included), %d phase rows, "
          "%d baseline changes" % tuple(counts))
    print("gen-db: sessions per suite (sets of parameter values): %s" %
          suites)
    print("gen-db: states: %s" % states)
    print("gen-db: verdicts: %s" % verdicts)
    print("gen-db: %s: %.0f MB; %.1f s (template sessions %.1f s)" %
          (db_path, os.path.getsize(db_path) / 1e6, time.monotonic() - t0,
           t1 - t0))


if __name__ == "__main__":
    main()
