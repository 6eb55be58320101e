"""The form's one look-up at the stored comments (comments.prior), written as SQL: its
answers are those of the ORM's definitions, case by case."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import moderation, submission
from comments.models import Comment
from comments.prior import prior_comments
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

APPROVED, PENDING, SPAM, REMOVED = (
    Comment.Status.APPROVED,
    Comment.Status.PENDING,
    Comment.Status.SPAM,
    Comment.Status.REMOVED,
)


def ask(post, **fields):
    defaults = {"author_name": "Zed", "author_email": "", "body": "Something new."}
    return prior_comments(post=post, **{**defaults, **fields})


@pytest.mark.parametrize(
    "email",
    ["ann@example.org", "ANN@Example.ORG", "bo@example.org", "cy@example.org", "di@example.org"],
)
def test_a_known_commenter_is_whoever_the_orm_calls_known(post, email):
    make_comment(post, author_email="Ann@example.org", status=APPROVED)
    make_comment(post, author_email="bo@example.org", status=PENDING)
    make_comment(post, author_email="cy@example.org", status=SPAM)
    answer = ask(post, author_email=email, ask_known=True).known_commenter
    assert answer is moderation.is_known_commenter(email)
    assert answer is (email.lower() == "ann@example.org")


def test_without_an_email_nobody_is_known_and_nothing_is_asked(post):
    make_comment(post, author_email="", status=APPROVED)
    with CaptureQueriesContext(connection) as queries:
        assert ask(post, ask_known=True).known_commenter is False
        assert ask(post).known_commenter is None  # not asked
    assert len(queries) == 0


def test_the_form_s_earlier_comment_is_found_by_its_key_alone(post):
    earlier = make_comment(post, submission_key="k1", status=PENDING)
    elsewhere = make_post()
    assert ask(elsewhere, submission_key="k1").earlier_id == earlier.pk
    assert submission.comment_for_key("k1") == earlier
    assert ask(post, submission_key="k2").earlier_id is None
    assert ask(post).earlier_id is None


@pytest.mark.parametrize(
    ("fields", "duplicate"),
    [
        ({"author_name": "Ann"}, True),  # same name, same text, same post
        ({"author_name": "Someone", "author_email": "ANN@example.org"}, True),  # same email
        ({"author_name": "Someone", "author_email": "other@example.org"}, False),
        ({"author_name": "Ann", "body": "Hello there!"}, False),  # other text
        ({"author_name": "Ann", "body": "Hello there"}, False),  # a near copy
    ],
)
def test_a_duplicate_is_the_same_text_by_the_same_author_on_the_post(post, fields, duplicate):
    make_comment(post, author_name="Ann", author_email="ann@example.org", body="Hello there.")
    answer = ask(post, **{"body": "Hello there.", **fields}, ask_duplicate=True)
    assert answer.duplicate is duplicate


@pytest.mark.parametrize("status", [APPROVED, PENDING, SPAM])
def test_held_and_spam_texts_count_as_said_already_removed_ones_do_not(post, status):
    said = make_comment(post, author_name="Ann", body="Hello there.", status=status)
    assert ask(post, author_name="Ann", body="Hello there.", ask_duplicate=True).duplicate
    Comment.objects.filter(pk=said.pk).update(status=REMOVED)
    assert not ask(post, author_name="Ann", body="Hello there.", ask_duplicate=True).duplicate


def test_only_this_post_and_the_window_count(post, settings):
    said = make_comment(post, author_name="Ann", body="Hello there.")
    again = {"author_name": "Ann", "body": "Hello there.", "ask_duplicate": True}
    assert not ask(make_post(), **again).duplicate
    window = timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW)
    Comment.objects.filter(pk=said.pk).update(
        created_at=timezone.now() - window - timedelta(minutes=1)
    )
    assert not ask(post, **again).duplicate


def test_the_three_questions_are_one_statement(post):
    make_comment(post, author_name="Ann", author_email="ann@example.org", body="Hi.")
    with CaptureQueriesContext(connection) as queries:
        answers = ask(
            post,
            author_name="Ann",
            author_email="ann@example.org",
            body="Hi.",
            submission_key="fresh",
            ask_known=True,
            ask_duplicate=True,
        )
    assert len(queries) == 1
    assert (answers.known_commenter, answers.earlier_id, answers.duplicate) == (True, None, True)
