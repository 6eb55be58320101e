"""The one write path for comments, used by the public form, the admin and tests."""

from dataclasses import replace

from django.conf import settings
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import antispam, moderation, submission
from .avatars import avatar_key
from .cache import discussions_changed
from .events import comments_event
from .locks import lock_new_threads, lock_thread, lock_thread_of, lock_threads
from .metrics import COMMENTS_WRITTEN, MODERATION_CHANGES, count_on_commit
from .models import Comment, CommentRevision
from .notifications.subscriptions import subscription_request
from .prior import prior_comments
from .signals import BUMPED_BY_CALLER
from .spamfilter import learning, rules
from .spamfilter import screening as screening_module
from .spamfilter.features import Signals
from .statements import StatementBatch
from .text import render_markdown
from .tree import place_reply, place_root, reply_parent
from .webhooks.dispatch import CREATED, event_for_status


class CommentRejected(ValidationError):
    """A comment that the rules of the post or the thread refuse. For a duplicate,
    ``comment_id`` is the stored comment it repeats."""

    comment_id = None


class AlreadySubmitted(Exception):
    """The same form was sent again (double click, refresh): its comment already exists."""

    def __init__(self, comment):
        super().__init__(f"Comment {comment.pk} was already created by this form.")
        self.comment = comment


def _refuse_resent_form(*, post, author_name, body, submission_key):
    if not submission_key:
        return
    earlier = submission.comment_for_key(submission_key)
    if earlier is None:
        return
    if submission.is_same_submission(earlier, post=post, author_name=author_name, body=body):
        raise AlreadySubmitted(earlier)
    # The same form sent with other text (back button, edit, resend).
    raise CommentRejected(
        _("This form was already used. Please post your comment again."),
        code="form_reused",
    )


def _refuse_repeats(prior, *, post, author_name, body, submission_key):
    """A form sent again, or the same text again (``prior``: what the stored comments said,
    ``comments.prior``): refused before anything is screened, rendered or locked.

    Twins that race past these checks together are still stopped: ``submission_key`` is
    unique, so the second insert fails (the view then answers with the first one's comment),
    and both reply into the same thread, whose lock lets one in at a time. Only the same text
    sent at the same instant from two different forms could pass twice."""
    if prior.earlier_id is not None:
        _refuse_resent_form(
            post=post, author_name=author_name, body=body, submission_key=submission_key
        )
    if prior.duplicate:
        # Perhaps this form's own twin, committed since the look above: lead to it instead.
        _refuse_resent_form(
            post=post, author_name=author_name, body=body, submission_key=submission_key
        )
        rejection = CommentRejected(antispam.DUPLICATE_MESSAGE, code="duplicate")
        rejection.comment_id = prior.duplicate_id
        raise rejection


def _replyable_parent(*, post, parent_id, shadowed=False):
    """Lock the parent's thread and return the parent as it is now, or refuse. ``shadowed``:
    the parent may also be one of its (shadow-banned) writer's own hidden comments."""
    refusal = CommentRejected(
        _("The comment you are replying to does not exist or can no longer be replied to."),
        code="invalid_parent",
    )
    if not lock_thread_of(parent_id, post_id=post.pk):
        raise refusal
    # Re-read under the lock: lft/rght may have moved, the status may have changed.
    parent = reply_parent(parent_id, post_id=post.pk, any_status=shadowed)
    if parent is None:
        raise refusal
    return parent


def comment_create(*, post, body, author_name, author_email="", author_url="", ip_address=None,
                   status=None, signals=None, submission_key="", reject_duplicates=False,
                   **fields):  # fmt: skip
    """Create a comment (a reply when ``parent_id`` is given) and return it.

    ``status`` defaults to what the moderators' rules, the spam filter and the moderation
    policy decide, in that order (``comments.spamfilter.screening``); a caller that gives a
    status (the admin, an import, a staff user) skips them. ``signals``: the behaviour the
    write path saw (``spamfilter.features.Signals``). Raises ``CommentRejected`` when the post
    is closed, a rule refuses the comment or the parent cannot be replied to; nothing is stored
    then (a refusing rule's hit is counted all the same, outside the refused write).
    ``submission_key`` (unique when given) marks the public form submission that made it: a
    second submission of the same form raises ``AlreadySubmitted`` with the first comment.
    ``reject_duplicates`` refuses the same text by the same author on the post recently.
    The other keyword arguments are ``_comment_write``'s.
    """
    if not moderation.post_accepts_comments(post):
        raise CommentRejected(_("Comments are closed on this post."), code="closed")
    prior = prior_comments(
        post=post,
        author_name=author_name,
        author_email=author_email,
        body=body,
        submission_key=submission_key,
        ask_known=status is None,
        ask_duplicate=reject_duplicates,
    )
    _refuse_repeats(
        prior, post=post, author_name=author_name, body=body, submission_key=submission_key
    )
    screening = known = None
    if status is None:
        known = prior.known_commenter
        signals = replace(signals or Signals(), first_time=not known)
        try:
            screening = screening_module.screen(
                body=body,
                author_name=author_name,
                author_email=author_email,
                author_url=author_url,
                ip_address=ip_address,
                signals=signals,
            )
        except screening_module.RuleRefusal as refusal:
            rules.record_hits(refusal.rules)
            raise CommentRejected(screening_module.REFUSED_MESSAGE, code="refused") from None
    return _comment_write(
        post=post,
        body=body,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        ip_address=ip_address,
        status=status,
        screening=screening,
        known_commenter=known,
        submission_key=submission_key,
        **fields,
    )


