"""The parsers alone: plain records from files, no database."""

import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogapp.importers import ImportFormatError, detect_format, parse
from blogapp.importers.text import parse_text
from blogapp.importers.util import keep_or_slugify, slugify
from comments.converters import PostSlugConverter

from .conftest import (
    DISQUS,
    FIXTURES,
    TEXT_SAMPLE,
    TEXT_SAMPLE_TREE,
    WXR_10,
    WXR_11,
    WXR_THEME,
    sample,
)


def levels(comments):
    by_id = {c.source_id: c for c in comments}

    def level(c):
        return 0 if c.parent_source_id is None else 1 + level(by_id[c.parent_source_id])

    return [level(c) for c in comments]


def test_text_sample_tree_shape():
    [post] = parse(sample(TEXT_SAMPLE))
    assert post.title == "ISIS \u2018caliphate\u2019 crumbling?"
    assert post.slug == "isis-caliphate-crumbling"
    assert post.published_at == datetime(2017, 4, 27, tzinfo=UTC)
    assert post.body.startswith("The Guardian reports")
    assert post.body.endswith("spread out around the world.")
    pairs = zip(levels(post.comments), post.comments, strict=True)
    shape = [(lvl, c.author_name, c.kind) for lvl, c in pairs]
    assert shape == TEXT_SAMPLE_TREE
    assert sum(c.kind == "comment" for c in post.comments) == 17
    authorless = [c.body.split()[:2] for c in post.comments if not c.author_name]
    assert authorless == [["Indeed", "it"], ["Just", "a"], ["Name", "them"], ["Kim", "Jong"]]
    # Undated comments take their parent's date; the last Blazer reply is dated April 28.
    assert {c.created_at.day for c in post.comments} == {27, 28}
    assert post.comments[12].created_at == datetime(2017, 4, 28, tzinfo=UTC)
    # A body keeps its paragraphs and the continuation line of the marker line.
    kim = post.comments[11]
    assert "\nDifference is" in kim.body
    assert len({c.source_id for c in post.comments}) == 18


def test_text_source_ids_are_stable():
    first = next(parse_text(sample(TEXT_SAMPLE)))
    second = next(parse_text(sample(TEXT_SAMPLE)))
    assert [c.source_id for c in first.comments] == [c.source_id for c in second.comments]


def test_text_newer_export_keeps_the_old_keys():
    old = next(parse_text(FIXTURES / "text-v1.txt"))
    new = next(parse_text(FIXTURES / "text-v2.txt"))
    assert {c.source_id for c in old.comments} < {c.source_id for c in new.comments}


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("text-indent-jump.txt", 11, "indentation jumps"),
        ("text-bad-date.txt", 7, "unknown date 'Smarch 45, 2021'"),
    ],
)
def test_text_errors_name_the_line(name, line, words):
    with pytest.raises(ImportFormatError) as info:
        list(parse(FIXTURES / name))
    assert info.value.line == line
    assert words in str(info.value)
    assert str(FIXTURES / name) in str(info.value)
    assert f"line {line}" in str(info.value)


