"""Who reaches the moderation admin, and what each role may do there."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from blogapp.models import Post
from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup

from .conftest import CHANGELIST, run_action

pytestmark = pytest.mark.django_db


def test_migration_creates_the_moderators_group():
    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("comments", "view_comment"),
        ("comments", "change_comment"),
        ("blogapp", "view_post"),
        # their own alerts about held comments (comments/migrations/0014)
        ("comments", "add_moderatoralerts"),
        ("comments", "view_moderatoralerts"),
        ("comments", "change_moderatoralerts"),
        # the spam rules they keep (comments/migrations/0019)
        ("comments", "add_spamrule"),
        ("comments", "view_spamrule"),
        ("comments", "change_spamrule"),
        ("comments", "delete_spamrule"),
    }


def test_moderator_reaches_the_queue_and_moderates(moderator_client, post):
    comment = make_comment(post, status="pending")
    response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200
    actions = [o["value"] for o in soup(response).select("select[name=action] option")]
    assert actions == ["", "approve_comments", "mark_as_spam", "remove_comments",
                       "restore_comments"]  # fmt: skip
    run_action(moderator_client, "approve_comments", [comment])
    assert Comment.objects.get().status == "approved"


def test_moderator_cannot_hard_delete(moderator_client, post):
    comment = make_comment(post)
    data = {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"}
    moderator_client.post(CHANGELIST, data)
    delete_url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert moderator_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_nobody_adds_comments_through_the_admin(admin_client_):
    assert admin_client_.get(reverse("admin:comments_comment_add")).status_code == 403


def test_moderator_cannot_edit_posts_or_users(moderator_client, moderator, post):
    change_post = reverse("admin:blogapp_post_change", args=[post.pk])
    page = moderator_client.get(change_post)
    assert page.status_code == 200  # read-only view, for context
    assert soup(page).select_one("input[name=title]") is None
    response = moderator_client.post(change_post, {"title": "Hijacked", "slug": post.slug})
    assert response.status_code == 403
    assert Post.objects.get().title == post.title
    assert moderator_client.get(reverse("admin:blogapp_post_add")).status_code == 403
    assert moderator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    user_change = reverse("admin:auth_user_change", args=[moderator.pk])
    assert moderator_client.get(user_change).status_code == 403
    assert moderator_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_superuser_has_the_same_actions_plus_delete(admin_client_, post):
    comment = make_comment(post, status="pending")
    response = admin_client_.get(CHANGELIST)
    actions = [o["value"] for o in soup(response).select("select[name=action] option")]
    assert "delete_selected" in actions and "approve_comments" in actions
    run_action(admin_client_, "mark_as_spam", [comment])
    assert Comment.objects.get().status == "spam"


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_non_staff_never_reach_the_admin(request, post, who):
    client = Client() if who == "anonymous" else request.getfixturevalue("reader_client")
    comment = make_comment(post, status="pending")
    urls = [
        CHANGELIST,
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:comments_comment_thread", args=[comment.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    run_action(client, "approve_comments", [comment])
    run_action(client, "approve_comments", [comment], url=urls[2])
    assert Comment.objects.get().status == "pending"


def test_staff_without_the_group_sees_no_comments(django_user_model, post):
    staff = django_user_model.objects.create_user("staff", password="pw-staff-1", is_staff=True)
    client = Client()
    client.force_login(staff)
    comment = make_comment(post, status="pending")
    assert client.get(CHANGELIST).status_code == 403
    thread = reverse("admin:comments_comment_thread", args=[comment.pk])
    assert client.get(thread).status_code == 403
    run_action(client, "approve_comments", [comment], url=thread)
    assert Comment.objects.get().status == "pending"


def test_view_only_staff_sees_the_thread_but_cannot_act(django_user_model, post):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="pw-view-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client = Client()
    client.force_login(viewer)
    comment = make_comment(post, status="pending")
    thread = reverse("admin:comments_comment_thread", args=[comment.pk])
    page = soup(client.get(thread))
    assert page.select_one(f"#thread-comment-{comment.pk}") is not None
    assert page.select_one("select[name=action]") is None
    data = {"action": "approve_comments", "_selected_action": [comment.pk]}
    assert client.post(thread, data).status_code == 403
    assert client.post(CHANGELIST, data).status_code in (200, 302)
    assert Comment.objects.get().status == "pending"
