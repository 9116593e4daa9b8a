"""The HTTP edge's feeds (`serve --http`), read by Debian's feedparser as a
feed reader would, and by newswire's own parser: content, conditional GET,
filters, errors."""

from __future__ import annotations

import datetime
import email.utils
import json
import http.client
import re
import time
import urllib.parse

import pytest

import newswire
from conftest import NEWSWIRE_BIN, SOURCE_DIR, http_get, serve_http

feedparser = pytest.importorskip("feedparser", reason="Debian's python3-feedparser is not installed")


@pytest.fixture
def wire(tmp_path):
    """`serve --data DIR --http 127.0.0.1:0` with three stories published."""
    proc, host = serve_http("--data", str(tmp_path / "data"))
    try:
        with newswire.Client(proc.address) as client:
            for n, (place, headline) in enumerate(
                    [("Kyiv", "Drones over Kyiv"), ("Lviv", "Trains resume in Lviv"),
                     ("Kyiv", "Power restored in Kyiv")], start=1):
                client.publish(newswire.Article(
                    id=f"urn:http:{n}", version=1, headline=headline, byline="Jo Bloggs",
                    places=[place], body_text=f"{headline}. More text.\n\nA second paragraph."))
                time.sleep(0.01)  # Distinct times, so "newest first" is defined.
            yield host, client
    finally:
        proc.stop()


get = http_get


@pytest.fixture
def jsonschema():
    """Debian's python3-jsonschema, or the test is skipped."""
    return pytest.importorskip("jsonschema", reason="python3-jsonschema is not installed")


def load_schema(name: str) -> dict:
    """A JSON Schema from tests/data/schemas (README.md there names its source)."""
    return json.loads((SOURCE_DIR / "tests" / "data" / "schemas" / name).read_text(
        encoding="utf-8"))


def ninjs_validator(jsonschema):
    """A validator for IPTC's ninjs 2.1 schema, of the draft its $schema names."""
    schema = load_schema("ninjs-schema_2.1.json")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path,content_type,version", [
    ("/v1/feed.atom", "application/atom+xml", "atom10"),
    ("/v1/feed.rss", "application/rss+xml", "rss20"),
])
def test_feedparser_reads_each_format(wire, path, content_type, version):
    host, _ = wire
    status, headers, body = get(host, path)
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title == "newswire"
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Power restored in Kyiv", "Trains resume in Lviv", "Drones over Kyiv"]
    first = parsed.entries[0]
    assert first.id == "urn:http:3"
    assert first.author == "Jo Bloggs"
    assert first.published_parsed is not None
    # newswire reads its own output back to the same stories.
    ours = newswire.parse_feed(body)
    assert [a.id for a in ours.articles] == ["urn:http:3", "urn:http:2", "urn:http:1"]
    assert ours.articles[0].body_text == "Power restored in Kyiv. More text.\n\nA second paragraph."


