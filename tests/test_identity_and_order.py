"""Avatars, the post author's badge, staff commenting as themselves, sorting, and dates."""

import hashlib
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from comments.avatars import avatar_key
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db


def test_avatar_key_is_a_keyed_hash_stored_at_write_time(client, post):
    client.post(comment_url(post), form_data(client, post, email="Ann@Example.com"))
    client.post(comment_url(post), form_data(client, post, email="ann@example.com", body="2nd"))
    first, second = Comment.objects.order_by("pk")
    assert first.avatar_key == second.avatar_key  # the same person, the same face
    plain = b"ann@example.com"
    guessable = (hashlib.md5(plain).hexdigest(), hashlib.sha256(plain).hexdigest())  # noqa: S324
    assert first.avatar_key not in guessable and first.avatar_key[:32] not in guessable[1]
    with override_settings(SECRET_KEY="another-secret"):
        assert avatar_key(email="ann@example.com") != first.avatar_key
    img = soup(client.get(post.get_absolute_url())).select_one(f"#comment-{first.pk} img.avatar")
    assert img["src"] == f"/avatar/{first.avatar_key}.svg" and img["alt"] == ""


def test_avatar_is_an_svg_identicon_from_this_server(client):
    response = client.get("/avatar/0123456789abcdef0123456789abcdef.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age" in response["Cache-Control"]
    svg = response.content.decode()
    assert (
        svg.startswith("<svg")
        and "<rect" in svg
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )
    other = client.get("/avatar/fedcba9876543210fedcba9876543210.svg").content.decode()
    assert other != svg


@override_settings(COMMENTS_AVATAR_GRAVATAR=True)
def test_gravatar_only_when_the_owner_turns_it_on(client, post):
    client.post(comment_url(post), form_data(client, post, email="bob@example.com"))
    key = Comment.objects.get().avatar_key
    response = client.get(f"/avatar/{key}.svg")
    assert response.status_code == 302
    assert response["Location"].startswith("https://www.gravatar.com/avatar/")
    with override_settings(COMMENTS_AVATAR_GRAVATAR=False):
        assert client.get(f"/avatar/{key}.svg")["Content-Type"] == "image/svg+xml"


def test_rendering_avatars_costs_no_query_per_comment(client, post):
    for i in range(30):
        make_comment(post, author_name=f"R{i}", author_email=f"r{i}@example.com")
    with CaptureQueriesContext(connection) as queries:
        client.get(post.get_absolute_url())
    comment_queries = [q for q in queries.captured_queries if "comments_comment" in q["sql"]]
    assert len(comment_queries) == 2


def test_staff_comment_as_themselves_with_the_author_badge_on_their_post(client):
    user = get_user_model().objects.create_user(
        "editor", "editor@example.com", "pw", first_name="Eddie", last_name="Tor", is_staff=True
    )
    own_post = make_post(author=user)
    other_post = make_post()
    client.force_login(user)
    form = soup(client.get(own_post.get_absolute_url())).select_one("#respond form")
    assert form.select_one("input[name=name]")["value"] == "Eddie Tor"
    assert form.select_one("input[name=email]")["value"] == "editor@example.com"
    with override_settings(COMMENTS_MODERATION="all"):
        for target in (own_post, other_post):
            data = form_data(client, target, name="Eddie Tor", email="editor@example.com")
            assert client.post(comment_url(target), data).status_code == 302
    on_own, on_other = Comment.objects.order_by("pk")
    assert (on_own.status, on_other.status) == ("approved", "approved")
    assert (on_own.by_post_author, on_other.by_post_author) == (True, False)
    reader = Client()
    badge = soup(reader.get(own_post.get_absolute_url())).select(".comment-badge")
    assert [b.get_text() for b in badge] == ["Author"]
    assert not soup(reader.get(other_post.get_absolute_url())).select(".comment-badge")


def test_a_visitor_gets_no_badge_and_is_moderated(client, post):
    with override_settings(COMMENTS_MODERATION="all"):
        client.post(comment_url(post), form_data(client, post, name="Editor"))
    assert Comment.objects.get().status == "pending"
    assert Comment.objects.get().by_post_author is False


def make_threads(post, count):
    return [make_comment(post, author_name=f"T{i}", body=f"Thread {i}") for i in range(count)]


def top_level_ids(response):
    return [
        int(li["id"].removeprefix("comment-"))
        for li in soup(response).select("ol.comment-list > li.comment")
    ]


@override_settings(COMMENTS_PER_PAGE=2)
def test_newest_first_is_kept_while_paging_and_numbers_stay(client, post):
    threads = make_threads(post, 5)
    reply = make_comment(post, parent=threads[0], author_name="Late reply")
    url = post.get_absolute_url()
    assert top_level_ids(client.get(url)) == [threads[0].pk, threads[1].pk]
    first = client.get(f"{url}?sort=newest")
    assert top_level_ids(first) == [threads[4].pk, threads[3].pk]
    page = soup(first)
    numbers = [n.get_text() for n in page.select("ol.comment-list > li > article .comment-number")]
    assert numbers == ["5.", "4."]
    next_link = page.select_one(".comment-pages-next")["href"]
    assert next_link == "?sort=newest&cpage=2#comments"
    assert page.select_one(".comment-reply-link")["href"].startswith("?sort=newest&replyto=")
    last = client.get(f"{url}?sort=newest&cpage=3")
    assert top_level_ids(last) == [threads[0].pk]
    assert f"comment-{reply.pk}" in last.content.decode()
    # Permalinks find the page in either order.
    assert client.get(f"/comment/{reply.pk}/")["Location"] == f"{url}#comment-{reply.pk}"
    assert client.get(f"/comment/{reply.pk}/?sort=newest")["Location"] == (
        f"{url}?sort=newest&cpage=3#comment-{reply.pk}"
    )


@override_settings(COMMENTS_PER_PAGE=2)
def test_a_comment_posted_while_reading_newest_first_is_shown_newest_first(client, post):
    threads = make_threads(post, 5)
    page = soup(client.get(f"{post.get_absolute_url()}?sort=newest&replyto={threads[0].pk}"))
    action = page.select_one("form.comment-form")["action"]
    assert action == f"{comment_url(post)}?sort=newest"
    data = form_data(client, post, body="An answer to the oldest", parent=threads[0].pk)
    landed = client.post(action, data, follow=True)
    reply = Comment.objects.get(body="An answer to the oldest")
    final_url, _status = landed.redirect_chain[-1]
    assert final_url == f"{post.get_absolute_url()}?sort=newest&cpage=3#comment-{reply.pk}"
    assert f'id="comment-{reply.pk}"' in landed.content.decode()
    # In the default order the form carries nothing.
    plain = soup(client.get(post.get_absolute_url())).select_one("form.comment-form")
    assert plain["action"] == comment_url(post)


def test_dates_show_day_and_time_and_the_exact_second(client, post):
    comment = make_comment(post, created_at=datetime(2024, 3, 4, 14, 3, 9, tzinfo=UTC))
    time = soup(client.get(post.get_absolute_url())).select_one(
        f"#comment-{comment.pk} .comment-permalink time"
    )
    assert time.get_text() == "March 4, 2024 at 14:03"
    assert time["title"] == "2024-03-04 14:03:09 UTC"
    assert re.fullmatch(r"2024-03-04T14:03:09\+00:00", time["datetime"])
    with override_settings(TIME_ZONE="Europe/Berlin"):
        time = soup(client.get(post.get_absolute_url())).select_one(
            f"#comment-{comment.pk} .comment-permalink time"
        )
        assert time.get_text() == "March 4, 2024 at 15:03"
        assert time["title"] == "2024-03-04 15:03:09 CET"


@pytest.mark.parametrize(
    "language, older, newer",
    [("en", "Older comments", "Newer comments"), ("de", "Ältere Kommentare", "Neuere Kommentare")],
)
@override_settings(COMMENTS_PER_PAGE=2)
def test_paging_links_say_older_and_newer_as_the_sort_order_has_them(
    client, post, language, older, newer
):
    make_threads(post, 5)
    url = post.get_absolute_url()

    def links(query):
        page = soup(client.get(f"{url}?{query}", headers={"accept-language": language}))
        prev, next_ = page.select_one(".comment-pages-prev"), page.select_one(".comment-pages-next")
        return (prev and prev.get_text(strip=True), next_ and next_.get_text(strip=True))

    # Oldest first, page 2 holds newer threads than page 1.
    assert links("cpage=1") == (None, newer)
    assert links("cpage=2") == (older, newer)
    # Newest first, page 2 holds older ones: the link there says so, and the way back is newer.
    assert links("sort=newest&cpage=1") == (None, older)
    assert links("sort=newest&cpage=2") == (newer, older)
    assert links("sort=newest&cpage=3") == (newer, None)


@override_settings(COMMENTS_PER_PAGE=2, COMMENTS_THREAD_MAX_DEPTH=2)
def test_continue_this_thread_and_back_keep_the_newest_first_order(client, post):
    """The reader who sorted newest first and follows a deep thread to its own page comes
    back to the page of the discussion they left, in their order."""
    roots = make_threads(post, 5)
    deep = roots[-1]  # newest first: on page 1
    child = make_comment(post, parent=deep, body="Level 1")
    make_comment(post, parent=make_comment(post, parent=child, body="Level 2"), body="Level 3")
    page = soup(client.get(f"{post.get_absolute_url()}?sort=newest"))
    [continued] = page.select(".comment-continue a")
    assert continued["href"].endswith("?sort=newest")
    thread = soup(client.get(continued["href"]))
    back = thread.select_one(".thread-nav a")["href"]
    assert back.endswith("?sort=newest")
    landed = client.get(back)
    assert landed.status_code == 302
    assert "sort=newest" in landed["Location"] and "cpage" not in landed["Location"]
