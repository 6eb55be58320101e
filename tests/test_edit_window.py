"""A commenter edits or deletes their own comment, from the same browser, within the window."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone

from comments.models import Comment, CommentRevision
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db


def post_as(client, post, **fields):
    response = client.post(comment_url(post), form_data(client, post, **fields))
    assert response.status_code == 302, response.content
    return Comment.objects.latest("pk")


def own_links(client, post, comment):
    page = soup(client.get(post.get_absolute_url()))
    return page.select(f"#comment-{comment.pk} .comment-own-actions a")


def test_the_writer_sees_edit_and_delete_links_others_do_not(client, post):
    comment = post_as(client, post, body="First words")
    links = own_links(client, post, comment)
    assert [a["href"] for a in links] == [
        f"/comment/{comment.pk}/edit/",
        f"/comment/{comment.pk}/delete/",
    ]
    stranger = Client()
    assert own_links(stranger, post, comment) == []
    for action in ("edit", "delete"):
        refused = stranger.get(f"/comment/{comment.pk}/{action}/")
        assert refused.status_code == 403
        assert "only from the browser that wrote it" in refused.content.decode()
        assert stranger.post(f"/comment/{comment.pk}/{action}/", {"body": "x"}).status_code == 403
    assert Comment.objects.get().body == "First words"
    # A forged capability (the cookie without the site's signature) is refused as well.
    stranger.cookies["comments_own"] = json.dumps({str(comment.pk): 9e9})
    assert stranger.get(f"/comment/{comment.pk}/edit/").status_code == 403


@pytest.mark.django_db(transaction=True)  # the cache is refreshed on commit
@override_settings(COMMENTS_CACHE_TIMEOUT=60)
def test_links_never_reach_the_shared_cached_page(client, post):
    comment = post_as(client, post, body="Cached words")
    # The writer's page (rendered and cached) carries the links, the next reader's does not.
    assert own_links(client, post, comment)
    other = Client().get(post.get_absolute_url()).content.decode()
    assert "comment-own-actions" not in other and "/edit/" not in other


def test_editing_rerenders_keeps_the_old_version_and_marks_it_edited(client, post):
    comment = post_as(client, post, body="Teh *typo*")
    page = soup(client.get(f"/comment/{comment.pk}/edit/"))
    assert page.select_one("textarea[name=body]").get_text().strip() == "Teh *typo*"
    response = client.post(f"/comment/{comment.pk}/edit/", {"body": "The **fix**"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == '<p dir="auto">The <strong>fix</strong></p>'
    assert comment.edited_at is not None
    revision = CommentRevision.objects.get(comment=comment)
    assert (revision.body, revision.written_at) == ("Teh *typo*", comment.created_at)
    shown = soup(client.get(post.get_absolute_url())).select_one(f"#comment-{comment.pk}")
    edited = shown.select_one(".comment-edited")
    assert edited.get_text().startswith("edited")
    assert edited.select_one("time")["datetime"].startswith(
        timezone.localtime(comment.edited_at).strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_edit_preview_stores_nothing(client, post):
    comment = post_as(client, post, body="Before")
    response = client.post(f"/comment/{comment.pk}/edit/", {"body": "After *x*", "preview": "1"})
    assert response.status_code == 200
    assert soup(response).select_one("#comment-preview em").get_text() == "x"
    assert Comment.objects.get().body == "Before"


@pytest.mark.parametrize(
    "title, told",
    [
        ("On ISIS ‘caliphate’ crumbling?", "On On ISIS ‘caliphate’ crumbling?"),
        ("Stop!", "On Stop!"),
        ("Wait for it…", "On Wait for it…"),
        ("He asked “why?”", "On He asked “why?”"),
        ("Plain title", "On Plain title."),
        ("Mostly (sic!)", "On Mostly (sic!)."),
    ],
)
def test_the_edit_page_adds_no_full_stop_after_a_title_that_has_its_own(client, title, told):
    post = make_post(title=title)
    comment = post_as(client, post, body="Words")
    for language in ("en", "de"):
        page = soup(client.get(f"/comment/{comment.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language))
        said = page.select_one(".comment-edit h1 + p").get_text()
        assert "?." not in said and "!." not in said and "…." not in said
    page = soup(client.get(f"/comment/{comment.pk}/edit/"))
    said = " ".join(page.select_one(".comment-edit h1 + p").get_text().split())
    assert said.startswith(told + " ")


@override_settings(COMMENTS_MAX_LINKS=1)
def test_an_edit_that_adds_links_goes_back_to_the_queue(client, post):
    comment = post_as(client, post, body="No links yet")
    assert comment.status == "approved"
    client.post(
        f"/comment/{comment.pk}/edit/", {"body": "See https://a.example and https://b.example"}
    )
    comment.refresh_from_db()
    assert comment.status == "pending"
    # Its writer still sees it, awaiting moderation; nobody else does.
    assert "awaiting moderation" in client.get(post.get_absolute_url()).content.decode()
    assert f"comment-{comment.pk}" not in Client().get(post.get_absolute_url()).content.decode()


def test_deleting_leaves_a_placeholder_that_keeps_the_replies(client, post):
    comment = post_as(client, post, body="Regrettable")
    reply = make_comment(post, parent=comment, author_name="Other", body="A reply")
    asked = client.get(f"/comment/{comment.pk}/delete/").content.decode()
    assert "Delete your comment?" in asked
    assert "replaced by “Comment removed.”; replies to it stay" in asked
    response = client.post(f"/comment/{comment.pk}/delete/")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "removed"
    page = soup(Client().get(post.get_absolute_url()))
    assert page.select_one(f"#comment-{comment.pk} .comment-removed") is not None
    assert page.select_one(f"#comment-{reply.pk} .comment-body").get_text() == "A reply"
    # Once deleted it can no longer be edited.
    assert client.get(f"/comment/{comment.pk}/edit/").status_code == 403


def test_deleting_a_comment_without_replies_takes_it_off_the_page(client, post):
    comment = post_as(client, post, body="Nobody answered")
    asked = soup(client.get(f"/comment/{comment.pk}/delete/")).get_text(" ", strip=True)
    assert "It will disappear from the discussion." in asked
    assert "Comment removed." not in asked
    client.post(f"/comment/{comment.pk}/delete/")
    page = soup(Client().get(post.get_absolute_url()))
    assert page.select_one(f"#comment-{comment.pk}") is None


def written_long_ago(client, comment, *, seconds):
    """The browser's capability to change ``comment`` as it will be ``seconds`` after writing."""
    written = timezone.now() - timedelta(seconds=seconds)
    response = HttpResponse()
    response.set_signed_cookie(
        "comments_own", json.dumps({str(comment.pk): written.timestamp()}),
        salt="comments.ownership",
    )  # fmt: skip
    client.cookies["comments_own"] = response.cookies["comments_own"].value


