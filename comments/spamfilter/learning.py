"""What the filter learns from moderators' decisions, from stored statuses, and its reset.

A comment approved teaches ham, one marked spam teaches spam; any other status teaches
nothing. ``SpamEvidence.learned`` remembers what a comment taught, so a reversed decision
first takes back what was learned (spam → approved: one spam less, one ham more) and a
decision repeated teaches nothing twice. Each call is a bounded, incremental update: a few
queries for any number of comments, never a retraining.
"""

from collections import defaultdict

from django.db import transaction

from . import store
from .models import TOTALS_KEY, SpamEvidence
from .screening import features_of

LEARNED_FROM_STATUS = {"approved": SpamEvidence.Learned.HAM, "spam": SpamEvidence.Learned.SPAM}


def _missing_evidence(comment_ids):
    """Evidence for comments that have none (imported, or written before the filter)."""
    from ..models import Comment

    have = set(
        SpamEvidence.objects.filter(comment_id__in=comment_ids).values_list("comment_id", flat=True)
    )
    missing = [pk for pk in comment_ids if pk not in have]
    if not missing:
        return
    rows = Comment.objects.filter(pk__in=missing, status__in=list(LEARNED_FROM_STATUS)).only(
        "pk", "body", "author_name", "author_email", "author_url"
    )
    SpamEvidence.objects.bulk_create(
        [
            SpamEvidence(
                comment_id=row.pk,
                features=sorted(
                    features_of(
                        body=row.body,
                        author_name=row.author_name,
                        author_email=row.author_email,
                        author_url=row.author_url,
                    )
                ),
            )
            for row in rows
        ],
        ignore_conflicts=True,  # a concurrent learner made it first: same features
    )


def _add(deltas, keys, label, sign):
    column = 0 if label == SpamEvidence.Learned.SPAM else 1
    for key in (TOTALS_KEY, *keys):
        deltas[key][column] += sign


@transaction.atomic
def learn_statuses(*, comment_ids):
    """Bring what the filter learned from ``comment_ids`` in line with their statuses now.

    Returns how many comments taught something new. Locks their evidence rows (in id
    order), then adds to the counts in key order (``store.add_counts``).
    """
    ids = sorted({int(pk) for pk in comment_ids})
    if not ids:
        return 0
    _missing_evidence(ids)
    evidence = list(
        SpamEvidence.objects.filter(comment_id__in=ids)
        .select_for_update(of=("self",))
        .select_related("comment")
        .only("comment_id", "features", "learned", "comment__status")
        .order_by("comment_id")
    )
    deltas = defaultdict(lambda: [0, 0])
    changed = []
    for item in evidence:
        target = LEARNED_FROM_STATUS.get(item.comment.status, SpamEvidence.Learned.NOTHING)
        if item.learned == target:
            continue
        if item.learned:
            _add(deltas, item.features, item.learned, -1)
        if target:
            _add(deltas, item.features, target, +1)
        item.learned = target
        changed.append(item)
    store.add_counts(deltas)
    SpamEvidence.objects.bulk_update(changed, ["learned"], batch_size=1000)
    return len(changed)


@transaction.atomic
def reset_model():
    """Forget everything learned; every comment may teach again (``spamfilter train``)."""
    store.reset()
    return SpamEvidence.objects.exclude(learned="").update(learned="")
