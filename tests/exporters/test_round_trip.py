"""export_archive then import_archive into an empty database gives back the same site."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from blogapp.models import OldLink, Post
from comments.bulk import comments_bulk_import
from comments.models import Comment
from comments.records import AUTOP, HTML, TEXT, CommentRecord, PostComments
from tests.factories import make_comment, make_post
from tests.importers.conftest import DISQUS, TEXT_SAMPLE, WXR_10, WXR_11, WXR_THEME, sample

from .fingerprint import empty_database, fingerprint

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def export(path, *options):
    err = io.StringIO()
    call_command("export_archive", str(path), *options, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def import_file(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_archive", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def round_trip(tmp_path, *options):
    """Fingerprint, export, empty the database, import the export: both fingerprints."""
    personal = "--with-personal-data" in options
    before = fingerprint(personal_data=personal)
    exported = tmp_path / "export.xml"
    export(exported, *options)
    empty_database()
    out, _err = import_file(exported)
    assert "created" in out
    return before, fingerprint(personal_data=personal), exported


@pytest.mark.parametrize(
    "archive", [TEXT_SAMPLE, WXR_10, WXR_11, WXR_THEME, DISQUS], ids=lambda p: p.name
)
def test_samples_survive_export_and_import(archive, tmp_path):
    import_file(sample(archive))
    assert Comment.objects.exists()
    before, after, exported = round_trip(tmp_path, "--include-spam", "--with-personal-data")
    assert after == before
    # A second import of the export changes nothing.
    out, _err = import_file(exported)
    assert out.split(": ", 1)[1].startswith("unchanged")
    assert fingerprint() == before


def _generated_site(comments=10_000, posts=20):
    """Posts with comments of every kind: a form's comments (plain text, CR LF line ends,
    microseconds), imported ones in each body format, every status and kind, names and
    bodies that need escaping, and spam."""
    rows = []
    start = datetime(2019, 5, 1, 12, 0, tzinfo=UTC)
    for p in range(posts):
        post = make_post(
            title=f"Post {p} & <friends> “quoted”",
            # Any slug the admin accepts comes back as it was: case, accents, other scripts.
            slug=f"generated-{p}" if p % 4 else f"Généré-{p}_Επίπεδο",
            body=f"First line of {p}\nsecond line, no paragraph tags",
            author_name="Ed &amp; Co" if p % 2 else "Édith",
            status=Post.Status.PUBLISHED if p % 5 else Post.Status.DRAFT,
            comments_open=bool(p % 3),
            published_at=start + timedelta(days=p, microseconds=p * 7),
        )
        rows.append(post)
    formats = (TEXT, HTML, AUTOP)
    statuses = ("approved",) * 6 + ("pending", "spam", "removed")
    kinds = ("comment",) * 18 + ("pingback", "trackback")
    per_post = comments // posts
    batch = []
    for p, post in enumerate(rows):
        records = []
        for i in range(per_post):
            parent = None
            if i % 3 and i > 0:
                parent = f"g{p}-{(i * 7919) % i}"
            records.append(
                CommentRecord(
                    source_id=f"g{p}-{i}",
                    parent_source_id=parent,
                    author_name=f"Reader {i % 97} <b>&amp;</b>",
                    author_email=f"reader{i % 97}@example.org",
                    author_url=f"https://example.org/{i % 13}?a=1&b=2" if i % 4 else "",
                    ip_address=f"192.0.2.{i % 250}" if i % 5 else "2001:db8::1",
                    body=(
                        f"Comment {i}]]> with <em>markup</em> & entities &amp;\r\n\r\n"
                        f"second paragraph\ttab ümlaut"
                    ),
                    body_format=formats[i % 3],
                    # Every eleventh from an archive that gave the day only (its midnight).
                    created_at=(
                        datetime(2019, 5, 1 + i % 28, tzinfo=UTC)
                        if i % 11 == 0
                        else start + timedelta(minutes=i, microseconds=i)
                    ),
                    date_only=i % 11 == 0,
                    status=statuses[i % len(statuses)],
                    kind=kinds[i % len(kinds)],
                    order=i,
                )
            )
        batch.append(PostComments(post_id=post.pk, source="gen", comments=records))
    with transaction.atomic():
        comments_bulk_import(batches=[batch])
    # And a few written the way the comment form writes them.
    open_posts = [post for post in rows if post.comments_open and post.is_published]
    for post in open_posts[:5]:
        first = make_comment(post, author_name="Form writer", body="Line one\r\nline two")
        make_comment(post, parent=first, author_name="Replier", body="Reply & more",
                     author_email="r@example.org", author_url="https://r.example")  # fmt: skip
    # Edited by their writers, to the microsecond.
    Comment.objects.filter(author_name="Replier").update(
        edited_at=start + timedelta(days=400, microseconds=123)
    )
    return rows


def test_generated_site_survives_export_and_import(tmp_path):
    _generated_site()
    assert Comment.objects.count() >= 10_000
    changed = dict(Post.objects.values_list("slug", "updated_at"))
    before, after, _exported = round_trip(tmp_path, "--include-spam", "--with-personal-data")
    assert sum(len(comments) for _post, comments in before) >= 10_000
    assert Comment.objects.filter(edited_at__isnull=False).count() == 5
    assert after == before
    # And when each post last changed (feeds' <updated>, the sitemap's <lastmod>).
    assert dict(Post.objects.values_list("slug", "updated_at")) == changed


def test_generated_site_without_personal_data_or_spam(tmp_path):
    _generated_site(comments=600, posts=3)
    spam = Comment.objects.filter(status="spam").count()
    assert spam
    exported = tmp_path / "export.xml"
    export(exported)
    text = exported.read_text()
    assert "@example.org" not in text and "192.0.2." not in text
    empty_database()
    import_file(exported)
    assert not Comment.objects.filter(status="spam").exists()
    assert not Comment.objects.exclude(author_email="").exists()
    assert not Comment.objects.filter(ip_address__isnull=False).exists()


def test_bracketed_words_in_a_post_survive_export_and_import(tmp_path):
    """A post about WordPress may name its shortcodes: what the admin wrote is what comes
    back, not the expansion an imported WordPress post gets."""
    body = (
        "<p>Write [gallery] or [[video]] to show one; a caption is "
        '[caption id="1"]<img src="https://example.org/a.png"> A[/caption].</p>'
    )
    make_post(title="Shortcodes explained", slug="shortcodes", body=body)
    before, after, _exported = round_trip(tmp_path)
    assert after == before
    assert Post.objects.get(slug="shortcodes").body == body


def test_titles_written_here_come_back_exactly(tmp_path):
    """A title here is plain text: what looks like markup or an entity in it is text, and so
    is its white space; an import reads a WordPress title as HTML, but not this site's."""
    titles = ["Fish & Chips <3", "On <em> and <b>", "Writing &amp;", "Two  spaces", "a\u00a0b"]
    for number, title in enumerate(titles):
        make_post(title=title, slug=f"title-{number}")
    before, after, _exported = round_trip(tmp_path)
    assert after == before
    assert sorted(Post.objects.values_list("title", flat=True)) == sorted(titles)


