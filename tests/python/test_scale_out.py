"""Scale-out: newswire replicas on one NATS JetStream log (`serve --log`),
end to end over gRPC: every replica serves the same feed with the same
sequences, and a subscriber resumes on another replica where it left off."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from typing import Iterator

import pytest

import newswire

from concurrent.futures import ThreadPoolExecutor

from conftest import NEWSWIRE_BIN, ServeProcess, http_get, serve_http
from websub_receiver import Receiver, hub_request

NATS_SERVER = shutil.which("nats-server")
pytestmark = pytest.mark.skipif(NATS_SERVER is None,
                                reason="nats-server is not installed (make deps)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nats(tmp_path) -> Iterator[str]:
    """One nats-server with JetStream on a free loopback port: its URL."""
    port = free_port()
    proc = subprocess.Popen([NATS_SERVER, "-a", "127.0.0.1", "-p", str(port), "-js",
                             "-sd", str(tmp_path / "nats")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "nats-server did not start"
                time.sleep(0.05)
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()


def replica(nats_url: str) -> ServeProcess:
    return ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0", "--memory",
                         "--log", nats_url])


def publish_many(client: newswire.Client, ids: range) -> None:
    """Publishes story(i) for each i, from 4 threads."""
    with ThreadPoolExecutor(4) as pool:
        for result in pool.map(lambda i: client.publish(story(i)), ids):
            assert not result.duplicate


def search_all(client: newswire.Client, query: str) -> list[str]:
    """The ids of every hit for `query`, page after page, newest first."""
    ids: list[str] = []
    token = ""
    while True:
        page = client.search(query, order="newest", limit=100, page_token=token)
        ids += [hit.article.id for hit in page]
        if not page.next_page_token:
            return ids
        token = page.next_page_token


def log_progress(http_host: str) -> tuple[int, int]:
    """(applied, head) log positions of the replica behind `http_host`."""
    status, _, body = http_get(http_host, "/metrics")
    assert status == 200
    text = body.decode()
    def gauge(name: str) -> int:
        return int(float(re.search(rf"^{name} (\S+)$", text, re.M).group(1)))
    return gauge("newswire_log_applied_position"), gauge("newswire_log_head_position")


def story(i: int) -> newswire.Article:
    return newswire.Article(id=f"urn:scale:{i}", headline=f"Scale story {i}",
                            body_text=f"Story {i} about replicas and logs.")


def feed(client: newswire.Client, start: str | int = "earliest") -> list[tuple[int, str, str]]:
    """(sequence, kind, id) of every stored event after `start`."""
    events = []
    with client.subscribe(start=start) as sub:
        for ev in sub:
            if ev.kind == "CAUGHT_UP":
                return events
            events.append((ev.sequence, ev.kind, ev.article.id))
    raise AssertionError("stream ended")


def await_head(client: newswire.Client, head: int) -> None:
    """Waits until the replica behind `client` has applied up to `head`."""
    deadline = time.monotonic() + 20
    while True:
        with client.subscribe() as sub:
            caught_up = sub.next(timeout=5)
        if caught_up is not None and caught_up.head_sequence >= head:
            return
        assert time.monotonic() < deadline, f"replica stuck before {head}"
        time.sleep(0.05)


def test_replicas_serve_the_same_feed(nats):
    a, b = replica(nats), replica(nats)
    try:
        assert any("log: NATS JetStream" in line for line in a.output)
        with newswire.Client(a.address) as ca, newswire.Client(b.address) as cb:
            sequences = [(ca if i % 2 == 0 else cb).publish(story(i)).sequence
                         for i in range(6)]
            assert sequences == [1, 2, 3, 4, 5, 6]
            again = cb.publish(story(0))  # Published first through the other replica.
            assert again.duplicate and again.sequence == 1
            killed = story(2)
            killed.version = 2
            killed.pub_status = "CANCELED"
            assert ca.publish(killed).sequence == 7
            for client in (ca, cb):
                await_head(client, 7)
            assert feed(ca) == feed(cb)
            assert feed(cb)[-1] == (7, "KILLED", "urn:scale:2")
            assert ca.get("urn:scale:3") == cb.get("urn:scale:3")
            found_a = [hit.article.id for hit in ca.search("replicas")]
            found_b = [hit.article.id for hit in cb.search("replicas")]
            assert found_a == found_b and len(found_a) == 5  # The killed one is gone.
    finally:
        a.stop()
        b.stop()


def test_a_subscriber_resumes_on_another_replica(nats):
    a = replica(nats)
    b = None
    try:
        with newswire.Client(a.address) as ca:
            publish_many(ca, range(300))
            with ca.subscribe(start="earliest") as sub:
                seen = [sub.next(timeout=5).sequence for _ in range(150)]
        assert seen == list(range(1, 151))
        a.stop(signal.SIGKILL)  # The subscriber's replica dies.
        # It resumes at once on a replica that starts from nothing, so is
        # behind the log: it waits for the replica rather than being told
        # its cursor is out of range, and misses nothing.
        b = replica(nats)
        with newswire.Client(b.address) as cb:
            resumed = feed(cb, start=seen[-1])
            assert [s for s, _, _ in resumed] == list(range(151, 301))
            assert len({i for _, _, i in resumed}) == 150
            # Past the head: the same answer on every replica.
            with pytest.raises(newswire.Error, match="past the newest event, sequence 300"):
                feed(cb, start=301)
    finally:
        a.stop(signal.SIGKILL)
        if b is not None:
            b.stop()


def test_a_replica_killed_mid_apply_matches_the_log_after_restart(nats, tmp_path):
    a = replica(nats)
    data = str(tmp_path / "b")
    b, b_http = serve_http("--data", data, "--log", nats)
    try:
        with newswire.Client(a.address) as ca:
            publish_many(ca, range(200))
            with ThreadPoolExecutor(1) as pool:
                storm = pool.submit(publish_many, ca, range(200, 600))
                time.sleep(0.3)
                b.stop(signal.SIGKILL)  # While it applies the storm.
                storm.result()
            b, b_http = serve_http("--data", data, "--log", nats)
            await_head(ca, 600)
            with newswire.Client(b.address) as cb:
                await_head(cb, 600)
                assert feed(cb) == feed(ca)
                assert [s for s, _, _ in feed(cb)] == list(range(1, 601))
                found_a, found_b = search_all(ca, "replicas"), search_all(cb, "replicas")
                assert found_b == found_a and len(found_b) == 600
        applied, head = log_progress(b_http)
        assert applied == head == 600  # Each publish is one log message.
    finally:
        a.stop()
        b.stop()


def test_an_embargo_is_released_once_on_every_replica(nats):
    a, b = replica(nats), replica(nats)
    try:
        with newswire.Client(a.address) as ca, newswire.Client(b.address) as cb:
            embargoed = story(0)
            embargoed.embargoed_until = (dt.datetime.now(dt.timezone.utc)
                                         + dt.timedelta(seconds=1.5))
            assert ca.publish(embargoed).held
            assert cb.publish(story(1)).sequence == 1
            # Both replicas' clocks release it when due; one release is stored.
            for client in (ca, cb):
                await_head(client, 2)
            time.sleep(0.5)  # A second release, if any, would show by now.
            assert feed(ca) == feed(cb) == [(1, "PUBLISHED", "urn:scale:1"),
                                            (2, "PUBLISHED", "urn:scale:0")]
    finally:
        a.stop()
        b.stop()


def test_keys_are_the_clusters_on_every_replica(nats, tmp_path):
    """A key made, used or revoked through one replica is the same on every
    replica: the keys live on the log's servers, the pepper is one file
    copied beside each replica's archive."""
    data_a, data_b = tmp_path / "a", tmp_path / "b"
    made = subprocess.run([str(NEWSWIRE_BIN), "keys", "create", "root", "--scope", "admin",
                           "--data", str(data_a)], capture_output=True, text=True, timeout=30)
    assert made.returncode == 0, made.stderr
    root = made.stdout.strip()
    data_b.mkdir()
    shutil.copy(data_a / "key-pepper", data_b / "key-pepper")
    a = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                      "--data", str(data_a), "--log", nats])
    b = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                      "--data", str(data_b), "--log", nats])
    try:
        # The admin key made offline beside a's archive joined the cluster.
        with newswire.Client(b.address, key=root) as boss_b:
            key, secret = boss_b.create_key("desk", ["publish", "search"])
        with newswire.Client(b.address) as anonymous:
            with pytest.raises(newswire.UnauthenticatedError):
                anonymous.get("urn:scale:0")
        deadline = time.monotonic() + 10
        with newswire.Client(a.address, key=secret) as desk_a:
            while True:  # Made through b, it reaches a within moments.
                try:
                    assert desk_a.publish(story(0)).sequence == 1
                    break
                except newswire.UnauthenticatedError:
                    assert time.monotonic() < deadline, "the key never reached replica a"
                    time.sleep(0.05)
        with newswire.Client(a.address, key=root) as boss_a:
            assert [k.id for k in boss_a.list_keys()] == [root[3:13], key.id]
            boss_a.revoke_key(key.id)
        deadline = time.monotonic() + 10
        with newswire.Client(b.address, key=secret) as desk_b:
            while True:  # Revoked through a, it is refused by b.
                try:
                    desk_b.search("replicas")
                except newswire.UnauthenticatedError as refused:
                    assert "revoked" in str(refused)
                    break
                assert time.monotonic() < deadline, "the revocation never reached replica b"
                time.sleep(0.05)
        # The audit is the cluster's: what each replica did, read through
        # either, with the same ids.
        with newswire.Client(a.address, key=root) as boss_a, \
                newswire.Client(b.address, key=root) as boss_b:
            deadline = time.monotonic() + 10
            while True:
                through_a = boss_a.audit()
                if any(not e.allowed and "revoked" in e.reason for e in through_a):
                    break
                assert time.monotonic() < deadline, "b's refusal never reached a's audit"
                time.sleep(0.05)
            through_b = boss_b.audit()
            assert through_b[:len(through_a)] == through_a
            reasons = [(e.method, e.allowed) for e in through_a]
            assert ("CreateKey", True) in reasons        # through b
            assert ("Publish", True) in reasons          # through a
            assert ("RevokeKey", True) in reasons        # through a
            assert ("GetArticle", False) in reasons      # refused by b
            assert ("SearchArticles", False) in reasons  # refused by b
            assert [e.id for e in through_a] == sorted({e.id for e in through_a})
        # A replica restarted keeps the cluster's keys, revocation included.
        b.stop(signal.SIGKILL)
        b = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                          "--data", str(data_b), "--log", nats])
        with newswire.Client(b.address, key=secret) as desk_b:
            with pytest.raises(newswire.UnauthenticatedError, match="revoked"):
                desk_b.search("replicas")
        with newswire.Client(b.address, key=root) as boss_b:
            assert len(boss_b.list_keys()) == 2
    finally:
        a.stop()
        b.stop()


