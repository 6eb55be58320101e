"""Mail about new comments: subscriptions (double opt-in), the mail queue, unsubscribing.

- ``models``: ``Subscription``, ``Suppression`` (addresses that want no mail), ``OutgoingMail``;
- ``subscriptions``: the services that subscribe, confirm and unsubscribe;
- ``fanout``: who is told about a newly visible comment (caps, digests);
- ``mail``: what the mail says; ``sending``: queueing and sending one mail;
- ``tokens``: the signed links; ``views``: the pages behind them; ``admin``.
"""