@transaction.atomic
def _comment_write(
    *,
    post,
    body,
    author_name,
    author_email="",
    author_url="",
    parent_id=None,
    ip_address=None,
    status=None,
    kind=Comment.Kind.COMMENT,
    created_at=None,
    submission_key="",
    notify_replies=False,
    notify_post=False,
    author_user=None,
    screening=None,
    known_commenter=None,
    shadowed_parents=frozenset(),
):
    """The write of ``comment_create``, in one transaction.

    ``screening``: the rules' and the filter's verdict, when the status is to be decided here;
    ``known_commenter``: whether the email has an approved comment, if already asked.
    ``submission_key``: the form submission's key, stored with the comment (unique).
    ``notify_replies`` subscribes ``author_email`` to the replies under this comment,
    ``notify_post`` to the post's new comments (double opt-in per address, see
    ``comments.notifications.subscriptions``).
    ``author_user``: the site user writing it (staff, logged in); on a post whose
    ``author_id`` is that user, the comment carries the "Author" badge.
    ``shadowed_parents``: the ids of the writer's own shadow-banned comments (their session's),
    which a reply that is shadow-banned too may answer: to its writer the thread looks
    published, and nobody else sees either.
    A visible comment's subscribers are notified by a task enqueued in this transaction.
    """
    # Everything that needs no lock comes first: the thread's lock is held until this
    # transaction commits, and every other writer in the thread waits that long. Moderation
    # policy, rendering the text and checking the fields depend on the comment alone, not on
    # the thread's current shape (earlier submissions were looked for before: comment_create).
    if status is None:
        status = moderation.initial_status(
            author_email=author_email, body=body, known_commenter=known_commenter
        )
        if screening is not None:
            status = screening.status(status)
    comment = Comment(
        post=post,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        ip_address=ip_address,
        body=body,
        body_html=render_markdown(body),
        created_at=created_at or timezone.now(),
        status=status,
        kind=kind,
        submission_key=submission_key,
        avatar_key=avatar_key(email=author_email, name=author_name),
        by_post_author=author_user is not None
        and getattr(post, "author_id", None) == author_user.pk,
    )
    if screening is not None:
        comment.spam_score = screening.score
        comment.spam_reasons = screening.reasons
    # The database enforces the constraints and the foreign keys: the post and the parent
    # (read under the thread lock below) need no second look-up each.
    comment.full_clean(
        exclude=["lft", "rght", "tree_id", "level", "post", "parent"],
        validate_unique=False,
        validate_constraints=False,
    )

    # Under the lock: only what must see the thread as it is now.
    if parent_id is not None:
        shadowed = screening is not None and screening.shadow_banned
        parent = _replyable_parent(
            post=post, parent_id=parent_id, shadowed=shadowed and parent_id in shadowed_parents
        )
    else:
        parent = None
        lock_new_threads()
    if parent is not None:
        comment.parent = parent
        # Numbered here, not by mptt's save(): into the parent's room when it has some
        # (comments.tree). The parent was read under the thread lock above.
        place_reply(comment, parent, last_end=parent.last_reply_end)
    else:
        place_root(comment)
    setattr(comment, BUMPED_BY_CALLER, True)  # bumped below, last
    comment.save()
    delattr(comment, BUMPED_BY_CALLER)  # a later save of this instance bumps as usual
    count_on_commit(COMMENTS_WRITTEN, source="service", status=comment.status)
    comment.shadow_banned = screening is not None and screening.shadow_banned
    # The writes that nothing below reads go to the database together, at the end: the
    # evidence, the notification task and the version (comments.statements).
    last_writes = StatementBatch()
    if screening is not None:
        screening_module.save_evidence(comment, screening, batch=last_writes)
    if not comment.shadow_banned:  # if it is, nobody hears of it: no mail, alert or webhook
        comments_event(
            CREATED,
            [comment.pk],
            status=comment.status,
            published=comment.status == Comment.Status.APPROVED and kind == Comment.Kind.COMMENT,
            held=comment.status == Comment.Status.PENDING,
            batch=last_writes,
        )
    # A comment judged spam (or shadow-banned) subscribes nobody: no confirmation mail goes
    # out on its word.
    subscribes = not comment.shadow_banned and comment.status != Comment.Status.SPAM
    if author_email and subscribes:
        if notify_replies:
            subscription_request(post=post, email=author_email, thread=comment)
        if notify_post:
            subscription_request(post=post, email=author_email)
    # Last: the post's version row stays locked from here to the commit.
    discussions_changed([post.pk], batch=last_writes)
    last_writes.send()
    return comment


