from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import tasks
from ..delivery import retry_now
from .models import WebhookDelivery


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "event",
        "url",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
        "error",
        "created_at",
    )
    list_filter = ("status", "event")
    search_fields = ("url", "key", "delivery_id")
    ordering = ("-created_at", "-id")
    actions = ["send_again"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("last error"))
    def error(self, delivery):
        return Truncator(delivery.last_error).chars(80)

    @admin.action(description=_("Send selected deliveries again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = retry_now(WebhookDelivery, queryset, tasks.enqueue_webhook)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
