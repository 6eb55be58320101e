"""Edges that answered 500, leaked or stored what nobody sees: each through the real stack."""

import io
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection

from blogapp.models import Post
from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db

# --- a body in a charset no form is sent in -----------------------------------------------

UNREADABLE = ["utf-16", "utf-16-le", "utf-32", "utf-7", "base64", "rot13", "zlib", "idna"]


def multipart(fields):
    parts = [
        f'--XyZ\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + "--XyZ--\r\n").encode()


@pytest.mark.parametrize("charset", UNREADABLE)
@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_form_in_an_unreadable_charset_is_400(client, post, charset, encoding):
    client.raise_request_exception = False
    data = form_data(client, post)
    login = {"username": "a", "password": "b"}
    if encoding == "multipart":
        content_type = f"multipart/form-data; boundary=XyZ; charset={charset}"
        bodies = multipart(data), multipart(login)
    else:
        content_type = f"application/x-www-form-urlencoded; charset={charset}"
        bodies = urlencode(data).encode(), urlencode(login).encode()
    for url, body in zip((comment_url(post), "/admin/login/"), bodies, strict=True):
        response = client.generic("POST", url, body, content_type=content_type)
        assert response.status_code == 400, (url, response.status_code)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "latin-1", "windows-1252"])
def test_a_multipart_form_in_an_ascii_compatible_charset_still_posts(client, post, charset):
    data = form_data(client, post, body="Plain words.")
    response = client.generic(
        "POST", comment_url(post), multipart(data),
        content_type=f"multipart/form-data; boundary=XyZ; charset={charset}",
    )  # fmt: skip
    assert response.status_code == 302
    assert Comment.objects.get().body == "Plain words."


# --- replies to pingbacks and trackbacks ----------------------------------------------------


@pytest.mark.parametrize("kind", ["pingback", "trackback"])
def test_a_reply_to_a_pingback_is_refused(client, post, kind):
    ping = make_comment(post, kind=kind, author_name="Other blog", body="Linked here.")
    response = client.post(comment_url(post), form_data(client, post, parent=ping.pk))
    assert response.status_code == 200
    assert "can no longer be replied to" in soup(response).select_one(".form-errors").get_text()
    assert Comment.objects.count() == 1
    page = client.get(f"{post.get_absolute_url()}?replyto={ping.pk}")
    assert "can't be replied to" in page.content.decode()


# --- admin filters that do not fit their column ---------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "ip_address__exact=notanip",
        "ip_address=300.1.1.1",
        "author_name=a%00b",
        "status__exact=%00",
        "created_at__year=99999999999999999999",
        "created_at__year=99999999999999999999&created_at__month=1",
    ],
)
def test_admin_filters_that_do_not_fit_answer_400(admin_client, post, query):
    admin_client.raise_request_exception = False
    make_comment(post)
    assert admin_client.get(f"/admin/comments/comment/?{query}").status_code == 400
    post_query = query.replace("ip_address", "slug").replace("created_at", "published_at")
    assert admin_client.get(f"/admin/blogapp/post/?{post_query}").status_code in (200, 302, 400)
    # The admin works on afterwards.
    assert admin_client.get("/admin/comments/comment/").status_code == 200


@pytest.mark.postgres
def test_a_database_error_that_is_not_the_filters_is_not_blamed_on_it(admin_client, post):
    """A schema the code does not match (a migration not run) is the server's error, not a
    "filter value does not fit" answer that would send the moderator hunting in the URL."""
    admin_client.raise_request_exception = False
    make_comment(post)
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE comments_comment RENAME COLUMN date_only TO not_migrated")
    response = admin_client.get("/admin/comments/comment/?status__exact=approved")
    assert response.status_code == 500
    assert b"does not fit" not in response.content


