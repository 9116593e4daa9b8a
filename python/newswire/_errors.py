"""Exceptions raised by newswire, one per canonical status code.

Each derives from :class:`Error` and from the builtin a Python programmer
would catch for that kind of failure (``ValueError`` for bad input,
``KeyError`` for a missing article, ...).
"""

from __future__ import annotations

__all__ = [
    "Error",
    "CancelledError",
    "InvalidArgumentError",
    "DeadlineExceededError",
    "NotFoundError",
    "AlreadyExistsError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "FailedPreconditionError",
    "AbortedError",
    "OutOfRangeError",
    "UnimplementedError",
    "InternalError",
    "UnavailableError",
    "DataLossError",
    "UnauthenticatedError",
    "error_from_status",
]


class Error(Exception):
    """A newswire failure. ``code`` is the canonical status code name
    (e.g. ``"INVALID_ARGUMENT"``), ``message`` what went wrong."""

    code: str = "UNKNOWN"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        # KeyError would otherwise quote the message.
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class CancelledError(Error):
    """The call or stream was cancelled (e.g. a subscription closed while waiting)."""

    code = "CANCELLED"


class InvalidArgumentError(Error, ValueError):
    """Bad input, named in the message: an article without a headline, a
    malformed feed, an unknown filter field (a ValueError)."""

    code = "INVALID_ARGUMENT"


class DeadlineExceededError(Error, TimeoutError):
    """The call did not finish within its timeout (a TimeoutError)."""

    code = "DEADLINE_EXCEEDED"


class NotFoundError(Error, KeyError):
    """No such article or version, or a missing file (a KeyError)."""

    code = "NOT_FOUND"


class AlreadyExistsError(Error, FileExistsError):
    """Something created twice, e.g. a key name in use (a FileExistsError)."""

    code = "ALREADY_EXISTS"


class PermissionDeniedError(Error, PermissionError):
    """The key may not do this: a scope, source or entitlement it lacks
    (a PermissionError)."""

    code = "PERMISSION_DENIED"


class ResourceExhaustedError(Error, RuntimeError):
    """A limit was reached: rate, streams per key, archive size, disk."""

    code = "RESOURCE_EXHAUSTED"


class FailedPreconditionError(Error, RuntimeError):
    """The call cannot work in the present state, e.g. a version that is
    not the next one, or a data dir locked by another server."""

    code = "FAILED_PRECONDITION"


class AbortedError(Error, RuntimeError):
    """The call was aborted by a concurrent change; it may be retried."""

    code = "ABORTED"


class OutOfRangeError(Error, IndexError):
    """A cursor outside what is stored: past the head, or compacted away
    (an IndexError)."""

    code = "OUT_OF_RANGE"


class UnimplementedError(Error, NotImplementedError):
    """The server does not offer this call (a NotImplementedError)."""

    code = "UNIMPLEMENTED"


class InternalError(Error, RuntimeError):
    """A bug or corrupted data on the server's side."""

    code = "INTERNAL"


class UnavailableError(Error, ConnectionError):
    """The server cannot be reached or went away; retry, resuming after
    the last sequence seen (a ConnectionError)."""

    code = "UNAVAILABLE"


class DataLossError(Error, RuntimeError):
    """Stored data was lost or is unreadable."""

    code = "DATA_LOSS"


class UnauthenticatedError(Error, PermissionError):
    """No key, an unknown, expired or revoked key (a PermissionError)."""

    code = "UNAUTHENTICATED"


# Canonical code numbers (shared by absl::StatusCode and grpc.StatusCode).
_BY_CODE: dict[int, type[Error]] = {
    1: CancelledError,
    3: InvalidArgumentError,
    4: DeadlineExceededError,
    5: NotFoundError,
    6: AlreadyExistsError,
    7: PermissionDeniedError,
    8: ResourceExhaustedError,
    9: FailedPreconditionError,
    10: AbortedError,
    11: OutOfRangeError,
    12: UnimplementedError,
    13: InternalError,
    14: UnavailableError,
    15: DataLossError,
    16: UnauthenticatedError,
}


def error_from_status(code: int, message: str) -> Error:
    """Returns the exception for a canonical status ``code``."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return Error(message)
    return cls(message)
