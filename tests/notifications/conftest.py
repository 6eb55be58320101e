import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

from tests.notifications.smtp import SMTPServer


@pytest.fixture
def smtp(settings):
    """A running SMTP server, and the project's settings pointed at it."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def worker(monkeypatch):
    """``worker()`` runs every task that is due, in this process, with django-tasks-db's own
    worker loop. Inside a test's transaction the loop must not close the connection between
    tasks (as Django's test client does not on request_finished)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return run_worker


def run_worker():
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
