"""Nothing is lost and nothing is sent twice: the queue lives in the decision's transaction,
a failed attempt is retried with backoff, a killed worker's delivery is taken over."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks_db.models import DBTaskResult

from comments.delivery import Delivery, retry_delay
from comments.notifications import fanout, sending
from comments.notifications.mail import message_id
from comments.notifications.models import OutgoingMail
from comments.sweep import sweep
from tests.factories import make_comment
from tests.html import soup
from tests.notifications.helpers import fast_forward, subscriber


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_comment_queues_and_sends_nothing(post, smtp, worker):
    subscriber(post, "bob@example.com")
    with pytest.raises(Boom), transaction.atomic():
        make_comment(post, body="Never committed.")
        # The task was written in the comment's transaction...
        assert DBTaskResult.objects.filter(task_path="comments.events.handle_event").exists()
        raise Boom
    # ...and went with it.
    assert not DBTaskResult.objects.exists()
    worker()
    assert smtp.messages == []
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_comment_is_sent(post, smtp, worker):
    subscriber(post, "bob@example.com")
    make_comment(post)
    worker()
    assert len(smtp.messages) == 1


def mail_while_smtp_is_down(post, smtp, worker):
    """A subscriber, a comment, and the worker's first attempt at its mail failing."""
    subscriber(post, "bob@example.com")
    make_comment(post)
    smtp.stop()
    worker()


@pytest.mark.django_db
def test_smtp_down_then_back_retries_and_delivers_once(post, smtp, worker, settings):
    settings.COMMENTS_DELIVERY_RETRY_DELAY = 60
    mail_while_smtp_is_down(post, smtp, worker)
    mail = OutgoingMail.objects.get()
    assert mail.status == Delivery.Status.PENDING
    assert mail.attempts == 1
    assert "Connection refused" in mail.last_error or "Errno" in mail.last_error
    assert mail.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # The retry is a task of its own that waits for its time.
    waiting = DBTaskResult.objects.get(
        status="READY", task_path="comments.notifications.sending.deliver_mail"
    )
    assert waiting.run_after == mail.next_attempt_at

    fast_forward()
    worker()  # still down: the second attempt waits twice as long
    mail.refresh_from_db()
    assert mail.attempts == 2
    assert mail.next_attempt_at > timezone.now() + timedelta(seconds=110)

    smtp.start()
    fast_forward()
    worker()
    mail.refresh_from_db()
    assert mail.status == Delivery.Status.SENT
    assert len(smtp.messages) == 1


