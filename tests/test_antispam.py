"""Floods, bots, repeated comments and double submits on the public comment form."""

import os
import threading
import uuid

import pytest
import redis
from django.db import connection
from django.test import Client, override_settings

from comments import antispam, submission
from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup
from tests.posting import comment_url, form_data, form_token

pytestmark = pytest.mark.django_db

REDIS_LOCATION = "redis://127.0.0.1:6379/0"


def form_errors(response):
    block = soup(response).select_one(".form-errors")
    return block.get_text(" ", strip=True) if block else ""


# --- honeypot -------------------------------------------------------------------------


def test_the_honeypot_is_in_the_form_but_out_of_sight(client, post):
    page = soup(client.get(post.get_absolute_url()))
    trap = page.select_one("#respond form input[name=homepage]")
    assert trap is not None and trap["tabindex"] == "-1"
    wrapper = trap.find_parent(class_="field")
    assert "field--trap" in wrapper["class"] and wrapper["aria-hidden"] == "true"


def test_a_filled_honeypot_stores_nothing_and_keeps_the_text(client, post):
    data = form_data(client, post, homepage="http://spam.example/", body="Buy now")
    response = client.post(comment_url(post), data)
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    assert "looks automated" in form_errors(response)
    page = soup(response)
    assert page.select_one("#id_body").get_text().strip() == "Buy now"
    assert page.select_one("input[name=homepage]").get("value") is None  # never echoed


# --- duplicates -----------------------------------------------------------------------


def test_the_same_author_saying_the_same_thing_again_is_refused(client, post):
    first = client.post(comment_url(post), form_data(client, post, body="Great post!"))
    assert first.status_code == 302
    elsewhere = Client()  # the same author on another device: not this browser's comment
    again = elsewhere.post(comment_url(post), form_data(elsewhere, post, body="Great post!"))
    assert again.status_code == 200
    assert "Duplicate comment detected" in form_errors(again)
    assert soup(again).select_one("#id_body").get_text().strip() == "Great post!"
    assert Comment.objects.count() == 1


def test_the_browser_that_wrote_it_is_led_to_its_comment_instead(client, post):
    """The page reloaded after posting (a new form) and the same text sent again."""
    client.post(comment_url(post), form_data(client, post, body="Great post!"))
    comment = Comment.objects.get()
    again = client.post(comment_url(post), form_data(client, post, body="Great post!"), follow=True)
    assert again.redirect_chain[0] == (f"/comment/{comment.pk}/", 302)
    assert "Your comment was already posted; here it is." in again.content.decode()
    assert Comment.objects.count() == 1
    # Held for moderation, it is still this browser's: led to it too (not an error).
    Comment.objects.filter(pk=comment.pk).update(status="pending")
    held = client.post(comment_url(post), form_data(client, post, body="Great post!"))
    assert held.status_code == 302 and held["Location"] == f"/comment/{comment.pk}/"


def test_the_same_author_by_email_under_another_name_is_a_duplicate_too(client, post):
    client.post(comment_url(post), form_data(client, post, body="Same words"))
    elsewhere = Client()
    again = elsewhere.post(
        comment_url(post),
        form_data(elsewhere, post, name="Ann B.", email="ANN@example.com", body="Same words"),
    )
    assert "Duplicate comment detected" in form_errors(again)
    assert Comment.objects.count() == 1


def test_other_people_other_posts_and_old_comments_are_not_duplicates(client, post):
    from tests.factories import make_post

    client.post(comment_url(post), form_data(client, post, body="+1"))
    other = make_post()
    for target, name, email in [(post, "Bob", "bob@example.com"), (other, "Ann", "")]:
        data = form_data(client, target, name=name, email=email, body="+1")
        assert client.post(comment_url(target), data).status_code == 302
    with override_settings(COMMENTS_DUPLICATE_WINDOW=0):
        assert client.post(comment_url(post), form_data(client, post, body="+1")).status_code == 302
    assert Comment.objects.filter(body="+1").count() == 4


