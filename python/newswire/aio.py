"""newswire for asyncio: the same client, without blocking the event loop.

    import asyncio, newswire.aio

    async def main():
        async with newswire.aio.Client("127.0.0.1:50051") as client:
            async for event in client.subscribe(places=["Kyiv"], heartbeat=5.0):
                if event.kind == "CAUGHT_UP":
                    print("live from", event.head_sequence)

    asyncio.run(main())

Calls run the C++ client on worker threads (it releases the GIL while it
waits); a subscription's events are read ahead by one thread per stream,
at most ``buffer`` at a time, and handed to the loop in batches.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from typing import Any, Iterator, Sequence

from newswire import _core, client as _client
from newswire.access import Account, ApiKey, AuditEntry
from newswire.article import Article
from newswire.client import Event, PublishResult, events_of, subscribe_request
from newswire.search import SearchPage

__all__ = ["Client", "Subscription"]

# How long the reader thread waits for an event before looking whether the
# subscription was closed.
_POLL_SECONDS = 0.1


class Subscription:
    """An async iterator over a live feed (``async for event in sub``).
    Close it, or leave its ``async with`` block, to end the stream."""

    def __init__(self, stream: _core.EventStream, buffer: int) -> None:
        self._stream = stream
        self._loop = asyncio.get_running_loop()
        # On the loop's thread: batches arrived, the one being taken, and
        # how the stream ended.
        self._batches: collections.deque[bytes] = collections.deque()
        self._ready: Iterator[Event] = iter(())
        self._taking = False
        self._error: BaseException | None = None
        self._arrived = asyncio.Event()
        # Shared with the reader thread: batches handed over and not yet
        # taken in full, at most two of buffer / 2 events each.
        self._space = threading.Condition()
        self._unfinished = 0
        self._batch = max(1, buffer // 2)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._read, name="newswire-aio", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        """Reader thread: stream → loop, a batch per hand-over, until closed
        or the stream ends."""
        try:
            while not self._closed.is_set():
                with self._space:
                    if not self._space.wait_for(lambda: self._unfinished < 2,
                                                timeout=_POLL_SECONDS):
                        continue
                frames = self._stream.next_frames(_POLL_SECONDS, self._batch)
                if not frames:
                    continue
                with self._space:
                    self._unfinished += 1
                self._loop.call_soon_threadsafe(self._arrive, frames, None)
        except BaseException as error:  # The stream ended: tell the consumer.
            if not self._closed.is_set():
                try:
                    self._loop.call_soon_threadsafe(self._arrive, b"", error)
                except RuntimeError:
                    pass  # The loop is gone.

    def _arrive(self, frames: bytes, error: BaseException | None) -> None:
        if frames:
            self._batches.append(frames)
        if error is not None:
            self._error = error
        self._arrived.set()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        for event in self._ready:  # The common case: one was read ahead.
            return event
        return await self._next_batch()

    async def _next_batch(self) -> Event:
        """The first event of the next batch, waiting for one to arrive."""
        if self._taking:  # The batch being taken is done: make room for another.
            self._taking = False
            with self._space:
                self._unfinished -= 1
                self._space.notify()
        while True:
            if self._batches:
                self._ready = events_of(self._batches.popleft())
                self._taking = True
                for event in self._ready:
                    return event
            if self._error is not None:
                self._closed.set()
                raise self._error
            if self._closed.is_set():
                raise StopAsyncIteration
            self._arrived.clear()
            await self._arrived.wait()

    async def next(self, timeout: float | None = None) -> Event | None:
        """The next event, or None if none comes within ``timeout`` seconds."""
        try:
            return await asyncio.wait_for(self.__anext__(), timeout)
        except asyncio.TimeoutError:
            return None

    async def close(self) -> None:
        """Ends the stream. Idempotent."""
        if not self._closed.is_set():
            self._closed.set()
            self._ready = iter(())
            self._stream.cancel()
        await asyncio.to_thread(self._thread.join)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Client:
    """An asyncio client of a newswire server at ``target`` ("HOST:PORT");
    the constructor and methods take the same arguments as
    newswire.Client's (``key``, ``tls_ca``, ``tls_cert``, ``tls_key``,
    ``tls_server_name``)."""

    def __init__(self, target: str = _client.DEFAULT_SERVER, **options: Any) -> None:
        self._sync = _client.Client(target, **options)
        self.target = target

    async def whoami(self, timeout: float = 30.0) -> Account:
        return await asyncio.to_thread(self._sync.whoami, timeout)

    async def create_key(self, name: str, scopes: Sequence[str],
                         **options: Any) -> tuple[ApiKey, str]:
        return await asyncio.to_thread(self._sync.create_key, name, scopes, **options)

    async def list_keys(self, timeout: float = 30.0) -> list[ApiKey]:
        return await asyncio.to_thread(self._sync.list_keys, timeout)

    async def revoke_key(self, id: str, timeout: float = 30.0) -> ApiKey:
        return await asyncio.to_thread(self._sync.revoke_key, id, timeout)

    async def rotate_key(self, id: str, grace: float = 86400.0,
                         timeout: float = 30.0) -> tuple[ApiKey, str]:
        return await asyncio.to_thread(self._sync.rotate_key, id, grace, timeout)

    async def audit(self, since: Any = None, limit: int = 1000,
                    timeout: float = 30.0) -> list[AuditEntry]:
        return await asyncio.to_thread(self._sync.audit, since, limit, timeout)

    async def publish(self, article: Article | str, timeout: float = 30.0) -> PublishResult:
        return await asyncio.to_thread(self._sync.publish, article, timeout)

    async def get(self, id: str, version: int | None = None, timeout: float = 30.0) -> Article:
        return await asyncio.to_thread(self._sync.get, id, version, timeout)

    async def search(self, query: str = "", **options: Any) -> SearchPage:
        return await asyncio.to_thread(self._sync.search, query, **options)

    def subscribe(self, start: Any = "latest", view: str = "headline", *, buffer: int = 1024,
                  **options: Any) -> Subscription:
        """As newswire.Client.subscribe, as an async iterator; at most
        ``buffer`` events are read ahead of the consumer. Call it from a
        coroutine (it needs the running loop)."""
        request = subscribe_request(start, view, **options)
        return Subscription(self._sync._core.subscribe(request.SerializeToString()), buffer)

    async def close(self) -> None:
        """Releases the client."""

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
