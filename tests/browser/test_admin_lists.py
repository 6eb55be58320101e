"""The admin's lists (comments, posts, old links, subscriptions, the mail and webhook logs) fit a
1,280-pixel screen beside their filters, in English and in German's longer words: nothing to
scroll sideways for; and their search fields are named in the admin's language."""

import pytest
from django.utils import timezone

from blogapp.models import OldLink
from comments.delivery import Delivery
from comments.models import Comment
from comments.notifications.models import OutgoingMail, Subscription
from comments.webhooks.models import WebhookDelivery
from tests.factories import make_comment, make_post

from .conftest import DESKTOP, PHONE, _new_page, screenshot
from .test_discussion_page import _axe_problems
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


def fill_the_logs(post):
    """A subscription of each kind and state, and mail and webhook rows as the worker leaves
    them: sent, waiting for a retry, failed with a long error."""
    now = timezone.now()
    comment = make_comment(post, author_name="Margarethe", author_email="m@example.com")
    make_comment(post, author_name="Held", status=Comment.Status.PENDING)  # the queue logs in
    Subscription.objects.create(post=post, email="margarethe.schmidt-overbeck@example.com",
                                status=Subscription.Status.CONFIRMED, confirmed_at=now)  # fmt: skip
    Subscription.objects.create(post=post, thread=comment, email="m@example.com",
                                status=Subscription.Status.UNSUBSCRIBED, confirmed_at=now,
                                unsubscribed_at=now)  # fmt: skip
    error = "SMTPRecipientsRefused: {'margarethe@example.com': (550, b'5.1.1 mailbox unknown')}"
    for number, status in enumerate(Delivery.Status.values):
        OutgoingMail.objects.create(
            key=f"mail-{number}", kind=OutgoingMail.Kind.CONFIRMATION, status=status,
            to="margarethe.schmidt-overbeck@example.com", attempts=3, last_error=error,
            subject=f"Confirm your address: comments on “{post.title}”",
        )  # fmt: skip
        OutgoingMail.objects.create(key=f"reply-{number}", kind=OutgoingMail.Kind.COMMENT,
                                    to="m@example.com", comment=comment, status=status)  # fmt: skip
        WebhookDelivery.objects.create(
            key=f"hook-{number}", url="https://hooks.example.com/services/T000/B000/XXXXXXXXXXXX",
            event="comment.approved", body="{}", status=status, attempts=5, last_error=error,
            response_status=503,
        )  # fmt: skip


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_subscription_and_delivery_logs_fit_a_laptop_screen(site, browser, moderator, language):
    fill_the_logs(make_post(title="Sourdough starters through the winter months"))
    context, page = _new_page(browser, DESKTOP, locale=language,
                              extra_http_headers={"Accept-Language": language})  # fmt: skip
    try:
        log_in(page, site)
        for path in ("subscription", "outgoingmail", "webhookdelivery"):
            page.goto(f"{site}/admin/comments/{path}/")
            screenshot(page, f"admin-{path}-{language}")
            assert page.locator("#result_list tbody tr").count() >= 2
            assert overflow(page) <= 0, f"the {path} list is wider than its space"
    finally:
        context.close()


def test_the_old_links_fit_a_laptop_screen(site, browser, moderator):
    post = make_post(title="Επίπεδο 2 -Second Greek level")
    make_comment(post, status=Comment.Status.PENDING)  # the queue logs in
    # A title that is one long word, as in WordPress's theme test data.
    OldLink.objects.create(
        post=make_post(title="Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronuku"),
        path="/2014/taumata", url="https://wpthemetestdata.wordpress.com/2014/taumata/",
    )  # fmt: skip
    path = "/greek/επίπεδο-2/second-level-with-a-rather-long-permalink-slug"
    OldLink.objects.create(post=post, path=path, url="https://wpthemetestdata.wordpress.com"
                           "/greek/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-2/"
                           "second-level-with-a-rather-long-permalink-slug/")  # fmt: skip
    context, page = _new_page(browser, DESKTOP)
    try:
        log_in(page, site)
        page.goto(f"{site}/admin/blogapp/oldlink/")
        screenshot(page, "admin-old-links")
        assert page.locator("#result_list tbody tr").count() == 2
        assert overflow(page) <= 0, "the old links are wider than their space"
        # The old address reads as its path does, its letters decoded.
        addresses = page.locator("td.field-old_address").all_inner_texts()
        assert any("/greek/επίπεδο-2/second-level" in address for address in addresses)
    finally:
        context.close()


SEARCHABLE_LISTS = ("blogapp/post", "blogapp/oldlink", "comments/spamrule", "comments/subscription",
                    "comments/outgoingmail", "comments/webhookdelivery")  # fmt: skip


@pytest.mark.parametrize(("language", "name"), [("en", "Search"), ("de", "Suchen")])
def test_the_other_searchable_lists_name_their_search_field_and_pass_axe(
    site, browser, moderator, axe_source, language, name
):
    """Django's own form named their search field only by the magnifier's alt text, "Search"
    in every language; it is named like the comment list's, the magnifier is decoration."""
    post = make_post(title="Sourdough starters through the winter months")
    fill_the_logs(post)
    OldLink.objects.create(post=post, path="/2014/sourdough", url="https://example.com/2014/")
    context, page = _new_page(browser, DESKTOP, locale=language,
                              extra_http_headers={"Accept-Language": language})  # fmt: skip
    try:
        log_in(page, site)
        for path in SEARCHABLE_LISTS:
            page.goto(f"{site}/admin/{path}/")
            assert page.get_by_role("textbox", name=name, exact=True).count() == 1, path
            assert _axe_problems(page, axe_source) == [], path
    finally:
        context.close()


# Where the browser broke each line of an element's text: the text before each break.
LINE_BREAKS = """element => {
    const text = element.firstChild, range = document.createRange(), breaks = [];
    let top = null;
    for (let i = 0; i < text.length; i++) {
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        // A soft hyphen not taken has no width; a letter after a break may also report an
        // empty box at the end of the line before.
        const rects = [...range.getClientRects()].filter(box => box.width > 0);
        if (rects.length === 0) continue;
        const rect = rects[rects.length - 1];
        if (top !== null && rect.top > top + 1) breaks.push(text.data.slice(0, i));
        top = rect.top;
    }
    return breaks;
}"""


def test_german_model_names_break_only_where_a_word_may_on_a_phone(site, browser, moderator):
    """A long compound ("Moderationshinweise") breaks at its hyphenation point or wraps whole,
    never at an arbitrary letter; and the app list still fits its column."""
    make_comment(make_post(), status=Comment.Status.PENDING)  # the queue the log-in leads to
    context, page = _new_page(browser, PHONE, locale="de",
                              extra_http_headers={"Accept-Language": "de"})  # fmt: skip
    try:
        log_in(page, site)
        for url in ("/admin/", "/admin/comments/"):
            page.goto(site + url)
            screenshot(page, f"admin-index-phone-de{url.replace('/', '-').rstrip('-')}")
            names = page.locator("#content-main .module th[scope=row] a")
            assert names.count() > 5
            for name in names.all():
                for before in name.evaluate(LINE_BREAKS):
                    assert before[-1] in " -\u00ad", (
                        f"{name.inner_text()!r} breaks after {before!r}"
                    )
            for table in page.locator("#content-main .module table").all():
                assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    finally:
        context.close()
