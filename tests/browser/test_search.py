"""The header's search box in a real browser: type words, land on the results, follow one to
the comment on its post's page; by keyboard, at desktop and phone widths, with axe-core."""

from tests.browser.conftest import screenshot
from tests.browser.test_discussion_page import _axe_problems


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
