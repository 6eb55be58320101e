from django.conf import settings
from django.views.generic import DetailView, ListView

from comments.forms import CommentForm
from comments.models import Comment
from comments.rendering import render_discussion
from comments.selectors import discussion_for

from .models import Post

OWN_PENDING_SESSION_KEY = "own_pending_comment_ids"


def _reply_target(post, raw_id):
    """The comment a reply form answers, if ``raw_id`` names one a reader may reply to."""
    try:
        comment_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    return (
        Comment.objects.replyable()
        .filter(post=post, pk=comment_id)
        .only("id", "author_name", "post_id")
        .first()
    )


def own_pending_ids(request):
    """Ids of the comments this visitor wrote that may still await moderation."""
    return request.session.get(OWN_PENDING_SESSION_KEY, [])


def comment_form_context(request, post, *, form=None, default_reply_to=None):
    """The comment form, and the comment it answers (from ``?replyto=``, the posted form, or
    ``default_reply_to``)."""
    if form is None:
        requested = request.GET.get("replyto")
        reply_to = _reply_target(post, requested) if requested else default_reply_to
        form = CommentForm(initial={"parent": reply_to.pk if reply_to else None})
        reply_refused = bool(requested) and reply_to is None
    else:
        requested = form.data.get("parent")
        reply_to = _reply_target(post, requested) if requested else None
        reply_refused = False
    return {"comment_form": form, "reply_to": reply_to, "reply_refused": reply_refused}


def post_page_context(request, post, *, form=None):
    """Everything the post page shows: the post, its discussion and the comment form."""
    discussion = discussion_for(post, own_pending_ids=own_pending_ids(request))
    return {
        "post": post,
        "object": post,
        "discussion": discussion,
        "discussion_html": render_discussion(discussion),
        **comment_form_context(request, post, form=form),
    }


class PostListView(ListView):
    template_name = "blogapp/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        return (
            Post.objects.published()
            .with_comment_counts()
            .defer("body", "body_html")
            .order_by("-published_at", "-id")
        )


class PostDetailView(DetailView):
    template_name = "blogapp/post_detail.html"

    def get_queryset(self):
        return Post.objects.published()

    def get_context_data(self, **kwargs):
        return post_page_context(self.request, self.object)
