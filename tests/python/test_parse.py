"""newswire.parse_text on the seed article and on bad input."""

import pytest

import newswire
from conftest import DATA


def test_seed_article(seed_text):
    a = newswire.parse_text(seed_text)
    assert a.headline == (
        "Japanese official travels to Ukraine to highlight shared worries "
        "about North Korean forces"
    )
    assert a.dateline == "KYIV, Ukraine"
    paragraphs = a.body_text.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("On Saturday, Japan’s foreign minister")
    assert paragraphs[-1].startswith("Concurrently, Russia’s Ministry of Defense")
    assert a.summary == paragraphs[0]
    assert "Win $100-Register" not in a.to_json()
    assert "ALL Headlines" not in a.to_json()
    assert a.word_count == sum(len(p.split()) for p in paragraphs)
    assert a.id == "urn:newswire:" + a.fingerprint
    assert a.version == 1
    assert a.pub_status == "USABLE"
    # The same text always gives the same article.
    assert newswire.parse_text(seed_text).to_bytes() == a.to_bytes()


def test_byline_and_agency():
    a = newswire.parse_text((DATA / "agency_dateline.txt").read_text(encoding="utf-8"))
    assert a.source is not None and a.source.name
    b = newswire.parse_text((DATA / "byline.txt").read_text(encoding="utf-8"))
    assert b.byline and not b.byline.startswith("By ")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("   \n\t\n", "whitespace"),
        ("x" * (4 * 1024 * 1024 + 1), "limit"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(text, message):
    with pytest.raises(newswire.InvalidArgumentError) as info:
        newswire.parse_text(text)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "INVALID_ARGUMENT"
    assert message in str(info.value)


def test_invalid_utf8_is_rejected_with_its_offset():
    with pytest.raises(newswire.InvalidArgumentError) as info:
        newswire.parse_text(b"Headline\n\nBody \xff here.")
    assert "UTF-8" in str(info.value) and "offset 15" in str(info.value)
    # A lone surrogate in a str is invalid UTF-8 too.
    with pytest.raises(newswire.InvalidArgumentError):
        newswire.parse_text("Headline\n\nBody \udcff here.")


def test_bytes_and_str_parse_alike(seed_text):
    assert (newswire.parse_text(seed_text.encode()).to_bytes()
            == newswire.parse_text(seed_text).to_bytes())
