"""The admin's privacy actions on selected comments: export everything stored about their
authors' addresses (a JSON download), or erase those people. Both first list the addresses
the selection holds (a search also selects comments that only mention someone), go through
``comments.privacy`` and are recorded in each comment's history."""

import json

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .privacy import (
    commenter_comment_count,
    commenter_data,
    commenter_erase,
    erase_summary,
    log_commenter_action,
)


def _addresses(queryset):
    emails = queryset.exclude(author_email="").values_list("author_email", flat=True)
    return sorted({email.strip().lower() for email in emails})


def export_commenter_data(modeladmin, request, queryset):
    """A JSON file with everything stored about the addresses of the selected comments,
    once the addresses are confirmed."""
    addresses = _addresses(queryset)
    if not addresses:
        modeladmin.message_user(
            request, _("None of the selected comments has an email address."), messages.WARNING
        )
        return None
    if request.POST.get("confirmed") != "yes":
        title = _("Download these commenters' data?")
        return _confirmation(modeladmin, request, addresses, title, "export")
    data = {"commenters": [commenter_data(address) for address in addresses]}
    log_commenter_action(
        user=request.user,
        comment_ids=[c["id"] for person in data["commenters"] for c in person["comments"]],
        message=_("Commenter's data exported."),
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="commenter-data-{stamp}.json"'
    return response


def erase_commenter_data(modeladmin, request, queryset):
    """Erase the authors of the selected comments from all their comments; asks first."""
    addresses = _addresses(queryset)
    if not addresses:
        modeladmin.message_user(
            request, _("None of the selected comments has an email address."), messages.WARNING
        )
        return None
    if request.POST.get("confirmed") == "yes":
        remove_text = request.POST.get("remove_text") == "on"
        for address in addresses:
            counts = commenter_erase(email=address, remove_text=remove_text, user=request.user)
            modeladmin.message_user(request, erase_summary(counts), messages.SUCCESS)
        return None
    return _confirmation(modeladmin, request, addresses, _("Erase these commenters?"), "erase")


def _confirmation(modeladmin, request, addresses, title, name):
    """The page that lists ``addresses``, each with its number of comments, and asks to go
    on (``name``: the action's template, ``<name>_commenters.html``)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "people": [(address, commenter_comment_count(address)) for address in addresses],
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, f"admin/comments/comment/{name}_commenters.html", context)
