"""Client and in-process Server for a newswire feed."""

from __future__ import annotations

import datetime as _dt
import os
import time
from operator import itemgetter
from typing import Any, Callable, Iterator, NamedTuple, Sequence

from newswire import _core
from newswire.access import Account, ApiKey, AuditEntry, account_from_pb, key_request
from newswire.article import Article, proto_timestamp, wrap_message
from newswire.search import Searchable, fill_filter, view_value
from newswire.v1 import access_pb2, article_pb2, feed_pb2

__all__ = ["Client", "Event", "PublishResult", "Server", "Subscription", "parse_text"]

DEFAULT_SERVER = "127.0.0.1:50051"

# How often a waiting subscription returns to Python, so Ctrl-C
# (KeyboardInterrupt) is raised promptly.
_POLL_SECONDS = 0.1

_STARTS = {
    "latest": feed_pb2.SubscribeRequest.START_LATEST,
    "earliest": feed_pb2.SubscribeRequest.START_EARLIEST,
}


def subscribe_request(start: str | int | _dt.datetime = "latest", view: str = "headline", *,
                      places: Sequence[str] = (), subjects: Sequence[str] = (),
                      people: Sequence[str] = (), organisations: Sequence[str] = (),
                      sources: Sequence[str] = (), keywords: Sequence[str] = (),
                      languages: Sequence[str] = (), min_urgency: int = 0,
                      query: str = "", exclude_duplicates: bool = False,
                      heartbeat: float | None = None,
                      every_version: bool = False) -> feed_pb2.SubscribeRequest:
    """The SubscribeRequest for Client.subscribe's arguments."""
    request = feed_pb2.SubscribeRequest()
    if isinstance(start, _dt.datetime):
        request.start = feed_pb2.SubscribeRequest.START_SINCE
        request.since.CopyFrom(proto_timestamp(start, "start"))
    elif isinstance(start, int) and not isinstance(start, bool):
        request.start = feed_pb2.SubscribeRequest.START_AFTER_SEQUENCE
        request.after_sequence = start
    elif isinstance(start, str) and start in _STARTS:
        request.start = _STARTS[start]
    else:
        raise ValueError("start must be 'latest', 'earliest', a sequence number or a "
                         f"datetime, got {start!r}")
    request.view = view_value(view)
    fill_filter(request.filter, places=places, subjects=subjects, people=people,
                organisations=organisations, sources=sources, keywords=keywords,
                languages=languages, exclude_duplicates=exclude_duplicates)
    request.filter.min_urgency = min_urgency
    request.filter.query = query
    if heartbeat is not None:
        request.heartbeat_interval.FromNanoseconds(int(heartbeat * 1e9))
    request.every_version = every_version
    return request


def parse_text(text: str | bytes) -> Article:
    """Parses a plain-text article (headline, optional "By" line, dateline,
    paragraphs) from text or UTF-8 bytes; the dateline's city and country
    become ``places`` ("KYIV, Ukraine": Kyiv, Ukraine). Raises InvalidArgumentError (a
    ValueError) naming the problem: empty input, no headline, invalid
    UTF-8, input over 4 MiB. Control characters are removed (the text is
    taken as text: a NUL is removed, not a sign of a binary file)."""
    if isinstance(text, str):
        # surrogatepass lets a lone surrogate through, for the parser to
        # report with its offset instead of a codec error.
        text = text.encode("utf-8", "surrogatepass")
    return wrap_message(_core.parse_text(bytes(text)))


class PublishResult(NamedTuple):
    """What a publish did. ``sequence`` is the event's position in the feed;
    for a ``duplicate`` it is that of the first publish. ``held``: the
    article is embargoed until later; the server publishes it (as an
    event, with a sequence) when the embargo ends."""

    id: str
    version: int
    sequence: int
    duplicate: bool
    held: bool = False


_KIND_NAMES = {
    value: name.removeprefix("EVENT_KIND_")
    for name, value in feed_pb2.EventKind.items()
}


_KNOWN_KINDS = frozenset(_KIND_NAMES.values())

