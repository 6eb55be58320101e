"""Alerts for moderators about comments waiting in the queue (opt-in per staff user).

``ModeratorAlerts.frequency`` (set in the admin): ``batched`` gathers the comments held within
``COMMENTS_MODERATOR_ALERT_BATCH`` seconds into one mail at the end of that period; ``daily``
sends one mail a day, after ``COMMENTS_MODERATOR_DIGEST_HOUR``, about the whole queue. Only
active staff users who may change comments and have an address get them. An alert's text is
written when it is sent (``alerts.compose``), from the comments still pending then; with none,
nothing is sent.
"""

import math
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Comment
from . import sending
from .models import ModeratorAlerts, OutgoingMail


def _moderators(frequency):
    alerts = ModeratorAlerts.objects.filter(
        frequency=frequency, user__is_active=True, user__is_staff=True
    ).exclude(user__email="")
    return [
        a.user for a in alerts.select_related("user") if a.user.has_perm("comments.change_comment")
    ]


def _batch(now):
    size = settings.COMMENTS_MODERATOR_ALERT_BATCH
    start = math.floor(now.timestamp() / size) * size
    return int(start), int(start + size)


@transaction.atomic
def comment_held(comment_id):
    """Queue this period's alert for every batched moderator (one mail per period)."""
    created_at = Comment.objects.filter(pk=comment_id).values_list("created_at", flat=True).first()
    if created_at is None:
        return
    start, end = _batch(created_at)
    for user in _moderators(ModeratorAlerts.Frequency.BATCHED):
        sending.queue(
            key=f"moderator:{user.pk}:{start}:{end}",
            kind=OutgoingMail.Kind.MODERATOR,
            to=user.email,
            run_after=datetime.fromtimestamp(end, tz=UTC),
        )


def daily_alerts(now=None):
    """Queue today's alert for every daily moderator once the hour has come."""
    now = timezone.localtime(now)
    if now.hour < settings.COMMENTS_MODERATOR_DIGEST_HOUR:
        return
    day = now.date().isoformat()
    with transaction.atomic():
        for user in _moderators(ModeratorAlerts.Frequency.DAILY):
            sending.queue(
                key=f"moderator-daily:{user.pk}:{day}",
                kind=OutgoingMail.Kind.MODERATOR,
                to=user.email,
            )
