from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..admin_columns import short_date_column
from ..delivery import Delivery, retry_now
from ..delivery_admin import DeliveryLogAdmin
from . import sending
from .models import WebhookDelivery


class WebhookStatusFilter(admin.SimpleListFilter):
    """The statuses a webhook delivery can have: only mail is held for a digest."""

    title = _("status")
    parameter_name = "status__exact"  # the address Django's own status filter used

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in Delivery.Status if s != Delivery.Status.HELD]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(DeliveryLogAdmin):
    list_display = (
        "event",
        "url",
        "state",
        "response_status",
        "error",
        short_date_column("created_at", _("created at")),
    )
    list_filter = (WebhookStatusFilter, "event")
    search_fields = ("url", "key", "delivery_id")

    @admin.action(description=_("Send selected deliveries again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = retry_now(WebhookDelivery, queryset, sending.enqueue_webhook)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
