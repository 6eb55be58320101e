"""Redis is an accelerator: stopped or stalled, the site reads, writes and moderates.

Each test runs its own redis-server and stops it (connections refused) or stalls it with
SIGSTOP (connections accepted, nothing answered) around real requests.
"""

import logging
import time

import pytest
from django.test import override_settings

from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup
from tests.moderation.conftest import admin_messages, run_action
from tests.posting import comment_url, form_data, form_token

pytestmark = pytest.mark.django_db

FAULTS = ["stopped", "stalled"]


def authors(response):
    return [a.get_text(strip=True) for a in soup(response).select("li.comment .comment-author")]


def break_redis(server, fault):
    if fault == "stopped":
        server.stop()
    else:
        server.stall()


def timed_get(client, url):
    began = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - began


@pytest.mark.parametrize("fault", FAULTS)
def test_the_post_page_answers_without_redis(client, post, own_redis, fault):
    make_comment(post, author_name="Ann")
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]  # cached now
    break_redis(own_redis, fault)
    for _ in range(3):
        response, seconds = timed_get(client, post.get_absolute_url())
        assert response.status_code == 200
        assert authors(response) == ["Ann"]
        # One short socket timeout at most, then the cache is left alone for a while.
        assert seconds < 2


@pytest.mark.parametrize("fault", FAULTS)
def test_a_comment_is_stored_without_redis(client, post, own_redis, fault):
    parent = make_comment(post, author_name="Ann")
    client.get(post.get_absolute_url())
    break_redis(own_redis, fault)
    data = form_data(client, post, parent=parent.pk, body="Typed while Redis was away.")
    response = client.post(comment_url(post), data)
    assert response.status_code == 302
    reply = Comment.objects.get(body="Typed while Redis was away.")
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    assert f"comment-{reply.pk}" in {li.get("id") for li in soup(page).select("li.comment")}


@pytest.mark.parametrize("fault", FAULTS)
def test_the_rate_limit_still_limits_without_redis_and_says_so(
    client, post, own_redis, fault, caplog
):
    break_redis(own_redis, fault)
    # The fallback counts in this process's memory: an address no other test posts from.
    address = {"stopped": "198.51.100.77", "stalled": "198.51.100.78"}[fault]
    tokens = [form_token(client, post) for _ in range(4)]
    limit = override_settings(COMMENTS_RATE_LIMIT_COUNT=3, COMMENTS_RATE_LIMIT_PERIOD=3600)
    with limit, caplog.at_level(logging.WARNING, logger="comments"):
        answers = [
            client.post(
                comment_url(post),
                form_data(client, post, body=f"Flood {n}", token=token),
                REMOTE_ADDR=address,
            )
            for n, token in enumerate(tokens)
        ]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert soup(answers[-1]).select_one("#id_body").get_text() == "Flood 3"
    assert "counted in this process's memory" in caplog.text


@pytest.mark.parametrize("fault", FAULTS)
def test_moderation_during_an_outage_shows_once_redis_is_back(
    admin_client, client, post, own_redis, fault
):
    spammer = make_comment(post, author_name="Spammer")
    make_comment(post, author_name="Ann")
    assert authors(client.get(post.get_absolute_url())) == ["Spammer", "Ann"]  # cached

    break_redis(own_redis, fault)
    response = run_action(admin_client, "mark_as_spam", [spammer])
    assert response.status_code == 200
    assert admin_messages(response) == ["1 comment marked as spam."]
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]

    # Redis comes back holding the rendering from before the action: it is never served.
    if fault == "stopped":
        own_redis.start()
    else:
        own_redis.resume()
    time.sleep(1.1)  # COMMENTS_CACHE_RETRY_INTERVAL: the cache is asked again
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]
    # Retrying the action is honest: it is done already.
    again = run_action(admin_client, "mark_as_spam", [spammer])
    assert admin_messages(again) == ["0 comments marked as spam."]
