"""The site's look in a real browser: nothing wider than the window on WordPress's theme test
content, permalinks that keep the parent comment in view, the header, the footer, the dark
scheme, right-to-left posts, and axe-core on every kind of page, desktop and phone, light and
dark."""

import io
import struct
import zlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from blogapp.models import Post
from tests.browser.conftest import DESKTOP, PHONE, _new_page, screenshot
from tests.browser.test_discussion_page import _axe_problems, card, is_highlighted
from tests.factories import make_comment, make_post
from tests.importers.conftest import WXR_THEME, sample

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


def _png(width, height):
    """A plain PNG of that size: what the theme test's images would be, made here."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\x9c\xb4\xcc" * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _answer_the_outside_world_locally(page):
    """The theme test links images, videos and embeds on other sites: each gets a big local
    stand-in (an image 1,600 px wide, an empty document), so they can show their real width
    and the test never leaves this machine."""
    big_image = _png(1600, 900)

    def handle(route):
        if route.request.url.startswith(("http://127.0.0.1", "http://localhost")):
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=big_image)
        else:
            route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>x</title>"
            )

    page.route("**/*", handle)


@pytest.fixture
def theme_test_posts(site):
    call_command("import_archive", sample(WXR_THEME), stdout=io.StringIO())
    return list(Post.objects.published().order_by("-published_at", "-id"))


def _overflow(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_no_page_of_the_theme_test_import_is_wider_than_the_window(
    browser, site, theme_test_posts, width
):
    assert len(theme_test_posts) > 50
    context, page = _new_page(browser, WIDTHS[width])
    _answer_the_outside_world_locally(page)
    too_wide = {}
    for post in theme_test_posts:
        page.goto(site + post.get_absolute_url())
        scroll_width, inner_width = _overflow(page)
        if scroll_width > inner_width:
            too_wide[post.slug] = scroll_width
    pages = (len(theme_test_posts) + 9) // 10
    for number in range(1, pages + 1):
        page.goto(f"{site}/?page={number}")
        scroll_width, inner_width = _overflow(page)
        if scroll_width > inner_width:
            too_wide[f"/?page={number}"] = scroll_width
    page.goto(f"{site}/posts/")
    scroll_width, inner_width = _overflow(page)
    if scroll_width > inner_width:
        too_wide["/posts/"] = scroll_width
    assert too_wide == {}, f"wider than {WIDTHS[width]['width']} px"

    page.goto(site + "/posts/markup-html-tags-and-formatting/")
    screenshot(page, f"theme-test-markup-{width}")
    page.goto(site + "/posts/template-comments/")
    screenshot(page, f"theme-test-comments-{width}")
    page.goto(site + "/")
    # A few lines of plain text per post: ten posts are far shorter than the 3,921 px before.
    assert page.evaluate("document.documentElement.scrollHeight") < 2600
    assert page.locator(".post-excerpt h2, .post-excerpt ul").count() == 0
    screenshot(page, f"home-{width}")
    context.close()


def _parent_and_reply_in_view(page, parent, reply):
    height = page.viewport_size["height"]
    parent_box = card(page, parent).bounding_box()
    reply_box = card(page, reply).bounding_box()
    return parent_box["y"] >= 0 and reply_box["y"] + reply_box["height"] <= height


def test_a_permalink_leaves_the_parent_comment_in_view(page, sample):
    url, post, comments = sample
    base = url.removesuffix(post.get_absolute_url())
    for parent, reply in (("brown", "maureen"), ("gezza1", "corky"), ("kim", "blazer3")):
        page.goto(f"{base}/comment/{comments[reply].pk}/")
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)
        assert is_highlighted(page, comments[reply])
        assert _parent_and_reply_in_view(page, comments[parent], comments[reply]), parent
    width = "phone" if page.viewport_size == PHONE else "desktop"
    screenshot(page, f"permalink-parent-in-view-{width}", full_page=False)


def test_without_javascript_a_permalink_still_shows_the_end_of_the_parent(no_js_page, sample):
    page = no_js_page
    url, post, comments = sample
    page.goto(f"{url.removesuffix(post.get_absolute_url())}/comment/{comments['maureen'].pk}/")
    parent = card(page, comments["brown"]).bounding_box()
    assert parent["y"] + parent["height"] > 40  # its last lines and Reply link show
    assert card(page, comments["maureen"]).bounding_box()["y"] < page.viewport_size["height"]


def test_post_comment_never_wraps_on_a_phone(browser, sample):
    url, post, comments = sample
    context, page = _new_page(browser, PHONE)
    for language in ("en", "de"):
        context.add_cookies([{"name": "django_language", "value": language, "url": url}])
        page.goto(url)
        buttons = page.locator("#respond button[type=submit]")  # Post comment, and Preview
        assert buttons.count() >= 1
        for button in buttons.all():
            assert _lines_of(button) == 1, (language, button.inner_text())
            assert button.evaluate("b => b.scrollWidth <= b.clientWidth")
    context.close()


def test_a_wrapped_comment_header_goes_on_under_the_name_not_the_avatar(browser, site):
    post = make_post(title="Names")
    long = make_comment(post, author_name="Maximilian Alexander von Habsburg-Lothringen")
    make_comment(post, parent=long, author_name="Jo", body="A reply.")
    context, page = _new_page(browser, PHONE)
    page.goto(site + post.get_absolute_url())
    header = page.locator(f"#comment-{long.pk} > .comment-card > .comment-meta")
    avatar = header.locator(".avatar").bounding_box()
    name = header.locator(".comment-author").bounding_box()
    date = header.locator(".comment-permalink").bounding_box()
    assert name["height"] > 30  # the name takes two lines on a phone
    assert date["y"] >= avatar["y"] + avatar["height"] - 2  # the date is on a line below it
    assert date["x"] >= avatar["x"] + avatar["width"]  # and starts beside the avatar's column
    # A header on one line keeps the avatar, the name and the date on it.
    short = page.locator(f"#comment-{long.pk} .comment-replies .comment-meta").first
    boxes = [short.locator(part).bounding_box() for part in (".avatar", ".comment-author",
                                                             ".comment-permalink")]  # fmt: skip
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 4
    context.close()


def _lines_of(button):
    return button.evaluate(
        "b => { const s = getComputedStyle(b);"
        " const text = b.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);"
        " return Math.round(text / parseFloat(s.lineHeight)); }"
    )


def test_the_frame_header_navigation_footer_and_the_jump_to_the_form(page, sample):
    url, post, comments = sample
    page.goto(url)
    nav = page.get_by_role("navigation", name="Site")
    assert nav.get_by_role("link", name="Home").is_visible()
    assert nav.get_by_role("link", name="Posts").is_visible()
    assert page.locator(".site-footer").get_by_role("link", name="Back to top").is_visible()

    jump = page.locator(".discussion-head").get_by_role("link", name="Leave a comment")
    assert jump.bounding_box()["y"] < page.locator("ol.comment-list").bounding_box()["y"]
    jump.click()
    page.wait_for_url("**#respond")
    assert page.locator("#respond").bounding_box()["y"] < page.viewport_size["height"]

    page.goto(site_of(url) + "/")
    assert nav.get_by_role("link", name="Home").get_attribute("aria-current") == "page"
    nav.get_by_role("link", name="Posts").click()
    page.wait_for_url("**/posts/")
    assert nav.get_by_role("link", name="Posts").get_attribute("aria-current") == "page"
    page.get_by_role("link", name=post.title).click()
    page.wait_for_url(url)
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith(".svg")


def site_of(url):
    return url.split("/posts/")[0]


def test_a_short_discussion_has_no_jump_link_and_a_closed_one_no_reply(desktop_page, site):
    page = desktop_page
    post = make_post(title="Short")
    make_comment(post, author_name="Ann")
    page.goto(site + post.get_absolute_url())
    assert page.locator(".discussion-jump").count() == 0
    assert page.locator(".comment-reply-link").count() == 1

    Post.objects.filter(pk=post.pk).update(comments_open=False)
    page.reload()
    assert page.locator(".comment-reply-link").count() == 0
    assert page.get_by_role("heading", name="Comments are closed").is_visible()


def test_the_dark_scheme_follows_the_system(browser, sample):
    url, post, comments = sample
    colours = {}
    for scheme in ("light", "dark"):
        context, page = _new_page(browser, DESKTOP, color_scheme=scheme)
        page.goto(url)
        colours[scheme] = page.evaluate(
            "[getComputedStyle(document.documentElement).backgroundColor,"
            " getComputedStyle(document.body).color]"
        )
        screenshot(page, f"post-page-{scheme}", full_page=False)
        context.close()
    assert colours["light"] == ["rgb(255, 255, 255)", "rgb(31, 35, 40)"]
    background, text = colours["dark"]
    assert background != colours["light"][0] and text != colours["light"][1]
    assert _luminance(background) < 0.1 < 0.8 < _luminance(text)


def _luminance(css_rgb):
    red, green, blue = (int(v) / 255 for v in css_rgb[4:-1].split(","))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_print_shows_the_post_and_discussion_without_the_controls(desktop_page, sample):
    page = desktop_page
    url, post, comments = sample
    page.goto(url)
    page.emulate_media(media="print")
    assert page.locator(".post-body").is_visible()
    assert item_visible(page, comments["maureen"])
    for control in (".site-nav", "#respond", ".comment-reply-link", ".language-switcher"):
        assert not page.locator(control).first.is_visible(), control


def item_visible(page, comment):
    return page.locator(f"#comment-{comment.pk}").is_visible()


# --- axe-core on every kind of page, desktop and phone, light and dark ----------------------


@pytest.fixture
def refusing_database(site):
    """A PostgreSQL trigger that fails any comment whose text starts with FAIL: the 503 page."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL triggers")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_comment() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF NEW.body LIKE 'FAIL%' THEN RAISE EXCEPTION 'refused by the test'; "
            "END IF; RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_comment BEFORE INSERT ON comments_comment "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_comment()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS test_refuse_comment ON comments_comment")
        cursor.execute("DROP FUNCTION IF EXISTS test_refuse_comment()")


