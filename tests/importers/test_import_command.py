"""``import_archive`` end to end on PostgreSQL: trees, idempotency, errors, dry run."""

import io
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from blogapp.models import Post
from comments.cache import discussion_version
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.posting import form_data
from tests.tree_check import tree_order, tree_problems

from .conftest import DISQUS, FIXTURES, TEXT_SAMPLE, TEXT_SAMPLE_TREE, WXR_10, WXR_THEME, sample

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def run(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_archive", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def tree_fields():
    return list(
        Comment.objects.order_by("pk").values_list(
            "pk", "parent_id", "tree_id", "lft", "rght", "level"
        )
    )


def assert_tree_invariants():
    """The tree fields agree with the parent links, and django-mptt's own rebuild from the
    parent links (which leaves no room for replies) keeps every comment's place and level."""
    assert tree_problems() == []
    before = tree_order()
    Comment._tree_manager.rebuild()
    assert tree_order() == before


def snapshot():
    return (
        list(Post.objects.order_by("pk").values_list("pk", "slug")),
        tree_fields(),
    )


def test_text_sample_imports_its_whole_tree():
    out, err = run(sample(TEXT_SAMPLE))
    assert "posts 1 created" in out and "comments 18 created" in out
    assert err == ""
    post = Post.objects.get()
    assert post.title == "ISIS \u2018caliphate\u2019 crumbling?"
    assert post.published_at.date().isoformat() == "2017-04-27"
    assert post.status == Post.Status.PUBLISHED
    assert "<p>The Guardian reports" in post.body_html
    rows = list(post.comments.order_by("tree_id", "lft"))
    assert [(c.level, c.author_name, c.kind) for c in rows] == TEXT_SAMPLE_TREE
    assert all(c.body_html for c in rows[:-1])  # the pingback has only its title
    assert all(c.status == "approved" and c.source == "text" for c in rows)
    assert rows[0].body_html.startswith('<p dir="auto">The actual Islamic State')
    assert len({c.tree_id for c in rows}) == 6  # five top-level comments + the pingback
    assert_tree_invariants()


def test_wxr_theme_unit_test_imports_every_comment():
    out, err = run(sample(WXR_THEME))
    assert "comments 33 created" in out and "posts 79 created" in out
    comments = Comment.objects.filter(source="wxr")
    assert comments.count() == 33
    assert comments.filter(status="pending").count() == 3
    assert comments.filter(kind="pingback").count() == 2
    assert comments.filter(kind="trackback").count() == 2
    assert max(comments.values_list("level", flat=True)) == 9
    deepest = comments.get(level=9)
    assert deepest.author_name == "themedemos"
    assert [a.author_name for a in deepest.get_ancestors()][:3] == [
        "John \u039a\u03ce\u03c3\u03c4\u03b1\u03c2 Doe \u03a4\u03ac\u03b4\u03b5",
        "Jane Bloggs",
        "Fred Bloggs",
    ]
    assert Post.objects.filter(status=Post.Status.DRAFT).exists()
    for comment in comments:
        assert "<script" not in comment.body_html
    assert_tree_invariants()


def test_wxr_small_fixture_sanitises_and_warns_about_missing_parent():
    out, err = run(FIXTURES / "wxr-small-v1.xml")
    assert "comments 6 created" in out
    assert "garden.example/comment/999" in err and "'Lost'" in err and "top-level" in err
    ann = Comment.objects.get(author_name="Ann")
    assert "<script" not in ann.body_html and "<b>early</b>" in ann.body_html
    bob = Comment.objects.get(author_name="Bob")
    assert bob.author_url == ""  # javascript: links are dropped
    carl = Comment.objects.get(author_name="Carl")
    assert carl.parent == bob and bob.parent == ann  # reply listed before its parent
    assert carl.body_html == '<p dir="auto">Line one<br>line two</p>'
    assert Comment.objects.get(author_name="Lost").parent is None
    assert Post.objects.get().body_html == "<p>First line.</p><p>Second paragraph.</p>"
    assert_tree_invariants()


def test_disqus_sample():
    out, err = run(sample(DISQUS))
    assert "posts 2 created" in out and "comments 5 created" in out
    assert "1337" in err
    assert "<thread dsq:id='3'> (line 28) has no comments: skipped" in err
    deleted = Comment.objects.get(source_id="9")
    assert deleted.status == "removed"
    assert Comment.objects.get(source_id="11").parent == deleted
    assert Comment.objects.get(source_id="5").parent == Comment.objects.get(source_id="4")
    assert_tree_invariants()


def test_disqus_thread_attaches_to_existing_post_by_slug():
    existing = make_post(slug="redacted", title="My redacted post")
    run(sample(DISQUS))
    assert Comment.objects.get(source_id="8").post == existing
    assert Post.objects.count() == 2  # only "Hello, World!" was created


def test_disqus_thread_with_an_encoded_link_attaches_to_the_post_of_that_slug(tmp_path):
    existing = make_post(slug="επίπεδο", title="Επίπεδο")
    path = tmp_path / "encoded.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<thread dsq:id="t1"><link>https://old.example/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF/'
        "</link><title>Επίπεδο</title></thread>\n"
        '<post dsq:id="p1"><message><![CDATA[<p>Hi</p>]]></message>'
        "<createdAt>2020-01-01T10:00:00Z</createdAt><author><name>Ann</name></author>"
        '<thread dsq:id="t1"/></post>\n</disqus>\n',
        encoding="utf-8",
    )
    run(path)
    assert Comment.objects.get(source_id="p1").post == existing
    assert Post.objects.count() == 1