def test_a_fitting_filter_still_filters(admin_client, post):
    make_comment(post, author_name="Ann", ip_address="192.0.2.1")
    make_comment(post, author_name="Bob", ip_address="192.0.2.2")
    response = admin_client.get("/admin/comments/comment/?ip_address__exact=192.0.2.2")
    assert response.status_code == 200
    assert "Bob" in response.content.decode() and "Ann" not in response.content.decode()


# --- permalinks of comments a reader cannot see ---------------------------------------------


@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_the_permalink_of_a_hidden_comment_is_404(client, admin_client, post, status):
    hidden = make_comment(post, status=status)
    for someone in (client, admin_client):
        response = someone.get(f"/comment/{hidden.pk}/")
        assert response.status_code == 404
        assert post.slug not in response.content.decode()


def test_the_writer_of_a_held_comment_reaches_it_by_its_permalink(client, post, settings):
    settings.COMMENTS_MODERATION = "all"
    response = client.post(comment_url(post), form_data(client, post, body="Held for now."))
    held = Comment.objects.get(body="Held for now.")
    assert held.status == Comment.Status.PENDING
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    assert f"comment-{held.pk}" in {li.get("id") for li in soup(page).select("li.comment")}


# --- no URL attribute carries javascript: ---------------------------------------------------


def test_no_url_attribute_survives_with_a_script_scheme(tmp_path):
    archive = tmp_path / "hostile.xml"
    archive.write_text(wxr(
        post_body='<q cite="javascript:alert(1)">a</q><q cite=" JaVa&#x09;script:x">b</q>',
        comments=[("1", "0", '<q cite="javascript:alert(2)">quoted</q> <q cite="vbscript:x">v</q>'
                   '<q cite="https://fine.example/">kept</q>')],
    ))  # fmt: skip
    call_command("import_archive", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    html = Post.objects.get().body_html + Comment.objects.get().body_html
    assert "script:" not in html.lower()
    assert 'cite="https://fine.example/"' in html


# --- size caps on imports -------------------------------------------------------------------


def test_an_oversized_imported_comment_is_refused_by_name(tmp_path, settings):
    settings.COMMENTS_IMPORT_MAX_LENGTH = 1000
    archive = tmp_path / "big.xml"
    archive.write_text(wxr(
        post_body="<p>Fine.</p>",
        comments=[("1", "0", "Short."), ("2", "0", "x" * 5000), ("3", "2", "A reply to it.")],
    ))  # fmt: skip
    out = io.StringIO()
    call_command("import_archive", str(archive), stdout=out, stderr=out)
    assert "/comment/2' by 'Reader 2': its text is 5000 characters long" in out.getvalue()
    assert "its parent 'blog.example/comment/2' was too long to import" in out.getvalue()
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "A reply to it.",
        "Short.",
    ]  # the rest of the file is kept, the reply as a top-level comment


def test_an_oversized_imported_post_keeps_its_comments(tmp_path, settings):
    settings.BLOG_IMPORT_MAX_POST_LENGTH = 1000
    archive = tmp_path / "big-post.xml"
    archive.write_text(wxr(post_body="y" * 5000, comments=[("1", "0", "Still here.")]))
    out = io.StringIO()
    call_command("import_archive", str(archive), stdout=out, stderr=out)
    assert "post 'A post': its text is 5000 characters long" in out.getvalue()
    post = Post.objects.get()
    assert post.body_html == ""
    assert post.comments.get().body == "Still here."


def wxr(*, post_body, comments):
    """A minimal WordPress export: one post and its comments (id, parent id, text)."""
    items = "".join(
        f"""<wp:comment><wp:comment_id>{cid}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {cid}]]></wp:comment_author>
<wp:comment_date_gmt>2020-05-02 09:00:0{cid}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""
        for cid, parent, text in comments
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel><title>Blog</title><link>http://blog.example</link><wp:wxr_version>1.1</wp:wxr_version>
<item><title>A post</title><link>http://blog.example/?p=1</link>
<content:encoded><![CDATA[{post_body}]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-05-01 08:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>a-post</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{items}</item></channel></rss>
"""
