"""Offline, read-only access to a server's archive directory."""

from __future__ import annotations

import os
from typing import Iterator

from newswire import _core
from newswire.article import Article
from newswire.client import Event
from newswire.search import Searchable
from newswire.v1 import feed_pb2

__all__ = ["Archive"]

# Events read from the file per step while iterating.
_BATCH = 512


class Archive(Searchable):
    """The archive in ``path`` (a server's data directory), read-only and
    without a server: ``get``, ``search`` (as Client.search) and ``events``.
    Works beside a running server on the same directory, seeing what it has
    committed; it never locks or writes the archive."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._core = _core.Archive(os.fspath(path))

    def get(self, id: str, version: int | None = None) -> Article:
        """An article, its current version unless ``version`` is given.
        Raises NotFoundError (a KeyError) if there is none."""
        data = self._core.get(id, version or 0)
        return Article.from_pb(feed_pb2.GetArticleResponse.FromString(data).article)

    def events(self, after: int = 0) -> Iterator[Event]:
        """The stored events with sequence > ``after``, in order, each with
        its full article; ends at the newest event when iteration reaches it."""
        while True:
            batch = self._core.read_after(after, _BATCH)
            for data in batch:
                event = Event.from_pb(feed_pb2.FeedEvent.FromString(data))
                after = event.sequence
                yield event
            if len(batch) < _BATCH:
                return

    @property
    def head_sequence(self) -> int:
        """The sequence of the newest event."""
        return self._core.head_sequence()

    def _search(self, request: bytes, timeout: float) -> bytes:
        return self._core.search(request)

    def close(self) -> None:
        """Releases the file. Idempotent."""
        self._core = None  # type: ignore[assignment]

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
