"""Delete sent and cancelled mail and webhook deliveries older than a number of days.

Failed ones stay until someone has looked at them (the admin can send them again). Mail held
for a digest stays with its digest. ``prune_db_task_results`` (django-tasks-db) does the same
for finished task rows.
"""

from datetime import timedelta

from django.db import transaction
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
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Count what would be deleted; delete nothing."),
        )

    @transaction.atomic
    def handle(self, *, days, dry_run, **options):
        cutoff = timezone.now() - timedelta(days=days)
        done = [Delivery.Status.SENT, Delivery.Status.CANCELLED]
        for model in (OutgoingMail, WebhookDelivery):
            old = model.objects.filter(status__in=done, finished_at__lt=cutoff)
            if dry_run:
                count = old.count()
                message = ngettext(
                    "%(things)s: %(count)d would be deleted (dry run)",
                    "%(things)s: %(count)d would be deleted (dry run)",
                    count,
                )
            else:
                count = old.delete()[1].get(model._meta.label, 0)
                message = ngettext(
                    "%(things)s: %(count)d deleted", "%(things)s: %(count)d deleted", count
                )
            self.stdout.write(message % {"things": model._meta.verbose_name_plural, "count": count})
