"""The moderation queue in a browser: held rows stand out, a moderator decides a row with the
keyboard alone, and on a phone the decisions stay in view."""

import pytest
from django.contrib.auth.models import Permission

from comments.models import Comment
from tests.factories import make_comment, make_post

from .conftest import DESKTOP, PHONE, _new_page, screenshot
from .test_discussion_page import _axe_problems

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("mod", "mod@example.com", "pw-mod-1",
                                                 is_staff=True)  # fmt: skip
    # The Moderators group's comment permissions, granted directly: a transactional test's
    # flush empties the table the group's data migration filled.
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    return user


def log_in(page, site):
    page.goto(f"{site}/admin/login/?next=/admin/comments/comment/%3Fstatus__exact%3Dpending")
    page.fill("#id_username", "mod")
    page.fill("#id_password", "pw-mod-1")
    page.press("#id_password", "Enter")
    page.wait_for_selector("#result_list")


def test_a_moderator_approves_a_held_row_with_the_keyboard(site, desktop_page, moderator):
    post = make_post(title="Gardening in winter")
    held = make_comment(post, status=Comment.Status.PENDING,
                        body="Which **roses** survive frost? I lost mine last year.")  # fmt: skip
    spammy = make_comment(post, status=Comment.Status.PENDING,
                          body="Free gift cards at http://promo.example.com now!")  # fmt: skip
    Comment.objects.filter(pk=spammy.pk).update(
        spam_score=0.98, spam_reasons=["d:promo.example.com (0.99)", "w:free (0.97)"]
    )
    page = desktop_page
    log_in(page, site)
    row = page.locator("#result_list tr", has=page.locator(f"input[value='{held.pk}']"))
    background = row.evaluate("tr => getComputedStyle(tr).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")  # held rows stand out
    screenshot(page, "moderation-queue")

    # Keyboard only: from the row's checkbox, Tab to its Approve button and press Enter.
    row.locator("input.action-select").focus()
    label = f"Approve comment #{held.pk}"
    for _ in range(20):
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == label:
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the row's Approve button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/admin/comments/comment/?status__exact=pending")
    assert f"Comment #{held.pk} approved." in page.locator(".messagelist").inner_text()
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED

    page.goto(f"{site}/admin/comments/comment/{held.pk}/thread/")
    screenshot(page, "moderation-thread-reply-as-author")


def test_on_a_phone_the_decisions_stay_in_view(site, browser, moderator):
    post = make_post(title="Gardening in winter")
    held = make_comment(post, status=Comment.Status.PENDING, author_name="Margarethe",
                        body="Which roses survive frost? I lost mine to the cold.")  # fmt: skip
    context, page = _new_page(browser, PHONE)
    try:
        log_in(page, site)
        screenshot(page, "moderation-queue-phone")
        assert page.locator(".results").evaluate("box => box.scrollWidth > box.clientWidth")
        approve = page.locator(f"tr:has(a[href*='/{held.pk}/']) button", has_text="Approve")
        box = approve.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        approve.click()
        page.wait_for_load_state()
        held.refresh_from_db()
        assert held.status == Comment.Status.APPROVED
    finally:
        context.close()


