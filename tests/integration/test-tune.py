"""benchd-tune, the real program, on fake /proc and /sys trees: apply and
reset put every byte back, a second apply keeps the values from before
the first, a kill between two writes leaves a state file reset restores
from, absent and read-only settings, a state file it must not trust; and
show on this machine's real files."""

import atexit
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHD, TUNE, Daemon, Skip, main, test  # noqa

CPU = "sys/devices/system/cpu/"
EVERY = ("governor turbo aslr thp nmi_watchdog perf irq workqueue cpuset "
         "smt")
WRITES = 19             # the values apply changes on the full machine


class Machine:
    """A fake machine with every setting benchd-tune knows."""

    def __init__(self, base):
        self.base = base
        self.root = os.path.join(base, "fakeroot")
        for i in range(4):
            self.write(CPU + "cpu%d/cpufreq/scaling_governor" % i,
                       "powersave")
            self.write(CPU + "cpu%d/cpufreq/scaling_available_governors"
                       % i, "performance powersave")
        self.write(CPU + "online", "0-3")
        self.write(CPU + "intel_pstate/no_turbo", "0")
        self.write(CPU + "smt/control", "on")
        self.write("proc/sys/kernel/randomize_va_space", "2")
        self.write("proc/sys/kernel/nmi_watchdog", "1")
        self.write("proc/sys/kernel/perf_event_paranoid", "2")
        self.write("proc/sys/kernel/perf_event_max_sample_rate", "100000")
        self.write("sys/kernel/mm/transparent_hugepage/enabled", "madvise")
        for irq in (0, 9, 24):
            self.write("proc/irq/%d/smp_affinity_list" % irq, "0-3")
        self.write("proc/irq/default_smp_affinity", "f")
        self.write("sys/devices/virtual/workqueue/cpumask", "f")
        self.write("sys/fs/cgroup/cgroup.controllers",
                   "cpuset cpu io memory pids")
        self.write("sys/fs/cgroup/cgroup.subtree_control",
                   "cpuset cpu memory pids")
        self.state = os.path.join(base, "state", "tune.state")
        os.makedirs(os.path.dirname(self.state))

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text + "\n")

    def read(self, rel):
        with open(os.path.join(self.root, rel)) as f:
            return f.read().strip()

    def snapshot(self):
        """Every directory, file and link of the tree, with contents."""
        snap = {}
        for d, dirs, files in os.walk(self.root):
            rel = os.path.relpath(d, self.root)
            snap[rel + "/"] = None
            for name in files:
                p = os.path.join(d, name)
                if os.path.islink(p):
                    snap[os.path.join(rel, name)] = "-> link"
                    continue
                with open(p, "rb") as f:
                    snap[os.path.join(rel, name)] = f.read()
        return snap

    def config(self, settings=EVERY, cpus="2-3", extra=""):
        path = os.path.join(self.base, "benchd.conf")
        with open(path, "w") as f:
            f.write("[daemon]\ndatabase = %s\n[conditions]\nsys_root = %s\n"
                    "proc_root = %s\n[tune]\nsettings = %s\nstate = %s\n%s%s"
                    % (os.path.join(self.base, "benchd.db"), self.root,
                       self.root, settings, self.state,
                       "cpus = %s\n" % cpus if cpus else "", extra))
        return path


def tune(conf, *args, crash_after=None):
    env = dict(os.environ)
    env.pop("BENCHD_TUNE_CRASH_AFTER", None)
    if crash_after is not None:
        env["BENCHD_TUNE_CRASH_AFTER"] = str(crash_after)
    p = subprocess.run([TUNE, "-c", conf] + list(args), capture_output=True,
                       text=True, timeout=20, env=env)
    return p.returncode, p.stdout, p.stderr


def lines(out):
    """The per-setting lines: name -> (status, detail)."""
    r = {}
    for line in out.splitlines():
        if line.startswith(("workload CPUs:", "state:", "    ")):
            continue
        name, rest = line.split(None, 1)
        for st in ("as wanted", "unavailable", "restored", "already",
                   "skipped", "drifted", "differs", "failed", "partly",
                   "tuned", "gone", "set"):
            if rest.startswith(st):
                r[name] = (st, rest[len(st):].strip())
                break
    return r


