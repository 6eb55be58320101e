"""What a moderator alert says: written when it is sent, from the comments pending then."""

from datetime import UTC, datetime

from ..delivery import Cancelled
from ..models import Comment
from . import mail
from .models import ModeratorAlerts

LISTED = 20  # comments listed in one alert; the rest are counted


def compose(row):
    """Subject, body and headers of a queued alert, from what is pending now."""
    kind, user_id, *period = row.key.split(":")
    daily = kind == "moderator-daily"
    wanted = ModeratorAlerts.Frequency.DAILY if daily else ModeratorAlerts.Frequency.BATCHED
    if not ModeratorAlerts.objects.filter(user_id=int(user_id), frequency=wanted).exists():
        raise Cancelled("The moderator no longer wants these alerts.")
    pending = Comment.objects.pending().select_related("post").order_by("created_at", "pk")
    if not daily:
        start, end = (datetime.fromtimestamp(int(t), tz=UTC) for t in period)
        pending = pending.filter(created_at__gte=start, created_at__lt=end)
    total = pending.count()
    if not total:
        raise Cancelled("No comment is waiting any more.")
    return mail.moderator_alert(list(pending[:LISTED]), total=total, daily=daily)
