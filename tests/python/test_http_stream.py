"""GET /v1/stream: the live feed as Server-Sent Events, read with a raw
HTTP client and held against gRPC Subscribe on the same server."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

import newswire
from conftest import ServeProcess, serve_http
from sse import SseStream


def start(data_dir) -> tuple[ServeProcess, str]:
    return serve_http("--data", str(data_dir))


@pytest.fixture
def wire(tmp_path):
    proc, host = start(tmp_path / "data")
    try:
        with newswire.Client(proc.address) as client:
            yield host, client
    finally:
        proc.stop()


def story(n: int, place: str = "Kyiv", version: int = 1, **fields) -> newswire.Article:
    return newswire.Article(id=f"urn:sse:{n}", version=version, headline=f"Story {n} in {place}",
                            places=[place], body_text=f"Story {n}.", **fields)


def take(stream: SseStream, count: int) -> list:
    return list(itertools.islice(stream.events(), count))


def test_ids_are_the_grpc_sequences_from_the_same_cursor(wire):
    host, client = wire
    for n in range(1, 7):
        client.publish(story(n, "Kyiv" if n % 2 else "Lviv"))
    client.publish(story(1, version=2))
    with SseStream(host, "/v1/stream?after=2&place=Kyiv") as stream:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-cache"
        got = list(itertools.takewhile(lambda m: m.event != "caught_up", stream.events()))
    with client.subscribe(2, places=["Kyiv"]) as sub:
        want = list(itertools.takewhile(lambda e: e.kind != "CAUGHT_UP", sub))
    assert [int(m.id) for m in got] == [e.sequence for e in want] == [3, 5, 7]
    assert [m.event for m in got] == [e.kind.lower() for e in want]
    assert got[-1].event == "updated"
    # data is the event in the proto3 JSON mapping, as `tail --json` prints it.
    event = got[0].json()
    assert event["sequence"] == "3" and event["kind"] == "EVENT_KIND_PUBLISHED"
    assert event["article"]["headline"] == "Story 3 in Kyiv"


def test_last_event_id_resumes_with_no_gap_or_duplicate(wire):
    host, client = wire
    for n in range(1, 5):
        client.publish(story(n))
    with SseStream(host, "/v1/stream?from=earliest") as stream:
        first = take(stream, 2)
    assert [m.id for m in first] == ["1", "2"]
    # What a browser does after losing the connection: the last id it saw.
    client.publish(story(5))
    with SseStream(host, "/v1/stream?from=earliest",
                   headers={"Last-Event-ID": first[-1].id}) as stream:
        rest = list(itertools.takewhile(lambda m: m.event != "caught_up", stream.events()))
        client.publish(story(6))
        live = take(stream, 1)
    assert [m.id for m in rest + live] == ["3", "4", "5", "6"]


def test_live_events_updates_and_kills_arrive(wire):
    host, client = wire
    client.publish(story(1))
    with SseStream(host, "/v1/stream?place=Kyiv") as stream:
        messages = stream.messages()
        assert next(messages).event == "retry"
        assert next(messages).event == "caught_up"
        client.publish(story(2, "Lviv"))  # Filtered out.
        client.publish(story(3))
        client.publish(story(3, version=2, pub_status="CANCELED",
                             summary="Withdrawn: wrong town"))
        got = [next(m for m in messages if m.data) for _ in range(2)]
    assert [(m.id, m.event) for m in got] == [("3", "published"), ("4", "killed")]
    assert got[1].json()["article"]["summary"] == "Withdrawn: wrong town"


def test_heartbeat_comment_and_retry(wire):
    host, _ = wire
    with SseStream(host, "/v1/stream?heartbeat=1s") as stream:
        messages = stream.messages()
        retry = next(messages)
        assert (retry.event, retry.data) == ("retry", "3000")
        started = time.monotonic()
        beat = next(m for m in messages if m.comment)
        assert beat.comment.startswith("heartbeat")
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("query,named", [
    ("after=abc", "after"),
    ("from=yesterday", "from"),
    ("view=tiny", "view"),
    ("heartbeat=0s", "heartbeat"),
    ("since=not-a-date", "since"),
    ("after=1&from=earliest", "exclude each other"),
    ("plac=Kyiv", "plac"),
    ("min_urgency=99", "min_urgency"),
])
def test_bad_parameters_are_400_naming_them(wire, query, named):
    host, _ = wire
    with SseStream(host, "/v1/stream?" + query) as stream:
        assert stream.status == 400
        assert named in stream.body


def test_cursor_past_the_head_is_410(wire):
    host, client = wire
    client.publish(story(1))
    with SseStream(host, "/v1/stream", headers={"Last-Event-ID": "50"}) as stream:
        assert stream.status == 410
        assert "past the newest event" in stream.body


def test_stream_ends_cleanly_when_the_server_stops(tmp_path):
    proc, host = start(tmp_path / "data")
    try:
        with SseStream(host, "/v1/stream") as stream:
            messages = stream.messages()
            next(messages)  # retry:
            next(messages)  # caught_up
            stopper = threading.Timer(0.2, proc.stop)
            stopper.start()
            for _ in messages:  # Returns when the terminating chunk arrives.
                pass
            stopper.join()
            assert stream.ended
    finally:
        proc.stop()
