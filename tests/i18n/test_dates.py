"""Comment dates in the reader's language, with the ISO form and exact time unchanged."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from comments.dates import DateLabeler
from tests.factories import make_comment
from tests.html import soup

WHEN = datetime(2017, 9, 5, 21, 7, 3, tzinfo=UTC)


def labels(language, zone="UTC"):
    with translation.override(language):
        from django.utils import timezone

        with timezone.override(zone):
            return DateLabeler()(WHEN)[1:]


def test_english_and_german_dates():
    assert labels("en") == (
        "2017-09-05T21:07:03+00:00",
        "September 5, 2017 at 21:07",
        "2017-09-05 21:07:03 UTC",
    )
    assert labels("de") == (
        "2017-09-05T21:07:03+00:00",
        "5. September 2017 um 21:07",
        "2017-09-05 21:07:03 UTC",
    )


def test_the_local_day_is_labelled_in_the_site_time_zone():
    iso, readable, exact = labels("de", "Pacific/Auckland")
    assert iso == "2017-09-06T09:07:03+12:00"
    assert readable == "6. September 2017 um 09:07"
    assert exact == "2017-09-06 09:07:03 NZST"


def test_each_day_is_formatted_once(monkeypatch):
    from comments import dates

    calls = []
    real = dates.formats.date_format
    monkeypatch.setattr(dates.formats, "date_format", lambda *a: calls.append(a) or real(*a))
    label = DateLabeler()
    for minute in range(30):
        label(WHEN.replace(minute=minute))
    assert len(calls) == 1


@pytest.mark.django_db
def test_the_admin_writes_times_on_the_sites_24_hour_clock(admin_client, post):
    make_comment(post, author_name="Late", created_at=WHEN)
    row = soup(admin_client.get("/admin/comments/comment/")).select_one("#result_list tbody tr")
    cells = " ".join(row.get_text(" ", strip=True).split())
    assert "September 5, 2017, 21:07" in cells
    assert "p.m." not in cells