def _lock_threads_of(comment_ids):
    """Lock every thread the comments belong to; return their ids that still exist."""
    rows = list(Comment.objects.filter(pk__in=comment_ids).values_list("pk", "tree_id"))
    lock_threads(tree_id for _, tree_id in rows)
    return [pk for pk, _ in rows]


def _comment_ids(comments):
    """Accept a queryset, model instances or plain ids."""
    if hasattr(comments, "values_list"):
        return list(comments.values_list("pk", flat=True))
    return [getattr(comment, "pk", comment) for comment in comments]


@transaction.atomic
def comments_moderate(*, comments, status, moderator, from_statuses=None):
    """Set ``status`` on the given comments; return how many actually changed.

    Comments already in ``status`` (or, with ``from_statuses``, in any other status) are left
    alone. Takes the locks of every affected thread, records the change in each comment's
    admin history under ``moderator`` and bumps the affected discussions' versions.
    Nothing is deleted: a hidden comment with visible replies stays as a placeholder.
    """
    status = Comment.Status(status)
    ids = _lock_threads_of(_comment_ids(comments))
    # Read the statuses under the locks: another moderator may just have changed them.
    targets = Comment.objects.filter(pk__in=ids).exclude(status=status)
    if from_statuses is not None:
        targets = targets.filter(status__in=list(from_statuses))
    changed = list(targets.only("pk", "post_id", "status", "author_name", "body"))
    if not changed:
        return 0
    Comment.objects.filter(pk__in=[comment.pk for comment in changed]).update(status=status)
    if moderator is not None:
        LogEntry.objects.log_actions(
            user_id=moderator.pk,
            queryset=changed,
            action_flag=CHANGE,
            # Stored as written, so in the moderator's language.
            change_message=_("Moderated: status set to %(status)s.") % {"status": status.label},
        )
    count_on_commit(MODERATION_CHANGES, len(changed), status=status.value)
    # Approving teaches the filter ham, marking as spam teaches spam, a reversal unlearns.
    learning.learn_statuses(comment_ids=[comment.pk for comment in changed])
    comments_event(
        event_for_status(status),
        [comment.pk for comment in changed],
        published=status == Comment.Status.APPROVED,
    )
    discussions_changed(comment.post_id for comment in changed)  # last: see comment_create
    return len(changed)


def comments_restore(*, comments, moderator):
    """Bring removed or spam comments back; pending ones still wait for an explicit approval."""
    return comments_moderate(
        comments=comments,
        status=Comment.Status.APPROVED,
        moderator=moderator,
        from_statuses=(Comment.Status.REMOVED, Comment.Status.SPAM),
    )


@transaction.atomic
def comment_edit(*, comment, fields):
    """Save a moderator's edit of ``fields`` (never the comment's place in the tree)."""
    fields = set(fields) - {"post", "parent", "lft", "rght", "tree_id", "level"}
    if not fields:
        return comment
    lock_thread(comment.tree_id)
    if "body" in fields:
        comment.body_html = render_markdown(comment.body)
        fields.add("body_html")
    comment.full_clean(
        exclude=["lft", "rght", "tree_id", "level"],
        validate_unique=False,
        validate_constraints=False,
    )
    comment.save(update_fields=sorted(fields))  # the post_save signal bumps the version
    if "status" in fields:
        count_on_commit(MODERATION_CHANGES, status=comment.status)
        learning.learn_statuses(comment_ids=[comment.pk])
        comments_event(
            event_for_status(comment.status),
            [comment.pk],
            published=comment.status == Comment.Status.APPROVED,
        )
    return comment


@transaction.atomic
def comments_delete(*, comments, moderator):
    """Hard-delete comments and, as django-mptt does, every reply below them.

    Only for an explicit admin delete; moderation itself never deletes. Returns how many
    comments were deleted, replies included.
    """
    ids = _lock_threads_of(_comment_ids(comments))
    # Every affected post's version first, in post order: each delete below bumps its post's
    # again, and two deletes across the same posts must not lock those rows in other orders.
    discussions_changed(
        Comment.objects.filter(pk__in=ids).values_list("post_id", flat=True).distinct()
    )
    deleted = 0
    # Tree order: an ancestor goes first and takes its selected descendants with it.
    for pk in (
        Comment.objects.filter(pk__in=ids).order_by("tree_id", "lft").values_list("pk", flat=True)
    ):
        comment = Comment.objects.filter(pk=pk).first()
        if comment is None:  # already gone with an ancestor deleted above
            continue
        size = comment.get_descendant_count() + 1
        if moderator is not None:
            LogEntry.objects.log_actions(
                user_id=moderator.pk,
                queryset=[comment],
                action_flag=DELETION,
                change_message=ngettext(
                    "Deleted with %(count)d reply.", "Deleted with %(count)d replies.", size - 1
                )
                % {"count": size - 1},
            )
        comment.delete()  # post_delete signals bump the version
        deleted += size
    return deleted