def test_json_feed_is_json_feed_1_1(wire, jsonschema):
    # Debian's feedparser 6.0 reads no JSON Feed: checked against the JSON
    # Feed 1.1 schema (tests/data/schemas, written from the specification).
    host, _ = wire
    status, headers, body = get(host, "/v1/feed.json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/feed+json")
    document = json.loads(body)
    schema = load_schema("jsonfeed-1.1.schema.json")
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(document, schema)
    # The schema can fail: an item without content is refused.
    broken = json.loads(body)
    del broken["items"][0]["content_html"], broken["items"][0]["content_text"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == f"http://{host}/v1/feed.json"
    items = document["items"]
    assert [item["id"] for item in items] == ["urn:http:3", "urn:http:2", "urn:http:1"]
    assert items[0]["authors"] == [{"name": "Jo Bloggs"}]
    assert items[0]["content_text"] == "Power restored in Kyiv. More text.\n\nA second paragraph."
    ours = newswire.parse_feed(body)
    assert (ours.version, len(ours.articles), ours.notes) == ("jsonfeed11", 3, [])


def test_ninjs_is_iptc_ninjs_2_1(wire, jsonschema):
    # Checked against IPTC's own schema for the pinned version
    # (tests/data/schemas/README.md names its source).
    host, _ = wire
    status, headers, body = get(host, "/v1/feed.ninjs")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])
    document = json.loads(body)
    validator = ninjs_validator(jsonschema)
    validator.check_schema(validator.schema)
    assert isinstance(document, list) and len(document) == 3
    for item in document:
        validator.validate(item)
    # The schema can fail: ninjs 2.x has no "headline" member.
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(dict(document[0], headline="x"))
    assert [item["uri"] for item in document] == ["urn:http:3", "urn:http:2", "urn:http:1"]
    first = document[0]
    assert first["standard"]["version"] == "2.1"
    assert first["headlines"][0] == {"role": "main", "contenttype": "text/plain",
                                     "value": "Power restored in Kyiv"}
    assert first["by"] == "Jo Bloggs"
    assert first["places"] == [{"name": "Kyiv"}]
    assert (first["version"], first["pubstatus"]) == ("1", "usable")
    created = datetime.datetime.fromisoformat(first["versioncreated"])
    assert created.tzinfo is not None
    assert abs(created - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(
        minutes=5)
    # Same ETag, same document: 304.
    assert get(host, "/v1/feed.ninjs", {"If-None-Match": headers["ETag"]})[0] == 304
    # newswire reads its own ninjs back to the same stories.
    ours = newswire.parse_feed(body)
    assert ours.version == "ninjs2"
    assert [a.id for a in ours.articles] == ["urn:http:3", "urn:http:2", "urn:http:1"]
    assert ours.articles[0].byline == "Jo Bloggs"
    assert ours.articles[0].body_text == "Power restored in Kyiv. More text.\n\nA second paragraph."


def test_conditional_get_answers_304_until_something_is_published(wire):
    host, client = wire
    status, headers, _ = get(host, "/v1/feed.atom")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert get(host, "/v1/feed.atom", {"If-None-Match": etag})[0] == 304
    assert get(host, "/v1/feed.atom", {"If-Modified-Since": modified})[0] == 304
    # A reader's own, later date counts too ("not newer", not equality).
    later = email.utils.format_datetime(
        email.utils.parsedate_to_datetime(modified).replace(year=2099), usegmt=True)
    assert get(host, "/v1/feed.atom", {"If-Modified-Since": later})[0] == 304
    # feedparser sends both validators, as readers do.
    assert feedparser.parse(f"http://{host}/v1/feed.atom", etag=etag).status == 304

    client.publish(newswire.Article(id="urn:http:4", version=1, headline="New story",
                                    body_text="New story. Text."))
    status, new_headers, body = get(host, "/v1/feed.atom", {"If-None-Match": etag})
    assert status == 200
    assert new_headers["ETag"] != etag
    assert b"New story" in body


def test_query_parameters_filter_and_limit(wire):
    host, _ = wire
    _, _, body = get(host, "/v1/feed.atom?place=Kyiv")
    assert [e.title for e in feedparser.parse(body).entries] == [
        "Power restored in Kyiv", "Drones over Kyiv"]
    _, _, body = get(host, "/v1/feed.rss?limit=1")
    assert [e.title for e in feedparser.parse(body).entries] == ["Power restored in Kyiv"]
    _, _, body = get(host, "/v1/feed.atom?q=" + urllib.parse.quote("trains"))
    assert [e.title for e in feedparser.parse(body).entries] == ["Trains resume in Lviv"]


def test_bad_requests_name_what_is_wrong(wire):
    host, _ = wire
    status, _, body = get(host, "/v1/feed.atom?limit=0")
    assert status == 400 and b"limit" in body
    status, _, body = get(host, "/v1/feed.atom?colour=red")
    assert status == 400 and b"colour" in body
    assert get(host, "/v1/nothing")[0] == 404
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("POST", "/v1/feed.atom", body=b"x")
    response = connection.getresponse()
    assert (response.status, response.getheader("Allow")) == (405, "GET")
    connection.close()
    # A header past the limit is refused, and the server goes on serving.
    assert get(host, "/v1/feed.atom", {"X-Big": "a" * 20000})[0] == 431
    assert get(host, "/healthz")[0] == 200


def test_http_is_refused_beyond_loopback_without_insecure(tmp_path):
    done = __import__("subprocess").run(
        [str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0", "--data", str(tmp_path / "d"),
         "--http", "0.0.0.0:0"], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "the HTTP edge has no TLS" in done.stderr


# --- RFC 5005 archived feeds ------------------------------------------------

ARCHIVE_PAGE = 100  # Events per archive page (service/http_feeds.h).
STORIES = 228


@pytest.fixture(scope="module")
def archived_wire(tmp_path_factory):
    """A wire with 230 events: stories 1-150, story 5's update and story 7's
    kill (sequences 151, 152: page 1), then stories 151-228. Every tenth
    story is from Odesa, the rest from Kyiv."""
    data = tmp_path_factory.mktemp("archive") / "data"
    proc, host = serve_http("--data", str(data))
    try:

        def story(n: int, **fields) -> newswire.Article:
            fields.setdefault("headline", f"Story {n}")
            return newswire.Article(id=f"urn:archive:{n}", version=fields.pop("version", 1),
                                    places=["Odesa" if n % 10 == 0 else "Kyiv"],
                                    body_text=f"Story {n}. Text.", **fields)

        with newswire.Client(proc.address) as client:
            for n in range(1, 151):
                client.publish(story(n))
            client.publish(story(5, version=2, headline="Story 5, updated"))
            client.publish(story(7, version=2, pub_status="CANCELED"))
            for n in range(151, STORIES + 1):
                client.publish(story(n))
        yield host
    finally:
        proc.stop()


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def feed_link(parsed, rel: str) -> str | None:
    hrefs = [link.href for link in parsed.feed.get("links", []) if link.get("rel") == rel]
    assert len(hrefs) <= 1, hrefs
    return hrefs[0] if hrefs else None


def walk_back(host: str, path: str) -> list:
    """The subscription document at `path`, then each prev-archive page."""
    documents, url = [], f"http://{host}{path}"
    while url is not None:
        assert url not in [d[0] for d in documents], "prev-archive loops"
        status, headers, body = get(host, path_of(url))
        assert status == 200, (url, body)
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        documents.append((url, headers, body, parsed))
        url = feed_link(parsed, "prev-archive")
    return documents


@pytest.mark.parametrize("path", ["/v1/feed.atom", "/v1/feed.rss"])
def test_a_reader_walks_back_through_every_story(archived_wire, path):
    host = archived_wire
    documents = walk_back(host, path)
    assert [d[0] for d in documents] == [
        f"http://{host}{path}", f"http://{host}{path}?page=1", f"http://{host}{path}?page=0"]
    ids = [entry.id for _, _, _, parsed in documents for entry in parsed.entries]
    assert set(ids) == {f"urn:archive:{n}" for n in range(1, STORIES + 1)}
    # The archive pages hold each event once: only the updated and the
    # killed story are there twice (the subscription document may repeat
    # what the newest page has: readers merge by id).
    archived = [entry.id for _, _, _, parsed in documents[1:] for entry in parsed.entries]
    repeated = {i for i in archived if archived.count(i) > 1}
    assert repeated == {"urn:archive:5", "urn:archive:7"}
    assert len(archived) == 2 * ARCHIVE_PAGE
    # Each page is the version its event carried, newest first.
    page1 = documents[1][3]
    assert [e.title for e in page1.entries][:1] == ["Story 198"]
    assert "Story 5, updated" in [e.title for e in page1.entries]
    assert "Story 5" in [e.title for e in documents[2][3].entries]
    for url, _, body, parsed in documents[1:]:
        assert b'xmlns:fh="http://purl.org/syndication/history/1.0"' in body
        assert b"<fh:archive/>" in body
        assert feed_link(parsed, "current") == f"http://{host}{path}"
    assert feed_link(documents[1][3], "next-archive") == f"http://{host}{path}?page=2"
    assert feed_link(documents[0][3], "current") is None
    assert b"fh:archive" not in documents[0][2]


def test_archive_pages_are_immutable_once_complete(archived_wire):
    host = archived_wire
    status, headers, _ = get(host, "/v1/feed.atom?page=0")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Link"] == (f'<http://{host}/v1/feed.atom>; rel="current", '
                               f'<http://{host}/v1/feed.atom?page=1>; rel="next-archive"')
    assert get(host, "/v1/feed.atom?page=0", {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(host, "/v1/feed.atom?page=0")[1]["ETag"] == headers["ETag"]
    # The page still filling (events 201-230) is not immutable, and has no
    # newer page yet.
    status, headers, body = get(host, "/v1/feed.atom?page=2")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=30"
    parsed = feedparser.parse(body)
    assert len(parsed.entries) == 30
    assert feed_link(parsed, "next-archive") is None
    assert feed_link(parsed, "prev-archive") == f"http://{host}/v1/feed.atom?page=1"
    # The subscription document points at the newest complete page.
    _, headers, _ = get(host, "/v1/feed.ninjs")
    assert headers["Link"] == f'<http://{host}/v1/feed.ninjs?page=1>; rel="prev-archive"'


def test_archive_pages_in_json_feed_and_ninjs(archived_wire, jsonschema):
    host = archived_wire
    current = json.loads(get(host, "/v1/feed.json")[2])
    assert current["next_url"] == f"http://{host}/v1/feed.json?page=1"
    page1 = json.loads(get(host, "/v1/feed.json?page=1")[2])
    assert page1["feed_url"] == f"http://{host}/v1/feed.json?page=1"
    assert page1["next_url"] == f"http://{host}/v1/feed.json?page=0"
    assert "next_url" not in json.loads(get(host, "/v1/feed.json?page=0")[2])
    # ninjs shows what each event was: story 7's kill is on page 1.
    status, headers, body = get(host, "/v1/feed.ninjs?page=1")
    assert status == 200 and 'rel="prev-archive"' in headers["Link"]
    validator = ninjs_validator(jsonschema)
    by_uri = {}
    for item in json.loads(body):
        validator.validate(item)
        by_uri.setdefault(item["uri"], []).append(item)
    assert len(by_uri["urn:archive:7"]) == 1
    assert (by_uri["urn:archive:7"][0]["pubstatus"], by_uri["urn:archive:7"][0]["version"]) == (
        "canceled", "2")
    assert by_uri["urn:archive:5"][0]["headlines"][0]["value"] == "Story 5, updated"


def test_filtered_archive_pages_keep_the_filter(archived_wire):
    host = archived_wire
    status, headers, body = get(host, "/v1/feed.atom?place=Odesa&page=0")
    assert status == 200
    parsed = feedparser.parse(body)
    assert [e.id for e in parsed.entries] == [f"urn:archive:{n}" for n in range(100, 0, -10)]
    assert feed_link(parsed, "next-archive") == f"http://{host}/v1/feed.atom?place=Odesa&page=1"
    assert feed_link(parsed, "current") == f"http://{host}/v1/feed.atom?place=Odesa"
    # A page with nothing that matches is an empty page, not an error.
    status, _, body = get(host, "/v1/feed.atom?place=Lviv&page=1")
    assert status == 200 and feedparser.parse(body).entries == []


@pytest.mark.parametrize("query,status", [
    ("page=abc", 400), ("page=-1", 400), ("page=", 400), ("page=1.5", 400),
    ("page=99999999999999999999", 400), ("page=3", 404)])
def test_bad_archive_pages_name_the_parameter(archived_wire, query, status):
    got, _, body = get(archived_wire, "/v1/feed.atom?" + query)
    assert got == status and b"page" in body
