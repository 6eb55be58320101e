"""The moderation queue: the Comment changelist as a moderator opens it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation

from comments import admin_search
from comments.admin import PostFilter
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup

from .conftest import CHANGELIST, changelist_ids

pytestmark = pytest.mark.django_db


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_queue_shows_pending_first_then_newest_with_counts(moderator_client, post):
    old_pending = make_comment(post, status="pending", created_at=ago(days=3))
    new_approved = make_comment(post, created_at=ago(hours=1))
    new_pending = make_comment(post, status="pending", created_at=ago(days=1))
    spam = make_comment(post, status="spam", created_at=ago(hours=2))
    removed = make_comment(post, status="removed", created_at=ago(days=5))
    old_spam = make_comment(post, status="spam", created_at=ago(days=6))

    response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200
    ids = changelist_ids(response)
    assert ids == [c.pk for c in (new_pending, old_pending, new_approved, spam, removed, old_spam)]
    counts = soup(response).select_one(".moderation-counts")
    assert counts.select_one(".moderation-count--pending").get_text(" ", strip=True) == "2 pending"
    assert counts.select_one(".moderation-count--spam").get_text(" ", strip=True) == "2 spam"


def test_queue_columns_and_links(moderator_client, post):
    root = make_comment(post, body="Root words " * 20)
    reply = make_comment(post, parent=root, author_name="Bo", status="pending", body="Reply!")
    ping = make_comment(post, author_name="Elsewhere", kind="pingback", body="[…] cited […]")
    page = soup(moderator_client.get(CHANGELIST))
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")][1:]
    assert headers == ["Comment", "Author name", "Post", "Status", "Decide", "Spam score",
                       "Created at"]  # fmt: skip
    row = page.select_one(f"input.action-select[value='{reply.pk}']").find_parent("tr")
    # Under the text, who wrote it on which post and when (shown on a phone only).
    meta = row.select_one(".field-excerpt .queue-meta").extract().get_text(" ", strip=True)
    assert meta.startswith(f"Bo on {post.title} · ")
    cells = [td.get_text(" ", strip=True) for td in row.select("th, td")][1:]
    # Under the post, where to see the comment; under the status, the kind if not a comment.
    assert cells[:4] == ["Reply!", "Bo", f"{post.title} View on site · Thread", "Pending"]
    assert cells[5] == "—"
    ping_row = page.select_one(f"input.action-select[value='{ping.pk}']").find_parent("tr")
    assert ping_row.select_one(".field-status_label").get_text(" ", strip=True) == (
        "Approved Pingback"
    )
    assert row.select_one("a.comment-permalink")["href"] == reply.get_absolute_url()
    thread_href = row.select_one("a.comment-thread-link")["href"]
    assert thread_href == reverse("admin:comments_comment_thread", args=[reply.pk])
    root_row = page.select_one(f"input.action-select[value='{root.pk}']").find_parent("tr")
    root_row.select_one(".queue-meta").extract()
    excerpt = root_row.select_one("th").get_text(strip=True)
    assert excerpt.startswith("Root words") and excerpt.endswith("…") and len(excerpt) <= 80


@pytest.mark.parametrize("language", ["en", "de"])
def test_queue_row_checkbox_is_the_markup_django_writes(post, language):
    """The queue writes Django's row checkbox itself (its widget rendering was the costliest
    column): the same markup as ``ModelAdmin.action_checkbox``, which the admin's actions
    script and the select-all box depend on."""
    comment = make_comment(post, author_name='Ann "<b>"', body="<p>Tom & Jerry</p>")
    queue = admin.site.get_model_admin(Comment)
    with translation.override(language):
        assert queue.action_checkbox(comment) == admin.ModelAdmin.action_checkbox(queue, comment)


def test_queue_shows_the_day_alone_for_a_comment_whose_archive_gave_no_time(moderator_client, post):
    dated = make_comment(post, body="Dated", created_at=datetime(2024, 3, 11, 12, tzinfo=UTC))
    day_only = make_comment(post, body="Day only", created_at=datetime(2024, 3, 11, tzinfo=UTC))
    Comment.objects.filter(pk=day_only.pk).update(date_only=True)  # as a text archive's import
    page = soup(moderator_client.get(CHANGELIST))

    def created(comment):
        row = page.select_one(f"input.action-select[value='{comment.pk}']").find_parent("tr")
        return row.select_one("td.field-created").get_text(strip=True)

    assert created(day_only) == "March 11, 2024"
    assert created(dated).startswith("March 11, 2024, ") and created(dated) != "March 11, 2024"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status__exact=spam", {"spam"}),
        ("kind__exact=pingback", {"ping"}),
        ("post__id__exact={other}", {"other"}),
        ("Past 7 days", {"ann", "spam", "ping", "other"}),
    ],
    ids=["status", "kind", "post", "date"],
)
def test_queue_filters(moderator_client, post, query, expected):
    other_post = make_post()
    made = {
        "ann": make_comment(post, author_name="Ann"),
        "spam": make_comment(post, status="spam"),
        "ping": make_comment(post, kind="pingback"),
        "other": make_comment(other_post),
        "old": make_comment(post, created_at=ago(days=30)),
    }
    if "=" in query:
        response = moderator_client.get(f"{CHANGELIST}?{query.format(other=other_post.pk)}")
    else:  # follow the filter's own link in the sidebar
        sidebar = soup(moderator_client.get(CHANGELIST)).select_one("#changelist-filter")
        link = sidebar.find("a", string=query)
        response = moderator_client.get(f"{CHANGELIST}{link['href']}")
    assert response.status_code == 200
    shown = set(changelist_ids(response))
    assert shown == {made[name].pk for name in expected}


@pytest.mark.parametrize(
    "term", ["Zelda", "zelda@hyrule.example", "hyrule.example/blog", "10.9.8.7", "ocarina"]
)
def test_queue_search_covers_author_email_website_ip_and_text(moderator_client, post, term):
    target = make_comment(
        post,
        author_name="Zelda",
        author_email="zelda@hyrule.example",
        author_url="https://hyrule.example/blog",
        ip_address="10.9.8.7",
        body="Play the Ocarina.",
    )
    make_comment(post, author_name="Link", author_email="link@example.com", ip_address="10.1.1.1")
    response = moderator_client.get(CHANGELIST, {"q": term})
    assert changelist_ids(response) == [target.pk]


def test_queue_query_count_does_not_grow_with_rows(moderator_client, django_assert_max_num_queries):
    for post in (make_post(), make_post()):
        for n in range(30):
            make_comment(post, status="pending" if n % 3 else "approved")
    # The page's posts are one query of their own; the pending and spam counts one each.
    with django_assert_max_num_queries(14):
        response = moderator_client.get(CHANGELIST)
    assert len(changelist_ids(response)) == 50  # a page; the count says 60
    assert "60 comments" in soup(response).select_one("p.paginator").get_text(" ")


def test_post_list_in_the_admin_shows_counts_and_links_to_the_pending_queue(moderator_client, post):
    make_comment(post)
    make_comment(post, status="pending")
    make_comment(post, status="pending")
    make_comment(post, status="spam")
    page = soup(moderator_client.get(reverse("admin:blogapp_post_changelist")))
    row = page.select_one("#result_list tbody tr")
    assert row.select_one(".field-visible_comments").get_text(strip=True) == "1"
    link = row.select_one(".field-pending_comments a")
    assert link.get_text(strip=True) == "2"
    queue = moderator_client.get(link["href"])
    assert len(changelist_ids(queue)) == 2


def test_post_filter_offers_posts_waiting_for_moderation_and_the_chosen_one(moderator_client, post):
    waiting = make_post(title="Someone waits")
    make_comment(waiting, status="pending")
    make_comment(post)  # approved only: nothing to moderate there
    make_post(title="Nobody commented")
    sidebar = soup(moderator_client.get(CHANGELIST)).select_one("#changelist-filter")
    titles = {a.get_text(strip=True) for a in sidebar.select("a")}
    assert waiting.title in titles
    assert not titles & {post.title, "Nobody commented"}

    # The post whose queue is shown stays on offer, chosen.
    page = soup(moderator_client.get(f"{CHANGELIST}?post__id__exact={post.pk}"))
    chosen = page.select_one("details[data-filter-title=post] li.selected a")
    assert chosen is not None and chosen.get_text(strip=True) == post.title


def test_post_filter_offers_a_bounded_number_of_posts(moderator_client):
    for n in range(PostFilter.CHOICES + 5):
        make_comment(make_post(title=f"Waiting {n}"), status="pending")
    sidebar = soup(moderator_client.get(CHANGELIST)).select_one("#changelist-filter")
    offered = [a for a in sidebar.select("a") if a.get_text(strip=True).startswith("Waiting")]
    assert len(offered) == PostFilter.CHOICES


def test_post_filter_refuses_a_value_that_is_no_post_id(moderator_client):
    response = moderator_client.get(f"{CHANGELIST}?post__id__exact=notanumber")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")  # the admin's "wrong filter" page


def test_the_queue_header_stops_counting_at_the_cap(moderator_client, post, monkeypatch):
    """Tens of thousands of held comments cost the header no more than the cap's worth."""
    monkeypatch.setattr(admin_search, "COUNT_CAP", 3)
    for _ in range(4):
        make_comment(post, status="pending")
    make_comment(post, status="spam")
    counts = soup(moderator_client.get(CHANGELIST)).select_one(".moderation-counts")
    pending = counts.select_one(".moderation-count--pending").get_text(" ", strip=True)
    assert pending == "more than 3 pending"
    assert counts.select_one(".moderation-count--spam").get_text(" ", strip=True) == "1 spam"
    german = moderator_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="de")
    counts = soup(german).select_one(".moderation-counts")
    pending = counts.select_one(".moderation-count--pending").get_text(" ", strip=True)
    assert pending == "mehr als 3 ausstehend"


@pytest.mark.parametrize("language, by", [("en", "by"), ("de", "von")])
def test_the_change_page_names_the_comment_by_number_author_and_words(
    moderator_client, post, language, by
):
    comment = make_comment(
        post, author_name="Priya", body="Or pancakes!\nDiscard pancakes are the best part of it."
    )
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    with translation.override(language):
        page = soup(moderator_client.get(url, headers={"accept-language": language}))
    name = f"#{comment.pk} {by} Priya: Or pancakes! Discard pancakes are the best part…"
    assert page.select_one("#content h2").get_text(strip=True) == name
    assert page.select(".breadcrumbs")[0].get_text(" ", strip=True).endswith(name)
