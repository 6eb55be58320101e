import pytest

from blogapp.models import Post
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import comment_tree, soup
from tests.posting import TYPED, comment_url, form_data, thread_form_data

pytestmark = pytest.mark.django_db


def test_new_comment_redirects_to_its_permalink(client, post):
    response = client.post(comment_url(post), form_data(client, post))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    assert (comment.parent, comment.author_name, comment.status) == (None, "Ann", "approved")
    final = client.get(response["Location"], follow=True)
    assert final.redirect_chain[-1][0] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_reply_lands_under_its_parent(client, post):
    parent = make_comment(post, author_name="Root")
    child = make_comment(post, parent=parent, author_name="Child")
    response = client.post(
        comment_url(post), form_data(client, post, parent=child.pk, name="Grandchild")
    )
    assert response.status_code == 302
    new = Comment.objects.get(author_name="Grandchild")
    assert new.parent == child and new.level == 2
    tree = comment_tree(client.get(post.get_absolute_url()))
    assert tree[0][3][0][3][0][0] == new.pk


def test_reply_link_leads_to_a_form_for_that_parent(client, post):
    parent = make_comment(post, author_name="Root")
    page = soup(client.get(f"{post.get_absolute_url()}?replyto={parent.pk}"))
    form = page.select_one("#respond form")
    assert form.select_one("input[name=parent]")["value"] == str(parent.pk)
    assert "Reply to Root" in page.select_one("#respond-title").get_text()


@pytest.mark.parametrize("replyto", ["abc", "999999", "-1"])
def test_bad_replyto_falls_back_to_a_top_level_form(client, post, replyto):
    response = client.get(f"{post.get_absolute_url()}?replyto={replyto}")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("input[name=parent]").get("value") in (None, "")
    assert "can't be replied to" in page.select_one("#respond").get_text()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"body": ""}, "body", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"url": "ftp://example.com/"}, "url", "Enter a valid URL."),
        ({"body": "x" * 10001}, "body", "Ensure this value has at most 10000 characters"),
        ({"name": "n" * 101}, "name", "Ensure this value has at most 100 characters"),
    ],
    ids=["no-name", "blank-name", "no-body", "bad-email", "js-url", "ftp-url", "long-body",
         "long-name"],
)  # fmt: skip
def test_bad_input_is_shown_next_to_the_field_and_the_text_is_kept(
    client, post, overrides, field, message
):
    data = form_data(client, post, body="My carefully typed words", **{"name": "Ann"})
    data.update(overrides)
    response = client.post(comment_url(post), data)
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    page = soup(response)
    field_block = page.select_one(f"#id_{field}").parent
    assert message in field_block.select_one(".field-error").get_text()
    if field != "body":
        assert page.select_one("#id_body").get_text().strip() == "My carefully typed words"


def _refused(client, post, data, message):
    response = client.post(comment_url(post), data)
    assert response.status_code == 200
    assert message in soup(response).select_one(".form-errors").get_text()
    assert soup(response).select_one("#id_body").get_text().strip() == data["body"]
    return response


def test_parent_from_another_post_is_refused(client, post):
    foreign = make_comment(make_post())
    _refused(
        client, post, form_data(client, post, parent=foreign.pk), "can no longer be replied to"
    )
    assert Comment.objects.filter(post=post).count() == 0


@pytest.mark.parametrize("status", ["removed", "spam", "pending"])
def test_reply_to_a_hidden_parent_is_refused(client, post, status):
    parent = make_comment(post, status=status)
    _refused(client, post, form_data(client, post, parent=parent.pk), "can no longer be replied to")
    assert Comment.objects.count() == 1


def test_reply_to_a_missing_parent_is_refused(client, post):
    _refused(client, post, form_data(client, post, parent=987654), "can no longer be replied to")
    assert Comment.objects.count() == 0


def test_closed_post_refuses_comments_and_hides_the_form(client, post):
    data = form_data(client, post)  # the form was open when the reader loaded the page
    post.comments_open = False
    post.save()
    _refused(client, post, data, "Comments are closed")
    assert Comment.objects.count() == 0
    page = soup(client.get(post.get_absolute_url()))
    assert page.select_one("#respond form") is None
    assert "Comments are closed" in page.select_one("#respond").get_text()
    # Nothing is coming: the empty discussion says so, not "yet".
    assert page.select_one(".comment-list-empty").get_text() == "No comments."
    open_page = soup(client.get(make_post().get_absolute_url()))
    assert open_page.select_one(".comment-list-empty").get_text() == "No comments yet."


