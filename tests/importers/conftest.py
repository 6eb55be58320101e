from pathlib import Path

import pytest

# The shared samples live beside the repository (CI clones it next to ``shared/``).
SAMPLES = (Path(__file__).resolve().parents[2] / "../shared/samples").resolve()
FIXTURES = Path(__file__).resolve().parent / "fixtures"

TEXT_SAMPLE = SAMPLES / "text-archive/isis-caliphate-crumbling.txt"
WXR_THEME = SAMPLES / "wxr/themeunittestdata.wordpress.xml"
WXR_10 = SAMPLES / "wxr/valid-wxr-1.0.xml"
WXR_11 = SAMPLES / "wxr/valid-wxr-1.1.xml"
DISQUS = SAMPLES / "disqus/disqus-export.xml"


def sample(path: Path) -> str:
    if not path.exists():
        pytest.skip(f"shared sample {path} is absent (expected ../shared/samples beside the repo)")
    return str(path)


# The text sample's whole tree in page order: (level, author, kind); "" = the author was lost.
TEXT_SAMPLE_TREE = [
    (0, "Gezza", "comment"),
    (1, "Corky", "comment"),
    (2, "Brown", "comment"),
    (3, "MaureenW", "comment"),
    (0, "Alan Wilkinson", "comment"),
    (0, "", "comment"),
    (1, "Gezza", "comment"),
    (2, "", "comment"),
    (0, "Blazer", "comment"),
    (1, "", "comment"),
    (2, "Blazer", "comment"),
    (3, "", "comment"),
    (4, "Blazer", "comment"),
    (0, "Kitty Catkin", "comment"),
    (1, "Gezza", "comment"),
    (2, "Gezza", "comment"),
    (3, "Gezza", "comment"),
    (0, "ISIS \u2018caliphate\u2019 crumbling? \u2013 NZ Conservative Coalition", "pingback"),
]