# Event.article, in C (module events.cc): the article kept in the event's
# last item, or else the serialized one parsed, wrapped and kept.
_get_article: Callable[[Event], Article | None] = _core.article_getter(
    Article, article_pb2.Article.FromString, vars(Article)["_pb"])


class Event(tuple[Any, ...]):
    """One event of the feed. ``kind`` is "PUBLISHED", "UPDATED", "KILLED",
    "HEARTBEAT" or "CAUGHT_UP"; ``article`` is None for the last two, which
    carry ``head_sequence`` instead.

    Events are made in C as they arrive and hold the article serialized:
    it is parsed the first time ``article`` is read (and kept), so an event
    costs little until it is used. (An Event is a tuple underneath, as
    ``os.stat_result`` is; use the attributes.)"""

    __slots__ = ()

    sequence: int = property(itemgetter(0),  # type: ignore[assignment]
                             doc="The event's position in the feed (0 for HEARTBEAT and "
                             "CAUGHT_UP): resume after it with subscribe(start=sequence).")
    kind: str = property(itemgetter(1),  # type: ignore[assignment]
                         doc='"PUBLISHED", "UPDATED", "KILLED", "HEARTBEAT" or "CAUGHT_UP".')
    head_sequence: int = property(itemgetter(2),  # type: ignore[assignment]
                                  doc="The newest sequence stored when the event was sent.")
    article: Article | None = property(_get_article,  # type: ignore[assignment]
                                       doc="The article version (None for HEARTBEAT and "
                                       "CAUGHT_UP), parsed when first read.")

    def __new__(cls, sequence: int = 0, kind: str = "",
                published_at: _dt.datetime | None = None, article: Article | None = None,
                head_sequence: int = 0) -> Event:
        seconds, nanos = None, 0
        if published_at is not None:
            stamp = proto_timestamp(published_at, "published_at")
            seconds, nanos = stamp.seconds, stamp.nanos
        data = article.to_bytes() if article is not None else None
        return _make_event(cls, (sequence, kind, head_sequence, seconds, nanos, data))

    @classmethod
    def from_pb(cls, event: feed_pb2.FeedEvent) -> Event:
        """The event a FeedEvent message holds."""
        seconds = event.published_at.seconds if event.HasField("published_at") else None
        data = event.article.SerializeToString() if event.HasField("article") else None
        return _make_event(cls, (event.sequence, _KIND_NAMES.get(event.kind) or str(event.kind),
                                 event.head_sequence, seconds, event.published_at.nanos, data))

    @property
    def published_at(self) -> _dt.datetime | None:
        """When the server published the event (timezone-aware), or None."""
        seconds = self[3]
        if seconds is None:
            return None
        return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc) + _dt.timedelta(
            microseconds=self[4] // 1000)

    @property
    def pb(self) -> feed_pb2.FeedEvent:
        """The event as a FeedEvent message (a new one at each read)."""
        message = feed_pb2.FeedEvent(sequence=self[0], head_sequence=self[2])
        kind = self[1]
        if kind in _KNOWN_KINDS:
            message.kind = feed_pb2.EventKind.Value("EVENT_KIND_" + kind)
        else:  # A kind this version does not know, as its number.
            message.kind = int(kind)  # type: ignore[assignment]
        if self[3] is not None:
            message.published_at.seconds = self[3]
            message.published_at.nanos = self[4]
        if self[5] is not None:
            message.article.ParseFromString(self[5])
        return message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and tuple.__eq__(self[:6], other[:6])

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:6])

    def __reduce__(self) -> tuple[Callable[[tuple[Any, ...]], Event], tuple[tuple[Any, ...]]]:
        return (_restore_event, (self[:6],))

    def __repr__(self) -> str:
        return (f"Event(sequence={self.sequence}, kind={self.kind!r}, "
                f"head_sequence={self.head_sequence}, article={self.article!r})")


def _make_event(cls: type[Event], items: tuple[Any, ...]) -> Event:
    """An event of the six items the binding reads (module.cc EventObjects),
    with the empty list the article is kept in once parsed."""
    return tuple.__new__(cls, (*items, []))


