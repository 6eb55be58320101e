"""What the filter reads in a comment's text, and which counts are allowed to vote."""

from comments.spamfilter import classifier
from comments.spamfilter.features import STEM, spelled_out, stem, text_features


def words_of(body):
    return {f for f in text_features(body) if f.startswith("w:")}


def test_the_forms_of_a_word_share_one_feature():
    forms = ["Subscribe", "subscribers", "SUBSCRIBED", "subscribing"]
    assert {frozenset(words_of(form)) for form in forms} == {frozenset({"w:subscri"})}
    assert stem("channels") == stem("channel") == "channel"
    assert len(stem("a" * 30)) == STEM


def test_reasons_show_the_words_the_comment_used_not_their_stems():
    body = "Subscribers wanted! Subscribe to my channel at promo.example.com"
    feats = text_features(body)
    assert {"w:subscri", "b:subscri wanted", "d:promo.example.com"} <= feats
    assert spelled_out(
        ["w:subscri", "b:subscri wanted", "d:promo.example.com", "w:<num>"], body
    ) == [
        "w:subscribers",  # the first form the comment used
        "b:subscribers wanted",
        "d:promo.example.com",
        "w:<num>",
    ]


def test_a_lone_latin_letter_is_no_word_but_stays_in_its_pairs():
    feats = text_features("PSY - GANGNAM STYLE M/V u 2 好")
    assert words_of("PSY - GANGNAM STYLE M/V u 2 好") == {
        "w:psy",
        "w:gangnam",
        "w:style",
        "w:<num>",
        "w:好",  # one character of a script without spaces is a word
    }
    assert {"b:m v", "b:v u", "b:u 2"} <= feats


def test_a_word_or_pair_learned_once_does_not_vote():
    # 10 spam and 10 ham learned; "prize" was in one spam comment only.
    once = {"w:prize": (1, 0)}
    assert classifier.score({"w:prize"}, once, 10, 10) == classifier.Verdict(0.5, [])
    twice = {"w:prize": (2, 0)}
    verdict = classifier.score({"w:prize"}, twice, 10, 10)
    assert verdict.score > 0.5
    assert verdict.reasons == [("w:prize", 0.833)]


def test_a_domain_votes_from_its_first_sighting():
    once = {"d:promo.example.com": (1, 0)}
    verdict = classifier.score({"d:promo.example.com"}, once, 10, 10)
    assert verdict.score > 0.5
    assert verdict.reasons == [("d:promo.example.com", 0.75)]
