"""A dateline names where a story was filed: parsing adds its places, so a
subscriber filtering on the place (README: `newswire tail --place Kyiv`)
receives the story."""

from __future__ import annotations

import json
import subprocess
import threading

import pytest

import newswire
from conftest import NEWSWIRE_BIN, SEED, run_cli


def place_names(article: newswire.Article) -> list[str]:
    return [p.name for p in article.places]


def test_the_seed_is_filed_from_kyiv_in_ukraine(seed_text):
    article = newswire.parse_text(seed_text)
    assert article.dateline == "KYIV, Ukraine"
    assert place_names(article) == ["Kyiv", "Ukraine"]


@pytest.mark.parametrize("dateline, places", [
    ("UNITED NATIONS (AP) —", ["United Nations"]),
    ("WASHINGTON —", ["Washington"]),
    ("RIO DE JANEIRO, Brazil --", ["Rio de Janeiro", "Brazil"]),
    ("SPRINGFIELD, Ill. —", ["Springfield"]),
    ("S\u00c3O PAULO —", ["S\u00e3o Paulo"]),
])
def test_constructed_datelines(dateline, places):
    article = newswire.parse_text(
        f"Officials meet on grain deal\n\n{dateline} Talks opened on Monday and went on "
        "late into the night.\n")
    assert place_names(article) == places


def test_feed_item_datelines_add_places_too():
    feed = newswire.parse_feed(
        b'<rss version="2.0"><channel><title>Wire</title><item><title>Port reopens</title>'
        b'<description>ODESA, Ukraine \xe2\x80\x94 Ships left the port on Monday.</description>'
        b'</item></channel></rss>')
    assert place_names(feed.articles[0]) == ["Odesa", "Ukraine"]


def story(tmp_path, name: str, dateline: str) -> str:
    path = tmp_path / name
    path.write_text(f"Story from {name}\n\n{dateline} \u2014 Officials spoke on Monday "
                    "about the week ahead.\n", encoding="utf-8")
    return str(path)


def test_tail_place_kyiv_receives_the_seed(serve_process, tmp_path):
    """The README's example, end to end: the seed published with the CLI
    reaches `newswire tail --place Kyiv` (from the archive, then live), and
    a tail on another place sees only its own."""
    if not SEED.exists():
        pytest.skip(f"shared seed article not found at {SEED}; skipping")
    address = serve_process.address
    published = run_cli("publish", "--server", address, str(SEED))
    assert published.returncode == 0, published.stderr
    seed_id = published.stdout.split("id=")[1].split()[0]

    tails = {place: subprocess.Popen(
        [str(NEWSWIRE_BIN), "tail", "--server", address, "--from", "earliest", "--json",
         "--place", place], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for place in ("Kyiv", "Lviv")}
    # A tail that never gets its line is killed, so the read below ends.
    guards = [threading.Timer(60, tail.kill) for tail in tails.values()]
    for guard in guards:
        guard.start()

    def next_event(place: str) -> dict:
        line = tails[place].stdout.readline()
        assert line, tails[place].stderr.read()
        return json.loads(line)

    try:
        seed = next_event("Kyiv")
        assert seed["article"]["id"] == seed_id
        assert [p["name"] for p in seed["article"]["places"]] == ["Kyiv", "Ukraine"]
        assert "article" not in next_event("Kyiv")  # Caught up: now live.
        assert "article" not in next_event("Lviv")  # The seed was not for it.

        kyiv = run_cli("publish", "--server", address, story(tmp_path, "kyiv", "KYIV"))
        lviv = run_cli("publish", "--server", address, story(tmp_path, "lviv", "LVIV, Ukraine"))
        assert kyiv.returncode == 0 and lviv.returncode == 0, kyiv.stderr + lviv.stderr
        assert next_event("Kyiv")["article"]["headline"] == "Story from kyiv"
        assert next_event("Lviv")["article"]["headline"] == "Story from lviv"
    finally:
        for guard in guards:
            guard.cancel()
        for tail in tails.values():
            tail.kill()
            tail.wait()
