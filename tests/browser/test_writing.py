"""Writing in a real browser: Markdown preview (with and without JavaScript, also in the
reply-in-place form), remember-me, editing and deleting within the window and after it,
sorting, avatars served by this site only, and axe-core on the pages this touches."""

import re
import time
from datetime import UTC, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import override_settings

from comments.models import Comment
from tests.browser.conftest import DESKTOP, PHONE, _new_page, screenshot
from tests.browser.test_discussion_page import _axe_problems
from tests.factories import make_comment, make_post


def fill_form(scope, *, name="Ann", email="ann@example.com", body="Hello"):
    scope.locator("input[name=name]").fill(name)
    scope.locator("input[name=email]").fill(email)
    scope.locator("textarea[name=body]").fill(body)


def post_comment(page, url, *, body, remember=False, name="Ann"):
    page.goto(url)
    respond = page.locator("#respond")
    fill_form(respond, name=name, body=body)
    if remember:
        respond.locator("input[name=remember]").check()
    respond.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    return Comment.objects.latest("pk")


def test_preview_in_place_with_javascript(page, site):
    post = make_post()
    parent = make_comment(post, author_name="Root", body="Root text")
    page.goto(site + post.get_absolute_url())
    respond = page.locator("#respond")
    fill_form(respond, body="Some **bold** and `code`")
    url_before = page.url
    respond.get_by_role("button", name="Preview").click()
    preview = page.locator("#comment-preview")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "bold"
    assert preview.locator("code").inner_text() == "code"
    assert page.url == url_before and Comment.objects.count() == 1  # no reload, nothing stored
    assert in_view(page, preview)  # on a phone too, where the button is far below the box
    screenshot(page, f"writing-preview-js-{page.viewport_size['width']}")

    # Inside the reply-in-place form too.
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    reply_form = page.locator(f"#comment-{parent.pk} #respond")
    reply_form.locator("textarea[name=body]").fill("> quoted *reply*")
    reply_form.get_by_role("button", name="Preview").click()
    reply_form.locator("#comment-preview blockquote em").wait_for()
    assert reply_form.locator("#comment-preview blockquote em").inner_text() == "reply"
    assert in_view(page, reply_form.locator("#comment-preview"))
    assert Comment.objects.count() == 1


QUOTE_STYLE = (
    "q => { const s = getComputedStyle(q); return [s.borderLeftWidth, s.borderLeftStyle,"
    " s.borderLeftColor, s.paddingLeft, s.marginLeft, s.marginTop, s.color]; }"
)


def test_a_quote_in_the_preview_looks_as_it_will_when_published(page, site):
    post = make_post()
    published = make_comment(post, body="> a quote, published")
    page.goto(site + post.get_absolute_url())
    card_quote = page.locator(f"#comment-{published.pk} .comment-body blockquote")
    respond = page.locator("#respond")
    fill_form(respond, body="> a quote, previewed")
    respond.get_by_role("button", name="Preview").click()
    previewed = page.locator("#comment-preview blockquote")
    previewed.wait_for()
    style = card_quote.evaluate(QUOTE_STYLE)
    assert style[0] == "4px" and style[1] == "solid"  # the quote bar
    assert previewed.evaluate(QUOTE_STYLE) == style
    previewed.scroll_into_view_if_needed()
    screenshot(page, f"writing-preview-quote-{page.viewport_size['width']}", full_page=False)


def test_a_list_in_the_preview_has_the_markers_it_will_have_when_published(page, site):
    """A comment sits in the discussion's own list: its lists must not take the markers a
    browser gives nested lists (circles, squares), or they change on publishing."""
    text = "- one\n- two\n    - nested"
    post = make_post()
    published = make_comment(post, body=text)
    page.goto(site + post.get_absolute_url())
    markers = (
        "list => [getComputedStyle(list).listStyleType,"
        " getComputedStyle(list.querySelector('ul')).listStyleType]"
    )
    card = page.locator(f"#comment-{published.pk} .comment-body > ul").evaluate(markers)
    respond = page.locator("#respond")
    fill_form(respond, body=text)
    respond.get_by_role("button", name="Preview").click()
    page.locator("#comment-preview ul").first.wait_for()
    assert page.locator("#comment-preview .comment-preview-body > ul").evaluate(markers) == card
    assert card == ["disc", "circle"]


