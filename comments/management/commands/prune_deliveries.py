"""Delete sent and cancelled mail and webhook deliveries older than a number of days.

Failed ones stay until someone has looked at them (the admin can send them again). Mail held
for a digest stays with its digest. ``prune_db_task_results`` (django-tasks-db) does the same
for finished task rows.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from comments.delivery import Delivery
from comments.management.language import OperatorLanguageCommand
from comments.notifications.models import OutgoingMail
from comments.webhooks.models import WebhookDelivery


class Command(OperatorLanguageCommand):
    help = gettext_lazy(
        "Delete sent and cancelled mail and webhook deliveries older than --days days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *, days, **options):
        cutoff = timezone.now() - timedelta(days=days)
        done = [Delivery.Status.SENT, Delivery.Status.CANCELLED]
        for model in (OutgoingMail, WebhookDelivery):
            deleted, _ = model.objects.filter(status__in=done, finished_at__lt=cutoff).delete()
            self.stdout.write(
                ngettext("%(things)s: %(count)d deleted", "%(things)s: %(count)d deleted", deleted)
                % {"things": model._meta.verbose_name_plural, "count": deleted}
            )