def _fill_and_send(page, body):
    form = page.locator("#respond form")
    form.locator("#id_name").fill("Axe Tester")
    form.locator("#id_body").fill(body)
    form.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state("load")


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_axe_finds_no_serious_problem_on_any_page(
    browser, sample, axe_source, refusing_database, scheme, width
):
    url, post, comments = sample
    base = site_of(url)
    context, page = _new_page(browser, WIDTHS[width], color_scheme=scheme)
    problems = {}

    def check(name):
        found = _axe_problems(page, axe_source)
        if found:
            problems[name] = found
        screenshot(page, f"axe-{name}-{width}-{scheme}", full_page=False)

    page.goto(base + "/")
    check("home")
    page.goto(url)
    check("post")
    page.goto(base + "/posts/")
    check("archive")
    page.goto(f"{base}/comment/{comments['corky'].pk}/thread/")
    check("thread")
    page.goto(base + "/no/such/page/")
    check("404")

    page.goto(url)
    page.locator("#respond form").get_by_role("button", name="Post comment").click()
    page.wait_for_load_state("load")
    assert page.locator(".field-error").count() >= 1
    check("form-errors")

    page.goto(url)
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        _fill_and_send(page, "FAIL: kept words")
    assert sent.value.status == 503
    check("503")

    # A year-long window: the two posts never straddle two windows (a new window would let
    # the second through).
    year = 365 * 24 * 3600
    with override_settings(COMMENTS_RATE_LIMIT_COUNT=1, COMMENTS_RATE_LIMIT_PERIOD=year):
        for attempt in range(2):
            page.goto(url)
            with page.expect_response(lambda r: r.request.method == "POST") as sent:
                _fill_and_send(page, f"Words number {attempt} from {width} {scheme}")
        assert sent.value.status == 429
        check("429")
    context.close()
    assert problems == {}


