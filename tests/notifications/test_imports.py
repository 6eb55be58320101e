"""An import is not news: the archive's comments mail nobody and call no webhook."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from comments.bulk import comments_bulk_import
from comments.models import Comment
from comments.notifications.models import ModeratorAlerts, OutgoingMail, Subscription
from comments.records import CommentRecord, PostComments
from comments.services import comments_moderate
from comments.webhooks.models import WebhookDelivery
from tests.factories import make_comment
from tests.notifications.helpers import subscriber
from tests.notifications.receiver import SECRET, Receiver

pytestmark = pytest.mark.django_db

OLD = datetime(2015, 3, 1, tzinfo=UTC)


@pytest.fixture
def receiver(settings):
    receiver = Receiver()
    settings.COMMENTS_WEBHOOKS = [{"url": receiver.url, "secret": SECRET}]
    yield receiver
    receiver.close()


def import_archive(post, **fields):
    records = [
        CommentRecord(source_id="1", parent_source_id=None, author_name="Old Ann",
                      author_email="ann@example.com",
                      body="From the old blog.", created_at=OLD),
        CommentRecord(source_id="2", parent_source_id="1", author_name="Old Bob",
                      author_email="bob@example.com", body="An old reply.", created_at=OLD,
                      **fields),
    ]  # fmt: skip
    with transaction.atomic():
        comments_bulk_import(
            batches=[[PostComments(post_id=post.pk, source="wxr", comments=records)]]
        )


def test_an_import_enqueues_nothing_and_mails_nobody(post, smtp, worker, receiver,
                                                      django_user_model):  # fmt: skip
    subscriber(post, "cat@example.com")
    top = make_comment(post, author_name="Dan", author_email="dan@example.com")
    Subscription.objects.create(post=post, thread=top, email="dan@example.com",
                                status="confirmed")  # fmt: skip
    moderator = django_user_model.objects.create_user("mod", "mod@example.com", is_staff=True)
    ModeratorAlerts.objects.create(user=moderator, frequency="batched")
    DBTaskResult.objects.all().delete()
    receiver.requests.clear()

    import_archive(post, status=Comment.Status.PENDING)
    assert Comment.objects.filter(source="wxr").count() == 2
    assert not DBTaskResult.objects.exists()  # no mail, no alert, no webhook: no task at all
    assert not Subscription.objects.filter(email__in=["ann@example.com", "bob@example.com"])

    # Approving an imported comment later is a decision of today (its webhook goes out), but
    # the comment is old: still no mail to the post's subscribers.
    held = Comment.objects.get(source="wxr", source_id="2")
    comments_moderate(comments=[held], status=Comment.Status.APPROVED, moderator=None)
    worker()
    assert smtp.messages == []
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.COMMENT).exists()
    assert [r["body"]["event"] for r in receiver.requests] == ["comment.approved"]
    assert WebhookDelivery.objects.count() == 1
