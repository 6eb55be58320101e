"""WordPress's core shortcodes in imported posts become the HTML they stand for."""

import re

import pytest

from blogapp.importers.shortcodes import expand_shortcodes
from blogapp.models import Post

from .conftest import WXR_THEME, sample
from .test_import_command import run

IMAGE = '<a href="https://ex.org/x.jpg"><img src="https://ex.org/x.jpg" alt="X" /></a>'


@pytest.mark.parametrize(
    "body, html",
    [
        (f'[caption id="a_1" width="640"]{IMAGE} A <em>fine</em> day.[/caption]',
         f"<figure>{IMAGE}<figcaption>A <em>fine</em> day.</figcaption></figure>"),
        ('[caption caption="Old style"]<img src="https://ex.org/y.jpg" />[/caption]',
         '<figure><img src="https://ex.org/y.jpg" /><figcaption>Old style</figcaption></figure>'),
        ("[embed]https://video.example/watch?v=1&amp;t=2[/embed]",
         '<p><a href="https://video.example/watch?v=1&amp;t=2">'
         "https://video.example/watch?v=1&amp;t=2</a></p>"),
        ("[audio https://ex.org/a.mp3]", '<p><a href="https://ex.org/a.mp3">https://ex.org/a.mp3</a></p>'),
        ('[video width="640" mp4="https://ex.org/v.mp4"][/video]',
         '<p><a href="https://ex.org/v.mp4">https://ex.org/v.mp4</a></p>'),
        ('See [gallery columns="2" ids="770,771"] and [playlist ids="3"].', "See  and ."),
        ("Footnote [1], [sic] and a [video] of nothing.", "Footnote [1], [sic] and a  of nothing."),
        ("Type [[gallery]] to show one.", "Type [gallery] to show one."),
        # A shortcode left open never swallows the text up to a later one's end.
        ("[caption]<img src='a'> no end. [caption]<img src='b'> B[/caption]",
         "[caption]<img src='a'> no end. <figure><img src='b'><figcaption>B</figcaption></figure>"),
        ("[audio https://ex.org/a.mp3] keep me [audio]https://ex.org/b.mp3[/audio]",
         '<p><a href="https://ex.org/a.mp3">https://ex.org/a.mp3</a></p> keep me '
         '<p><a href="https://ex.org/b.mp3">https://ex.org/b.mp3</a></p>'),
    ],
)  # fmt: skip
def test_expand_shortcodes(body, html):
    assert expand_shortcodes(body) == html


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_theme_test_posts_show_no_shortcodes():
    run(sample(WXR_THEME))
    shortcode = re.compile(r"(?<!\[)\[/?(caption|embed|audio|video|gallery|playlist)\b")
    leftover = {
        post.title: shortcode.search(post.body_html).group(0)
        for post in Post.objects.all()
        if shortcode.search(post.body_html)
    }
    assert leftover == {}
    alignment = Post.objects.get(title="Markup: Image Alignment").body_html
    assert "<figcaption>Feels good to be right all the time.</figcaption>" in alignment
    assert alignment.count("<figure>") == 5  # its five captioned images