def test_comments_on_a_draft_are_404(client):
    draft = make_post(status=Post.Status.DRAFT)
    assert client.post(comment_url(draft), TYPED).status_code == 404
    assert Comment.objects.count() == 0


def test_a_get_of_the_forms_addresses_leads_to_the_form(client, post):
    """The page a form came back on, reloaded or bookmarked, is the form on its page rather
    than a bare 405."""
    for path in (comment_url(post), f"/posts/{post.slug}/comment/preview/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{post.get_absolute_url()}#respond"
        newest = client.get(f"{path}?sort=newest")
        assert newest["Location"] == f"{post.get_absolute_url()}?sort=newest#respond"
    assert client.get("/posts/no-such-post/comment/").status_code == 404
    draft = make_post(status=Post.Status.DRAFT)
    assert client.get(comment_url(draft)).status_code == 404


def language_next(response):
    return soup(response).select_one("form.language-switcher input[name=next]")["value"]


def test_the_language_switcher_on_a_form_sent_back_returns_to_its_page(client, post):
    """Sent back with errors or a preview, the page answers a POST at the form's address:
    the switcher returns to the page the form is on, in the reader's order."""
    with_error = client.post(comment_url(post), form_data(client, post, name=""))
    assert with_error.status_code == 200 and language_next(with_error) == post.get_absolute_url()
    newest = client.post(f"{comment_url(post)}?sort=newest", form_data(client, post, preview="1"))
    assert newest.status_code == 200
    assert language_next(newest) == f"{post.get_absolute_url()}?sort=newest"
    switched = client.post("/i18n/setlang/", {"language": "de", "next": language_next(newest)})
    assert switched["Location"] == f"{post.get_absolute_url()}?sort=newest"
    assert client.get(switched["Location"]).status_code == 200


def test_the_language_switcher_on_a_thread_pages_form_sent_back_returns_to_the_thread(client, post):
    root = make_comment(post, author_name="Root")
    data = thread_form_data(client, root, name="")
    with_error = client.post(f"{comment_url(post)}?sort=newest", data)
    assert soup(with_error).select_one("h1.thread-title") is not None
    assert language_next(with_error) == f"/comment/{root.pk}/thread/?sort=newest"


def test_the_language_switcher_on_a_page_that_asks_to_wait_returns_to_the_post(
    client, post, settings
):
    settings.COMMENTS_RATE_LIMIT_COUNT = 1
    settings.COMMENTS_RATE_LIMIT_PERIOD = 365 * 24 * 3600  # never two windows in one test
    client.post(comment_url(post), form_data(client, post, body="First"))
    response = client.post(comment_url(post), form_data(client, post, body="Second"))
    assert response.status_code == 429
    assert language_next(response) == post.get_absolute_url()


def test_csrf_is_enforced(post):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(comment_url(post), form_data(Client(), post)).status_code == 403
    page = soup(strict.get(post.get_absolute_url()))
    token = page.select_one("input[name=csrfmiddlewaretoken]")["value"]
    response = strict.post(comment_url(post), form_data(strict, post, csrfmiddlewaretoken=token))
    assert response.status_code == 302


def test_comment_stores_the_client_ip_but_never_shows_the_email(client, post):
    client.post(
        comment_url(post),
        form_data(client, post, email="secret@example.com"),
        REMOTE_ADDR="10.1.2.3",
    )
    comment = Comment.objects.get()
    assert comment.ip_address == "10.1.2.3"
    assert "secret@example.com" not in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("url", ["not a web address", "javascript:alert(1)", "ftp://example.com/"])
def test_a_bad_website_is_reported_once(client, post, url):
    data = form_data(client, post, body="Hello", name="Ann", url=url)
    response = client.post(comment_url(post), data)
    errors = soup(response).select("#id_url_error p")
    assert [e.get_text() for e in errors] == ["Enter a valid URL."]
