"""The moderation admin in German, for a moderator whose browser asks for it."""

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.factories import make_comment
from tests.html import soup
from tests.i18n.conftest import GERMAN
from tests.moderation.conftest import CHANGELIST, admin_messages, run_action

pytestmark = pytest.mark.django_db

WHEN = datetime(2017, 4, 27, 14, 3, tzinfo=UTC)


@pytest.fixture
def german_superuser_client(django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-1")
    client = Client(**GERMAN)
    client.force_login(user)
    return client


def test_the_admin_names_the_blog_not_django(german_superuser_client, client, admin_user):
    page = soup(german_superuser_client.get(reverse("admin:index")))
    assert page.select_one("#site-name").get_text(strip=True) == "Das Blog: Verwaltung"
    assert (
        page.title.get_text(strip=True)
        == "Beiträge, Kommentare und Moderation | Das Blog: Verwaltung"
    )
    client.force_login(admin_user)
    english = soup(client.get(reverse("admin:index")))
    assert english.select_one("#site-name").get_text(strip=True) == "The Blog: administration"


def test_the_comment_queue_in_german(german_superuser_client, post):
    make_comment(post, author_name="Ann", status="pending", body="Hallo!", created_at=WHEN)
    make_comment(post, author_name="Bo", status="spam", created_at=WHEN)
    page = soup(german_superuser_client.get(CHANGELIST))
    assert page.html["lang"] == "de"
    counts = page.select_one(".moderation-counts")
    assert counts.select_one(".moderation-count--pending").get_text(" ", strip=True) == (
        "1 ausstehend"
    )
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")][1:]
    assert headers == ["Kommentar", "Autor", "Beitrag", "Status", "Entscheiden", "Spam-Wert",
                       "Erstellt am"]  # fmt: skip
    row = page.select("#result_list tbody tr")[0]
    # Who, where and when under the text (shown on a phone): in German too.
    meta = " ".join(row.select_one(".queue-meta").extract().get_text().split())
    assert meta == f"Ann zu „{post.title}“ · 27. April 2017 14:03"
    first = [td.get_text(" ", strip=True) for td in row.select("td, th")]
    assert first[1:5] == [
        "Hallo!", "Ann", f"{post.title} Auf der Website anzeigen · Thread", "Ausstehend"
    ]  # fmt: skip
    assert first[5] == "Freigeben Spam"  # the row's two buttons
    assert first[6:8] == ["—", "27. April 2017 14:03"]
    actions = [option.get_text() for option in page.select("select[name=action] option")]
    assert "Ausgewählte Kommentare freigeben" in actions
    assert "Ausgewählte Kommentare als Spam markieren" in actions


def test_a_bulk_action_reports_in_german(german_superuser_client, post):
    comments = [make_comment(post, status="pending") for _ in range(2)]
    response = run_action(german_superuser_client, "approve_comments", comments)
    assert admin_messages(response) == ["2 Kommentare freigegeben."]
    response = run_action(german_superuser_client, "remove_comments", comments[:1])
    assert admin_messages(response) == ["1 Kommentar entfernt."]


def test_the_thread_view_in_german(german_superuser_client, post):
    root = make_comment(post, author_name="", created_at=WHEN)
    make_comment(post, parent=root, status="pending", created_at=WHEN)
    url = reverse("admin:comments_comment_thread", args=[root.pk])
    page = soup(german_superuser_client.get(url))
    assert f"Thread von Kommentar #{root.pk}" in page.select_one(".breadcrumbs").get_text()
    statuses = [s.get_text(strip=True) for s in page.select(".thread-status")]
    assert statuses == ["Freigegeben", "Ausstehend"]
    assert page.select_one(".thread-author").get_text(strip=True) == "Unbekannt"
    assert "27.04.2017 14:03" in page.select_one(".thread-meta").get_text()
    assert page.select_one("#thread-form button").get_text(strip=True) == "Ausführen"


def test_the_task_queue_in_german(german_superuser_client):
    from django_tasks_db.models import DBTaskResult

    from comments.events import handle_event

    done = handle_event.enqueue(None, [1], "", "approved", False, False)
    DBTaskResult.objects.filter(pk=done.id).update(status="SUCCESSFUL")
    handle_event.enqueue(None, [2], "", "approved", False, False)

    index = soup(german_superuser_client.get(reverse("admin:index"))).get_text(" ", strip=True)
    assert "Hintergrundaufgaben" in index and "Tasks Database Backend" not in index
    page = soup(
        german_superuser_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    )
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")][1:]
    assert headers == [
        "Aufgabe",
        "Status",
        "Eingereiht am",
        "Begonnen am",
        "Abgeschlossen am",
        "Priorität",
        "Warteschlange",
    ]
    statuses = [td.get_text(strip=True) for td in page.select("#result_list td.field-status")]
    assert sorted(statuses) == ["Bereit", "Erfolgreich"]
    assert page.select_one("h1").get_text(strip=True) == "Aufgabe zum Ansehen auswählen"
    detail = german_superuser_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[done.id])
    )
    text = soup(detail).get_text(" ", strip=True)
    for english in ("Run after", "Task path", "Exception class path", "Args kwargs", "Ready"):
        assert english not in text
    assert "Frühestens am" in text and "Pfad der Aufgabe" in text


def test_outgoing_mail_counted_and_titled_in_german(german_superuser_client):
    from comments.notifications import sending
    from comments.notifications.models import OutgoingMail

    for n in range(3):
        sending.queue(key=f"k{n}", kind=OutgoingMail.Kind.MODERATOR, to=f"m{n}@example.com",
                      subject="Hallo", body="Text", enqueue=False)  # fmt: skip
    page = soup(german_superuser_client.get(reverse("admin:comments_outgoingmail_changelist")))
    assert page.select_one("h1").get_text(strip=True).startswith("Ausgehende E-Mail ")
    assert "3 ausgehende E-Mails" in page.select_one(".paginator").get_text(" ", strip=True)


def test_the_export_page_in_german_says_only_wxr_can_be_imported(german_superuser_client):
    page = soup(german_superuser_client.get(reverse("admin:blogapp_post_export")))
    words = " ".join(page.select_one("#content-main p").get_text().split())
    assert "WordPress und diese Website können die WXR-Datei importieren" in words
    assert "die JSON-Datei ist für andere Werkzeuge" in words


def searchable_lists():
    """Every admin list with a search box, by its address."""
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    ]


@pytest.mark.parametrize(
    ("headers", "name"), [({}, "Search"), (GERMAN, "Suchen")], ids=["en", "de"]
)
def test_every_admin_search_field_is_named_in_the_admin_s_language(
    django_user_model, headers, name
):
    """Django's own form named the field only by the magnifier's alt text, in English."""
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-1")
    client = Client(**headers)
    client.force_login(user)
    lists = searchable_lists()
    assert len(lists) >= 9  # the comments, posts, old links, spam rules, subscriptions, ...
    for url in lists:
        form = soup(client.get(url)).select_one("#changelist-search")
        assert form.select_one("#searchbar")["aria-label"] == name, url
        assert form.select_one("label[for=searchbar] img")["alt"] == "", url
