"""The post page's discussion in a real browser: reading, folding, permalinks, deep threads,
replying in place (with and without JavaScript, by keyboard) and accessibility."""

import re

import pytest
from django.test import override_settings

from comments.models import Comment
from tests.browser.conftest import PHONE, _new_page, screenshot
from tests.factories import make_comment, make_post

TARGET_BACKGROUND = "rgb(255, 246, 209)"  # --target in site.css


def item(page, comment):
    return page.locator(f"#comment-{comment.pk}")


def card(page, comment):
    return page.locator(f"#comment-{comment.pk} > .comment-card")


def nesting_of(page, comment):
    """How many reply lists the comment sits in, as the browser's DOM has it."""
    return item(page, comment).evaluate(
        "li => { let n = 0; for (let e = li; e; e = e.parentElement)"
        " if (e.matches('ol.comment-replies')) n++; return n; }"
    )


def in_viewport(page, locator):
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and 0 <= box["y"] < viewport["height"] and box["height"] > 0


def is_highlighted(page, comment):
    return card(page, comment).evaluate("e => getComputedStyle(e).backgroundColor") == (
        TARGET_BACKGROUND
    )


def test_the_sample_thread_reads_as_a_nested_numbered_tree(page, sample):
    url, post, comments = sample
    page.goto(url)

    assert page.locator("h1").inner_text() == "ISIS ‘caliphate’ crumbling?"
    assert page.locator("#comments-title").inner_text() == "17 comments"
    assert page.locator("ol.comment-list li.comment").count() == 17
    numbers = page.locator("ol.comment-list > li > .comment-card .comment-number")
    assert numbers.all_inner_texts() == ["1.", "2.", "3.", "4.", "5."]
    expected_nesting = {"gezza1": 0, "corky": 1, "brown": 2, "maureen": 3, "blazer3": 4}
    for key, depth in expected_nesting.items():
        assert item(page, comments[key]).is_visible()
        assert nesting_of(page, comments[key]) == depth
    # Each level is indented further than its parent.
    lefts = [card(page, comments[k]).bounding_box()["x"] for k in expected_nesting]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)

    gezza = card(page, comments["gezza1"])
    assert gezza.locator(".comment-author").inner_text() == "Gezza"
    date = gezza.locator("time")
    # The text archive gives the day only: no time is made up for it.
    assert date.inner_text() == "April 27, 2017"
    assert date.get_attribute("datetime") == date.get_attribute("title") == "2017-04-27"
    assert card(page, comments["money"]).locator(".comment-author").inner_text() == (
        "Unknown author"
    )
    summary = page.locator(f"#comment-{comments['gezza1'].pk} > details > summary")
    assert summary.inner_text() == "3 replies"

    pingbacks = page.locator("section.pingbacks li.pingback")
    assert pingbacks.count() == 1
    assert "NZ Conservative Coalition" in pingbacks.inner_text()
    assert page.locator(f"ol.comment-list #comment-{comments['pingback'].pk}").count() == 0

    # No comment's text is squeezed: at least ~60% of the screen's width at every depth.
    width = page.viewport_size["width"]
    text_widths = page.locator(".comment-body").evaluate_all(
        "bodies => bodies.map(b => b.getBoundingClientRect().width)"
    )
    assert min(text_widths) >= 0.6 * min(width, 760)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    screenshot(page, f"post-page-{'phone' if page.viewport_size == PHONE else 'desktop'}")


def test_a_thread_folds_and_unfolds(page, sample):
    url, post, comments = sample
    page.goto(url)
    thread = page.locator(f"#comment-{comments['gezza1'].pk} > details")
    summary = thread.locator("> summary")

    summary.click()
    assert not item(page, comments["corky"]).is_visible()
    assert not item(page, comments["maureen"]).is_visible()
    assert summary.inner_text() == "3 replies"
    assert item(page, comments["alan"]).is_visible()

    summary.click()
    assert item(page, comments["corky"]).is_visible()
    assert item(page, comments["maureen"]).is_visible()