def test_a_long_text_sent_again_is_a_duplicate_but_a_near_copy_is_not(client, post):
    # Longer than a btree entry may be: the check looks comments up by the text's digest.
    long_text = "All work and no play. " * 400
    first = client.post(comment_url(post), form_data(client, post, body=long_text))
    assert first.status_code == 302
    elsewhere = Client()
    again = elsewhere.post(comment_url(post), form_data(elsewhere, post, body=long_text))
    assert "Duplicate comment detected" in form_errors(again)
    near_copy = form_data(client, post, body=long_text + "Really.")
    assert client.post(comment_url(post), near_copy).status_code == 302
    assert Comment.objects.count() == 2


def test_a_removed_comment_may_be_posted_again(client, post):
    make_comment(post, author_name="Ann", body="Second try", status="removed")
    data = form_data(client, post, body="Second try")
    assert client.post(comment_url(post), data).status_code == 302


# --- double submits -------------------------------------------------------------------


def test_sending_the_same_form_twice_creates_one_comment_and_leads_to_it(client, post):
    data = form_data(client, post, body="Only once, please")
    first = client.post(comment_url(post), data)
    second = client.post(comment_url(post), data)
    assert Comment.objects.count() == 1
    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == comment.get_absolute_url()
    page = soup(client.get(second["Location"], follow=True))
    notices = page.select(f"#comment-{comment.pk} .comment-notice")  # where the browser lands
    assert "Your comment was already posted; here it is." in [n.get_text() for n in notices]


def test_a_reply_sent_twice_is_one_reply(client, post):
    parent = make_comment(post)
    data = form_data(client, post, parent=parent.pk, body="My reply")
    client.post(comment_url(post), data)
    client.post(comment_url(post), data)
    assert Comment.objects.filter(parent=parent).count() == 1


def test_a_used_form_with_new_text_asks_to_post_again_with_a_fresh_token(client, post):
    data = form_data(client, post, body="First words")
    client.post(comment_url(post), data)
    response = client.post(comment_url(post), {**data, "body": "Edited words"})
    assert response.status_code == 200
    assert "already used" in form_errors(response)
    page = soup(response)
    assert page.select_one("#id_body").get_text().strip() == "Edited words"
    fresh = page.select_one("input[name=token]")["value"]
    assert fresh != data["token"]
    resent = client.post(comment_url(post), {**data, "body": "Edited words", "token": fresh})
    assert resent.status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["First words", "Edited words"]


@pytest.mark.parametrize(
    "token",
    ["", "forged", submission.new_form_token() + "x", "not-a-token:abc:def"],
    ids=["missing", "garbage", "tampered", "bad-format"],
)
def test_a_missing_or_forged_token_keeps_the_text_and_offers_a_fresh_form(client, post, token):
    data = form_data(client, post, body="Typed with care", token=token)
    response = client.post(comment_url(post), data)
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    assert "This form has expired" in form_errors(response)
    page = soup(response)
    assert page.select_one("#id_body").get_text().strip() == "Typed with care"
    fresh = page.select_one("input[name=token]")["value"]
    assert submission.key_from_token(fresh) is not None
    retry = client.post(comment_url(post), {**data, "token": fresh})
    assert retry.status_code == 302


def test_an_expired_token_is_refused(client, post):
    data = form_data(client, post)
    with override_settings(COMMENTS_FORM_MAX_AGE=-1):
        response = client.post(comment_url(post), data)
    assert "This form has expired" in form_errors(response)
    assert Comment.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reply", [True, False], ids=["reply", "new-thread"])
