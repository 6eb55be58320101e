"""The archive exporters: the site's posts and comments as WXR 1.2 or JSON, streamed.

``archive.py`` chooses what an export holds (posts, comments through ``comments.selectors``,
spam and personal data by option); ``wxr.py`` and ``jsonformat.py`` write it, each as an
iterator of text chunks, and ``streaming.py`` hands one of them out in chunks read in one
snapshot, so a file, a terminal and an HTTP response take the same stream.
"""

from .archive import FORMATS, ExportOptions
from .streaming import export_chunks

__all__ = ["FORMATS", "ExportOptions", "export_chunks"]
