"""The WebSub hub (`serve --http`, POST /v1/websub) with a local HTTP
receiver on 127.0.0.1 playing the subscriber: verification of intent,
signed deliveries in the topic's format, unsubscription, retries and 410,
lease expiry, and subscriptions that survive a restart."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import re
import signal
import time

import pytest

import newswire
from conftest import NEWSWIRE_BIN, ServeProcess, http_host
from websub_receiver import WAIT, Receiver, hub_request

feedparser = pytest.importorskip("feedparser", reason="Debian's python3-feedparser is not installed")

_ids = itertools.count(1)


class Wire:
    """`newswire serve --http` with a short minimum lease and fast retries;
    its output is read as it comes, so tests can wait for the hub's log."""

    def __init__(self, data_dir) -> None:
        self.proc = ServeProcess([
            str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0", "--data", str(data_dir),
            "--http", "127.0.0.1:0", "--websub-min-lease", "1s", "--websub-retry", "100ms"])
        try:
            self.host = http_host(self.proc)
            self.client = newswire.Client(self.proc.address)
        except BaseException:
            self._kill()
            raise

    def wait_for_log(self, pattern: str) -> None:
        self.proc.wait_for_output(pattern, timeout=WAIT)

    def topic(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def request(self, **params: str) -> tuple[int, str]:
        return hub_request(self.host, **params)

    def subscribe(self, topic: str, callback: str, **params: str) -> None:
        status, text = self.request(mode="subscribe", topic=topic, callback=callback, **params)
        assert status == 202, text

    def publish(self, headline: str, place: str = "Kyiv") -> str:
        article_id = f"urn:websub:{next(_ids)}"
        self.client.publish(newswire.Article(
            id=article_id, version=1, headline=headline, byline="Jo Bloggs", places=[place],
            body_text=f"{headline}. More text."))
        return article_id

    def stop(self) -> None:
        self.client.close()
        self._kill()

    def _kill(self) -> None:
        self.proc.stop(signal.SIGTERM)


@pytest.fixture
def receiver():
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


@pytest.fixture
def wire(tmp_path):
    w = Wire(tmp_path / "data")
    try:
        yield w
    finally:
        w.stop()


def subscribed(wire: Wire, receiver: Receiver, topic: str, path: str, **params: str) -> None:
    """Subscribes `path` of the receiver to `topic` and waits until the hub
    has verified it."""
    wire.subscribe(topic, receiver.url(path), **params)
    wire.wait_for_log("websub.subscribed callback=" + re.escape(receiver.url(path))
                      + " topic=\"?" + re.escape(topic))


def titles(body: bytes) -> list[str]:
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [entry.title for entry in parsed.entries]


def signature_ok(secret: str, headers: dict[str, str], body: bytes) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers.get("x-hub-signature", ""), f"sha256={expected}")


def test_feeds_advertise_the_hub(wire):
    connection = http.client.HTTPConnection(wire.host, timeout=10)
    connection.request("GET", "/v1/feed.atom")
    parsed = feedparser.parse(connection.getresponse().read())
    connection.close()
    hubs = [link.href for link in parsed.feed.links if link.rel == "hub"]
    assert hubs == [f"http://{wire.host}/v1/websub"]


def test_bad_requests_get_400_naming_the_parameter(wire, receiver):
    callback = receiver.url("/cb")
    cases = [
        ({"mode": "follow", "topic": wire.topic("/v1/feed.atom"), "callback": callback},
         "hub.mode"),
        ({"mode": "subscribe", "topic": wire.topic("/v1/nothing"), "callback": callback},
         "hub.topic"),
        ({"mode": "subscribe", "topic": wire.topic("/v1/feed.atom?colour=red"),
          "callback": callback}, "hub.topic"),
        ({"mode": "subscribe", "topic": wire.topic("/v1/feed.atom"), "callback": "ftp://x/"},
         "hub.callback"),
        ({"mode": "subscribe", "topic": wire.topic("/v1/feed.atom"), "callback": callback,
          "secret": "x" * 200}, "hub.secret"),
        ({"mode": "subscribe", "topic": wire.topic("/v1/feed.atom"), "callback": callback,
          "lease_seconds": "soon"}, "hub.lease_seconds"),
    ]
    for params, name in cases:
        status, text = wire.request(**params)
        assert status == 400, (params, text)
        assert text.startswith(name), (params, text)
    assert receiver.verifications == []