def test_backoff_doubles_up_to_a_ceiling(settings):
    settings.COMMENTS_DELIVERY_RETRY_DELAY = 30
    settings.COMMENTS_DELIVERY_MAX_DELAY = 200
    assert [retry_delay(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


@pytest.mark.django_db
def test_after_the_last_attempt_it_is_failed_and_shown_in_the_admin(
    post, smtp, worker, settings, admin_client
):
    settings.COMMENTS_DELIVERY_MAX_ATTEMPTS = 3
    subscriber(post, "bob@example.com")
    make_comment(post)
    smtp.stop()
    for _ in range(4):
        worker()
        fast_forward()
    mail = OutgoingMail.objects.get()
    assert mail.status == Delivery.Status.FAILED
    assert mail.attempts == 3
    assert mail.last_error
    assert not DBTaskResult.objects.filter(status="READY").exists()

    changelist = reverse("admin:comments_outgoingmail_changelist")
    page = admin_client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "bob@example.com" in page
    assert "Failed" in page

    # A moderator sends it again once the server is back.
    smtp.start()
    admin_client.post(
        changelist, {"action": "send_again", "_selected_action": [mail.pk]}, follow=True
    )
    worker()
    mail.refresh_from_db()
    assert mail.status == Delivery.Status.SENT
    assert len(smtp.messages) == 1


def status_cell(admin_client):
    """The "Status" column of the outgoing mail list's one row: the status, the attempts made
    and, while one is due, the next attempt."""
    page = soup(admin_client.get(reverse("admin:comments_outgoingmail_changelist")))
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")]
    [row] = page.select("#result_list tbody tr")
    return row.select("th, td")[headers.index("Status")].get_text(" ", strip=True)


@pytest.mark.django_db
def test_the_admin_shows_a_next_attempt_only_while_one_is_due(post, smtp, worker, admin_client):
    mail_while_smtp_is_down(post, smtp, worker)
    mail = OutgoingMail.objects.get()
    assert mail.status == Delivery.Status.PENDING
    due = date_format(timezone.localtime(mail.next_attempt_at), "SHORT_DATETIME_FORMAT")
    assert status_cell(admin_client) == f"Pending 1 attempt, next {due}"

    smtp.start()
    fast_forward()
    worker()
    assert OutgoingMail.objects.get().status == Delivery.Status.SENT
    assert status_cell(admin_client) == "Sent 2 attempts"


def test_a_logged_mail_is_read_only_with_nothing_to_save(post, smtp, worker, admin_client):
    mail_while_smtp_is_down(post, smtp, worker)
    mail = OutgoingMail.objects.get()
    page = soup(admin_client.get(reverse("admin:comments_outgoingmail_change", args=[mail.pk])))
    assert page.select_one("#content h2").get_text(strip=True) == f"New comment → {mail.to}"
    assert not page.select('.submit-row input[type="submit"]')  # no Save buttons
    assert not page.select("fieldset input:not([type=hidden]), fieldset textarea")


def claim_like_a_worker(task_path, minutes_ago):
    """What django-tasks-db's worker does when it takes a task: mark it RUNNING."""
    result = DBTaskResult.objects.get(status="READY", task_path=task_path)
    result.claim("a-worker-that-will-be-killed")
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return result


@pytest.mark.django_db
def test_a_delivery_left_by_a_worker_killed_while_sending_is_taken_over(post, smtp, worker):
    subscriber(post, "bob@example.com")
    comment = make_comment(post)
    fanout.notify_subscribers([comment.pk])
    DBTaskResult.objects.filter(task_path="comments.events.handle_event").delete()
    claim_like_a_worker("comments.notifications.sending.deliver_mails", minutes_ago=1)
    mail = OutgoingMail.objects.get()
    # It had leased the mail and counted an attempt when it was killed.
    OutgoingMail.objects.filter(pk=mail.pk).update(
        attempts=1, locked_until=timezone.now() + timedelta(seconds=300)
    )
    assert sweep() == 0  # still leased: maybe it is only slow
    OutgoingMail.objects.filter(pk=mail.pk).update(locked_until=timezone.now() - timedelta(1))
    assert sweep() == 1
    worker()
    mail.refresh_from_db()
    assert mail.status == Delivery.Status.SENT
    assert mail.attempts == 2
    assert len(smtp.messages) == 1
    assert sweep() == 0


@pytest.mark.django_db
def test_a_task_left_running_by_a_killed_worker_runs_again(post, smtp, worker):
    subscriber(post, "bob@example.com")
    make_comment(post)
    # Killed right after claiming the fan-out task, before it did anything.
    claimed = claim_like_a_worker("comments.events.handle_event", minutes_ago=1)
    assert sweep() == 0  # it may still be running
    DBTaskResult.objects.filter(pk=claimed.pk).update(
        started_at=timezone.now() - timedelta(minutes=10)
    )
    assert sweep() == 1
    claimed.refresh_from_db()
    assert claimed.status == "FAILED"
    worker()
    assert len(smtp.messages) == 1
    assert sweep() == 0


@pytest.mark.django_db
def test_a_sent_mail_is_never_sent_again(post, smtp, worker):
    subscriber(post, "bob@example.com")
    comment = make_comment(post)
    worker()
    mail = OutgoingMail.objects.get()
    # The same task again, the same notification again, a sweep: nothing more goes out.
    assert sending.deliver(mail.pk) is None
    fanout.notify_subscribers([comment.pk])
    sweep()
    worker()
    assert len(smtp.messages) == 1
    assert OutgoingMail.objects.count() == 1


@pytest.mark.django_db
def test_every_attempt_carries_the_same_message_id(post, smtp, worker):
    mail_while_smtp_is_down(post, smtp, worker)
    smtp.start()
    fast_forward()
    worker()
    [message] = smtp.messages
    mail = OutgoingMail.objects.get()
    assert message["Message-ID"] == message_id(mail.key)


@pytest.mark.django_db
def test_pruning_keeps_recent_and_failed_deliveries(post, smtp, worker):
    subscriber(post, "bob@example.com")
    subscriber(post, "cat@example.com")
    make_comment(post)
    worker()
    old = timezone.now() - timedelta(days=40)
    OutgoingMail.objects.update(finished_at=old)
    OutgoingMail.objects.filter(to="cat@example.com").update(status=Delivery.Status.FAILED)
    out = io.StringIO()
    call_command("prune_deliveries", "--days", "30", "--dry-run", stdout=out)
    assert f"{OutgoingMail._meta.verbose_name_plural}: 1 would be deleted (dry run)" in (
        out.getvalue()
    )
    assert OutgoingMail.objects.count() == 2
    out = io.StringIO()
    call_command("prune_deliveries", "--days", "30", stdout=out)
    assert f"{OutgoingMail._meta.verbose_name_plural}: 1 deleted" in out.getvalue()
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["cat@example.com"]
