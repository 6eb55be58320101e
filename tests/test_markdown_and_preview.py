"""Comments written in Markdown, rendered once when stored; Preview shows them without storing."""

import pytest

from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db

MARKDOWN = (
    "**bold** and *italic* with `code` and [a link](https://example.com/x)\n\n"
    "> a quote\n\n- one\n- two\n\n```\nprint('hi')\n```\n\n"
    "# not a heading\n\n![not an image](https://example.com/i.png) <em>raw</em> www.example.org"
)


def test_markdown_is_rendered_once_into_body_html(client, post):
    response = client.post(comment_url(post), form_data(client, post, body=MARKDOWN))
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == MARKDOWN  # the text as written, for editing
    html = soup(client.get(post.get_absolute_url())).select_one(f"#comment-{comment.pk}")
    body = html.select_one(".comment-body")
    assert body.select_one("strong").get_text() == "bold"
    assert body.select_one("em").get_text() == "italic"
    assert body.select_one("p > code").get_text() == "code"
    link = body.select_one("a[href='https://example.com/x']")
    assert link.get_text() == "a link" and link["rel"] == ["nofollow", "ugc", "noopener"]
    assert body.select_one("blockquote p").get_text() == "a quote"
    assert [li.get_text() for li in body.select("ul li")] == ["one", "two"]
    assert body.select_one("pre code").get_text() == "print('hi')\n"
    # No headings, no images; raw HTML shows as text; bare addresses are linked.
    assert not body.select("h1, h2, h3, img")
    assert "# not a heading" in body.get_text()
    assert "<em>raw</em>" in body.get_text()
    bare = body.select_one("a[href='http://www.example.org']")
    assert bare is not None and "ugc" in bare["rel"]


def test_dangerous_links_are_not_links(client, post):
    client.post(comment_url(post), form_data(client, post, body="[x](javascript:alert(1))"))
    body = Comment.objects.get().body_html
    assert "javascript:" not in body.replace("[x](javascript:alert(1))", "")
    assert "<a" not in body


def test_existing_comments_keep_their_stored_html(client, post):
    old = make_comment(post, body="**kept**")
    Comment.objects.filter(pk=old.pk).update(body_html="<p>stored long ago</p>")
    page = soup(client.get(post.get_absolute_url()))
    assert page.select_one(f"#comment-{old.pk} .comment-body").get_text() == "stored long ago"


def test_the_form_says_what_formatting_works(client, post):
    hint = soup(client.get(post.get_absolute_url())).select_one("#id_body_helptext")
    assert "Markdown" in hint.get_text() and "No images or HTML" in hint.get_text()


def test_preview_without_javascript_stores_nothing_and_keeps_the_text(client, post):
    data = form_data(client, post, body="Some **strong** words", preview="1")
    response = client.post(comment_url(post), data)
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    page = soup(response)
    preview = page.select_one("#comment-preview")
    assert not preview.has_attr("hidden")
    assert preview.select_one(".comment-preview-body strong").get_text() == "strong"
    assert page.select_one("#respond textarea[name=body]").get_text().strip() == (
        "Some **strong** words"
    )
    # The same form can then be posted for real.
    data.pop("preview")
    response = client.post(comment_url(post), data)
    assert response.status_code == 302
    assert Comment.objects.get().body_html == '<p dir="auto">Some <strong>strong</strong> words</p>'


def test_preview_button_is_a_submit_button_named_preview(client, post):
    button = soup(client.get(post.get_absolute_url())).select_one("#respond button[name=preview]")
    assert button["type"] == "submit"


def test_preview_fragment_for_scripts(client, post):
    response = client.post(f"/posts/{post.slug}/comment/preview/", {"body": "`x` <b>y</b>"})
    assert response.status_code == 200
    assert (
        response.content.decode().strip() == '<p dir="auto"><code>x</code> &lt;b&gt;y&lt;/b&gt;</p>'
    )
    assert Comment.objects.count() == 0
    empty = client.post(f"/posts/{post.slug}/comment/preview/", {"body": "  "})
    assert "This field is required." in empty.content.decode()


def test_preview_needs_csrf(post):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/posts/{post.slug}/comment/preview/", {"body": "x"})
    assert response.status_code == 403
