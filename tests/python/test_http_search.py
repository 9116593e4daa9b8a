"""GET /v1/search: the archive's search as JSON (what the wire monitor's
search box asks), the same answers as gRPC SearchArticles."""

from __future__ import annotations

import json

import pytest

import newswire
from conftest import http_get, serve_http


@pytest.fixture
def wire(tmp_path):
    proc, host = serve_http("--data", str(tmp_path / "data"))
    try:
        with newswire.Client(proc.address) as client:
            for n, (place, headline) in enumerate(
                    [("Kyiv", "Grain exports resume"), ("Lviv", "Grain harvest late"),
                     ("Kyiv", "Metro reopens")], start=1):
                client.publish(newswire.Article(id=f"urn:s:{n}", version=1, headline=headline,
                                                places=[place], body_text=f"{headline}."))
            yield host, client
    finally:
        proc.stop()


def get(host: str, path: str) -> tuple[int, str, str]:
    status, headers, body = http_get(host, path)
    return status, headers["Content-Type"], body.decode()


def test_search_matches_grpc(wire):
    host, client = wire
    status, content_type, body = get(host, "/v1/search?q=grain&place=Kyiv")
    assert status == 200 and content_type == "application/json"
    found = json.loads(body)
    assert [hit["article"]["id"] for hit in found["hits"]] == ["urn:s:1"]
    assert "**Grain**" in found["hits"][0]["snippet"]
    want = client.search("grain", places=["Kyiv"])
    assert [hit.article.id for hit in want.hits] == ["urn:s:1"]


def test_newest_first_limit_and_pages(wire):
    host, _ = wire
    _, _, body = get(host, "/v1/search?order=newest&limit=2")
    first = json.loads(body)
    assert [h["article"]["id"] for h in first["hits"]] == ["urn:s:3", "urn:s:2"]
    token = first["next_page_token"]
    _, _, body = get(host, f"/v1/search?order=newest&limit=2&page={token}")
    assert [h["article"]["id"] for h in json.loads(body)["hits"]] == ["urn:s:1"]


@pytest.mark.parametrize("query,named", [
    ("order=oldest", "order"), ("limit=0", "limit"), ("limit=101", "limit"),
    ("view=all", "view"), ("plac=Kyiv", "plac"), ("q=%ZZ", "%"),
])
def test_bad_parameters_are_400_naming_them(wire, query, named):
    host, _ = wire
    status, _, body = get(host, "/v1/search?" + query)
    assert status == 400
    assert named in body