def _restore_event(items: tuple[Any, ...]) -> Event:
    return _make_event(Event, items)


# Events taken from the C++ stream per call, at most.
_BATCH = 512


class _Batches:
    """The batches of events of one stream, one per call, for
    ``_core.EventIterator``: None once closed, which ends the iteration;
    ``[None]`` when ``deadline`` passed before an event came. Kept apart
    from Subscription so that nothing refers back to it: a subscription
    dropped unclosed frees its stream (and ends the call) at once."""

    __slots__ = ("_stream", "closed", "deadline", "_current")

    def __init__(self, stream: _core.EventStream) -> None:
        self._stream = stream
        self.closed = False
        self.deadline: float | None = None  # Of the next() call waiting.
        self._current: list[Event] = []  # The batch being stepped through.

    def __call__(self) -> list[Event | None] | None:
        if self.closed:
            return None
        deadline = self.deadline
        try:
            while True:
                wait = _POLL_SECONDS
                if deadline is not None:
                    wait = max(0.0, min(wait, deadline - time.monotonic()))
                events = self._stream.next_events(wait, _BATCH, Event)
                if events:
                    self._current = events
                    return events  # type: ignore[return-value]
                if deadline is not None and time.monotonic() >= deadline:
                    return [None]
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._current.clear()  # The iterator goes on to fetch: None.
            self._stream.cancel()


class Subscription:
    """An iterator over a live feed. Waiting releases the GIL; Ctrl-C raises
    KeyboardInterrupt within a fraction of a second. Close it (or use it as a
    context manager) to end the stream early."""

    def __init__(self, stream: _core.EventStream) -> None:
        self._batches = _Batches(stream)
        # Every batch, event by event. Stepping through it runs in C, so an
        # event costs no Python call (only a batch does), and lets go of each
        # event it returns. None comes out of it only when next()'s timeout
        # passed.
        self._events: Iterator[Event | None] = _core.EventIterator(self._batches)

    def __iter__(self) -> Iterator[Event]:
        # The event iterator itself: no None comes out of it outside next().
        return self._events  # type: ignore[return-value]

    def __next__(self) -> Event:
        event = next(self._events)  # StopIteration once closed.
        assert event is not None  # Without a deadline, batches wait.
        return event

    def next(self, timeout: float | None = None) -> Event | None:
        """Returns the next event, or None if none comes within ``timeout``
        seconds (forever when None) or the subscription was closed. Raises
        the error the stream ended with (e.g. UnavailableError when the
        server went away)."""
        self._batches.deadline = None if timeout is None else time.monotonic() + timeout
        try:
            return next(self._events, None)
        finally:
            self._batches.deadline = None

    def close(self) -> None:
        """Ends the stream; events read ahead are dropped. Idempotent."""
        self._batches.close()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _path(value: str | os.PathLike[str] | None) -> str:
    return os.fspath(value) if value is not None else ""


