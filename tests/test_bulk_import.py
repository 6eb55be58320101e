"""``comments.bulk.comments_bulk_import``, the import's write path, through the real database."""

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError

from comments.bulk import comments_bulk_import
from comments.cache import discussion_version
from comments.imported_html import autop
from comments.locks import LOCK_NAMESPACE, NEW_THREAD_KEY
from comments.models import Comment
from comments.records import HTML, TEXT, CommentRecord, PostComments
from comments.services import comment_create
from comments.text import render_comment_body, sanitize_comment_html
from tests.factories import make_comment, make_post
from tests.tree_check import stored_tree_fields, tree_problems

pytestmark = pytest.mark.django_db

SOURCE = "test"
WHEN = datetime(2020, 5, 1, 8, 30, tzinfo=UTC)

# COPY needs PostgreSQL; bulk_create is what SQLite (``make run``) uses.
WRITE_PATHS = [
    pytest.param(True, id="copy", marks=pytest.mark.postgres),
    pytest.param(False, id="bulk_create"),
]


def record(source_id, parent=None, **fields):
    fields.setdefault("author_name", f"Author {source_id}")
    fields.setdefault("body", f"Comment {source_id}.")
    fields.setdefault("created_at", WHEN)
    return CommentRecord(source_id=source_id, parent_source_id=parent, **fields)


def bulk_import(post, *records, use_copy=None, warnings=None):
    """Import ``records`` as one batch of ``post``'s comments, in a transaction of its own."""
    with transaction.atomic():
        return comments_bulk_import(
            batches=[[PostComments(post_id=post.pk, source=SOURCE, comments=list(records))]],
            use_copy=use_copy,
            warn=None if warnings is None else warnings.append,
        )


def by_source_id(source_id):
    return Comment.objects.get(source=SOURCE, source_id=source_id)


@pytest.mark.parametrize("use_copy", WRITE_PATHS)
def test_new_replies_under_stored_comments_leave_a_valid_tree(use_copy):
    post = make_post()
    bulk_import(
        post,
        record("a"), record("a1", "a"), record("a1x", "a1"), record("a2", "a"),
        record("b"), record("b1", "b"),
        use_copy=use_copy,
    )  # fmt: skip
    # The site has lived on since: replies written through the form, in both threads.
    make_comment(post, parent=by_source_id("a1"), body="Written on the new site.")
    make_comment(post, parent=by_source_id("b"), body="Also new.")
    other_thread = stored_tree_fields(tree_id=by_source_id("b").tree_id)

    result = bulk_import(
        post,
        record("a"), record("a1", "a"), record("a1x", "a1"), record("a2", "a"),
        # New: replies to a stored comment and to its ancestor, a reply to a new reply, and
        # a leaf's first reply; listed out of tree order.
        record("a2-new", "a2"), record("a1-new", "a1"), record("a1-new-reply", "a1-new"),
        record("a-new", "a"), record("a1x-new", "a1x"),
        use_copy=use_copy,
    )  # fmt: skip

    assert (result.created, result.unchanged) == (5, 4)
    assert tree_problems(post=post) == []
    assert stored_tree_fields(tree_id=by_source_id("b").tree_id) == other_thread
    new_reply = by_source_id("a1-new-reply")
    assert new_reply.parent == by_source_id("a1-new") and new_reply.level == 3
    assert [c.source_id for c in by_source_id("a1").get_children()] == ["a1x", "", "a1-new"]


@pytest.mark.parametrize("use_copy", WRITE_PATHS)
def test_a_reply_under_a_stored_comment_then_a_form_reply_keep_the_tree_valid(use_copy):
    post = make_post()
    bulk_import(post, record("a"), record("a1", "a"), use_copy=use_copy)
    bulk_import(post, record("a1-new", "a1"), use_copy=use_copy)
    make_comment(post, parent=by_source_id("a1-new"))
    make_comment(post, parent=by_source_id("a"))
    assert tree_problems(post=post) == []


