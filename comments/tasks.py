"""Every background task of the comments app (django-tasks; ``django.tasks`` from Django 6).

Each task is declared beside the work it does, by the module that enqueues it; this module
only lists them (the worker's sweep re-enqueues what a stopped worker left of these). They
are enqueued inside the transaction of the decision that causes them (the database backend
stores them in that transaction), so nothing runs for a comment or a decision that was
rolled back.
"""

from .events import handle_event
from .notifications.sending import deliver_mail, deliver_mails
from .webhooks.sending import deliver_webhook

ALL = (handle_event, deliver_mail, deliver_mails, deliver_webhook)

__all__ = ["ALL", "deliver_mail", "deliver_mails", "deliver_webhook", "handle_event"]
