"""What the reader is told after posting, editing or deleting a comment is shown where the
browser lands (the comment's card, or the discussion's start), not at the top of the page a
screen or more above it; the page's list of messages does not repeat it."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from comments.models import Comment
from comments.notices import notice, with_notices
from tests.factories import make_comment
from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db

CONFIRM = "confirm with the link we sent to your address"


def landing(client, response):
    """The page a browser shows after ``response``'s redirects, and its fragment."""
    location = response["Location"]
    page = client.get(location, follow=True)
    fragment = page.redirect_chain[-1][0].partition("#")[2] if page.redirect_chain else ""
    return soup(page), fragment or location.partition("#")[2]


def top_messages(page):
    box = page.select_one("main > .messages")
    return box.get_text(" ", strip=True) if box else ""


@pytest.mark.parametrize(
    ("boxes", "said"),
    [
        ({"notify_replies": "on"}, "To get replies to your comment by mail"),
        ({"notify_post": "on"}, "To get new comments by mail"),
        (
            {"notify_replies": "on", "notify_post": "on"},
            "To get replies to your comment and new comments on this post by mail",
        ),
    ],
)
def test_the_notice_names_what_was_asked_for(client, post, boxes, said):
    make_comment(post, author_name="Earlier")  # a known post: the comment is published
    response = client.post(
        comment_url(post), form_data(client, post, email="ann@example.com", **boxes)
    )
    comment = Comment.objects.latest("pk")
    page, _fragment = landing(client, response)
    [card_notice] = page.select(f"li#comment-{comment.pk} .comment-notice")
    assert card_notice.get_text(strip=True) == f"{said}, {CONFIRM}."


def test_confirm_your_address_is_said_in_the_new_comments_card(client, post):
    make_comment(post, author_name="Earlier")  # a known post: the comment is published
    data = form_data(client, post, email="ann@example.com", notify_replies="on")
    response = client.post(comment_url(post), data)
    comment = Comment.objects.latest("pk")
    page, fragment = landing(client, response)
    assert fragment == f"comment-{comment.pk}"
    notices = page.select(f"li#comment-{comment.pk} > .comment-card > .comment-notice")
    assert [n.get_text(strip=True) for n in notices] == [
        "To get replies to your comment by mail, confirm with the link we sent to your address."
    ]
    assert notices[0]["role"] == "status"
    assert CONFIRM not in top_messages(page)
    # Shown once: the next page says nothing.
    again = soup(client.get(post.get_absolute_url()))
    assert not again.select(".comment-notice") and CONFIRM not in again.get_text()


def test_an_edit_and_a_delete_are_confirmed_where_the_reader_lands(client, post):
    response = client.post(comment_url(post), form_data(client, post, body="First words"))
    comment = Comment.objects.latest("pk")
    edit = client.post(f"/comment/{comment.pk}/edit/", {"body": "Better words"})
    page, _fragment = landing(client, edit)
    card = page.select_one(f"li#comment-{comment.pk} > .comment-card")
    assert card.select_one(".comment-notice").get_text(strip=True) == "Your comment was updated."
    assert "Better words" in card.get_text()

    deleted = client.post(f"/comment/{comment.pk}/delete/")
    page, fragment = landing(client, deleted)
    assert fragment == "comments"
    first = page.select_one("#comments .comment-notice")
    assert first.get_text(strip=True) == "Your comment was deleted."
    assert "deleted" not in top_messages(page)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "language, held", [("en", "awaiting moderation"), ("de", "wartet auf Freischaltung")]
)
def test_an_edited_held_comment_says_once_that_it_awaits_moderation(
    client, post, settings, language, held
):
    """The held comment's card says it awaits moderation; the notice of the edit does not say
    it again."""
    settings.COMMENTS_MODERATION = "all"
    client.post(comment_url(post), form_data(client, post, body="First words"))
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.PENDING
    client.cookies["django_language"] = language
    edit = client.post(f"/comment/{comment.pk}/edit/", {"body": "Better words"})
    page, _fragment = landing(client, edit)
    card = page.select_one(f"li#comment-{comment.pk} > .comment-card")
    assert "Better words" in card.get_text()
    assert card.select_one(".comment-notice") is not None
    assert card.get_text(" ", strip=True).count(held) == 1, card.get_text(" ", strip=True)
    assert held not in top_messages(page)


def test_a_notice_whose_comment_is_not_shown_stays_in_the_pages_list(client):
    """Placed nowhere, it is not lost: the page's list of messages shows it."""
    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    notice(request, "About comment 7.", comment_id=7)
    notice(request, "About comment 8.", comment_id=8)
    card = '<li class="comment" id="comment-8"><article><header>…</header></article></li>'
    html = with_notices(request, card)
    assert html.count("comment-notice") == 1 and "About comment 8." in html
    placed = {m.message: "placed" in m.extra_tags for m in get_messages(request)}
    assert placed == {"About comment 7.": False, "About comment 8.": True}


@pytest.mark.parametrize(
    "storage",
    [
        "django.contrib.messages.storage.fallback.FallbackStorage",
        "django.contrib.messages.storage.cookie.CookieStorage",
    ],
)
def test_a_page_without_messages_sets_no_cookie(client, post, settings, storage):
    """Looking for notices reads the messages only when there are some: once read, cookie
    storage deletes its cookie, a Set-Cookie header on every public page."""
    settings.MESSAGE_STORAGE = storage
    make_comment(post)
    response = client.get(post.get_absolute_url())
    assert "messages" not in response.cookies
    assert not response.has_header("Set-Cookie")
