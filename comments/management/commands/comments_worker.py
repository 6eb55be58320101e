"""The worker: django-tasks-db's ``db_worker`` plus a periodic sweep (``comments.sweep``)
that takes over deliveries from a worker that was killed in the middle of one.

Run as many as you like (each needs its own ``--worker-id`` or gets a random one): tasks are
claimed with ``SELECT … FOR UPDATE SKIP LOCKED``, deliveries are leased.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from comments.sweep import sweep

logger = logging.getLogger(__name__)


def _sweep_forever(stop, interval):
    while not stop.wait(interval):
        try:
            sweep()
        except Exception:
            logger.exception("The delivery sweep failed; trying again later.")
        finally:
            close_old_connections()
    connection.close()


class Command(DBWorkerCommand):
    help = "Run the background worker: tasks, and a sweep for interrupted deliveries."

    def handle(self, *args, **options):
        reloading = options.get("reload") and not options.get("batch")
        # Under the autoreloader only the child process runs the worker (and the sweep).
        if not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            sweep()
            close_old_connections()
            if not options.get("batch"):
                stop = threading.Event()
                thread = threading.Thread(
                    target=_sweep_forever,
                    args=(stop, settings.COMMENTS_DELIVERY_SWEEP_INTERVAL),
                    name="delivery-sweep",
                    daemon=True,
                )
                thread.start()
        return super().handle(*args, **options)
