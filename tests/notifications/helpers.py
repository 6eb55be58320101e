from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.notifications.models import OutgoingMail, Subscription
from comments.webhooks.models import WebhookDelivery


def subscriber(post, email, status=Subscription.Status.CONFIRMED):
    return Subscription.objects.create(post=post, email=email, status=status)


def fast_forward():
    """Make every waiting retry and digest due now, as if their time had come."""
    now = timezone.now()
    for model in (OutgoingMail, WebhookDelivery):
        model.objects.filter(next_attempt_at__gt=now).update(next_attempt_at=now)
    DBTaskResult.objects.filter(status="READY", run_after__gt=now).update(run_after=now)
