"""The header's search box in a real browser: type words, land on the results, follow one to
the comment on its post's page; by keyboard, at desktop and phone widths, with axe-core."""

from urllib.parse import urlencode

from tests.browser.conftest import screenshot
from tests.browser.test_discussion_page import _axe_problems
from tests.factories import make_comment, make_post


def test_searching_from_the_header_finds_a_comment_and_opens_it(page, sample, axe_source):
    url, post, comments = sample
    page.goto(url)
    box = page.locator("header form.site-search").get_by_role("searchbox", name="Search")
    box.fill("mouse trap")
    box.press("Enter")
    page.wait_for_url("**/search/?q=mouse+trap")
    assert page.title().startswith("Search: mouse trap")
    results = page.locator("li.search-result")
    assert results.count() >= 1
    first = results.first
    assert first.locator("mark").first.inner_text().lower() in {"mouse", "trap"}
    assert page.locator("header form.site-search input[name=q]").input_value() == "mouse trap"
    assert _axe_problems(page, axe_source) == []
    screenshot(page, f"search-results-{page.viewport_size['width']}")

    first.locator(".search-result__title a").click()
    page.wait_for_url(f"**{post.get_absolute_url()}*#comment-{comments['brown'].pk}")
    assert page.locator(f"#comment-{comments['brown'].pk}").is_visible()


def test_the_privacy_note_is_beside_the_form(page, sample, axe_source):
    url, _post, _comments = sample
    page.goto(f"{url}#respond")
    note = page.locator("form.comment-form .privacy-note")
    assert note.is_visible()
    assert "shortened after 30 days" in note.inner_text()
    screenshot(page, f"comment-form-privacy-note-{page.viewport_size['width']}", full_page=False)


def test_long_words_and_addresses_in_results_wrap_on_a_phone(page, site):
    """A result's title and snippet break a long word or address, as posts and comments do,
    and so does the summary that repeats what was searched for."""
    word = "Donaudampfschifffahrt" * 5 + "x" * 15  # 120 characters, no break anywhere
    url = "https://example.org/" + "a-very-long-path" * 6 + "end"  # 119 characters
    assert len(word) == 120 and len(url) >= 119
    post = make_post(title=f"Rivers {word}", slug="rivers", body=f"<p>Steamers {word} {url}</p>")
    make_comment(post, body=f"Steamers and {word}, see {url} for the timetable.")
    for query in ("steamers", word):
        page.goto(f"{site}/search/?{urlencode({'q': query})}")
        assert page.locator("li.search-result").count() == 2
        width = page.viewport_size["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, query
        for box in page.locator(".search-result__title a, .search-result__snippet").all():
            edge = box.bounding_box()
            assert edge["x"] + edge["width"] <= width
    screenshot(page, f"search-long-words-{page.viewport_size['width']}")