def test_a_double_click_racing_itself_creates_one_comment(reply):
    """The repeat checks run before the thread lock; twins that pass them together are
    stopped by the unique form key and led to the comment that won."""
    from tests.factories import make_post

    post = make_post()
    parent = make_comment(post)
    fields = {"parent": parent.pk} if reply else {}
    data = form_data(Client(), post, body="Clicked twice", **fields)
    start = threading.Barrier(4)
    locations = []

    def click():
        try:
            start.wait()
            response = Client().post(comment_url(post), data)
            locations.append((response.status_code, response.get("Location")))
        finally:
            connection.close()

    clicks = [threading.Thread(target=click) for _ in range(4)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    made = Comment.objects.get(body="Clicked twice")
    assert made.parent_id == (parent.pk if reply else None)
    assert locations == [(302, made.get_absolute_url())] * 4


# --- rate limit (against the real Redis) ------------------------------------------------


@pytest.fixture
def redis_cache():
    """The default cache on the local Redis, under a key prefix no one else uses."""
    prefix = f"ratelimit-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_LOCATION,
            "KEY_PREFIX": prefix,
        }
    }
    raw = redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=2)
    try:
        raw.ping()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"needs Redis at {REDIS_LOCATION} (CI starts it; REQUIRE_REDIS=1 there)")
    # A year-long window: the test never straddles two windows.
    with override_settings(
        CACHES=caches, COMMENTS_RATE_LIMIT_COUNT=3, COMMENTS_RATE_LIMIT_PERIOD=365 * 24 * 3600
    ):
        yield raw, prefix
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def test_a_flood_from_one_address_is_answered_with_429(client, post, redis_cache):
    raw, prefix = redis_cache
    tokens = [form_token(client, post) for _ in range(4)]
    for n, token in enumerate(tokens[:3]):
        data = form_data(client, post, body=f"Comment {n}", token=token)
        assert client.post(comment_url(post), data, REMOTE_ADDR="203.0.113.7").status_code == 302
    data = form_data(client, post, body="One too many", token=tokens[3])
    response = client.post(comment_url(post), data, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = soup(response)
    assert page.select_one("h1").get_text(strip=True) == "Slow down, please"
    assert page.select_one("#id_body").get_text() == "One too many"  # the text is not lost
    assert Comment.objects.count() == 3
    # The count lives in Redis, where every app process sees it.
    assert any(b"comment-rate:203.0.113.7" in key for key in raw.scan_iter(f"{prefix}:*"))
    # Another address is not affected.
    other = form_data(client, post, body="From elsewhere")
    assert client.post(comment_url(post), other, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_previews_are_limited_apart_from_comments_and_keep_the_text(client, post, redis_cache):
    raw, prefix = redis_cache
    preview_url = f"/posts/{post.slug}/comment/preview/"
    with override_settings(COMMENTS_PREVIEW_RATE_LIMIT_COUNT=2):
        for _ in range(2):
            ok = client.post(preview_url, {"body": "*draft*"}, REMOTE_ADDR="203.0.113.9")
            assert ok.status_code == 200 and "<em>draft</em>" in ok.content.decode()
        refused = client.post(preview_url, {"body": "*draft*"}, REMOTE_ADDR="203.0.113.9")
        assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
        assert "Too many previews" in refused.content.decode()
        # Without JavaScript: the form again, its text kept, the reason said.
        data = form_data(client, post, body="My *draft*", preview="1")
        page = client.post(comment_url(post), data, REMOTE_ADDR="203.0.113.9")
        assert page.status_code == 429
        assert soup(page).select_one("#respond textarea[name=body]").get_text().strip() == (
            "My *draft*"
        )
        assert "Too many previews" in soup(page).select_one("#respond").get_text()
        # Posting is counted apart: the comment still goes in.
        data.pop("preview")
        assert client.post(comment_url(post), data, REMOTE_ADDR="203.0.113.9").status_code == 302
    assert any(b"preview-rate:203.0.113.9" in key for key in raw.scan_iter(f"{prefix}:*"))


def test_ipv6_clients_are_limited_per_network(client, post, redis_cache):
    for n in range(3):
        data = form_data(client, post, body=f"v6 {n}")
        address = f"2001:db8:1:2::{n + 1}"
        assert client.post(comment_url(post), data, REMOTE_ADDR=address).status_code == 302
    data = form_data(client, post, body="v6 again")
    response = client.post(comment_url(post), data, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(client, post, redis_cache):
    with override_settings(TRUSTED_PROXY_COUNT=1):
        for n in range(4):
            data = form_data(client, post, body=f"proxied {n}")
            response = client.post(
                comment_url(post),
                data,
                REMOTE_ADDR="10.0.0.2",
                # The client wrote the first entry itself; our proxy appended the real one.
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.50",
            )
        assert response.status_code == 429
    assert Comment.objects.filter(ip_address="203.0.113.50").count() == 3


def send(client, post, address, **fields):
    return client.post(comment_url(post), form_data(client, post, **fields), REMOTE_ADDR=address)


def test_a_comment_form_is_counted_in_one_round_trip_to_redis(redis_cache, monkeypatch):
    """Both of its limits (the comments stored, the forms sent) in one round trip."""
    with antispam.comment_allowance("203.0.113.7") as allowance:  # connects
        allowance.keep()
    sent = []
    send = redis.connection.Connection.send_packed_command

    def counting_send(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting_send)
    with antispam.comment_allowance("203.0.113.7") as allowance:
        assert allowance.retry_after is None
        allowance.keep()
    assert len(sent) == 1
    raw, prefix = redis_cache
    assert sorted(int(raw.get(key)) for key in raw.scan_iter(f"{prefix}:*")) == [2, 2]


def test_forms_refused_for_a_mistake_do_not_count_against_the_comments(client, post, redis_cache):
    """Only comments stored count: five forms with a mistyped website, then three comments,
    all go through; the limit (3) still stops the fourth comment, and says why truly."""
    address = "203.0.113.21"
    for n in range(5):
        refused = send(client, post, address, body=f"Try {n}", url="htp//typo")
        assert refused.status_code == 200 and Comment.objects.count() == 0
    for n in range(3):
        assert send(client, post, address, body=f"Comment {n}").status_code == 302
    response = send(client, post, address, body="One too many")
    assert response.status_code == 429
    assert "You have posted several comments in a short time" in soup(response).get_text()
    assert Comment.objects.count() == 3


def test_the_sites_staff_are_not_rate_limited(client, post, redis_cache, django_user_model):
    """A moderator answering comments one after another is never told to wait; a visitor
    from the same address still is."""
    address = "203.0.113.23"
    staff = django_user_model.objects.create_user("mod", "mod@example.com", "pw", is_staff=True)
    moderator = Client()
    moderator.force_login(staff)
    for n in range(5):  # the limit is 3
        assert send(moderator, post, address, body=f"Answer {n}").status_code == 302
    for n in range(3):
        assert send(client, post, address, body=f"Visitor {n}").status_code == 302
    assert send(client, post, address, body="One too many").status_code == 429
    assert Comment.objects.filter(body__startswith="Answer").count() == 5


def test_a_script_sending_refused_forms_in_a_loop_is_stopped_and_told_so(client, post, redis_cache):
    """Every form sent counts against a far higher bound: a bot that fills the honeypot again
    and again is stopped, and the page does not claim it posted comments."""
    address = "203.0.113.22"
    with override_settings(COMMENTS_RATE_LIMIT_ATTEMPTS=6):
        for n in range(6):
            trapped = send(client, post, address, body=f"Buy {n}", homepage="http://x.example/")
            assert trapped.status_code == 200
        response = send(client, post, address, body="Even a good one")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    told = " ".join(soup(response).select_one("main").get_text().split())
    assert "The comment form was sent from your network many times in a short time" in told
    assert "posted several comments" not in told
    assert soup(response).select_one("#id_body").get_text() == "Even a good one"
    assert Comment.objects.count() == 0
    assert send(client, post, "198.51.100.22", body="From elsewhere").status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_comments_racing_from_one_address_never_pass_the_limit(redis_cache):
    """A comment holds its place in the count before it is written: of eight sent at once
    from one address, three (the limit) are stored, whatever the order they finish in."""
    from tests.factories import make_post

    post = make_post()
    forms = [form_data(Client(), post, body=f"Racing {n}") for n in range(8)]
    start = threading.Barrier(len(forms))
    answers = []

    def send_one(data):
        try:
            start.wait()
            response = Client().post(comment_url(post), data, REMOTE_ADDR="203.0.113.23")
            answers.append(response.status_code)
        finally:
            connection.close()

    racers = [threading.Thread(target=send_one, args=(data,)) for data in forms]
    for thread in racers:
        thread.start()
    for thread in racers:
        thread.join()
    assert sorted(answers) == [302] * 3 + [429] * 5
    assert Comment.objects.count() == 3


# --- control characters and sizes -------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Ann\x00"),
        ("name", "Ann\x1b[31m"),
        ("name", "Ann\nBob"),
        ("name", "evil\u202egnp.exe"),
        ("body", "text\x07bell"),
        ("body", "text\x00nul"),
        ("body", "override \u2066isolate\u2069"),
        ("body", "\ufffe"),
        ("email", "ann\x01@example.com"),
        ("url", "https://example.com/\x7f"),
    ],
    ids=[
        "name-nul", "name-escape", "name-newline", "name-rlo", "body-bell", "body-nul",
        "body-isolate", "body-nonchar", "email-soh", "url-del",
    ],
)  # fmt: skip
def test_control_characters_are_refused_with_a_clear_error(client, post, field, value):
    response = client.post(comment_url(post), form_data(client, post, **{field: value}))
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    error = soup(response).select_one(f"#id_{field}").parent.select_one(".field-error")
    assert error is not None and error.get_text(strip=True)


@pytest.mark.parametrize("field", ["name", "email", "url", "body"])
def test_a_nul_character_gets_one_message(client, post, field):
    """Django's own "Null characters are not allowed." would repeat the project's message."""
    value = {"email": "ann\x00@example.com", "url": "https://example.com/\x00"}.get(field, "a\x00b")
    response = client.post(comment_url(post), form_data(client, post, **{field: value}))
    error = soup(response).select_one(f"#id_{field}").parent.select_one(".field-error")
    messages = [p.get_text(strip=True) for p in error.select("p")]
    assert messages == ["Remove the invisible control character (U+0000) from this field."]


def test_a_nul_character_in_an_edit_or_a_preview_gets_one_message(client, post):
    data = form_data(client, post, body="First words")
    assert client.post(comment_url(post), data).status_code == 302
    comment = Comment.objects.get()
    edited = client.post(f"/comment/{comment.pk}/edit/", {"body": "a\x00b"})
    errors = soup(edited).select(".field--body .field-error p")
    assert [p.get_text(strip=True) for p in errors] == [
        "Remove the invisible control character (U+0000) from this field."
    ]
    preview = client.post(f"/posts/{post.slug}/comment/preview/", {"body": "a\x00b"})
    assert "Null characters" not in preview.content.decode()
    assert "U+0000" in preview.content.decode()


def test_line_breaks_tabs_and_right_to_left_text_are_fine_in_a_comment(client, post):
    body = "First line\n\tindented\r\nשלום \u200fעולם 👩\u200d💻"
    assert client.post(comment_url(post), form_data(client, post, body=body)).status_code == 302
    assert Comment.objects.get().body == body


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d ", "\u00a0\u00a0"])
def test_an_invisible_name_is_no_name(client, post, name):
    response = client.post(comment_url(post), form_data(client, post, name=name))
    assert Comment.objects.count() == 0
    field_block = soup(response).select_one("#id_name").parent
    assert field_block.select_one(".field-error") is not None


@pytest.mark.parametrize(
    "field, size, message",
    [
        ("name", 101, "at most 100 characters"),
        ("email", 260, "at most 254 characters"),
        ("url", 501, "at most 500 characters"),
        ("body", 10_001, "at most 10000 characters"),
    ],
)
def test_every_field_has_a_size_limit(client, post, field, size, message):
    value = {
        "name": "n" * size,
        "email": "a" * (size - 12) + "@example.com",
        "url": "https://example.com/" + "p" * (size - 20),
        "body": "b" * size,
    }[field]
    assert len(value) == size
    response = client.post(comment_url(post), form_data(client, post, **{field: value}))
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    error = soup(response).select_one(f"#id_{field}").parent.select_one(".field-error")
    assert message in error.get_text()


def test_an_oversized_request_is_refused_before_the_form(client, post):
    data = form_data(client, post, body="x" * 3_000_000)
    response = client.post(comment_url(post), data)
    assert response.status_code == 400
    assert Comment.objects.count() == 0
