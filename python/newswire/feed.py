"""Feeds in, Articles out: ``newswire.parse_feed``.

    feed = newswire.parse_feed(open("bbc.xml", "rb").read(),
                               base_url="https://www.bbc.co.uk/news/")
    print(feed.title, feed.link)
    for article in feed.articles:
        print(article.headline, article.canonical_url)

The format (RSS 0.9x/2.0, RSS 1.0, Atom 1.0/0.3, JSON Feed, ninjs, plain
text) is detected from the bytes. Parsing runs in the C++ core without
holding the GIL, so threads can parse feeds side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from newswire import _core
from newswire.article import Article, wrap_message

__all__ = ["Feed", "parse_feed"]


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its metadata and one :class:`Article` per item, in
    feed order. Articles come normalized and valid, with ``version`` 0 when
    the feed states none (the server then picks it: a re-polled item that has
    not changed is a duplicate, a changed one the next version)."""

    format: str  # "rss", "rdf", "atom", "jsonfeed", "ninjs" or "text"
    version: str  # "rss20", "rss10", "atom10", "atom03", "jsonfeed11", "ninjs2", ...
    encoding: str  # what the bytes were read as, e.g. "utf-8", "windows-1252"
    title: str
    link: str
    description: str
    language: str
    well_formed: bool  # False when malformed XML was read best-effort
    notes: list[str] = field(default_factory=list)  # what was repaired or skipped
    skipped_items: int = 0
    articles: list[Article] = field(default_factory=list)


def parse_feed(
    data: Union[bytes, bytearray, memoryview, str],
    base_url: str | None = None,
    charset: str | None = None,
) -> Feed:
    """Parses a feed in any format newswire reads.

    ``data`` is the document's bytes (a ``str`` is taken as UTF-8 text);
    ``base_url`` is where it was fetched from: relative links resolve against
    it and it becomes each article's ``source.feed_url``; ``charset`` is the
    charset it was served with (HTTP Content-Type), which overrides the
    document's own declaration. Raises :class:`InvalidArgumentError` naming
    the problem for binary input ("binary file, not an article or feed (a
    PNG image)"), input that is not a feed, XML no recovery makes usable
    (truncated, an entity bomb, nested too deep) or JSON that does not parse.
    Control characters are removed from every article's text.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    (fmt, version, encoding, title, link, description, language, well_formed, notes,
     skipped, articles) = _core.parse_feed(bytes(data), base_url or "", charset or "")
    return Feed(
        format=fmt,
        version=version,
        encoding=encoding,
        title=title,
        link=link,
        description=description,
        language=language,
        well_formed=well_formed,
        notes=list(notes),
        skipped_items=skipped,
        articles=list(map(wrap_message, articles)),
    )
