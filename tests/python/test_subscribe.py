"""Subscriptions from Python: server-side filters as keyword arguments,
kills to earlier matchers, start times, heartbeats, embargoes, the asyncio
client, and `newswire tail` with the same options."""

from __future__ import annotations

import asyncio
import pickle
import datetime as dt
import subprocess
import sys
import time

import pytest

import newswire
import newswire.aio

from conftest import NEWSWIRE_BIN


def article(id: str, headline: str, *, version: int = 1, places=(), subjects=(),
            urgency: int = 0, status: str = "USABLE", embargo: dt.datetime | None = None,
            ) -> newswire.Article:
    return newswire.Article(
        id=id, version=version, headline=headline, body_text=f"{headline}. More text.",
        places=list(places), subjects=list(subjects), urgency=urgency, pub_status=status,
        embargoed_until=embargo,
    )


def drain(sub, n: int, timeout: float = 10.0) -> list[newswire.Event]:
    """The next ``n`` events that carry an article."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        ev = sub.next(timeout=0.2)
        if ev is not None and ev.article is not None:
            got.append(ev)
    return got


def test_filters_on_the_server(client):
    kyiv = client.subscribe(places=["Kyiv"], min_urgency=3, query="drone* OR missile")
    politics = client.subscribe(subjects="politics")  # A bare string is one value.
    for sub in (kyiv, politics):
        assert sub.next(timeout=5).kind == "CAUGHT_UP"
    client.publish(article("urn:f:1", "Drones over Kyiv", places=["Kyiv"], urgency=2))
    client.publish(article("urn:f:2", "Drones over Kyiv", places=["Kyiv"], urgency=5))
    client.publish(article("urn:f:3", "Storm in Kyiv", places=["Kyiv"], urgency=1))
    client.publish(article("urn:f:4", "Missile talks", places=["KYIV"], subjects=["politics"],
                           urgency=3))
    assert [e.article.id for e in drain(kyiv, 2)] == ["urn:f:1", "urn:f:4"]
    assert [e.article.id for e in drain(politics, 1)] == ["urn:f:4"]
    assert kyiv.next(timeout=0.3) is None  # Nothing else matched.


def test_a_kill_reaches_those_an_earlier_version_matched(client):
    sub = client.subscribe(places=["Kyiv"])
    assert sub.next(timeout=5).kind == "CAUGHT_UP"
    client.publish(article("urn:k:1", "Blast in Kyiv", places=["Kyiv"]))
    client.publish(article("urn:k:1", "Blast in Lviv", version=2, places=["Lviv"]))
    client.publish(article("urn:k:1", "Withdrawn", version=3, status="CANCELED"))
    assert [e.kind for e in drain(sub, 3)] == ["PUBLISHED", "UPDATED", "KILLED"]


def test_start_catch_up_versions_and_since(client):
    client.publish(article("urn:s:1", "First"))
    client.publish(article("urn:s:1", "First, updated", version=2))
    middle = dt.datetime.now(dt.timezone.utc)
    time.sleep(0.05)
    client.publish(article("urn:s:2", "Second"))

    def caught_up(sub):
        events = []
        while True:
            ev = sub.next(timeout=5)
            assert ev is not None
            if ev.kind == "CAUGHT_UP":
                return events, ev
            events.append(ev)

    events, mark = caught_up(client.subscribe(start="earliest"))
    assert [e.sequence for e in events] == [2, 3] and mark.head_sequence == 3
    events, _ = caught_up(client.subscribe(start="earliest", every_version=True))
    assert [e.sequence for e in events] == [1, 2, 3]
    events, _ = caught_up(client.subscribe(start=middle))
    assert [e.article.id for e in events] == ["urn:s:2"]


def test_heartbeats_while_idle(client):
    sub = client.subscribe(places=["Nowhere"], heartbeat=1.0)
    assert sub.next(timeout=5).kind == "CAUGHT_UP"
    client.publish(article("urn:h:1", "Elsewhere"))
    beat = sub.next(timeout=5)
    assert beat.kind == "HEARTBEAT" and beat.head_sequence == 1


@pytest.mark.parametrize("options, field", [
    ({"heartbeat": 0.1}, "heartbeat_interval"),
    ({"min_urgency": 12}, "filter.min_urgency"),
    ({"query": "\"unclosed"}, "filter.query"),
    ({"languages": ["en GB"]}, "filter.languages"),
])
def test_bad_options_name_the_field(client, options, field):
    sub = client.subscribe(**options)
    with pytest.raises(newswire.InvalidArgumentError, match=field):
        sub.next(timeout=5)


def test_embargoed_articles_are_held_then_published(client):
    sub = client.subscribe()
    assert sub.next(timeout=5).kind == "CAUGHT_UP"
    until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)
    result = client.publish(article("urn:e:1", "Budget", embargo=until))
    assert result.held and result.sequence == 0
    with pytest.raises(newswire.NotFoundError):
        client.get("urn:e:1")
    assert sub.next(timeout=0.5) is None  # Not yet.
    ev = sub.next(timeout=5)
    assert ev.kind == "PUBLISHED" and ev.article.id == "urn:e:1"
    assert ev.published_at >= until
    assert client.get("urn:e:1").headline == "Budget"


def test_asyncio_client_does_not_block_the_loop(server):
    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        tick_task = asyncio.create_task(ticker())
        async with newswire.aio.Client(server.address) as client:
            async with client.subscribe(places=["Kyiv"]) as sub:
                assert (await sub.__anext__()).kind == "CAUGHT_UP"
                await asyncio.sleep(0.3)  # Waiting on the stream: the loop runs.
                assert ticks >= 10
                result = await client.publish(article("urn:a:1", "Kyiv", places=["Kyiv"]))
                await client.publish(article("urn:a:2", "Paris", places=["Paris"]))
                await client.publish(article("urn:a:3", "Kyiv again", places=["Kyiv"]))
                got = []
                async for ev in sub:
                    got.append(ev.article.id)
                    if len(got) == 2:
                        break
                assert got == ["urn:a:1", "urn:a:3"] and result.sequence == 1
                assert await sub.next(timeout=0.2) is None
            assert (await client.get("urn:a:2")).headline == "Paris"
        tick_task.cancel()

    asyncio.run(main())


def test_tail_cli_filters(server, client):
    proc = subprocess.Popen(
        [str(NEWSWIRE_BIN), "tail", "--server", server.address, "--from", "earliest",
         "--place", "kyiv", "--query", "drones", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        client.publish(article("urn:t:1", "Drones over Kyiv", places=["Kyiv"]))
        client.publish(article("urn:t:2", "Drones over Paris", places=["Paris"]))
        client.publish(article("urn:t:3", "Calm in Kyiv", places=["Kyiv"]))
        client.publish(article("urn:t:4", "More drones", places=["Kyiv"]))
        lines = []
        while len([l for l in lines if '"article"' in l]) < 2:
            lines.append(proc.stdout.readline())
            assert lines[-1], proc.stderr.read()
        ids = [l.split('"id":"')[1].split('"')[0] for l in lines if '"article"' in l]
        assert ids == ["urn:t:1", "urn:t:4"]
    finally:
        proc.kill()
        proc.wait()
    bad = subprocess.run([str(NEWSWIRE_BIN), "tail", "--server", server.address,
                          "--heartbeat", "soon"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--heartbeat must be a duration" in bad.stderr
    zero = subprocess.run([str(NEWSWIRE_BIN), "tail", "--server", server.address,
                           "--heartbeat", "0s"], capture_output=True, text=True)
    assert zero.returncode == 2
    assert '--heartbeat "0s" is out of range: 1s to 5m' in zero.stderr


def test_events_are_read_lazily_and_behave_as_values(server, client):
    published = client.publish(article("urn:v:1", "Harbour opens", places=["Lisbon"]))
    with client.subscribe(start="earliest", view="full") as sub:
        ev = sub.next(timeout=5)
    assert (ev.sequence, ev.kind) == (published.sequence, "PUBLISHED")
    assert ev.published_at.tzinfo is not None
    # The article is parsed once, then the same object is returned.
    assert ev.article is ev.article
    assert ev.article.headline == "Harbour opens" and ev.article.places[0].name == "Lisbon"
    assert ev.article == client.get("urn:v:1")
    # The message view, pickling, equality and hashing agree.
    assert newswire.Event.from_pb(ev.pb) == ev
    assert not newswire.Event.from_pb(ev.pb) != ev  # One has its article parsed, one not.
    assert ev.pb.article.headline == "Harbour opens"
    copy = pickle.loads(pickle.dumps(ev))
    assert copy == ev and hash(copy) == hash(ev) and copy.article.id == "urn:v:1"
    made = newswire.Event(sequence=7, kind="CAUGHT_UP", head_sequence=7)
    assert made.article is None and made.published_at is None and made.pb.kind == 5
    assert "CAUGHT_UP" in repr(made)


def test_timeouts_lose_no_events(server, client):
    with client.subscribe() as sub:
        assert sub.next(timeout=5).kind == "CAUGHT_UP"
        assert sub.next(timeout=0.05) is None  # Nothing published yet.
        published = []
        got = []
        for i in range(7):
            published.append(client.publish(article(f"urn:tt:{i}", f"Tide {i}")).sequence)
            # A wait that times out while an event may be on its way.
            if (ev := sub.next(timeout=0.001)) is not None:
                got.append(ev.sequence)
        while len(got) < 7:
            got.append(sub.next(timeout=5).sequence)
        assert got == published


def test_closing_drops_the_events_read_ahead(server, client):
    for i in range(20):
        client.publish(article(f"urn:cl:{i}", f"Closing {i}"))
    sub = client.subscribe(start="earliest")
    events = iter(sub)
    next(events)
    time.sleep(0.2)  # The rest arrives and is read ahead.
    sub.close()
    assert list(events) == [] and sub.next(timeout=0.1) is None
    with pytest.raises(StopIteration):
        next(sub)


def test_the_iterator_lets_go_of_each_event(server, client):
    for i in range(3):
        client.publish(article(f"urn:rc:{i}", f"Released {i}"))
    with client.subscribe(start="earliest") as sub:
        ev = next(iter(sub))
        ev.article  # Parsed and kept in the event.
        # Only `ev` (and getrefcount's argument) hold it, not its batch:
        # an event dropped by the caller is freed at once.
        assert sys.getrefcount(ev) == 2
        assert sys.getrefcount(ev.article) == 3  # The event, the argument, the temporary.


def test_event_iterator_contract():
    from newswire import _core

    it = _core.EventIterator(iter([[1, 2], [], [3], None, [4]]).__next__)
    assert list(it) == [1, 2, 3]
    assert list(it) == []  # None ended it for good.
    with pytest.raises(TypeError, match="not a list or None"):
        next(_core.EventIterator(lambda: (1,)))
    with pytest.raises(TypeError, match="callable"):
        _core.EventIterator(3)
    calls = []

    def fetch():  # Fails once, then gives one batch and ends.
        calls.append(None)
        if len(calls) == 1:
            raise KeyError("first fetch")
        return [len(calls)] if len(calls) == 2 else None

    it = _core.EventIterator(fetch)
    with pytest.raises(KeyError):
        next(it)
    assert list(it) == [2]  # An error does not end it: the next call fetches again.
    batch = [1, 2, 3]
    it = _core.EventIterator(iter([batch, [9], None]).__next__)
    assert next(it) == 1 and batch == [None, 2, 3]  # Let go of.
    batch.clear()  # What Subscription.close does: on to the next fetch.
    assert list(it) == [9]
    with pytest.raises(TypeError, match="expected an Event"):
        newswire.Event.article.fget((1, 2))


def test_asyncio_timeouts_lose_no_events(server):
    async def main():
        async with newswire.aio.Client(server.address) as client:
            async with client.subscribe(start="earliest", batch=2) as sub:
                assert (await sub.next(timeout=5)).kind == "CAUGHT_UP"
                got = []
                for i in range(7):
                    await client.publish(article(f"urn:w:{i}", f"Story {i}"))
                    # A wait that times out while an event may be on its way.
                    if (ev := await sub.next(timeout=0.001)) is not None:
                        got.append(ev.sequence)
                while len(got) < 7:
                    got.append((await sub.next(timeout=5)).sequence)
                assert got == list(range(1, 8))
            assert await sub.next(timeout=0.1) is None  # Closed: nothing more.

    asyncio.run(main())


def test_asyncio_stream_ends_with_the_server():
    async def main():
        srv = newswire.Server()
        async with newswire.aio.Client(srv.address) as client:
            async with client.subscribe() as sub:
                assert (await sub.next(timeout=5)).kind == "CAUGHT_UP"
                await asyncio.to_thread(srv.stop)
                with pytest.raises(newswire.UnavailableError):
                    async for _ in sub:
                        pass

    asyncio.run(main())
