"""The discussion paged by top-level comment: replies stay with their thread, permalinks
find their page, and the page costs the same few queries whatever the thread size."""

import re

import pytest

from comments.models import Comment
from tests.factories import make_comment, make_thread
from tests.html import comment_tree, soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db


def ids_in(tree):
    """Every comment id in a parsed tree, at any depth."""
    found = []
    for comment_id, _number, _author, children in tree:
        found.append(comment_id)
        found.extend(ids_in(children))
    return found


@pytest.fixture
def five_threads(post, settings):
    """Five top-level comments, each with replies two levels deep, two per page."""
    settings.COMMENTS_PER_PAGE = 2
    threads = []
    for n in range(1, 6):
        top = make_comment(post, author_name=f"Top {n}")
        reply = make_comment(post, parent=top, author_name=f"Reply {n}")
        deep = make_comment(post, parent=reply, author_name=f"Deep {n}")
        threads.append((top, reply, deep))
    return threads


@pytest.mark.parametrize("per_page", [0, 50])
def test_a_500_comment_page_costs_at_most_4_queries(
    client, post, settings, per_page, django_assert_max_num_queries
):
    settings.COMMENTS_PER_PAGE = per_page
    settings.COMMENTS_THREAD_MAX_DEPTH = 1000  # every reply on the post page (paging only here)
    made = make_thread(post, 500)
    top_level = [c for c in made if c.parent_id is None]
    with django_assert_max_num_queries(4):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # The nested lists are written in one flat pass: every list and item must be closed.
    assert len(re.findall(r"<li[ >]", html)) == html.count("</li>")
    assert len(re.findall(r"<ol[ >]", html)) == html.count("</ol>")
    shown = comment_tree(response)
    expected_threads = top_level if per_page == 0 else top_level[:per_page]
    assert [item[0] for item in shown] == [c.pk for c in expected_threads]
    expected = [c.pk for c in made if c.tree_id in {t.tree_id for t in expected_threads}]
    assert sorted(ids_in(shown)) == sorted(expected)


def test_a_later_page_of_a_500_comment_thread_costs_at_most_4_queries(
    client, post, settings, django_assert_max_num_queries
):
    settings.COMMENTS_PER_PAGE = 50
    made = make_thread(post, 500)
    top_level = [c for c in made if c.parent_id is None]
    with django_assert_max_num_queries(4):
        response = client.get(f"{post.get_absolute_url()}?cpage=4")
    assert response.status_code == 200
    shown = comment_tree(response)
    assert [item[0] for item in shown] == [c.pk for c in top_level[150:200]]
    assert shown[0][1] == "151."


def test_each_page_holds_whole_threads_and_numbering_continues(client, post, five_threads):
    pages = [comment_tree(client.get(f"{post.get_absolute_url()}?cpage={n}")) for n in (1, 2, 3)]
    expected_threads = [five_threads[0:2], five_threads[2:4], five_threads[4:]]
    for page, threads in zip(pages, expected_threads, strict=True):
        assert page == [
            (top.pk, f"{n}.", top.author_name, [
                (reply.pk, None, reply.author_name, [(deep.pk, None, deep.author_name, [])]),
            ])
            for n, (top, reply, deep) in ((five_threads.index(t) + 1, t) for t in threads)
        ]  # fmt: skip


def test_every_page_counts_every_comment_and_links_its_neighbours(client, post, five_threads):
    page = soup(client.get(f"{post.get_absolute_url()}?cpage=2"))
    assert page.select_one("#comments-title").get_text() == "15 comments"
    nav = page.select_one("nav.comment-pages")
    assert nav.select_one("a[rel=prev]")["href"] == "?cpage=1#comments"
    assert nav.select_one("a[rel=next]")["href"] == "?cpage=3#comments"
    assert nav.select_one("[aria-current=page]").get_text() == "2"
    first = soup(client.get(post.get_absolute_url()))
    assert first.select_one("nav.comment-pages a[rel=prev]") is None


