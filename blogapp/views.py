from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404
from django.views.generic import DetailView, ListView

from comments.forms import CommentForm
from comments.models import Comment
from comments.rendering import discussion_html
from comments.selectors import discussion_page_of

from .models import Post

OWN_PENDING_SESSION_KEY = "own_pending_comment_ids"
PAGE_PARAM = "cpage"  # ?cpage=N: the Nth page of a post's discussion


def _reply_target(post, raw_id):
    """The comment a reply form answers, if ``raw_id`` names one a reader may reply to."""
    try:
        comment_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    return (
        Comment.objects.replyable()
        .filter(post=post, pk=comment_id)
        .only("id", "author_name", "post_id", "tree_id")
        .first()
    )


def own_pending_ids(request):
    """Ids of the comments this visitor wrote that may still await moderation."""
    return request.session.get(OWN_PENDING_SESSION_KEY, [])


def _discussion_page(request, post, reply_to, own_pending):
    """(page asked for by ``?cpage=N``, else the page of the comment replied to; its index)."""
    requested = request.GET.get(PAGE_PARAM)
    if requested is not None:
        return requested, None
    if reply_to is not None:
        return discussion_page_of(post, reply_to.tree_id, own_pending_ids=own_pending)
    return 1, None


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
    """Everything the post page shows: the post, a page of its discussion, the comment form."""
    own_pending = own_pending_ids(request)
    form_context = comment_form_context(request, post, form=form)
    page, index = _discussion_page(request, post, form_context["reply_to"], own_pending)
    try:
        discussion = discussion_html(post, page=page, own_pending_ids=own_pending, index=index)
    except InvalidPage as missing:
        raise Http404("No such page of comments.") from missing
    return {
        "post": post,
        "object": post,
        "discussion": discussion,
        "discussion_html": discussion.html,
        **form_context,
    }


class PostListView(ListView):
    template_name = "blogapp/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        return (
            Post.objects.published()
            .with_comment_counts()
            .defer("body")
            .order_by("-published_at", "-id")
        )


class PostDetailView(DetailView):
    template_name = "blogapp/post_detail.html"

    def get_queryset(self):
        return Post.objects.published()

    def get_context_data(self, **kwargs):
        return post_page_context(self.request, self.object)
