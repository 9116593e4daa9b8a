"""Hostile and binary input (issue 16, items 1 and 2).

A hostile article (NUL, BEL, an ANSI colour sequence, the C1 controls NEL
and CSI, DEL) comes in through Python (parse_text, parse_feed, publish) and
through the `newswire` CLI; what is stored holds no control character, and
nothing the CLI prints (parse, tail, get, search) carries one raw. Binary
files are refused by parse, publish and ingest before any parser sees them.
"""

from __future__ import annotations

import json
import re
import subprocess

import newswire
from conftest import NEWSWIRE_BIN, run_cli

HOSTILE = "Hostile\0 headline\a: \x1b[31mRed alert\x1b[0m now,\x85next \x9b1mbold\x7f end"
CLEAN = "Hostile headline: Red alert now, next bold end"
BINARY = "binary file, not an article or feed"

# Raw control characters as they would reach a terminal: C0 but tab and LF,
# DEL, and C1 (U+0080..U+009F).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hostile(words: str) -> str:
    return HOSTILE.replace("Red alert", words)


def clean(words: str) -> str:
    return CLEAN.replace("Red alert", words)


def strings(value):
    """Every string in a to_dict() value, nested ones included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_clean(article: newswire.Article) -> None:
    for name, value in article.to_dict().items():
        for text in strings(value):
            assert not CONTROL.search(text), (name, text)


def hostile_article() -> newswire.Article:
    return newswire.Article(
        id="urn:example:hostile-1",
        headline=HOSTILE,
        byline=hostile("Jo"),
        dateline="KYIV,\x07 Ukraine",
        body_text=hostile("First") + "\n\nSecond\x1b]0;pwned\x07 paragraph.",
        keywords=[hostile("Tag")],
    )


def json_feed() -> bytes:
    item = {"id": "urn:example:json-hostile", "title": HOSTILE,
            "content_text": hostile("First") + "\n\nSecond.",
            "authors": [{"name": hostile("Jo")}]}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Desk",
                       "items": [item]}).encode()


def test_parse_text_removes_control_characters():
    article = newswire.parse_text(f"{HOSTILE}\n\n{hostile('First')}\n\nSecond paragraph.\n")
    assert article.headline == CLEAN
    assert article.body_text == clean("First") + "\n\nSecond paragraph."
    assert_clean(article)


def test_parse_feed_removes_control_characters():
    feed = newswire.parse_feed(json_feed())
    [article] = feed.articles
    assert article.headline == CLEAN
    assert_clean(article)


def test_publish_stores_clean_text(client):
    result = client.publish(hostile_article())
    stored = client.get(result.id)
    assert stored.headline == CLEAN
    assert stored.byline == clean("Jo")
    assert stored.dateline == "KYIV, Ukraine"
    assert stored.body_text == clean("First") + "\n\nSecond paragraph."
    assert stored.keywords == [clean("Tag")]
    assert_clean(stored)


def test_cli_output_carries_no_raw_control_character(tmp_path, memory_serve_process):
    address = memory_serve_process.address
    with newswire.Client(address) as c:
        c.publish(hostile_article())
    text = tmp_path / "hostile.txt"  # No NUL: that would make it a binary file.
    text.write_text(f"{hostile('Text')}\n\n{hostile('First')}\n\nSecond.\n".replace("\0", ""))
    feed = tmp_path / "hostile.json"
    feed.write_bytes(json_feed())
    published = run_cli("publish", "--server", address, str(text), str(feed))
    assert published.returncode == 0, published.stderr

    runs = {
        "parse": run_cli("parse", str(text)),
        "parse --json": run_cli("parse", "--json", str(feed)),
        "get": run_cli("get", "--server", address, "urn:example:hostile-1"),
        "get --json": run_cli("get", "--json", "--server", address, "urn:example:hostile-1"),
        "search": run_cli("search", "--server", address, "hostile"),
    }
    for args in (["--full"], ["--json"], []):
        tail = subprocess.Popen(
            [str(NEWSWIRE_BIN), "tail", "--server", address, "--from", "earliest", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = tail.communicate(timeout=3)
        except subprocess.TimeoutExpired:
            tail.terminate()
            out, err = tail.communicate(timeout=30)
        runs[" ".join(["tail", *args])] = subprocess.CompletedProcess(
            tail.args, 0, out.decode(), err.decode())
    for name, run in runs.items():
        assert "bold end" in run.stdout, (name, run.stdout, run.stderr)
        assert not CONTROL.search(run.stdout), (name, run.stdout)
        assert not CONTROL.search(run.stderr), (name, run.stderr)
    assert "\\u001b" not in runs["get --json"].stdout  # Removed, not escaped.


def write_binaries(directory) -> dict[str, str]:
    """Files that are not text, and the reason each is refused for."""
    files = {
        "image.png": (b"\x89PNG\r\n\x1a\nIHDR\n\nlooks like a body", "(a PNG image)"),
        "twelve.bin": (b"\x01\x00\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b",
                       "(a NUL byte at offset 1)"),
        "archive.gz": (b"\x1f\x8b\x08\x00rest", "(gzip-compressed data)"),
    }
    for name, (data, _) in files.items():
        (directory / name).write_bytes(data)
    return {name: f"{BINARY} {why}" for name, (_, why) in files.items()}


def test_parse_and_publish_refuse_binary_files(tmp_path, memory_serve_process):
    reasons = write_binaries(tmp_path)
    for name, reason in reasons.items():
        path = str(tmp_path / name)
        parsed = run_cli("parse", path)
        assert parsed.returncode == 1 and f"{path}: {reason}" in parsed.stderr, parsed
        published = run_cli("publish", "--server", memory_serve_process.address, path)
        assert published.returncode == 1 and f"{path}: {reason}" in published.stderr, published
    try:
        newswire.parse_feed((tmp_path / "image.png").read_bytes())
    except newswire.InvalidArgumentError as error:
        assert reasons["image.png"] in str(error)
    else:
        raise AssertionError("parse_feed took a PNG")


def test_ingest_rejects_binary_files_with_the_reason(tmp_path, memory_serve_process):
    drop = tmp_path / "drop"
    drop.mkdir()
    reasons = write_binaries(drop)
    (drop / "story.txt").write_text("Harbour reopens\n\nThe port reopened.\n")
    result = run_cli("ingest", "--server", memory_serve_process.address, str(drop))
    assert result.returncode == 1, result
    assert "story.txt\ttext\t1 published" in result.stdout
    for name, reason in reasons.items():
        assert f"{name}: rejected: {reason}" in result.stderr, result.stderr
        assert (drop / "rejected" / f"{name}.error").read_text().strip() == reason
