"""pg.py -- a private PostgreSQL server for the fleet tests.

initdb and pg_ctl of Debian's postgresql-15 (or $BENCHD_PG_BIN) make a
cluster in a temporary directory, listening on 127.0.0.1 at a free port
and on a Unix socket in that directory, trusting local connections.
PostgreSQL refuses to run as root: as root, the cluster belongs to the
unprivileged user "nobody" and its programs run as that user (setpriv).
No psycopg is needed: queries go through psql.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile

from harness import Skip, free_port


def _bindir():
    env = os.environ.get("BENCHD_PG_BIN")
    if env:
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


class Postgres:
    """One cluster; start() it, conninfo() for benchd, sql() to query."""

    live = []

    def __init__(self):
        self.bin = _bindir()
        if self.bin is None or not os.path.exists(
                os.path.join(self.bin, "pg_ctl")):
            raise Skip("PostgreSQL is not installed (Debian package "
                       "postgresql-15: initdb, pg_ctl)")
        if shutil.which("psql") is None and not os.path.exists(
                os.path.join(self.bin, "psql")):
            raise Skip("psql is not installed (postgresql-client)")
        self.tmp = tempfile.mkdtemp(prefix="benchd-pg-")
        self.data = os.path.join(self.tmp, "data")
        self.log = os.path.join(self.tmp, "pg.log")
        self.port = free_port()
        self.prefix = []
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("nobody")
            except KeyError:
                raise Skip("running as root and there is no user nobody "
                           "to run PostgreSQL as")
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
            os.chmod(self.tmp, 0o755)
            self.prefix = ["setpriv", "--reuid=%d" % pw.pw_uid,
                           "--regid=%d" % pw.pw_gid, "--clear-groups"]
        Postgres.live.append(self)
        self._run(["initdb", "-D", self.data, "-U", "postgres",
                   "-A", "trust", "-E", "UTF8", "--no-sync"])
        with open(os.path.join(self.tmp, "extra.conf"), "w") as f:
            f.write("listen_addresses = '127.0.0.1'\n"
                    "port = %d\n"
                    "unix_socket_directories = '%s'\n"
                    "fsync = off\n"
                    "max_connections = 200\n" % (self.port, self.tmp))
        os.chmod(os.path.join(self.tmp, "extra.conf"), 0o644)
        self._run(["sh", "-c", "echo \"include '%s/extra.conf'\" >> "
                   "%s/postgresql.conf" % (self.tmp, self.data)])

    def _run(self, argv, check=True):
        if argv[0] != "sh":
            argv = [os.path.join(self.bin, argv[0])] + argv[1:]
        return subprocess.run(self.prefix + argv, capture_output=True,
                              text=True, check=check, timeout=60,
                              cwd=self.tmp)

    def start(self):
        p = self._run(["pg_ctl", "-D", self.data, "-l", self.log, "-w",
                       "-t", "30", "start"], check=False)
        if p.returncode != 0:
            raise AssertionError("pg_ctl start: %s%s\n%s" % (
                p.stdout, p.stderr, self.read_log()))
        return self

    def stop(self, mode="fast"):
        self._run(["pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"],
                  check=False)

    def read_log(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def conninfo(self, db="postgres"):
        return "host=127.0.0.1 port=%d user=postgres dbname=%s " \
            "connect_timeout=5" % (self.port, db)

    def psql_argv(self):
        psql = os.path.join(self.bin, "psql")
        if not os.path.exists(psql):
            psql = shutil.which("psql")
        return [psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "postgres"]

    def sql(self, text):
        """Run SQL; return the rows of the last statement as lists of
        strings (fields separated by |)."""
        p = subprocess.run(self.psql_argv() + ["-c", text],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise AssertionError("psql: %s" % p.stderr)
        return [line.split("|") for line in p.stdout.splitlines() if line]

    def value(self, text):
        rows = self.sql(text)
        return rows[0][0] if rows else None

    @classmethod
    def cleanup_all(cls):
        for pg in cls.live:
            pg.stop("immediate")
            shutil.rmtree(pg.tmp, ignore_errors=True)
        cls.live = []
