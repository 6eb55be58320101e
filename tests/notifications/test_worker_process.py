"""End to end with the real worker process (``manage.py comments_worker``) and a real SMTP
server: the comment form, a moderator's approval, the worker, the mail; SMTP going away and
coming back; a worker killed in the middle of a delivery."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from comments.delivery import Delivery
from comments.events import comments_event
from comments.models import Comment
from comments.notifications.models import OutgoingMail, Subscription
from tests.notifications.helpers import subscriber
from tests.notifications.receiver import SECRET, Receiver
from tests.notifications.smtp import SMTPServer, body_of, links_in
from tests.posting import comment_url, form_data

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, smtp_port, **extra_env):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "blogapp.settings.test",
            "DATABASE_URL": database_url(),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "SITE_URL": "http://testserver",
            "COMMENTS_DELIVERY_RETRY_DELAY": "0.2",
            "COMMENTS_DELIVERY_MAX_DELAY": "1",
            "COMMENTS_DELIVERY_SWEEP_INTERVAL": "0.2",
            **extra_env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "comments_worker", "--no-reload",
             "--no-startup-delay", "--interval", "0.1"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers():
    started = []

    def start(port, **env):
        worker = WorkerProcess(port, **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop(signal.SIGKILL)


def wait_until(condition, timeout=60):
    """Wait for the worker to get somewhere (a bound on waiting, not a measurement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not get there in time")
        time.sleep(0.05)


def approve(admin_client, comment):
    admin_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve_comments", "_selected_action": [comment.pk]},
    )


@pytest.fixture
def receiver(settings):
    receiver = Receiver()
    settings.COMMENTS_WEBHOOKS = [{"url": receiver.url, "secret": SECRET}]
    yield receiver
    receiver.close()


def test_form_approval_worker_smtp(settings, post, admin_client, smtp_server, workers, receiver):
    settings.COMMENTS_MODERATION = "all"
    workers(smtp_server.port, COMMENTS_WEBHOOKS=json.dumps(settings.COMMENTS_WEBHOOKS))
    ann = Client()
    data = form_data(ann, post, name="Ann", email="ann@example.com", notify_post="on",
                     body="Keep me posted.")  # fmt: skip
    assert ann.post(comment_url(post), data).status_code == 302

    [confirmation] = smtp_server.wait_for(1)
    assert confirmation["To"] == "ann@example.com"
    link = next(link for link in links_in(confirmation) if "/confirm/" in link)
    assert ann.post(link.removeprefix("http://testserver")).status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED

    bob = Client()
    data = form_data(bob, post, name="Bob", email="bob@example.com", body="A reply from Bob.")
    bob.post(comment_url(post), data)
    approve(admin_client, Comment.objects.get(author_name="Ann"))  # her own: no mail to her
    approve(admin_client, Comment.objects.get(author_name="Bob"))

    messages = smtp_server.wait_for(2)
    assert messages[1]["To"] == "ann@example.com"
    assert "A reply from Bob." in body_of(messages[1])
    assert messages[1]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The SMTP server goes away: the worker retries until it is back.
    smtp_server.stop()
    cat = Client()
    cat.post(comment_url(post), form_data(cat, post, name="Cat", email="", body="Cat was here."))
    approve(admin_client, Comment.objects.get(author_name="Cat"))
    wait_until(
        lambda: OutgoingMail.objects.filter(comment__author_name="Cat", attempts__gte=2).exists()
    )
    mail = OutgoingMail.objects.get(comment__author_name="Cat")
    assert mail.status == Delivery.Status.PENDING
    assert mail.last_error
    smtp_server.start()
    messages = smtp_server.wait_for(3)
    assert "Cat was here." in body_of(messages[2])
    wait_until(lambda: OutgoingMail.objects.filter(status=Delivery.Status.SENT).count() == 3)
    assert len(smtp_server.messages) == 3

    # The same worker posted every decision to the webhook endpoint, signed.
    wait_until(lambda: len(receiver.requests) == 6)
    events = sorted(
        (r["body"]["comment"]["author_name"], r["body"]["event"]) for r in receiver.requests
    )
    assert events == [
        (name, event)
        for name in ("Ann", "Bob", "Cat")
        for event in ("comment.approved", "comment.created")
    ]
    assert all(r["signed"] for r in receiver.requests)


class Blackhole:
    """A server that accepts connections and never answers: an SMTP send hangs on it."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen()
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        for conn in self.held:
            conn.close()
        self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.sock.close()


def test_a_worker_killed_mid_delivery_is_taken_over(post, workers):
    server = SMTPServer()  # its port, not yet started
    hole = Blackhole(server.port)
    subscriber(post, "bob@example.com")
    comment = Comment.objects.create(
        post=post, author_name="Ann", body="x", body_html="<p>x</p>", status="approved"
    )
    with transaction.atomic():
        comments_event(None, [comment.pk], published=True)
    lease = {"COMMENTS_DELIVERY_LEASE": "2", "EMAIL_TIMEOUT": "60"}
    first = workers(server.port, **lease)
    wait_until(lambda: OutgoingMail.objects.filter(attempts=1, locked_until__isnull=False).exists())
    first.stop(signal.SIGKILL)  # in the middle of the SMTP conversation
    hole.close()
    server.start()
    try:
        workers(server.port, **lease)
        server.wait_for(1)
        wait_until(lambda: OutgoingMail.objects.get().status == Delivery.Status.SENT)
        assert OutgoingMail.objects.get().attempts == 2
        assert len(server.messages) == 1
    finally:
        server.stop()