class NotEditable(Exception):
    """The comment can no longer be changed by its author (gone, hidden, or hidden meanwhile)."""


def _own_comment_under_lock(comment_id):
    """The author's comment, re-read under its thread's lock; ``NotEditable`` if it is gone."""
    if not lock_thread_of(comment_id):
        raise NotEditable(comment_id)
    comment = Comment.objects.filter(
        pk=comment_id,
        kind=Comment.Kind.COMMENT,
        status__in=[Comment.Status.APPROVED, Comment.Status.PENDING],
    ).first()
    if comment is None:
        raise NotEditable(comment_id)
    return comment


@transaction.atomic
def comment_author_edit(*, comment_id, body):
    """Its author's new text for a comment: keep the old version, render, moderate again.

    The moderation policy applies to the new text as to a new comment: an approved comment
    whose new text the policy would hold (more links, say) goes back to the queue; a held one
    stays held. The caller checks that the author may still edit (``comments.ownership``).
    """
    comment = _own_comment_under_lock(comment_id)
    if body == comment.body:
        return comment
    now = timezone.now()
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        body_html=comment.body_html,
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.edited_at = now
    fields = ["body", "body_html", "edited_at"]
    if comment.status == Comment.Status.APPROVED:
        status = moderation.initial_status(author_email=comment.author_email, body=body)
        if status != comment.status:
            comment.status = status
            fields.append("status")
    comment.save(update_fields=fields)  # the post_save signal bumps the version
    if "status" in fields:
        # Back in the queue: the moderators who asked for alerts hear of it like a new one.
        comments_event(None, [comment.pk], held=True)
    return comment


@transaction.atomic
def comment_author_delete(*, comment_id):
    """Its author takes a comment back: removed as a moderator removes it (a placeholder keeps
    its replies' place), so it can still be restored from the admin."""
    comment = _own_comment_under_lock(comment_id)
    comments_moderate(comments=[comment.pk], status=Comment.Status.REMOVED, moderator=None)


def reply_as_author_name(post, user):
    """The public name of a moderator's reply "as the post's author": the post's author name,
    else the moderator's full name, else the site's name; never a login name, which would
    be published, and sent in the reply mails."""
    name = getattr(post, "author_name", "").strip() or user.get_full_name().strip()
    if name:
        return name
    # Stored with the comment, so in the site's language, not the moderator's.
    with translation.override(settings.LANGUAGE_CODE):
        return _("The Blog")


# How a moderator may answer a comment as the post's author (``author_reply_kind``).
REPLY = "reply"
APPROVE_AND_REPLY = "approve_and_reply"


def author_reply_kind(comment):
    """How a moderator may answer ``comment`` as the post's author, or None.

    A comment readers see takes a plain reply. A held one takes "approve and reply" (as in
    WordPress): a reply under a comment nobody sees would be hidden with it. Spam, a removed
    comment or a pingback take none: answering one would publish an answer to nothing."""
    if comment is None or comment.kind != Comment.Kind.COMMENT:
        return None
    if comment.status == Comment.Status.APPROVED:
        return REPLY
    if comment.status == Comment.Status.PENDING:
        return APPROVE_AND_REPLY
    return None


@transaction.atomic
def comment_reply_as_author(*, post, parent_id, body, user, approve_parent=False):
    """A moderator's reply published at once under ``reply_as_author_name``, with their own
    address (never shown). It carries the "Author" badge only when they wrote the post.

    ``approve_parent``: the parent is held, and approved first, as the admin's approve action
    approves it (its history, the filter's learning, the notifications and webhooks of an
    approval). Only a held parent is approved; if the reply is then refused, the approval is
    undone with it, so the moderator's decision is all or nothing."""
    if approve_parent:
        comments_moderate(
            comments=Comment.objects.filter(pk=parent_id, post=post, kind=Comment.Kind.COMMENT),
            status=Comment.Status.APPROVED,
            moderator=user,
            from_statuses=(Comment.Status.PENDING,),
        )
    return comment_create(
        post=post,
        parent_id=parent_id,
        body=body,
        author_name=reply_as_author_name(post, user),
        author_email=user.email,
        author_user=user,
        status=Comment.Status.APPROVED,
    )
