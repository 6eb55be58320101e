"""Every background task of the comments app (django-tasks; ``django.tasks`` from Django 6).

Tasks are thin: each calls one function of the module that owns the work. They are enqueued
inside the transaction of the decision that causes them (the database backend stores them in
that transaction), so nothing runs for a comment or a decision that was rolled back.
"""

from django_tasks import task


@task()
def comments_event(event, comment_ids, decision, status, published, held):
    """Everything one decision about comments causes (``comments.events``)."""
    from .notifications import fanout, moderators
    from .webhooks import dispatch

    if published:
        fanout.notify_subscribers(comment_ids)
    if held:
        for comment_id in comment_ids:
            moderators.comment_held(comment_id)
    if event:
        dispatch.dispatch(event, comment_ids, decision, status)


@task()
def notify_subscribers(comment_ids):
    """Queue the mail about newly visible comments for the posts' subscribers."""
    from .notifications import fanout

    fanout.notify_subscribers(comment_ids)


@task()
def deliver_mail(mail_id):
    """One attempt at sending one queued mail (retried with backoff on failure)."""
    from .notifications import sending

    return sending.deliver(mail_id)


@task()
def deliver_mails(mail_ids):
    """One attempt at each of several queued mails, over one SMTP connection."""
    from .notifications import sending

    return sending.deliver_many(mail_ids)


def enqueue_mail(mail_id, run_after=None):
    deliver_mail.using(run_after=run_after).enqueue(mail_id)


@task()
def deliver_webhook(delivery_pk):
    """One attempt at one webhook delivery (retried with backoff on failure)."""
    from .webhooks import sending

    return sending.deliver(delivery_pk)


def enqueue_webhook(delivery_pk, run_after=None):
    deliver_webhook.using(run_after=run_after).enqueue(delivery_pk)
