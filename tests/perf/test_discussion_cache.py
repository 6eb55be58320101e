"""The rendered discussion is cached per post and page, and any change shows at once.

These tests commit for real (``transactional_db``): the cache is invalidated when a change
commits, which a test rolled back at its end would never see.
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction

from comments.cache import discussion_changed, discussion_version
from comments.models import Comment
from comments.pages import OWN_PENDING_SESSION_KEY
from tests.factories import make_comment, make_post
from tests.html import comment_tree, soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def discussion_cache_on(settings):
    settings.COMMENTS_CACHE_TIMEOUT = 300
    cache.clear()


def authors(response):
    return [a.get_text(strip=True) for a in soup(response).select("li.comment .comment-author")]


def post_reply(client, post, parent, name):
    data = form_data(client, post, name=name, email="", body="Me too.", parent=parent.pk)
    return client.post(comment_url(post), data)


def test_a_warm_page_is_served_from_the_cache(client, django_assert_max_num_queries):
    post = make_post()
    make_comment(post, author_name="Ann")
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]
    # Now the discussion costs no query at all: only the post itself is read.
    with django_assert_max_num_queries(1):
        assert authors(client.get(post.get_absolute_url())) == ["Ann"]


def test_a_new_reply_appears_at_once(client):
    post = make_post()
    parent = make_comment(post, author_name="Ann")
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]
    response = post_reply(client, post, parent, "Bob")
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert authors(page) == ["Ann", "Bob"]
    assert soup(page).select_one("#comments-title").get_text() == "2 comments"


def test_a_moderation_change_appears_at_once(client):
    post = make_post()
    ann = make_comment(post, author_name="Ann")
    held = make_comment(post, author_name="Held", status="pending")
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]

    held.status = Comment.Status.APPROVED  # as the admin saves it
    held.save()
    assert authors(client.get(post.get_absolute_url())) == ["Ann", "Held"]

    ann.status = Comment.Status.SPAM
    ann.save()
    assert authors(client.get(post.get_absolute_url())) == ["Held"]

    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.REMOVED)
    discussion_changed(post.pk)  # what a bulk update must do: it sends no signal
    assert authors(client.get(post.get_absolute_url())) == []


def test_an_import_appears_at_once(client):
    post = make_post()
    make_comment(post, author_name="Ann")
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]
    # As the importer does: rows with their tree fields in one bulk insert, then the hook.
    with transaction.atomic():
        Comment.objects.bulk_create([
            Comment(post=post, author_name="Imported", body="Old.", body_html="<p>Old.</p>",
                    status="approved", tree_id=10_000 + post.pk, lft=1, rght=2, level=0),
        ])  # fmt: skip
        transaction.on_commit(lambda: discussion_changed(post.pk))
    assert authors(client.get(post.get_absolute_url())) == ["Ann", "Imported"]


def test_closing_the_post_forgets_its_discussion(client):
    post = make_post()
    make_comment(post, author_name="Ann")
    assert "Leave a comment" in client.get(post.get_absolute_url()).content.decode()
    version_before = discussion_version(post.pk)
    post.comments_open = False
    post.save()
    assert discussion_version(post.pk) > version_before
    assert "Comments are closed" in client.get(post.get_absolute_url()).content.decode()


def test_each_page_is_cached_apart(client, settings):
    settings.COMMENTS_PER_PAGE = 1
    post = make_post()
    first = make_comment(post, author_name="First")
    make_comment(post, author_name="Second")
    assert authors(client.get(post.get_absolute_url())) == ["First"]
    assert authors(client.get(f"{post.get_absolute_url()}?cpage=2")) == ["Second"]
    post_reply(client, post, first, "Reply")
    assert authors(client.get(post.get_absolute_url())) == ["First", "Reply"]
    assert authors(client.get(f"{post.get_absolute_url()}?cpage=2")) == ["Second"]


def test_a_writer_sees_their_pending_comment_and_nobody_else_does(client):
    post = make_post()
    make_comment(post, author_name="Ann")
    reader = client.__class__()
    assert authors(reader.get(post.get_absolute_url())) == ["Ann"]  # now cached
    held = make_comment(post, author_name="Writer", status="pending")
    # What the comment view records for a writer whose comment is held for moderation.
    session = client.session
    session[OWN_PENDING_SESSION_KEY] = [held.pk]
    session.save()

    mine = client.get(held.get_absolute_url(), follow=True)
    assert authors(mine) == ["Ann", "Writer"]
    assert "awaiting moderation" in soup(mine).select_one(f"#comment-{held.pk}").get_text()
    assert authors(reader.get(post.get_absolute_url())) == ["Ann"]
    assert comment_tree(reader.get(post.get_absolute_url()))[0][1] == "1."


def test_the_version_is_bumped_in_the_transaction_of_the_change(client):
    """The version lives beside the comments: a change rolled back leaves it alone, a change
    committed moves it, without anything to run after the commit."""
    post = make_post()
    ann = make_comment(post, author_name="Ann")
    before = discussion_version(post.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        ann.status = Comment.Status.SPAM
        ann.save()
        assert discussion_version(post.pk) == before + 1  # seen inside the transaction
        raise RuntimeError("rolled back")
    assert discussion_version(post.pk) == before
    assert authors(client.get(post.get_absolute_url())) == ["Ann"]


def test_a_warm_page_reads_its_version_with_the_post(client, django_assert_num_queries):
    post = make_post()
    make_comment(post, author_name="Ann")
    client.get(post.get_absolute_url())
    with django_assert_num_queries(1) as captured:
        client.get(post.get_absolute_url())
    assert "comments_discussionstate" in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize("spelling", ["01", "001", "+1", "0_1", " 1", "1 ", "%2B1"])
def test_every_spelling_of_a_page_redirects_to_its_one_address(client, spelling):
    post = make_post()
    make_comment(post, author_name="Ann")
    response = client.get(f"{post.get_absolute_url()}?sort=oldest&cpage={spelling}")
    assert response.status_code == 301
    assert response["Location"] == f"{post.get_absolute_url()}?sort=oldest&cpage=1"
    assert authors(client.get(response["Location"])) == ["Ann"]


def test_spellings_of_a_page_add_no_cache_entries(client, settings):
    settings.COMMENTS_PER_PAGE = 1
    post = make_post()
    make_comment(post, author_name="First")
    make_comment(post, author_name="Second")
    client.get(f"{post.get_absolute_url()}?cpage=2")
    keys_before = set(cache._cache)  # the test settings' local-memory cache
    for spelling in ("02", "+2", "0_2", "002", "2%20"):
        response = client.get(f"{post.get_absolute_url()}?cpage={spelling}", follow=True)
        assert response.status_code == 200
    assert set(cache._cache) == keys_before


@pytest.mark.parametrize("cpage", ["3", "0", "-1", "abc", "", "1.0", "١", "1234567890", "9" * 30])
def test_pages_that_do_not_exist_are_404(client, cpage, settings):
    settings.COMMENTS_PER_PAGE = 1
    post = make_post()
    make_comment(post, author_name="First")
    make_comment(post, author_name="Second")
    assert client.get(f"{post.get_absolute_url()}?cpage={cpage}").status_code == 404


def test_new_comment_markup_misses_the_old_cache(tmp_path, monkeypatch):
    """Each comment's markup is written in Python (comments/thread_html.py), not only in the
    templates: a deploy that changes that module must not be served the old renderings."""
    from comments import cache as discussion_cache
    from comments import thread_html

    before = discussion_cache._markup_fingerprint()
    changed = tmp_path / "thread_html.py"
    changed.write_bytes(Path(thread_html.__file__).read_bytes() + b"# new markup\n")
    monkeypatch.setattr(thread_html, "__file__", str(changed))
    discussion_cache._markup_fingerprint.cache_clear()
    try:
        assert discussion_cache._markup_fingerprint() != before
    finally:
        discussion_cache._markup_fingerprint.cache_clear()
