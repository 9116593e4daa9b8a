"""`newswire serve --log-format json`: the real binary logs one JSON object
per event on stderr (start and stop, refused publishes, streams), never an
article's text; bad --log-* values are usage errors."""

from __future__ import annotations

import json

import grpc
import pytest

from conftest import NEWSWIRE_BIN, ServeProcess, http_get, run_cli, serve_http
from sse import SseStream
from newswire.v1 import article_pb2, feed_pb2, feed_pb2_grpc

BODY = "Confidential body text that must never reach a log."


def events(proc: ServeProcess) -> list[dict]:
    """Every JSON line the server wrote, parsed (the start lines are text)."""
    return [json.loads(line) for line in proc.output if line.startswith("{")]


def test_json_events_for_a_refused_publish_and_a_stream():
    proc = ServeProcess([str(NEWSWIRE_BIN), "serve", "--memory", "--listen", "127.0.0.1:0",
                         "--log-format", "json"])
    try:
        with grpc.insecure_channel(proc.address) as channel:
            stub = feed_pb2_grpc.NewsFeedStub(channel)
            with pytest.raises(grpc.RpcError):
                stub.Publish(feed_pb2.PublishRequest(article=article_pb2.Article(
                    id="urn:test:loud", headline="Too urgent", urgency=12, body_text=BODY)),
                    timeout=10)
            stub.Publish(feed_pb2.PublishRequest(article=article_pb2.Article(
                headline="Fine", body_text=BODY)), timeout=10)
            stream = stub.Subscribe(feed_pb2.SubscribeRequest(
                start=feed_pb2.SubscribeRequest.START_EARLIEST), timeout=10)
            next(stream)
            stream.cancel()
        proc.wait_for_output(r'"event":"stream.closed"')
    finally:
        assert proc.stop() == 0
    logged = events(proc)
    assert all({"time", "level", "event"} <= e.keys() for e in logged)
    names = [e["event"] for e in logged]
    assert names[0] == "server.started" and names[-1] == "server.stopped", names
    refused = next(e for e in logged if e["event"] == "publish.refused")
    assert refused["code"] == "INVALID_ARGUMENT" and refused["id"] == "urn:test:loud"
    assert refused["level"] == "info" and "urgency" in refused["reason"]
    closed = next(e for e in logged if e["event"] == "stream.closed")
    assert closed["transport"] == "grpc"
    assert closed["events"] >= 1 and isinstance(closed["duration_s"], float)
    assert "publish.accepted" not in names  # A debug event; the level is info.
    assert BODY not in "".join(proc.output)


def test_event_streams_over_http_are_logged_as_grpc_streams_are():
    proc, host = serve_http("--memory", "--log-format", "json")
    try:
        with grpc.insecure_channel(proc.address) as channel:
            stub = feed_pb2_grpc.NewsFeedStub(channel)
            for n in range(3):
                stub.Publish(feed_pb2.PublishRequest(article=article_pb2.Article(
                    headline=f"Ferry {n}", body_text=BODY)), timeout=10)
        stream = SseStream(host, "/v1/stream?from=earliest")
        received = stream.events()
        for _ in range(3):
            next(received)
        stream.close()
        proc.wait_for_output(r'"event":"stream.closed"')
        status, _, _ = http_get(host, "/v1/stream?from=sometime")
        assert status == 400
        proc.wait_for_output(r'"event":"stream.refused"')
    finally:
        assert proc.stop() == 0
    logged = events(proc)
    opened = next(e for e in logged if e["event"] == "stream.opened")
    assert opened["transport"] == "sse" and opened["start"] == "START_EARLIEST"
    assert opened["peer"].startswith("127.0.0.1:")
    closed = next(e for e in logged if e["event"] == "stream.closed")
    assert closed["transport"] == "sse" and closed["events"] >= 3, closed
    assert closed["end"] == "the connection closed"
    refused = next(e for e in logged if e["event"] == "stream.refused")
    assert refused["transport"] == "sse" and refused["code"] == "INVALID_ARGUMENT"
    assert "from must be latest or earliest" in refused["reason"]
    assert BODY not in "".join(proc.output)


@pytest.mark.parametrize("flag,value,message", [
    ("--log-format", "xml", '--log-format must be text or json, not "xml"'),
    ("--log-level", "loud", '--log-level must be debug, info, warning or error, not "loud"'),
])
def test_bad_log_flags_are_usage_errors(flag, value, message):
    done = run_cli("serve", "--memory", "--listen", "127.0.0.1:0", flag, value)
    assert done.returncode == 2
    assert message in done.stderr
