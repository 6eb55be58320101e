from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

blog_patterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("posts/", views.PostArchiveView.as_view(), name="post_archive"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
]

# Moderators need the width for the comment queue more than a second navigation column.
admin.site.enable_nav_sidebar = False


class FaviconView(RedirectView):
    """``/favicon.ico``, which browsers and feed readers ask for whatever the page links: the
    site's icon (``static/favicon.svg``, served by whitenoise) instead of a 404 on every page."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    path("admin/", admin.site.urls),
    # set_language: the footer's language switcher posts here (templates/language_switcher.html).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((blog_patterns, "blogapp"))),
    path("", include("comments.urls")),
]
