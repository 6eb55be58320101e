"""Deliveries that must not be lost: outgoing mail and webhooks.

Each delivery is a row (``Delivery`` subclasses) created in the transaction of the decision
that causes it, together with the task that sends it (django-tasks-db stores tasks in the same
database, so a rolled-back decision leaves neither). One attempt:

1. takes the row under ``SELECT … FOR UPDATE SKIP LOCKED``, checks it is still pending and due,
   counts the attempt and leases the row for ``COMMENTS_DELIVERY_LEASE`` seconds (committed);
2. sends, outside any transaction;
3. records the outcome: sent; or, on an error, a retry after an exponential backoff
   (``COMMENTS_DELIVERY_RETRY_DELAY`` doubled per attempt, at most
   ``COMMENTS_DELIVERY_MAX_DELAY``) with a new task, until ``COMMENTS_DELIVERY_MAX_ATTEMPTS``
   attempts have failed: then the row is marked failed, with its last error, for the admin.

A worker killed during step 2 leaves the row leased but pending: once the lease has expired,
``comments.sweep`` (run by every worker, ``comments_worker``) enqueues it again; a worker
killed at any other point leaves its task RUNNING, which the sweep enqueues again too. The
row's unique ``key`` is its idempotency key: the same notification is never created twice, and
a sent row is never sent again. Only a worker killed after the receiver accepted and before
step 3 committed can repeat a delivery; the receiver can tell by its stable id (Message-ID,
delivery id).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Cancelled(Exception):
    """The delivery is no longer wanted (its comment was hidden, the address unsubscribed)."""


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held for a digest")

    key = models.CharField(_("idempotency key"), max_length=300, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    locked_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # What the delivery carries (personal data, signed links), as each field is once emptied
    # (comments.privacy.empty_old_deliveries); the rest of the row is the log.
    CONTENTS = {}

    class Meta:
        abstract = True


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed attempt: 1×, 2×, 4×… the first delay."""
    delay = settings.COMMENTS_DELIVERY_RETRY_DELAY * 2 ** (attempts - 1)
    return min(delay, settings.COMMENTS_DELIVERY_MAX_DELAY)


def _claim(model, pk, now):
    with transaction.atomic():
        row = model.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None or row.status != Delivery.Status.PENDING or row.next_attempt_at > now:
            return None
        if row.locked_until is not None and row.locked_until > now:
            return None  # another worker is on it
        row.attempts += 1
        row.locked_until = now + timedelta(seconds=settings.COMMENTS_DELIVERY_LEASE)
        row.save(update_fields=["attempts", "locked_until"])
        return row


def _finish(model, pk, **fields):
    model.objects.filter(pk=pk).update(locked_until=None, **fields)


def attempt(model, pk, send, enqueue):
    """Make one attempt at delivery ``pk`` of ``model``; return its status afterwards.

    ``send(row)`` delivers (raising on failure, or ``Cancelled``); ``enqueue(pk, run_after)``
    enqueues the next attempt's task.
    """
    now = timezone.now()
    row = _claim(model, pk, now)
    if row is None:
        return None
    try:
        send(row)
    except Cancelled as reason:
        _finish(model, pk, status=Delivery.Status.CANCELLED, last_error=str(reason),
                finished_at=timezone.now())  # fmt: skip
        return Delivery.Status.CANCELLED
    except Exception as error:
        return failed(model, row, error, enqueue)
    _finish(model, pk, status=Delivery.Status.SENT, finished_at=timezone.now(), last_error="")
    return Delivery.Status.SENT


def failed(model, row, error, enqueue):
    """Record a failed attempt at ``row`` (claimed): a retry after the backoff, with its task,
    or, after the last attempt, the failure. Returns the status afterwards."""
    pk = row.pk
    message = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        if row.attempts >= settings.COMMENTS_DELIVERY_MAX_ATTEMPTS:
            logger.error("%s %s failed after %d attempts: %s", model.__name__, pk,
                         row.attempts, message)  # fmt: skip
            _finish(model, pk, status=Delivery.Status.FAILED, last_error=message,
                    finished_at=timezone.now())  # fmt: skip
            return Delivery.Status.FAILED
        run_after = timezone.now() + timedelta(seconds=retry_delay(row.attempts))
        logger.warning("%s %s attempt %d failed (%s); next at %s", model.__name__, pk,
                       row.attempts, message, run_after)  # fmt: skip
        _finish(model, pk, next_attempt_at=run_after, last_error=message)
        enqueue(pk, run_after)
    return Delivery.Status.PENDING


def claim_many(queryset, now):
    """Claim every due, unleased, pending delivery of ``queryset`` at once (one attempt each,
    leased); returns them. The batch form of one attempt's first step."""
    lease = now + timedelta(seconds=settings.COMMENTS_DELIVERY_LEASE)
    with transaction.atomic():
        rows = list(
            queryset.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(models.Q(locked_until__isnull=True) | models.Q(locked_until__lte=now))
            .order_by("pk")
        )
        if rows:
            queryset.model.objects.filter(pk__in=[row.pk for row in rows]).update(
                attempts=models.F("attempts") + 1, locked_until=lease
            )
        for row in rows:
            row.attempts += 1
            row.locked_until = lease
    return rows


def finish_many(model, pks, **fields):
    """Record one outcome for many claimed deliveries in one statement."""
    if pks:
        model.objects.filter(pk__in=list(pks)).update(locked_until=None, **fields)


def stale(model, now=None):
    """Pending deliveries whose lease ran out: the worker sending them was killed."""
    now = now or timezone.now()
    return model.objects.filter(status=Delivery.Status.PENDING, locked_until__lt=now)


@transaction.atomic
def retry_now(model, rows, enqueue):
    """Send failed (or pending) deliveries again from the admin: a fresh set of attempts."""
    ids = list(
        model.objects.filter(
            pk__in=[row.pk for row in rows],
            status__in=[Delivery.Status.FAILED, Delivery.Status.PENDING],
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    model.objects.filter(pk__in=ids).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, locked_until=None,
        finished_at=None,
    )  # fmt: skip
    for pk in ids:
        enqueue(pk, None)
    return len(ids)
