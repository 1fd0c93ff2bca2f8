"""The man pages render without warnings, and document every command;
PROTOCOL.md documents every error code benchd sends."""

import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import BENCHCTL, SRCDIR, Skip, main, test  # noqa

PAGES = ["docs/benchd.8", "docs/benchd.conf.5", "docs/benchctl.1",
         "docs/benchd-tune.8"]


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



@test
def protocol_documents_every_error_code():
    # Every data.code benchd can send is in PROTOCOL.md's table, and the
    # RPC fuzzer accepts exactly those.
    sent = set()
    for path in glob.glob(os.path.join(SRCDIR, "daemon", "*.c")):
        with open(path) as f:
            sent |= set(re.findall(r'RPC_APP_ERROR,\s*"([a-z-]+)"',
                                   f.read()))
    assert len(sent) >= 10, sent
    with open(os.path.join(SRCDIR, "docs", "PROTOCOL.md")) as f:
        table = set(re.findall(r"^\| `([a-z-]+)` +\|", f.read(), re.M))
    assert sent <= table, sent - table
    with open(os.path.join(SRCDIR, "tests", "fuzz", "fuzz-rpc.c")) as f:
        src = f.read()
    listed = src[src.index("error_codes[] = {"):]
    listed = set(re.findall(r'"([a-z-]+)"', listed[:listed.index("};")]))
    assert listed == sent, (listed ^ sent)


@test
def protocol_access_names_every_admin_method():
    # The methods whose table entry says admin are those the Access
    # section of PROTOCOL.md names, no more and no fewer.
    admin = set()
    for path in glob.glob(os.path.join(SRCDIR, "daemon", "method-*.c")):
        with open(path) as f:
            admin |= set(re.findall(
                r'rpc_method\s+\w+\s*=\s*\{\s*"([a-z.]+)",\s*1,',
                f.read()))
    assert "session.queue" in admin, admin
    with open(os.path.join(SRCDIR, "docs", "PROTOCOL.md")) as f:
        doc = f.read()
    access = doc[doc.index("## Access"):]
    access = access[:access.index("\n## ", 1)]
    named = set(re.findall(r"`([a-z]+\.[a-z]+)`", access))
    assert named == admin, (named ^ admin)


if __name__ == "__main__":
    main(limit=60)
