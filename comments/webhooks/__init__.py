"""Webhooks: signed HTTP POSTs about comments to the endpoints in ``COMMENTS_WEBHOOKS``.

- ``models``: ``WebhookDelivery`` (one event to one endpoint, retried like mail);
- ``dispatch``: which events a comment decision causes, and their payloads;
- ``sending``: the signature (HMAC-SHA256, ``X-Hub-Signature-256``) and the POST;
- ``admin``: the deliveries, their status and last error.
"""
