"""Moderating comments from the Django admin: the queue, bulk actions and the thread view."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import admin_search, privacy_admin, selectors, services
from .admin_params import RefuseBadLookupsMixin
from .forms import ReplyAsAuthorForm
from .models import QUEUE_RANK, Comment, CommentRevision
from .templatetags.bidi import isolated
from .text import emphasis_excerpt

# Pending comments first, then the newest: what needs a moderator's attention is on top.
# Matches the index comment_pending_first_idx, so the first page never sorts the table.
QUEUE_ORDER = (QUEUE_RANK.asc(), "-created_at", "-id")
# "Likely spam first": scored comments by score, as the index comment_spam_score_idx holds them.
SPAM_FIRST_ORDER = (F("spam_score").desc(), "-id")
# The queue's excerpt of a comment, in characters: a few lines of its column on a phone.
EXCERPT_CHARS = 80

# Admin action name -> (service call, the message saying how many changed). Whole sentences
# per action, so each language can word and inflect them as it needs.
MODERATION_ACTIONS = {
    "approve_comments": (
        lambda comments, user: services.comments_moderate(
            comments=comments, status=Comment.Status.APPROVED, moderator=user
        ),
        lambda n: ngettext("%(count)d comment approved.", "%(count)d comments approved.", n),
    ),
    "mark_as_spam": (
        lambda comments, user: services.comments_moderate(
            comments=comments, status=Comment.Status.SPAM, moderator=user
        ),
        lambda n: ngettext(
            "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
        ),
    ),
    "remove_comments": (
        lambda comments, user: services.comments_moderate(
            comments=comments, status=Comment.Status.REMOVED, moderator=user
        ),
        lambda n: ngettext("%(count)d comment removed.", "%(count)d comments removed.", n),
    ),
    "restore_comments": (
        lambda comments, user: services.comments_restore(comments=comments, moderator=user),
        lambda n: ngettext("%(count)d comment restored.", "%(count)d comments restored.", n),
    ),
}


def status_counts():
    """How many comments wait in the queue and how many are spam, each counted up to
    ``admin_search.COUNT_CAP`` (``…_capped``: there are more): index-only scans of
    comment_queue_idx that stop there, so the queue's header costs the same at 50,000
    pending comments as at 5,000 (``COUNT(*)``: counting ids would read every row)."""
    counts = {}
    for status in (Comment.Status.PENDING, Comment.Status.SPAM):
        rows = Comment.objects.filter(status=status)
        counts[f"{status}_count"], counts[f"{status}_capped"] = admin_search.capped_count(rows)
    return counts


class SpamScoreFilter(admin.SimpleListFilter):
    """The filter's verdicts: the likely spam first (by score), or what it did not score."""

    title = _("spam score")
    parameter_name = "spam"
    LIKELY = "likely"
    UNSCORED = "unscored"

    def lookups(self, request, model_admin):
        return [(self.LIKELY, _("Likely spam first")), (self.UNSCORED, _("Not scored"))]

    def queryset(self, request, queryset):
        if self.value() == self.LIKELY:
            return queryset.filter(spam_score__isnull=False)
        if self.value() == self.UNSCORED:
            return queryset.filter(spam_score__isnull=True)
        return queryset


class PostFilter(admin.SimpleListFilter):
    """The queue of one post. Offers the chosen post and the posts with comments awaiting
    moderation (the newest first, at most ``CHOICES``), not every post of the site: with
    10,000 posts a list of them all was 670 KB of every queue page."""

    title = _("post")
    parameter_name = "post__id__exact"  # what links to one post's queue already use
    CHOICES = 20

    def lookups(self, request, model_admin):
        posts = Comment.post.field.related_model.objects.only("title")
        chosen = self.post_id()
        # The newest pending comments in comment_queue_idx order, a bounded number of rows.
        newest_pending = (
            Comment.objects.filter(status=Comment.Status.PENDING)
            .order_by("-created_at")
            .values_list("post_id", flat=True)[: self.CHOICES * 25]
        )
        first = [chosen] if chosen else []
        ids = list(dict.fromkeys([*first, *newest_pending]))[: len(first) + self.CHOICES]
        titles = dict(posts.filter(pk__in=ids).values_list("pk", "title"))
        return [(str(pk), titles[pk]) for pk in ids if pk in titles]

    def post_id(self):
        value = self.value()
        if value is None:
            return None
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return int(value)

    def queryset(self, request, queryset):
        chosen = self.post_id()
        return queryset if chosen is None else queryset.filter(post_id=chosen)


