"""The public pages in German, and in English by default."""

from contextlib import nullcontext
from datetime import UTC, datetime

import pytest
from django.test import Client

from comments.antispam import Allowance
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db

WHEN = datetime(2017, 4, 27, 14, 3, 9, tzinfo=UTC)


@pytest.fixture
def discussed():
    post = make_post(title="Sauerteig", published_at=WHEN)
    root = make_comment(post, author_name="Gezza", created_at=WHEN)
    for name in ("Corky", "Brown", "Maureen"):
        make_comment(post, parent=root, author_name=name, created_at=WHEN)
    return post


def text(page, selector):
    return " ".join(page.select_one(selector).get_text().split())


def test_english_is_the_default(client, discussed):
    page = soup(client.get(discussed.get_absolute_url()))
    assert page.html["lang"] == "en"
    assert text(page, "#comments-title") == "4 comments"
    assert text(page, "#respond-title") == "Leave a comment"
    assert text(page, ".comment-reply-link") == "Reply"
    assert text(page, "details.comment-thread > summary") == "3 replies"
    assert text(page, ".comment-permalink time") == "April 27, 2017 at 14:03"
    assert text(page, ".post-meta time") == "April 27, 2017"


def test_the_post_page_in_german(german_client, discussed):
    response = german_client.get(discussed.get_absolute_url())
    page = soup(response)
    assert response["Content-Language"] == "de"
    assert page.html["lang"] == "de"
    assert text(page, "#comments-title") == "4 Kommentare"
    assert text(page, "#respond-title") == "Kommentar schreiben"
    assert text(page, ".comment-reply-link") == "Antworten"
    assert text(page, "details.comment-thread > summary") == "3 Antworten"
    assert text(page, "label[for=id_name]") == "Name (Pflichtfeld)"
    assert text(page, "#respond button[type=submit]") == "Kommentar abschicken"
    assert (
        text(page, ".site-footer p") == "Kommentare werden moderiert. Bitte bleiben Sie freundlich."
    )
    # German dates; the machine-readable date and the exact time stay as they are.
    time = page.select_one(".comment-permalink time")
    assert time.get_text() == "27. April 2017 um 14:03"
    assert time["datetime"] == "2017-04-27T14:03:09+00:00"
    assert time["title"] == "2017-04-27 14:03:09 UTC"
    assert text(page, ".post-meta time") == "27. April 2017"
    assert "Reply" not in response.content.decode()


def test_german_plurals_and_the_thread_page(german_client):
    post = make_post()
    root = make_comment(post, author_name="Ann")
    make_comment(post, parent=root, author_name="Bo")
    page = soup(german_client.get(post.get_absolute_url()))
    assert text(page, "#comments-title") == "2 Kommentare"
    assert text(page, "details.comment-thread > summary") == "1 Antwort"
    thread = soup(german_client.get(f"/comment/{root.pk}/thread/"))
    assert thread.html["lang"] == "de"
    assert text(thread, "h1.thread-title") == "Kommentar von Ann und 1 Antwort"
    assert text(thread, "#respond-title") == "Antwort an Ann"


def test_the_comment_form_sent_back_with_errors_in_german(german_client, discussed):
    # A name of invisible characters only (the form's own check), no text (Django's).
    data = form_data(german_client, discussed, name="\u200b", body="")
    response = german_client.post(comment_url(discussed), data)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "de"
    assert text(page, "#id_name_error") == "Bitte geben Sie Ihren Namen ein."
    assert text(page, "#id_body_error") == "Dieses Feld ist zwingend erforderlich."
    assert text(page, "#respond-title") == "Kommentar schreiben"
    assert text(page, ".comment-permalink time") == "27. April 2017 um 14:03"


def test_a_refused_form_in_german(german_client, discussed):
    data = form_data(german_client, discussed, token="forged")
    page = soup(german_client.post(comment_url(discussed), data))
    assert text(page, ".form-errors .form-error") == (
        "Dieses Formular ist abgelaufen. Ihr Text steht unten; bitte senden Sie ihn noch einmal ab."
    )


def test_missing_page_in_the_sites_look(client, german_client):
    english = client.get("/posts/no-such-post/")
    assert english.status_code == 404
    assert text(soup(english), "#error-title") == "Page not found"
    german = german_client.get("/posts/no-such-post/")
    page = soup(german)
    assert german.status_code == 404
    assert page.html["lang"] == "de"
    assert text(page, "#error-title") == "Seite nicht gefunden"
    assert page.select_one("form.language-switcher") is not None  # the site's own footer


