"""bash completion for benchctl: commands, subcommands, suites, options
and parameter values, all from benchctl itself."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHCTL, DEMO, SRCDIR, Daemon, Skip, main, test  # noqa

SCRIPT = os.path.join(SRCDIR, "client/benchctl.bash-completion")


def complete(d, line):
    if shutil.which("bash") is None:
        raise Skip("bash is not installed")
    env = dict(os.environ, BENCHD_SOCKET=d.socket,
               PATH=os.path.dirname(BENCHCTL) + ":" + os.environ["PATH"])
    p = subprocess.run(
        ["bash", "-c", 'source "$0"; COMP_LINE="$1"; COMP_POINT=${#1}; '
         '_benchctl; printf "%s\\n" "${COMPREPLY[@]}"', SCRIPT, line],
        capture_output=True, text=True, env=env, timeout=20)
    assert p.returncode == 0, p
    return sorted(x for x in p.stdout.splitlines() if x)


@test
def completes_from_benchctl_and_the_daemon():
    d = Daemon({"crate": {"command": DEMO + " --sleep {ms}",
                          "param.ms": "5 8", "warmup": "0", "runs": "1"},
                "full": {"command": DEMO, "warmup": "0",
                         "runs": "1"}}).start()
    names = subprocess.run([BENCHCTL, "commands"], capture_output=True,
                           text=True, check=True).stdout.split("\n")
    top = sorted({x.split()[0] for x in names if x})
    assert complete(d, "benchctl ") == top
    for c in ("baseline", "compare", "regressions", "export", "queue"):
        assert c in top, top
    assert complete(d, "benchctl baseline ") == ["set", "show"]
    assert complete(d, "benchctl variance ") == ["crate", "full"]
    assert complete(d, "benchctl queue crate ") == ["ms=5", "ms=8"]
    assert complete(d, "benchctl export 1 --format ") == \
        ["bmf", "conbench", "csv", "hyperfine", "json", "lnt"]
    assert complete(d, "benchctl compare 1 2 --f") == ["--force"]
    assert complete(d, "benchctl -S /nonexistent variance ") == []
    # With --fleet, the fleet's commands and options (no server needed:
    # benchctl lists them from its own table).
    fleet = sorted(x.split()[0] for x in subprocess.run(
        [BENCHCTL, "--fleet", "host=/nonexistent", "commands"],
        capture_output=True, text=True, check=True).stdout.splitlines())
    assert fleet == ["compare", "history", "jobs", "queue", "regressions",
                     "sessions"], fleet
    for line in ("benchctl --fleet host=/x ", "benchctl --fleet=host=/x "):
        assert complete(d, line) == fleet, line
    assert complete(d, "benchctl --fleet 'dbname=f' sessions --") == \
        ["--box=", "--help", "--json", "--last="]
    assert complete(d, "benchctl --fleet host=/x queue crate ") == \
        ["ms=5", "ms=8"]
    assert complete(d, "benchctl --fleet host=/x jobs ") == \
        ["crate", "full"]
    assert complete(d, "benchctl --fl") == ["--fleet"]
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=60)
