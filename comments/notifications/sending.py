"""Sending queued mail: last checks, the digest's text, then ``comments.delivery``.

Mail to many subscribers is sent in batches (``BATCH`` mails per task, one SMTP connection),
each mail still its own attempt with its own retries.
"""

from functools import partial

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .. import tasks
from ..delivery import Cancelled, Delivery, attempt
from ..models import Comment
from . import mail
from .models import OutgoingMail, Subscription, Suppression

BATCH = 25


def _still_wanted(row):
    """One query: is the address suppressed, the subscription on, the comment visible?"""
    state = (
        OutgoingMail.objects.filter(pk=row.pk)
        .annotate(suppressed=Exists(Suppression.objects.filter(email=OuterRef("to"))))
        .values("suppressed", "subscription__status", "comment__status")
        .get()
    )
    if state["suppressed"]:
        raise Cancelled("The address asked for no more mail.")
    if row.kind == OutgoingMail.Kind.COMMENT:
        if state["subscription__status"] != Subscription.Status.CONFIRMED:
            raise Cancelled("The subscription has ended.")
        if state["comment__status"] != Comment.Status.APPROVED:
            raise Cancelled("The comment is no longer visible.")


def _held_for(digest):
    return list(
        OutgoingMail.objects.filter(
            digest=digest,
            status=Delivery.Status.HELD,
            comment__status=Comment.Status.APPROVED,
            subscription__status=Subscription.Status.CONFIRMED,
        )
        .select_related("comment__post", "subscription")
        .order_by("created_at", "pk")
    )


def _compose_digest(row):
    """A digest's text is written when it is first sent: what was held until then."""
    held = _held_for(row)
    if not held:
        raise Cancelled("Nothing left to send.")
    row.subject, row.body, row.headers = mail.digest(held, row.to)
    OutgoingMail.objects.filter(pk=row.pk).update(
        subject=row.subject, body=row.body, headers=row.headers
    )


def _compose_alert(row):
    from .moderators import compose

    row.subject, row.body, row.headers = compose(row)
    OutgoingMail.objects.filter(pk=row.pk).update(
        subject=row.subject, body=row.body, headers=row.headers
    )


def _send(row, connection=None):
    _still_wanted(row)
    if row.kind == OutgoingMail.Kind.DIGEST and not row.body:
        _compose_digest(row)
    if row.kind == OutgoingMail.Kind.MODERATOR and not row.body:
        _compose_alert(row)
    try:
        mail.send(row, connection)
    except Exception:
        if connection is not None:
            connection.close()  # the next mail of the batch opens a fresh one
        raise
    if row.kind == OutgoingMail.Kind.DIGEST:
        OutgoingMail.objects.filter(digest=row, status=Delivery.Status.HELD).update(
            status=Delivery.Status.SENT, finished_at=timezone.now()
        )


def deliver(mail_id):
    """One attempt at ``mail_id``; returns its status afterwards (None: not due or taken)."""
    return attempt(OutgoingMail, mail_id, _send, tasks.enqueue_mail)


def deliver_many(mail_ids):
    """One attempt at each mail, over one SMTP connection; a failed one is retried alone."""
    connection = get_connection(fail_silently=False)
    try:
        return [
            attempt(OutgoingMail, pk, partial(_send, connection=connection), tasks.enqueue_mail)
            for pk in mail_ids
        ]
    finally:
        connection.close()


def enqueue_batches(mail_ids):
    """Enqueue the sending of new mails in batches of ``BATCH`` (inside the transaction)."""
    mail_ids = list(mail_ids)
    for start in range(0, len(mail_ids), BATCH):
        tasks.deliver_mails.enqueue(mail_ids[start : start + BATCH])


@transaction.atomic
def queue(
    *, key, kind, to, subject="", body="", headers=None, run_after=None, enqueue=True, **links
):
    """Queue one mail (and, unless ``enqueue`` is false, its task) in the current transaction;
    None if ``key`` exists."""
    row, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "to": to,
            "subject": subject,
            "body": body,
            "headers": headers or {},
            "next_attempt_at": run_after or timezone.now(),
            **links,
        },
    )
    if not created:
        return None
    if enqueue:
        tasks.enqueue_mail(row.pk, run_after)
    return row
