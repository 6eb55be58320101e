from django.urls import path, re_path

from . import views
from .notifications import views as notification_views

app_name = "comments"

urlpatterns = [
    path("posts/<post_slug:slug>/comment/", views.post_comment, name="post_comment"),
    path("comment/<int:comment_id>/", views.comment_permalink, name="permalink"),
    path("comment/<int:comment_id>/thread/", views.comment_thread, name="thread"),
    path("posts/<post_slug:slug>/comment/preview/", views.preview_comment, name="preview"),
    path("comment/<int:comment_id>/edit/", views.comment_edit, name="edit"),
    path("comment/<int:comment_id>/delete/", views.comment_delete, name="delete"),
    re_path(r"^avatar/(?P<key>[0-9a-g]{0,65})\.svg$", views.avatar, name="avatar"),
    path(
        "notifications/confirm/<str:token>/",
        notification_views.confirm,
        name="subscription_confirm",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.unsubscribe,
        name="unsubscribe",
    ),
]
