from django.contrib import admin
from django.urls import include, path

from . import links, views

blog_patterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    # Where a comment an old site called <old_id> is now (static/js/old-links.js asks).
    path("posts/<slug:slug>/old-comment/<str:old_id>/", links.old_comment, name="old_comment"),
]

# Moderators need the width for the comment queue more than a second navigation column.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    # set_language: the footer's language switcher posts here (templates/language_switcher.html).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((blog_patterns, "blogapp"))),
    path("", include("comments.urls")),
]