def test_reimport_creates_nothing_and_reports_unchanged():
    post = make_post()
    records = [record("a"), record("a1", "a"), record("b"), record("b1", "zz")]
    first = bulk_import(post, *records)
    rows = list(Comment.objects.order_by("pk").values())
    again = bulk_import(post, *records)
    assert (first.created, first.unchanged) == (4, 0)
    assert (again.created, again.unchanged, again.post_ids) == (0, 4, set())
    assert list(Comment.objects.order_by("pk").values()) == rows


def test_parents_it_cannot_follow_become_top_level_with_a_warning():
    post, elsewhere = make_post(), make_post()
    bulk_import(elsewhere, record("other-post"))
    warnings = []
    bulk_import(
        post,
        record("orphan", "missing"),
        record("stray", "other-post"),
        record("narcissus", "narcissus"),
        record("x", "y"),
        record("y", "x"),
        warnings=warnings,
    )
    assert len(warnings) == 4
    assert "'missing' is not in the file" in warnings[0]
    assert "'other-post' belongs to another post" in warnings[1]
    assert "'narcissus' replies to itself" in warnings[2]
    # The cycle is cut at its first comment in the file; the other stays its reply.
    assert "'x' is part of a parent cycle" in warnings[3]
    assert by_source_id("y").parent == by_source_id("x")
    assert all("imported as a top-level comment" in warning for warning in warnings)
    roots = Comment.objects.filter(post=post, parent=None).values_list("source_id", flat=True)
    assert sorted(roots) == ["narcissus", "orphan", "stray", "x"]
    assert tree_problems(post=post) == []


def test_a_dry_run_counts_and_writes_nothing():
    post = make_post()
    warnings = []
    result = comments_bulk_import(
        batches=[[PostComments(post_id=None, source=SOURCE, comments=[record("a", "gone")])]],
        dry_run=True,
        warn=warnings.append,
    )
    assert result.created == 1 and len(warnings) == 1
    assert not Comment.objects.filter(post=post).exists()


@pytest.mark.parametrize("use_copy", WRITE_PATHS)
def test_rows_match_what_comment_create_writes_for_the_same_input(use_copy):
    """The bulk path and the form's service map the same input to the same columns, but for
    ``body_html``: the form's text is Markdown, an imported plain-text body keeps its own
    rendering (paragraphs and linked addresses)."""
    post = make_post()
    fields = {
        "author_name": "Ann <Lee>",
        "author_email": "ann@example.com",
        "author_url": "https://ann.example/",
        "ip_address": "2001:db8::1",
        "body": "First <b>line</b> & more:\nhttps://example.com/x\n\nSecond paragraph.",
        "created_at": WHEN,
        "status": Comment.Status.APPROVED,
        "kind": Comment.Kind.COMMENT,
    }

    def columns(comment, *ignored):
        values = Comment.objects.filter(pk=comment.pk).values().get()
        skip = {"id", "source", "source_id", "body_html", *ignored}
        return {k: v for k, v in values.items() if k not in skip}

    bulk_import(post, record("top", body_format=TEXT, **fields), use_copy=use_copy)
    made_top = comment_create(post=post, **fields)
    # A new thread's tree id is the next free one.
    assert columns(by_source_id("top"), "tree_id") == columns(made_top, "tree_id")

    bulk_import(post, record("reply", "top", body_format=TEXT, **fields), use_copy=use_copy)
    made_reply = comment_create(post=post, parent_id=by_source_id("top").pk, **fields)
    # The form's reply comes after the imported one, its older sibling.
    assert columns(by_source_id("reply"), "lft", "rght") == columns(made_reply, "lft", "rght")
    assert by_source_id("reply").body_html.startswith('<p dir="auto">First &lt;b&gt;line&lt;/b&gt;')


def test_a_batch_may_reply_to_a_comment_of_an_earlier_batch():
    post = make_post()
    with transaction.atomic():
        result = comments_bulk_import(
            batches=[
                [PostComments(post_id=post.pk, source=SOURCE, comments=[record("a")])],
                [PostComments(post_id=post.pk, source=SOURCE, comments=[record("a1", "a")])],
            ]
        )
    assert result.created == 2
    assert by_source_id("a1").parent == by_source_id("a")
    assert tree_problems(post=post) == []


