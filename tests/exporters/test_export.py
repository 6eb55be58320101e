"""export_archive's options and formats, and the admin's download."""

import io
import json
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command

from blogapp.exporters.wxr import META_BODY_HTML
from blogapp.importers import detect_format, parse
from blogapp.models import Post
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

WP = "{http://wordpress.org/export/1.2/}"


@pytest.fixture
def blog():
    post = make_post(title="Fish & chips", slug="fish")
    first = make_comment(post, author_name="Ann", author_email="ann@example.org",
                         ip_address="192.0.2.7", body="Salt?")  # fmt: skip
    make_comment(post, parent=first, author_name="Bob", body="Vinegar.")
    spam = make_comment(post, author_name="Spammer", body="Buy now")
    make_comment(post, parent=spam, author_name="Cy", body="Under the spam.")
    Comment.objects.filter(pk=spam.pk).update(status="spam")  # judged after the reply came
    other = make_post(title="Other", slug="other")
    make_comment(other, author_name="Di", body="Elsewhere.")
    return post


def export(*options):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_archive", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_wxr_to_stdout_is_wordpress_xml_our_importer_reads(blog, tmp_path):
    out, _err = export("-")
    root = ElementTree.fromstring(out)  # noqa: S314 - our own output
    assert root.find("channel/" + WP + "wxr_version").text == "1.2"
    items = root.findall("channel/item")
    assert [item.find("title").text for item in items] == ["Fish &amp; chips", "Other"]
    comments = items[0].findall(WP + "comment")
    assert [c.find(WP + "comment_author").text for c in comments] == ["Ann", "Bob", "Cy"]
    # Spam left out; its reply hangs where the spam hung (the top).
    assert comments[2].find(WP + "comment_parent").text == "0"
    # No personal data without asking.
    assert "ann@example.org" not in out and "192.0.2.7" not in out
    assert comments[0].find(WP + "commentmeta/" + WP + "meta_key").text == META_BODY_HTML
    path = tmp_path / "export.xml"
    path.write_text(out)
    posts = list(parse(path))
    assert [(p.title, len(p.comments)) for p in posts] == [("Fish & chips", 3), ("Other", 1)]


def test_options_select_posts_spam_and_personal_data(blog, tmp_path):
    path = tmp_path / "fish.xml"
    _out, err = export(str(path), "--post", "fish", "--include-spam", "--with-personal-data")
    assert f"{path}: " in err and "bytes written" in err
    text = path.read_text()
    assert "Spammer" in text and "ann@example.org" in text and "192.0.2.7" in text
    assert "Elsewhere" not in text
    assert not (tmp_path / "fish.xml.partial").exists()


def test_json_format(blog):
    out, _err = export("-", "--format", "json")
    data = json.loads(out)
    assert data["format"] == "threaded-blog-archive" and data["version"] == 1
    assert data["personal_data"] is False and data["spam"] is False
    fish = data["posts"][0]
    assert fish["slug"] == "fish" and fish["url"].endswith("/posts/fish/")
    authors = [(c["author_name"], c["parent"]) for c in fish["comments"]]
    ann = fish["comments"][0]["id"]
    assert authors == [("Ann", None), ("Bob", ann), ("Cy", None)]
    assert fish["comments"][0]["author_email"] == "" and fish["comments"][0]["ip_address"] is None
    assert fish["comments"][0]["body_html"] == '<p dir="auto">Salt?</p>'
    assert fish["comments"][0]["edited_at"] is None
    out, _err = export("-", "--format", "json", "--with-personal-data", "--include-spam")
    comments = json.loads(out)["posts"][0]["comments"]
    assert comments[0]["author_email"] == "ann@example.org"
    assert comments[0]["ip_address"] == "192.0.2.7"
    assert [c["status"] for c in comments] == ["approved", "approved", "spam", "approved"]
    Comment.objects.filter(author_name="Bob").update(edited_at=datetime(2024, 5, 1, 9, tzinfo=UTC))
    out, _err = export("-", "--format", "json")
    comments = json.loads(out)["posts"][0]["comments"]
    assert comments[1]["edited_at"] == "2024-05-01T09:00:00+00:00"
    assert [c["date_only"] for c in comments] == [False, False, False]
    Comment.objects.filter(author_name="Cy").update(date_only=True)
    out, _err = export("-", "--format", "json")
    assert [c["date_only"] for c in json.loads(out)["posts"][0]["comments"]] == [False, False, True]


