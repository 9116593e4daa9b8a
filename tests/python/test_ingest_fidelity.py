"""parse_feed on feeds as they come from the wild: named zones, a stray
byte in UTF-8, undeclared prefixes, Atom inside RSS, JSON Feed versions as
numbers, authors as addresses, podcast fields."""

from __future__ import annotations

import json

import pytest

import newswire


def rss(items: str, namespaces: str = "", channel: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{namespaces}>'
            f"<channel><title>Wire</title>{channel}{items}</channel></rss>").encode()


def test_a_date_in_cest_is_two_hours_east():
    feed = newswire.parse_feed(rss(
        "<item><title>a</title><guid>urn:a</guid>"
        "<pubDate>Mon, 02 Jan 2006 15:04:05 CEST</pubDate></item>"))
    (article,) = feed.articles
    assert article.first_created.isoformat() == "2006-01-02T13:04:05+00:00"
    assert article.utc_offset_minutes == 120
    assert feed.notes == []


def test_an_unknown_zone_is_noted_not_silently_utc():
    feed = newswire.parse_feed(rss(
        "<item><title>a</title><guid>urn:a</guid>"
        "<pubDate>Mon, 02 Jan 2006 15:04:05 XYZ</pubDate></item>"))
    assert feed.articles[0].first_created.isoformat() == "2006-01-02T15:04:05+00:00"
    assert any('unknown time zone "XYZ"' in note for note in feed.notes), feed.notes


def test_one_stray_byte_leaves_the_rest_of_the_text_alone():
    text = ("Minister arrives in Kyiv\n\nKYIV, Ukraine \u2014 Japan".encode()
            + b"\x92s minister arrived.\n")
    (article,) = newswire.parse_feed(text).articles
    assert article.dateline == "KYIV, Ukraine"
    assert article.body_text == "Japan\u2019s minister arrived."


def test_undeclared_prefixes_keep_body_author_and_image():
    feed = newswire.parse_feed(rss(
        "<item><title>Storm</title><guid>urn:s</guid>"
        "<content:encoded>&lt;p&gt;The storm hit.&lt;/p&gt;</content:encoded>"
        "<dc:creator>Ana Lima</dc:creator>"
        '<media:content url="https://img.example/s.jpg" type="image/jpeg"/></item>'))
    (article,) = feed.articles
    assert (article.body_text, article.byline) == ("The storm hit.", "Ana Lima")
    assert "https://img.example/s.jpg" in [link.href for link in article.links]
    assert any('undeclared prefix "content:"' in note for note in feed.notes)


def test_atom_elements_inside_rss():
    feed = newswire.parse_feed(rss(
        "<item><title>t</title><guid>urn:t</guid>"
        "<atom:published>2024-11-19T10:20:00Z</atom:published>"
        "<atom:author><atom:name>Jo Bloggs</atom:name></atom:author>"
        "<atom:summary>Counting goes on.</atom:summary></item>",
        ' xmlns:atom="http://www.w3.org/2005/Atom"'))
    (article,) = feed.articles
    assert article.first_created.isoformat() == "2024-11-19T10:20:00+00:00"
    assert (article.byline, article.body_text) == ("Jo Bloggs", "Counting goes on.")


@pytest.mark.parametrize("version", ["1", "1.0", "1.1", 1, 1.1])
def test_json_feed_version_as_a_number(version):
    feed = newswire.parse_feed(json.dumps(
        {"version": version, "items": [{"id": "1", "title": "Hello"}]}).encode())
    assert feed.format == "jsonfeed"
    assert feed.articles[0].headline == "Hello"
    assert any("read as JSON Feed" in note for note in feed.notes)


def test_json_that_is_no_feed_is_refused():
    with pytest.raises(newswire.InvalidArgumentError, match="neither a JSON Feed"):
        newswire.parse_feed(b'{"version": "1.0", "name": "left-pad"}')


def test_an_address_alone_is_no_byline_and_podcast_fields_are_read():
    feed = newswire.parse_feed(rss(
        "<item><title>Episode</title><guid>urn:p</guid><author>email@example.com</author>"
        "<itunes:summary>Tides.</itunes:summary>"
        "<itunes:keywords>tides, sea</itunes:keywords></item>",
        ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'))
    (article,) = feed.articles
    assert article.byline == ""
    assert ("author", "mailto:email@example.com") in [(l.rel, l.href) for l in article.links]
    assert article.body_text == "Tides."
    assert article.keywords == ["tides", "sea"]
