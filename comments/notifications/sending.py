"""Sending one queued mail: last checks, the digest's text, then ``comments.delivery``."""

from django.db import transaction
from django.utils import timezone

from .. import tasks
from ..delivery import Cancelled, Delivery, attempt
from ..models import Comment
from . import mail
from .models import OutgoingMail, Subscription


def _still_wanted(row):
    if mail.is_suppressed(row.to):
        raise Cancelled("The address asked for no more mail.")
    if row.kind == OutgoingMail.Kind.COMMENT:
        if row.subscription is None or row.subscription.status != Subscription.Status.CONFIRMED:
            raise Cancelled("The subscription has ended.")
        if row.comment is None or row.comment.status != Comment.Status.APPROVED:
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


def _send(row):
    _still_wanted(row)
    if row.kind == OutgoingMail.Kind.DIGEST and not row.body:
        _compose_digest(row)
    if row.kind == OutgoingMail.Kind.MODERATOR and not row.body:
        _compose_alert(row)
    mail.send(row)
    if row.kind == OutgoingMail.Kind.DIGEST:
        OutgoingMail.objects.filter(digest=row, status=Delivery.Status.HELD).update(
            status=Delivery.Status.SENT, finished_at=timezone.now()
        )


def deliver(mail_id):
    """One attempt at ``mail_id``; returns its status afterwards (None: not due or taken)."""
    return attempt(OutgoingMail, mail_id, _send, tasks.enqueue_mail)


@transaction.atomic
def queue(*, key, kind, to, subject="", body="", headers=None, run_after=None, **links):
    """Queue one mail and its task in the current transaction; None if ``key`` exists."""
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
    tasks.enqueue_mail(row.pk, run_after)
    return row
