"""GET /metrics (Prometheus text format) counts what the server did, and
--access-log writes one JSON line per request or stream."""

from __future__ import annotations

import http.client
import json
import re
import time

import pytest

import newswire
from conftest import serve_http
from sse import SseStream

SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


def scrape(host: str) -> dict[str, float]:
    """Every sample, keyed by name and labels as written."""
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/metrics")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/plain; version=0.0.4")
    samples: dict[str, float] = {}
    types: dict[str, str] = {}
    for line in response.read().decode().splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
            continue
        if line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        samples[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    assert types["newswire_publishes_total"] == "counter"
    assert types["newswire_publish_seconds"] == "histogram"
    assert types["newswire_streams_open"] == "gauge"
    return samples


def wait_until(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_metrics_count_publishes_streams_and_searches(tmp_path):
    log = tmp_path / "access.log"
    proc, host = serve_http("--data", str(tmp_path / "data"), "--access-log", str(log))
    try:
        before = scrape(host)
        assert before['newswire_publishes_total{result="accepted"}'] == 0
        with newswire.Client(proc.address) as client:
            story = newswire.Article(id="urn:m:1", version=1, headline="One", body_text="x")
            client.publish(story)
            client.publish(story)  # A duplicate.
            with pytest.raises(newswire.Error):
                client.publish(newswire.Article(id="urn:m:2", version=1, headline=""))
            with SseStream(host, "/v1/stream?from=earliest") as stream, \
                    client.subscribe("earliest") as sub:
                next(stream.events())
                next(iter(sub))
                during = scrape(host)
                assert during['newswire_streams_open{transport="sse"}'] == 1
                assert during['newswire_streams_open{transport="grpc"}'] == 1
                assert during["newswire_subscriptions"] == 2
                assert during['newswire_events_sent_total{transport="sse"}'] >= 1
                assert during['newswire_events_sent_total{transport="grpc"}'] >= 1
            client.search("one")
        http.client.HTTPConnection(host, timeout=10).request("GET", "/v1/search?q=one")
        wait_until(lambda: scrape(host)['newswire_streams_open{transport="sse"}'] == 0)
        wait_until(lambda: scrape(host)["newswire_search_seconds_count"] == 2)
        after = scrape(host)
        assert after['newswire_publishes_total{result="accepted"}'] == 1
        assert after['newswire_publishes_total{result="duplicate"}'] == 1
        assert after['newswire_publishes_total{result="invalid"}'] == 1
        assert after["newswire_publish_seconds_count"] == 3
        assert after['newswire_publish_seconds_bucket{le="+Inf"}'] == 3
        buckets = [v for k, v in after.items() if k.startswith("newswire_publish_seconds_bucket")]
        assert buckets == sorted(buckets)  # Cumulative.
        assert after["newswire_head_sequence"] == 1
        assert after["newswire_archive_events"] == 1
        assert after["newswire_archive_bytes"] > 0
        assert after["newswire_slow_consumer_fallbacks_total"] == 0
        assert after['newswire_http_requests_total{code="2xx"}'] >= 3
    finally:
        proc.stop()

    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert {"time", "peer", "method", "path", "query", "status", "bytes", "ms", "stream",
            "user_agent"} <= set(lines[0])
    metrics = [l for l in lines if l["path"] == "/metrics"]
    assert metrics and all(l["status"] == 200 and not l["stream"] for l in metrics)
    streams = [l for l in lines if l["path"] == "/v1/stream"]
    assert len(streams) == 1 and streams[0]["stream"] and streams[0]["bytes"] > 0
    assert streams[0]["query"] == "from=earliest"
    searches = [l for l in lines if l["path"] == "/v1/search"]
    assert searches and searches[0]["query"] == "q=one"


def test_access_log_lines_stay_json_whatever_the_request(tmp_path):
    log = tmp_path / "access.log"
    proc, host = serve_http("--data", str(tmp_path / "data"), "--access-log", str(log))
    try:
        import socket
        address, port = host.rsplit(":", 1)
        for request in [b'GET /v1/feed.atom?q=\xff"\x01 HTTP/1.1\r\nHost: x\r\n\r\n',
                        b'GET /v1/feed.atom?q=%FF HTTP/1.1\r\nHost: x\r\n'
                        b'User-Agent: evil"\\agent\xc3\r\nAuthorization: Bearer sekrit\r\n'
                        b'Connection: close\r\n\r\n']:
            with socket.create_connection((address, int(port)), timeout=10) as sock:
                sock.sendall(request)
                while sock.recv(65536):
                    pass
        wait_until(lambda: log.exists() and len(log.read_text().splitlines()) == 2)
    finally:
        proc.stop()
    text = log.read_text()
    assert "sekrit" not in text
    refused, served = (json.loads(line) for line in text.splitlines())
    assert refused["status"] == 400
    assert served["user_agent"] == 'evil"\\agent%C3'
    assert (served["path"], served["query"]) == ("/v1/feed.atom", "q=%FF")
