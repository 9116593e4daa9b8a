"""Parsed articles reach Python as the C++ core's own messages: with
Debian's C++ protobuf runtime the newswire.v1 classes are the core's
compiled classes, and parse_feed / parse_text hand each parsed article over
without serializing it. Elsewhere they go through bytes. Both ways give the
same articles, each one independent of the others and of the parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from google.protobuf import __version__ as protobuf_version
from google.protobuf.internal import api_implementation

import newswire
from newswire import _core
from newswire.v1 import article_pb2, feed_pb2

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wire</title><link href="https://wire.example/"/>
  <id>urn:wire</id><updated>2024-11-19T10:00:00Z</updated>
  <entry><title>Port reopens after storm</title><id>urn:wire:1</id>
    <updated>2024-11-19T09:00:00Z</updated>
    <content type="html">&lt;p&gt;GDANSK, Poland &#8212; Ships moved again.&lt;/p&gt;</content>
    <category term="Shipping"/><link href="/port"/></entry>
  <entry><title>Second story</title><id>urn:wire:2</id>
    <updated>2024-11-19T09:30:00Z</updated><summary>Short.</summary></entry>
</feed>"""

TEXT = "Tram line approved\n\nLEEDS, England - The vote was 31 to 4.\n"


def built_for_this_runtime() -> bool:
    """Python's protobuf is the C++ runtime the core was built against
    (Debian's python3-protobuf with libprotobuf-dev of the same release)."""
    core_version = _core.protobuf_version()
    return (api_implementation.Type() == "cpp"
            and protobuf_version.split(".")[1:] == core_version.split(".")[1:])


def test_articles_are_shared_on_debians_runtime():
    if not built_for_this_runtime():
        pytest.skip(f"Python's protobuf is {api_implementation.Type()} "
                    f"{protobuf_version}, the core's {_core.protobuf_version()}: "
                    "articles go through bytes there")
    assert _core.article_transfer() == "shared"


def test_a_parsed_article_is_an_article_pb2_article():
    article = newswire.parse_feed(ATOM).articles[0]
    assert type(article.pb) is article_pb2.Article
    event = feed_pb2.FeedEvent()
    event.article.CopyFrom(article.pb)
    assert event.article.headline == "Port reopens after storm"


def test_articles_are_independent_of_each_other_and_of_the_parse():
    first = newswire.parse_feed(ATOM, base_url="https://wire.example/feed")
    second = newswire.parse_feed(ATOM, base_url="https://wire.example/feed")
    a, b = first.articles
    a.headline = "Changed"
    a.places = ["Oslo"]
    assert b.headline == "Second story"
    assert second.articles[0].headline == "Port reopens after storm"
    assert [p.name for p in second.articles[0].places] == ["Gdansk", "Poland"]
    del first, second
    assert a.headline == "Changed" and b.canonical_url == ""
    text = newswire.parse_text(TEXT)
    assert (text.headline, text.dateline) == ("Tram line approved", "LEEDS, England")


def articles_in_a_fresh_process(serialize: bool) -> tuple[str, list[str]]:
    script = textwrap.dedent("""
        import json, sys
        import newswire
        from newswire import _core
        feed = newswire.parse_feed(sys.stdin.buffer.read(), base_url="https://wire.example/")
        text = newswire.parse_text(%r)
        print(json.dumps([_core.article_transfer(),
                          [a.to_bytes().hex() for a in [*feed.articles, text]]]))
    """) % TEXT
    env = dict(os.environ)
    env.pop("NEWSWIRE_PYTHON_SERIALIZE_ARTICLES", None)
    if serialize:
        env["NEWSWIRE_PYTHON_SERIALIZE_ARTICLES"] = "1"
    done = subprocess.run([sys.executable, "-c", script], input=ATOM, capture_output=True,
                          env=env, timeout=60, check=True)
    transfer, articles = json.loads(done.stdout)
    return transfer, articles


def test_through_bytes_the_articles_are_the_same():
    shared_transfer, shared = articles_in_a_fresh_process(serialize=False)
    serialized_transfer, serialized = articles_in_a_fresh_process(serialize=True)
    assert serialized_transfer == "serialized"
    if built_for_this_runtime():
        assert shared_transfer == "shared"
    assert len(shared) == 3
    assert shared == serialized


def test_first_parses_on_many_threads_at_once_all_finish():
    # The first parse in a process sets the transfer up, importing modules
    # (which lets other threads run): threads arriving meanwhile must not
    # wait for it while holding the GIL.
    script = textwrap.dedent("""
        import sys, threading
        import newswire
        data = sys.stdin.buffer.read()
        results = []
        barrier = threading.Barrier(8)
        def parse():
            barrier.wait()
            results.append(len(newswire.parse_feed(data).articles))
        threads = [threading.Thread(target=parse) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(sorted(results))
    """)
    done = subprocess.run([sys.executable, "-c", script], input=ATOM, capture_output=True,
                          timeout=60, check=True)
    assert done.stdout.decode().strip() == "[2, 2, 2, 2, 2, 2, 2, 2]"