def test_verified_subscriber_receives_new_entries_signed_in_the_topics_format(wire, receiver):
    wire.publish("Before the subscription")
    topic = wire.topic("/v1/feed.atom?place=Kyiv")
    subscribed(wire, receiver, topic, "/atom", lease_seconds="3600", secret="t0p secret")
    path, params = receiver.verifications[0]
    assert path == "/atom"
    assert params["hub.mode"] == "subscribe"
    assert params["hub.topic"] == topic
    assert params["hub.lease_seconds"] == "3600"
    assert len(params["hub.challenge"]) >= 16

    wire.publish("Elsewhere", place="Lviv")
    wire.publish("Drones over Kyiv")
    receiver.wait_for(lambda: receiver.delivered_to("/atom"), "a delivery")
    [(headers, body)] = receiver.delivered_to("/atom")
    assert headers["content-type"].startswith("application/atom+xml")
    assert signature_ok("t0p secret", headers, body)
    assert f"<http://{wire.host}/v1/websub>; rel=\"hub\"" in headers["link"]
    assert f"<{topic}>; rel=\"self\"" in headers["link"]
    assert titles(body) == ["Drones over Kyiv"]


def test_json_topic_gets_json_feed_unsigned_without_a_secret(wire, receiver):
    subscribed(wire, receiver, wire.topic("/v1/feed.json"), "/json")
    wire.publish("Trains resume", place="Lviv")
    receiver.wait_for(lambda: receiver.delivered_to("/json"), "a delivery")
    [(headers, body)] = receiver.delivered_to("/json")
    assert headers["content-type"].startswith("application/feed+json")
    assert "x-hub-signature" not in headers
    assert [item["title"] for item in __import__("json").loads(body)["items"]] == [
        "Trains resume"]


@pytest.mark.parametrize("answer", ["wrong", "404"])
def test_failed_verification_makes_no_subscription(wire, receiver, answer):
    topic = wire.topic("/v1/feed.rss")
    receiver.verify["/refused"] = answer
    wire.subscribe(topic, receiver.url("/refused"))
    wire.wait_for_log("websub.subscription_not_verified callback="
                      + re.escape(receiver.url("/refused")))
    subscribed(wire, receiver, topic, "/control")
    wire.publish("Power restored")
    receiver.wait_for(lambda: receiver.delivered_to("/control"), "the control delivery")
    time.sleep(0.5)  # The refused callback would have had its delivery by now.
    assert receiver.delivered_to("/refused") == []


def test_failed_resubscription_keeps_the_subscription(wire, receiver):
    topic = wire.topic("/v1/feed.rss")
    subscribed(wire, receiver, topic, "/keep", secret="first")
    receiver.verify["/keep"] = "404"
    wire.subscribe(topic, receiver.url("/keep"), secret="second")
    wire.wait_for_log("websub.subscription_not_verified callback="
                      + re.escape(receiver.url("/keep")))
    wire.publish("Still subscribed")
    receiver.wait_for(lambda: receiver.delivered_to("/keep"), "a delivery")
    [(headers, body)] = receiver.delivered_to("/keep")
    assert signature_ok("first", headers, body)


