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
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Iterable, Mapping, NamedTuple

from google.protobuf import json_format, timestamp_pb2

from newswire.v1 import article_pb2

__all__ = ["Article", "Entity", "Link", "Source"]

_PB = article_pb2.Article
_FIELDS = tuple(f.name for f in _PB.DESCRIPTOR.fields)
_TIMESTAMPS = frozenset({"first_created", "version_created", "embargoed_until"})
_ENTITIES = frozenset({"subjects", "places", "people", "organisations"})
_STATUS_PREFIX = "PUB_STATUS_"


class Entity(NamedTuple):
    """A subject, place, person or organisation."""

    name: str
    code: str = ""
    scheme: str = ""


class Source(NamedTuple):
    """Where an article came from."""

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


def _record(cls: Any, value: Any) -> Any:
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


def _to_datetime(ts: Any) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(ts.seconds, _dt.timezone.utc) + _dt.timedelta(
        microseconds=ts.nanos // 1000
    )


class Article:
    """One version of a news article. Construct with keyword arguments named
    as the proto fields: ``Article(headline="...", body_text="...")``."""

    __slots__ = ("_pb",)

    def __init__(self, **fields: Any) -> None:
        object.__setattr__(self, "_pb", _PB())
        for name, value in fields.items():
            setattr(self, name, value)

    # -- conversions -------------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes) -> "Article":
        """Parses a serialized ``newswire.v1.Article``."""
        article = cls()
        article._pb.ParseFromString(data)
        return article

    @classmethod
    def from_pb(cls, message: article_pb2.Article) -> "Article":
        """Wraps a copy of a protoc-generated message."""
        article = cls()
        article._pb.CopyFrom(message)
        return article

    @classmethod
    def _wrap(cls, message: article_pb2.Article) -> "Article":
        """Wraps `message` itself, not a copy (for messages nobody else
        changes, such as a received event's)."""
        article = object.__new__(cls)
        object.__setattr__(article, "_pb", message)
        return article

    @classmethod
    def from_ninjs(cls, document: Mapping[str, Any] | str) -> "Article":
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
        return self._pb.SerializeToString(deterministic=True)

    @property
    def pb(self) -> article_pb2.Article:
        """The underlying protoc-generated message (shared, not a copy)."""
        return self._pb

    def to_dict(self) -> dict[str, Any]:
        """The proto3 JSON mapping as a dict, with proto field names."""
        return json_format.MessageToDict(self._pb, preserving_proto_field_name=True)

    def to_json(self, **kwargs: Any) -> str:
        """The proto3 JSON mapping as text; kwargs go to ``json.dumps``."""
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    # -- attributes --------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name not in _FIELDS:
            raise AttributeError(f"Article has no field {name!r}")
        pb = self._pb
        if name in _TIMESTAMPS:
            return _to_datetime(getattr(pb, name)) if pb.HasField(name) else None
        if name == "pub_status":
            return article_pb2.PubStatus.Name(pb.pub_status).removeprefix(_STATUS_PREFIX)
        if name in _ENTITIES:
            return [_record(Entity, e) for e in getattr(pb, name)]
        if name == "source":
            return _record(Source, pb.source) if pb.HasField("source") else None
        if name == "links":
            return [_record(Link, link) for link in pb.links]
        if name == "keywords":
            return list(pb.keywords)
        return getattr(pb, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _FIELDS:
            raise AttributeError(f"Article has no field {name!r}")
        pb = self._pb
        if value is None:
            pb.ClearField(name)
        elif name in _TIMESTAMPS:
            getattr(pb, name).CopyFrom(proto_timestamp(value, name))
        elif name == "pub_status":
            if isinstance(value, str):
                value = article_pb2.PubStatus.Value(_STATUS_PREFIX + value.upper())
            pb.pub_status = value
        elif name in _ENTITIES:
            del getattr(pb, name)[:]
            for item in _iter(value):
                getattr(pb, name).add(**_record(Entity, item)._asdict())
        elif name == "source":
            pb.source.CopyFrom(article_pb2.Source(**_record(Source, value)._asdict()))
        elif name == "links":
            del pb.links[:]
            for item in _iter(value):
                pb.links.add(**_record(Link, item)._asdict())
        elif name == "keywords":
            del pb.keywords[:]
            pb.keywords.extend(_iter(value))
        else:
            setattr(pb, name, value)

    # -- object protocol ---------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Article):
            return NotImplemented
        return self._pb == other._pb

    def __hash__(self) -> int:
        # By id and version, which name an article version on the wire
        # (equal articles have equal ones). Do not change an article that
        # is a key in a dict or in a set.
        return hash((self._pb.id, self._pb.version))

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        # Pickled as its serialized message.
        return (Article.from_bytes, (self.to_bytes(),))

    def __repr__(self) -> str:
        parts = [f"id={self._pb.id!r}", f"version={self._pb.version}",
                 f"headline={self._pb.headline!r}"]
        if self._pb.dateline:
            parts.append(f"dateline={self._pb.dateline!r}")
        return f"Article({', '.join(parts)})"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(_FIELDS))


def _iter(value: Any) -> Iterable[Any]:
    if isinstance(value, (str, bytes)):
        raise TypeError("expected a list, got a string")
    return value
