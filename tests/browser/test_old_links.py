"""An old comment link from before the migration lands on that comment in a real browser."""

import io

import pytest
from django.core.management import call_command

from comments.models import Comment
from tests.browser.conftest import screenshot
from tests.importers.conftest import FIXTURES


@pytest.fixture
def old_site(site, settings):
    settings.COMMENTS_PER_PAGE = 2  # the old site's third thread is on page 2 here
    call_command(
        "import_archive",
        str(FIXTURES / "wxr-old-links.xml"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return site


def new_id(old_id):
    return Comment.objects.get(source="wxr", source_id=f"old.example/comment/{old_id}").pk


@pytest.mark.parametrize(
    "old_address", ["/2016/05/moving-house/#comment-105", "/?p=41#comment-105"]
)
def test_an_old_comment_link_lands_on_the_comment(old_site, desktop_page, old_address):
    page = desktop_page
    reply = new_id(105)
    page.goto(old_site + old_address)
    page.wait_for_url(f"**/posts/moving-house/?cpage=2#comment-{reply}")
    target = page.locator(f"#comment-{reply}")
    assert "A reply in the third thread." in target.inner_text()
    assert target.is_visible()
    assert page.evaluate("location.hash") == f"#comment-{reply}"
    screenshot(page, "old-comment-link", full_page=False)


def test_an_unknown_old_comment_leaves_the_post_open(old_site, desktop_page):
    page = desktop_page
    page.goto(old_site + "/2016/05/moving-house/#comment-999")
    page.wait_for_url("**/posts/moving-house/#comment-999")  # the marker is tidied away
    assert page.locator("h1.post-title").inner_text() == "Moving house"


def test_an_old_address_without_a_comment_leaves_the_posts_own_address(old_site, desktop_page):
    page = desktop_page
    page.goto(old_site + "/2016/05/moving-house/")
    page.wait_for_url("**/posts/moving-house/")  # no ?via=old-link left to bookmark or share
    assert page.locator("h1.post-title").inner_text() == "Moving house"


def test_without_javascript_the_old_link_opens_the_post(old_site, no_js_page):
    page = no_js_page
    page.goto(old_site + "/2016/05/moving-house/#comment-105")
    assert page.url.endswith("/posts/moving-house/?via=old-link#comment-105")
    assert page.locator("h1.post-title").inner_text() == "Moving house"
