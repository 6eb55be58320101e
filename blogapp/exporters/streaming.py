"""An export as a stream of text: the posts of ``archive`` written by the format's writer, in
chunks, read in one snapshot of the database."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from .archive import ExportOptions, exported_posts
from .jsonformat import write_json
from .wxr import write_wxr

CHUNK_CHARS = 1 << 16  # characters per chunk handed to a file or an HTTP response
WRITERS = {"wxr": write_wxr, "json": write_json}


def export_chunks(options: ExportOptions) -> Iterator[str]:
    """The whole export as text chunks of about ``CHUNK_CHARS`` characters."""
    writer = WRITERS.get(options.format)
    if writer is None:
        raise ValueError(f"unknown export format {options.format!r}")
    return _in_one_snapshot(_chunked(writer(exported_posts(options), options)))


def _in_one_snapshot(chunks: Iterator[str]) -> Iterator[str]:
    """``chunks``, read in one transaction: on PostgreSQL a repeatable-read snapshot, so the
    export is the archive at one moment even while readers comment, and its server-side
    cursors stream rows (outside a transaction they would be WITH HOLD cursors, which the
    server copies whole before the first row). A generator, so a streamed HTTP response
    holds the transaction only while it is being sent."""
    with transaction.atomic():
        if connection.vendor == "postgresql" and not connection.savepoint_ids:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield from chunks


def _chunked(pieces: Iterable[str]) -> Iterator[str]:
    chunk: list[str] = []
    size = 0
    for piece in pieces:
        chunk.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)
