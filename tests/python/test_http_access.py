"""API keys on the HTTP edge: the same keys, scopes and entitlements as
gRPC, presented as Bearer, X-API-Key or the Basic password (what Miniflux
sends); revocation ends an open event stream."""

from __future__ import annotations

import base64
import http.client
import subprocess
import time

import pytest

import newswire
from conftest import NEWSWIRE_BIN, http_get, serve_http
from sse import SseStream

feedparser = pytest.importorskip("feedparser", reason="Debian's python3-feedparser is not installed")


def create_key(data_dir, name: str, *options: str) -> str:
    """Creates a key offline, in the archive at `data_dir`; returns its secret."""
    done = subprocess.run([str(NEWSWIRE_BIN), "keys", "create", name, *options,
                           "--data", str(data_dir)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def wire(tmp_path):
    keys = tmp_path / "data"
    secrets = {
        "admin": create_key(keys, "admin", "--scope", "admin,publish,subscribe,search"),
        "kyiv": create_key(keys, "kyiv-reader", "--scope", "subscribe", "--filter", "place=Kyiv"),
        "searcher": create_key(keys, "searcher", "--scope", "search"),
        "writer": create_key(keys, "writer", "--scope", "publish"),
    }
    proc, host = serve_http("--data", str(keys))
    try:
        with newswire.Client(proc.address, key=secrets["admin"]) as client:
            for n, place in enumerate(["Kyiv", "Lviv", "Kyiv"], start=1):
                client.publish(newswire.Article(id=f"urn:k:{n}", version=1,
                                                headline=f"News {n} from {place}",
                                                places=[place], body_text="Text."))
            yield host, client, secrets
    finally:
        proc.stop()


get = http_get


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.parametrize("path", ["/", "/v1/feed.atom", "/v1/feed.json", "/v1/stream",
                                  "/v1/search?q=news", "/metrics"])
def test_without_a_key_every_route_but_health_is_401(wire, path):
    host, _, _ = wire
    status, headers, body = get(host, path)
    assert status == 401, body
    assert headers["www-authenticate"].startswith("Basic realm=\"newswire\"")
    assert get(host, "/healthz")[0] == 200


def test_a_bad_or_unknown_key_is_401_naming_why(wire):
    host, _, secrets = wire
    status, _, body = get(host, "/v1/feed.atom", {"Authorization": "Bearer nw_nope_123"})
    assert status == 401 and b"key" in body
    typo = secrets["kyiv"][:-1] + ("a" if secrets["kyiv"][-1] != "a" else "b")
    status, _, body = get(host, "/v1/feed.atom", {"Authorization": f"Bearer {typo}"})
    assert status == 401


def test_the_key_as_bearer_header_or_basic_password(wire):
    host, _, secrets = wire
    key = secrets["admin"]
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key},
                    basic("miniflux", key), basic(key, "")):
        status, _, body = get(host, "/v1/feed.atom", headers)
        assert status == 200, (headers, body)
        assert len(feedparser.parse(body).entries) == 3


def test_entitlements_narrow_feeds_streams_and_search(wire):
    host, client, secrets = wire
    reader = {"Authorization": f"Bearer {secrets['kyiv']}"}
    status, headers, body = get(host, "/v1/feed.rss", reader)
    assert status == 200
    assert [e.title for e in feedparser.parse(body).entries] == ["News 3 from Kyiv",
                                                                 "News 1 from Kyiv"]
    # What one key may read is not for shared caches.
    assert headers["cache-control"].startswith("private")
    # Asking for more than the key may read names what is outside it.
    status, _, body = get(host, "/v1/feed.atom?place=Lviv", reader)
    assert status == 403 and b"place" in body
    with SseStream(host, "/v1/stream?from=earliest", headers=reader) as stream:
        assert stream.status == 200
        messages = stream.events()
        got = [next(messages) for _ in range(3)]
    assert [m.id for m in got[:2]] == ["1", "3"] and got[2].event == "caught_up"


def test_scopes_are_those_of_grpc(wire):
    host, _, secrets = wire
    writer = {"Authorization": f"Bearer {secrets['writer']}"}
    status, _, body = get(host, "/v1/feed.atom", writer)
    assert status == 403 and b"subscribe" in body
    status, _, body = get(host, "/v1/search?q=news", {"X-API-Key": secrets["kyiv"]})
    assert status == 403 and b"search" in body
    status, _, body = get(host, "/v1/search?q=news", {"X-API-Key": secrets["searcher"]})
    assert status == 200 and b"urn:k:1" in body
    # /metrics holds counts only: any valid key reads it.
    assert get(host, "/metrics", writer)[0] == 200


def test_revoking_the_key_ends_its_event_stream(wire):
    host, client, secrets = wire
    reader = secrets["kyiv"]
    key_id = reader.split("_")[1]
    with SseStream(host, "/v1/stream", headers={"X-API-Key": reader}) as stream:
        messages = stream.messages()
        assert next(messages).event == "retry"
        assert next(messages).event == "caught_up"
        client.revoke_key(key_id)
        started = time.monotonic()
        rest = list(messages)  # Returns when the server ends the stream.
        assert time.monotonic() - started < 2
        assert stream.ended
        assert any("revoked" in (m.comment or "") for m in rest)
    assert get(host, "/v1/feed.atom", {"X-API-Key": reader})[0] == 401


def test_websub_subscriptions_stay_within_the_key(wire):
    host, _, secrets = wire
    reader = {"X-API-Key": secrets["kyiv"],
              "Content-Type": "application/x-www-form-urlencoded"}

    def subscribe(topic_query: str, headers: dict[str, str]) -> tuple[int, bytes]:
        from urllib.parse import urlencode
        form = urlencode({"hub.mode": "subscribe", "hub.callback": "http://127.0.0.1:9/cb",
                          "hub.topic": f"http://{host}/v1/feed.atom?{topic_query}"})
        connection = http.client.HTTPConnection(host, timeout=10)
        connection.request("POST", "/v1/websub", body=form, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    assert subscribe("place=Kyiv", {"Content-Type": "application/x-www-form-urlencoded"})[0] == 401
    status, body = subscribe("place=Lviv", reader)
    assert status == 403 and b"place" in body
    status, body = subscribe("", reader)  # Everything: more than the key may read.
    assert status == 403 and b"entitlements" in body
    assert subscribe("place=Kyiv", reader)[0] == 202
