"""The Article: one version of a news story, as newswire stores and sends it.

An :class:`Article` wraps a protoc-generated ``newswire.v1.article_pb2.Article``
message: ``to_bytes`` / ``from_bytes`` are byte-compatible with it, and
``pb`` gives the message itself for code that already speaks Protobuf.
Attributes carry the proto field names, with Python values:

* text and numbers as ``str`` / ``int``;
* timestamps as timezone-aware ``datetime`` (``None`` when unset);
* ``pub_status`` as ``"USABLE"``, ``"WITHHELD"`` or ``"CANCELED"``;
* ``subjects``, ``places``, ``people``, ``organisations`` as lists of
  :class:`Entity`; ``keywords`` as a list of ``str``; ``links`` as a list of
  :class:`Link`; ``source`` as a :class:`Source` (or ``None``).

Attributes are read from the message when used, so an article received in
an event costs nothing until its fields are.
"""

from __future__ import annotations

import datetime as _dt
import json
from operator import attrgetter
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Type, TypeVar

from google.protobuf import json_format, timestamp_pb2

from newswire.v1 import article_pb2

__all__ = ["Article", "Entity", "Link", "Source"]

_PB = article_pb2.Article
_parse = _PB.FromString
_new_object = object.__new__
_FIELDS = frozenset(f.name for f in _PB.DESCRIPTOR.fields)
_STATUS_PREFIX = "PUB_STATUS_"


class Entity(NamedTuple):
    """A subject, place, person or organisation: its ``name``, and the
    ``code`` it has in ``scheme`` (e.g. an IPTC media topic), when known."""

    name: str
    code: str = ""
    scheme: str = ""


class Source(NamedTuple):
    """Where an article came from: the publisher's ``name``, its site
    ``url`` and the ``feed_url`` the article was read from."""

    name: str
    url: str = ""
    feed_url: str = ""


class Link(NamedTuple):
    """A link to a related resource."""

    href: str
    rel: str = ""
    media_type: str = ""
    title: str = ""
    length: int = 0  # Size of the target in bytes (enclosures); 0 when unknown.


_Record = TypeVar("_Record", Entity, Source, Link)


def _record(cls: Type[_Record], value: Any) -> _Record:
    """Converts a str (the first field), dict, tuple, protobuf message or
    instance into the NamedTuple ``cls``."""
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        return cls(value)
    if isinstance(value, dict):
        return cls(**value)
    if hasattr(value, "DESCRIPTOR"):
        return cls(*(getattr(value, f) for f in cls._fields))
    return cls(*value)


def proto_timestamp(value: _dt.datetime, name: str) -> timestamp_pb2.Timestamp:
    """A timezone-aware datetime as a Timestamp; ``name`` is for errors."""
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{name}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None:
        raise ValueError(f"{name}: datetime must be timezone-aware")
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value.astimezone(_dt.timezone.utc).replace(tzinfo=None))
    return ts


def _to_datetime(ts: timestamp_pb2.Timestamp) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(ts.seconds, _dt.timezone.utc) + _dt.timedelta(
        microseconds=ts.nanos // 1000
    )


def _iter(value: Any) -> Iterable[Any]:
    if isinstance(value, (str, bytes)):
        raise TypeError("expected a list, got a string")
    return value  # type: ignore[no-any-return]


# -- field accessors: each returns a property over one field of the message --
# Getters of plain fields are attrgetters (run in C: reading a headline
# costs what reading it from the message does).

def _plain(name: str, doc: str) -> Any:
    def fset(self: Article, value: Any) -> None:
        if value is None:
            self._pb.ClearField(name)
        else:
            setattr(self._pb, name, value)
    return property(attrgetter("_pb." + name), fset, doc=doc)


def _timestamp(name: str, doc: str) -> Any:
    def fget(self: Article) -> _dt.datetime | None:
        pb = self._pb
        return _to_datetime(getattr(pb, name)) if pb.HasField(name) else None

    def fset(self: Article, value: _dt.datetime | None) -> None:
        if value is None:
            self._pb.ClearField(name)
        else:
            getattr(self._pb, name).CopyFrom(proto_timestamp(value, name))
    return property(fget, fset, doc=doc + " A timezone-aware datetime, or None.")


