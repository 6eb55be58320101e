"""``manage.py spamfilter evaluate`` on a small labelled fixture of our own."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.spamfilter.models import SpamFeatureCount

FIXTURES = Path(__file__).parent / "fixtures"
TRAIN = str(FIXTURES / "train.csv")
STREAM = str(FIXTURES / "stream.csv")


def evaluate(*args):
    out = StringIO()
    call_command("spamfilter", "evaluate", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_the_last_line_has_the_exact_format_and_figures():
    lines = evaluate("--train", TRAIN, "--stream", STREAM)
    # s1 (spam like the training spam) is caught; s2 and s3 (garden talk) are published;
    # s4 ("Nice video", spam with no word the model knows as spam) is published.
    assert lines[-1] == (
        "ham_to_spam=0.000 ham_held=0.000 spam_published=0.500 spam_caught=0.500 n=4"
    )
    assert lines[0] == f"{STREAM}: {lines[-1]}"


@pytest.mark.django_db
def test_it_never_touches_the_sites_model():
    evaluate("--train", TRAIN, "--stream", STREAM)
    assert not SpamFeatureCount.objects.exists()


@pytest.mark.django_db
def test_the_stream_is_learned_as_it_goes():
    # Streamed twice, the second pass meets "Nice video" learned as spam: held, not published
    # (its words, learned from one comment, do not vote yet; its shape, short, leans to spam).
    lines = evaluate("--train", TRAIN, "--stream", STREAM, STREAM)
    assert lines == [
        f"{STREAM}: ham_to_spam=0.000 ham_held=0.000 spam_published=0.500 spam_caught=0.500 n=4",
        f"{STREAM}: ham_to_spam=0.000 ham_held=0.000 spam_published=0.000 spam_caught=0.500 n=4",
        "ham_to_spam=0.000 ham_held=0.000 spam_published=0.250 spam_caught=0.500 n=8",
    ]


def test_a_file_without_the_columns_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n1,hello\n")
    with pytest.raises(CommandError, match="missing column"):
        evaluate("--train", str(bad), "--stream", STREAM)


def test_a_bad_label_names_its_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n1,A,2024,hello,0\n2,B,2024,hi,yes\n")
    with pytest.raises(CommandError, match="line 3: CLASS must be 0 or 1"):
        evaluate("--train", str(bad), "--stream", STREAM)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        evaluate("--train", str(tmp_path / "none.csv"), "--stream", STREAM)
