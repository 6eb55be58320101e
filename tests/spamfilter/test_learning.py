"""The filter learns from every moderation decision, unlearns a reversed one, and can be
trained from stored statuses and reset."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_edit, comments_moderate
from comments.spamfilter import store
from comments.spamfilter.models import SpamEvidence, SpamFeatureCount, SpamRule
from comments.spamfilter.screening import screen
from tests.factories import make_comment
from tests.html import soup
from tests.moderation.conftest import run_action

from .helpers import HAM_TEXTS, NEW_HAM, NEW_SPAM, SPAM_TEXTS, held_comments, post_comment

pytestmark = pytest.mark.django_db


def snapshot():
    return dict(SpamFeatureCount.objects.exclude(spam=0, ham=0).values_list("key", "spam"))


@pytest.fixture
def taught(post, moderator_client):
    """A model taught by a moderator in the queue: four spam, four ham."""
    spam = held_comments(post, SPAM_TEXTS)
    ham = held_comments(post, HAM_TEXTS)
    run_action(moderator_client, "mark_as_spam", spam)
    run_action(moderator_client, "approve_comments", ham)
    return spam, ham


def test_an_untrained_filter_scores_nothing(client, post):
    _, comment = post_comment(client, post, body=NEW_SPAM)
    assert comment.status == Comment.Status.APPROVED
    assert comment.spam_score is None


def test_a_comment_like_those_marked_spam_is_held_or_stored_as_spam(client, post, taught):
    assert store.totals() == (4, 4)
    _, spam = post_comment(client, post, body=NEW_SPAM)
    assert spam.status in (Comment.Status.SPAM, Comment.Status.PENDING)
    assert spam.spam_score > 0.5
    assert len(spam.spam_reasons) == 5, spam.spam_reasons  # its strongest reasons, stored
    _, ham = post_comment(client, post, body=NEW_HAM, name="Eve", email="eve@example.com")
    assert ham.status == Comment.Status.APPROVED
    assert ham.spam_score < 0.5


def test_the_rules_and_the_filter_are_read_in_one_statement(post, taught):
    SpamRule.objects.create(kind=SpamRule.Kind.WORD, pattern="pharmacy", action="hold")
    with CaptureQueriesContext(connection) as queries:
        screening = screen(
            body=NEW_SPAM + " pharmacy",
            author_name="Bot",
            author_email="bot@example.net",
            author_url="",
            ip_address="203.0.113.9",
        )
    assert len(queries) == 1
    assert screening.rule_action == SpamRule.Action.HOLD
    assert screening.reasons[0] == "rule:word:pharmacy"
    assert screening.score > 0.5
    assert len(screening.feature_keys) > 5


def test_the_thresholds_decide_spam_hold_or_publish(client, post, taught, settings):
    settings.COMMENTS_SPAM_THRESHOLD = 0.0
    assert post_comment(client, post, body=NEW_SPAM)[1].status == Comment.Status.SPAM
    settings.COMMENTS_SPAM_THRESHOLD = 1.01
    settings.COMMENTS_HOLD_THRESHOLD = 0.0
    body = NEW_SPAM + " again"
    assert post_comment(client, post, body=body)[1].status == Comment.Status.PENDING
    settings.COMMENTS_HOLD_THRESHOLD = 1.0
    body = NEW_SPAM + " once more"
    assert post_comment(client, post, body=body)[1].status == Comment.Status.APPROVED


def test_the_switch_turns_scoring_off(client, post, taught, settings):
    settings.COMMENTS_SPAM_FILTER_ENABLED = False
    _, comment = post_comment(client, post, body=NEW_SPAM)
    assert comment.status == Comment.Status.APPROVED
    assert comment.spam_score is None


def test_unlearning_restores_the_model(post, moderator_client, taught):
    spam, ham = taught
    before_any = snapshot()
    # Reverse every decision: the spam approved, the ham marked as spam...
    run_action(moderator_client, "approve_comments", spam)
    run_action(moderator_client, "mark_as_spam", ham)
    assert store.totals() == (4, 4)
    # ... and back: the counts are exactly what they were.
    run_action(moderator_client, "mark_as_spam", spam)
    run_action(moderator_client, "approve_comments", ham)
    assert snapshot() == before_any


def test_a_reversed_decision_no_longer_holds_its_like(client, post, moderator_client, taught):
    spam, ham = taught
    run_action(moderator_client, "restore_comments", spam)  # spam → approved: now ham
    assert store.totals() == (0, 8)
    _, comment = post_comment(client, post, body=NEW_SPAM)
    assert comment.status == Comment.Status.APPROVED
    assert comment.spam_score is None  # no spam learned: nothing to compare with


def test_a_decision_repeated_teaches_nothing_twice(post, moderator_client, taught):
    spam, _ = taught
    before = snapshot()
    run_action(moderator_client, "mark_as_spam", spam)
    assert snapshot() == before
    assert store.totals() == (4, 4)


def test_removing_or_holding_again_unlearns(post, moderator, taught):
    spam, ham = taught
    comments_moderate(comments=spam[:1], status=Comment.Status.REMOVED, moderator=moderator)
    comment = Comment.objects.get(pk=ham[0].pk)
    comment.status = Comment.Status.PENDING
    comment_edit(comment=comment, fields=["status"])
    assert store.totals() == (3, 3)
    assert SpamEvidence.objects.get(comment=spam[0]).learned == ""


def test_every_entry_point_learns_once(post, moderator_client):
    row, thread, link, edited = held_comments(post, SPAM_TEXTS)
    # The queue's one-click button, as the page renders it.
    page = soup(moderator_client.get(reverse("admin:comments_comment_changelist")))
    button = page.select_one(f"button[aria-label='Mark comment #{row.pk} as spam']")
    moderator_client.post(button["formaction"])
    # The thread view's action.
    moderator_client.post(
        reverse("admin:comments_comment_thread", args=[thread.pk]),
        {"action": "mark_as_spam", "_selected_action": [thread.pk]},
    )
    # A moderator alert's link: the decide page's POST.
    moderator_client.post(reverse("admin:comments_comment_decide", args=[link.pk, "spam"]))
    # The change form.
    change = reverse("admin:comments_comment_change", args=[edited.pk])
    form = {f["name"]: f.get("value", "") for f in soup(moderator_client.get(change)).select(
        "#comment_form input[name], #comment_form textarea[name]")}  # fmt: skip
    form.update({"status": "spam", "body": edited.body, "author_name": edited.author_name})
    moderator_client.post(change, form)
    assert set(Comment.objects.values_list("status", flat=True)) == {"spam"}
    assert store.totals() == (4, 0)
    assert set(SpamEvidence.objects.values_list("learned", flat=True)) == {"spam"}


def test_train_learns_stored_statuses_once(post):
    for text in SPAM_TEXTS:
        make_comment(post, body=text, status=Comment.Status.SPAM)
    for text in HAM_TEXTS:
        make_comment(post, body=text, status=Comment.Status.APPROVED)
    make_comment(post, body="Still waiting", status=Comment.Status.PENDING)

    out = StringIO()
    call_command("spamfilter", "train", "--dry-run", stdout=out)
    assert out.getvalue() == "would learn up to 8 comments (dry run)\n"
    assert store.totals() == (0, 0)

    out = StringIO()
    call_command("spamfilter", "train", stdout=out)
    assert out.getvalue() == "learned 8 comments; the model knows 4 spam, 4 ham\n"
    out = StringIO()
    call_command("spamfilter", "train", stdout=out)
    assert out.getvalue() == "learned 0 comments; the model knows 4 spam, 4 ham\n"


def test_reset_forgets_and_training_again_relearns(post, taught):
    out = StringIO()
    call_command("spamfilter", "reset", "--dry-run", stdout=out)
    assert out.getvalue() == "would forget 4 spam and 4 ham (dry run)\n"
    assert store.totals() == (4, 4)
    call_command("spamfilter", "reset", stdout=StringIO())
    assert store.totals() == (0, 0)
    assert not SpamFeatureCount.objects.exists()
    call_command("spamfilter", "train", stdout=StringIO())
    assert store.totals() == (4, 4)


def test_a_moderator_resets_the_model_in_the_admin(moderator_client, taught):
    rules = reverse("admin:comments_spamrule_changelist")
    page = soup(moderator_client.get(rules))
    assert "4 spam and 4 approved" in page.select_one(".spam-model").get_text()
    form = page.select_one(".spam-model form")
    response = moderator_client.post(form["action"])
    assert response.status_code == 302
    assert store.totals() == (0, 0)


def test_resetting_needs_a_post_and_the_permissions(django_user_model, taught):
    url = reverse("admin:comments_spamrule_reset_model")
    staff = django_user_model.objects.create_user("staff", password="pw-staff-1", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.post(url).status_code == 403
    assert store.totals() == (4, 4)
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(django_user_model.objects.get(username="mod"))
    assert checked.post(url).status_code == 403  # no CSRF token
    assert checked.get(url).status_code == 405
    assert store.totals() == (4, 4)


def test_a_word_learned_from_one_spam_alone_does_not_hold_a_comment(
    client, post, moderator_client, taught
):
    # "money" and "fast" were in one of the four spam comments only: chance, not evidence.
    _, comment = post_comment(client, post, body="Money talks, fast", name="Ida")
    assert comment.status == Comment.Status.APPROVED
    assert not [r for r in comment.spam_reasons if r.startswith(("w:money", "w:fast"))]
    assert comment.spam_score < 0.5, comment.spam_reasons
    # Learned a second time, from a second spam comment, the words count.
    row = held_comments(post, ["Fast money for everyone at http://promo.example.com"])
    run_action(moderator_client, "mark_as_spam", row)
    _, again = post_comment(client, post, body="Money talks, fast!", name="Ida")
    assert {"w:money (0.83)", "w:fast (0.83)"} <= set(again.spam_reasons)
    assert again.spam_score > 0.5, again.spam_reasons
