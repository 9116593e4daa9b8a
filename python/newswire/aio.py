"""newswire for asyncio: the same client, without blocking the event loop.

    import asyncio, newswire.aio

    async def main():
        async with newswire.aio.Client("127.0.0.1:50051") as client:
            async for event in client.subscribe(places=["Kyiv"], heartbeat=5.0):
                if event.kind == "CAUGHT_UP":
                    print("live from", event.head_sequence)

    asyncio.run(main())

Calls run the C++ client on worker threads (it releases the GIL while it
waits). A subscription's events are taken on the loop's thread; when none
has arrived, one thread per stream waits for and reads the next, without
the GIL.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import threading
from typing import Any, Callable, Sequence, TypeVar

from newswire import _core, client as _client
from newswire.access import Account, ApiKey, AuditEntry
from newswire.article import Article
from newswire.client import Event, PublishResult, subscribe_request
from newswire.search import SearchPage

__all__ = ["Client", "Subscription"]

# How long the reader thread waits for an event before looking whether the
# subscription was closed.
_POLL_SECONDS = 0.1


class Subscription:
    """An async iterator over a live feed (``async for event in sub``).
    Close it, or leave its ``async with`` block, to end the stream.

    Events are taken on the loop's thread, ``batch`` at a time; when none
    has arrived, a helper thread waits for and reads the next (without the
    GIL), and wakes the loop."""

    def __init__(self, stream: _core.EventStream, batch: int) -> None:
        self._stream = stream
        self._loop = asyncio.get_running_loop()
        self._batch = max(1, batch)
        # Events taken, not yet returned, the next one last: pop() lets go
        # of each as it is returned, so a dropped event is freed at once.
        self._ready: list[Event] = []
        self._arrived = asyncio.Event()
        # Set by the loop when it found nothing to take; the waiter thread
        # then waits for the stream and sets _arrived.
        self._wanted = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._wait, name="newswire-aio", daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        """Waiter thread: whenever the loop wants events, waits until the
        stream has some (or ended) and wakes the loop."""
        while not self._closed.is_set():
            if not self._wanted.wait(_POLL_SECONDS):
                continue
            if not self._stream.wait_ready(_POLL_SECONDS):
                continue
            self._wanted.clear()
            try:
                self._loop.call_soon_threadsafe(self._arrived.set)
            except RuntimeError:
                return  # The loop is gone.

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        if self._ready:  # The common case: one was taken already.
            return self._ready.pop()
        return await self._take()

    async def _take(self) -> Event:
        """The first event of the next batch, waiting for one if need be.
        Cancelling the wait loses nothing: events stay in the stream."""
        while True:
            if self._closed.is_set():
                raise StopAsyncIteration
            try:
                events = self._stream.next_events(0.0, self._batch, Event)
            except BaseException:
                self._closed.set()  # The stream ended: so does the waiter.
                raise
            if events:
                events.reverse()
                self._ready = events
                return events.pop()
            self._arrived.clear()
            self._wanted.set()
            await self._arrived.wait()

    async def next(self, timeout: float | None = None) -> Event | None:
        """The next event, or None if none comes within ``timeout`` seconds
        (or the subscription was closed). Raises the error the stream ended
        with, e.g. UnavailableError when the server went away."""
        try:
            return await asyncio.wait_for(self.__anext__(), timeout)
        except (asyncio.TimeoutError, StopAsyncIteration):
            return None

    async def close(self) -> None:
        """Ends the stream. Idempotent."""
        if not self._closed.is_set():
            self._closed.set()
            self._ready = []
            self._stream.cancel()
        await asyncio.to_thread(self._thread.join)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


_F = TypeVar("_F", bound=Callable[..., Any])


def _documented_as(method: Callable[..., Any]) -> Callable[[_F], _F]:
    """Gives the decorated coroutine function ``method``'s docstring: it
    does the same, awaited."""
    def document(function: _F) -> _F:
        function.__doc__ = method.__doc__
        return function
    return document


class Client:
    """An asyncio client of a newswire server at ``target`` ("HOST:PORT");
    the constructor and methods take the same arguments as
    newswire.Client's (``key``, ``tls_ca``, ``tls_cert``, ``tls_key``,
    ``tls_server_name``)."""

    def __init__(self, target: str = _client.DEFAULT_SERVER, **options: Any) -> None:
        self._sync = _client.Client(target, **options)
        self.target = target

    @_documented_as(_client.Client.whoami)
    async def whoami(self, timeout: float = 30.0) -> Account:
        return await asyncio.to_thread(self._sync.whoami, timeout)

    @_documented_as(_client.Client.create_key)
    async def create_key(self, name: str, scopes: Sequence[str],
                         **options: Any) -> tuple[ApiKey, str]:
        return await asyncio.to_thread(self._sync.create_key, name, scopes, **options)

    @_documented_as(_client.Client.list_keys)
    async def list_keys(self, timeout: float = 30.0) -> list[ApiKey]:
        return await asyncio.to_thread(self._sync.list_keys, timeout)

    @_documented_as(_client.Client.revoke_key)
    async def revoke_key(self, id: str, timeout: float = 30.0) -> ApiKey:
        return await asyncio.to_thread(self._sync.revoke_key, id, timeout)

    @_documented_as(_client.Client.rotate_key)
    async def rotate_key(self, id: str, grace: float = 86400.0,
                         timeout: float = 30.0) -> tuple[ApiKey, str]:
        return await asyncio.to_thread(self._sync.rotate_key, id, grace, timeout)

    @_documented_as(_client.Client.audit)
    async def audit(self, since: _dt.datetime | None = None, limit: int = 1000,
                    timeout: float = 30.0) -> list[AuditEntry]:
        return await asyncio.to_thread(self._sync.audit, since, limit, timeout)

    @_documented_as(_client.Client.publish)
    async def publish(self, article: Article | str, timeout: float = 30.0) -> PublishResult:
        return await asyncio.to_thread(self._sync.publish, article, timeout)

    @_documented_as(_client.Client.get)
    async def get(self, id: str, version: int | None = None, timeout: float = 30.0) -> Article:
        return await asyncio.to_thread(self._sync.get, id, version, timeout)

    @_documented_as(_client.Client.search)
    async def search(self, query: str = "", **options: Any) -> SearchPage:
        return await asyncio.to_thread(self._sync.search, query, **options)

    def subscribe(self, start: str | int | _dt.datetime = "latest", view: str = "headline", *, batch: int = 512,
                  **options: Any) -> Subscription:
        """As newswire.Client.subscribe, as an async iterator; events are
        taken from the stream at most ``batch`` at a time. Call it from a
        coroutine (it needs the running loop)."""
        request = subscribe_request(start, view, **options)
        return Subscription(self._sync._core.subscribe(request.SerializeToString()), batch)

    async def close(self) -> None:
        """Releases the client."""

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
