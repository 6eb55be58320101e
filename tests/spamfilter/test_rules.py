"""The moderators' rules: each kind, each action, the normalisation tricks, and one query
whatever their number."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.spamfilter.models import SpamRule
from comments.spamfilter.rules import matching_rules
from tests.html import soup

from .helpers import post_comment

pytestmark = pytest.mark.django_db

Kind, Action = SpamRule.Kind, SpamRule.Action


def rule(kind, pattern, action=Action.HOLD):
    return SpamRule.objects.create(kind=kind, pattern=pattern, action=action)


@pytest.mark.parametrize(
    ("action", "status"),
    [(Action.HOLD, Comment.Status.PENDING), (Action.SPAM, Comment.Status.SPAM)],
)
def test_hold_and_spam_rules_set_the_status_and_count_the_hit(client, post, action, status):
    blocked = rule(Kind.WORD, "casino bonus", action)
    _, comment = post_comment(client, post, body="Best CASINO   bonus here!")
    assert comment.status == status
    assert "rule:word:casino bonus" in comment.spam_reasons
    blocked.refresh_from_db()
    assert blocked.hits == 1
    assert blocked.last_hit_at is not None


def test_a_refusing_rule_gives_a_form_error_stores_nothing_and_counts_the_hit(client, post):
    blocked = rule(Kind.WORD, "casino", Action.REFUSE)
    response, comment = post_comment(client, post, body="Visit my casino today")
    assert response.status_code == 200
    assert comment is None
    errors = soup(response).select_one("#respond .form-errors").get_text()
    assert "matches a rule of this site" in errors
    assert "Visit my casino today" in soup(response).select_one("#respond textarea").get_text()
    blocked.refresh_from_db()
    assert blocked.hits == 1


@pytest.mark.parametrize(
    "body",
    [
        "Cheap VIAGRA here",
        "Cheap Viágra here",
        "Cheap v\u200biagra here",
        "Cheap ｖｉａｇｒａ here",
        "Cheap vіаgrа here",  # Cyrillic і and а
    ],
)
def test_words_match_through_the_normalisation_tricks(client, post, body):
    rule(Kind.WORD, "viagra")
    assert post_comment(client, post, body=body)[1].status == Comment.Status.PENDING


def test_words_match_whole_words_only(client, post):
    rule(Kind.WORD, "ass")
    assert post_comment(client, post, body="A classic passage")[1].status == "approved"
    assert post_comment(client, post, body="What an ass!")[1].status == "pending"


def test_words_in_the_authors_name_count(client, post):
    rule(Kind.WORD, "cheap pills", Action.SPAM)
    _, comment = post_comment(client, post, name="Cheap Pills Online", body="Hello")
    assert comment.status == Comment.Status.SPAM


@pytest.mark.parametrize(
    ("pattern", "email", "matched"),
    [
        ("spam@example.org", "SPAM@Example.org", True),
        ("spam@example.org", "other@example.org", False),
        ("@example.org", "anyone@example.org", True),
        ("example.org", "anyone@mail.example.org", True),
        ("example.org", "anyone@example.org.evil.net", False),
        # Characters that PostgreSQL's array syntax reads specially
        ("o'brien+{x}@example.org", "O'Brien+{x}@example.org", True),
        ('"a\\b"@example.org', '"a\\b"@example.org', True),
    ],
)
def test_email_rules_match_addresses_and_domains(client, post, pattern, email, matched):
    rule(Kind.EMAIL, pattern)
    _, comment = post_comment(client, post, email=email)
    assert (comment.status == Comment.Status.PENDING) is matched


@pytest.mark.parametrize("pattern", ["ann @example.org", "ann\n@example.org", "ann\t@example.org"])
def test_an_email_rule_with_a_space_is_refused(pattern):
    with pytest.raises(ValidationError):
        SpamRule.normalised(Kind.EMAIL, pattern)


@pytest.mark.parametrize(
    ("pattern", "address", "matched"),
    [
        ("203.0.113.7", "203.0.113.7", True),
        ("203.0.113.0/24", "203.0.113.200", True),
        ("203.0.113.0/24", "203.0.114.1", False),
        ("2001:db8::/32", "2001:db8:1234::5", True),
        ("2001:db8::/32", "2001:db9::1", False),
        ("2001:db8::1", "2001:db8::1", True),
    ],
)
def test_ip_rules_match_addresses_and_ranges(client, post, pattern, address, matched):
    rule(Kind.IP, pattern)
    client.defaults["REMOTE_ADDR"] = address
    _, comment = post_comment(client, post)
    assert (comment.status == Comment.Status.PENDING) is matched


@pytest.mark.parametrize(
    ("fields", "matched"),
    [
        ({"body": "see https://www.shop.example.net/deal"}, True),
        ({"body": "see shop.example.net for more"}, True),
        ({"url": "https://example.net/me"}, True),
        ({"body": "see https://example.com"}, False),
    ],
)
def test_website_rules_match_links_and_the_authors_website(client, post, fields, matched):
    rule(Kind.WEBSITE, "example.net")
    _, comment = post_comment(client, post, **fields)
    assert (comment.status == Comment.Status.PENDING) is matched


def test_the_strongest_action_wins(client, post):
    rule(Kind.WORD, "casino", Action.HOLD)
    rule(Kind.EMAIL, "example.com", Action.SPAM)
    assert post_comment(client, post, body="casino")[1].status == Comment.Status.SPAM


def test_ten_thousand_rules_are_checked_in_one_query(client, post, django_assert_num_queries):
    rules = []
    for i in range(2500):
        rules += [
            SpamRule.build(kind=Kind.WORD, pattern=f"word{i} phrase", action=Action.SPAM),
            SpamRule.build(kind=Kind.EMAIL, pattern=f"user{i}@spam{i}.example", action="spam"),
            SpamRule.build(kind=Kind.IP, pattern=f"10.{i // 250}.{i % 250}.0/24", action="spam"),
            SpamRule.build(kind=Kind.WEBSITE, pattern=f"site{i}.example.com", action="spam"),
        ]
    SpamRule.objects.bulk_create(rules)
    assert SpamRule.objects.count() == 10_000
    long_text = " ".join(f"word{i}" for i in range(1500))  # 7,500 phrases to look up
    with CaptureQueriesContext(connection) as queries:
        match = matching_rules(
            body=long_text + " word7 phrase see site42.example.com",
            author_email="user9@spam9.example",
            ip_address="10.0.3.9",
        )
    assert len(queries) == 1
    assert sorted(r.pattern for r in match.rules) == [
        "10.0.3.0/24", "site42.example.com", "user9@spam9.example", "word7 phrase",
    ]  # fmt: skip


def test_a_moderator_adds_a_rule_in_the_admin(moderator_client):
    add = reverse("admin:comments_spamrule_add")
    response = moderator_client.post(add, {"kind": "ip", "pattern": "2001:db8::/32",
                                           "action": "shadow", "note": ""})  # fmt: skip
    assert response.status_code == 302
    assert SpamRule.objects.get().value == "2001:db8::/32"
    response = moderator_client.post(add, {"kind": "ip", "pattern": "2001:db8:0::/32",
                                           "action": "hold", "note": ""})  # fmt: skip
    assert "A rule for this already exists." in response.content.decode()
    response = moderator_client.post(add, {"kind": "ip", "pattern": "10.0.0.300",
                                           "action": "hold", "note": ""})  # fmt: skip
    assert "Enter an IP address or a range" in response.content.decode()
    assert SpamRule.objects.count() == 1


def test_staff_without_the_permissions_see_no_rules(django_user_model, client):
    staff = django_user_model.objects.create_user("staff", password="pw-staff-1", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:comments_spamrule_changelist")).status_code == 403