def test_unsubscribe_is_verified_and_stops_deliveries(wire, receiver):
    topic = wire.topic("/v1/feed.atom")
    subscribed(wire, receiver, topic, "/leaving")
    subscribed(wire, receiver, topic, "/control")
    wire.publish("First")
    receiver.wait_for(lambda: receiver.delivered_to("/leaving"), "a delivery")

    status, text = wire.request(mode="unsubscribe", topic=topic, callback=receiver.url("/leaving"))
    assert status == 202, text
    wire.wait_for_log("websub.unsubscribed callback=" + re.escape(receiver.url("/leaving"))
                      + " .*why=.*unsubscribed")
    path, params = receiver.verifications[-1]
    assert (path, params["hub.mode"], params["hub.topic"]) == ("/leaving", "unsubscribe", topic)

    wire.publish("Second")
    receiver.wait_for(lambda: any(titles(b) == ["Second"] for _, b in
                                  receiver.delivered_to("/control")), "the control delivery")
    time.sleep(0.5)
    assert [titles(b) for _, b in receiver.delivered_to("/leaving")] == [["First"]]


def test_failing_callback_is_retried_then_410_deletes_it(wire, receiver):
    topic = wire.topic("/v1/feed.atom")
    receiver.statuses["/flaky"] = [500, 503, 410]
    subscribed(wire, receiver, topic, "/flaky")
    subscribed(wire, receiver, topic, "/control")
    wire.publish("Retried")
    wire.wait_for_log("websub.unsubscribed callback=" + re.escape(receiver.url("/flaky"))
                      + " .*why=.*410")
    bodies = [b for _, b in receiver.delivered_to("/flaky")]
    assert len(bodies) == 3
    assert all(titles(b) == ["Retried"] for b in bodies)

    wire.publish("After the 410")
    receiver.wait_for(lambda: any(titles(b) == ["After the 410"] for _, b in
                                  receiver.delivered_to("/control")), "the control delivery")
    time.sleep(0.5)
    assert len(receiver.delivered_to("/flaky")) == 3


def test_lease_ends_and_the_subscription_with_it(wire, receiver):
    topic = wire.topic("/v1/feed.atom")
    subscribed(wire, receiver, topic, "/short", lease_seconds="1")
    assert receiver.verifications[-1][1]["hub.lease_seconds"] == "1"
    wire.wait_for_log("websub.unsubscribed callback=" + re.escape(receiver.url("/short"))
                      + " .*why=.*lease ended")
    subscribed(wire, receiver, topic, "/control")
    wire.publish("After the lease")
    receiver.wait_for(lambda: receiver.delivered_to("/control"), "the control delivery")
    time.sleep(0.5)
    assert receiver.delivered_to("/short") == []


def test_lease_is_never_permanent_or_past_the_maximum(wire, receiver):
    subscribed(wire, receiver, wire.topic("/v1/feed.atom"), "/default")
    assert receiver.verifications[-1][1]["hub.lease_seconds"] == str(10 * 86400)
    subscribed(wire, receiver, wire.topic("/v1/feed.atom"), "/long", lease_seconds="99999999")
    assert receiver.verifications[-1][1]["hub.lease_seconds"] == str(30 * 86400)


def test_subscriptions_survive_a_restart_and_resume_without_duplicates(tmp_path, receiver):
    wire = Wire(tmp_path / "data")
    try:
        topic = wire.topic("/v1/feed.atom")
        subscribed(wire, receiver, topic, "/durable", secret="kept")
        wire.publish("Before the restart")
        receiver.wait_for(lambda: receiver.delivered_to("/durable"), "a delivery")
    finally:
        wire.stop()
    wire = Wire(tmp_path / "data")
    try:
        wire.publish("After the restart")
        receiver.wait_for(lambda: len(receiver.delivered_to("/durable")) >= 2,
                          "a delivery after the restart")
        time.sleep(0.5)
        deliveries = receiver.delivered_to("/durable")
        assert [titles(b) for _, b in deliveries] == [["Before the restart"],
                                                      ["After the restart"]]
        headers, body = deliveries[1]
        assert signature_ok("kept", headers, body)
        assert f"<{topic}>; rel=\"self\"" in headers["link"]
    finally:
        wire.stop()
