import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..delivery import Delivery


class WebhookDelivery(Delivery):
    """One event for one endpoint. The body is kept as sent, so every attempt carries the same
    bytes, signature and delivery id (``X-Comments-Delivery``)."""

    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True)
    url = models.URLField(_("endpoint"), max_length=500)
    event = models.CharField(_("event"), max_length=50)
    body = models.TextField(_("body"))
    response_status = models.PositiveIntegerField(_("last response status"), null=True, blank=True)

    CONTENTS = {"body": ""}

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
            # The sweep's search for payloads to empty: only rows still holding them.
            models.Index(
                fields=["finished_at"],
                condition=models.Q(status__in=["sent", "cancelled"]) & ~models.Q(body=""),
                name="webhook_contents_kept_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.url}"
