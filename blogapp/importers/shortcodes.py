"""WordPress's core shortcodes in imported posts, as the HTML they stand for.

WordPress stores ``[caption]``, ``[embed]``, ``[audio]``, ``[video]``, ``[gallery]`` and
``[playlist]`` in a post as text and expands them when it shows the post; imported as they are
they would show as code ("[gallery columns="2" ids="770,771"]"). Here a caption becomes a
``<figure>`` with its ``<figcaption>``, an embed, an audio or a video a link to its address, and
a gallery or a playlist nothing: they list the old site's attachments, which are not imported.
Any other bracketed text stays as it is ("[1]", "[sic]" are the writer's), and so does a
shortcode written to be shown, as WordPress escapes one: "[[gallery]]" reads "[gallery]".
"""

import html
import re

_FLAGS = re.IGNORECASE | re.DOTALL
_OPEN = r"(?<!\[)\["  # "[[" escapes a shortcode
# An enclosed part never runs over the next shortcode of its kind: a missing closing tag
# leaves that shortcode as it is instead of swallowing the text up to a later one's.
_CAPTION = re.compile(
    _OPEN + r"(caption|wp_caption)\b([^\]]*)\]((?:(?!\[(?:caption|wp_caption)\b).)*?)\[/\1\]",
    _FLAGS,
)
_MEDIA_FIRST = re.compile(r"\s*(<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>)(.*)", _FLAGS)
_EMBED = re.compile(_OPEN + r"embed\b[^\]]*\]((?:(?!\[embed\b).)*?)\[/embed\]", _FLAGS)
_AUDIO_VIDEO = re.compile(
    _OPEN + r"(audio|video)\b([^\]]*)\](?:((?:(?!\[(?:audio|video)\b).)*?)\[/\1\])?", _FLAGS
)
_LISTS = re.compile(_OPEN + r"(?:gallery|playlist)\b[^\]]*\]", _FLAGS)
_ESCAPED = re.compile(
    r"\[(\[/?(?:caption|wp_caption|embed|audio|video|gallery|playlist)\b[^\]]*\])\]", _FLAGS
)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))|(\S+)""")
# The attributes that name a media file, in the order WordPress looks at them.
_MEDIA_SOURCES = ("src", "mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv", "flv")
_URL = re.compile(r"https?://[^\s\"'<>\[\]]+", re.IGNORECASE)


def expand_shortcodes(body: str) -> str:
    """``body`` with WordPress's core shortcodes replaced by plain HTML."""
    if "[" not in body:
        return body
    body = _CAPTION.sub(_figure, body)
    body = _EMBED.sub(lambda match: _link(match.group(1).strip()), body)
    body = _AUDIO_VIDEO.sub(_media_link, body)
    body = _LISTS.sub("", body)
    return _ESCAPED.sub(r"\1", body)


def _attributes(text):
    """Named attributes, and the positional ones under their index ("0", "1"…)."""
    found, position = {}, 0
    for name, double, single, bare, positional in _ATTRIBUTE.findall(text):
        if name:
            found[name.lower()] = double or single or bare
        else:
            found[str(position)] = positional
            position += 1
    return found


def _figure(match):
    attributes = _attributes(match.group(2))
    inner = match.group(3)
    media = _MEDIA_FIRST.match(inner)
    image, caption = (media.group(1), media.group(2)) if media else ("", inner)
    caption = attributes.get("caption") or caption.strip()
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{image}{figcaption}</figure>"


def _media_link(match):
    attributes = _attributes(match.group(2))
    for name in (*_MEDIA_SOURCES, "0"):
        if _URL.fullmatch(attributes.get(name, "")):
            return _link(attributes[name])
    inner = _URL.search(html.unescape(match.group(3) or ""))  # an address given as its content
    return _link(inner.group(0)) if inner else ""


def _link(url):
    """A paragraph with a link to ``url``; nothing if it is not a web address."""
    url = html.unescape(url)
    if not _URL.fullmatch(url):
        return ""
    shown = html.escape(url)
    return f'<p><a href="{shown}">{shown}</a></p>'