ARABIC_POST = (
    "<p>لماذا نكتب؟ نكتب لنفهم، and sometimes to forget.</p>"
    "<blockquote><p>اقتباس قصير</p></blockquote><ul><li>أول</li><li>ثان</li></ul>"
    "<pre><code>print('hello')</code></pre>"
)
ENGLISH_POST = (
    "<p>Why we write: to understand.</p>"
    "<blockquote><p>A short quote</p></blockquote><ul><li>one</li><li>two</li></ul>"
)
# How the text sits in its column: its list's indent on the left and on the right, its quote
# bar's width on either side, and the direction of its code block.
POST_BODY_SIDES = (
    "b => { const q = getComputedStyle(b.querySelector('blockquote')),"
    " pre = b.querySelector('pre'), box = b.getBoundingClientRect(),"
    " li = b.querySelector('li').getBoundingClientRect();"
    " return [Math.round(li.left - box.left), Math.round(box.right - li.right),"
    " q.borderLeftWidth, q.borderRightWidth, pre && getComputedStyle(pre).direction]; }"
)


def test_a_right_to_left_post_reads_right_to_left(page, site):
    """An Arabic post's title, text and excerpt run right to left (its list indented and its
    quote bar on the right, its code still left to right), its author's name set apart in
    "By …"; an English post beside it keeps its look."""
    arabic = make_post(title="لماذا نكتب؟", author_name="سارة", body=ARABIC_POST)
    english = make_post(title="Why we write", author_name="Ann", body=ENGLISH_POST)
    width = page.viewport_size["width"]
    direction = "e => getComputedStyle(e).direction"

    page.goto(site + arabic.get_absolute_url())
    assert page.locator("h1.post-title").evaluate(direction) == "rtl"
    assert page.locator(".post .post-meta").evaluate(direction) == "ltr"
    assert page.locator(".post .post-meta bdi").inner_text() == "سارة"
    body = page.locator(".post-body")
    assert body.evaluate(direction) == "rtl"
    left, right, *sides = body.evaluate(POST_BODY_SIDES)
    assert left == 0 < right and sides == ["0px", "4px", "ltr"]
    screenshot(page, f"post-rtl-{width}", full_page=False)

    page.goto(site + english.get_absolute_url())
    assert page.locator("h1.post-title").evaluate(direction) == "ltr"
    left, right, *sides = page.locator(".post-body").evaluate(POST_BODY_SIDES)
    assert right == 0 < left and sides == ["4px", "0px", None]
    screenshot(page, f"post-ltr-{width}", full_page=False)

    page.goto(site + "/")
    titles = page.locator(".post-summary h2")
    assert [titles.nth(i).evaluate(direction) for i in range(2)] == ["ltr", "rtl"]
    excerpts = page.locator(".post-excerpt")
    assert [excerpts.nth(i).evaluate(direction) for i in range(2)] == ["ltr", "rtl"]
    screenshot(page, f"home-rtl-{width}", full_page=False)

    page.goto(site + "/posts/")
    titles = page.locator(".archive-list a")
    assert [titles.nth(i).evaluate(direction) for i in range(2)] == ["ltr", "rtl"]
    screenshot(page, f"archive-rtl-{width}", full_page=False)

    page.goto(site + "/search/?q=نكتب")
    assert page.locator(".search-result__title").evaluate(direction) == "rtl"
    screenshot(page, f"search-rtl-{width}", full_page=False)
