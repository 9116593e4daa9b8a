"""API keys, what they entitle, and the audit log, as Python values.

A server with no keys lets every caller do everything (it listens on
loopback only, or was told --insecure). Creating the first key turns
authentication on: from then on every call needs a key.

    with newswire.Server() as srv:
        key, secret = srv.create_key("ap-desk", ["publish"], sources=["AP"])
        with newswire.Client(srv.address, key=secret) as client:
            client.publish(article)        # only as source "AP"
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple, Sequence

from newswire import _core
from newswire._errors import InvalidArgumentError
from newswire.article import _to_datetime, proto_timestamp
from newswire.v1 import access_pb2

__all__ = ["Account", "ApiKey", "AuditEntry", "SCOPES"]

# The scopes a key may hold.
SCOPES = ("publish", "subscribe", "search", "admin")


class ApiKey(NamedTuple):
    """An API key as the server shows it: never its secret. ``filter`` is
    the entitlement filter as query parameters ("lang=en&min_urgency=3");
    ``sources`` the sources it may publish as and read (empty: any)."""

    id: str
    name: str
    scopes: tuple[str, ...]
    sources: tuple[str, ...]
    filter: str
    embargo_preview: bool
    created: _dt.datetime | None
    expires: _dt.datetime | None
    revoked: _dt.datetime | None
    certificate: bool
    rotated_from: str
    rotated_to: str
    publish_per_second: float
    search_per_second: float
    max_streams: int

    @classmethod
    def from_pb(cls, key: access_pb2.ApiKey) -> "ApiKey":
        """The key an ``access_pb2.ApiKey`` message describes."""
        e = key.entitlements
        return cls(
            id=key.id,
            name=key.name,
            scopes=tuple(access_pb2.Scope.Name(s).removeprefix("SCOPE_").lower()
                         for s in e.scopes),
            sources=tuple(e.sources),
            filter=_core.filter_query_string(e.filter.SerializeToString()),
            embargo_preview=e.embargo_preview,
            created=_to_datetime(key.created) if key.HasField("created") else None,
            expires=_to_datetime(key.expires) if key.HasField("expires") else None,
            revoked=_to_datetime(key.revoked) if key.HasField("revoked") else None,
            certificate=key.certificate,
            rotated_from=key.rotated_from,
            rotated_to=key.rotated_to,
            publish_per_second=key.limits.publish_per_second,
            search_per_second=key.limits.search_per_second,
            max_streams=key.limits.max_streams,
        )


class Account(NamedTuple):
    """Who the server takes a client for (``Client.whoami``): ``via`` is
    "open" (the server has no keys), "key" or "certificate"; ``key`` is
    None when open."""

    via: str
    key: ApiKey | None


class AuditEntry(NamedTuple):
    """One line of the audit log: a denied call, a publish or kill, or a key
    change. ``key_id`` names the key (never its secret)."""

    id: int
    time: _dt.datetime
    key_id: str
    principal: str
    peer: str
    method: str
    allowed: bool
    reason: str

    @classmethod
    def from_pb(cls, entry: access_pb2.AuditEntry) -> "AuditEntry":
        """The entry an ``access_pb2.AuditEntry`` message holds."""
        return cls(id=entry.id, time=_to_datetime(entry.time), key_id=entry.key_id,
                   principal=entry.principal, peer=entry.peer, method=entry.method,
                   allowed=entry.decision == access_pb2.AuditEntry.ALLOWED,
                   reason=entry.reason)


def account_from_pb(response: access_pb2.GetEntitlementsResponse) -> Account:
    via = access_pb2.GetEntitlementsResponse.Via.Name(response.via).removeprefix("VIA_").lower()
    return Account(via=via, key=ApiKey.from_pb(response.key) if response.HasField("key") else None)


def key_request(name: str, scopes: Sequence[str], *, sources: Sequence[str] = (),
                filter: str = "", embargo_preview: bool = False,
                expires: _dt.datetime | None = None, publish_rate: float = 0.0,
                search_rate: float = 0.0, max_streams: int = 0,
                certificate: bool = False) -> access_pb2.CreateKeyRequest:
    """The CreateKeyRequest for create_key's arguments. ``filter`` takes
    query parameters as ``newswire keys create --filter`` does
    ("place=Kyiv&lang=en&min_urgency=3"); a bad one raises
    InvalidArgumentError naming it."""
    if isinstance(scopes, str):
        raise TypeError("scopes: a list such as ['publish', 'subscribe'], not a string")
    request = access_pb2.CreateKeyRequest(name=name, certificate=certificate)
    for scope in scopes:
        if scope not in SCOPES:
            raise InvalidArgumentError(f"scopes: {scope!r} is not one of {', '.join(SCOPES)}")
        request.entitlements.scopes.append(access_pb2.Scope.Value("SCOPE_" + scope.upper()))
    request.entitlements.sources.extend(sources)
    if filter:
        request.entitlements.filter.ParseFromString(_core.parse_filter_query(filter))
    request.entitlements.embargo_preview = embargo_preview
    if expires is not None:
        request.expires.CopyFrom(proto_timestamp(expires, "expires"))
    request.limits.publish_per_second = publish_rate
    request.limits.search_per_second = search_rate
    request.limits.max_streams = max_streams
    return request
