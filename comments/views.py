from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from blogapp.models import Post
from blogapp.views import (
    OWN_PENDING_SESSION_KEY,
    PAGE_PARAM,
    own_pending_ids,
    post_page_context,
)

from .forms import CommentForm
from .models import Comment
from .selectors import discussion_page_of
from .services import CommentRejected, comment_create


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


@require_POST
def post_comment(request, slug):
    """Receive the comment form; redirect to the new comment, or show the form again."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            comment = comment_create(
                post=post,
                parent_id=data["parent"],
                author_name=data["name"],
                author_email=data["email"],
                author_url=data["url"],
                body=data["body"],
                ip_address=client_ip(request),
            )
        except CommentRejected as rejection:
            form.add_error(None, rejection)
        else:
            if comment.status == Comment.Status.PENDING:
                own = request.session.get(OWN_PENDING_SESSION_KEY, [])
                request.session[OWN_PENDING_SESSION_KEY] = [*own, comment.pk][-50:]
                messages.info(request, "Thanks! Your comment is awaiting moderation.")
            return redirect(comment.get_absolute_url())
    context = post_page_context(request, post, form=form)
    return render(request, "blogapp/post_detail.html", context)


def comment_permalink(request, comment_id):
    """A comment's permanent address: the post page that shows it, at the comment."""
    comment = get_object_or_404(
        Comment.objects.select_related("post").filter(post__in=Post.objects.published()),
        pk=comment_id,
    )
    page, _index = discussion_page_of(
        comment.post, comment.tree_id, own_pending_ids=own_pending_ids(request)
    )
    query = f"?{PAGE_PARAM}={page}" if page > 1 else ""
    return redirect(f"{comment.post.get_absolute_url()}{query}#{comment.anchor}")