def scratch(prefix):
    base = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, base, True)
    return base


def machine():
    return Machine(scratch("benchd-tune-test-"))


@test
def apply_then_reset_restores_every_byte():
    m = machine()
    conf = m.config()
    before = m.snapshot()
    rc, out, err = tune(conf, "show")
    assert rc == 0, err
    assert lines(out)["aslr"] == ("differs", "2; apply sets 0"), out
    rc, out, err = tune(conf, "apply")
    assert rc == 0, (out, err)
    assert out.splitlines()[0] == "workload CPUs: 2-3 ([tune] cpus)", out
    got = lines(out)
    assert all(st == "set" for st, _ in got.values()), out
    assert got["governor"] == ("set", "powersave -> performance"), got
    assert got["irq"] == ("set", "0-3 -> 0-1"), got
    assert out.splitlines()[-1] == ("state: %s: %d values to put back on "
                                    "reset" % (m.state, WRITES)), out
    assert m.read(CPU + "cpu2/cpufreq/scaling_governor") == "performance"
    assert m.read("proc/sys/kernel/randomize_va_space") == "0"
    assert m.read("proc/irq/default_smp_affinity") == "3"
    assert m.read("sys/fs/cgroup/benchd-workloads/cpuset.cpus") == "2-3"
    assert m.read(CPU + "smt/control") == "off"
    st = os.stat(m.state)
    assert stat.S_IMODE(st.st_mode) == 0o644, oct(st.st_mode)
    with open(m.state) as f:
        assert ("aslr\tfile\trandomize_va_space\t/proc/sys/kernel/"
                "randomize_va_space\t2\t0\n") in f.read()
    rc, out, err = tune(conf, "show")
    assert lines(out)["aslr"] == ("tuned", "0 (before apply: 2)"), out
    rc, out, err = tune(conf, "-v", "reset")
    assert rc == 0, (out, err)
    assert lines(out)["smt"] == ("restored", "off -> on"), out
    assert "    cpu3 " in out, out
    assert m.snapshot() == before
    assert not os.path.exists(m.state)
    rc, out, err = tune(conf, "reset")
    assert rc == 0 and "none, not tuned" in out, (out, err)


@test
def second_apply_keeps_the_values_from_before():
    m = machine()
    conf = m.config()
    before = m.snapshot()
    assert tune(conf, "apply")[0] == 0
    with open(m.state) as f:
        first = f.read()
    m.write(CPU + "cpu1/cpufreq/scaling_governor", "powersave")
    rc, out, err = tune(conf, "-v", "apply")
    assert rc == 0, err
    # Before: as it was before the first apply.
    assert lines(out)["governor"] == ("set", "powersave -> performance"), \
        out
    assert "    cpu0                       already      performance\n" \
        "    cpu1                       set          powersave -> " \
        "performance\n" in out, out
    assert lines(out)["aslr"] == ("already", "0"), out
    with open(m.state) as f:
        assert f.read() == first
    # aslr no longer listed: the next apply puts it back.
    conf = m.config(settings="governor smt")
    rc, out, err = tune(conf, "apply")
    assert lines(out)["aslr"] == ("restored", "0 -> 2 [not in settings]"), \
        out
    assert m.read("proc/sys/kernel/randomize_va_space") == "2"
    assert tune(conf, "reset")[0] == 0
    assert m.snapshot() == before


@test
def killed_between_two_writes_then_reset():
    m = machine()
    conf = m.config()
    before = m.snapshot()
    for n in (0, 1, 9, WRITES - 1):
        rc, out, err = tune(conf, "apply", crash_after=n)
        assert rc == -9, (n, rc, out, err)
        # Written before the first write, and complete.
        with open(m.state) as f:
            assert f.read().count("\n") == WRITES + 3, n
        if n == 9:
            assert m.read(CPU + "cpu0/cpufreq/scaling_governor") == \
                "performance"
            assert m.read("proc/irq/9/smp_affinity_list") == "0-3"
        rc, out, err = tune(conf, "reset")
        assert rc == 0, (n, out, err)
        assert m.snapshot() == before, n
        assert not os.path.exists(m.state)
    # Killed in the middle of a reset: the next reset finishes it.
    assert tune(conf, "apply")[0] == 0
    assert tune(conf, "reset", crash_after=7)[0] == -9
    assert os.path.exists(m.state)
    assert tune(conf, "reset")[0] == 0
    assert m.snapshot() == before