def test_reimport_creates_nothing_and_says_unchanged():
    paths = [sample(TEXT_SAMPLE), sample(WXR_THEME), sample(DISQUS), FIXTURES / "wxr-small-v1.xml"]
    run(*paths)
    before = snapshot()
    out, _err = run(*paths)
    assert snapshot() == before
    assert out.count("unchanged:") == len(paths) + 1  # each file and the total
    assert "comments 0 created, 62 unchanged" in out


def test_newer_text_export_adds_only_new_comments_in_place():
    run(FIXTURES / "text-v1.txt")
    old = {c.source_id: c.pk for c in Comment.objects.all()}
    out, _err = run(FIXTURES / "text-v2.txt")
    assert "comments 2 created, 7 unchanged" in out
    assert {c.source_id: c.pk for c in Comment.objects.filter(source_id__in=old)} == old
    rows = list(Comment.objects.order_by("tree_id", "lft"))
    assert [(c.level, c.author_name) for c in rows] == [
        (0, "Ann"), (1, "Bob"), (2, "Ann"), (2, "Eve"),
        (0, "Carl"), (0, ""), (1, "Dana"), (0, "Tomato notes \u2013 Another Garden Blog"),
        (0, "Frank"),
    ]  # fmt: skip
    assert_tree_invariants()


def test_newer_wxr_export_adds_reply_under_imported_comment():
    run(FIXTURES / "wxr-small-v1.xml")
    make_comment(Post.objects.get(), body="A comment written on the new site.")
    out, _err = run(FIXTURES / "wxr-small-v2.xml")
    assert "comments 2 created, 6 unchanged" in out
    dana = Comment.objects.get(author_name="Dana")
    assert dana.parent.author_name == "Carl" and dana.level == 3
    assert Comment.objects.get(author_name="Eve").is_root_node()
    assert_tree_invariants()


def test_import_invalidates_the_cached_discussion(django_capture_on_commit_callbacks):
    run(FIXTURES / "wxr-small-v1.xml")
    post = Post.objects.get()
    version = discussion_version(post.pk)
    with django_capture_on_commit_callbacks(execute=True):
        run(FIXTURES / "wxr-small-v2.xml")
    assert discussion_version(post.pk) > version


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("wxr-bad.xml", "<wp:comment> in <item> #1 (wp:post_id 7), line 51"),
        ("wxr-truncated.xml", "line 36"),
        ("wxr-entity-bomb.xml", "<!ENTITY lol>, line 3"),
        ("text-indent-jump.txt", "line 11"),
        ("text-bad-date.txt", "line 7"),
    ],
)
def test_malformed_file_is_a_command_error_and_writes_nothing(name, where):
    make_post()
    before = snapshot()
    with pytest.raises(CommandError) as info:
        run(FIXTURES / name)
    message = str(info.value)
    assert str(FIXTURES / name) in message and where in message
    assert snapshot() == before


def test_error_in_a_later_item_rolls_back_the_whole_file(tmp_path):
    """The first post of the file was already written when the error came: it is undone."""
    broken = tmp_path / "broken.xml"
    text = (FIXTURES / "wxr-small-v1.xml").read_text()
    broken.write_text(text.replace("<title>A picture</title>", "<title>A picture</titel>"))
    with pytest.raises(CommandError, match="broken.xml"):
        run(broken, format="wxr")
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_command_exits_non_zero():
    import os
    import subprocess
    import sys

    from django.db import connection

    # The child process works on this test's database, never on the developer's own.
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        url = "sqlite:///:memory:"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_archive", str(FIXTURES / "text-bad-date.txt")],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DATABASE_URL": url},
    )
    assert result.returncode != 0
    assert "text-bad-date.txt: line 7: unknown date" in result.stderr