def test_threads_fold_without_javascript_too(no_js_page, sample):
    page = no_js_page
    url, post, comments = sample
    page.goto(url)
    page.locator(f"#comment-{comments['blazer1'].pk} > details > summary").click()
    assert not item(page, comments["kim"]).is_visible()
    assert page.locator(f"#comment-{comments['blazer1'].pk} > details > summary").inner_text() == (
        "4 replies"
    )
    page.locator(f"#comment-{comments['blazer1'].pk} > details > summary").click()
    assert item(page, comments["kim"]).is_visible()


def test_a_permalink_highlights_the_comment_and_scrolls_to_it(page, sample):
    url, post, comments = sample
    target = comments["blazer3"]
    page.goto(f"{url.removesuffix(post.get_absolute_url())}/comment/{target.pk}/")

    assert page.url == f"{url}#comment-{target.pk}"
    assert is_highlighted(page, target)
    assert in_viewport(page, card(page, target))
    assert not is_highlighted(page, comments["kim"])


def test_a_permalink_into_a_folded_thread_unfolds_it(desktop_page, sample):
    page = desktop_page
    url, post, comments = sample
    page.goto(url)
    page.locator(f"#comment-{comments['kitty'].pk} > details > summary").click()
    assert not item(page, comments["gezza5"]).is_visible()

    page.evaluate(f"location.hash = 'comment-{comments['gezza5'].pk}'")
    page.wait_for_function(
        f"document.querySelector('#comment-{comments['gezza5'].pk}').offsetParent"
    )
    assert is_highlighted(page, comments["gezza5"])
    assert in_viewport(page, card(page, comments["gezza5"]))


def _chain(post, depth):
    """A thread ``depth`` comments deep: [level 0, level 1, ...]."""
    chain = [make_comment(post, author_name="Level 0", body="Level 0 says hello.")]
    for level in range(1, depth):
        chain.append(
            make_comment(
                post, parent=chain[-1], author_name=f"Level {level}", body=f"Level {level} here."
            )
        )
    return chain


@override_settings(COMMENTS_THREAD_MAX_DEPTH=6)
def test_a_deep_thread_continues_on_the_comments_own_page(page, site):
    post = make_post(title="Deep", slug="deep")
    chain = _chain(post, 9)
    page.goto(site + post.get_absolute_url())

    assert item(page, chain[5]).is_visible()
    assert page.locator(f"#comment-{chain[6].pk}").count() == 0
    more = item(page, chain[5]).locator(".comment-continue a")
    assert more.inner_text() == "Continue this thread (3 replies) →"
    width = page.viewport_size["width"]
    assert card(page, chain[5]).bounding_box()["width"] >= 0.6 * min(width, 760)

    more.click()
    page.wait_for_url(re.compile(rf"/comment/{chain[5].pk}/thread/$"))
    assert "Level 5’s comment and 3 replies" in page.locator("h1").inner_text()
    for comment in chain[5:]:
        assert item(page, comment).is_visible()
    assert page.locator(f"#comment-{chain[4].pk}").count() == 0
    assert nesting_of(page, chain[8]) == 3
    screenshot(page, f"thread-page-{'phone' if page.viewport_size == PHONE else 'desktop'}")

    page.get_by_role("link", name="← Back to the discussion").click()
    page.wait_for_url(f"{site}{post.get_absolute_url()}#comment-{chain[5].pk}")
    assert is_highlighted(page, chain[5])
    assert in_viewport(page, card(page, chain[5]))


