"""Sending one webhook delivery: a signed JSON POST; anything but a 2xx answer is a failure
(retried with backoff by ``comments.delivery``)."""

import hashlib
import hmac
import urllib.error
import urllib.request

from django.conf import settings
from django_tasks import task

from ..delivery import Cancelled, attempt
from .models import WebhookDelivery

SIGNATURE_HEADER = "X-Hub-Signature-256"
EVENT_HEADER = "X-Comments-Event"
DELIVERY_HEADER = "X-Comments-Delivery"


def signature(secret, body):
    """``sha256=<hex HMAC-SHA256 of the body>``, as GitHub signs its webhooks."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _secret(url):
    for hook in settings.COMMENTS_WEBHOOKS:
        if hook["url"] == url:
            return hook["secret"]
    raise Cancelled("The endpoint is no longer configured.")


def _post(row):
    body = row.body.encode()
    if not row.url.startswith(("http://", "https://")):
        raise Cancelled("Only http and https endpoints are called.")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        row.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "threaded-blog-webhooks",
            EVENT_HEADER: row.event,
            DELIVERY_HEADER: str(row.delivery_id),
            SIGNATURE_HEADER: signature(_secret(row.url), body),
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.COMMENTS_WEBHOOK_TIMEOUT
        ) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        WebhookDelivery.objects.filter(pk=row.pk).update(response_status=error.code)
        raise
    WebhookDelivery.objects.filter(pk=row.pk).update(response_status=status)


def deliver(delivery_pk):
    return attempt(WebhookDelivery, delivery_pk, _post, enqueue_webhook)


@task()
def deliver_webhook(delivery_pk):
    """One attempt at one webhook delivery (retried with backoff on failure)."""
    return deliver(delivery_pk)


def enqueue_webhook(delivery_pk, run_after=None):
    deliver_webhook.using(run_after=run_after).enqueue(delivery_pk)
