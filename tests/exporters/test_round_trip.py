"""export_archive then import_archive into an empty database gives back the same site."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from blogapp.models import Post
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
                    created_at=start + timedelta(minutes=i, microseconds=i),
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
    return rows


def test_generated_site_survives_export_and_import(tmp_path):
    _generated_site()
    assert Comment.objects.count() >= 10_000
    changed = dict(Post.objects.values_list("slug", "updated_at"))
    before, after, _exported = round_trip(tmp_path, "--include-spam", "--with-personal-data")
    assert sum(len(comments) for _post, comments in before) >= 10_000
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