def test_the_language_switcher_switches_and_stays_on_the_page(discussed):
    client = Client()
    url = f"{discussed.get_absolute_url()}?cpage=1"
    page = soup(client.get(url))
    switcher = page.select_one("footer form.language-switcher")
    assert switcher["method"] == "post"
    assert switcher["action"] == "/i18n/setlang/"
    assert switcher.select_one("input[name=csrfmiddlewaretoken]") is not None
    assert switcher.select_one("input[name=next]")["value"] == url
    choices = {b["value"]: b.get_text(strip=True) for b in switcher.select("button")}
    assert choices == {"en": "English", "de": "Deutsch"}
    assert switcher.select_one("button[aria-current=true]")["value"] == "en"

    response = client.post("/i18n/setlang/", {"language": "de", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    page = soup(client.get(url))
    assert page.html["lang"] == "de"
    assert text(page, "#respond-title") == "Kommentar schreiben"
    assert page.select_one("button[aria-current=true]")["value"] == "de"

    client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert soup(client.get(url)).html["lang"] == "en"


def test_the_switcher_refuses_other_sites_as_next(client):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_post_list_in_german(german_client, discussed):
    page = soup(german_client.get("/"))
    assert text(page, "h1.page-title") == "Neueste Beiträge"
    assert text(page, ".post-summary .post-meta a") == "4 Kommentare"
    assert text(page, ".post-summary .post-meta time") == "27. April 2017"


def test_the_search_page_in_german(german_client, discussed):
    """The page is "Suche", its button "Suchen": one English word, two German ones."""
    page = soup(german_client.get("/search/", {"q": "sauerteig"}))
    assert text(page, "h1.page-title") == "Suche"
    assert text(page, ".site-search__button") == "Suchen"
    assert text(page, ".site-search__label") == "Suche"
    assert text(page, ".search-summary") == "1 Ergebnis für „sauerteig“"
    assert page.title.get_text(strip=True) == "Suche: sauerteig · Das Blog"


def test_a_quoted_search_in_german(german_client, discussed):
    """German quotation marks around the words, never around the reader's own."""
    page = soup(german_client.get("/search/", {"q": '"sauerteig"'}))
    assert text(page, ".search-summary") == '1 Ergebnis für "sauerteig"'
    page = soup(german_client.get("/search/", {"q": "zeppelin"}))
    assert text(page, ".search-summary") == (
        "Nichts gefunden für „zeppelin“. Versuchen Sie andere oder weniger Wörter."
    )
    # The words' own question mark ends the sentence: no full stop after it.
    page = soup(german_client.get("/search/", {"q": "warum?"}))
    assert text(page, ".search-summary") == (
        "Nichts gefunden für „warum?“ Versuchen Sie andere oder weniger Wörter."
    )


def refuse_with(monkeypatch, allowance):
    """The rate limit answering every comment form with ``allowance``."""
    monkeypatch.setattr(
        "comments.views.antispam.comment_allowance", lambda ip: nullcontext(allowance)
    )


@pytest.mark.parametrize(("seconds", "wait"), [(1, "1 Sekunde"), (30, "30 Sekunden")])
@pytest.mark.parametrize(
    ("attempts", "reason"),
    [
        (False, "Sie haben in kurzer Zeit mehrere Kommentare geschrieben"),
        (True, "Das Kommentarformular wurde aus Ihrem Netzwerk in kurzer Zeit sehr oft"),
    ],
)
def test_the_rate_limit_page_in_german(
    german_client, discussed, monkeypatch, seconds, wait, attempts, reason
):
    refuse_with(monkeypatch, Allowance(seconds, too_many_attempts=attempts))
    response = german_client.post(comment_url(discussed), {"body": "Noch einer"})
    assert response.status_code == 429
    page = soup(response)
    assert page.html["lang"] == "de"
    assert text(page, "#error-title") == "Bitte etwas langsamer"
    assert reason in text(page, "main")
    assert f"Bitte warten Sie {wait} und versuchen Sie es dann noch einmal." in text(page, "main")
    assert text(page, "label[for=id_body]") == "Ihr Kommentar zum Kopieren und erneuten Absenden:"


def test_the_error_page_in_german(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr("blogapp.views.PostListView.get_queryset", broken)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="de")
    response = client.get("/")
    assert response.status_code == 500
    page = soup(response)
    assert page.html["lang"] == "de"
    assert text(page, "h1") == "Etwas ist schiefgelaufen"
    english = Client(raise_request_exception=False).get("/")
    assert text(soup(english), "h1") == "Something went wrong"
    # In the site's look, as the 503 page is: its style sheet and its name at the top.
    assert soup(english).select_one('link[rel="stylesheet"]')["href"].endswith(".css")
    assert text(soup(english), "header .site-title") == "The Blog"


@pytest.mark.parametrize(
    ("window", "told"),
    [(1, "1 Sekunde"), (30, "30 Sekunden"), (90, "90 Sekunden"), (120, "2 Minuten")],
)
def test_the_edit_window_in_german(german_client, discussed, settings, window, told):
    """The refused edit names the window in German, in seconds when it is not a whole number
    of minutes."""
    settings.COMMENTS_EDIT_WINDOW = window
    comment = Comment.objects.filter(post=discussed).first()
    response = german_client.get(f"/comment/{comment.pk}/edit/")
    assert response.status_code == 403
    assert f"Ein Kommentar kann {told} lang nach dem Schreiben geändert werden" in text(
        soup(response), "main"
    )