def _old_links():
    """Every remembered old address and the slug of the post it leads to."""
    return dict(OldLink.objects.values_list("path", "post__slug"))


def _old_comment_ids():
    """``(post slug, old comment id)`` of every comment imported from WordPress: the ids its
    old anchors and ``old-comment`` links name."""
    return [
        (slug, source_id.rsplit("/comment/", 1)[1])
        for slug, source_id in Comment.objects.filter(
            source="wxr", source_id__contains="/comment/"
        ).values_list("post__slug", "source_id")
    ]


def _resolved(client, old_ids):
    """What each ``/posts/<slug>/old-comment/<id>/`` link leads to now."""
    found = {}
    for slug, old_id in old_ids:
        response = client.get(f"/posts/{slug}/old-comment/{old_id}/")
        if response.status_code == 200:
            comment_id = int(response.json()["permalink"].strip("/").rsplit("/", 1)[1])
            found[slug, old_id] = Comment.objects.filter(pk=comment_id).values_list(
                "author_name", "created_at", "body"
            )[0]
    return found


def test_old_links_lead_where_they_did_after_export_and_import(client, tmp_path):
    """The theme test data imported, exported and imported into an empty database: each old
    post address, ``?p=`` and ``?page_id=`` link and old comment id leads where it did."""
    import_file(sample(WXR_THEME))
    posts_before = _old_links()
    comments_before = _resolved(client, _old_comment_ids())
    assert len(comments_before) > 20
    _before, _after, exported = round_trip(tmp_path, "--include-spam", "--with-personal-data")
    assert _resolved(client, comments_before) == comments_before
    after = _old_links()
    assert {path: after.get(path) for path in posts_before} == posts_before
    # Posts and comments keep the ids of their first import: that file finds them all.
    out, _err = import_file(sample(WXR_THEME))
    assert out.split(": ", 1)[1].startswith("unchanged")
    assert _old_links() == after
    for path, slug in list(posts_before.items())[:10]:
        response = client.get(path)
        assert response.status_code in (301, 404)  # 404: a post readers cannot see
        if response.status_code == 301:
            assert response["Location"] == f"/posts/{slug}/?via=old-link"


