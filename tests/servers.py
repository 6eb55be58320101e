"""Servers of a test's (or benchmark's) own, to stop, stall and restart at will.

The shared PostgreSQL (5432) and Redis (6379) belong to everyone on the machine and are never
touched: a fault test starts its own ``redis-server`` on a free port, and its own PostgreSQL
cluster (``initdb`` + ``pg_ctl`` from ``/usr/lib/postgresql/*/bin``, run as the ``postgres``
OS user when we are root) in a temporary directory.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {seconds} s")
        time.sleep(0.05)


def _port_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class OwnRedis:
    """A private ``redis-server`` (no persistence) that can be stopped, stalled and resumed."""

    def __init__(self):
        self.port = free_port()
        self.process = None
        self.stalled = False

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def available(self):
        return shutil.which("redis-server") is not None

    def start(self):
        command = [
            shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        _wait_for(lambda: _port_answers(self.port), 10, "redis-server")
        return self

    def stop(self):
        """Gone: connections are refused."""
        if self.process and self.process.poll() is None:
            if self.stalled:
                self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def stall(self):
        """Still listening (the kernel accepts connections) but answering nothing: SIGSTOP."""
        self.process.send_signal(signal.SIGSTOP)
        self.stalled = True

    def resume(self):
        self.process.send_signal(signal.SIGCONT)
        self.stalled = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _postgres_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class OwnPostgres:
    """A private PostgreSQL cluster in a temporary directory, on a free port.

    As root, the cluster's programs run as the ``postgres`` OS user (PostgreSQL refuses root).
    """

    def __init__(self, dbname="blog"):
        self.port = free_port()
        self.dbname = dbname
        self.directory = None

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def available(self):
        return _postgres_bin("initdb") is not None and _postgres_bin("pg_ctl") is not None

    def _run(self, *command, check=True):
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            command, check=check, capture_output=True, text=True, timeout=120
        )

    def create(self):
        self.directory = Path(tempfile.mkdtemp(prefix="own-postgres-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        data = self.directory / "data"
        self._run(
            _postgres_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C",
        )  # fmt: skip
        self.start()
        self._run(
            _postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            self.dbname,
        )  # fmt: skip
        return self

    def start(self):
        self._run(
            _postgres_bin("pg_ctl"), "-D", str(self.directory / "data"), "-w", "-t", "60",
            "-l", str(self.directory / "log"), "-o",
            # fsync off: a stop here is a process crash, never a power cut, so what was
            # written survives in the OS; commits stay synchronous (a commit acknowledged
            # must survive an immediate stop, as it would in production).
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off",
            "start",
        )  # fmt: skip
        _wait_for(lambda: _port_answers(self.port), 30, "PostgreSQL")

    def stop(self, mode="immediate"):
        """Down: ``immediate`` kills every connection at once, as a crash would."""
        self._run(
            _postgres_bin("pg_ctl"), "-D", str(self.directory / "data"), "-m", mode, "-w",
            "stop", check=False,
        )  # fmt: skip

    def destroy(self):
        if self.directory is not None:
            self.stop()
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self):
        return self.create()

    def __exit__(self, *exc):
        self.destroy()


class AppServer:
    """The project under gunicorn on a free port, with the environment given (settings,
    DATABASE_URL…): the real stack, for tests and benchmarks that break its servers."""

    def __init__(self, env, workers=2, probe="/healthz"):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.probe = probe
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        import sys

        repo = Path(__file__).resolve().parent.parent
        command = [
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--access-logfile", "/dev/null", "--log-level", "warning", "--max-requests", "0",
            "blogapp.wsgi",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, our own app
            command, cwd=repo, env={**os.environ, **self.env}
        )
        _wait_for(self._answers, 60, "gunicorn")
        return self

    def _answers(self):
        import http.client

        if self.process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            probe.request("GET", self.probe)
            return probe.getresponse().status == 200
        except OSError:
            return False
        finally:
            probe.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def manage(env, *args):
    """``manage.py <args>`` in a child process with ``env`` (e.g. another DATABASE_URL)."""
    import sys

    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run(  # noqa: S603 - this interpreter, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=repo, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result