def test_good_file_then_bad_file(tmp_path):
    with pytest.raises(CommandError, match="1 earlier file"):
        run(FIXTURES / "text-v1.txt", FIXTURES / "text-bad-date.txt")
    assert Comment.objects.count() == 7


def test_dry_run_writes_nothing():
    out, _err = run(sample(TEXT_SAMPLE), sample(WXR_10), dry_run=True)
    assert "comments 18 created" in out and "dry run: nothing was written" in out
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_format_option_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nope.txt")
    copy = tmp_path / "archive.data"
    shutil.copy(FIXTURES / "text-v1.txt", copy)
    out, _ = run(copy, format="text")
    assert "comments 7 created" in out


def test_bulk_and_portable_paths_store_identical_rows():
    from django.db import transaction

    from blogapp.importers import parse
    from blogapp.importers.loader import Loader

    def rows():
        return list(
            Comment.objects.order_by("tree_id", "lft").values_list(
                "source_id", "level", "lft", "rght", "body_html", "status", "kind", "created_at"
            )
        )

    for use_copy in (True, False):
        with transaction.atomic():
            Loader(use_copy=use_copy, batch_comments=7).load(parse(sample(WXR_THEME)))
        result = rows()
        Post.objects.all().delete()
        if use_copy:
            copied = result
    assert result == copied


def test_import_demo_only_when_there_are_no_posts():
    out = io.StringIO()
    call_command("import_demo", stdout=out, stderr=io.StringIO())
    post = Post.objects.get()
    assert post.title == "Rescuing a sluggish sourdough starter"
    comments = post.comments.all()
    assert comments.filter(kind="comment").count() == 24
    assert comments.filter(kind="pingback").count() == 1
    assert comments.filter(author_name="").count() == 2
    assert max(c.level for c in comments) == 4
    assert_tree_invariants()
    out = io.StringIO()
    call_command("import_demo", stdout=out)
    assert "not imported" in out.getvalue()
    assert Comment.objects.count() == 25


def wxr_item(post_id, slug, body="<p>Body</p>"):
    return (
        f"<item><title>Post {post_id}</title><content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2020-05-01 08:00:00"
        f"</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item>\n"
    )


def test_new_posts_get_free_distinct_slugs_and_sanitised_bodies(tmp_path):
    """Posts are inserted in bulk: slugs stay unique against stored posts and each other."""
    make_post(slug="same", title="Already here")
    path = tmp_path / "slugs.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        "<wp:base_blog_url>http://slugs.example</wp:base_blog_url>\n"
        + wxr_item(1, "same", body="<p>One</p><script>alert(1)</script>")
        + wxr_item(2, "same")
        + wxr_item(3, "other")
        + wxr_item(3, "other")  # the same post twice: created once, with a warning
        + "</channel></rss>\n"
    )
    out, err = run(path)
    assert "posts 3 created, 0 unchanged" in out and "1 warning" in out
    assert "<item> #4 (wp:post_id 3)" in err and "repeats <item> #3" in err
    slugs = dict(Post.objects.filter(source="wxr").values_list("title", "slug"))
    assert slugs == {"Post 1": "same-2", "Post 2": "same-3", "Post 3": "other"}
    one = Post.objects.get(title="Post 1")
    assert one.body_html == "<p>One</p>"  # sanitised as Post.save() does
    assert one.get_absolute_url() == "/posts/same-2/"


def test_slugs_keep_other_scripts_and_lose_latin_accents(client, tmp_path):
    """WordPress keeps a Greek post_name percent-encoded; the slug is the Greek word, the
    post's address works, and so do its form, feeds and old links. Latin accents go, as
    WordPress takes them off."""
    greek = "%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-3"  # "επίπεδο-3"
    path = tmp_path / "scripts.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        "<wp:base_blog_url>http://scripts.example</wp:base_blog_url>\n"
        + wxr_item(1, greek).replace(
            "<title>Post 1</title>",
            f"<title>Επίπεδο 3</title><link>http://scripts.example/{greek}/</link>",
        )
        + wxr_item(2, "").replace("<title>Post 2</title>", "<title>Crème brûlée, Straße</title>")
        + "</channel></rss>\n",
        encoding="utf-8",
    )
    run(path)
    slugs = dict(Post.objects.filter(source="wxr").values_list("title", "slug"))
    assert slugs == {"Επίπεδο 3": "επίπεδο-3", "Crème brûlée, Straße": "creme-brulee-straße"}

    post = Post.objects.get(slug="επίπεδο-3")
    url = post.get_absolute_url()
    assert url == "/posts/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-3/"
    page = soup(client.get(url))
    assert page.select_one("h1").get_text(strip=True) == "Επίπεδο 3"
    assert page.select_one("#respond form")["action"] == f"{url}comment/"
    assert client.get(f"{url}feed/").status_code == 200
    old = client.get(f"/{greek}/")  # the WordPress address, as a browser sends it
    assert old.status_code == 301 and old["Location"].startswith(url)

    response = client.post(f"{url}comment/", form_data(client, post, body="Καλημέρα!"))
    assert response.status_code == 302
    assert Comment.objects.get(post=post).body == "Καλημέρα!"