def _overlap(a, b):
    """Whether two bounding boxes share any area."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("language", ["en", "de"])
@override_settings(COMMENTS_THREAD_MAX_DEPTH=6)
def test_reply_and_continue_this_thread_never_cover_each_other(page, site, language):
    post = make_post(title="Deep", slug="deep")
    chain = _chain(post, 9)
    for n in range(11):  # a longer count: "(13 replies)"
        make_comment(post, parent=chain[7], author_name=f"Late {n}", body="Late.")
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(site + post.get_absolute_url())
    assert page.evaluate("document.documentElement.lang") == language

    reply = card(page, chain[5]).locator(".comment-reply-link")
    more = item(page, chain[5]).locator(".comment-continue a")
    assert reply.inner_text() == {"en": "Reply", "de": "Antworten"}[language]
    assert more.inner_text().startswith({"en": "Continue this", "de": "Diesen Thread"}[language])
    reply_box, more_box = reply.bounding_box(), more.bounding_box()
    assert not _overlap(reply_box, more_box), (reply_box, more_box)
    # Both stay inside the page, and the link to the rest of the thread still works.
    width = page.viewport_size["width"]
    assert more_box["x"] + more_box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    item(page, chain[5]).scroll_into_view_if_needed()
    device = "phone" if page.viewport_size == PHONE else "desktop"
    screenshot(page, f"continue-thread-{language}-{device}", full_page=False)
    more.click()
    page.wait_for_url(re.compile(rf"/comment/{chain[5].pk}/thread/$"))


@override_settings(COMMENTS_THREAD_MAX_DEPTH=6)
def test_the_permalink_of_a_deep_reply_opens_its_thread_page(desktop_page, site):
    page = desktop_page
    post = make_post(title="Deep", slug="deep")
    chain = _chain(post, 9)
    page.goto(f"{site}/comment/{chain[7].pk}/")
    assert page.url == f"{site}/comment/{chain[5].pk}/thread/#comment-{chain[7].pk}"
    assert is_highlighted(page, chain[7])


def landed_comment(page, url):
    """After submitting: wait to land on the new comment's address, and return that comment."""
    page.wait_for_url(re.compile(re.escape(url) + r"#comment-\d+$"))
    return Comment.objects.get(pk=int(page.url.rsplit("-", 1)[1]))


def _open_reply_form(page, comment):
    card(page, comment).locator(".comment-reply-link").click()
    form = item(page, comment).locator("> #respond")
    assert form.is_visible()
    return form


def test_replying_in_place_to_a_depth_3_comment(page, sample):
    url, post, comments = sample
    parent = comments["maureen"]
    page.goto(url)

    form = _open_reply_form(page, parent)
    assert page.locator("#respond-title").inner_text() == "Reply to MaureenW"
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.fill("#id_name", "Newcomer")
    page.fill("#id_body", "Welcome to the collection.")
    form.get_by_role("button", name="Post comment").click()

    new = landed_comment(page, url)
    assert new.author_name == "Newcomer"
    assert new.parent_id == parent.pk and new.level == 4
    assert page.locator(f"#comment-{parent.pk} > details #comment-{new.pk}").is_visible()
    assert nesting_of(page, new) == 4
    assert is_highlighted(page, new)
    assert in_viewport(page, card(page, new))
    assert "Welcome to the collection." in card(page, new).inner_text()


def test_escape_or_cancel_puts_the_form_back(desktop_page, sample):
    page = desktop_page
    url, post, comments = sample
    page.goto(url)
    home_index = page.evaluate("[...document.querySelector('#comments').children].indexOf(respond)")

    _open_reply_form(page, comments["brown"])
    page.keyboard.press("Escape")
    assert page.evaluate("[...document.querySelector('#comments').children].indexOf(respond)") == (
        home_index
    )
    assert page.locator("input[name=parent]").input_value() == ""
    assert page.locator("#respond-title").inner_text() == "Leave a comment"
    assert page.evaluate("document.activeElement.dataset.replyTo") == str(comments["brown"].pk)

    form = _open_reply_form(page, comments["kim"])
    form.get_by_role("button", name="Cancel").click()
    assert page.locator(f"#comment-{comments['kim'].pk} #respond").count() == 0
    assert page.locator("input[name=parent]").input_value() == ""