@pytest.mark.parametrize(
    ("stray", "words"),
    [
        (" • Bob", "odd indentation (1 space) for a reply"),
        ("   • Bob", "odd indentation (3 spaces) for a reply"),
        (" Stray words", "text indented 1 space inside the comment of line 5"),
        ("  Stray words", "text indented 2 spaces inside the comment of line 5"),
    ],
)
def test_text_indentation_errors_count_spaces_in_words(tmp_path, stray, words):
    path = tmp_path / "archive.txt"
    archive = ["A post", "", "Body.", "", "  1. Ann", "", "     /  June 3, 2021", "", "    Hello."]
    path.write_text("\n".join([*archive, "", stray]), encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        list(parse(path, "text"))
    assert words in str(info.value)
    assert info.value.line == len(archive) + 2


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=12),
            st.sampled_from(["", "1. ", "2. ", "• ", "\u00a0/\u00a0 ", "/ April 3, 2017", "x "]),
            st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
        ),
        max_size=40,
    )
)
def test_text_parser_parses_or_raises_with_a_line(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "archive.txt"
    path.write_text("\n".join(" " * i + a + b for i, a, b in lines), encoding="utf-8")
    try:
        posts = list(parse(path, "text"))
    except ImportFormatError as exc:
        assert exc.line is not None and exc.line >= 1
        assert str(path) in str(exc)
    else:
        assert len(posts) == 1
        for comment in posts[0].comments:
            assert comment.source_id and comment.location.startswith("line ")


def test_text_not_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Title\n\nBody\n\n  1. Caf\xe9\n")
    with pytest.raises(ImportFormatError, match="not UTF-8") as info:
        list(parse(path, "text"))
    assert info.value.line == 5


def test_wxr_theme_unit_test():
    warnings = []
    posts = list(parse(sample(WXR_THEME), warn=warnings.append))
    comments = [c for p in posts for c in p.comments]
    assert len(posts) == 58 + 21  # posts and pages; attachments and menu items skipped
    assert sum(bool(p.comments) for p in posts) == 7
    assert len(comments) == 33
    assert sum(c.status == "pending" for c in comments) == 3
    assert sum(c.kind == "pingback" for c in comments) == 2
    assert sum(c.kind == "trackback" for c in comments) == 2
    assert max(levels(comments)) == 9  # ten levels
    assert all(c.created_at and c.created_at.tzinfo is UTC for c in comments)
    # Nothing that was not public on WordPress becomes public here; each says so.
    hidden = {p.title: len(p.comments) for p in posts if not p.published}
    assert hidden == {
        "Scheduled": 0,
        "Draft": 0,
        'Template: Password Protected (the password is "enter")': 1,
    }
    assert [w.split("'")[1] for w in warnings] == [
        "Scheduled",
        "Draft",
        'Template: Password Protected (the password is "enter")',
    ]
    assert (
        "password-protected: imported as a draft, not published, with its 1 comment" in warnings[2]
    )
    by_title = {p.title: p for p in posts}
    pings = by_title["Template: Pingbacks And Trackbacks"].comments
    assert pings[0].author_name.startswith("Ping 1 \u00ab What\u2019s a tellyworth?")
    assert detect_format(WXR_THEME) == "wxr"


@pytest.mark.parametrize("path", [WXR_10, WXR_11])
def test_wxr_older_layouts_http_namespace(path):
    posts = list(parse(sample(path)))
    comments = [c for p in posts for c in p.comments]
    assert len(comments) == 1
    assert comments[0].author_name == "Mr WordPress"
    assert comments[0].author_url == "http://wordpress.org/"
    assert posts[0].source_id == "localhost/post/1"


def test_wxr_small_fixture_fields():
    [post] = parse(FIXTURES / "wxr-small-v1.xml")
    assert post.title == "Beans & peas" and post.slug == "beans-and-peas"
    assert post.published_at == datetime(2020, 5, 1, 8, tzinfo=UTC)
    by_author = {c.author_name: c for c in post.comments}
    assert by_author["Bob"].status == "pending"
    assert by_author["Spammer"].status == "spam"
    assert by_author["Other blog"].kind == "pingback"
    assert by_author["Ann"].ip_address == "192.0.2.10"
    # No GMT date: the local date in the site's zone (UTC here).
    assert by_author["Carl"].created_at == datetime(2020, 5, 2, 11, tzinfo=UTC)
    assert by_author["Carl"].parent_source_id == "garden.example/comment/11"


def test_disqus_sample_edge_cases():
    warnings = []
    posts = list(parse(sample(DISQUS), warn=warnings.append))
    assert detect_format(DISQUS) == "disqus"
    assert [p.source_id for p in posts] == ["2", "7"]  # thread 3 has no comments
    hello, redacted = posts
    assert hello.title == "Hello, World!"
    assert redacted.title == "Redacted" and redacted.slug == "redacted"  # empty title and id
    assert redacted.match_existing_slug
    status = {c.source_id: (c.status, c.parent_source_id) for c in hello.comments}
    assert status == {
        "4": ("approved", None),
        "5": ("approved", "4"),
        "9": ("removed", None),  # deleted parent ...
        "11": ("approved", "9"),  # ... with a live reply
    }
    assert len(warnings) == 2
    assert "dsq:id='6'" in warnings[0] and "1337" in warnings[0]
    # Thread 3, with an empty <id/> and no comments, is named, not dropped without a word.
    assert warnings[1] == "<thread dsq:id='3'> (line 28) has no comments: skipped"


def test_a_disqus_thread_without_comments_is_named_by_its_link(tmp_path):
    path = tmp_path / "empty-thread.xml"
    path.write_text(
        DISQUS_HEAD
        + disqus_thread("a")
        + disqus_thread("b")
        + disqus_post("1", "b")
        + "</disqus>\n"
    )
    warnings = []
    assert [p.source_id for p in parse(path, warn=warnings.append)] == ["b"]
    assert warnings == [
        "<thread dsq:id='a'> (line 3) 'https://old.example/a/' has no comments: skipped"
    ]


DISQUS_HEAD = (
    '<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com" '
    'xmlns:dsq="http://disqus.com/disqus-internals">\n'
)


def disqus_post(post_id, thread, parent=None, date="2020-01-01T10:00:00Z"):
    parent_tag = f'<parent dsq:id="{parent}"/>' if parent else ""
    return (
        f'<post dsq:id="{post_id}"><message>&lt;p&gt;Text {post_id}&lt;/p&gt;</message>'
        f"<createdAt>{date}</createdAt><author><name>N{post_id}</name></author>"
        f'<thread dsq:id="{thread}"/>{parent_tag}</post>\n'
    )


def disqus_thread(thread_id):
    return (
        f'<thread dsq:id="{thread_id}"><link>https://old.example/{thread_id}/</link>'
        f"<title>T{thread_id}</title></thread>\n"
    )


def test_disqus_threads_posts_spread_over_the_file(tmp_path):
    """Each thread gets exactly its own posts, in file order, wherever they are in the file."""
    path = tmp_path / "spread.xml"
    path.write_text(
        DISQUS_HEAD
        + disqus_post("1", "b")  # before its thread
        + disqus_thread("a")
        + disqus_post("2", "a")
        + disqus_post("3", "b", parent="1")
        + disqus_thread("b")
        + disqus_post("4", "a", parent="2")
        + disqus_post("5", "b", parent="3")
        + disqus_post("6", "a")
        + "</disqus>\n"
    )
    posts = list(parse(path))
    assert [(p.source_id, [c.source_id for c in p.comments]) for p in posts] == [
        ("a", ["2", "4", "6"]),
        ("b", ["1", "3", "5"]),
    ]
    five = posts[1].comments[2]
    assert (five.parent_source_id, five.author_name, five.body) == ("3", "N5", "<p>Text 5</p>")
    assert five.created_at == datetime(2020, 1, 1, 10, tzinfo=UTC)
    assert five.location == "<post dsq:id='5'>, line 9"


def test_disqus_bad_date_stops_before_any_thread_is_yielded(tmp_path):
    path = tmp_path / "bad-date.xml"
    path.write_text(
        DISQUS_HEAD
        + disqus_thread("a")
        + disqus_post("1", "a")
        + disqus_post("2", "a", date="yesterday")
        + "</disqus>\n"
    )
    records = parse(path)
    with pytest.raises(ImportFormatError) as info:
        next(records)
    assert info.value.element == "<post dsq:id='2'>" and info.value.line == 5
    assert "unknown date 'yesterday'" in str(info.value)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("wxr-entity-bomb.xml", "entity declarations are refused"),
        ("wxr-external-entity.xml", "entity declarations are refused"),
        ("wxr-bad.xml", "mismatched tag"),
        ("wxr-truncated.xml", "malformed XML"),
    ],
)
def test_xml_errors_name_element_and_line(name, words):
    with pytest.raises(ImportFormatError) as info:
        list(parse(FIXTURES / name))
    assert words in str(info.value)
    assert info.value.line is not None
    assert str(FIXTURES / name) in str(info.value)


def test_xml_error_inside_a_comment_names_it():
    with pytest.raises(ImportFormatError) as info:
        list(parse(FIXTURES / "wxr-bad.xml"))
    assert info.value.element == "<wp:comment> in <item> #1 (wp:post_id 7)"


def test_xml_that_is_neither_format(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<?xml version='1.0'?><feed><entry/></feed>")
    with pytest.raises(ImportFormatError):
        detect_format(path)


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Crème brûlée", "creme-brulee"),
        ("Επίπεδο 2", "επίπεδο-2"),
        ("Straße, ﬁne!", "straße-fine"),
        ("日本語 タイトル", "日本語-タイトル"),
        ("  -- Hello, World --  ", "hello-world"),
        ("?!", ""),
    ],
)
def test_slugify_keeps_other_scripts_and_takes_accents_off_latin_letters(title, slug):
    assert slugify(title) == slug


@given(st.text(max_size=300))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_every_slug_made_is_one_the_post_address_accepts_and_is_kept_as_it_is(text):
    slug = slugify(text)
    assert slug == "" or re.fullmatch(PostSlugConverter.regex, slug)
    assert len(slug) <= 200
    assert keep_or_slugify(slug) == (slug or slugify(slug))