def test_disqus_threads_of_one_page_share_its_post(tmp_path):
    """Disqus keeps a thread per URL variant of a page; their comments land on one post."""
    path = tmp_path / "twins.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        + "".join(
            f'<thread dsq:id="{thread}"><link>{link}</link><title>Twins</title></thread>\n'
            for thread, link in (
                ("t1", "http://old.example/2013/twins/"),
                ("t2", "https://old.example/2013/twins/?utm=feed"),
            )
        )
        + "".join(
            f'<post dsq:id="{post}"><message>Hi {post}</message>'
            f"<createdAt>2013-10-10T19:20:29Z</createdAt><author><name>N</name></author>"
            f'<thread dsq:id="{thread}"/></post>\n'
            for post, thread in (("p1", "t1"), ("p2", "t2"))
        )
        + "</disqus>\n"
    )
    out, err = run(path)
    assert "posts 1 created, 1 unchanged" in out
    post = Post.objects.get()
    assert post.slug == "twins"
    assert sorted(post.comments.values_list("source_id", flat=True)) == ["p1", "p2"]
    assert "matched by its link" in err


def test_a_text_archive_gives_days_and_the_page_prints_no_time(client):
    """A text archive dates its comments by day only: the page prints that day, in any time
    zone and language, and no invented "at 00:00"; a WordPress comment keeps its time."""
    call_command("import_demo", stdout=io.StringIO(), stderr=io.StringIO())
    post = Post.objects.get()
    first = post.comments.get(author_name="Marguerite", level=0)
    assert first.date_only
    assert not Comment.objects.filter(source="text", date_only=False).exists()

    def shown(**headers):
        page = soup(client.get(post.get_absolute_url(), **headers))
        return page.select_one(f"#comment-{first.pk} .comment-permalink time")

    time = shown()
    assert (time.get_text(), time["datetime"], time["title"]) == (
        "March 4, 2024",
        "2024-03-04",
        "2024-03-04",
    )
    assert time.get_text() == shown(HTTP_ACCEPT_LANGUAGE="en").get_text()
    assert shown(HTTP_ACCEPT_LANGUAGE="de").get_text() == "4. März 2024"
    with override_settings(TIME_ZONE="America/Los_Angeles"):  # 2024-03-03 16:00 there
        assert shown().get_text() == "March 4, 2024"

    run(WXR_10)
    timed = Comment.objects.exclude(source="text").filter(kind="comment").first()
    assert timed is not None and not timed.date_only


def test_a_post_keeps_the_day_its_old_site_last_changed_it(client, tmp_path):
    """Not the day of the import: the sitemap's <lastmod> and the Atom feed's <updated> would
    call every imported post new."""
    item = wxr_item(1, "changed").replace(
        "</wp:post_date_gmt>",
        "</wp:post_date_gmt><wp:post_modified_gmt>2021-02-03 04:05:06</wp:post_modified_gmt>",
    )
    never = wxr_item(2, "never").replace(
        "</wp:post_date_gmt>",
        "</wp:post_date_gmt><wp:post_modified_gmt>0000-00-00 00:00:00</wp:post_modified_gmt>",
    )
    path = tmp_path / "modified.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        + item
        + never
        + wxr_item(3, "garbled").replace(
            "</wp:post_date_gmt>",
            "</wp:post_date_gmt><wp:post_modified_gmt>yesterday</wp:post_modified_gmt>",
        )
        + "</channel></rss>\n"
    )
    run(path)
    updated = dict(Post.objects.values_list("slug", "updated_at"))
    assert updated["changed"] == datetime(2021, 2, 3, 4, 5, 6, tzinfo=UTC)
    # No date, or one that cannot be read: the day it was published.
    assert updated["never"] == updated["garbled"] == datetime(2020, 5, 1, 8, tzinfo=UTC)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<lastmod>2021-02-03</lastmod>" in sitemap
    assert "<lastmod>2020-05-01</lastmod>" in sitemap
    assert str(datetime.now(UTC).date()) not in sitemap
    atom = client.get("/feed/atom/").content.decode()
    assert "<updated>2021-02-03T04:05:06+00:00</updated>" in atom
