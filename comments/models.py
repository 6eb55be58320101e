from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import MD5, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

http_url_validator = URLValidator(schemes=["http", "https"])


# The moderation queue's sort key: pending comments (0) before everything else (1). The
# queue's index is built on this exact expression so the admin never sorts the whole table.
QUEUE_RANK = Case(
    When(status="pending", then=Value(0)), default=Value(1), output_field=IntegerField()
)


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What every reader may see: approved comments."""
        return self.filter(status=Comment.Status.APPROVED)

    def replyable(self):
        """Comments a new reply may hang under: ordinary comments readers can see (a reply to
        a pingback or trackback would be stored, counted and never shown)."""
        return self.visible().filter(kind=Comment.Kind.COMMENT)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def comments(self):
        """Ordinary comments, without pingbacks and trackbacks."""
        return self.filter(kind=Comment.Kind.COMMENT)

    def for_thread_page(self, post, *, own_pending_ids=()):
        """One query for a post's whole discussion page, in tree order.

        Besides the visible comments it fetches hidden ones that still have replies (they may
        become "removed" placeholders) and the viewer's own pending comments. A hidden comment
        that was approved once may still hold room for replies (comments.tree) and be read
        without any: the page drops a placeholder with nothing shown under it.
        """
        return (
            self.filter(post=post)
            .filter(
                Q(status=Comment.Status.APPROVED)
                | Q(rght__gt=F("lft") + 1)
                | Q(pk__in=list(own_pending_ids))
            )
            .order_by("tree_id", "lft")
        )


class Comment(MPTTModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")

    # Indexes, and what each is for. Every one costs on each insert: together they are
    # ~40 µs of the ~130 µs PostgreSQL spends on an imported comment (one btree ~2-3 µs, the
    # two GIN indexes more; bench/README, "Import against its parse floor"), and a reply adds
    # one entry to each. None holds lft or rght, so a reply's shift of its thread rewrites
    # rows in place (HOT) and touches no index at all.
    # - primary key; (id, post_id) unique, which the same-post parent foreign key needs;
    # - parent_id (the foreign key's): a comment's replies, where its last reply ends;
    # - created_at: the admin's date filter (today, past 7 days...);
    # - comment_tree_idx (tree_id, migration 0010): a thread's rows, in place of mptt's
    #   (tree_id, lft);
    # - comment_unique_source, comment_unique_submission_key: an import or a re-sent form
    #   finds what it stored already (the second holds form comments only);
    # - the indexes of Meta.indexes and the two GIN indexes made by migrations (below).
    # The site's post model, by its label only (comments/posts.py says what it must offer).
    post = models.ForeignKey(
        settings.COMMENTS_POST_MODEL,
        on_delete=models.CASCADE,
        related_name="comments",
        db_index=False,
        verbose_name=_("post"),
    )
    parent = TreeForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reply to"),
    )
    author_name = models.CharField(_("author name"), max_length=200, blank=True)
    author_email = models.EmailField(_("author email"), max_length=254, blank=True)
    author_url = models.URLField(
        _("author website"), max_length=500, blank=True, validators=[http_url_validator]
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Set once the address was shortened to its network (comments.privacy.reduce_old_ips).
    ip_reduced = models.BooleanField(
        _("IP address shortened"), default=False, db_default=False, editable=False
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(_("text as HTML"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # The source gave the day only (a text archive): created_at is that day's midnight, UTC,
    # and the page prints the day without a time.
    date_only = models.BooleanField(_("day only"), default=False, db_default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    # Declared here only to drop mptt's single-column index, redundant with (tree_id, lft).
    tree_id = models.PositiveIntegerField(editable=False)
    # Where an imported comment came from, so a second import recognises it.
    source = models.CharField(max_length=200, blank=True, editable=False)
    source_id = models.CharField(max_length=500, blank=True, editable=False)
    # The one-time key of the form submission that created the comment (comments.submission):
    # a double-click or a re-sent form finds the comment it already made instead of a second.
    submission_key = models.CharField(max_length=64, blank=True, db_default="", editable=False)
    # The commenter's avatar (comments/avatars.py), computed when the comment is written so the
    # page prints a stored string and hashes nothing.
    avatar_key = models.CharField(max_length=65, blank=True, db_default="", editable=False)
    # Written by the post's own author, logged in as staff: the page shows an "Author" badge.
    by_post_author = models.BooleanField(_("by the post's author"), db_default=False, default=False)
    # When its author last edited it (within COMMENTS_EDIT_WINDOW); None if never.
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True, editable=False)
    # The spam filter's verdict when the comment was written (comments.spamfilter): 0 (ham)
    # to 1 (spam), None when not scored, and the strongest reasons (rules and features).
    spam_score = models.FloatField(_("spam score"), null=True, blank=True, editable=False)
    spam_reasons = models.JSONField(_("spam reasons"), null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class MPTTMeta:
        order_insertion_by = []

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["tree_id", "lft"]
        # The admin's privacy actions (comments.privacy_admin) hand out or destroy everything
        # stored about a person: a permission of their own, not the moderators' change.
        permissions = [
            ("manage_commenter_data", _("Can export and erase commenters' personal data"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["comment", "pingback", "trackback"]),
                name="comment_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, level=0) | Q(parent__isnull=False, level__gt=0),
                name="comment_level_matches_parent",
            ),
            models.CheckConstraint(condition=Q(rght__gt=F("lft")), name="comment_tree_bounds"),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source=""),
                name="comment_unique_source",
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="comment_unique_submission_key",
            ),
        ]
        indexes = [
            # Serves the thread query (post, then tree order by an incremental sort on lft)
            # and, through the included columns, comments.selectors.thread_index (paging a big
            # discussion) as an index-only scan that reads no comment row. No index holds lft
            # or rght on PostgreSQL (migration 0010 also replaces django-mptt's (tree_id, lft)),
            # so the rows a new reply shifts are rewritten in place as HOT updates, with no
            # index entries to add: several times faster on a big thread.
            models.Index(
                fields=["post", "tree_id"],
                include=["level", "status", "kind"],
                name="comment_thread_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            # The queue's "likely spam first" view: scored comments, highest score first.
            models.Index(
                F("spam_score").desc(),
                F("id").desc(),
                condition=Q(spam_score__isnull=False),
                name="comment_spam_score_idx",
            ),
            models.Index(
                QUEUE_RANK, F("created_at").desc(), F("id").desc(), name="comment_pending_first_idx"
            ),
            # The form's duplicate check (comments.prior): the comments of a post with the
            # same text, found by digest (a body may be too long for a btree).
            models.Index(F("post"), MD5("body"), name="comment_body_digest_idx"),
            # The first-time moderation check (comments.prior, and
            # comments.moderation.is_known_commenter): an approved comment under this email,
            # matched case-insensitively as UPPER(author_email), which __iexact compiles to.
            models.Index(
                Upper("author_email"),
                condition=Q(status="approved"),
                name="comment_approved_email_idx",
            ),
            # The IP retention sweep (comments.privacy): only comments whose address is still
            # whole, so the index stays as small as the last few weeks' comments.
            models.Index(
                fields=["created_at"],
                condition=Q(ip_address__isnull=False, ip_reduced=False),
                name="comment_whole_ip_idx",
            ),
        ]
        # On PostgreSQL two GIN indexes are made by migrations, not declared here (SQLite has
        # neither): the search vector's (comment_search_idx, 0020 and 0023; comments.search),
        # for the site search and the admin's, and a trigram index over the people fields for
        # the admin's (comment_people_trgm_idx, 0023; comments.admin_search). Neither holds a
        # tree column, so a reply's shift stays a HOT update; an import pays for both (the
        # vector is ~40 µs of the ~100 µs PostgreSQL spends on an imported comment, the indexes
        # together another ~40; bench/README, "Import against its parse floor").

    # Room for replies (comments.tree) breaks django-mptt's "rght - lft counts descendants":
    # both answer from the rows instead.
    def _descendant_rows(self):
        return Comment.objects.filter(tree_id=self.tree_id, lft__gt=self.lft, lft__lt=self.rght)

    def get_descendant_count(self):
        if self.pk is None or self.rght == self.lft + 1:
            return 0
        return self._descendant_rows().count()

    def is_leaf_node(self):
        return self.pk is None or self.rght == self.lft + 1 or not self._descendant_rows().exists()

    def __str__(self):
        # The admin's titles, messages and history show this: the number moderators search
        # by, and the text's start cut at a word.
        return _("#%(id)s by %(author)s: %(text)s") % {
            "id": self.pk,
            "author": self.author_name or _("Unknown author"),
            "text": Truncator(" ".join(self.body.split())).words(8),
        }

    def clean(self):
        super().clean()
        if self.parent_id and self.post_id and self.parent.post_id != self.post_id:
            raise ValidationError(
                {"parent": _("A reply must belong to the same post as its parent.")}
            )

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"comment_id": self.pk})

    @property
    def anchor(self):
        return f"comment-{self.pk}"

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED


class DiscussionState(models.Model):
    """What the comments app keeps per post, in one row beside the post: today the version of
    its discussion, later its exact comment counts.

    ``version`` is bumped (and ``changed_at`` set) in the transaction of every change to the
    post's comments
    (``comments.cache.discussions_changed``), so the key of a cached rendering follows what is
    committed: a cache that misses an invalidation (Redis stalled, restarted, flushed) can
    never serve a discussion older than the database. The row is created by the first bump
    (``INSERT … ON CONFLICT DO UPDATE``); a post without one has version 0.
    """

    post = models.OneToOneField(
        settings.COMMENTS_POST_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="discussion_state",
        verbose_name=_("post"),
    )
    version = models.BigIntegerField(_("version"), default=0)
    # When the version last moved: a comment shown, edited, hidden or removed (the sitemap's
    # lastmod). None for a post whose discussion last changed before it was kept.
    changed_at = models.DateTimeField(_("last changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("discussion state")
        verbose_name_plural = _("discussion states")

    def __str__(self):
        return f"{self.post_id}: {self.version}"


class CommentRevision(models.Model):
    """A comment's text as it was before its author edited it, kept for moderators."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("comment")
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(_("text as HTML"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["comment", "-replaced_at"]

    def __str__(self):
        return _("Version of %(written)s") % {"written": self.written_at}


# The notification models live with their feature; importing them here registers them.
from .notifications.models import (  # noqa: E402, F401
    ModeratorAlerts,
    OutgoingMail,
    Subscription,
    Suppression,
)
from .spamfilter.models import SpamEvidence, SpamFeatureCount, SpamRule  # noqa: E402, F401
from .webhooks.models import WebhookDelivery  # noqa: E402, F401
