"""A form refused by the CSRF check: the site's own page, translated, and a comment sent from
the site's page (cookie cleared meanwhile) keeps its text; a forged one is shown nothing."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from comments.models import Comment
from tests.factories import make_post
from tests.html import soup

pytestmark = pytest.mark.django_db

OWN_ORIGIN = "http://testserver"
TYPED = {"name": "Ann", "email": "ann@example.com", "url": "", "body": "Words I took an hour over."}


def hidden_fields(page):
    form = page.select_one("#respond form")
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


@pytest.fixture
def browser():
    """A browser whose cookies can be lost, with the CSRF check on as in production."""
    return Client(enforce_csrf_checks=True)


def test_a_comment_sent_after_the_cookie_was_cleared_keeps_its_text_and_goes_through(browser):
    post = make_post()
    form = hidden_fields(soup(browser.get(post.get_absolute_url())))
    browser.cookies.clear()  # cleared while the page stayed open

    refused = browser.post(
        f"/posts/{post.slug}/comment/", {**form, **TYPED}, headers={"origin": OWN_ORIGIN}
    )
    assert refused.status_code == 403
    page = soup(refused)
    # A browser drops the newline that opens a textarea.
    assert (
        page.select_one("#respond textarea[name=body]").get_text().removeprefix("\n")
        == (TYPED["body"])
    )
    assert page.select_one("#respond input[name=name]")["value"] == "Ann"
    assert "did not send this site's security cookie" in page.get_text(" ", strip=True)
    assert not Comment.objects.exists()
    assert "csrftoken" in refused.cookies  # a fresh cookie with the fresh form
    # The language switcher returns to the post, not to the form's address.
    language_next = page.select_one("form.language-switcher input[name=next]")["value"]
    assert language_next == post.get_absolute_url()

    again = hidden_fields(page)
    response = browser.post(
        f"/posts/{post.slug}/comment/", {**again, **TYPED}, headers={"origin": OWN_ORIGIN}
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == TYPED["body"]


@pytest.mark.parametrize("origin", ["https://elsewhere.example", None])
def test_a_comment_from_another_site_or_none_shows_nothing_it_carried(browser, origin):
    post = make_post()
    forged = {"name": "Ann", "body": "Cheap pills at elsewhere.example"}
    headers = {"origin": origin} if origin else {}
    response = browser.post(f"/posts/{post.slug}/comment/", forged, headers=headers)
    assert response.status_code == 403
    text = soup(response).get_text(" ", strip=True)
    assert "The form could not be sent" in text
    assert "Cheap pills" not in response.content.decode()
    assert not Comment.objects.exists()


def test_any_other_form_gets_the_page_in_the_readers_language(browser):
    response = browser.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/"},
        headers={"origin": OWN_ORIGIN, "accept-language": "de"},
    )
    assert response.status_code == 403
    page = soup(response)
    assert page.select_one("html")["lang"] == "de"
    assert page.select_one("h1").get_text(strip=True) == "Das Formular konnte nicht gesendet werden"


def test_an_edit_refused_for_a_stale_token_keeps_its_text_and_saves_when_sent_again(browser):
    post = make_post()
    form = hidden_fields(soup(browser.get(post.get_absolute_url())))
    written = browser.post(
        f"/posts/{post.slug}/comment/", {**form, **TYPED}, headers={"origin": OWN_ORIGIN}
    )
    assert written.status_code == 302
    comment = Comment.objects.get()
    edit_url = f"/comment/{comment.pk}/edit/"
    token = soup(browser.get(edit_url)).select_one("input[name=csrfmiddlewaretoken]")["value"]
    # The cookie changes under the open page (a log-in in another tab rotates it).
    browser.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    change = {"csrfmiddlewaretoken": token, "body": "Words I took an hour over, amended."}

    refused = browser.post(edit_url, change, headers={"origin": OWN_ORIGIN})
    assert refused.status_code == 403
    page = soup(refused)
    textarea = page.select_one("textarea[name=body]")
    assert textarea.get_text().removeprefix("\n") == change["body"]
    assert "Your change was not saved" in page.get_text(" ", strip=True)
    assert Comment.objects.get().body == TYPED["body"]

    fresh = page.select_one("input[name=csrfmiddlewaretoken]")["value"]
    saved = browser.post(
        edit_url, {**change, "csrfmiddlewaretoken": fresh}, headers={"origin": OWN_ORIGIN}
    )
    assert saved.status_code == 302
    assert Comment.objects.get().body == change["body"]
