"""A shadow-banned address or range sees its comments as published; nobody else does, and
nobody hears of them."""

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.notifications.models import OutgoingMail
from comments.spamfilter.models import SpamRule
from tests.html import soup

from .helpers import post_comment

pytestmark = pytest.mark.django_db

BANNED_IP = "198.51.100.23"


@pytest.fixture
def banned(settings):
    settings.COMMENTS_WEBHOOKS = [{"url": "http://127.0.0.1:9/hook", "secret": "s"}]
    SpamRule.objects.create(kind="ip", pattern="198.51.100.0/24", action="shadow")


def shown_comment(client, post, comment):
    return soup(client.get(post.get_absolute_url())).select_one(f"#comment-{comment.pk}")


def test_the_author_sees_it_as_published_nobody_else_sees_it(post, banned):
    author = Client(REMOTE_ADDR=BANNED_IP)
    response, comment = post_comment(author, post, body="You are all wrong.")
    assert response.status_code == 302
    assert comment.status == Comment.Status.SPAM
    mine = shown_comment(author, post, comment)
    assert mine is not None
    assert "You are all wrong." in mine.get_text()
    assert mine.select_one(".comment-pending") is None  # no "awaiting moderation"
    assert shown_comment(Client(), post, comment) is None
    assert shown_comment(Client(REMOTE_ADDR=BANNED_IP), post, comment) is None  # another session


def test_it_notifies_nobody(post, banned):
    author = Client(REMOTE_ADDR=BANNED_IP)
    _, comment = post_comment(author, post, body="Quiet.", notify_replies="on")
    assert comment.status == Comment.Status.SPAM
    assert not DBTaskResult.objects.exists()  # no mail, no moderator alert, no webhook
    assert not OutgoingMail.objects.exists()
    # The same comment from anyone else is news (the webhook's task).
    post_comment(Client(), post, body="Not quiet.")
    assert DBTaskResult.objects.count() == 1


def test_a_comment_the_filter_stores_as_spam_awaits_moderation_for_its_author(post, settings):
    SpamRule.objects.create(kind="word", pattern="casino", action="spam")
    author = Client()
    _, comment = post_comment(author, post, body="casino")
    assert comment.status == Comment.Status.SPAM
    mine = shown_comment(author, post, comment)
    assert mine.select_one(".comment-pending") is not None
    assert shown_comment(Client(), post, comment) is None


def test_the_author_can_answer_their_own_hidden_comment_as_anyone_could(post, banned):
    author = Client(REMOTE_ADDR=BANNED_IP)
    _, first = post_comment(author, post, body="First, hidden.")
    page = soup(author.get(f"{post.get_absolute_url()}?replyto={first.pk}"))
    assert page.select_one(".form-error") is None  # no "can't be replied to"
    assert page.select_one("#respond input[name=parent]")["value"] == str(first.pk)
    response, reply = post_comment(author, post, body="And my own answer.", parent=first.pk)
    assert response.status_code == 302
    assert reply.parent_id == first.pk and reply.status == Comment.Status.SPAM
    mine = shown_comment(author, post, first)
    assert "And my own answer." in mine.get_text()
    assert shown_comment(Client(), post, reply) is None
    # Nobody else can hang a reply under the hidden comment.
    stranger = Client()
    response, _ = post_comment(stranger, post, body="Under a hidden one?", parent=first.pk)
    assert response.status_code == 200
    assert not Comment.objects.filter(body="Under a hidden one?").exists()
