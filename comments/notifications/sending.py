"""Sending queued mail: last checks, the digest's text, then ``comments.delivery``.

Mail to many subscribers is sent in batches (``BATCH`` mails per task): the batch is claimed
in one statement, checked in the same query, sent over one SMTP connection, and its outcome
recorded in one statement; each mail is still its own attempt, and a mail that fails is
retried alone with its own backoff. Several workers share the batches of one comment.
"""

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django_tasks import task

from ..delivery import Cancelled, Delivery, attempt, claim_many, failed, finish_many
from ..models import Comment
from . import alerts, mail
from .models import OutgoingMail, Subscription, Suppression

BATCH = 100
# Sent mails are recorded every this many: a worker killed mid-batch repeats at most these
# (each with its Message-ID, so a receiver can drop the repeat).
RECORD_EVERY = 20
# Mails sent by the batch path; digests and alerts are written when sent, one by one.
SIMPLE = (OutgoingMail.Kind.COMMENT, OutgoingMail.Kind.CONFIRMATION)


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
    row.subject, row.body, row.html, row.headers = mail.digest(held, row.to)
    OutgoingMail.objects.filter(pk=row.pk).update(
        subject=row.subject, body=row.body, html=row.html, headers=row.headers
    )


def _compose_alert(row):
    row.subject, row.body, row.html, row.headers = alerts.compose(row)
    OutgoingMail.objects.filter(pk=row.pk).update(
        subject=row.subject, body=row.body, html=row.html, headers=row.headers
    )


def _compose_comment(row, texts=None):
    """A comment's mail is written when sent, from the comment as it is then: rendered once
    per comment (``texts``, shared by a batch), with the recipient's own links filled in."""
    texts = texts or mail.CommentMail(row.comment)
    row.subject, row.body, row.html, row.headers = texts.for_subscription(row.subscription)


def _send(row, connection=None):
    _still_wanted(row)
    if row.kind == OutgoingMail.Kind.COMMENT and not row.body:
        _compose_comment(row)
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
    return attempt(OutgoingMail, mail_id, _send, enqueue_mail)


def _unwanted(row):
    """Why a claimed batch row must not be sent (its checks were read with it), or None."""
    if row.suppressed:
        return "The address asked for no more mail."
    if row.kind == OutgoingMail.Kind.COMMENT:
        if row.subscription_status != Subscription.Status.CONFIRMED:
            return "The subscription has ended."
        if row.comment_status != Comment.Status.APPROVED:
            return "The comment is no longer visible."
    return None


def deliver_many(mail_ids):
    """One attempt at each mail, over one SMTP connection; a failed one is retried alone.

    Returns how many were sent."""
    now = timezone.now()
    batch = (
        OutgoingMail.objects.filter(pk__in=mail_ids, kind__in=SIMPLE)
        .select_related("comment__post", "subscription")
        .annotate(
            suppressed=Exists(Suppression.objects.filter(email=OuterRef("to"))),
            subscription_status=F("subscription__status"),
            comment_status=F("comment__status"),
        )
    )
    rows = claim_many(batch, now)
    claimed = {row.pk for row in rows}
    # Digests and alerts (or rows another worker holds): one attempt each, the usual way.
    for pk in set(mail_ids) - claimed:
        deliver(pk)
    cancelled = {}
    for row in rows:
        reason = _unwanted(row)
        if reason:
            cancelled.setdefault(reason, []).append(row.pk)
    for reason, pks in cancelled.items():
        finish_many(OutgoingMail, pks, status=Delivery.Status.CANCELLED, last_error=reason,
                    finished_at=timezone.now())  # fmt: skip
    skipped = {pk for pks in cancelled.values() for pk in pks}
    todo = [row for row in rows if row.pk not in skipped]
    texts = {}  # comment id -> its mail, rendered once for the batch
    for row in todo:
        if row.kind == OutgoingMail.Kind.COMMENT and row.comment_id not in texts:
            texts[row.comment_id] = mail.CommentMail(row.comment)
    sent = []
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # the server is down: every mail of the batch waits
        for row in todo:
            failed(OutgoingMail, row, error, enqueue_mail)
        return 0
    smtp = isinstance(connection, SMTPBackend)
    sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
    try:
        for row in todo:
            try:
                data = None
                if row.kind == OutgoingMail.Kind.COMMENT and not row.body:
                    if smtp:
                        data = texts[row.comment_id].wire(row.key, row.to, row.subscription)
                    if data is None:
                        _compose_comment(row, texts[row.comment_id])
                if data is not None:
                    connection.open()  # a no-op unless a failure closed it
                    connection.connection.sendmail(sender, [row.to], data)
                else:
                    connection.send_messages([mail.message(row, connection)])
            except Exception as error:
                connection.close()  # the next mail opens a fresh connection
                failed(OutgoingMail, row, error, enqueue_mail)
            else:
                sent.append(row.pk)
                if len(sent) % RECORD_EVERY == 0:
                    _record_sent(sent[-RECORD_EVERY:])
    finally:
        connection.close()
        _record_sent(sent[len(sent) - len(sent) % RECORD_EVERY :])
    return len(sent)


def _record_sent(pks):
    finish_many(OutgoingMail, pks, status=Delivery.Status.SENT, finished_at=timezone.now(),
                last_error="")  # fmt: skip


def enqueue_batches(mail_ids):
    """Enqueue the sending of new mails in batches of ``BATCH`` (inside the transaction)."""
    mail_ids = list(mail_ids)
    for start in range(0, len(mail_ids), BATCH):
        deliver_mails.enqueue(mail_ids[start : start + BATCH])


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
        enqueue_mail(row.pk, run_after)
    return row


# The worker's tasks (django-tasks; ``comments.tasks`` lists every task of the app).


@task()
def deliver_mail(mail_id):
    """One attempt at sending one queued mail (retried with backoff on failure)."""
    return deliver(mail_id)


@task()
def deliver_mails(mail_ids):
    """One attempt at each of several queued mails, over one SMTP connection."""
    return deliver_many(mail_ids)


def enqueue_mail(mail_id, run_after=None):
    deliver_mail.using(run_after=run_after).enqueue(mail_id)
