"""The admin's two lists, comments and posts, fit a 1,280-pixel screen beside their filters,
in English and in German's longer words: nothing to scroll sideways for."""

import pytest

from comments.models import Comment
from tests.factories import make_comment, make_post

from .conftest import DESKTOP, _new_page, screenshot
from .test_moderation_queue import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def moderator(django_user_model):
    """A superuser: the queue with its decisions, and the posts."""
    django_user_model.objects.create_superuser("mod", "mod@example.com", "pw-mod-1")


def overflow(page):
    return page.locator(".results").evaluate("box => box.scrollWidth - box.clientWidth")


@pytest.mark.parametrize("language", ["en", "de"])
def test_both_lists_fit_a_laptop_screen(site, browser, moderator, language):
    post = make_post(title="Sourdough starters through the winter months")
    # An imported title can be one long word: it breaks rather than widen its column.
    make_post(title="Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokai")
    make_comment(post, author_name="Margarethe Schmidt-Overbeck", status=Comment.Status.PENDING,
                 body="Mine sulks every January; feeding twice a day brings it back.")  # fmt: skip
    make_comment(post, author_name="Ping", kind=Comment.Kind.PINGBACK, body="[…] cited […]")
    context, page = _new_page(browser, DESKTOP, locale=language,
                              extra_http_headers={"Accept-Language": language})  # fmt: skip
    try:
        log_in(page, site)
        page.goto(f"{site}/admin/comments/comment/")
        assert overflow(page) <= 0, "the comment queue is wider than its space"
        assert page.locator("a.comment-thread-link").first.is_visible()
        screenshot(page, f"moderation-queue-{language}")
        page.goto(f"{site}/admin/blogapp/post/")
        assert overflow(page) <= 0, "the list of posts is wider than its space"
        assert page.locator("td.field-pending_comments").first.is_visible()
        screenshot(page, f"admin-posts-{language}")
    finally:
        context.close()
