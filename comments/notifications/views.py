"""The pages behind the links in notification mail.

Opening a link (GET) only shows a page with a button: mail scanners that follow links change
nothing. Confirming is a normal form POST (CSRF-protected). Unsubscribing accepts the mail
client's RFC 8058 one-click POST (``List-Unsubscribe=One-Click``, no cookies, no CSRF token):
that view alone is CSRF-exempt, which is safe because only the signed token authorises it.
"""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import tokens
from .subscriptions import (
    address_suppress,
    address_suppressed,
    subscription_cancel,
    subscription_confirm,
    subscription_of_link,
    subscriptions_waiting,
)


def _invalid(request):
    return render(request, "comments/notifications/invalid_link.html", status=400)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    found = tokens.read_token(tokens.CONFIRM, token)
    if found is None:
        return _invalid(request)
    subscription_id, email = found
    if request.method == "GET":
        subscription = subscription_of_link(subscription_id=subscription_id, email=email)
        if subscription is None or subscription.status == subscription.Status.UNSUBSCRIBED:
            return _invalid(request)  # its button could only fail
        context = {"subscription": subscription, "waiting": subscriptions_waiting(email=email)}
        return render(request, "comments/notifications/confirm.html", context)
    confirmed = subscription_confirm(subscription_id=subscription_id, email=email)
    if confirmed is None:
        return _invalid(request)
    subscription, started = confirmed
    context = {"post": subscription.post, "started": started}
    return render(request, "comments/notifications/confirmed.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = tokens.read_token(tokens.UNSUBSCRIBE, token)
    if found is None:
        return _invalid(request)
    subscription_id, email = found
    everything = request.GET.get("all") == "1" or request.POST.get("all") == "1"
    if request.method == "GET":
        if address_suppressed(email=email):
            # Nothing is left to stop: a button would only repeat what was done.
            context = {"everything": True}
            return render(request, "comments/notifications/unsubscribed.html", context)
        context = {
            "everything": everything,
            "subscription": subscription_of_link(subscription_id=subscription_id, email=email),
        }
        return render(request, "comments/notifications/unsubscribe.html", context)
    if everything:
        address_suppress(email=email)
        return render(request, "comments/notifications/unsubscribed.html", {"everything": True})
    subscription = subscription_cancel(subscription_id=subscription_id, email=email)
    if subscription is None:
        return _invalid(request)
    return render(request, "comments/notifications/unsubscribed.html", {"post": subscription.post})
