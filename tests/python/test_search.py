"""Search from Python and from the CLI, on a server with an archive file and
on one without a data dir (its archive in memory)."""

import datetime as dt
import json

import pytest

import newswire
from conftest import DATA, run_cli

UTC = dt.timezone.utc


@pytest.fixture(params=["file", "memory"])
def archive_client(request, tmp_path):
    data_dir = tmp_path / "data" if request.param == "file" else None
    with newswire.Server(data_dir=data_dir) as srv, newswire.Client(srv.address) as c:
        yield c


def publish(client, id, headline, body, place="", when=None):
    client.publish(newswire.Article(
        id=id, headline=headline, body_text=body, places=[place] if place else [],
        first_created=when or dt.datetime(2024, 11, 23, tzinfo=UTC)))


def test_search_ranks_snippets_and_filters(archive_client):
    c = archive_client
    publish(c, "urn:t:1", "Drones hit Kyiv suburbs", "Air defence was active.", "Kyiv")
    publish(c, "urn:t:2", "Council meets", "Talk turned to drones near Lviv.", "Lviv",
            dt.datetime(2024, 10, 1, tzinfo=UTC))
    page = c.search("drones")
    assert [h.article.id for h in page] == ["urn:t:1", "urn:t:2"]
    assert page.hits[0].score > page.hits[1].score
    assert "**Drones**" in page.hits[0].snippet
    assert [h.article.id for h in c.search("drones", places=["Lviv"])] == ["urn:t:2"]
    assert [h.article.id for h in c.search(since=dt.datetime(2024, 11, 1, tzinfo=UTC))] == ["urn:t:1"]
    assert len(c.search("nothing-matches-this")) == 0


def test_search_pages_with_tokens(archive_client):
    for i in range(7):
        publish(archive_client, f"urn:t:{i}", f"Market report {i}", "Prices steady.")
    seen, token = [], ""
    while True:
        page = archive_client.search("market", limit=3, page_token=token)
        seen += [h.article.id for h in page]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == sorted(f"urn:t:{i}" for i in range(7))


def test_bad_query_is_value_error(archive_client):
    with pytest.raises(newswire.InvalidArgumentError) as info:
        archive_client.search('"unclosed')
    assert isinstance(info.value, ValueError)
    assert "never closed" in str(info.value)


def test_prefix_stands_for_its_words_up_to_a_limit(archive_client):
    publish(archive_client, "urn:t:1", "Port expansion approved", "The harbour will expand.")
    publish(archive_client, "urn:t:2", "Codes", " ".join(f"qx{i}" for i in range(101)))
    assert [h.article.id for h in archive_client.search("expan*")] == ["urn:t:1"]
    with pytest.raises(newswire.InvalidArgumentError) as info:
        archive_client.search("qx*")
    assert "more than 100 words" in str(info.value)


def test_search_without_a_data_dir():
    with newswire.Server() as srv, newswire.Client(srv.address) as c:
        publish(c, "urn:t:1", "Ferry strike ends", "Boats sail again.")
        page = c.search("ferry")
    assert [h.article.id for h in page] == ["urn:t:1"]
    assert "**Ferry**" in page.hits[0].snippet


@pytest.mark.parametrize("serving", ["serve_process", "memory_serve_process"])
def test_cli_search(serving, request):
    address = request.getfixturevalue(serving).address
    assert run_cli("publish", "--server", address, str(DATA / "byline.txt")).returncode == 0
    headline = json.loads(run_cli("parse", "--json", str(DATA / "byline.txt")).stdout)["headline"]
    found = run_cli("search", "--server", address, headline.split()[0])
    assert found.returncode == 0, found.stderr
    assert headline in found.stdout and "[urn:newswire:" in found.stdout
    since = run_cli("search", "--server", address, "--since", "2000-01-01")
    assert headline in since.stdout
    until = run_cli("search", "--server", address, "--until", "2000-01-01")
    assert until.stdout.strip() == "no matches"
    none = run_cli("search", "--server", address, "zzzzqqq")
    assert none.stdout.strip() == "no matches"
    bad = run_cli("search", "--server", address, '"unclosed')
    assert bad.returncode == 1 and "INVALID_ARGUMENT" in bad.stderr


def test_cli_search_hit_is_two_lines_whatever_its_snippet_spans(memory_serve_process):
    address = memory_serve_process.address
    with newswire.Client(address) as c:
        publish(c, "urn:t:1", "Harvest report", "Prices fell.\n\nGrain\texports rose.\n\nMore grain.")
    found = run_cli("search", "--server", address, "grain")
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert len(lines) == 2 and "Harvest report" in lines[0], found.stdout
    assert lines[1].startswith("        ") and "**Grain** exports" in lines[1], found.stdout
    assert "\t" not in found.stdout


def test_archive_reads_offline_beside_a_running_server(tmp_path):
    data = tmp_path / "data"
    with newswire.Server(data_dir=data) as srv, newswire.Client(srv.address) as c:
        publish(c, "urn:t:1", "Drones over Kursk", "Reports at dawn.")
        publish(c, "urn:t:2", "Grain ships leave Odesa", "Three vessels.")
        with newswire.Archive(data) as archive:  # While the server runs.
            assert archive.head_sequence == 2
            assert archive.get("urn:t:1").headline == "Drones over Kursk"
            hits = archive.search("drones Kursk")
            assert [h.article.id for h in hits] == ["urn:t:1"]
            publish(c, "urn:t:3", "Drones again", "Later.")
            events = list(archive.events(after=1))
            assert [e.sequence for e in events] == [2, 3]
            assert events[0].article.body_text == "Three vessels."  # Full articles.
            with pytest.raises(newswire.NotFoundError):
                archive.get("urn:t:404")
    # And with no server at all.
    with newswire.Archive(data) as archive:
        assert [e.sequence for e in archive.events()] == [1, 2, 3]


def test_archive_refuses_a_directory_without_one(tmp_path):
    with pytest.raises(newswire.NotFoundError):
        newswire.Archive(tmp_path)
