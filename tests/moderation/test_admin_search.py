"""The moderators' search: people fields by substring, text by words, every status, served by
indexes, with a bounded count."""

import pytest
from django.db import connection

from comments import admin_search
from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup

from .conftest import CHANGELIST

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the admin's own search runs on SQLite"
    ),
]


def found(client, term):
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return {int(box["value"]) for box in soup(response).select("#result_list input.action-select")}


@pytest.fixture
def people(post):
    return {
        "zelda": make_comment(
            post,
            author_name="Princess Zelda",
            author_email="zelda@hyrule.example",
            author_url="https://hyrule.example/blog",
            ip_address="203.0.113.77",
            body="Playing the ocarina in the evenings.",
            status="pending",
        ),
        "link": make_comment(
            post,
            author_name="Link",
            author_email="link@kokiri.example",
            ip_address="2001:db8::5",
            body="The forest temple was hard.",
            status="spam",
        ),
        "ganon": make_comment(
            post, author_name="G. 100%_sure", author_email="g@example.com", body="Power."
        ),
    }


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("zelda", {"zelda"}),  # part of a name and an email, any case
        ("ZELDA@HYRULE", {"zelda"}),
        ("hyrule.example/bl", {"zelda"}),  # part of a website
        ("203.0.113.", {"zelda"}),  # the start of an IP address
        ("2001:db8::5", {"link"}),
        ("ocarinas", {"zelda"}),  # a word of the text, by its stem
        ("temple forest", {"link"}),  # all the words, in any order
        ("example", {"zelda", "link", "ganon"}),
        ("100%_", {"ganon"}),  # % and _ are the characters themselves
        ("0%", {"ganon"}),
        ("nothing-like-it", set()),
    ],
)
def test_finds_people_by_any_part_and_text_by_words_in_every_status(
    moderator_client, people, term, expected
):
    assert found(moderator_client, term) == {people[name].pk for name in expected}


def test_the_search_keeps_the_other_filters(moderator_client, people):
    response = moderator_client.get(CHANGELIST, {"q": "example", "status__exact": "spam"})
    ids = {int(b["value"]) for b in soup(response).select("#result_list input.action-select")}
    assert ids == {people["link"].pk}


def plan_of(queryset):
    with connection.cursor() as cursor:
        # A test table is tiny: make PostgreSQL show whether it *can* look the terms up in the
        # indexes at all (not read the table, nor walk another index in order).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_both_halves_of_the_search_are_served_by_their_indexes(people):
    plan = plan_of(admin_search.comments_found(Comment.objects.order_by(), "zelda"))
    assert "comment_people_trgm_idx" in plan and "comment_search_idx" in plan
    assert "Seq Scan" not in plan


def test_the_count_stops_at_the_cap_and_says_more_than(moderator_client, post, monkeypatch):
    monkeypatch.setattr(admin_search, "SEARCH_COUNT_CAP", 3)
    for n in range(5):
        make_comment(post, author_name=f"Sheik {n}", body=f"Comment {n}")
    page = soup(moderator_client.get(CHANGELIST, {"q": "sheik"}))
    assert "more than 3 results" in page.select_one("#changelist-search").get_text(" ")
    assert "more than 3 comments" in page.select_one("p.paginator").get_text(" ")
    exact = soup(moderator_client.get(CHANGELIST, {"q": "Sheik 4"}))
    assert "1 result" in exact.select_one("#changelist-search").get_text(" ")
    assert "1 comment" in exact.select_one("p.paginator").get_text(" ")


def test_a_search_counts_to_a_lower_cap_than_the_queue(moderator_client, post, monkeypatch):
    """The queue's rows are counted from an index; a search checks each match it counts, so
    it stops sooner."""
    monkeypatch.setattr(admin_search, "COUNT_CAP", 4)
    monkeypatch.setattr(admin_search, "SEARCH_COUNT_CAP", 2)
    for n in range(6):
        make_comment(post, author_name=f"Impa {n}", body=f"Comment {n}")
    queue = soup(moderator_client.get(CHANGELIST))
    assert "more than 4 comments" in queue.select_one("p.paginator").get_text(" ")
    found = soup(moderator_client.get(CHANGELIST, {"q": "impa"}))
    assert "more than 2 results" in found.select_one("#changelist-search").get_text(" ")
    assert "more than 2 comments" in found.select_one("p.paginator").get_text(" ")
    blank = soup(moderator_client.get(CHANGELIST, {"q": "  "}))
    assert "more than 4 comments" in blank.select_one("p.paginator").get_text(" ")