def in_view(page, locator):
    """The element's top is inside the window (to the pixel: scrolling lands on fractions)."""
    top = locator.evaluate("element => element.getBoundingClientRect().top")
    return -1 < top < page.viewport_size["height"]


def test_preview_without_javascript(no_js_page, site):
    post = make_post()
    page = no_js_page
    page.goto(site + post.get_absolute_url())
    respond = page.locator("#respond")
    fill_form(respond, body="*kept* text")
    respond.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert page.locator("#comment-preview em").inner_text() == "kept"
    assert page.locator("#respond textarea[name=body]").input_value() == "*kept* text"
    assert Comment.objects.count() == 0
    screenshot(page, "writing-preview-nojs")
    page.locator("#respond").get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert Comment.objects.get().body_html == '<p dir="auto"><em>kept</em> text</p>'


def long_discussion(count=12):
    """A post whose comment form is several phone screens down."""
    post = make_post()
    for n in range(count):
        make_comment(post, author_name=f"Reader {n}", body=f"Comment {n}. " + "Words. " * 40)
    return post


def focused_id(page):
    return page.evaluate("document.activeElement.id")


def test_preview_without_javascript_lands_on_the_preview(browser, site):
    """The page comes back with the preview far down (~8,000 px on a phone): it is shown."""
    post = long_discussion()
    context, page = _new_page(browser, PHONE, java_script_enabled=False)
    try:
        page.goto(site + post.get_absolute_url())
        respond = page.locator("#respond")
        fill_form(respond, body="*kept* text")
        respond.get_by_role("button", name="Preview").click()
        page.wait_for_load_state()
        preview = page.locator("#comment-preview")
        assert preview.locator("em").inner_text() == "kept"
        assert page.evaluate("window.scrollY") > 2000
        assert in_view(page, preview) and focused_id(page) == "comment-preview"
        screenshot(page, "writing-preview-nojs-phone", full_page=False)
        # A form with errors still opens on the field to fix.
        respond.locator("input[name=name]").fill("")
        respond.get_by_role("button", name="Preview").click()
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.name") == "name"
        assert page.locator("#comment-preview").is_hidden()
    finally:
        context.close()


def test_after_a_preview_with_the_keyboard_the_focus_is_on_the_preview(page, site):
    """Enter on Preview shows the preview above the form: the focus goes there, in view, not
    left on the button below the screen; Tab goes on into the form."""
    post = long_discussion(3)
    page.goto(site + post.get_absolute_url())
    respond = page.locator("#respond")
    fill_form(respond, body="Some **bold** words. " + "More words. " * 60)
    button = respond.get_by_role("button", name="Preview")
    button.focus()
    page.keyboard.press("Enter")
    preview = page.locator("#comment-preview")
    preview.locator("strong").wait_for()
    page.wait_for_function("document.activeElement.id === 'comment-preview'")
    assert in_view(page, preview)
    screenshot(page, f"writing-preview-focus-{page.viewport_size['width']}", full_page=False)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "name"


