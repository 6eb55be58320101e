"""The admin's view of a delivery log (mail, webhooks): read-only rows, newest first."""

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_columns import short_date, with_detail
from .admin_params import RefuseBadLookupsMixin


class DeliveryLogAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    """Rows the worker writes: a moderator reads them and may send failed ones again, but
    never adds or edits one by hand."""

    ordering = ("-created_at", "-id")
    show_full_result_count = False
    actions = ["send_again"]

    class Media:
        css = {"all": ["comments/admin-logs.css"]}

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A row has nothing to save: every field is read-only, so no Save buttons."""
        buttons = {"show_save": False, "show_save_and_continue": False}
        return super().change_view(
            request, object_id, form_url, {**buttons, **(extra_context or {})}
        )

    @admin.display(description=_("status"), ordering="status")
    def state(self, delivery):
        """The status, the attempts made, and for a pending delivery when the next one is due
        (a sent, failed or cancelled one has none): one column where three did not fit."""
        details = []
        if delivery.attempts:
            details.append(
                ngettext("%(count)d attempt", "%(count)d attempts", delivery.attempts)
                % {"count": delivery.attempts}
            )
        if delivery.status == delivery.Status.PENDING:
            details.append(_("next %(when)s") % {"when": short_date(delivery.next_attempt_at)})
        return with_detail(delivery.get_status_display(), ", ".join(details))

    @admin.display(description=_("last error"))
    def error(self, delivery):
        return Truncator(delivery.last_error).chars(80)
