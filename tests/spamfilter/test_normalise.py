"""The one normal form rules and features are matched in: look-alikes read the same."""

import pytest

from comments.spamfilter.normalise import normalise, words


@pytest.mark.parametrize(
    "tricked",
    [
        "VIAGRA",  # case
        "Viágra",  # an accent
        "v\u200biagra",  # a zero-width space inside
        "vi\u00adagra",  # a soft hyphen inside
        "ｖｉａｇｒａ",  # fullwidth letters
        "vіаgrа",  # Cyrillic і and а
        "𝐯𝐢𝐚𝐠𝐫𝐚",  # mathematical bold
        "v\u0069\u0301agra",  # a combining accent
    ],
)
def test_look_alike_spellings_read_as_the_plain_word(tricked):
    assert words(normalise(tricked)) == ["viagra"]


def test_other_words_stay_apart():
    assert words(normalise("Viagras and the via gra")) == ["viagras", "and", "the", "via", "gra"]


def test_ascii_text_reads_as_the_full_unicode_pass_reads_it():
    """ASCII takes a short way (lower case only); one accented letter sends the same text
    the long way, through NFKC, casefolding, NFKD and the invisible and look-alike passes."""
    every_ascii = "".join(chr(code) for code in range(128))
    assert normalise(every_ascii + "é") == normalise(every_ascii) + "e"
    assert normalise("Buy CHEAP Pills, NOW!") == "buy cheap pills, now!"
