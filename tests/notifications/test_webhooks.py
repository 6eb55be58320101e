"""Webhooks against a real local HTTP receiver that checks every signature."""

import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from comments.delivery import Delivery
from comments.models import Comment
from comments.services import comments_moderate
from comments.webhooks.models import WebhookDelivery
from tests.factories import make_comment
from tests.html import soup
from tests.notifications.helpers import fast_forward
from tests.notifications.receiver import SECRET, Receiver


@pytest.fixture
def receiver(settings):
    receiver = Receiver()
    settings.COMMENTS_WEBHOOKS = [{"url": receiver.url, "secret": SECRET}]
    yield receiver
    receiver.close()


@pytest.mark.django_db
def test_a_new_comment_is_posted_signed(post, receiver, worker):
    comment = make_comment(post, author_name="Ann", author_email="ann@example.com", body="Hi.")
    worker()
    [request] = receiver.requests
    assert request["signed"]
    assert request["headers"]["X-Comments-Event"] == "comment.created"
    body = request["body"]
    assert body["event"] == "comment.created"
    assert body["comment"]["status"] == "approved"
    assert body["comment"]["id"] == comment.pk
    assert body["comment"]["body"] == "Hi."
    assert "ann@example.com" not in json.dumps(body)  # addresses are never sent out
    delivery = WebhookDelivery.objects.get()
    assert request["headers"]["X-Comments-Delivery"] == str(delivery.delivery_id)
    assert body["delivery"] == str(delivery.delivery_id)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.response_status == 204


@pytest.mark.django_db
def test_created_approved_removed_and_spam(post, receiver, worker):
    comment = make_comment(post, status=Comment.Status.PENDING)
    comments_moderate(comments=[comment], status=Comment.Status.APPROVED, moderator=None)
    comments_moderate(comments=[comment], status=Comment.Status.REMOVED, moderator=None)
    other = make_comment(post, status=Comment.Status.PENDING, body="Buy now.")
    comments_moderate(comments=[other], status=Comment.Status.SPAM, moderator=None)
    worker()
    events = [(r["body"]["comment"]["id"], r["body"]["event"]) for r in receiver.requests]
    assert sorted(events) == [
        (comment.pk, "comment.approved"),
        (comment.pk, "comment.created"),
        (comment.pk, "comment.removed"),
        (other.pk, "comment.created"),
        (other.pk, "comment.spam"),
    ]
    created = next(r for r in receiver.requests if r["body"]["event"] == "comment.created")
    assert created["body"]["comment"]["status"] == "pending"
    assert all(r["signed"] for r in receiver.requests)


@pytest.mark.django_db
def test_an_endpoint_takes_only_the_events_it_names(post, receiver, worker, settings):
    settings.COMMENTS_WEBHOOKS = [
        {"url": receiver.url, "secret": SECRET, "events": ["comment.approved"]}
    ]
    make_comment(post)
    held = make_comment(post, status=Comment.Status.PENDING)
    comments_moderate(comments=[held], status=Comment.Status.APPROVED, moderator=None)
    worker()
    assert [r["body"]["event"] for r in receiver.requests] == ["comment.approved"]


@pytest.mark.django_db
def test_failures_are_retried_with_backoff_with_the_same_id_and_signature(
    post, receiver, worker, settings
):
    settings.COMMENTS_DELIVERY_RETRY_DELAY = 10
    receiver.answers = [500, 503]
    make_comment(post)
    worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.response_status == 500
    assert "500" in delivery.last_error
    fast_forward()
    worker()
    fast_forward()
    worker()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
    ids = {r["headers"]["X-Comments-Delivery"] for r in receiver.requests}
    assert ids == {str(delivery.delivery_id)}
    assert all(r["signed"] for r in receiver.requests)


@pytest.mark.django_db
def test_a_dead_endpoint_ends_failed_and_shows_in_the_admin(
    post, receiver, worker, settings, admin_client
):
    settings.COMMENTS_DELIVERY_MAX_ATTEMPTS = 2
    receiver.answers = [500, 500]
    make_comment(post)
    for _ in range(3):
        worker()
        fast_forward()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    changelist = reverse("admin:comments_webhookdelivery_changelist")
    failed = admin_client.get(changelist, {"status__exact": "failed"})
    assert "comment.created" in failed.content.decode()
    assert "Failed" in failed.content.decode()
    # Its status filter offers what a webhook delivery can be; only mail waits for a digest.
    choices = [a.get_text(strip=True) for a in soup(failed).select("#changelist-filter li a")]
    assert choices[:5] == ["All", "Pending", "Sent", "Failed", "Cancelled"]
    assert "Held for a digest" not in choices
    sent = admin_client.get(changelist, {"status__exact": "sent"})
    assert sent.status_code == 200
    assert not soup(sent).select("#result_list tbody tr")  # the filter filters


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_decision_posts_nothing(post, receiver, worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_comment(post)
        raise RuntimeError
    worker()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_no_endpoints_no_tasks(post, settings, worker):
    from django_tasks_db.models import DBTaskResult

    settings.COMMENTS_WEBHOOKS = []
    make_comment(post)
    make_comment(post, status=Comment.Status.REMOVED)  # neither visible nor held: no task
    assert DBTaskResult.objects.count() == 1  # the first comment's, for its subscribers only
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"][0] is None  # no webhook event


@pytest.mark.django_db
def test_a_form_post_enqueues_one_task_whatever_the_subscribers(client, post, receiver):
    from django_tasks_db.models import DBTaskResult

    from tests.notifications.helpers import subscriber
    from tests.posting import comment_url, form_data

    for i in range(50):
        subscriber(post, f"reader{i}@example.com")
    data = form_data(client, post, name="Ann", email="ann@example.com",
                     body="Hello, everyone.")  # fmt: skip
    assert client.post(comment_url(post), data).status_code == 302
    [task] = DBTaskResult.objects.all()  # mail, moderators' alert and webhooks: one task
    assert task.task_path == "comments.events.handle_event"
    assert not WebhookDelivery.objects.exists()  # the fan-out happens in the worker


@pytest.mark.django_db
def test_approve_and_reply_posts_the_approval_then_the_reply(
    post, receiver, worker, django_user_model
):
    """A held comment answered from the admin's thread view is approved as any approval is."""
    held = make_comment(post, status=Comment.Status.PENDING, body="A held question.")
    worker()
    receiver.requests.clear()
    moderator = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(moderator)
    thread = reverse("admin:comments_comment_thread", args=[held.pk])
    data = {"reply_as_author": "approve", "parent": held.pk, "body": "An answer."}
    assert client.post(thread, data).status_code == 302
    worker()
    reply = Comment.objects.get(parent=held)
    events = sorted((r["body"]["comment"]["id"], r["body"]["event"]) for r in receiver.requests)
    assert events == [(held.pk, "comment.approved"), (reply.pk, "comment.created")]