def test_comment_anchors_of_a_post_made_here_find_their_comments_after_export_and_import(
    client, tmp_path
):
    """``#comment-<id>`` links to a post written here name this site's ids, which a new
    database does not give again: the post page's script finds each comment by its old id."""
    post = make_post(title="Written here", slug="written-here")
    first = make_comment(post, author_name="Ann", body="First.")
    reply = make_comment(post, parent=first, author_name="Bob", body="Reply.")
    old_ids = {first.pk: "Ann", reply.pk: "Bob"}
    round_trip(tmp_path)
    for old_id, author in old_ids.items():
        response = client.get(f"/posts/written-here/old-comment/{old_id}/")
        assert response.status_code == 200
        comment_id = int(response.json()["permalink"].strip("/").rsplit("/", 1)[1])
        assert Comment.objects.get(pk=comment_id).author_name == author


def test_comments_keep_their_addresses_when_the_site_moves_to_a_new_database(client, tmp_path):
    """Imported into a new database, a comment keeps its id: its address, in mails and feeds
    (``/comment/<id>/``), and its anchor still name it; the next comment gets a new id."""
    post = make_post(title="Written here", slug="written-here")
    Comment.objects.filter(
        pk=make_comment(post, body="Deleted: its id is not given again.").pk
    ).delete()
    first = make_comment(post, author_name="Ann", body="First.")
    make_comment(post, parent=first, author_name="Bob", body="Reply.")
    before = {c.pk: (c.author_name, c.parent_id) for c in Comment.objects.all()}
    exported = tmp_path / "export.xml"
    export(exported)
    empty_database()
    with connection.cursor() as cursor:  # a new database's ids start again at 1
        cursor.execute(f"ALTER SEQUENCE {Comment._meta.db_table}_id_seq RESTART")
    import_file(exported)
    assert {c.pk: (c.author_name, c.parent_id) for c in Comment.objects.all()} == before
    for pk in before:
        response = client.get(f"/comment/{pk}/")
        assert response.status_code == 302
        assert response["Location"].endswith(f"/posts/written-here/#comment-{pk}")
    assert make_comment(Post.objects.get(), body="After the move.").pk > max(before)


def test_a_site_that_kept_its_wordpress_domain_keeps_both_kinds_of_ids_apart(
    client, tmp_path, settings
):
    """The WordPress blog at old.example moved here, on the same domain: a post and comment
    written here whose ids equal old WordPress ids stay apart from those after a round trip."""
    settings.SITE_URL = "https://old.example"
    here = make_post(title="Written here", slug="written-here")
    mine = make_comment(here, author_name="Mine", body="Here.")
    wordpress = tmp_path / "wordpress.xml"
    wordpress.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        "<link>https://old.example</link>\n"
        "<wp:base_blog_url>https://old.example</wp:base_blog_url>\n"
        "<item><title>Moving house</title><link>https://old.example/moving-house/</link>"
        f"<wp:post_id>{here.pk}</wp:post_id>"
        "<wp:post_date_gmt>2016-05-01 08:00:00</wp:post_date_gmt>"
        "<wp:post_name>moving-house</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:comment><wp:comment_id>{mine.pk}</wp:comment_id>"
        "<wp:comment_author>Ann</wp:comment_author>"
        "<wp:comment_date_gmt>2016-05-02 10:00:00</wp:comment_date_gmt>"
        "<wp:comment_content>First.</wp:comment_content></wp:comment></item>\n"
        "</channel>\n</rss>\n"
    )
    import_file(wordpress)
    round_trip(tmp_path)
    assert Post.objects.count() == 2
    for slug, author in (("moving-house", "Ann"), ("written-here", "Mine")):
        found = client.get(f"/posts/{slug}/old-comment/{mine.pk}/").json()["permalink"]
        assert Comment.objects.get(pk=found.strip("/").rsplit("/", 1)[1]).author_name == author
    assert client.get(f"/?p={here.pk}")["Location"] == "/posts/moving-house/?via=old-link"
