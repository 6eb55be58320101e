"""Links that survive migration: old post addresses answer 301, old comment ids resolve."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blogapp.models import OldLink, Post
from comments.models import Comment
from tests.importers.conftest import FIXTURES, WXR_THEME, sample

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

OLD_LINKS = FIXTURES / "wxr-old-links.xml"


def import_old_site():
    out = io.StringIO()
    call_command("import_archive", str(OLD_LINKS), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def comment_called(old_id):
    return Comment.objects.get(source="wxr", source_id=f"old.example/comment/{old_id}")


def test_an_import_remembers_each_posts_old_addresses():
    import_old_site()
    links = set(OldLink.objects.values_list("path", "post__slug", "url"))
    assert links == {
        ("/2016/05/moving-house", "moving-house", "https://old.example/2016/05/moving-house/"),
        ("/?p=41", "moving-house", "https://old.example/?p=41"),
        ("/2016/06/second-post", "second-post", "https://old.example/2016/06/second-post/"),
        ("/?p=42", "second-post", "https://old.example/?p=42"),
    }
    # Importing again keeps them as they are.
    before = list(OldLink.objects.order_by("pk").values_list("pk", "path", "post_id"))
    assert "unchanged" in import_old_site()
    assert list(OldLink.objects.order_by("pk").values_list("pk", "path", "post_id")) == before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2016/05/moving-house/", "/posts/moving-house/?via=old-link"),
        ("/2016/05/moving-house", "/posts/moving-house/?via=old-link"),
        ("/?p=41", "/posts/moving-house/?via=old-link"),
        ("/2016/06/second-post/", "/posts/second-post/?via=old-link"),
        ("/?p=42", "/posts/second-post/?via=old-link"),
        # WordPress's addresses under a post's: a page of its comments, its comment feed.
        ("/2016/05/moving-house/comment-page-2/", "/posts/moving-house/?via=old-link"),
        ("/2016/05/moving-house/comment-page-13", "/posts/moving-house/?via=old-link"),
        ("/?p=41&cpage=2", "/posts/moving-house/?via=old-link"),
        ("/2016/05/moving-house/feed/", "/posts/moving-house/feed/"),
        ("/2016/05/moving-house/feed/atom/", "/posts/moving-house/feed/"),
    ],
)
def test_an_old_address_answers_301_to_where_it_leads_now(client, old, new):
    import_old_site()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_addresses_nobody_had_stay_what_they_were(client):
    import_old_site()
    assert client.get("/2016/05/never-was/").status_code == 404
    assert client.get("/%00/").status_code == 404
    assert client.get("/" + "x" * 600 + "/").status_code == 404
    assert client.get("/posts/moving-house/").status_code == 200


@pytest.mark.parametrize("old", ["/?p=999", "/?page_id=999", "/?p=999&cpage=2", "/?page_id=41&p=7"])
def test_a_wordpress_id_nobody_had_is_not_found(client, old):
    """A dead link's reader learns it is gone, rather than getting the home page."""
    import_old_site()
    response = client.get(old)
    assert response.status_code == 404
    assert "Location" not in response


@pytest.mark.parametrize(
    "url", ["/", "/?utm_source=feed&utm_medium=rss", "/?p=", "/?p=abc", "/?cpage=2"]
)
def test_the_home_page_with_other_query_parameters_still_answers(client, url):
    import_old_site()
    assert client.get(url).status_code == 200


def test_an_old_comment_id_resolves_to_its_permalink(client):
    import_old_site()
    reply = comment_called(105)
    response = client.get("/posts/moving-house/old-comment/105/")
    assert response.json() == {"permalink": f"/comment/{reply.pk}/"}
    # A comment of another post, or an id the old site never had, is not found.
    assert client.get("/posts/moving-house/old-comment/106/").status_code == 404
    assert client.get("/posts/moving-house/old-comment/999/").status_code == 404
    assert client.get("/posts/moving-house/old-comment/%00/").status_code == 404


