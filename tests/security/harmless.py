"""Reading a rendered page the way a browser would, looking for anything that could run."""

import re

from bs4 import BeautifulSoup

# The only scripts the site itself puts on a page.
SITE_SCRIPTS = {"/static/js/comments.js"}
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
         "template", "style", "noscript", "xss"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "cite", "ping", "dynsrc", "lowsrc"}  # fmt: skip
# Attributes that may hold a URL anywhere inside them.
URL_LIST_ATTRIBUTES = {"srcset", "content"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")


def _as_a_browser_reads_a_url(value):
    """Browsers drop leading controls and spaces and tabs/newlines anywhere (WHATWG URL).

    Stricter here: every ASCII control and space goes, wherever it is. Other invisible
    characters (e.g. U+200B) stay: they make the scheme invalid, so the URL is relative.
    """
    return "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()


def problems(html):
    """Everything on the page that could run script, as readable strings (empty: harmless)."""
    found = []
    page = BeautifulSoup(html, "html.parser")
    for tag in page.find_all(True):
        if tag.name == "script" and (tag.get("src") not in SITE_SCRIPTS or tag.get_text().strip()):
            found.append(f"script element: {str(tag)[:120]}")
        if tag.name in NEVER:
            found.append(f"<{tag.name}> element: {str(tag)[:120]}")
        if tag.name == "meta" and tag.get("http-equiv"):
            found.append(f"meta http-equiv: {tag}")
        for name, value in tag.attrs.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"{name} attribute on <{tag.name}>")
            if name == "style":
                found.append(f"style attribute on <{tag.name}>: {value[:80]}")
            for item in value if isinstance(value, list) else [value]:
                url = _as_a_browser_reads_a_url(item)
                starts = name in URL_ATTRIBUTES and url.startswith(SCRIPT_SCHEMES)
                inside = name in URL_LIST_ATTRIBUTES and any(s in url for s in SCRIPT_SCHEMES)
                if starts or inside:
                    found.append(f"script URL in {name} of <{tag.name}>: {item[:80]}")
    # A second opinion that does not depend on the parser: every "<script" is a real one.
    opened = len(re.findall(r"<script\b", html, flags=re.IGNORECASE))
    parsed = len(page.find_all("script"))
    if opened != parsed:
        found.append(f"{opened} '<script' in the raw page but {parsed} script elements")
    return found


def assert_harmless(response, context=""):
    html = response.content.decode()
    found = problems(html)
    assert not found, f"{context}: {found}"
