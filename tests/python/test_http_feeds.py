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
from conftest import NEWSWIRE_BIN, SOURCE_DIR, ServeProcess

feedparser = pytest.importorskip("feedparser", reason="Debian's python3-feedparser is not installed")


@pytest.fixture
def wire(tmp_path):
    """`serve --data DIR --http 127.0.0.1:0` with three stories published."""
    proc = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                         "--data", str(tmp_path / "data"), "--http", "127.0.0.1:0"])
    try:
        http_line = next(line for line in proc.output if "HTTP feeds:" in line)
        host = re.search(r"http://([^/]+)/", http_line).group(1)
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


def get(host: str, path: str, headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection(host, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


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


def test_json_feed_is_json_feed_1_1(wire):
    # Debian's feedparser 6.0 reads no JSON Feed: checked against the JSON
    # Feed 1.1 schema (tests/data/schemas, written from the specification).
    jsonschema = pytest.importorskip("jsonschema", reason="python3-jsonschema is not installed")
    host, _ = wire
    status, headers, body = get(host, "/v1/feed.json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/feed+json")
    document = json.loads(body)
    schema = json.loads((SOURCE_DIR / "tests" / "data" / "schemas" /
                         "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
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


def test_ninjs_is_iptc_ninjs_2_1(wire):
    # Checked against IPTC's own schema for the pinned version
    # (tests/data/schemas/README.md names its source).
    jsonschema = pytest.importorskip("jsonschema", reason="python3-jsonschema is not installed")
    host, _ = wire
    status, headers, body = get(host, "/v1/feed.ninjs")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])
    document = json.loads(body)
    schema = json.loads((SOURCE_DIR / "tests" / "data" / "schemas" /
                         "ninjs-schema_2.1.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
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
    assert "does not check API keys yet" in done.stderr


def test_http_stays_off_while_keys_are_required(tmp_path):
    keys = tmp_path / "keys.json"
    created = __import__("subprocess").run(
        [str(NEWSWIRE_BIN), "keys", "create", "desk", "--scope", "admin", "--keys", str(keys)],
        capture_output=True, text=True, timeout=30)
    assert created.returncode == 0, created.stderr
    proc = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0", "--memory",
                         "--keys", str(keys), "--http", "127.0.0.1:0"])
    try:
        output = "".join(proc.output)
        assert "HTTP feeds off" in output and "does not check API keys yet" in output
        assert "HTTP feeds:" not in output
    finally:
        proc.stop()