class Client(Searchable):
    """A client of a newswire server at ``target`` ("HOST:PORT").

    ``key``: the API key sent with every call (default: $NEWSWIRE_KEY, if
    set). ``tls_ca``: a PEM file of the CA that signed the server's
    certificate; the channel is TLS when it (or a client certificate) is
    given. ``tls_cert`` / ``tls_key``: a client certificate, for servers
    that ask for one. ``tls_server_name``: the name the server's
    certificate holds, when it is not the host of ``target``."""

    def __init__(self, target: str = DEFAULT_SERVER, *, key: str | None = None,
                 tls_ca: str | os.PathLike[str] | None = None,
                 tls_cert: str | os.PathLike[str] | None = None,
                 tls_key: str | os.PathLike[str] | None = None,
                 tls_server_name: str | None = None) -> None:
        if key is None:
            key = os.environ.get("NEWSWIRE_KEY", "")
        self._core = _core.Client(target, key, _path(tls_ca), _path(tls_cert), _path(tls_key),
                                  tls_server_name or "")
        self.target = target

    def whoami(self, timeout: float = 30.0) -> Account:
        """Who the server takes this client for, and what it may do."""
        data = self._core.call("GetEntitlements", b"", timeout)
        return account_from_pb(access_pb2.GetEntitlementsResponse.FromString(data))

    def create_key(self, name: str, scopes: Sequence[str], *, timeout: float = 30.0,
                   **options: Any) -> tuple[ApiKey, str]:
        """Creates an API key for principal ``name`` (needs the admin scope,
        or a server without keys yet); returns the key and its secret,
        which is never shown again. ``scopes``: any of "publish",
        "subscribe", "search", "admin". Options: ``sources`` (the sources
        it may publish as and read), ``filter`` (query parameters narrowing
        what it reads, e.g. "lang=en&min_urgency=3"), ``embargo_preview``,
        ``expires`` (a timezone-aware datetime), ``publish_rate`` and
        ``search_rate`` (per second), ``max_streams``, ``certificate``
        (grant a client certificate naming ``name`` instead of a secret)."""
        request = key_request(name, scopes, **options)
        data = self._core.call("CreateKey", request.SerializeToString(), timeout)
        created = access_pb2.CreateKeyResponse.FromString(data)
        return ApiKey.from_pb(created.key), created.secret

    def list_keys(self, timeout: float = 30.0) -> list[ApiKey]:
        """Every key the server has (revoked and expired ones too)."""
        data = self._core.call("ListKeys", b"", timeout)
        return [ApiKey.from_pb(k) for k in access_pb2.ListKeysResponse.FromString(data).keys]

    def revoke_key(self, id: str, timeout: float = 30.0) -> ApiKey:
        """Revokes key ``id``: new calls with it are refused at once and its
        open streams end with UnauthenticatedError."""
        request = access_pb2.RevokeKeyRequest(id=id)
        data = self._core.call("RevokeKey", request.SerializeToString(), timeout)
        return ApiKey.from_pb(access_pb2.RevokeKeyResponse.FromString(data).key)

    def rotate_key(self, id: str, grace: float = 86400.0,
                   timeout: float = 30.0) -> tuple[ApiKey, str]:
        """Replaces key ``id`` by a new one with the same entitlements; the
        old one stays valid ``grace`` seconds more. Returns the new key and
        its secret."""
        request = access_pb2.RotateKeyRequest(id=id)
        request.grace.FromNanoseconds(int(grace * 1e9))
        data = self._core.call("RotateKey", request.SerializeToString(), timeout)
        created = access_pb2.CreateKeyResponse.FromString(data)
        return ApiKey.from_pb(created.key), created.secret

    def audit(self, since: _dt.datetime | None = None, limit: int = 1000,
              timeout: float = 30.0) -> list[AuditEntry]:
        """The audit log, oldest first (needs the admin scope)."""
        entries: list[AuditEntry] = []
        request = access_pb2.ReadAuditRequest()
        if since is not None:
            request.since.CopyFrom(proto_timestamp(since, "since"))
        while len(entries) < limit:
            request.limit = min(limit - len(entries), 10000)
            data = self._core.call("ReadAudit", request.SerializeToString(), timeout)
            page = access_pb2.ReadAuditResponse.FromString(data).entries
            entries.extend(AuditEntry.from_pb(e) for e in page)
            if len(page) < request.limit:
                break
            request.after_id = page[-1].id
        return entries

    def publish(self, article: Article | str, timeout: float = 30.0) -> PublishResult:
        """Publishes an Article (or plain text, parsed with parse_text).
        Idempotent: publishing the same id and version again returns the
        first sequence with duplicate=True. An article over 9 MiB serialized
        raises InvalidArgumentError naming it, without being sent."""
        if isinstance(article, str):
            article = parse_text(article)
        return PublishResult(*self._core.publish(article.to_bytes(), timeout))

    def get(self, id: str, version: int | None = None, timeout: float = 30.0) -> Article:
        """Returns an article, its current version unless ``version`` is
        given. Raises NotFoundError (a KeyError) if there is none."""
        data = self._core.get(id, version or 0, feed_pb2.ARTICLE_VIEW_FULL, timeout)
        return Article.from_pb(feed_pb2.GetArticleResponse.FromString(data).article)

    def _search(self, request: bytes, timeout: float) -> bytes:
        return self._core.search(request, timeout)

    def subscribe(self, start: str | int | _dt.datetime = "latest", view: str = "headline",
                  **options: Any) -> Subscription:
        """Follows the feed, filtered on the server.

        ``start``: "latest" (only new events), "earliest" (everything
        stored, then live), a sequence number to resume after, or a
        timezone-aware datetime (events published at or after it). A
        CAUGHT_UP event (with ``head_sequence``) marks the switch from
        stored to live events. ``view`` is "headline" or "full".

        Keyword options: ``places``, ``subjects``, ``people``,
        ``organisations``, ``sources``, ``keywords``, ``languages`` (each a
        list: any of its values; all given filters must match),
        ``min_urgency`` (3 admits urgencies 1-3), ``query`` (search
        syntax), ``exclude_duplicates`` (leave out near-duplicates: copies
        of a story another feed brought first), ``heartbeat`` (seconds, 1-300: a HEARTBEAT event whenever
        the stream is idle that long), ``every_version`` (during catch-up,
        every stored version instead of only the current one). KILLED and
        UPDATED events also reach a subscription whose filter matched an
        earlier version. A bad option raises InvalidArgumentError (a
        ValueError) naming it, on the first ``next``."""
        request = subscribe_request(start, view, **options)
        return Subscription(self._core.subscribe(request.SerializeToString()))

    def close(self) -> None:
        """Releases the client (connections close when it is collected)."""

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Server:
    """A newswire server running in this process, for scripts and tests.
    ``listen`` is "HOST:PORT"; port 0 (the default) picks a free port.
    With ``data_dir`` it serves the durable archive there (created if
    missing); without, it keeps everything in memory (and its API keys in
    ``keys_file``, if given).

    ``tls_cert`` / ``tls_key``: serve TLS (the files are re-read every
    ``tls_refresh`` seconds, so a renewed certificate needs no restart);
    ``client_ca`` verifies client certificates, which
    ``require_client_cert`` demands. Listening beyond loopback needs TLS and
    a key, unless ``insecure``."""

    def __init__(self, listen: str = "127.0.0.1:0",
                 data_dir: str | os.PathLike[str] | None = None, *,
                 tls_cert: str | os.PathLike[str] | None = None,
                 tls_key: str | os.PathLike[str] | None = None,
                 client_ca: str | os.PathLike[str] | None = None,
                 require_client_cert: bool = False, tls_refresh: float = 2.0,
                 insecure: bool = False,
                 keys_file: str | os.PathLike[str] | None = None) -> None:
        self._core = _core.Server(listen, _path(data_dir), _path(tls_cert), _path(tls_key),
                                  _path(client_ca), require_client_cert, tls_refresh, insecure,
                                  _path(keys_file))

    def create_key(self, name: str, scopes: Sequence[str], **options: Any) -> tuple[ApiKey, str]:
        """Creates an API key in this process (no admin key needed), as
        Client.create_key; returns the key and its secret."""
        created = access_pb2.CreateKeyResponse.FromString(
            self._core.create_key(key_request(name, scopes, **options).SerializeToString()))
        return ApiKey.from_pb(created.key), created.secret

    def revoke_key(self, id: str) -> ApiKey:
        """Revokes key ``id`` in this process, as Client.revoke_key."""
        return ApiKey.from_pb(access_pb2.ApiKey.FromString(self._core.revoke_key(id)))

    @property
    def address(self) -> str:
        """HOST:PORT to give a Client."""
        return self._core.address

    @property
    def port(self) -> int:
        """The port it listens on (the one picked, when asked for port 0)."""
        return self._core.port

    def stop(self, grace: float = 5.0) -> None:
        """Ends open streams with UnavailableError and stops. Idempotent."""
        self._core.shutdown(grace)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Server(address={self.address!r})"
