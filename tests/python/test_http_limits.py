"""The HTTP edge under abuse: slow-loris clients are dropped at the header
timeout, oversized requests are refused, and 10,000 idle event streams do
not hold up a plain GET."""

from __future__ import annotations

import http.client
import resource
import selectors
import socket
import time

import pytest

import newswire
from conftest import serve_http

HEADER_TIMEOUT = 10  # HttpServerOptions::header_timeout, seconds.


@pytest.fixture
def wire(tmp_path):
    proc, host = serve_http("--data", str(tmp_path / "data"))
    try:
        with newswire.Client(proc.address) as client:
            client.publish(newswire.Article(id="urn:l:1", version=1, headline="Calm day",
                                            body_text="Nothing happened."))
        yield proc, host
    finally:
        proc.stop()


def timed_get(host: str, path: str) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.monotonic() - started


def connect(host: str) -> socket.socket:
    address, port = host.rsplit(":", 1)
    return socket.create_connection((address, int(port)), timeout=30)


def test_slow_loris_clients_are_dropped_and_others_served(wire):
    _, host = wire
    loris = [connect(host) for _ in range(50)]
    for sock in loris:
        sock.sendall(b"GET /v1/feed.atom HTTP/1.1\r\n")
    started = time.monotonic()
    # A byte now and then, never the end of the header.
    while time.monotonic() - started < 3:
        for sock in loris:
            sock.sendall(b"X")
        status, took = timed_get(host, "/healthz")
        assert status == 200 and took < 2, took
        time.sleep(0.5)
    # The server closes them once the header timeout passes.
    for sock in loris:
        sock.settimeout(HEADER_TIMEOUT + 5)
        try:
            assert sock.recv(1024) == b""
        except ConnectionResetError:
            pass
        sock.close()
    assert time.monotonic() - started < HEADER_TIMEOUT + 5


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET /v1/feed.atom?q=" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n", 431),
    (b"POST /v1/websub HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b"c" * 100000,
     413),
    (b"GET /v1/feed.atom HTTP/9.9\r\n\r\n", 400),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64, 400),  # A TLS hello.
])
def test_oversized_and_malformed_requests_are_refused(wire, request_bytes, status):
    _, host = wire
    with connect(host) as sock:
        try:
            sock.sendall(request_bytes)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 %d" % status), answer[:200]
    assert timed_get(host, "/healthz")[0] == 200


def test_ten_thousand_idle_streams_do_not_block_a_plain_get(wire):
    proc, host = wire
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 10_000
    if soft < wanted + 500 and hard >= wanted + 500:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted + 500, hard))
    count = min(wanted, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 500)
    print(f"{count} idle event streams")
    address, port = host.rsplit(":", 1)
    selector = selectors.DefaultSelector()
    request = f"GET /v1/stream HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    pending: dict[socket.socket, bytes] = {}
    streams = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex((address, int(port)))
            selector.register(sock, selectors.EVENT_WRITE)
            pending[sock] = b""
            streams.append(sock)
        # Each sends its request and reads until the stream is caught up.
        deadline = time.monotonic() + 120
        caught_up = 0
        while caught_up < count:
            assert time.monotonic() < deadline, f"only {caught_up} of {count} streams started"
            for key, events in selector.select(timeout=1):
                sock = key.fileobj
                if events & selectors.EVENT_WRITE:
                    sock.send(request)
                    selector.modify(sock, selectors.EVENT_READ)
                    continue
                data = sock.recv(4096)
                assert data, "the server closed an idle stream"
                pending[sock] += data
                if b"event: caught_up" in pending[sock]:
                    selector.unregister(sock)
                    caught_up += 1
        # With every stream open, plain requests are answered at once.
        for path in ["/healthz", "/v1/feed.atom", "/v1/search?q=calm"]:
            status, took = timed_get(host, path)
            assert status == 200
            print(f"GET {path}: {1000 * took:.1f} ms with {count} streams open")
            assert took < 5, f"GET {path} took {took:.1f} s with {count} streams open"
    finally:
        for sock in streams:
            sock.close()
