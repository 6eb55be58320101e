"""Moderation policies, exercised through the public comment form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from blogapp.settings import base as base_settings
from comments import moderation
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import comment_tree, soup
from tests.posting import comment_url, form_data

from .conftest import run_action

pytestmark = pytest.mark.django_db


def post_comment(client, post, **overrides):
    return client.post(comment_url(post), form_data(client, post, **overrides))


def status_of_new_comment(client, post, **overrides):
    response = post_comment(client, post, **overrides)
    assert response.status_code == 302
    return Comment.objects.latest("pk").status


def test_default_policy_holds_first_time_commenters(client, post, settings):
    # The test settings choose "none"; use the real default.
    settings.COMMENTS_MODERATION = base_settings.COMMENTS_MODERATION
    assert moderation.moderation_policy() == "first_time"
    assert status_of_new_comment(client, post) == "pending"


def test_none_publishes_at_once(client, post, settings):
    settings.COMMENTS_MODERATION = "none"
    assert status_of_new_comment(client, post, email="") == "approved"


def test_all_holds_even_known_commenters(client, post, settings):
    settings.COMMENTS_MODERATION = "all"
    make_comment(post, author_email="ann@example.com")
    assert status_of_new_comment(client, post) == "pending"


@pytest.mark.parametrize(
    "earlier_status, earlier_email, email, expected",
    [
        (None, "", "ann@example.com", "pending"),
        ("approved", "ann@example.com", "ann@example.com", "approved"),
        ("approved", "Ann@Example.COM", "ann@example.com", "approved"),
        ("pending", "ann@example.com", "ann@example.com", "pending"),
        ("spam", "ann@example.com", "ann@example.com", "pending"),
        ("removed", "ann@example.com", "ann@example.com", "pending"),
        ("approved", "bob@example.com", "ann@example.com", "pending"),
        ("approved", "", "", "pending"),
    ],
    ids=["new", "known", "known-other-case", "earlier-pending", "earlier-spam",
         "earlier-removed", "other-email", "no-email"],
)  # fmt: skip
def test_first_time_holds_until_an_earlier_comment_was_approved(
    client, settings, earlier_status, earlier_email, email, expected
):
    settings.COMMENTS_MODERATION = "first_time"
    if earlier_status:
        make_comment(make_post(), author_email=earlier_email, status=earlier_status)
    target = make_post()
    assert status_of_new_comment(client, target, email=email) == expected


def test_approving_a_first_comment_lets_the_next_one_through(client, moderator_client, settings):
    settings.COMMENTS_MODERATION = "first_time"
    post = make_post()
    assert status_of_new_comment(client, post) == "pending"
    run_action(moderator_client, "approve_comments", [Comment.objects.get()])
    # New words: the same text again would be refused as a duplicate.
    assert status_of_new_comment(client, post, body="And another thing.") == "approved"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("See https://a.example and http://b.example", "approved"),
        ("See https://a.example, http://b.example and www.c.example", "pending"),
        ("HTTPS://A.EXAMPLE HTTP://B.EXAMPLE https://c.example/x", "pending"),
        ("No links, just a mention of wwwhat and http without a colon", "approved"),
    ],
    ids=["at-limit", "over-limit", "upper-case", "no-links"],
)
def test_more_links_than_allowed_are_held(client, post, settings, body, expected):
    settings.COMMENTS_MODERATION = "none"
    settings.COMMENTS_MAX_LINKS = 2
    assert status_of_new_comment(client, post, body=body) == expected


def test_link_limit_can_be_turned_off(client, post, settings):
    settings.COMMENTS_MODERATION = "none"
    settings.COMMENTS_MAX_LINKS = None
    body = " ".join(f"https://{n}.example" for n in range(20))
    assert status_of_new_comment(client, post, body=body) == "approved"


def test_by_default_old_posts_stay_open(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = base_settings.COMMENTS_CLOSE_AFTER_DAYS
    old = make_post(published_at=timezone.now() - timedelta(days=3650))
    assert status_of_new_comment(client, old) == "approved"


def test_posts_older_than_the_limit_refuse_comments(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_post(published_at=timezone.now() - timedelta(days=31))
    recent = make_post(published_at=timezone.now() - timedelta(days=29))

    response = post_comment(client, old, body="Too late?")
    assert response.status_code == 200
    page = soup(response)
    assert "Comments are closed on this post." in page.select_one(".form-errors").get_text()
    assert page.select_one("#id_body").get_text().strip() == "Too late?"
    assert not Comment.objects.filter(post=old).exists()
    closed_page = soup(client.get(old.get_absolute_url()))
    assert closed_page.select_one("#respond form") is None
    assert "Comments are closed" in closed_page.select_one("#respond-title").get_text()

    assert status_of_new_comment(client, recent) == "approved"
    assert soup(client.get(recent.get_absolute_url())).select_one("#respond form") is not None


def test_per_post_switch_closes_comments(client, post, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = None
    post.comments_open = False
    post.save()
    response = post_comment(client, post)
    assert "Comments are closed" in soup(response).select_one(".form-errors").get_text()
    assert not Comment.objects.exists()


def test_unknown_policy_is_a_configuration_error(client, post, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.COMMENTS_MODERATION = "sometimes"
    with pytest.raises(ImproperlyConfigured):
        post_comment(client, post)


def test_held_comment_is_shown_to_its_author_only_and_not_counted(client, post, settings):
    settings.COMMENTS_MODERATION = "all"
    make_comment(post, author_name="Earlier")
    response = post_comment(client, post, name="Author", body="My held words.")
    held = Comment.objects.get(author_name="Author")
    assert held.status == "pending"

    own_view = client.get(response["Location"], follow=True)
    own = soup(own_view)
    card = own.select_one(f"li#comment-{held.pk}")
    # One line says it is held and what that means; no notice repeats it.
    assert card.select_one(".comment-pending").get_text(strip=True) == (
        "Your comment is awaiting moderation: others will see it once a moderator approves it."
    )
    assert "My held words." in card.get_text()
    assert not own.select(".comment-notice")
    assert own.select_one("#comments-title").get_text(strip=True) == "1 comment"
    assert [number for _, number, _, _ in comment_tree(own_view)] == ["1.", None]

    stranger = Client()
    other = soup(stranger.get(post.get_absolute_url()))
    assert other.select_one(f"#comment-{held.pk}") is None
    assert "My held words." not in other.get_text()
    assert other.select_one("#comments-title").get_text(strip=True) == "1 comment"
    listing = soup(stranger.get("/")).select_one(".post-summary .post-meta a")
    assert listing.get_text(strip=True) == "1 comment"