def test_remember_me_fills_the_next_form_and_unticking_forgets(desktop_page, site):
    page = desktop_page
    post = make_post()
    url = site + post.get_absolute_url()
    page.goto(url)
    assert not page.locator("#respond input[name=remember]").is_checked()  # off by default
    first = post_comment(page, url, body="First", remember=True, name="Remembered Ann")
    page.goto(url)
    assert page.locator("#respond input[name=name]").input_value() == "Remembered Ann"
    assert page.locator("#respond input[name=email]").input_value() == "ann@example.com"
    assert page.locator("#respond input[name=remember]").is_checked()
    # The reply-in-place form is the same form: filled in too.
    page.locator(f"#comment-{first.pk} .comment-reply-link").click()
    in_place = page.locator(f"#comment-{first.pk} #respond")
    assert in_place.locator("input[name=name]").input_value() == "Remembered Ann"
    # Another browser sees none of it.
    other = page.context.browser.new_context()
    stranger = other.new_page()
    stranger.goto(url)
    assert stranger.locator("#respond input[name=name]").input_value() == ""
    other.close()
    # Unticking forgets.
    in_place.locator("input[name=remember]").uncheck()
    in_place.locator("textarea[name=body]").fill("Second")
    in_place.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    page.goto(url)
    assert page.locator("#respond input[name=name]").input_value() == ""
    assert not page.locator("#respond input[name=remember]").is_checked()


FOCUSED_IN_VIEW = (
    "() => { const box = document.activeElement.getBoundingClientRect();"
    " return box.top >= 0 && box.bottom <= innerHeight; }"
)


def test_reply_focuses_the_first_empty_required_field(page, site):
    """With the name remembered, Reply (in place or by address) puts the cursor in the
    comment's text, not in the filled-in name; with the name empty, in the name. The field
    is in view whole, on a phone too."""
    post = make_post()
    url = site + post.get_absolute_url()
    first = post_comment(page, url, body="First", remember=True, name="Remembered Ann")
    page.goto(url)
    reply = page.locator(f"#comment-{first.pk} .comment-reply-link")
    reply.click()
    assert page.locator("#respond input[name=name]").input_value() == "Remembered Ann"
    assert page.evaluate("document.activeElement.name") == "body"
    assert page.evaluate(FOCUSED_IN_VIEW)

    page.keyboard.press("Escape")
    page.locator("#respond input[name=name]").fill("")
    reply.click()
    assert page.evaluate("document.activeElement.name") == "name"
    assert page.evaluate(FOCUSED_IN_VIEW)

    page.goto(f"{url}?replyto={first.pk}")
    assert page.locator(f"#comment-{first.pk} > #respond").is_visible()
    assert page.evaluate("document.activeElement.name") == "body"


def test_edit_and_delete_within_the_window(page, site):
    post = make_post()
    url = site + post.get_absolute_url()
    comment = post_comment(page, url, body="Teh typo")
    card = page.locator(f"#comment-{comment.pk} > .comment-card")
    edit = card.get_by_role("link", name="Edit")
    assert "/edit/" in edit.get_attribute("href")
    assert "/delete/" in card.get_by_role("link", name="Delete").get_attribute("href")
    screenshot(page, f"writing-own-comment-{page.viewport_size['width']}")
    edit.click()
    page.locator("textarea[name=body]").fill("The **fix**")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    card = page.locator(f"#comment-{comment.pk} > .comment-card")
    assert card.locator(".comment-body strong").inner_text() == "fix"
    # Both times just now read alike, not "now" beside the edit's full date.
    assert card.locator(".comment-permalink").inner_text() == "now"
    assert card.locator(".comment-edited").inner_text() == "edited now"
    card.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()
    page.wait_for_load_state()
    assert Comment.objects.get(pk=comment.pk).status == "removed"


def test_a_comment_sent_after_the_cookies_were_cleared_keeps_its_text(desktop_page, site):
    page = desktop_page
    post = make_post()
    page.goto(site + post.get_absolute_url())
    fill_form(page.locator("#respond"), body="An hour of careful words.")
    page.context.clear_cookies()  # while the page stayed open
    page.locator("#respond").get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert "security cookie" in page.locator("#respond .form-errors").inner_text()
    assert page.locator("#respond textarea[name=body]").input_value() == (
        "An hour of careful words."
    )
    assert not Comment.objects.exists()
    page.locator("#respond").get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert Comment.objects.get().body == "An hour of careful words."
    assert f"#comment-{Comment.objects.get().pk}" in page.url