@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_an_old_id_of_a_comment_readers_cannot_see_is_not_found(client, status):
    """Its permalink would be a 404 page, and the answer would tell that it exists."""
    import_old_site()
    Comment.objects.filter(pk=comment_called(105).pk).update(status=status)
    assert client.get("/posts/moving-house/old-comment/105/").status_code == 404


def test_the_post_page_loads_the_resolver_only_for_imported_posts(client):
    import_old_site()
    page = client.get("/posts/moving-house/").content.decode()
    assert 'data-old-comment-url="/posts/moving-house/old-comment/OLD_ID/"' in page
    assert "js/old-links.js" in page and "<script>" not in page  # no inline script
    own = Post.objects.create(title="Mine", slug="mine", status="published")
    page = client.get(own.get_absolute_url()).content.decode()
    assert "old-links.js" not in page and "data-old-comment-url" not in page


def test_the_sites_own_pages_never_look_up_old_links(client):
    import_old_site()
    for url in ("/", "/posts/moving-house/", "/?cpage=2"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q for q in queries if OldLink._meta.db_table in q["sql"]]


def test_the_admin_lists_old_links(admin_client):
    import_old_site()
    page = admin_client.get("/admin/blogapp/oldlink/").content.decode()
    assert "/2016/05/moving-house" in page and "/?p=42" in page


