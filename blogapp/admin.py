from urllib.parse import unquote

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from comments.admin_columns import short_date_column
from comments.admin_params import RefuseBadLookupsMixin
from comments.selectors import with_comment_counts, with_pending_counts

from .exporters import ExportOptions, export_chunks
from .models import OldLink, Post

EXPORT_CONTENT_TYPES = {"wxr": "application/rss+xml", "json": "application/json"}
EXPORT_SUFFIXES = {"wxr": "xml", "json": "json"}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("wxr", _("WordPress (WXR 1.2)")), ("json", _("JSON, for other tools"))],
        initial="wxr",
    )
    include_spam = forms.BooleanField(label=_("Include spam comments"), required=False)
    with_personal_data = forms.BooleanField(
        label=_("Include commenters' email and IP addresses"), required=False
    )


class ListedFilter(admin.BooleanFieldListFilter):
    """The ``listed`` switch, under a title the filter's heading reads well with: Django
    names it after the field, "By listed"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("listing")


@admin.register(Post)
class PostAdmin(RefuseBadLookupsMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "status",
        "published_at",
        "comments_open",
        "listed",
        "author_name",
        "visible_comments",
        "pending_comments",
    )
    list_filter = ("status", ("listed", ListedFilter), "comments_open", "published_at")
    search_fields = ("title", "body", "author_name")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"

    class Media:
        css = {"all": ["css/admin-posts.css"]}

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="blogapp_post_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The archive as a download, streamed as it is read (``blogapp.exporters``)."""
        if not request.user.has_perm("blogapp.export_archive"):
            raise PermissionDenied
        form = ExportForm(request.GET if "format" in request.GET else None)
        if form.is_valid():
            options = ExportOptions(**form.cleaned_data)
            name = f"blog-{timezone.localdate():%Y-%m-%d}.{EXPORT_SUFFIXES[options.format]}"
            response = StreamingHttpResponse(
                export_chunks(options),
                content_type=f"{EXPORT_CONTENT_TYPES[options.format]}; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export the archive"),
            "form": form,
        }
        return TemplateResponse(request, "admin/blogapp/post/export.html", context)

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


@admin.register(OldLink)
class OldLinkAdmin(admin.ModelAdmin):
    """The addresses imported posts had: each one redirects to its post (blogapp/links.py)."""

    list_display = (
        "path",
        "post",
        "old_address",
        short_date_column("created_at", _("created at")),
    )
    list_select_related = ("post",)
    search_fields = ("path", "url", "post__title", "post__slug")
    readonly_fields = ("path", "url", "post", "created_at")

    class Media:
        css = {"all": ["css/admin-old-links.css"]}

    def has_add_permission(self, request):
        return False  # written by imports

    @admin.display(description=_("old address"), ordering="url")
    def old_address(self, link):
        """The address as its path reads: percent-encoded letters ("%CE%B5") as letters."""
        return unquote(link.url)
