"""Archive importers: parsers per format (no Django) and one loader (Django).

``parse(path, fmt)`` yields :class:`~.records.PostRecord` objects; ``loader.load`` writes them.
"""

from .detect import detect_format, parse
from .errors import ImportFormatError
from .records import CommentRecord, PostRecord

__all__ = ["CommentRecord", "ImportFormatError", "PostRecord", "detect_format", "parse"]