def test_a_replica_without_the_clusters_pepper_refuses_to_start(nats, tmp_path):
    made = subprocess.run([str(NEWSWIRE_BIN), "keys", "create", "root", "--scope", "admin",
                           "--data", str(tmp_path / "a")], capture_output=True, text=True,
                          timeout=30)
    assert made.returncode == 0, made.stderr
    first = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                          "--data", str(tmp_path / "a"), "--log", nats])
    first.stop()
    done = subprocess.run([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                           "--data", str(tmp_path / "b"), "--log", nats],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert str(tmp_path / "b" / "key-pepper") in done.stderr
    assert "copy" in done.stderr


def websub_subscriptions(http_host: str) -> int:
    """The WebSub subscriptions the replica behind `http_host` delivers to."""
    status, _, body = http_get(http_host, "/metrics")
    assert status == 200
    return int(re.search(r"^newswire_websub_subscriptions (\d+)$", body.decode(), re.M).group(1))


def test_a_websub_subscription_is_the_clusters(nats):
    """Made through one replica and renewed through the other, a WebSub
    subscription is one, delivered by one replica; when that replica is
    killed, the other takes over after the shared cursor: every entry is
    delivered once."""
    feedparser = pytest.importorskip("feedparser",
                                     reason="Debian's python3-feedparser is not installed")
    a, host_a = serve_http("--memory", "--log", nats)
    b, host_b = serve_http("--memory", "--log", nats)
    receiver = Receiver()
    try:
        topic, callback = f"http://{host_a}/v1/feed.atom", receiver.url("/cb")
        assert hub_request(host_a, mode="subscribe", topic=topic, callback=callback)[0] == 202
        a.wait_for_output("websub.subscribed", timeout=20)
        assert hub_request(host_b, mode="subscribe", topic=topic, callback=callback)[0] == 202
        b.wait_for_output("websub.renewed", timeout=20)

        def delivered() -> Counter[str]:
            return Counter(entry.title for _, body in receiver.delivered_to("/cb")
                           for entry in feedparser.parse(body).entries)

        def all_delivered(count: int) -> None:
            want = {f"Scale story {i}" for i in range(count)}
            receiver.wait_for(lambda: set(delivered()) == want, f"stories 0-{count - 1}")
            time.sleep(1.5)  # Time for a second delivery, were there one.
            assert delivered() == Counter(want), "an entry delivered twice"

        with newswire.Client(a.address) as ca:
            publish_many(ca, range(6))
        all_delivered(6)
        counts = {host: websub_subscriptions(host) for host in (host_a, host_b)}
        assert sorted(counts.values()) == [0, 1], counts

        deliverer, other = (a, b) if counts[host_a] == 1 else (b, a)
        deliverer.stop(signal.SIGKILL)
        with newswire.Client(other.address) as client:
            publish_many(client, range(6, 10))
        # Taken for gone after 10 s without a heartbeat; then the rest comes.
        other.wait_for_output("websub.delivering", timeout=30)
        all_delivered(10)
    finally:
        receiver.close()
        a.stop()
        b.stop()
