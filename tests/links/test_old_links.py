"""Links that survive migration: old post addresses answer 301, old comment ids resolve."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blogapp.models import OldLink, Post
from comments.models import Comment
from tests.importers.conftest import FIXTURES

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
    ("old", "post"),
    [
        ("/2016/05/moving-house/", "moving-house"),
        ("/2016/05/moving-house", "moving-house"),
        ("/?p=41", "moving-house"),
        ("/2016/06/second-post/", "second-post"),
        ("/?p=42", "second-post"),
    ],
)
def test_an_old_address_answers_301_to_the_new_post(client, old, post):
    import_old_site()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/posts/{post}/?via=old-link"
    assert client.get(response["Location"]).status_code == 200


def test_addresses_nobody_had_stay_what_they_were(client):
    import_old_site()
    assert client.get("/2016/05/never-was/").status_code == 404
    assert client.get("/%00/").status_code == 404
    assert client.get("/" + "x" * 600 + "/").status_code == 404
    assert client.get("/?p=999").status_code == 200  # the home page, as before
    assert client.get("/posts/moving-house/").status_code == 200


def test_an_old_comment_id_resolves_to_its_permalink(client):
    import_old_site()
    reply = comment_called(105)
    response = client.get("/posts/moving-house/old-comment/105/")
    assert response.json() == {"permalink": f"/comment/{reply.pk}/"}
    # A comment of another post, or an id the old site never had, is not found.
    assert client.get("/posts/moving-house/old-comment/106/").status_code == 404
    assert client.get("/posts/moving-house/old-comment/999/").status_code == 404
    assert client.get("/posts/moving-house/old-comment/%00/").status_code == 404


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
