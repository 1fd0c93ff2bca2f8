"""gitrepo.py -- real git repositories for the tests of suites on a
repository (repo =): commits whose workload sleeps a given time, whose
build step may fail, and a benchd with a suite on such a repository."""

import os
import subprocess

from harness import DEMO, Daemon

DEMO_ABS = os.path.abspath(DEMO)


def git(repo, *args):
    """git -C repo ARGS, its output; raises when it fails."""
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    p = subprocess.run(["git", "-C", repo] + list(args), env=env,
                       capture_output=True, check=True)
    return p.stdout.decode().strip()


def commit(repo, ms, subject, build_ok=True, flag=None):
    """A commit whose workload sleeps ms milliseconds (four times as long in
    the session whose id the file flag holds; ms may instead be the demo
    workload's arguments); its build step fails when build_ok is false."""
    with open(os.path.join(repo, "work.sh"), "w") as f:
        if flag is not None:
            f.write('ms=%d\n[ "$BENCHD_SESSION" = "$(cat %s 2>/dev/null)" ] '
                    '&& ms=%d\n' % (ms, flag, ms * 4))
            f.write("exec %s --sleep $ms\n" % DEMO_ABS)
        elif isinstance(ms, str):
            f.write("exec %s %s\n" % (DEMO_ABS, ms))
        else:
            f.write("exec %s --sleep %d\n" % (DEMO_ABS, ms))
    with open(os.path.join(repo, "build.sh"), "w") as f:
        f.write("echo built > built.txt\n" if build_ok else
                "echo broken >&2; exit 1\n")
    git(repo, "add", "work.sh", "build.sh")
    git(repo, "commit", "-q", "--allow-empty", "-m", subject)
    return git(repo, "rev-parse", "HEAD")


def make_repo(tmp, plan):
    """plan: [(ms, subject, build_ok)]; the repository and its commits."""
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    ids = [commit(repo, *c) for c in plan]
    return repo, ids


def daemon(plan, **extra):
    """benchd with suite "r" on a repository of plan's commits (extra:
    more keys of the suite); not started."""
    d = Daemon({})
    repo, ids = make_repo(d.tmp, plan)
    suite = {"repo": repo, "build": "/bin/sh build.sh",
             "command": "/bin/sh work.sh", "warmup": "1", "runs": "4",
             "max_runs": "16", "noise": "3%"}
    suite.update(extra)
    d.write_config({"r": suite})
    return d, repo, ids
