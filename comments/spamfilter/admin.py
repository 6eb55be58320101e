"""The moderators' rules in the admin, and the learned model's size with its reset button."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from . import learning, store
from .models import SpamRule

RESET_PERMISSIONS = ("comments.change_comment", "comments.change_spamrule")


@admin.register(SpamRule)
class SpamRuleAdmin(admin.ModelAdmin):
    list_display = ("pattern", "kind", "action", "hits", "last_hit_at", "note")
    list_filter = ("kind", "action")
    search_fields = ("pattern", "note")
    fields = ("kind", "pattern", "action", "note", "hits", "last_hit_at")
    readonly_fields = ("hits", "last_hit_at")
    list_per_page = 100
    show_full_result_count = False

    def get_urls(self):
        reset = path(
            "reset-model/",
            self.admin_site.admin_view(require_POST(self.reset_view)),
            name="comments_spamrule_reset_model",
        )
        return [reset, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        spam, ham = store.totals()
        context = {
            "model_spam": spam,
            "model_ham": ham,
            "can_reset": request.user.has_perms(RESET_PERMISSIONS),
            "reset_url": reverse("admin:comments_spamrule_reset_model"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def reset_view(self, request):
        """Forget everything the filter learned (a POST, CSRF-checked, moderators only)."""
        if not request.user.has_perms(RESET_PERMISSIONS):
            raise PermissionDenied
        learning.reset_model()
        self.message_user(
            request,
            gettext("The spam filter forgot everything it learned."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:comments_spamrule_changelist"))