def test_bad_options_are_refused(blog, tmp_path):
    with pytest.raises(CommandError, match="no post with the slug 'nope'"):
        export("-", "--post", "nope")
    with pytest.raises(CommandError, match="invalid choice"):
        export("-", "--format", "csv")
    with pytest.raises(CommandError, match="No such file or directory"):
        export(str(tmp_path / "missing-dir" / "out.xml"))


def test_owners_download_an_export_from_the_admin(blog, admin_client):
    page = admin_client.get("/admin/blogapp/post/")
    assert b"/admin/blogapp/post/export/" in page.content
    form = admin_client.get("/admin/blogapp/post/export/")
    assert form.status_code == 200 and b'name="with_personal_data"' in form.content
    response = admin_client.get(
        "/admin/blogapp/post/export/", {"format": "wxr", "with_personal_data": "on"}
    )
    assert response.streaming
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="blog-')
    body = b"".join(response.streaming_content).decode()
    assert "ann@example.org" in body and "Buy now" not in body
    ElementTree.fromstring(body)  # noqa: S314 - our own output (it parses)
    response = admin_client.get("/admin/blogapp/post/export/", {"format": "json"})
    assert json.loads(b"".join(response.streaming_content))["posts"][0]["slug"] == "fish"


def test_the_download_needs_the_export_permission(blog, client):
    user = User.objects.create_user("mod", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(user)
    assert client.get("/admin/blogapp/post/export/", {"format": "wxr"}).status_code == 403
    assert b"/admin/blogapp/post/export/" not in client.get("/admin/blogapp/post/").content
    user.user_permissions.add(Permission.objects.get(codename="export_archive"))
    user = User.objects.get(pk=user.pk)
    client.force_login(user)
    response = client.get("/admin/blogapp/post/export/", {"format": "wxr"})
    assert response.status_code == 200 and b"Fish" in b"".join(response.streaming_content)
    client.logout()
    assert client.get("/admin/blogapp/post/export/").status_code == 302  # to the login


def test_the_export_page_says_only_wxr_can_be_imported(admin_client):
    page = soup(admin_client.get("/admin/blogapp/post/export/"))
    words = " ".join(page.select_one("#content-main p").get_text().split())
    assert "WordPress and this site can import the WXR file" in words
    assert "the JSON file is for other tools (neither WordPress nor this site imports it)" in words
    formats = [o.get_text() for o in page.select("select[name=format] option")]
    assert formats == ["WordPress (WXR 1.2)", "JSON, for other tools"]


@pytest.mark.parametrize("start", ["", "\ufeff", "\ufeff \r\n\t "])
def test_importing_the_json_export_is_refused_storing_nothing(blog, tmp_path, start):
    path = tmp_path / "blog.json"
    out, _err = export("-", "--format", "json")
    path.write_text(start + out, encoding="utf-8")
    before = (Post.objects.count(), Comment.objects.count())
    with pytest.raises(CommandError) as refused:
        call_command("import_archive", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(refused.value)
    assert message.startswith(f"{path}: line 1: a JSON file")
    assert "JSON export is for other tools" in message and "WXR export" in message
    assert "nothing from this file was written" in message
    assert (Post.objects.count(), Comment.objects.count()) == before


@pytest.mark.parametrize("text", ['[{"title": "A"}]', "[\n  [1, 2]\n]", "{}", '{\n "a": 1}'])
def test_any_json_object_or_array_is_refused(tmp_path, text):
    path = tmp_path / "data.json"
    path.write_text(text)
    with pytest.raises(CommandError, match="a JSON file"):
        call_command("import_archive", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Post.objects.exists()


def test_a_text_archive_titled_in_brackets_is_still_text(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("[Update] A title\n\nA body.\n")
    assert detect_format(path) == "text"
