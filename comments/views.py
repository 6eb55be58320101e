import logging

from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from blogapp.models import Post
from blogapp.views import OWN_PENDING_SESSION_KEY, post_page_context

from . import antispam, moderation, submission
from .antispam import client_ip
from .forms import CommentForm
from .models import Comment
from .services import CommentRejected, comment_create

logger = logging.getLogger(__name__)

SAVE_FAILED = (
    "Sorry, your comment could not be saved because of a problem on our side. "
    "Nothing was posted; your text is kept below, please try again in a moment."
)


def _remember_own_pending(request, comment):
    if comment.status == Comment.Status.PENDING:
        own = request.session.get(OWN_PENDING_SESSION_KEY, [])
        if comment.pk not in own:
            request.session[OWN_PENDING_SESSION_KEY] = [*own, comment.pk][-50:]
        messages.info(request, "Thanks! Your comment is awaiting moderation.")


def _already_posted(request, comment):
    messages.info(request, "Your comment was already posted; here it is.")
    return redirect(comment.get_absolute_url())


def _rate_limited(request, post, retry_after):
    context = {"post": post, "retry_after": retry_after, "body": request.POST.get("body", "")}
    response = render(request, "comments/rate_limited.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_POST
def post_comment(request, slug):
    """Receive the comment form; redirect to the new comment, or show the form again."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    ip = client_ip(request)
    retry_after = antispam.rate_limit_retry_after(ip)
    if retry_after is not None:
        return _rate_limited(request, post, retry_after)

    form = CommentForm(request.POST)
    status = 200
    if not moderation.post_accepts_comments(post):
        # Said first: no other problem with the form matters any more.
        form.refuse(CommentRejected("Comments are closed on this post.", code="closed"))
    elif form.is_valid():
        data = form.cleaned_data
        key = data["submission_key"]
        earlier = submission.comment_for_key(key)
        if earlier is not None:
            if submission.is_same_submission(
                earlier, post=post, author_name=data["name"], body=data["body"]
            ):
                return _already_posted(request, earlier)
            # The same form sent with other text (e.g. back button, edit, resend): a new key.
            form.add_error(None, "This form was already used. Please post your comment again.")
            form.renew_token()
        elif antispam.is_duplicate(
            post=post, author_name=data["name"], author_email=data["email"], body=data["body"]
        ):
            form.add_error(None, antispam.DUPLICATE_MESSAGE)
        else:
            try:
                comment = comment_create(
                    post=post,
                    parent_id=data["parent"],
                    author_name=data["name"],
                    author_email=data["email"],
                    author_url=data["url"],
                    body=data["body"],
                    ip_address=ip,
                    submission_key=key,
                )
            except CommentRejected as rejection:
                form.add_error(None, rejection)
            except DatabaseError:
                # A twin request (double click) may have won the race for this form's key.
                earlier = submission.comment_for_key(key)
                if earlier is not None:
                    return _already_posted(request, earlier)
                logger.exception("Saving a comment on post %s failed", post.pk)
                form.add_error(None, SAVE_FAILED)
                status = 503
            else:
                _remember_own_pending(request, comment)
                return redirect(comment.get_absolute_url())
    context = post_page_context(request, post, form=form)
    return render(request, "blogapp/post_detail.html", context, status=status)


def comment_permalink(request, comment_id):
    """A comment's permanent address: the post page, at the comment."""
    comment = get_object_or_404(
        Comment.objects.select_related("post").filter(post__in=Post.objects.published()),
        pk=comment_id,
    )
    return redirect(f"{comment.post.get_absolute_url()}#{comment.anchor}")