def test_the_edit_window_ends_on_the_readers_own_clock(browser, site):
    """The page says "until 18:28 UTC" (the site's time zone); the script shows the reader's."""
    context, page = _new_page(browser, DESKTOP, timezone_id="Asia/Kolkata")  # UTC+05:30
    post = make_post()
    comment = post_comment(page, site + post.get_absolute_url(), body="On my clock")
    deadline = comment.created_at + timedelta(seconds=settings.COMMENTS_EDIT_WINDOW)
    local = deadline.astimezone(ZoneInfo("Asia/Kolkata"))
    expected = local.strftime("%H:%M")  # a 24-hour clock, as the site prints its times
    until = page.locator(f"#comment-{comment.pk} .comment-own-until time")
    assert until.get_attribute("datetime") == deadline.astimezone(UTC).isoformat()
    assert " ".join(until.inner_text().split()) == expected
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Edit").click()
    assert " ".join(page.locator("main time[data-local-time]").inner_text().split()) == expected
    context.close()


def test_after_the_window_or_from_another_browser_the_urls_refuse(desktop_page, site, browser):
    page = desktop_page
    post = make_post()
    url = site + post.get_absolute_url()
    with override_settings(COMMENTS_EDIT_WINDOW=1):
        comment = post_comment(page, url, body="Short window")
        page.wait_for_timeout(1500)
        page.goto(url)
        assert page.locator(f"#comment-{comment.pk} .comment-own-actions").count() == 0
        response = page.goto(f"{site}/comment/{comment.pk}/edit/")
        assert response.status == 403
        assert "from the browser that wrote it" in page.locator("main").inner_text()
        screenshot(page, "writing-edit-refused")
    other = browser.new_context()
    stranger = other.new_page()
    assert stranger.goto(f"{site}/comment/{comment.pk}/delete/").status == 403
    other.close()


def test_sorting_newest_first(desktop_page, site):
    page = desktop_page
    post = make_post()
    older = make_comment(post, author_name="Older", body="First thread")
    newer = make_comment(post, author_name="Newer", body="Second thread")
    page.goto(site + post.get_absolute_url())
    page.get_by_role("link", name="Newest first").click()
    page.wait_for_load_state()
    assert "sort=newest" in page.url
    ids = page.locator("ol.comment-list > li.comment").evaluate_all("l => l.map(e => e.id)")
    assert ids == [f"comment-{newer.pk}", f"comment-{older.pk}"]
    page.get_by_role("link", name="Oldest first").click()
    page.wait_for_load_state()
    ids = page.locator("ol.comment-list > li.comment").evaluate_all("l => l.map(e => e.id)")
    assert ids == [f"comment-{older.pk}", f"comment-{newer.pk}"]


def test_avatars_make_no_request_outside_this_site(page, sample):
    url, post, comments = sample
    hosts = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    avatars = page.locator("li.comment img.avatar")
    assert avatars.count() == 17
    # They load lazily: load them all now, then every one is an image from this server.
    avatars.evaluate_all("l => l.forEach(i => { i.loading = 'eager'; })")
    # Polled from here: page.wait_for_function polls with code it compiles in the page, which
    # the site's Content-Security-Policy (no 'unsafe-eval') refuses.
    deadline = time.monotonic() + 10
    while not avatars.evaluate_all("l => l.every(i => i.complete)"):
        assert time.monotonic() < deadline, "the avatars did not load"
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")
    loaded = avatars.evaluate_all("l => l.map(i => i.complete && i.naturalWidth > 0)")
    assert all(loaded)
    assert set(hosts) == {"127.0.0.1"} or set(hosts) == {"localhost"}


def test_recent_dates_read_relative_and_keep_the_exact_time(desktop_page, site):
    page = desktop_page
    post = make_post()
    comment = make_comment(post, body="Just now")
    page.goto(site + post.get_absolute_url())
    time = page.locator(f"#comment-{comment.pk} .comment-permalink time")
    assert time.inner_text() == "now"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", time.get_attribute("title"))


