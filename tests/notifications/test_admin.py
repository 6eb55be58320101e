"""Subscriptions in the admin: by address, with what each follows, its state, and an
unsubscribe action."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from comments.notifications.models import Subscription
from tests.factories import make_comment
from tests.html import soup
from tests.notifications.helpers import subscriber

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_subscription_changelist")


def rows(admin_client, **params):
    """Each listed subscription as {column header: cell text}."""
    page = soup(admin_client.get(CHANGELIST, params))
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")]
    return [
        dict(
            zip(
                headers,
                (cell.get_text(" ", strip=True) for cell in row.select("th, td")),
                strict=True,
            )
        )
        for row in page.select("#result_list tbody tr")
    ]


@pytest.fixture
def subscriptions(post):
    comment = make_comment(post, author_name="Bob", author_email="bob@example.com")
    follows_post = subscriber(post, "ann@example.com")
    follows_replies = Subscription.objects.create(
        post=post, thread=comment, email="bob@example.com", status=Subscription.Status.PENDING
    )
    return follows_post, follows_replies, comment


def test_the_list_shows_each_address_with_what_it_follows_and_its_state(
    admin_client, subscriptions, post
):
    _follows_post, _follows_replies, comment = subscriptions
    listed = {row["Email"]: row for row in rows(admin_client)}
    assert listed["ann@example.com"]["Follows"] == "new comments on the post"
    assert listed["ann@example.com"]["Status"] == "Confirmed"
    assert listed["ann@example.com"]["Post"] == post.title
    assert listed["bob@example.com"]["Follows"] == f"replies to comment #{comment.pk}"
    assert listed["bob@example.com"]["Status"] == "Waiting for confirmation"


def test_a_subscriptions_page_names_it_and_offers_only_its_language_to_change(
    admin_client, subscriptions, post
):
    follows_post, follows_replies, comment = subscriptions
    page = soup(admin_client.get(reverse("admin:comments_subscription_change",
                                         args=[follows_replies.pk])))  # fmt: skip
    assert page.select_one("#content h2").get_text(strip=True) == (
        f"bob@example.com: replies to comment #{comment.pk}"
    )
    labels = [label.get_text(strip=True).rstrip(":") for label in page.select("fieldset label")]
    assert labels[:5] == ["Post", "Replies to", "Email", "Status", "Language"]
    [language] = page.select("fieldset input, fieldset select")
    assert language.name == "select" and language["name"] == "language"
    assert [option["value"] for option in language.select("option")] == ["", "en", "de"]
    assert str(follows_post) == f"ann@example.com: new comments on post #{post.pk}"

    change = reverse("admin:comments_subscription_change", args=[follows_replies.pk])
    assert admin_client.post(change, {"language": "de"}).status_code == 302
    follows_replies.refresh_from_db()
    assert follows_replies.language == "de"
    refused = admin_client.post(change, {"language": "xx"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    follows_replies.refresh_from_db()
    assert follows_replies.language == "de"  # a bad value changes nothing


def test_the_follows_filter_and_the_address_search(admin_client, subscriptions):
    assert [row["Email"] for row in rows(admin_client, follows="post")] == ["ann@example.com"]
    assert [row["Email"] for row in rows(admin_client, follows="replies")] == ["bob@example.com"]
    page = soup(admin_client.get(CHANGELIST))
    choices = [a.get_text(strip=True) for a in page.select("#changelist-filter li a")]
    assert {"new comments on the post", "replies to a comment"} <= set(choices)
    assert [row["Email"] for row in rows(admin_client, q="ann@")] == ["ann@example.com"]


def test_the_unsubscribe_action_ends_the_chosen_subscriptions(admin_client, subscriptions):
    follows_post, follows_replies, _comment = subscriptions
    response = admin_client.post(
        CHANGELIST,
        {"action": "unsubscribe", "_selected_action": [follows_post.pk]},
        follow=True,
    )
    assert "1 subscription ended." in response.content.decode()
    follows_post.refresh_from_db()
    follows_replies.refresh_from_db()
    assert follows_post.status == Subscription.Status.UNSUBSCRIBED
    assert follows_post.unsubscribed_at is not None
    assert follows_replies.status == Subscription.Status.PENDING
    # The status column says since when: the list has one column for it, not three.
    since = date_format(localtime(follows_post.unsubscribed_at), "SHORT_DATETIME_FORMAT")
    [ann] = [row for row in rows(admin_client) if row["Email"] == "ann@example.com"]
    assert ann["Status"] == f"Unsubscribed {since}"
