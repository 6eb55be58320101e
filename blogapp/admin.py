from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from comments.admin_params import RefuseBadLookupsMixin
from comments.selectors import with_comment_counts, with_pending_counts

from .models import Post


@admin.register(Post)
class PostAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "status",
        "published_at",
        "comments_open",
        "author_name",
        "visible_comments",
        "pending_comments",
    )
    list_filter = ("status", "comments_open", "published_at")
    search_fields = ("title", "body", "author_name")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"

    def get_queryset(self, request):
        return with_pending_counts(with_comment_counts(super().get_queryset(request)))

    @admin.display(description=_("Comments"), ordering="comment_count")
    def visible_comments(self, post):
        return post.comment_count

    @admin.display(description=_("Pending"), ordering="pending_count")
    def pending_comments(self, post):
        """Links to this post's queue of comments awaiting moderation."""
        if not post.pending_count:
            return 0
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?post__id__exact={}&amp;status__exact=pending">{}</a>',
            url,
            post.pk,
            post.pending_count,
        )
