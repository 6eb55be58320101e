"""Subscriptions, suppressed addresses and the mail queue in the admin."""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..admin_columns import short_date, short_date_column, with_detail
from ..admin_params import RefuseBadLookupsMixin
from ..delivery import retry_now
from ..delivery_admin import DeliveryLogAdmin
from . import sending
from .models import ModeratorAlerts, OutgoingMail, Subscription, Suppression
from .subscriptions import subscription_cancel


class FollowsFilter(admin.SimpleListFilter):
    """What a subscription follows, in the words of its column: a post, or a comment's
    replies."""

    title = _("follows")
    parameter_name = "follows"
    POST = "post"
    REPLIES = "replies"

    def lookups(self, request, model_admin):
        return [
            (self.POST, _("new comments on the post")),
            (self.REPLIES, _("replies to a comment")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.POST:
            return queryset.filter(thread__isnull=True)
        if self.value() == self.REPLIES:
            return queryset.filter(thread__isnull=False)
        return queryset


class SubscriptionForm(forms.ModelForm):
    """The one field a moderator may change: the language its mail is written in, one of the
    site's (empty: the site's default)."""

    class Meta:
        model = Subscription
        fields = ["language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(
            label=self.fields["language"].label,
            choices=[("", _("The site's default")), *settings.LANGUAGES],
            required=False,
        )


@admin.register(Subscription)
class SubscriptionAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = (
        "email",
        "post",
        "follows",
        "state",
        short_date_column("created_at", _("created at")),
    )
    list_filter = ("status", FollowsFilter)
    search_fields = ("email", "post__title")
    list_select_related = ("post",)
    raw_id_fields = ("post", "thread")
    # What it is first; the mail's language (the one field to change) beside its status.
    fields = (
        "post",
        "thread",
        "email",
        "status",
        "language",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    readonly_fields = (
        "post",
        "thread",
        "email",
        "status",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    actions = ["unsubscribe"]

    class Media:
        css = {"all": ["comments/admin-logs.css"]}

    def has_add_permission(self, request):
        # Subscriptions start from the comment form, with the address's own confirmation.
        return False

    @admin.display(description=_("status"), ordering="status")
    def state(self, subscription):
        """The status and since when: one column instead of three date columns."""
        since = {
            Subscription.Status.CONFIRMED: subscription.confirmed_at,
            Subscription.Status.UNSUBSCRIBED: subscription.unsubscribed_at,
        }.get(subscription.status)
        return with_detail(subscription.get_status_display(), since and short_date(since))

    @admin.display(description=_("follows"))
    def follows(self, subscription):
        if subscription.thread_id:
            return _("replies to comment #%(id)s") % {"id": subscription.thread_id}
        return _("new comments on the post")

    @admin.action(description=_("Unsubscribe selected subscriptions"), permissions=["change"])
    def unsubscribe(self, request, queryset):
        changed = 0
        for subscription in queryset:
            subscription_cancel(subscription_id=subscription.pk, email=subscription.email)
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d subscription ended.", "%(count)d subscriptions ended.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Suppression)
class SuppressionAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    list_display = ("email", "created_at")
    search_fields = ("email",)
    readonly_fields = ("created_at",)


def without_signed_links(text):
    """``text`` with the token of each confirmation or unsubscribe link cut to "…": the log
    shows where a mail linked, but a staff user cannot use a reader's link (confirming an
    address for its owner would defeat double opt-in)."""
    prefixes = [
        reverse(name, args=["-"])[:-2]
        for name in ("comments:subscription_confirm", "comments:unsubscribe")
    ]
    pattern = "(" + "|".join(map(re.escape, prefixes)) + r")[^/\s\"'<>]+/"
    return re.sub(pattern, r"\1…/", text)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(DeliveryLogAdmin):
    list_display = (
        "kind",
        "to",
        "about",
        "state",
        "error",
        short_date_column("created_at", _("created at")),
    )
    list_filter = ("status", "kind")
    search_fields = ("to", "subject", "key")
    raw_id_fields = ("comment", "subscription", "digest")
    # Shown through the *_shown columns below, with their signed links cut short (the admin
    # escapes them and keeps their line breaks).
    exclude = ("body", "html", "headers")

    def get_readonly_fields(self, request, obj=None):
        fields = [name for name in super().get_readonly_fields(request, obj)
                  if name not in self.exclude]  # fmt: skip
        return [*fields, "body_shown", "html_shown", "headers_shown"]

    @admin.display(description=_("body"))
    def body_shown(self, mail):
        return without_signed_links(mail.body) or self.get_empty_value_display()

    @admin.display(description=_("HTML body"))
    def html_shown(self, mail):
        return without_signed_links(mail.html) or self.get_empty_value_display()

    @admin.display(description=_("headers"))
    def headers_shown(self, mail):
        lines = [f"{name}: {value}" for name, value in mail.headers.items()]
        return without_signed_links("\n".join(lines)) or self.get_empty_value_display()

    @admin.display(description=_("subject"))
    def about(self, mail):
        """The subject; a subscriber's mail is written when it is sent, so until then (and
        in the log) it is named by its comment."""
        if mail.subject:
            return mail.subject
        if mail.comment_id:
            return _("About comment #%(id)s") % {"id": mail.comment_id}
        return None

    @admin.action(description=_("Send selected failed mail again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = retry_now(OutgoingMail, queryset, sending.enqueue_mail)
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ModeratorAlerts)
class ModeratorAlertsAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    """Each moderator sets their own alerts; a superuser may set anyone's."""

    list_display = ("user", "frequency")
    list_filter = ("frequency",)
    search_fields = ("user__username", "user__email")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return ("user", "frequency") if request.user.is_superuser else ("frequency",)

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        own = ModeratorAlerts.objects.filter(user=request.user).exists()
        return request.user.is_superuser or not own

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.user = request.user
        super().save_model(request, obj, form, change)