@test
def absent_and_read_only_settings_are_reported():
    m = machine()
    os.unlink(os.path.join(m.root, CPU + "intel_pstate/no_turbo"))
    nmi = os.path.join(m.root, "proc/sys/kernel/nmi_watchdog")
    os.unlink(nmi)
    if os.geteuid() == 0:
        # root writes any file mode; the kernel refuses this one anyway.
        os.symlink("/sys/devices/system/cpu/possible", nmi)
    else:
        m.write("proc/sys/kernel/nmi_watchdog", "1")
        os.chmod(nmi, 0o444)
    m.write("sys/fs/cgroup/cgroup.controllers", "memory pids")
    conf = m.config()
    before = m.snapshot()
    rc, out, err = tune(conf, "apply")
    assert rc == 0, (out, err)
    got = lines(out)
    assert got["turbo"] == ("unavailable", "no intel_pstate/no_turbo or "
                            "cpufreq/boost here"), got
    assert got["nmi_watchdog"][0] == "failed", got
    assert got["nmi_watchdog"][1].split(";")[0] in (
        "Permission denied", "Read-only file system",
        "Operation not permitted"), got
    assert got["cpuset"] == ("unavailable", "the cgroup2 hierarchy at "
                             "/sys/fs/cgroup has no cpuset controller "
                             "(controllers: memory pids)"), got
    assert got["aslr"][0] == "set", got
    with open(m.state) as f:
        assert "nmi_watchdog" not in f.read()
    # Without workload CPUs, what needs them is skipped.
    assert tune(conf, "reset")[0] == 0
    assert m.snapshot() == before
    rc, out, err = tune(m.config(cpus=None), "apply")
    assert lines(out)["irq"][0] == "skipped", out
    assert tune(conf, "reset")[0] == 0
    assert m.snapshot() == before


@test
def bad_config_and_untrusted_state_change_nothing():
    m = machine()
    before = m.snapshot()
    conf = m.config(settings="governor\n  fan")
    rc, out, err = tune(conf, "apply")
    assert rc == 1, (out, err)
    assert err.strip() == "benchd-tune: %s:8: tune: settings: no setting " \
        "\"fan\"" % conf, err
    p = subprocess.run([BENCHD, "-n", "-c", conf], capture_output=True,
                       text=True, timeout=10)
    assert p.returncode == 1 and "no setting \"fan\"" in p.stderr, p
    rc, out, err = tune(conf, "frob")
    assert rc == 64 and err.startswith("usage: benchd-tune"), err
    conf = m.config()
    with open(m.state, "w") as f:
        f.write("benchd-tune-state 1\naslr\tfile\tx\t/etc/passwd\t2\t0\n")
    rc, out, err = tune(conf, "reset")
    assert rc == 1 and "line 2: path not under /sys or /proc" in err, err
    os.chmod(m.state, 0o666)
    rc, out, err = tune(conf, "apply")
    assert rc == 1 and "refused" in err, err
    assert m.snapshot() == before