@pytest.mark.parametrize("opened", ["in place", "by address"])
def test_leave_a_comment_turns_an_open_reply_form_into_a_new_comment(page, sample, opened):
    """After Reply, the "Leave a comment" link beside the discussion's title puts the form back
    in its place as a new comment, keeping what was typed, whether the script opened the
    reply form or the page came with it (?replyto=)."""
    url, post, comments = sample
    parent = comments["brown"]
    page.goto(url)
    home_index = page.evaluate("[...document.querySelector('#comments').children].indexOf(respond)")
    if opened == "in place":
        _open_reply_form(page, parent)
    else:
        page.goto(f"{url}?replyto={parent.pk}#respond")
        assert page.locator(f"#comment-{parent.pk} > #respond").is_visible()
    assert page.locator("input[name=parent]").input_value() == str(parent.pk)
    page.fill("#id_name", "Standalone")
    page.fill("#id_body", "A thought of my own, not an answer.")

    page.locator("a.discussion-jump").click()
    assert page.locator("#respond").evaluate("r => r.closest('li.comment')") is None
    assert page.evaluate("[...document.querySelector('#comments').children].indexOf(respond)") == (
        home_index
    )
    assert page.locator("input[name=parent]").input_value() == ""
    assert page.locator("#respond-title").inner_text() == "Leave a comment"
    assert page.locator(".js-cancel-reply").count() == 0
    assert page.locator("#id_body").input_value() == "A thought of my own, not an answer."
    assert page.evaluate("document.activeElement.id") == "id_body"  # typing goes on there
    assert in_viewport(page, page.locator("#respond-title"))
    screenshot(page, f"leave-a-comment-after-reply-{page.viewport_size['width']}", full_page=False)

    page.locator("#respond").get_by_role("button", name="Post comment").click()
    new = landed_comment(page, url)
    assert new.parent_id is None and new.body == "A thought of my own, not an answer."


def test_an_invalid_reply_shows_the_error_next_to_the_field_and_keeps_the_text(page, sample):
    url, post, comments = sample
    parent = comments["brown"]
    page.goto(url)

    form = _open_reply_form(page, parent)
    page.fill("#id_body", "Words I typed with care.")
    form.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"/comment/$"))  # the form, sent back

    name_field = page.locator(".field--name")
    assert name_field.locator(".field-error").inner_text() == "This field is required."
    assert Comment.objects.filter(body__contains="Words I typed").count() == 0
    assert page.locator("#id_name").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_body").input_value() == "Words I typed with care."
    # The form is back under the comment it answers, with focus on the field to fix.
    assert page.locator(f"#comment-{parent.pk} > #respond").is_visible()
    assert page.evaluate("document.activeElement.id") == "id_name"
    assert in_viewport(page, page.locator("#id_name"))
    screenshot(
        page, f"form-error-{'phone' if page.viewport_size == PHONE else 'desktop'}", full_page=False
    )

    page.fill("#id_name", "Careful")
    page.get_by_role("button", name="Post comment").click()
    new = landed_comment(page, url)
    assert new.author_name == "Careful"
    assert new.parent_id == parent.pk
    assert is_highlighted(page, new)


def test_replying_by_keyboard_only(desktop_page, sample):
    page = desktop_page
    url, post, comments = sample
    parent = comments["kim"]
    page.goto(url)

    # Tab through the page to the Reply link of the comment, as a keyboard user would.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.replyTo") == str(parent.pk):
            break
    else:
        pytest.fail("Tab never reached the Reply link")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.keyboard.type("Keys Only")
    page.keyboard.press("Tab")  # email
    page.keyboard.press("Tab")  # website
    page.keyboard.press("Tab")  # comment
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")  # "Notify me of replies to my comment"
    assert page.evaluate("document.activeElement.id") == "id_notify_replies"
    page.keyboard.press("Tab")  # "Notify me of new comments on this post"
    assert page.evaluate("document.activeElement.id") == "id_notify_post"
    page.keyboard.press("Tab")  # "Save my name, email and website in this browser"
    assert page.evaluate("document.activeElement.id") == "id_remember"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Post comment"
    page.keyboard.press("Enter")

    new = landed_comment(page, url)
    assert new.author_name == "Keys Only"
    assert new.parent_id == parent.pk
    assert is_highlighted(page, new)


