"""The site in German in a real browser: the footer's language switcher, the discussion, the
reply form the script opens in place, and accessibility."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_discussion_page import _axe_problems, _open_reply_form, card, item
from tests.translations import require_gettext


@pytest.fixture(autouse=True)
def _gettext():
    require_gettext("msgfmt")  # no German pages without it


def test_switching_to_german_keeps_the_page_and_translates_it(page, sample, axe_source):
    url, post, comments = sample
    page.goto(f"{url}#comment-{comments['gezza1'].pk}")
    assert page.evaluate("document.documentElement.lang") == "en"

    switcher = page.locator("footer form.language-switcher")
    switcher.get_by_role("button", name="Deutsch").click()
    page.wait_for_function("document.documentElement.lang === 'de'")
    assert page.url == url  # the same page (the fragment is the browser's, never sent)
    assert page.locator("#comments-title").inner_text() == "17 Kommentare"
    assert page.locator("#respond-title").inner_text() == "Kommentar schreiben"
    gezza = card(page, comments["gezza1"])
    assert gezza.locator("time").inner_text() == "27. April 2017"  # a day-only date
    assert gezza.locator("time").get_attribute("title") == "2017-04-27"
    summary = page.locator(f"#comment-{comments['gezza1'].pk} > details > summary")
    assert summary.inner_text() == "3 Antworten"
    assert card(page, comments["money"]).locator(".comment-author").inner_text() == "Unbekannt"
    assert switcher.locator("button[aria-current=true]").inner_text() == "Deutsch"
    assert _axe_problems(page, axe_source) == []

    # The script writes the page's language too when it opens the form in place.
    form = _open_reply_form(page, comments["maureen"])
    assert page.locator("#respond-title").inner_text() == "Antwort an MaureenW"
    screenshot(page, f"post-page-de-{page.viewport_size['width']}")
    form.get_by_role("button", name="Abbrechen").click()
    assert page.locator("#respond-title").inner_text() == "Kommentar schreiben"
    _open_reply_form(page, comments["money"])
    assert page.locator("#respond-title").inner_text() == "Auf diesen Kommentar antworten"
    assert item(page, comments["money"]).locator("#respond").count() == 1

    # And back to English, still on the same page.
    page.locator("footer form.language-switcher").get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url == url
    assert page.locator("#respond-title").inner_text() == "Leave a comment"