def test_axe_on_the_pages_this_touches(page, site, axe_source):
    post = make_post()
    url = site + post.get_absolute_url()
    make_comment(post, author_name="Other", body="Some *text*")
    comment = post_comment(page, url, body="Mine", remember=True)
    assert _axe_problems(page, axe_source) == []
    page.locator("#respond").get_by_role("button", name="Preview").click()
    page.locator("#comment-preview").wait_for()
    assert _axe_problems(page, axe_source) == []
    page.goto(f"{site}/comment/{comment.pk}/edit/")
    assert _axe_problems(page, axe_source) == []
    screenshot(page, f"writing-edit-page-{page.viewport_size['width']}")
    page.goto(f"{site}/comment/{comment.pk}/delete/")
    assert _axe_problems(page, axe_source) == []
    page.goto(f"{url}?sort=newest")
    assert _axe_problems(page, axe_source) == []


def test_a_held_comment_sits_in_the_column_on_a_phone(browser, site, settings):
    """Its author's held comment, on its tinted card, lines up with the discussion's column
    and the comment form below it, not a few pixels out into the page's margin."""
    settings.COMMENTS_MODERATION = "all"
    context, page = _new_page(browser, PHONE)
    try:
        comment = post_comment(page, site + make_post().get_absolute_url(), body="Held for now")
        assert comment.status == Comment.Status.PENDING
        card = page.locator(f"#comment-{comment.pk} > .comment-card")
        assert card.locator(".comment-pending").is_visible()
        screenshot(page, "writing-held-comment-phone")
        column = page.locator("ol.comment-list").bounding_box()
        box = card.bounding_box()
        assert box["x"] >= column["x"]
        assert box["x"] + box["width"] <= column["x"] + column["width"]
        assert box["x"] == page.locator("#respond").bounding_box()["x"]
    finally:
        context.close()


def test_a_draft_survives_a_language_switch_and_is_dropped_once_posted(desktop_page, site):
    """The words typed are kept in the tab until their comment is stored: a form sent back
    with an error, then the language switched, still has them; once posted they are gone."""
    page = desktop_page
    post = make_post()
    page.goto(site + post.get_absolute_url())
    respond = page.locator("#respond")
    fill_form(respond, body="Words I would hate to lose")
    respond.locator("input[name=url]").fill("htp//typo")
    respond.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert page.locator("#respond .field--error").count() == 1  # the address is refused
    assert Comment.objects.count() == 0

    page.locator("footer form.language-switcher").get_by_role("button", name="Deutsch").click()
    page.wait_for_function("document.documentElement.lang === 'de'")
    form = page.locator("#respond form")
    assert form.locator("textarea[name=body]").input_value() == "Words I would hate to lose"
    assert form.locator("input[name=name]").input_value() == "Ann"

    form.locator("input[name=url]").fill("")
    form.get_by_role("button", name="Kommentar abschicken").click()
    page.wait_for_load_state()
    comment = Comment.objects.get()
    assert comment.body == "Words I would hate to lose"
    assert page.url.endswith(f"#comment-{comment.pk}")
    page.goto(site + post.get_absolute_url())  # the post again, in the same tab
    assert page.locator("#respond textarea[name=body]").input_value() == ""


def test_a_reply_typed_in_place_comes_back_under_its_comment_after_a_reload(desktop_page, site):
    page = desktop_page
    post = make_post()
    parent = make_comment(post, author_name="Root", body="Root text")
    page.goto(site + post.get_absolute_url())
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    page.locator(f"#comment-{parent.pk} #respond textarea[name=body]").fill("Half a reply")
    page.reload()
    reply_form = page.locator(f"#comment-{parent.pk} #respond")
    assert reply_form.locator("textarea[name=body]").input_value() == "Half a reply"
    assert reply_form.locator("input[name=parent]").input_value() == str(parent.pk)
    assert page.locator("#respond-title").inner_text() == "Reply to Root"
