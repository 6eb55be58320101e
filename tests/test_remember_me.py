"""'Save my name, email and website in this browser': a signed cookie read by the form only."""

import pytest
from django.test import Client, override_settings

from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db


def form_values(client, url):
    form = soup(client.get(url)).select_one("#respond form")
    return {
        name: form.select_one(f"input[name={name}]").get("value", "")
        for name in ("name", "email", "url")
    }, form.select_one("input[name=remember]").has_attr("checked")


def test_unticked_by_default_and_nothing_saved(client, post):
    assert form_values(client, post.get_absolute_url()) == (
        {"name": "", "email": "", "url": ""},
        False,
    )
    client.post(comment_url(post), form_data(client, post))
    assert "comments_author" not in client.cookies
    assert form_values(client, post.get_absolute_url())[0]["name"] == ""


def test_ticked_fills_the_next_form_and_unticking_forgets(client, post):
    data = form_data(client, post, name="Bea", url="https://bea.example/", remember="on")
    response = client.post(comment_url(post), data)
    cookie = response.cookies["comments_author"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie.value.count(":") >= 2  # value:timestamp:signature (Django's signed cookie)
    assert form_values(client, post.get_absolute_url()) == (
        {"name": "Bea", "email": "ann@example.com", "url": "https://bea.example/"},
        True,
    )
    # The reply form (?replyto=) is the same form, filled in as well.
    reply_to = f"{post.get_absolute_url()}?replyto=1"
    assert form_values(client, reply_to)[0]["name"] == "Bea"
    # Another reader gets an empty form.
    assert form_values(Client(), post.get_absolute_url())[0]["name"] == ""
    # Posting with the box unticked forgets.
    forget = client.post(comment_url(post), form_data(client, post, name="Bea", body="Again"))
    assert forget.cookies["comments_author"].value == ""
    assert form_values(client, post.get_absolute_url()) == (
        {"name": "", "email": "", "url": ""},
        False,
    )


def test_a_forged_cookie_fills_nothing(client, post):
    client.cookies["comments_author"] = '{"name": "Mallory", "email": "m@example.com"}'
    assert form_values(client, post.get_absolute_url())[0]["name"] == ""


@pytest.mark.django_db(transaction=True)  # the cache is refreshed on commit
@override_settings(COMMENTS_CACHE_TIMEOUT=60)
def test_cached_discussion_never_carries_one_readers_details(client, post):
    client.post(comment_url(post), form_data(client, post, name="Cached Cat", remember="on"))
    mine = client.get(post.get_absolute_url()).content.decode()
    assert 'value="Cached Cat"' in mine
    theirs = Client().get(post.get_absolute_url()).content.decode()
    assert 'value="Cached Cat"' not in theirs and "ann@example.com" not in theirs
