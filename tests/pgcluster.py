"""PostgreSQL clusters of a test's own: never the shared server on 5432.

Made with the server's own tools (initdb, pg_ctl, pg_basebackup from /usr/lib/postgresql/*/bin),
in a temporary directory, on free ports, with trust authentication on 127.0.0.1. PostgreSQL
refuses to run as root, so as root the tools run as the ``postgres`` user.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2


def server_bin():
    """The newest installed server's bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path):
    return int(Path(path).parts[-3])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """One PostgreSQL server: a data directory and a port."""

    def __init__(self, bin_dir, data_dir, port, options=""):
        self.bin_dir = bin_dir
        self.data_dir = Path(data_dir)
        self.port = port
        self.options = options  # more server settings, as "-c name=value ..."

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def run(self, tool, *args, check=True):
        command = [str(self.bin_dir / tool), *map(str, args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)  # noqa: S603
        if check and done.returncode:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")
        return done

    def start(self):
        _owned_directory(Path(f"{self.data_dir}.sockets"), exist_ok=True)
        self.run(
            "pg_ctl", "-D", self.data_dir, "-l", self.data_dir / "server.log", "-w", "-t", "60",
            "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir}.sockets "
            f"{self.options}",
            "start",
        )  # fmt: skip

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", self.data_dir, "-m", mode, "-w", "stop", check=False)

    def connect(self, dbname="postgres"):
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, connect_timeout=5
        )
        connection.autocommit = True
        return connection

    def query(self, sql, params=(), dbname="postgres"):
        connection = self.connect(dbname)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()


def _owned_directory(path, exist_ok=False):
    path.mkdir(parents=True, exist_ok=exist_ok)
    path.chmod(0o700)  # the server refuses a data directory others can read
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)
    return path


def base_directory():
    """A new directory for clusters, which the postgres user can reach (pytest's tmp_path,
    private to the user running the tests, is not)."""
    path = Path(tempfile.mkdtemp(prefix="pgcluster-"))
    path.chmod(0o755)
    return path


def make_cluster(base_dir, name, *, options=""):
    """A new, started cluster in ``base_dir / name`` (UTF-8, C locale). It accepts streaming
    replication from 127.0.0.1: initdb's pg_hba.conf trusts it with ``--auth=trust``."""
    data_dir = _owned_directory(Path(base_dir) / name)
    cluster = Cluster(server_bin(), data_dir, free_port(), options)
    cluster.run(
        "initdb", "-D", data_dir, "-U", "postgres", "--auth=trust", "--no-sync",
        "-E", "UTF8", "--locale=C",
    )  # fmt: skip
    cluster.start()
    return cluster


def make_primary(base_dir):
    """A new, started cluster that replicas can stream from."""
    return make_cluster(base_dir, "primary")


def make_streaming_replica(primary, base_dir):
    """A hot standby of ``primary`` (pg_basebackup -R), started and streaming."""
    data_dir = _owned_directory(Path(base_dir) / "replica")
    replica = Cluster(primary.bin_dir, data_dir, free_port())
    replica.run(
        "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
        "-D", data_dir, "-R", "-X", "stream", "-c", "fast", "--no-sync",
    )  # fmt: skip
    replica.start()
    return replica


def wait_for_replay(primary, replica, timeout=30):
    """Until the replica has replayed everything the primary had written when called."""
    (target,) = primary.query("SELECT pg_current_wal_lsn()")[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (caught_up,) = replica.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])[0]
        if caught_up:
            return
        time.sleep(0.05)
    raise TimeoutError(f"the replica did not replay up to {target} in {timeout} s")


def remove(base_dir, *clusters):
    for cluster in clusters:
        if cluster is not None:
            cluster.stop("immediate")
    shutil.rmtree(base_dir, ignore_errors=True)