def _records(name: str, cls: Type[_Record], doc: str) -> Any:
    def fget(self: Article) -> list[_Record]:
        return [_record(cls, item) for item in getattr(self._pb, name)]

    def fset(self: Article, value: Any) -> None:
        field = getattr(self._pb, name)
        del field[:]
        for item in _iter(value or ()):
            field.add(**_record(cls, item)._asdict())
    return property(fget, fset, doc=doc)


def _get_pub_status(self: Article) -> str:
    name: str = article_pb2.PubStatus.Name(self._pb.pub_status)
    return name.removeprefix(_STATUS_PREFIX)


def _set_pub_status(self: Article, value: str | int | None) -> None:
    if value is None:
        self._pb.ClearField("pub_status")
    elif isinstance(value, str):
        self._pb.pub_status = article_pb2.PubStatus.Value(_STATUS_PREFIX + value.upper())
    else:
        self._pb.pub_status = value  # type: ignore[assignment]


def _get_keywords(self: Article) -> list[str]:
    return list(self._pb.keywords)


def _set_keywords(self: Article, value: Iterable[str] | None) -> None:
    del self._pb.keywords[:]
    self._pb.keywords.extend(_iter(value or ()))


def _get_source(self: Article) -> Source | None:
    return _record(Source, self._pb.source) if self._pb.HasField("source") else None


def _set_source(self: Article, value: Any) -> None:
    if value is None:
        self._pb.ClearField("source")
    else:
        self._pb.source.CopyFrom(article_pb2.Source(**_record(Source, value)._asdict()))


_A = TypeVar("_A", bound="Article")


