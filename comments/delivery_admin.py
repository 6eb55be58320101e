"""The admin's view of a delivery log (mail, webhooks): read-only rows, newest first."""

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .admin_params import RefuseBadLookupsMixin


class DeliveryLogAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    """Rows the worker writes: a moderator reads them and may send failed ones again, but
    never adds or edits one by hand."""

    ordering = ("-created_at", "-id")
    show_full_result_count = False
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("next attempt at"), ordering="next_attempt_at")
    def next_attempt(self, delivery):
        """Only a pending delivery has one; a sent, failed or cancelled row shows none."""
        if delivery.status == delivery.Status.PENDING:
            return delivery.next_attempt_at
        return None

    @admin.display(description=_("last error"))
    def error(self, delivery):
        return Truncator(delivery.last_error).chars(80)
