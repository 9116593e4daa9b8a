"""A raw Server-Sent Events client for tests: a socket, an HTTP/1.1
request, chunked transfer decoding and the text/event-stream grammar,
written out here so that the tests see exactly what a browser would."""

from __future__ import annotations

import dataclasses
import json
import socket
from typing import Iterator


@dataclasses.dataclass
class Message:
    event: str = "message"
    id: str | None = None
    data: str = ""
    comment: str | None = None  # A ": ..." line alone (a heartbeat).

    def json(self) -> dict:
        return json.loads(self.data)


class SseStream:
    """GET `path` on `host` ("127.0.0.1:8080") as an event stream."""

    def __init__(self, host: str, path: str, headers: dict[str, str] | None = None,
                 timeout: float = 10) -> None:
        address, port = host.rsplit(":", 1)
        self.sock = socket.create_connection((address, int(port)), timeout=timeout)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Accept: text/event-stream"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self._raw = b""
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {k.lower(): v.strip() for k, v in
                        (line.split(":", 1) for line in header_lines if line)}
        self._text = b""
        self.ended = False
        if self.headers.get("transfer-encoding") != "chunked":
            length = int(self.headers.get("content-length", "0"))
            while len(self._raw) < length:
                self._fill()
            self.body = self._raw[:length].decode()

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self._raw += data

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self._raw:
            self._fill()
        head, self._raw = self._raw.split(marker, 1)
        return head

    def _next_chunk(self) -> bool:
        size = int(self._read_until(b"\r\n").split(b";")[0], 16)
        if size == 0:
            self.ended = True
            return False
        while len(self._raw) < size + 2:
            self._fill()
        self._text += self._raw[:size]
        self._raw = self._raw[size + 2:]
        return True

    def messages(self) -> Iterator[Message]:
        """Messages as they arrive, until the server ends the stream."""
        while True:
            while b"\n\n" not in self._text:
                if not self._next_chunk():
                    return
            block, self._text = self._text.split(b"\n\n", 1)
            message = Message()
            fields = 0
            for line in block.decode().split("\n"):
                if line.startswith(":"):
                    message.comment = line[1:].strip()
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                fields += 1
                if name == "event":
                    message.event = value
                elif name == "id":
                    message.id = value
                elif name == "data":
                    message.data = value if not message.data else message.data + "\n" + value
                elif name == "retry":
                    message.event = "retry"
                    message.data = value
            yield message

    def events(self) -> Iterator[Message]:
        """Only the messages with data (no comments, no retry)."""
        for message in self.messages():
            if message.data and message.event != "retry":
                yield message

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "SseStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
