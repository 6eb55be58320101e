"""A reply costs the same few queries whatever the thread size (bench/reply_profile.py lists
them with their times). Inside a test the write's transaction is a savepoint: two more."""

import re

import pytest

from comments import submission
from comments.models import Comment
from comments.tree import PAIR
from tests.factories import make_comment
from tests.posting import TYPED, comment_url
from tests.tree_check import room_left, tree_problems, use_up_room

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def first_time_moderation(settings):
    settings.COMMENTS_MODERATION = "first_time"  # so the known-commenter check runs


@pytest.mark.parametrize("size", [3, 60])
def test_a_reply_from_a_known_commenter_takes_at_most_fourteen_statements(
    client, post, size, django_assert_max_num_queries
):
    # post; tree_id, lock, parent; form key, duplicate, known commenter; make room, insert;
    # the subscribers' notification task; the spam rules, the filter's counts, the evidence;
    # the discussion's version
    made = [make_comment(post, author_email=TYPED["email"])]
    for i in range(size - 1):
        made.append(make_comment(post, parent=made[(i * 7) % len(made)]))
    parent = made[size // 2]
    data = {**TYPED, "parent": parent.pk, "token": submission.new_form_token()}
    with django_assert_max_num_queries(14 + 2):
        response = client.post(comment_url(post), data)
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent, body=TYPED["body"])
    assert reply.status == Comment.Status.APPROVED  # the known commenter is not held
    assert response["Location"] == reply.get_absolute_url()
    assert tree_problems(post=post) == []


def test_a_new_top_level_comment_takes_at_most_twelve_statements(
    client, post, django_assert_max_num_queries
):
    make_comment(post, author_email=TYPED["email"])
    data = {**TYPED, "token": submission.new_form_token()}
    # post; lock; form key, duplicate, known commenter; next tree_id, insert; notification task;
    # the spam rules, the filter's counts, the evidence; the discussion's version
    with django_assert_max_num_queries(12 + 2):
        assert client.post(comment_url(post), data).status_code == 302
    assert Comment.objects.filter(parent=None).count() == 2


TABLE = re.compile(r'(?:FROM|UPDATE|INTO) "(\w+)"')


def statements_after_the_lock(queries):
    """The SQL a write runs once it holds a thread lock (until its commit releases it)."""
    sqls = [query["sql"] for query in queries]
    taken = next(i for i, sql in enumerate(sqls) if "pg_advisory_xact_lock" in sql)
    return [sql for sql in sqls[taken + 1 :] if not sql.startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.postgres
@pytest.mark.parametrize("size", [3, 200])
@pytest.mark.parametrize("room", [True, False], ids=["room", "no-room"])
def test_under_the_thread_lock_only_the_thread_bound_work_runs(client, post, size, room):
    """Moderation policy, rendering, field checks and the repeat checks happen before the
    lock; under it only the parent's re-read (with where its room is), making room if it
    has none, the insert, then in one round trip the spam filter's evidence, the task and the
    discussion's version: the same three or four round trips whatever the thread's size (so a
    busy thread queues briefly)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [make_comment(post, author_email=TYPED["email"])]
    for i in range(size - 1):
        made.append(make_comment(post, parent=made[(i * 7) % len(made)]))
    if room:
        parent = next(comment for comment in made if room_left(comment) >= PAIR)
    else:
        parent = made[size // 2]
        use_up_room(post, parent)
    data = {**TYPED, "parent": parent.pk, "token": submission.new_form_token()}
    with CaptureQueriesContext(connection) as queries:
        assert client.post(comment_url(post), data).status_code == 302
    under_lock = statements_after_the_lock(queries.captured_queries)
    # Each round trip, as the statements it sent.
    described = [
        [f"{part.split()[0]} {TABLE.search(part).group(1)}" for part in sql.split(";\n")]
        for sql in under_lock
    ]
    shift = [] if room else [["UPDATE comments_comment"]]  # room made: lft/rght of what follows
    assert described == [
        ["SELECT comments_comment"],  # the parent, re-read under the lock
        *shift,
        ["INSERT comments_comment"],
        [
            "INSERT comments_spamevidence",  # what the spam filter saw, to learn from
            "INSERT django_tasks_database_dbtaskresult",  # the notification task
            "INSERT comments_discussionstate",  # the discussion's version, last (comment_create)
        ],
    ], under_lock
    # The known-commenter and the repeat checks (queries of their own) ran before the lock.
    before = [q["sql"] for q in queries.captured_queries][: len(queries) - len(under_lock)]
    assert any("author_email" in sql and "UPPER" in sql for sql in before)
    assert any("submission_key =" in sql.replace('"', "") for sql in before)
    assert any("MD5" in sql for sql in before)