def test_replying_without_javascript_uses_the_plain_form(no_js_page, sample):
    page = no_js_page
    url, post, comments = sample
    parent = comments["corky"]
    page.goto(url)

    card(page, parent).locator(".comment-reply-link").click()
    page.wait_for_url(f"{url}?replyto={parent.pk}#respond")
    assert page.locator("#respond-title").inner_text() == "Reply to Corky"
    page.fill("#id_name", "Plain")
    page.fill("#id_body", "No scripts here.")
    page.get_by_role("button", name="Post comment").click()

    new = landed_comment(page, url)
    assert new.author_name == "Plain"
    assert new.parent_id == parent.pk
    assert is_highlighted(page, new)
    assert nesting_of(page, new) == 2


@override_settings(COMMENTS_THREAD_MAX_DEPTH=6)
def test_an_invalid_reply_from_a_thread_page_comes_back_to_that_page(no_js_page, site):
    page = no_js_page
    post = make_post(title="Deep", slug="deep")
    chain = _chain(post, 9)
    thread_url = f"{site}/comment/{chain[5].pk}/thread/"
    page.goto(thread_url)

    card(page, chain[7]).locator(".comment-reply-link").click()
    page.wait_for_url(f"{thread_url}?replyto={chain[7].pk}#respond")
    page.fill("#id_body", "Typed deep in the thread.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"/comment/$"))  # the form, sent back

    assert "Level 5’s comment and 3 replies" in page.locator("h1").inner_text()
    assert page.locator(".field--name .field-error").inner_text() == "This field is required."
    assert page.locator("#id_body").input_value() == "Typed deep in the thread."
    assert page.locator("#respond-title").inner_text() == "Reply to Level 7"

    page.fill("#id_name", "Deep diver")
    page.get_by_role("button", name="Post comment").click()
    new = landed_comment(page, thread_url)
    assert new.author_name == "Deep diver"
    assert new.parent_id == chain[7].pk
    assert is_highlighted(page, new)


def _axe_problems(page, axe_source):
    # Evaluated through the browser's debugging protocol, which the page's
    # Content-Security-Policy does not govern: an inline <script> tag would be refused.
    page.evaluate(f"() => {{ {axe_source}\n}}")
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag',"
        " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_or_critical_problems(page, sample, axe_source):
    url, post, comments = sample
    page.goto(url)
    assert _axe_problems(page, axe_source) == []

    # Also with the reply form open in place and showing an error.
    _open_reply_form(page, comments["maureen"]).get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"/comment/$"))
    assert page.locator(".field-error").count() >= 1
    assert _axe_problems(page, axe_source) == []

    page.goto(f"{url.removesuffix(post.get_absolute_url())}/comment/{comments['corky'].pk}/thread/")
    assert _axe_problems(page, axe_source) == []


def test_a_code_block_or_table_too_wide_for_a_phone_can_be_scrolled_with_the_keyboard(
    site, browser, axe_source
):
    """A post's or a comment's code block wider than its column scrolls sideways; it takes
    keyboard focus so that the keys scroll it too (axe: scrollable-region-focusable)."""
    line = "print('" + "a long line of code " * 8 + "')"
    cells = "".join(f"<td>column {n} of a wide table</td>" for n in range(12))
    post = make_post(title="Code", body=f"<p>Run this:</p><pre>{line}</pre><pre>ok()</pre>"
                                        f"<table><tr>{cells}</tr></table>")  # fmt: skip
    make_comment(post, body=f"Mine:\n\n    {line}")
    context, page = _new_page(browser, PHONE)
    try:
        page.goto(f"{site}{post.get_absolute_url()}")
        wide = page.locator(".post-body pre").first
        narrow = page.locator(".post-body pre").nth(1)
        assert wide.get_attribute("tabindex") == "0"
        assert narrow.get_attribute("tabindex") is None  # nothing to scroll: no extra tab stop
        assert page.locator(".comment-body pre").get_attribute("tabindex") == "0"
        assert page.locator(".post-body table").get_attribute("tabindex") == "0"
        wide.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("pre => pre.scrollLeft > 0", arg=wide.element_handle())
        assert _axe_problems(page, axe_source) == []
    finally:
        context.close()


