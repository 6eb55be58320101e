"""Sent mail and webhook calls keep their contents (texts, signed links, payloads) for
COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS; the worker's sweep then empties them and keeps the
log row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comments.delivery import Delivery
from comments.notifications.models import OutgoingMail
from comments.privacy import empty_old_deliveries
from comments.sweep import sweep
from comments.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

TEXT = "Confirm: https://blog.example/notifications/confirm/eyJzIjoxfQ:1abc:sig/"


def _mail(key, status, days_ago):
    return OutgoingMail.objects.create(
        key=key, kind=OutgoingMail.Kind.CONFIRMATION, to="ann@example.com", status=status,
        subject="Confirm your address", body=TEXT, html=f"<p>{TEXT}</p>",
        headers={"List-Unsubscribe": "<https://blog.example/u/>"},
        finished_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


def _call(key, status, days_ago):
    return WebhookDelivery.objects.create(
        key=key, url="https://hooks.example.com/x", event="comment.created", status=status,
        body='{"comment": {"author": "Ann", "text": "Hello"}}',
        finished_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


def test_the_sweep_empties_old_sent_and_cancelled_contents_only(settings):
    settings.COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS = 30
    sent, cancelled = _mail("m1", Delivery.Status.SENT, 31), _mail("m2", "cancelled", 40)
    recent = _mail("m3", Delivery.Status.SENT, 29)
    failed = _mail("m4", Delivery.Status.FAILED, 90)  # kept: it may be sent again
    old_call, new_call = _call("w1", Delivery.Status.SENT, 31), _call("w2", "sent", 1)

    sweep()

    for mail in (sent, cancelled):
        mail.refresh_from_db()
        assert (mail.body, mail.html, mail.headers) == ("", "", {})
        # The log stays: what went where, and when.
        assert (mail.to, mail.subject) == ("ann@example.com", "Confirm your address")
        assert mail.finished_at is not None
    for mail in (recent, failed):
        mail.refresh_from_db()
        assert mail.body == TEXT and mail.headers
    old_call.refresh_from_db()
    new_call.refresh_from_db()
    assert old_call.body == "" and old_call.url == "https://hooks.example.com/x"
    assert new_call.body.startswith('{"comment"')
    # Nothing left to do: a no-op; later, the recent ones' time comes.
    assert empty_old_deliveries() == 0
    assert empty_old_deliveries(now=timezone.now() + timedelta(days=2)) == 1


def test_none_keeps_contents(settings):
    settings.COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS = None
    mail = _mail("m1", Delivery.Status.SENT, 400)
    assert empty_old_deliveries() == 0
    mail.refresh_from_db()
    assert mail.body == TEXT


def test_it_works_in_batches(settings):
    settings.COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS = 30
    for number in range(7):
        _mail(f"m{number}", Delivery.Status.SENT, 31 + number)
    assert empty_old_deliveries(batch_size=3, max_batches=2) == 6
    assert empty_old_deliveries(batch_size=3, max_batches=2) == 1
    assert not OutgoingMail.objects.exclude(body="").exists()


@pytest.mark.postgres
def test_the_sweeps_search_is_served_by_its_partial_index():
    for number in range(50):
        _mail(f"m{number}", Delivery.Status.SENT, number)
    cutoff = timezone.now() - timedelta(days=30)
    query = (
        OutgoingMail.objects.filter(status__in=["sent", "cancelled"], finished_at__lt=cutoff)
        .exclude(body="")
        .order_by("finished_at")
        .values_list("pk", flat=True)[:10]
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "mail_contents_kept_idx" in plan


def test_an_emptied_mail_still_shows_in_the_admin(settings, admin_client):
    settings.COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS = 30
    mail = _mail("m1", Delivery.Status.SENT, 31)
    empty_old_deliveries()
    page = admin_client.get(reverse("admin:comments_outgoingmail_change", args=[mail.pk]))
    assert page.status_code == 200
    assert "ann@example.com" in page.content.decode()
    assert "eyJzIjoxfQ" not in page.content.decode()  # the link is gone
