"""Servers of a test's (or benchmark's) own, to stop, stall and restart at will.

The shared PostgreSQL (5432) and Redis (6379) belong to everyone on the machine and are never
touched: a fault test starts its own ``redis-server`` on a free port, and its own PostgreSQL
cluster (``tests.pgcluster``) in a temporary directory.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests import pgcluster
from tests.pgcluster import free_port


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


class OwnPostgres:
    """A private PostgreSQL cluster (``tests.pgcluster``) in a temporary directory, on a free
    port, with one database; stopped and started again at will."""

    def __init__(self, dbname="blog"):
        self.dbname = dbname
        self.base = None
        self.cluster = None

    @property
    def port(self):
        return self.cluster.port

    @property
    def url(self):
        return f"{self.cluster.url}/{self.dbname}"

    def available(self):
        return pgcluster.server_bin() is not None

    def create(self):
        self.base = pgcluster.base_directory()
        self.cluster = pgcluster.make_cluster(
            self.base,
            "data",
            # fsync off: a stop here is a process crash, never a power cut, so what was
            # written survives in the OS; commits stay synchronous (a commit acknowledged
            # must survive an immediate stop, as it would in production).
            options="-c fsync=off",
        )
        self.cluster.query(f'CREATE DATABASE "{self.dbname}"')
        return self

    def start(self):
        self.cluster.start()
        _wait_for(lambda: _port_answers(self.port), 30, "PostgreSQL")

    def stop(self, mode="immediate"):
        """Down: ``immediate`` kills every connection at once, as a crash would."""
        self.cluster.stop(mode)

    def destroy(self):
        if self.base is not None:
            pgcluster.remove(self.base, self.cluster)
            self.base = self.cluster = None

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