@pytest.mark.parametrize(
    "html",
    [
        "<p>plain</p>",
        '<a href="javascript:alert(1)" onclick="x()">x</a><script>bad()</script>',
        '<a href="https://example.com" title="t">link</a><img src=x onerror=alert(1)>',
        "<blockquote><p>q</p></blockquote><style>p{}</style><iframe src=//x></iframe>",
        "unclosed <b>bold <i>both",
    ],
)
def test_imported_comment_html_is_sanitised(html):
    cleaned = render_comment_body(html, HTML)
    assert cleaned == sanitize_comment_html(html)
    for hostile in ("<script", "onclick", "onerror", "javascript:", "<style", "<iframe"):
        assert hostile not in cleaned


def test_wordpress_autop_bodies_get_paragraphs():
    two = render_comment_body("One\n\nTwo", "autop")
    assert two == '<p dir="auto">One</p><p dir="auto">Two</p>'
    assert render_comment_body("<p>Kept</p>\n", "autop") == '<p dir="auto">Kept</p>'


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("<p>Kept &amp; whole</p>", "<p>Kept &amp; whole</p>"),
        ("<p> </p>", ""),
        ("<p></p>", ""),
        ("<p>a\nb</p>", "<p>a<br>b</p>"),
        ("<p>a</p><p>b</p>", "<p>a</p><p>b</p>"),
        (" <p>x</p>", "<p>x</p>"),
        ("<P>x</P>", "<P>x</P>"),
        ("<p>x <em>y</em></p>", "<p>x <em>y</em></p>"),
    ],
)
def test_one_paragraph_bodies_come_out_as_every_other_body_does(stored, shown):
    """A body that is one plain paragraph skips autop's passes; the others take them. Both
    give what the passes gave before the shortcut existed."""
    assert autop(stored) == shown


@pytest.mark.django_db(transaction=True)
class TestTransactions:
    """These commit for real: the cache refresh runs on commit, and the refusal needs none."""

    def test_it_refuses_to_run_outside_a_transaction(self):
        post = make_post()
        with pytest.raises(TransactionManagementError):
            comments_bulk_import(
                batches=[[PostComments(post_id=post.pk, source=SOURCE, comments=[record("a")])]]
            )
        assert not Comment.objects.exists()

    def test_the_discussion_version_moves_on_commit_only(self):
        post = make_post()
        version = discussion_version(post.pk)
        with pytest.raises(RuntimeError), transaction.atomic():
            bulk_import(post, record("a"))
            raise RuntimeError("the import fails after the comments were written")
        assert discussion_version(post.pk) == version
        assert not Comment.objects.exists()
        bulk_import(post, record("a"))
        assert discussion_version(post.pk) > version
        assert connection.in_atomic_block is False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestLocks:
    """It waits for the same advisory locks ``comment_create`` takes (here: held elsewhere)."""

    @pytest.fixture
    def other_writer(self, settings):
        import psycopg2

        settings.COMMENTS_LOCK_TIMEOUT = 200  # ms: fail fast instead of waiting
        db = connection.settings_dict
        other = psycopg2.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
            dbname=db["NAME"],
        )  # fmt: skip

        def hold(key):
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])

        yield hold
        other.close()

    def test_new_threads_wait_for_the_new_thread_lock(self, other_writer):
        post = make_post()
        other_writer(NEW_THREAD_KEY)
        with pytest.raises(DatabaseError, match="lock"):
            bulk_import(post, record("a"))
        assert not Comment.objects.exists()

    def test_replies_to_a_stored_comment_wait_for_its_thread_lock(self, other_writer):
        post = make_post()
        bulk_import(post, record("a"))
        other_writer(by_source_id("a").tree_id)
        with pytest.raises(DatabaseError, match="lock"):
            bulk_import(post, record("a1", "a"))
        assert Comment.objects.count() == 1