class Article:
    """One version of a news article. Construct with keyword arguments named
    as the proto fields: ``Article(headline="...", body_text="...")``;
    entity lists take names (``places=["Kyiv"]``), dicts, tuples or
    :class:`Entity`. Setting a field to None clears it."""

    __slots__ = ("_pb",)
    _pb: article_pb2.Article

    id: str = _plain("id", "Stable identifier across versions (a URI); newswire derives "
                     "urn:newswire:<fingerprint> when none is given.")
    version: int = _plain("version", "Version of this article, from 1; 0: the server "
                          "picks (1 when new, current + 1 when changed).")
    pub_status: str = property(_get_pub_status, _set_pub_status,  # type: ignore[assignment]
                               doc='"USABLE", "WITHHELD" or "CANCELED" (a kill).')
    headline: str = _plain("headline", "The headline: one line of plain text, required.")
    subheadline: str = _plain("subheadline", "Secondary headline (deck), plain text.")
    byline: str = _plain("byline", 'Author name(s), without a leading "By".')
    dateline: str = _plain("dateline", 'Where the story was filed from, e.g. "KYIV, Ukraine".')
    summary: str = _plain("summary", "The lede: a short plain-text summary.")
    body_text: str = _plain("body_text", "The body as plain text, paragraphs separated by "
                            "one blank line.")
    language: str = _plain("language", 'BCP 47 language tag, e.g. "en" or "pt-BR".')
    first_created: _dt.datetime | None = _timestamp(
        "first_created", "When the first version was created.")
    version_created: _dt.datetime | None = _timestamp(
        "version_created", "When this version was created.")
    embargoed_until: _dt.datetime | None = _timestamp(
        "embargoed_until", "Not to be published before this moment.")
    urgency: int = _plain("urgency", "News value, 1 (flash) to 9 (lowest); 0 when unset.")
    subjects: list[Entity] = _records("subjects", Entity, "Subjects (topics) of the story.")
    places: list[Entity] = _records("places", Entity, "Places the story is about.")
    people: list[Entity] = _records("people", Entity, "People the story is about.")
    organisations: list[Entity] = _records("organisations", Entity,
                                           "Organisations the story is about.")
    keywords: list[str] = property(_get_keywords, _set_keywords,  # type: ignore[assignment]
                                   doc="Free-form keywords.")
    source: Source | None = property(_get_source, _set_source,  # type: ignore[assignment]
                                     doc="The publisher, or None.")
    links: list[Link] = _records("links", Link, "Related resources.")
    canonical_url: str = _plain("canonical_url", "The publisher's canonical URL for the story.")
    fingerprint: str = _plain("fingerprint", "Content hash, computed by newswire.")
    word_count: int = _plain("word_count", "Words in body_text, computed by newswire.")
    body_html: str = _plain("body_html", "The body as sanitized HTML, when the source had HTML.")
    utc_offset_minutes: int = _plain("utc_offset_minutes", "The UTC offset (minutes east) "
                                     "the source stated for its times; 0 when UTC or unknown.")
    simhash: int = _plain("simhash", "SimHash of body_text for near-duplicates, computed "
                          "by newswire; 0 for short bodies.")

    def __init__(self, **fields: Any) -> None:
        set_message(self, _PB())
        for name, value in fields.items():
            if name not in _FIELDS:
                raise AttributeError(f"Article has no field {name!r}")
            setattr(self, name, value)

    # -- conversions -------------------------------------------------------

    @classmethod
    def from_bytes(cls: Type[_A], data: bytes) -> _A:
        """Parses a serialized ``newswire.v1.Article``."""
        article = _new_object(cls)
        set_message(article, _parse(data))
        return article

    @classmethod
    def from_pb(cls: Type[_A], message: article_pb2.Article) -> _A:
        """Wraps a copy of a protoc-generated message."""
        article = cls()
        article._pb.CopyFrom(message)
        return article

    @classmethod
    def from_ninjs(cls, document: Mapping[str, Any] | str) -> Article:
        """Reads one IPTC ninjs object (a dict, or its JSON text) as the
        feed reader does (ninjs 1.x and 2.x). Raises
        :class:`InvalidArgumentError` naming what is wrong."""
        from newswire._errors import InvalidArgumentError
        from newswire.feed import parse_feed  # feed imports this module.

        text = document if isinstance(document, str) else json.dumps(document)
        articles = parse_feed(text).articles
        if len(articles) != 1:
            raise InvalidArgumentError(
                f"expected one ninjs object, found {len(articles)} articles")
        return articles[0]

    def to_ninjs(self) -> dict[str, Any]:
        """The article as one IPTC ninjs 2.1 object, as ``GET
        /v1/feed.ninjs`` serves it (a dict, ready for ``json.dumps``)."""
        from newswire import _core

        result: dict[str, Any] = json.loads(_core.article_to_ninjs(self.to_bytes()))
        return result

    def to_proto(self) -> article_pb2.Article:
        """A copy of the article as the protoc-generated message."""
        message = article_pb2.Article()
        message.CopyFrom(self._pb)
        return message

    def to_bytes(self) -> bytes:
        """Serializes as a ``newswire.v1.Article`` (deterministic)."""
        data: bytes = self._pb.SerializeToString(deterministic=True)
        return data

    @property
    def pb(self) -> article_pb2.Article:
        """The underlying protoc-generated message (shared, not a copy)."""
        return self._pb

    def to_dict(self) -> dict[str, Any]:
        """The proto3 JSON mapping as a dict, with proto field names."""
        result: dict[str, Any] = json_format.MessageToDict(
            self._pb, preserving_proto_field_name=True)
        return result

    def to_json(self, **kwargs: Any) -> str:
        """The proto3 JSON mapping as text; kwargs go to ``json.dumps``."""
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    # -- object protocol ---------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Article):
            return NotImplemented
        return bool(self._pb == other._pb)

    def __hash__(self) -> int:
        # By id and version, which name an article version on the wire
        # (equal articles have equal ones). Do not change an article that
        # is a key in a dict or in a set.
        return hash((self._pb.id, self._pb.version))

    def __reduce__(self) -> tuple[Callable[[bytes], Article], tuple[bytes]]:
        # Pickled as its serialized message.
        return (Article.from_bytes, (self.to_bytes(),))

    def __repr__(self) -> str:
        parts = [f"id={self._pb.id!r}", f"version={self._pb.version}",
                 f"headline={self._pb.headline!r}"]
        if self._pb.dateline:
            parts.append(f"dateline={self._pb.dateline!r}")
        return f"Article({', '.join(parts)})"


# Sets an Article's message (one C call: no __init__, no checks). With
# object.__new__(Article), it wraps a message nobody else changes (such as
# a received event's) without copying it.
set_message: Callable[[Article, article_pb2.Article], None] = (
    Article.__dict__["_pb"].__set__)


def wrap_message(message: article_pb2.Article) -> Article:
    """An Article around `message` itself, not a copy: for a message just
    made for it (such as one the C++ core parsed), which nothing else holds."""
    article = _new_object(Article)
    set_message(article, message)
    return article