@pytest.mark.parametrize(
    "system, chosen, tint",
    [
        ("light", "dark", "rgb(58, 48, 0)"),  # the admin's theme button chose dark
        ("dark", "light", "rgb(255, 246, 214)"),  # ...or light on a dark system
        ("dark", "auto", "rgb(58, 48, 0)"),  # the system's scheme
    ],
)
def test_held_rows_follow_the_admins_theme(site, desktop_page, moderator, system, chosen, tint):
    post = make_post(title="Gardening in winter")
    held = make_comment(post, status=Comment.Status.PENDING, body="Which roses survive frost?")
    page = desktop_page
    page.emulate_media(color_scheme=system)
    log_in(page, site)
    page.evaluate("theme => localStorage.setItem('theme', theme)", chosen)  # what the button keeps
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == chosen
    row = page.locator("#result_list tr", has=page.locator(f"input[value='{held.pk}']"))
    assert row.evaluate("tr => getComputedStyle(tr).backgroundColor") == tint
    if chosen == "dark":
        screenshot(page, "moderation-queue-dark-theme")


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_thread_view_fits_a_phone(site, browser, moderator, language):
    post = make_post(title="Gardening in winter")
    make_comment(post, status=Comment.Status.PENDING, body="Held for the queue")
    parent = None
    for depth in range(15):  # deeper than the view indents
        parent = make_comment(post, parent=parent, author_name=f"Gardener {depth}",
                              body=f"Level {depth}: https://example.com/{'x' * 80}")  # fmt: skip
    # German names the longest action (the select is as wide as its longest option).
    context, page = _new_page(browser, PHONE, locale=language)
    try:
        log_in(page, site)
        page.goto(f"{site}/admin/comments/comment/{parent.pk}/thread/")
        screenshot(page, f"moderation-thread-phone-{language}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        deepest = page.locator(f"#thread-comment-{parent.pk}").bounding_box()
        assert deepest["width"] >= PHONE["width"] / 2  # its text keeps room to be read
    finally:
        context.close()


REPLY = (
    "A reply typed with thumbs on a small phone, about roses and the frosts that took them all "
    "last winter, and what to plant instead."
)


def held_replies(post, count=4):
    """A reply and held answers to it, with what the queue and thread view show of a commenter:
    name, address, IP, a text longer than the queue's excerpt."""
    root = make_comment(post, author_name="Margarethe", author_email="m@example.com",
                        body="Which roses survive frost? I lost mine to the cold.")  # fmt: skip
    for n in range(count):
        make_comment(post, parent=root, status=Comment.Status.PENDING,
                     author_name=f"Gardener {n}", author_email=f"gardener{n}@example.com",
                     ip_address="203.0.113.9", body=REPLY)  # fmt: skip
    return root


THEMES = [("light", "auto"), ("dark", "auto"), ("dark", "light"), ("light", "dark")]


def choose_theme(page, chosen):
    """What the admin's theme button keeps ("auto": the system's scheme)."""
    page.evaluate("theme => localStorage.setItem('theme', theme)", chosen)
    page.reload()


@pytest.mark.parametrize("system, chosen", THEMES)
def test_links_on_held_rows_keep_their_contrast(
    site, desktop_page, moderator, axe_source, system, chosen
):
    """Django's link colour has 4.47:1 on the light tint: the excerpt, "View on site" and
    "Thread" of every held row were too faint to read."""
    held_replies(make_post(title="Gardening in winter"))
    page = desktop_page
    page.emulate_media(color_scheme=system)
    log_in(page, site)
    choose_theme(page, chosen)
    assert page.locator(".comment-status--pending").count() == 4
    assert [p for p in _axe_problems(page, axe_source) if p[0] == "color-contrast"] == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problem_in_the_queue_or_the_thread_view(
    site, browser, moderator, axe_source, viewport, scheme
):
    """Links inside a line of text (the thread view's meta lines, the breadcrumbs, the
    search's "Show all") are underlined; the search field has a name axe reads as its label."""
    root = held_replies(make_post(title="Gardening in winter"))
    context, page = _new_page(browser, viewport, color_scheme=scheme)
    try:
        log_in(page, site)
        assert _axe_problems(page, axe_source) == []
        page.goto(f"{site}/admin/comments/comment/{root.pk}/thread/")
        assert _axe_problems(page, axe_source) == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "de"])
def test_on_a_phone_a_held_comments_excerpt_is_read_whole(site, browser, moderator, language):
    """The decisions stay at the right edge over the table: the excerpt's lines end before
    them (they ran on under the buttons: "A reply typed with t"), and its last word is whole."""
    held_replies(make_post(title="Gardening in winter"), count=1)
    context, page = _new_page(browser, PHONE, locale=language,
                              extra_http_headers={"Accept-Language": language})  # fmt: skip
    try:
        log_in(page, site)
        screenshot(page, f"moderation-queue-excerpt-phone-{language}", full_page=False)
        row = page.locator("#result_list tr", has=page.locator(".comment-status--pending"))
        excerpt = row.locator(".field-excerpt a")
        text = excerpt.evaluate(
            "a => { const c = a.cloneNode(true); c.querySelector('.queue-meta').remove();"
            " return c.textContent.trim(); }"
        )
        assert text == REPLY[: REPLY.index(" took them")] + "…"
        # Who wrote it on which post, and when: the columns that say so are out of view.
        meta = row.locator(".queue-meta")
        assert meta.is_visible() and "Gardening in winter" in meta.inner_text()
        assert meta.inner_text().startswith("Gardener 0 ")
        decide = row.locator("td.field-decide").bounding_box()
        box = excerpt.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= decide["x"]
        assert box["height"] >= 3 * 16  # it wraps over lines in its column
        for button in row.locator("td.field-decide button").all():
            assert button.evaluate("b => b.scrollWidth <= b.clientWidth")  # its label fits
            inside = button.bounding_box()
            assert inside["x"] >= decide["x"] and inside["x"] + inside["width"] <= PHONE["width"]
    finally:
        context.close()
