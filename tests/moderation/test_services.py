"""The moderation write functions, beyond what the admin tests already show."""

from contextlib import closing

import psycopg2
import pytest
from django.db import connection

from comments.locks import LOCK_NAMESPACE
from comments.models import Comment
from comments.services import comments_moderate, comments_restore
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def other_session_can_lock(tree_id):
    """Whether a second database session could take the thread's lock right now."""
    params = connection.get_connection_params()
    with closing(psycopg2.connect(**params)) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tree_id])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_moderation_holds_the_locks_of_every_affected_thread(moderator):
    first, second, untouched = (make_comment(make_post()) for _ in range(3))
    assert other_session_can_lock(first.tree_id)

    # The test runs inside one transaction, so the locks taken here are still held.
    changed = comments_moderate(comments=[first, second], status="removed", moderator=moderator)

    assert changed == 2
    assert not other_session_can_lock(first.tree_id)
    assert not other_session_can_lock(second.tree_id)
    assert other_session_can_lock(untouched.tree_id)


def test_accepts_ids_instances_and_querysets(moderator, post):
    a, b, c = (make_comment(post, status="pending") for _ in range(3))
    assert comments_moderate(comments=[a.pk], status="approved", moderator=moderator) == 1
    assert comments_moderate(comments=[b], status="approved", moderator=moderator) == 1
    assert (
        comments_moderate(comments=Comment.objects.all(), status="approved", moderator=moderator)
        == 1
    )
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    assert Comment.objects.get(pk=c.pk).status == "approved"


def test_unknown_status_is_refused(moderator, post):
    comment = make_comment(post)
    with pytest.raises(ValueError):
        comments_moderate(comments=[comment], status="deleted", moderator=moderator)
    assert Comment.objects.get().status == "approved"


def test_restore_leaves_pending_comments_waiting(moderator, post):
    pending = make_comment(post, status="pending")
    spam = make_comment(post, status="spam")
    assert comments_restore(comments=[pending, spam], moderator=moderator) == 1
    assert dict(Comment.objects.values_list("pk", "status")) == {
        pending.pk: "pending",
        spam.pk: "approved",
    }
