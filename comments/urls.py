from django.urls import path

from . import views
from .notifications import views as notification_views

app_name = "comments"

urlpatterns = [
    path("posts/<slug:slug>/comment/", views.post_comment, name="post_comment"),
    path("comment/<int:comment_id>/", views.comment_permalink, name="permalink"),
    path("comment/<int:comment_id>/thread/", views.comment_thread, name="thread"),
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