@test
def conditions_show_what_was_set_and_what_drifted():
    d = Daemon()
    m = Machine(d.tmp)
    d.write_config(conditions={"policy": "warn", "sys_root": m.root,
                               "proc_root": m.root})
    with open(d.config, "a") as f:
        f.write("[tune]\nsettings = governor aslr irq\ncpus = 2-3\n"
                "state = %s\n" % m.state)
    d.start()
    rc, out = d.ctl("conditions")
    assert rc == 0, out
    assert out["tune"] == {"tuned": False, "state": m.state, "drifted": 0,
                           "settings": []}, out["tune"]
    rc, text = d.ctl("conditions", json_out=False)
    assert "Tuning: not applied (no %s)" % m.state in text, text

    assert tune(d.config, "apply")[0] == 0
    rc, out = d.ctl("conditions")
    assert rc == 0 and out["tune"]["tuned"] is True, out
    assert out["tune"]["drifted"] == 0, out
    assert [s["name"] for s in out["tune"]["settings"]] == \
        ["governor", "aslr", "irq"], out
    assert out["tune"]["settings"][1] == {"name": "aslr", "set": "0",
                                          "now": "0", "drifted": False}
    m.write("proc/sys/kernel/randomize_va_space", "2")
    m.write(CPU + "cpu1/cpufreq/scaling_governor", "schedutil")
    rc, out = d.ctl("conditions")
    assert rc == 0, out             # a drift alone is still canonical
    t = out["tune"]
    assert t["drifted"] == 2, t
    assert t["settings"][0] == {
        "name": "governor", "set": "performance", "drifted": True,
        "now": "cpu0=performance cpu1=schedutil cpu2=performance "
        "cpu3=performance"}, t
    assert t["settings"][1]["drifted"] is True and \
        t["settings"][1]["now"] == "2", t
    assert t["settings"][2]["drifted"] is False, t
    rc, text = d.ctl("conditions", json_out=False)
    assert "Tuning: by benchd-tune (%s), 2 of 3 settings drifted since" \
        % m.state in text, text
    assert [ln.split()[:4] for ln in text.splitlines()
            if ln.startswith(("DRIFTED", "set "))] == [
        ["DRIFTED", "governor", "performance", "cpu0=performance"],
        ["DRIFTED", "aslr", "0", "2"], ["set", "irq", "0-1", "same"]], text

    assert tune(d.config, "reset")[0] == 0
    rc, out = d.ctl("conditions")
    assert out["tune"]["tuned"] is False, out
    with open(m.state, "w") as f:
        f.write("junk\n")
    rc, out = d.ctl("conditions")
    assert out["tune"]["error"].endswith(
        "tune.state: line 1: not a benchd-tune state file"), out
    assert d.stop() == 0


def real_config(base, settings=EVERY):
    path = os.path.join(base, "benchd.conf")
    with open(path, "w") as f:
        f.write("[daemon]\ndatabase = %s/benchd.db\n[tune]\nsettings = %s\n"
                % (base, settings))
    return path


def first_line(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


@test
def real_machine_show_reads_what_is_there():
    """Only reads: what this machine has, as benchd-tune sees it."""
    base = scratch("benchd-tune-real-")
    rc, out, err = tune(real_config(base), "show")
    assert rc == 0, (out, err)
    got = lines(out)
    assert sorted(got) == sorted(EVERY.split()), out
    for name, path in (("aslr", "/proc/sys/kernel/randomize_va_space"),
                       ("nmi_watchdog", "/proc/sys/kernel/nmi_watchdog")):
        v = first_line(path)
        if v is None:
            assert got[name][0] == "unavailable", got[name]
        else:
            assert got[name][1].split(";")[0] == v, (name, got[name], v)
    thp = first_line("/sys/kernel/mm/transparent_hugepage/enabled")
    if thp is not None and "[" in thp:
        word = thp[thp.index("[") + 1:thp.index("]")]
        assert got["thp"][1].split(";")[0] == word, got["thp"]
    smt = first_line("/sys/devices/system/cpu/smt/control")
    if smt not in ("on", "off"):
        assert got["smt"][0] == "unavailable", got["smt"]
    assert not os.path.exists(os.path.join(base, "tune.state"))


@test
def real_machine_apply_and_reset():
    if os.geteuid() != 0:
        raise Skip("not root: the real /sys and /proc are not writable")
    if os.environ.get("BENCHD_TEST_REAL_TUNE") != "1":
        raise Skip("changes this machine for a moment (ASLR, THP, perf, "
                   "...), which others may share; set "
                   "BENCHD_TEST_REAL_TUNE=1 to apply and reset here")
    base = scratch("benchd-tune-real-")
    conf = real_config(base, "governor turbo aslr thp nmi_watchdog perf")
    rc, out, err = tune(conf, "show")
    before = {n: d for n, (s, d) in lines(out).items()}
    try:
        rc, out, err = tune(conf, "apply")
        assert rc == 0, (out, err)
    finally:
        rc, out, err = tune(conf, "reset")
    assert rc == 0, (out, err)
    rc, out, err = tune(conf, "show")
    assert {n: d for n, (s, d) in lines(out).items()} == before, out
    assert not os.path.exists(os.path.join(base, "tune.state"))


if __name__ == "__main__":
    main(limit=60)
