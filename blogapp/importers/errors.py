"""The one error a parser raises for a file it cannot read."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ImportFormatError(Exception):
    """A malformed archive: carries the file and where in it (``line N`` or an element)."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        element: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.element = element

    @property
    def location(self) -> str:
        parts = []
        if self.element:
            parts.append(self.element)
        if self.line is not None:
            parts.append(_("line %(line)d") % {"line": self.line})
        return ", ".join(parts) or _("whole file")

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.location}: {self.message}"