def test_a_short_discussion_has_no_page_links(client, post):
    make_comment(post)
    page = soup(client.get(post.get_absolute_url()))
    assert page.select_one("nav.comment-pages") is None


@pytest.mark.parametrize("cpage", ["4", "0", "abc"])
def test_a_page_that_does_not_exist_is_404(client, post, five_threads, cpage):
    assert client.get(f"{post.get_absolute_url()}?cpage={cpage}").status_code == 404


def test_pingbacks_come_after_the_comments_on_the_last_page(client, post, five_threads):
    pingback = make_comment(post, kind="pingback", author_name="Other blog")
    last = soup(client.get(f"{post.get_absolute_url()}?cpage=3"))
    assert last.select_one(f"li.pingback#comment-{pingback.pk}") is not None
    first = soup(client.get(post.get_absolute_url()))
    assert first.select_one(".pingbacks") is None
    assert client.get(pingback.get_absolute_url())["Location"].endswith(
        f"?cpage=3#comment-{pingback.pk}"
    )


def test_a_hidden_thread_takes_no_place_but_a_removed_one_with_replies_does(client, post, settings):
    settings.COMMENTS_PER_PAGE = 2
    first = make_comment(post, author_name="First")
    make_comment(post, author_name="Spam", status="spam")
    removed = make_comment(post, author_name="Removed")
    reply = make_comment(post, parent=removed, author_name="Kept reply")
    Comment.objects.filter(pk=removed.pk).update(status="removed")
    last = make_comment(post, author_name="Last")

    page_one = comment_tree(client.get(post.get_absolute_url()))
    assert page_one == [
        (first.pk, "1.", "First", []),
        (removed.pk, None, None, [(reply.pk, None, "Kept reply", [])]),
    ]
    page_two = comment_tree(client.get(f"{post.get_absolute_url()}?cpage=2"))
    assert page_two == [(last.pk, "2.", "Last", [])]


@pytest.mark.parametrize("thread, member", [(0, 0), (1, 2), (2, 1), (4, 2)])
def test_a_permalink_redirects_to_the_page_showing_the_comment(
    client, post, five_threads, thread, member
):
    comment = five_threads[thread][member]
    response = client.get(comment.get_absolute_url())
    page = thread // 2 + 1
    query = f"?cpage={page}" if page > 1 else ""
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}{query}#comment-{comment.pk}"
    target = client.get(response["Location"])
    assert soup(target).select_one(f"li#comment-{comment.pk}") is not None


def test_reply_links_keep_the_page_and_a_reply_form_opens_on_its_comments_page(
    client, post, five_threads
):
    top, reply, _deep = five_threads[3]
    page = soup(client.get(f"{post.get_absolute_url()}?cpage=2"))
    link = page.select_one(f"li#comment-{reply.pk} a.comment-reply-link")
    assert link["href"] == f"?cpage=2&replyto={reply.pk}#respond"
    # Without a page in the address the form opens on the page of the comment replied to.
    answering = soup(client.get(f"{post.get_absolute_url()}?replyto={reply.pk}"))
    assert answering.select_one(f"li#comment-{reply.pk}") is not None
    assert answering.select_one("input[name=parent]")["value"] == str(reply.pk)


def test_a_new_comment_lands_on_the_page_its_permalink_names(client, post, five_threads):
    _top, _reply, deep = five_threads[2]
    data = form_data(client, post, name="Late", email="", body="Late reply.", parent=deep.pk)
    response = client.post(comment_url(post), data)
    final = client.get(response["Location"], follow=True)
    new = Comment.objects.get(author_name="Late")
    assert final.redirect_chain[-1][0] == f"{post.get_absolute_url()}?cpage=2#comment-{new.pk}"
    assert soup(final).select_one(f"li#comment-{new.pk}") is not None