def test_a_disqus_threads_link_and_comment_ids_survive(client, tmp_path):
    path = tmp_path / "disqus.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<thread dsq:id="t1"><link>http://old.example/2013/05/on-disqus/</link>'
        "<title>On Disqus</title><createdAt>2013-05-01T10:00:00Z</createdAt></thread>\n"
        '<post dsq:id="5551"><message>First.</message><createdAt>2013-05-02T10:00:00Z'
        '</createdAt><author><name>Ann</name></author><thread dsq:id="t1"/></post>\n'
        '<post dsq:id="5552"><message>Reply.</message><createdAt>2013-05-02T11:00:00Z'
        '</createdAt><author><name>Bob</name></author><thread dsq:id="t1"/>'
        '<parent dsq:id="5551"/></post>\n'
        "</disqus>\n"
    )
    call_command("import_archive", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    response = client.get("/2013/05/on-disqus/")
    assert response.status_code == 301
    assert response["Location"] == "/posts/on-disqus/?via=old-link"
    reply = Comment.objects.get(source="disqus", source_id="5552")
    found = client.get("/posts/on-disqus/old-comment/5552/").json()
    assert found == {"permalink": f"/comment/{reply.pk}/"}


def test_an_old_link_to_a_post_readers_cannot_see_answers_404(client):
    call_command(
        "import_archive", str(FIXTURES / "wxr-not-public.xml"),
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    assert OldLink.objects.filter(path="/2020/members").exists()
    assert client.get("/2020/open/").status_code == 301
    # Password-protected, private, a draft, scheduled: no redirect gives the new slug away.
    for old in ("/2020/members/", "/2020/members"):
        response = client.get(old)
        assert response.status_code == 404
        assert "members" not in response.get("Location", "")
    for post_id in (2, 3, 4, 6):
        response = client.get(f"/?p={post_id}")
        assert response.status_code == 404  # as for an id nobody had
        assert b"Members only" not in response.content
    # Published later, the same old link leads to it.
    Post.objects.filter(slug="members").update(status=Post.Status.PUBLISHED)
    assert client.get("/2020/members/")["Location"] == "/posts/members/?via=old-link"


def write_wxr(path, *items):
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        "<link>https://old.example</link>\n"
        "<wp:base_blog_url>https://old.example</wp:base_blog_url>\n"
        + "".join(items)
        + "</channel>\n</rss>\n",
        encoding="utf-8",
    )
    call_command("import_archive", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def wxr_item(post_id, slug, link):
    return (
        f"<item><title>{slug}</title><link>{link}</link>"
        f"<wp:post_id>{post_id}</wp:post_id>"
        "<wp:post_date_gmt>2020-02-14 10:31:47</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type>"
        "</item>\n"
    )


GREEK = "%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2"  # επίπεδο-2, as WordPress wrote it


@pytest.mark.parametrize(
    "old",
    [
        f"/greek/{GREEK.upper()}/",
        f"/greek/{GREEK}",
        "/greek/επίπεδο-2/",
        "/greek/επίπεδο-2",
        f"/greek//{GREEK}//",
    ],
)
def test_stored_paths_and_requests_meet_in_one_form(client, tmp_path, old):
    # WordPress's theme test data links a page as //greek/…: one path, however it is written.
    write_wxr(
        tmp_path / "greek.xml",
        wxr_item(1811, "second-greek", f"https://old.example//greek/{GREEK}/"),
    )
    assert set(OldLink.objects.values_list("path", flat=True)) == {"/greek/επίπεδο-2", "/?p=1811"}
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/posts/second-greek/?via=old-link"


def test_a_request_path_is_decoded_once(client, tmp_path):
    write_wxr(tmp_path / "percent.xml", wxr_item(7, "pure", "https://old.example/100%25-pure/"))
    assert client.get("/100%25-pure/").status_code == 301
    assert client.get("/100%2525-pure/").status_code == 404


def test_paths_stored_before_take_the_one_form():
    migration = importlib.import_module("blogapp.migrations.0010_old_link_paths_normalised")
    older = Post.objects.create(title="Older", slug="older", status="published")
    newer = Post.objects.create(title="Newer", slug="newer", status="published")
    OldLink.objects.create(
        post=older, path="//greek/επίπεδο-2", url="https://old.example//greek/x/"
    )
    OldLink.objects.create(post=newer, path="/greek/επίπεδο-2", url="https://old.example/greek/x/")
    OldLink.objects.create(post=newer, path="/?p=5", url="https://old.example/?p=5")
    migration.normalise_paths(django_apps, None)
    assert set(OldLink.objects.values_list("path", "post__slug")) == {
        ("/greek/επίπεδο-2", "older"),
        ("/?p=5", "newer"),
    }


def test_a_wordpress_page_id_answers_301_to_its_post(client, tmp_path):
    """WordPress links a page as /?page_id=<id> (its guid and default link); /?p=<id> reaches
    it too, as on WordPress."""
    write_wxr(
        tmp_path / "pages.xml",
        wxr_item(701, "a-page", "https://old.example/?page_id=701").replace(
            "<wp:post_type>post<", "<wp:post_type>page<"
        ),
    )
    for old in ("/?page_id=701", "/?p=701", "/?page_id=701&utm_source=x"):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/posts/a-page/?via=old-link"


def test_the_theme_test_datas_old_links(client):
    call_command("import_archive", sample(WXR_THEME), stdout=io.StringIO(), stderr=io.StringIO())
    # Its pages' guids are /?page_id=<id>.
    response = client.get("/?page_id=701")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200
    # Its password-protected post keeps its secret: no redirect to a page that is a 404.
    assert client.get("/2007/09/04/test-with-secret-password/").status_code == 404
    assert client.get("/2012/01/04/template-password-protected/").status_code == 404
    second_greek = client.get(f"/greek/{GREEK.upper()}/")
    assert second_greek.status_code == 301
    assert client.get(second_greek["Location"]).status_code == 200


def test_addresses_under_an_unknown_or_hidden_post_stay_unknown(client):
    import_old_site()
    assert client.get("/2016/05/never-was/comment-page-2/").status_code == 404
    assert client.get("/2016/05/moving-house/other/").status_code == 404
    Post.objects.filter(slug="moving-house").update(status=Post.Status.DRAFT)
    assert client.get("/2016/05/moving-house/feed/").status_code == 404
