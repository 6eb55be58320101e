"""An owner downloads the archive from the admin in a real browser, and it imports back."""

import io

from django.contrib.auth.models import User
from django.core.management import call_command

from blogapp.importers import parse
from tests.browser.conftest import screenshot
from tests.factories import make_comment, make_post


def test_an_owner_downloads_the_archive(site, desktop_page, tmp_path):
    post = make_post(title="Kept for later", slug="kept")
    first = make_comment(post, author_name="Ann", author_email="ann@example.org", body="One")
    make_comment(post, parent=first, author_name="Bob", body="Two")
    User.objects.create_superuser("owner", "owner@example.org", "a long pass phrase")
    page = desktop_page
    page.goto(f"{site}/admin/login/?next=/admin/blogapp/post/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Export the archive").click()
    page.get_by_label("Include commenters' email and IP addresses").check()
    screenshot(page, "admin-export", full_page=False)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("blog-") and path.suffix == ".xml"
    assert "ann@example.org" in path.read_text()
    [record] = parse(path)
    assert record.title == "Kept for later"
    assert [(c.author_name, c.parent_source_id is None) for c in record.comments] == [
        ("Ann", True),
        ("Bob", False),
    ]
    out = io.StringIO()
    call_command("import_archive", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "comments 2 created" in out.getvalue()
