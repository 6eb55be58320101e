"""`make run`'s SQLite file has several writers at once (the web server, the worker, an import):
with the site's settings, one that read before writing waits its turn instead of failing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Two connections, each in its own thread (Django gives each thread its own): A reads, then
# writes a moment later, while B writes in between. In SQLite's default (deferred) mode A's
# write fails at once with "database is locked"; taking the lock at BEGIN, B waits for A.
TWO_WRITERS = """
import threading, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS note (text TEXT)")
read = threading.Event()
errors = []

def a():
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM note")
                read.set()
                time.sleep(0.5)
                cursor.execute("INSERT INTO note VALUES ('a')")
    except Exception as error:
        errors.append(f"A: {error}")
    finally:
        read.set()

def b():
    read.wait()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO note VALUES ('b')")
    except Exception as error:
        errors.append(f"B: {error}")

threads = [threading.Thread(target=a), threading.Thread(target=b)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT text FROM note ORDER BY text")
    print(errors, [row[0] for row in cursor.fetchall()])
"""


def test_a_writer_that_read_first_waits_for_another_instead_of_failing(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "blogapp.settings.dev",
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, the script above
        [sys.executable, "-c", TWO_WRITERS], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == "[] ['a', 'b']"