@override_settings(COMMENTS_EDIT_WINDOW=900)
def test_after_the_window_the_links_are_gone_and_the_urls_refuse(client, post):
    comment = post_as(client, post, body="Too late")
    written_long_ago(client, comment, seconds=901)
    assert own_links(client, post, comment) == []
    refused = client.post(f"/comment/{comment.pk}/edit/", {"body": "Changed"})
    assert refused.status_code == 403
    assert "15 minutes" in refused.content.decode()
    assert client.post(f"/comment/{comment.pk}/delete/").status_code == 403
    assert Comment.objects.get().body == "Too late"


@pytest.mark.parametrize(
    ("window", "told"), [(1, "1 second"), (45, "45 seconds"), (60, "1 minute"), (120, "2 minutes")]
)
def test_the_refusal_tells_a_short_window_in_seconds(client, post, window, told):
    """A window under a minute is not rounded up to "1 minute": it is told in seconds."""
    comment = post_as(client, post, body="Too late")
    with override_settings(COMMENTS_EDIT_WINDOW=window):
        written_long_ago(client, comment, seconds=window + 1)
        refused = client.post(f"/comment/{comment.pk}/edit/", {"body": "Changed"})
    assert refused.status_code == 403
    assert f"can be changed for {told} after it was written" in refused.content.decode()


def kept_text(response):
    """The submitted text a refused edit page shows to copy: read-only, never a form to send."""
    page = soup(response)
    assert page.select("form.comment-form") == []
    kept = page.select_one("textarea#id_body")
    assert kept is not None, response.content
    assert kept.has_attr("readonly")
    assert "Your change was not saved" in page.get_text()
    return kept.get_text()


@override_settings(COMMENTS_EDIT_WINDOW=900)
def test_an_edit_sent_just_after_the_window_keeps_the_typed_text(client, post):
    comment = post_as(client, post, body="Too late")
    written_long_ago(client, comment, seconds=901)
    typed = "A long answer <b>typed</b> while\nthe window closed"
    refused = client.post(f"/comment/{comment.pk}/edit/", {"body": typed})
    assert refused.status_code == 403
    assert "15 minutes" in refused.content.decode()
    assert kept_text(refused) == typed
    assert Comment.objects.get().body == "Too late"
    # Asking for the page (nothing typed) shows no such box.
    assert soup(client.get(f"/comment/{comment.pk}/edit/")).select("textarea") == []


def test_an_edit_of_a_comment_removed_meanwhile_keeps_the_typed_text(client, post):
    comment = post_as(client, post, body="Soon removed")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.REMOVED)
    refused = client.post(f"/comment/{comment.pk}/edit/", {"body": "My better words"})
    assert refused.status_code == 403
    assert kept_text(refused) == "My better words"
    assert Comment.objects.get().body == "Soon removed"


def test_revisions_are_shown_to_moderators_in_the_admin(client, post):
    comment = post_as(client, post, body="Version one")
    client.post(f"/comment/{comment.pk}/edit/", {"body": "Version two"})
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    moderator = Client()
    moderator.force_login(admin)
    page = moderator.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert "Version one" in page and "Earlier versions" in page
