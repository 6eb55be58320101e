"""The parent a reply hangs under, re-read in SQL under its thread's lock (comments.tree):
its answers are those of the ORM's definitions (``replyable()``, ``comments()``), case by case."""

import pytest
from django.db.models import Max

from comments.models import Comment
from comments.tree import PARENT_FIELDS, reply_parent
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

STATUSES = [Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM]
KINDS = [Comment.Kind.COMMENT, Comment.Kind.PINGBACK]


@pytest.fixture
def candidates(post):
    """A comment of every status and kind on ``post``, one with replies, and one elsewhere."""
    made = [make_comment(post, status=s, kind=k) for s in STATUSES for k in KINDS]
    with_replies = make_comment(post)
    make_comment(post, parent=with_replies)
    make_comment(post, parent=with_replies)
    made.append(with_replies)
    made.append(make_comment(make_post(title="Elsewhere")))
    return made


@pytest.mark.parametrize("any_status", [False, True])
def test_a_parent_is_found_exactly_when_the_orm_would_find_it(post, candidates, any_status):
    allowed = Comment.objects.comments() if any_status else Comment.objects.replyable()
    for comment in candidates:
        found = reply_parent(comment.pk, post_id=post.pk, any_status=any_status)
        expected = allowed.filter(pk=comment.pk, post=post).first()
        assert (found is None) == (expected is None), (comment.status, comment.kind)
        if expected is not None:
            assert [getattr(found, f) for f in PARENT_FIELDS] == [
                getattr(expected, f) for f in PARENT_FIELDS
            ]
            last = expected.get_children().aggregate(end=Max("rght"))["end"]
            assert found.last_reply_end == last