ARABIC_NAME = "مريم"


def test_a_right_to_left_comment_reads_right_to_left(page, site):
    """An Arabic comment is right-aligned in its own direction, its quote bar and list markers
    on the right; an English one beside it is unchanged; a name in Arabic keeps the date
    beside it in place, and "Reply to" sets it apart."""
    post = make_post()
    arabic = make_comment(
        post,
        author_name=ARABIC_NAME,
        body="مرحبا بالجميع، هذا تعليق with English words في الوسط.\n\n> اقتباس\n\n- أول\n- ثان",
    )
    english = make_comment(post, author_name="Ann", body="> A quote\n\n- one\n- two")
    both = make_comment(
        post,
        author_name="Sara",
        body="فقرة عربية\n\nand in English:\n\n1. feed\n2. wait\n\n> patience",
    )
    page.goto(site + post.get_absolute_url())
    direction = "e => getComputedStyle(e).direction"
    body = card(page, arabic).locator(".comment-body")
    assert body.locator("p").first.evaluate(direction) == "rtl"
    assert card(page, english).locator("blockquote").evaluate(direction) == "ltr"
    assert card(page, arabic).locator(".comment-author").evaluate(direction) == "rtl"
    assert card(page, arabic).locator(".comment-meta").evaluate(direction) == "ltr"
    # The paragraph's text ends at the body's right edge; the quote bar is on the right.
    edges = body.evaluate(
        "b => { const p = b.querySelector('p').getBoundingClientRect(),"
        " r = document.createRange(); r.selectNodeContents(b.querySelector('p'));"
        " const t = r.getBoundingClientRect(), q = getComputedStyle(b.querySelector('blockquote'));"
        " return [Math.round(p.right - t.right), q.borderRightWidth, q.borderLeftWidth,"
        " Math.round(b.querySelector('li').getBoundingClientRect().right"
        " - b.getBoundingClientRect().right)]; }"
    )
    assert edges[0] == 0 and edges[1] == "4px" and edges[2] == "0px"
    assert edges[3] < 0  # the list is indented from the right, its markers inside the body
    sides = "q => [getComputedStyle(q).borderLeftWidth, getComputedStyle(q).borderRightWidth]"
    assert card(page, english).locator("blockquote").evaluate(sides) == ["4px", "0px"]
    # English after Arabic in one comment: its paragraph, list and quote read left to right.
    mixed = card(page, both)
    assert mixed.locator("p").first.evaluate(direction) == "rtl"
    assert mixed.locator("p", has_text="and in English").evaluate(direction) == "ltr"
    assert mixed.locator("li").first.evaluate(direction) == "ltr"
    assert mixed.locator("blockquote").evaluate(sides) == ["4px", "0px"]
    mixed.scroll_into_view_if_needed()
    screenshot(page, f"discussion-rtl-mixed-{page.viewport_size['width']}", full_page=False)
    screenshot(page, f"discussion-rtl-{page.viewport_size['width']}", full_page=False)
    card(page, arabic).locator(".comment-reply-link").click()
    title = page.locator("#respond-title")
    assert title.locator("bdi").inner_text() == ARABIC_NAME
    title.evaluate("t => t.scrollIntoView()")
    screenshot(page, f"discussion-rtl-reply-{page.viewport_size['width']}", full_page=False)
    page.keyboard.press("Escape")
    assert title.inner_text() == "Leave a comment"
