from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import feeds, links, metrics, views
from .sitemaps import SITEMAPS

blog_patterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("posts/", views.PostArchiveView.as_view(), name="post_archive"),
    path("posts/<post_slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("search/", views.search_view, name="search"),
    path("feed/", feeds.LatestPostsFeed(), name="posts_feed"),
    path("feed/atom/", feeds.AtomLatestPostsFeed(), name="posts_feed_atom"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="comments_feed"),
    path("comments/feed/atom/", feeds.AtomLatestCommentsFeed(), name="comments_feed_atom"),
    path("posts/<post_slug:slug>/feed/", feeds.PostCommentsFeed(), name="post_comments_feed"),
    path(
        "posts/<post_slug:slug>/feed/atom/",
        feeds.AtomPostCommentsFeed(),
        name="post_comments_feed_atom",
    ),
    # Where a comment an old site called <old_id> is now (static/js/old-links.js asks).
    path("posts/<post_slug:slug>/old-comment/<str:old_id>/", links.old_comment, name="old_comment"),
]

# Moderators need the width for the comment queue more than a second navigation column.
admin.site.enable_nav_sidebar = False


class FaviconView(RedirectView):
    """``/favicon.ico``, which browsers and feed readers ask for whatever the page links: the
    site's icon (``static/favicon.svg``, served by whitenoise) instead of a 404 on every page."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


# The admin names the site it runs, not Django.
admin.site.site_header = _("The Blog: administration")
admin.site.site_title = _("The Blog: administration")
admin.site.index_title = _("Posts, comments and moderation")

urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    path("admin/", admin.site.urls),
    # Prometheus metrics, for whoever holds METRICS_TOKEN (blogapp/metrics.py); else 404.
    path("metrics", metrics.metrics, name="metrics"),
    # set_language: the footer's language switcher posts here (templates/language_switcher.html).
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include((blog_patterns, "blogapp"))),
    path("", include("comments.urls")),
]
