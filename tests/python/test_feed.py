"""newswire.parse_feed and feeds through the CLI: every format from bytes,
errors that name the problem, parsing off the GIL, and a re-polled feed
published twice giving no duplicates."""

from __future__ import annotations

import threading
import time

import pytest

import newswire
from conftest import run_cli

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>City News</title><link>https://news.example.com/</link>
  <item><title>Council approves tram line</title><link>/2024/tram</link>
    <guid isPermaLink="false">tram-1</guid>
    <description>&lt;p&gt;LEEDS, England &#8212; The vote was 31 to 4.&lt;/p&gt;&lt;p&gt;Work starts soon.&lt;/p&gt;</description>
    <category>Transport</category>
    <pubDate>Tue, 19 Nov 2024 10:20:00 -0500</pubDate>
  </item>
  <item><title>Second story</title><guid>https://news.example.com/2</guid>
    <description>Plain.</description></item>
</channel></rss>"""


def test_rss_items_become_articles():
    feed = newswire.parse_feed(RSS, base_url="https://news.example.com/feed.xml")
    assert (feed.format, feed.version, feed.encoding) == ("rss", "rss20", "utf-8")
    assert (feed.title, feed.link, feed.well_formed) == (
        "City News", "https://news.example.com/", True)
    first, second = feed.articles
    assert first.headline == "Council approves tram line"
    assert first.dateline == "LEEDS, England"
    assert first.body_text == "The vote was 31 to 4.\n\nWork starts soon."
    assert first.canonical_url == "https://news.example.com/2024/tram"
    assert first.subjects[0].name == "Transport"
    assert first.first_created.isoformat() == "2024-11-19T15:20:00+00:00"
    assert first.utc_offset_minutes == -300
    assert first.source.feed_url == "https://news.example.com/feed.xml"
    assert first.version == 0
    assert second.id == "https://news.example.com/2"


def test_every_format_is_detected_from_the_bytes():
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            b'<entry><id>urn:a:1</id><title>Atom entry</title></entry></feed>')
    json_feed = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "J",'
                 b' "items": [{"id": "1", "title": "JSON item", "content_text": "x"}]}')
    ninjs = b'{"uri": "urn:n:1", "headline": "ninjs item", "body_text": "Body."}'
    text = "Plain headline\n\nKYIV \u2014 A body paragraph.\n".encode()
    for data, fmt, headline in [(atom, "atom", "Atom entry"), (json_feed, "jsonfeed", "JSON item"),
                                (ninjs, "ninjs", "ninjs item"), (text, "text", "Plain headline")]:
        feed = newswire.parse_feed(data)
        assert feed.format == fmt
        assert [a.headline for a in feed.articles] == [headline]


@pytest.mark.parametrize("data, message", [
    (b"<html><body>hi</body></html>", "root element <html> is not a feed"),
    (b"<rss><channel><item><title>cut", "Premature end of data"),
    (b'{"hello": "world"}', "neither a JSON Feed"),
    (b"{broken", "not valid JSON"),
    (b"<!DOCTYPE r [<!ENTITY a \"&b;\"><!ENTITY b \"&a;\">]><rss>&a;</rss>",
     "entity expansion refused"),
])
def test_what_is_not_a_feed_raises_naming_why(data, message):
    with pytest.raises(newswire.InvalidArgumentError) as info:
        newswire.parse_feed(data)
    assert message in str(info.value)


def test_parsing_releases_the_gil():
    items = "".join(f"<item><title>Story {i}</title><guid>urn:s:{i}</guid>"
                    f"<description>&lt;p&gt;Paragraph {i} of text.&lt;/p&gt;</description></item>"
                    for i in range(20000))
    big = f"<rss version='2.0'><channel><title>Big</title>{items}</channel></rss>".encode()
    ticks = 0
    done = threading.Event()

    def tick():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        start = time.monotonic()
        feed = newswire.parse_feed(big)
        elapsed = time.monotonic() - start
    finally:
        done.set()
        ticker.join()
    assert len(feed.articles) == 10000 and feed.skipped_items == 10000
    # The ticker ran while C++ parsed: it was never starved for the whole parse.
    assert ticks >= max(1, int(elapsed / 0.001) // 20), (ticks, elapsed)


def test_a_repolled_feed_publishes_each_story_once(client):
    feed = newswire.parse_feed(RSS, base_url="https://news.example.com/feed.xml")
    first = [client.publish(a) for a in feed.articles]
    assert [r.duplicate for r in first] == [False, False]
    again = [client.publish(a) for a in newswire.parse_feed(
        RSS, base_url="https://news.example.com/feed.xml").articles]
    assert [r.duplicate for r in again] == [True, True]
    # The story changed upstream: the next version, same id.
    edited = newswire.parse_feed(RSS.replace(b"31 to 4", b"31 to 5"),
                                 base_url="https://news.example.com/feed.xml")
    result = client.publish(edited.articles[0])
    assert (result.id, result.version, result.duplicate) == (first[0].id, 2, False)


def test_cli_parses_and_publishes_feeds(tmp_path, serve_process):
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS)
    parsed = run_cli("parse", "--json", str(path))
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stdout.count("\n") == 2 and "Council approves tram line" in parsed.stdout
    published = run_cli("publish", "--server", serve_process.address, str(path))
    assert published.returncode == 0, published.stderr
    again = run_cli("publish", "--server", serve_process.address, str(path))
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("duplicate") == 2, again.stdout


WIRE_COPY = ("The city council voted 31 to 4 on Tuesday to approve a new tram line linking the "
             "railway station with the university and the northern suburbs. Construction is "
             "expected to begin in the spring and to last three years, officials said, at a "
             "cost of about 420 million euros shared between the city and the region.")


def one_item_feed(guid: str, link: str, body: str) -> bytes:
    return (f"<rss version='2.0'><channel><title>Feed</title><item><title>Tram approved</title>"
            f"<guid>{guid}</guid><link>{link}</link><description>{body}</description>"
            f"</item></channel></rss>").encode()


def test_stories_from_two_feeds_are_one_and_near_copies_can_be_left_out(tmp_path):
    with newswire.Server(data_dir=str(tmp_path / "data")) as srv, \
            newswire.Client(srv.address) as client:
        first = client.publish(newswire.parse_feed(
            one_item_feed("urn:a:1", "https://a.example/tram", WIRE_COPY)).articles[0])
        # Feed B carries the same page: the same story, nothing new.
        same = client.publish(newswire.parse_feed(
            one_item_feed("urn:b:7", "https://a.example/tram", "Shorter.")).articles[0])
        assert same.duplicate and same.id == first.id
        # Feed C rewrote one word: its own article, marked as a copy.
        copy = client.publish(newswire.parse_feed(
            one_item_feed("urn:c:3", "https://c.example/tram",
                          WIRE_COPY.replace("Tuesday", "Monday"))).articles[0])
        assert not copy.duplicate
        stored = client.get(copy.id)
        assert [(l.rel, l.href) for l in stored.links if l.rel == "duplicate-of"] == [
            ("duplicate-of", first.id)]
        everything = client.subscribe(start="earliest")
        originals = client.subscribe(start="earliest", exclude_duplicates=True)
        for sub, want in ((everything, [first.id, copy.id]), (originals, [first.id])):
            got = []
            for event in sub:
                if event.kind == "CAUGHT_UP":
                    break
                got.append(event.article.id)
            assert got == want
        hits = client.search("tram", exclude_duplicates=True)
        assert [h.article.id for h in hits.hits] == [first.id]
        assert len(client.search("tram").hits) == 2
        # The same from the command line.
        cli = run_cli("search", "--server", srv.address, "--json", "--exclude-duplicates", "tram")
        assert cli.returncode == 0, cli.stderr
        assert first.id in cli.stdout and copy.id not in cli.stdout
