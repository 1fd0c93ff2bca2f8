"""The man pages render without warnings, and document every command."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHCTL, SRCDIR, Skip, main, test  # noqa

PAGES = ["docs/benchd.8", "docs/benchd.conf.5", "docs/benchctl.1"]


@test
def man_pages_render_without_warnings():
    if shutil.which("groff") is None:
        raise Skip("groff is not installed")
    for page in PAGES:
        p = subprocess.run(["groff", "-mandoc", "-ww", "-z",
                            os.path.join(SRCDIR, page)],
                           capture_output=True, timeout=30)
        assert p.returncode == 0 and p.stderr == b"", (page, p.stderr)


@test
def benchctl_page_documents_every_command():
    p = subprocess.run([BENCHCTL, "commands"], capture_output=True,
                       timeout=10, text=True)
    assert p.returncode == 0, p
    names = [line.split()[0] for line in p.stdout.splitlines() if line]
    assert len(names) >= 10, names
    page = open(os.path.join(SRCDIR, "docs/benchctl.1")).read()
    for n in names:
        assert ("Cm %s" % n) in page or ("\\fB%s" % n) in page or \
            (".It %s" % n) in page, n


if __name__ == "__main__":
    main(limit=60)