@admin.register(Comment)
class CommentAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    list_display = (
        "excerpt",
        "author_name",
        "post_title",
        "status_label",
        "score",
        "created",
    )
    list_display_links = ("excerpt",)
    list_filter = (
        "status",
        SpamScoreFilter,
        "kind",
        PostFilter,
        "created_at",
    )
    search_fields = ("author_name", "author_email", "author_url", "ip_address", "body")
    # The page's posts come in a query of their own (get_queryset), not joined: a join makes
    # PostgreSQL hash every post before it knows whether any comment matches (a search with
    # no match took 19-40 ms over 10,000 posts, against 1 ms for the comments alone).
    list_select_related = False
    list_per_page = 50  # a screenful to decide on; each row costs ~1 ms of admin rendering
    show_full_result_count = False  # saves a count(*) over the whole table on every search
    # "more than 10,000" (a search: "more than 1,000"), not a count of them all
    paginator = admin_search.CappedCountPaginator
    search_help_text = _(
        "Finds the words in a comment's text, or any part of its author's name, email, website "
        "or IP address."
    )
    actions = [*MODERATION_ACTIONS, "export_commenter_data", "erase_commenter_data"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Where a comment sits in the tree is never edited here: moving a node is a tree rewrite
    # that must go through the thread locks, and a reply must stay on its parent's post.
    fields = (
        "post",
        "parent_link",
        "status",
        "kind",
        "author_name",
        "author_email",
        "author_url",
        "ip_address",
        "created_at",
        "edited_at",
        "by_post_author",
        "body",
        "body_html",
        "spam_verdict",
        "thread_link",
        "earlier_versions",
    )
    readonly_fields = (
        "post",
        "parent_link",
        "kind",
        "ip_address",
        "created_at",
        "edited_at",
        "by_post_author",
        "body_html",
        "spam_verdict",
        "thread_link",
        "earlier_versions",
    )

    class Media:
        css = {"all": ["comments/admin-queue.css"]}

    def get_ordering(self, request):
        if request.GET.get(SpamScoreFilter.parameter_name) == SpamScoreFilter.LIKELY:
            return SPAM_FIRST_ORDER
        return QUEUE_ORDER

    @admin.display(description=_("Earlier versions"))
    def earlier_versions(self, comment):
        """What the comment said before each of its author's edits, newest first."""
        revisions = CommentRevision.objects.filter(comment=comment).order_by("-replaced_at")
        if not revisions:
            return "—"
        return format_html(
            '<ol class="comment-revisions">{}</ol>',
            format_html_join(
                "",
                "<li><p>{}</p><pre>{}</pre></li>",
                (
                    (
                        _("Written %(written)s, replaced %(replaced)s")
                        % {
                            "written": date_format(localtime(r.written_at), "DATETIME_FORMAT"),
                            "replaced": date_format(localtime(r.replaced_at), "DATETIME_FORMAT"),
                        },
                        r.body,
                    )
                    for r in revisions
                ),
            ),
        )

    def get_list_display(self, request):
        """The queue's columns; moderators also get each row's one-click decisions."""
        if not self.has_change_permission(request):
            return self.list_display
        query = self.decide_query(self.get_preserved_filters(request))

        @admin.display(description=_("Decide"))
        def decide(comment):
            return self.decision_buttons(comment, query)

        # Next to the status, so the buttons are in view without scrolling sideways.
        at = self.list_display.index("status_label") + 1
        return (*self.list_display[:at], decide, *self.list_display[at:])

    def get_queryset(self, request):
        posts = Comment.post.field.related_model.objects.defer("body", "body_html")
        return super().get_queryset(request).prefetch_related(Prefetch("post", queryset=posts))

    def get_search_results(self, request, queryset, search_term):
        found = admin_search.comments_found(queryset, search_term)
        if found is None:  # no term, or SQLite: the admin's own search
            return super().get_search_results(request, queryset, search_term)
        return found, False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """A search's matches are counted to a lower cap than the queue's rows (each counted
        match is checked; ``admin_search`` says what it costs)."""
        searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        cap = admin_search.SEARCH_COUNT_CAP if searching else None
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, cap=cap)

    # --- columns -------------------------------------------------------------------------

    def action_checkbox(self, comment):
        """Django's row checkbox, its markup written here: Django renders it as a form widget
        through the template engine, ~0.2 ms a row, the queue's costliest column."""
        label = format_html(gettext("Select this object for an action - {}"), str(comment))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            comment.pk,
            label,
        )

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        """The start of the rendered, sanitised text, as readers see it (not its markup), and
        under it who wrote it, on which post, when: shown on a phone only (admin-queue.css),
        where the columns that say so are out of view to the right."""
        text = mark_safe(emphasis_excerpt(comment.body_html, EXCERPT_CHARS))  # noqa: S308
        author = comment.author_name or gettext("Unknown author")
        # Escaped words, the names escaped in their <bdi>: as the site search's headings.
        on_post = escape(gettext("%(author)s on %(title)s")) % {
            "author": isolated(author),
            "title": isolated(comment.post.title),
        }
        return format_html(
            '{}<div class="queue-meta">{} · {}</div>',
            text,
            mark_safe(on_post),  # noqa: S308 - escaped above
            self.created(comment),
        )

    @admin.display(description=_("Created at"), ordering="created_at")
    def created(self, comment):
        """When it was written; the day alone when its archive gave no time (not "midnight")."""
        if comment.date_only:  # that day's midnight, UTC
            return date_format(comment.created_at, "DATE_FORMAT")
        return date_format(localtime(comment.created_at), "DATETIME_FORMAT")

    @admin.display(description=_("Status"), ordering="status")
    def status_label(self, comment):
        """The status; a pingback or trackback says so under it (most rows are comments)."""
        kind = ""
        if comment.kind != Comment.Kind.COMMENT:
            kind = format_html('<div class="comment-kind">{}</div>', comment.get_kind_display())
        return format_html(
            '<span class="comment-status comment-status--{}">{}</span>{}',
            comment.status,
            comment.get_status_display(),
            kind,
        )

    @admin.display(description=_("Spam score"), ordering="spam_score")
    def score(self, comment):
        if comment.spam_score is None:
            return "—"
        return format_html(
            '<span class="spam-score" title="{}">{}</span>',
            "; ".join(comment.spam_reasons or []),
            f"{comment.spam_score:.2f}",
        )

    @admin.display(description=_("Spam filter"))
    def spam_verdict(self, comment):
        """The score and its strongest reasons, for the change page."""
        if comment.spam_score is None and not comment.spam_reasons:
            return gettext("Not scored.")
        score = "—" if comment.spam_score is None else f"{comment.spam_score:.2f}"
        return format_html(
            "{}<ul>{}</ul>",
            score,
            format_html_join("", "<li>{}</li>", ((r,) for r in comment.spam_reasons or [])),
        )

    def decide_query(self, preserved_filters):
        """The query string of every row's decide URL: "from the queue", and the queue's
        filters to come back to. The same for every row, so made once a page (the admin's
        helper resolves the URL each time: 300 resolves on a filtered page of 100)."""
        sample = reverse("admin:comments_comment_decide", args=[0, "approve"])
        url = add_preserved_filters(
            {"preserved_filters": preserved_filters, "opts": self.opts},
            f"{sample}?{self.FROM_QUEUE}=1",
        )
        return url.partition("?")[2]

    def decision_buttons(self, comment, query):
        """Approve and spam buttons for one row: each a POST (the changelist form's CSRF token)
        to the decide view, which comes back to this queue with its filters (``query``)."""
        buttons = []
        for decision, label, aria in (
            ("approve", gettext("Approve"), gettext("Approve comment #%(id)s")),
            ("spam", gettext("Spam"), gettext("Mark comment #%(id)s as spam")),
        ):
            if comment.status == self.DECISIONS[decision][0]:
                continue
            url = reverse("admin:comments_comment_decide", args=[comment.pk, decision])
            buttons.append((decision, f"{url}?{query}", aria % {"id": comment.pk}, label))
        return format_html_join(
            " ",
            '<button type="submit" class="button decide-{}" formaction="{}" formmethod="post" '
            'formnovalidate aria-label="{}">{}</button>',
            buttons,
        )

    @admin.display(description=_("Post"), ordering="post__title")
    def post_title(self, comment):
        """The post, and under it where to see the comment: on the site and in its thread
        (here rather than in columns of their own, so the queue fits a laptop's screen)."""
        return format_html(
            '{}<div class="comment-links"><a href="{}" class="comment-permalink">{}</a> · '
            '<a href="{}" class="comment-thread-link">{}</a></div>',
            comment.post.title,
            comment.get_absolute_url(),
            gettext("View on site"),
            self.thread_url(comment),
            gettext("Thread"),
        )

    @admin.display(description=_("Reply to"))
    def parent_link(self, comment):
        if comment.parent_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[comment.parent_id]),
            gettext("Comment #%(id)s") % {"id": comment.parent_id},
        )

    @admin.display(description=_("Thread"))
    def thread_link(self, comment):
        if comment.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', self.thread_url(comment), gettext("Show the whole thread")
        )

    @staticmethod
    def thread_url(comment):
        return reverse("admin:comments_comment_thread", args=[comment.pk])

    # --- the queue -------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**status_counts(), **(extra_context or {})})

    # --- bulk actions ----------------------------------------------------------------------

    def moderate(self, request, queryset, action_name):
        """Run one moderation action on ``queryset`` and tell the moderator what changed."""
        run, message = MODERATION_ACTIONS[action_name]
        changed = run(queryset, request.user)
        self.message_user(request, message(changed) % {"count": changed}, messages.SUCCESS)
        return changed

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def approve_comments(self, request, queryset):
        self.moderate(request, queryset, "approve_comments")

    @admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
    def mark_as_spam(self, request, queryset):
        self.moderate(request, queryset, "mark_as_spam")

    @admin.action(description=_("Remove selected comments (keeps replies)"), permissions=["change"])
    def remove_comments(self, request, queryset):
        self.moderate(request, queryset, "remove_comments")

    @admin.action(
        description=_("Restore selected removed or spam comments"), permissions=["change"]
    )
    def restore_comments(self, request, queryset):
        self.moderate(request, queryset, "restore_comments")

    # Privacy (comments.privacy_admin): both need "comments.manage_commenter_data"
    # (superusers; not the Moderators group): one hands out, the other destroys, everything
    # about a person.
    def has_manage_commenter_data_permission(self, request):
        return request.user.has_perm("comments.manage_commenter_data")

    @admin.action(
        description=_("Export the authors' data (JSON)"), permissions=["manage_commenter_data"]
    )
    def export_commenter_data(self, request, queryset):
        return privacy_admin.export_commenter_data(self, request, queryset)

    @admin.action(
        description=_("Erase the authors' personal data"), permissions=["manage_commenter_data"]
    )
    def erase_commenter_data(self, request, queryset):
        return privacy_admin.erase_commenter_data(self, request, queryset)

    # --- writes go through the services (thread locks, cache refresh) -----------------------

    def has_add_permission(self, request):
        # New comments come from the site's form (or an import) through comment_create.
        return False

    def save_model(self, request, obj, form, change):
        services.comment_edit(comment=obj, fields=form.changed_data)

    def delete_model(self, request, obj):
        services.comments_delete(comments=[obj], moderator=request.user)

    def delete_queryset(self, request, queryset):
        services.comments_delete(comments=queryset, moderator=request.user)

    # --- the thread view -------------------------------------------------------------------

    def get_urls(self):
        thread = path(
            "<int:comment_id>/thread/",
            self.admin_site.admin_view(self.thread_view),
            name="comments_comment_thread",
        )
        decide = path(
            "<int:comment_id>/decide/<str:decision>/",
            self.admin_site.admin_view(self.decide_view),
            name="comments_comment_decide",
        )
        return [thread, decide, *super().get_urls()]

    # Decisions the links in moderator alerts ask for: the page asks to confirm (GET changes
    # nothing: mail scanners follow links), the POST decides through comments_moderate.
    DECISIONS = {
        "approve": (Comment.Status.APPROVED, _("Approve this comment?"), _("Approve"),
                    _("Comment #%(id)s approved.")),
        "spam": (Comment.Status.SPAM, _("Mark this comment as spam?"), _("Mark as spam"),
                 _("Comment #%(id)s marked as spam.")),
    }  # fmt: skip

    FROM_QUEUE = "queue"  # a decision from the queue's row buttons goes back to the queue

    def decide_view(self, request, comment_id, decision):
        """One moderation decision from a moderator alert's link, after a confirmation."""
        if decision not in self.DECISIONS:
            raise Http404(gettext("No such decision."))
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = Comment.objects.filter(pk=comment_id).select_related("post").first()
        if comment is None:
            raise Http404(gettext("No such comment."))
        status, question, button, done = self.DECISIONS[decision]
        if request.method == "POST":
            changed = services.comments_moderate(
                comments=Comment.objects.filter(pk=comment.pk),
                status=status,
                moderator=request.user,
            )
            if changed:
                self.message_user(request, done % {"id": comment.pk}, messages.SUCCESS)
            else:
                self.message_user(request, _("Nothing changed."), messages.WARNING)
            if request.GET.get(self.FROM_QUEUE):
                queue = reverse("admin:comments_comment_changelist")
                preserved = {
                    "preserved_filters": self.get_preserved_filters(request),
                    "opts": self.opts,
                }
                return HttpResponseRedirect(add_preserved_filters(preserved, queue))
            return HttpResponseRedirect(self.thread_url(comment))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": question,
            "comment": comment,
            "button": button,
            "current": comment.get_status_display(),
        }
        return TemplateResponse(request, "admin/comments/comment/decide.html", context)

    REPLY_FIELD = "reply_as_author"
    # The reply button's value under a held comment: approve it, then reply. The intent rides
    # on the button the moderator pressed, never on the comment's status at that moment.
    APPROVE_AND_REPLY = "approve"

    def moderate_in_thread(self, request, thread):
        action = request.POST.get("action")
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if action not in MODERATION_ACTIONS:
            self.message_user(request, gettext("Choose an action."), messages.WARNING)
        elif not selected:
            self.message_user(request, gettext("Select comments to act on."), messages.WARNING)
        else:
            ids = [int(pk) for pk in selected if pk.isdigit()]
            self.moderate(request, thread.filter(pk__in=ids), action)

    def reply_as_author(self, request, post, form, *, approve):
        """Publish the moderator's reply under the post author's name; None if refused.
        ``approve``: the moderator pressed "Approve and reply" under a held comment."""
        if not form.is_valid():
            return None
        try:
            reply = services.comment_reply_as_author(
                post=post,
                parent_id=form.cleaned_data["parent"],
                body=form.cleaned_data["body"],
                user=request.user,
                approve_parent=approve,
            )
        except services.CommentRejected as rejection:
            form.add_error(None, rejection)
            return None
        done = gettext("Reply published.")
        if approve:
            done = gettext("Comment #%(id)s approved and reply published.") % {
                "id": reply.parent_id
            }
        self.message_user(request, done, messages.SUCCESS)
        return reply

    @staticmethod
    def reply_kind(focus, form):
        """How the comment the reply form answers (in the focus's thread) may be answered
        (``services.author_reply_kind``): None when it takes no reply, and no form is shown."""
        parent = str(form["parent"].value())
        if parent == str(focus.pk):
            target = focus
        elif parent.isdigit():
            target = Comment.objects.filter(pk=parent, tree_id=focus.tree_id).first()
        else:
            target = None
        return services.author_reply_kind(target)

    def thread_view(self, request, comment_id):
        """A comment's whole thread as an indented tree, a page at a time, with the actions."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        focus = Comment.objects.filter(pk=comment_id).select_related("post").first()
        if focus is None:
            raise Http404(gettext("No such comment."))
        can_moderate = self.has_change_permission(request)

        reply_to = request.GET.get("reply_to", "")
        reply_to = int(reply_to) if reply_to.isdigit() else focus.pk
        reply_form = ReplyAsAuthorForm(initial={"parent": reply_to})
        if request.method == "POST":
            if not can_moderate:
                raise PermissionDenied
            if self.REPLY_FIELD in request.POST:
                reply_form = ReplyAsAuthorForm(request.POST)
                approve = request.POST[self.REPLY_FIELD] == self.APPROVE_AND_REPLY
                reply = self.reply_as_author(request, focus.post, reply_form, approve=approve)
                if reply is not None:
                    # Shown in the thread of the comment it answers, whose reply form comes
                    # next: the moderator's next reply never defaults to answering their own.
                    anchor = f"#thread-comment-{reply.pk}"
                    return HttpResponseRedirect(self.thread_url(reply.parent) + anchor)
            else:
                self.moderate_in_thread(request, Comment.objects.filter(tree_id=focus.tree_id))
                # Back to the page the moderator acted on.
                return HttpResponseRedirect(request.get_full_path())

        page = selectors.admin_thread_page(focus, page=request.GET.get("page"))
        for comment in page.object_list:
            comment.author_reply = services.author_reply_kind(comment)
        reply_kind = self.reply_kind(focus, reply_form)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Thread on “%(title)s”") % {"title": focus.post.title},
            "focus": focus,
            "post": focus.post,
            "page": page,
            "thread": page.object_list,
            "can_moderate": can_moderate,
            "reply_form": reply_form,
            "reply_kind": reply_kind,
            "reply_field": self.REPLY_FIELD,
            "approve_and_reply": self.APPROVE_AND_REPLY,
            "post_author": services.reply_as_author_name(focus.post, request.user),
            "actions": [
                (name, getattr(self, name).short_description) for name in MODERATION_ACTIONS
            ],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/comments/comment/thread.html", context)


# The notification feature's admin pages register themselves on import.
from . import queue_admin  # noqa: E402, F401
from .notifications import admin as notifications_admin  # noqa: E402, F401
from .spamfilter import admin as spamfilter_admin  # noqa: E402, F401
from .webhooks import admin as webhooks_admin  # noqa: E402, F401
