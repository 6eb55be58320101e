"""A reply costs the same few queries whatever the thread size (bench/reply_profile.py lists
them with their times). Inside a test the write's transaction is a savepoint: two more."""

import pytest

from comments import submission
from comments.models import Comment
from tests.factories import make_comment
from tests.posting import TYPED, comment_url
from tests.tree_check import expected_tree_fields, stored_tree_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def first_time_moderation(settings):
    settings.COMMENTS_MODERATION = "first_time"  # so the known-commenter check runs


@pytest.mark.parametrize("size", [3, 60])
def test_a_reply_from_a_known_commenter_takes_at_most_eleven_statements(
    client, post, size, django_assert_max_num_queries
):
    # post; tree_id, lock, parent; form key, duplicate, known commenter; make room, insert;
    # the subscribers' notification task; the discussion's version
    made = [make_comment(post, author_email=TYPED["email"])]
    for i in range(size - 1):
        made.append(make_comment(post, parent=made[(i * 7) % len(made)]))
    parent = made[size // 2]
    data = {**TYPED, "parent": parent.pk, "token": submission.new_form_token()}
    with django_assert_max_num_queries(11 + 2):
        response = client.post(comment_url(post), data)
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent, body=TYPED["body"])
    assert reply.status == Comment.Status.APPROVED  # the known commenter is not held
    assert response["Location"] == reply.get_absolute_url()
    assert stored_tree_fields(post=post) == expected_tree_fields(post=post)


def test_a_new_top_level_comment_takes_at_most_nine_statements(
    client, post, django_assert_max_num_queries
):
    make_comment(post, author_email=TYPED["email"])
    data = {**TYPED, "token": submission.new_form_token()}
    # post; lock; form key, duplicate, known commenter; next tree_id, insert; notification task;
    # the discussion's version
    with django_assert_max_num_queries(9 + 2):
        assert client.post(comment_url(post), data).status_code == 302
    assert Comment.objects.filter(parent=None).count() == 2
