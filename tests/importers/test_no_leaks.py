"""Imports never leak and never drop silently: non-public posts, repeated ids, stray bytes."""

import io

import pytest
from django.core.management import CommandError, call_command

from blogapp.importers import detect_format
from blogapp.models import Post
from comments.models import Comment

from .conftest import FIXTURES

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_archive", str(path), stdout=out, stderr=err, verbosity=2)
    return out.getvalue(), err.getvalue()


def test_non_public_wordpress_posts_stay_hidden_with_their_comments(client):
    _out, err = run(FIXTURES / "wxr-not-public.xml")
    statuses = dict(Post.objects.values_list("slug", "status"))
    assert statuses == {
        "open": "published",
        "members": "draft",
        "mine": "draft",
        "unwritten": "draft",
        "review": "draft",
        "next-week": "draft",
    }
    # The comments came along, on their hidden posts.
    assert set(Comment.objects.values_list("post__slug", "body")) == {
        ("members", "Behind the password."),
        ("mine", "Private note."),
    }
    for reason, title in [
        ("password-protected", "Members only"),
        ("private", "Only mine"),
        ("a draft", "Not yet written"),
        ("pending review", "Waiting for review"),
        ("scheduled for later", "Next week"),
    ]:
        assert f"'{title}' is {reason}: imported as a draft, not published" in err
    assert "with its 1 comment" in err
    # Nobody reads them, nor their comments.
    assert client.get("/posts/open/").status_code == 200
    for slug in ("members", "mine", "unwritten", "review", "next-week"):
        response = client.get(f"/posts/{slug}/")
        assert response.status_code == 404
        assert b"Behind the password" not in response.content
    listing = client.get("/").content.decode()
    assert "Open to all" in listing and "Members only" not in listing


def test_a_repeated_comment_id_with_another_author_is_a_second_comment():
    out, err = run(FIXTURES / "wxr-repeated-ids.xml")
    bodies = sorted(Comment.objects.values_list("post__slug", "author_name", "body"))
    assert bodies == [
        ("first", "Ann", "Ann on the first post."),
        ("second", "Bob", "Bob on the second post, under the same id."),
        ("third", "Cy", "Cy on the third."),
    ]
    # Bob's is kept as WordPress's importer keeps it; Ann's exact copy is dropped, saying so.
    assert "comment id used before by a comment with another author or date" in err
    assert "duplicate comment id, the second copy is skipped" in err
    # The second item under wp:post_id 2 is a post of its own; the warning names both items.
    assert "<item> #3 (wp:post_id 2) (line" in err
    assert "has the same wp:post_id as <item> #2 (wp:post_id 2) (line" in err
    assert "posts 3 created" in out and "comments 3 created" in out
    # Importing again finds everything: keyed the same way both times.
    again, _err = run(FIXTURES / "wxr-repeated-ids.xml")
    assert again.split(": ", 1)[1].startswith("unchanged")
    assert "posts 0 created, 3 unchanged; comments 0 created, 3 unchanged" in again
    assert Comment.objects.count() == 3 and Post.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "fmt"), [("disqus-stray-byte.xml", "disqus"), ("wxr-bom-stray-byte.xml", "wxr")]
)
def test_xml_after_a_stray_byte_is_read_as_xml_and_refused(name, fmt):
    path = FIXTURES / name
    assert detect_format(path) == fmt
    with pytest.raises(CommandError) as failure:
        run(path)
    message = str(failure.value)
    assert message.startswith(f"{path}: line 1: malformed XML")
    assert "(column " in message and "nothing from this file was written" in message
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_a_text_archive_is_still_text(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("A title\n\nA body that mentions <rss> feeds far from the start.\n" * 3)
    assert detect_format(path) == "text"
