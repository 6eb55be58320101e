"""Parsing the next batch while the database works on this one.

The parsers are plain Python without Django, so a worker thread can read the file while the
loading thread writes: the worker never touches the database, and every query stays on the
loading thread, its connection and its transaction.

The worker takes records only while ``waiting`` is set, that is while the loading thread
waits: for PostgreSQL to finish a batch's rows (``comments_bulk_import(database_busy=…)``) or
for the worker itself. The two threads then never compete for Python's interpreter lock; a
worker free to run at any time made the import no faster (bench/README.md).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.utils import translation

from .records import PostRecord


class ReadAhead:
    """The batches of ``records``, each read by a worker thread while the one before is written.

    Iterate on the loading thread. One batch is read ahead at most. The parser's warnings
    (sent through ``keep_warning``) come out with their batch, through ``report``, so they are
    reported in file order; a parser's error is raised on the loading thread.
    """

    def __init__(
        self,
        records: Iterable[PostRecord],
        *,
        batches: Callable[[Iterable[PostRecord]], Iterator[list[PostRecord]]],
        report: Callable[[str], None],
    ):
        self.waiting = threading.Event()
        self._records = records
        self._batches = batches(self._while_loading_thread_waits(records))
        self._report = report
        self._reader_thread: threading.Thread | None = None
        self._warnings: list[str] = []  # the parser's, for the batch being read
        self._stopping = False
        # The active language is per thread: the parser's messages speak the operator's.
        self._language = translation.get_language()

    def keep_warning(self, message: str) -> bool:
        """Hold a warning the parser gives while reading ahead; False on any other thread."""
        if threading.current_thread() is not self._reader_thread:
            return False
        self._warnings.append(message)
        return True

    def __iter__(self) -> Iterator[list[PostRecord]]:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as reader:
            pending = reader.submit(self._read_batch)
            try:
                while True:
                    batch, warnings = self._wait_for(pending)
                    for message in warnings:
                        self._report(message)
                    if batch is None:
                        return
                    pending = reader.submit(self._read_batch)
                    yield batch
            finally:
                # Stopped early (an error while writing): let the reader stop, then close the
                # parser (a Disqus parser removes its temporary file).
                self._stopping = True
                with contextlib.suppress(Exception):  # the first error is the one to report
                    self._wait_for(pending)
                self._batches.close()
                if hasattr(self._records, "close"):
                    self._records.close()

    def _wait_for(self, pending: Future):
        self.waiting.set()
        try:
            return pending.result()
        finally:
            self.waiting.clear()

    def _read_batch(self):
        """On the reader thread: the next batch (None at the end) and the parser's warnings."""
        self._reader_thread = threading.current_thread()
        with translation.override(self._language):
            batch = next(self._batches, None)
        warnings, self._warnings = self._warnings, []
        return batch, warnings

    def _while_loading_thread_waits(self, records: Iterable[PostRecord]) -> Iterator[PostRecord]:
        """On the reader thread: the parser's records, each taken while the loading thread waits."""
        for record in records:
            self.waiting.wait()
            if self._stopping:
                return
            yield record
