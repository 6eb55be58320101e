"""Counted phrases of the discussion: the language's plural and number format, once per count."""

from django.utils import translation

from comments.labels import count_labels


def test_counts_in_english_and_german():
    with translation.override("en"):
        labels = count_labels()
        assert [labels["replies"][n] for n in (1, 2, 1234)] == [
            "1 reply",
            "2 replies",
            "1,234 replies",
        ]
        assert labels["continue_thread"][3] == "Continue this thread (3 replies) →"
    with translation.override("de"):
        labels = count_labels()
        assert [labels["replies"][n] for n in (1, 2, 1234)] == [
            "1 Antwort",
            "2 Antworten",
            "1.234 Antworten",
        ]
        assert labels["continue_thread"][1] == "Diesen Thread weiterlesen (1 Antwort) →"


def test_each_count_is_translated_once(monkeypatch):
    calls = []
    monkeypatch.setattr("comments.labels.ngettext", lambda s, p, n: calls.append(n) or s)
    replies = count_labels()["replies"]
    for n in [3, 1, 3, 3, 1, 7] * 100:
        replies[n]
    assert sorted(calls) == [1, 3, 7]
