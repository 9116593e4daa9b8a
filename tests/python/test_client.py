"""newswire.Server + newswire.Client end to end on loopback."""

import os
import signal
import threading
import time

import pytest

import newswire

STORY = "Harbour reopens after storm\n\nPORTO, Portugal — The harbour reopened on {day}.\n\nShips queued."


def story(day: str) -> newswire.Article:
    return newswire.parse_text(STORY.format(day=day))


def test_publish_subscribe_get(server, client):
    result = client.publish(story("Monday"))
    assert result == newswire.PublishResult(
        id=result.id, version=1, sequence=1, duplicate=False
    )
    assert repr(result).startswith("PublishResult(id='urn:newswire:")

    with client.subscribe(start="earliest") as events:
        ev = next(events)
        assert (ev.sequence, ev.kind) == (1, "PUBLISHED")
        assert ev.article.headline == "Harbour reopens after storm"
        assert ev.article.dateline == "PORTO, Portugal"
        assert ev.article.body_text == ""  # Headline view.
        assert ev.published_at is not None
        caught_up = next(events)
        assert caught_up.kind == "CAUGHT_UP" and caught_up.head_sequence == 1

    got = client.get(result.id)
    assert got.headline == "Harbour reopens after storm"
    assert got.body_text.startswith("The harbour reopened on Monday.")
    assert got.first_created is not None


def test_publish_is_idempotent(client):
    first = client.publish(story("Tuesday"))
    again = client.publish(story("Tuesday"))
    assert again.duplicate and not first.duplicate
    assert again.sequence == first.sequence


def test_live_events_reach_every_subscriber(client):
    subs = [client.subscribe(view="full") for _ in range(3)]
    for sub in subs:
        assert next(sub).kind == "CAUGHT_UP"
    client.publish(story("Wednesday"))
    for sub in subs:
        ev = next(sub)
        assert ev.kind == "PUBLISHED"
        assert "Wednesday" in ev.article.body_text  # Full view.
        sub.close()


def test_resume_after_a_sequence(client):
    for day in ("Mon", "Tue", "Wed", "Thu"):
        client.publish(story(day))
    with client.subscribe(start=2) as events:
        assert [next(events).sequence for _ in range(2)] == [3, 4]


def test_plain_text_can_be_published_directly(client):
    result = client.publish(STORY.format(day="Friday"))
    assert result.sequence == 1


def test_errors_carry_codes_and_builtin_types(client):
    with pytest.raises(newswire.NotFoundError) as info:
        client.get("urn:newswire:missing")
    assert isinstance(info.value, KeyError)
    assert "urn:newswire:missing" in str(info.value)

    with pytest.raises(newswire.InvalidArgumentError) as info:
        client.publish(newswire.Article(headline="Bad urgency", urgency=12))
    assert isinstance(info.value, ValueError)
    assert "urgency" in str(info.value)

    with pytest.raises(newswire.OutOfRangeError):
        next(client.subscribe(start=99))

    with pytest.raises(ValueError):
        client.subscribe(start="yesterday")


def test_unreachable_server_is_connection_error():
    with newswire.Client("127.0.0.1:1") as c:
        with pytest.raises(newswire.UnavailableError) as info:
            c.publish(story("Saturday"), timeout=5)
    assert isinstance(info.value, ConnectionError)


def test_server_stop_ends_streams(server, client):
    events = client.subscribe()
    assert next(events).kind == "CAUGHT_UP"
    server.stop()
    with pytest.raises(newswire.UnavailableError):
        next(events)


def test_next_with_timeout_returns_none_when_idle(client):
    with client.subscribe() as events:
        assert events.next(timeout=2).kind == "CAUGHT_UP"
        start = time.monotonic()
        assert events.next(timeout=0.3) is None
        assert time.monotonic() - start < 5


def test_ctrl_c_interrupts_a_blocked_subscribe(client):
    events = client.subscribe()
    assert next(events).kind == "CAUGHT_UP"
    main = threading.main_thread().ident
    sent_at = []

    def interrupt():
        time.sleep(0.5)
        sent_at.append(time.monotonic())
        signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        next(events)  # Blocks: nothing is published.
    assert time.monotonic() - sent_at[0] < 1.0
    # The interrupted subscription is closed, and the client still works.
    with pytest.raises(StopIteration):
        next(events)
    assert client.publish(story("Sunday")).sequence == 1


def test_package_exports():
    for name in ("parse_text", "Article", "Client", "Server", "Error", "NotFoundError"):
        assert hasattr(newswire, name)
    assert issubclass(newswire.NotFoundError, LookupError)


def test_the_largest_valid_article_travels_whole_and_a_larger_one_is_named(client):
    # Both bodies at their 4 MiB limit: twice gRPC's default message size.
    words = ("words " * (4 << 20))[: 4 << 20]
    largest = newswire.Article(id="urn:test:largest", headline="Longest story",
                               body_text=words, body_html="<p>" + words[:-7] + "</p>")
    assert client.publish(largest).sequence == 1
    got = client.get("urn:test:largest")
    assert len(got.body_text) == len(largest.body_text)
    assert got.body_html == largest.body_html
    assert len(got.summary.encode()) <= 1000 and got.summary.endswith("…")
    with client.subscribe(start="earliest", view="full") as events:
        assert len(next(events).article.body_html) == len(largest.body_html)

    over = newswire.Article(id="urn:test:over", headline="Too long", summary=words,
                            body_text=words, body_html=words)
    with pytest.raises(newswire.InvalidArgumentError) as info:
        client.publish(over)
    assert '"urn:test:over"' in str(info.value)
    assert "over the limit of 9437184" in str(info.value)
    with pytest.raises(newswire.NotFoundError):
        client.get("urn:test:over")
