"""Search results and the search call shared by Client and Archive."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Iterator, NamedTuple, Sequence

from newswire.article import Article, proto_timestamp
from newswire.v1 import article_pb2, feed_pb2

__all__ = ["SearchHit", "SearchPage", "Searchable"]

_VIEWS = {
    "headline": feed_pb2.ARTICLE_VIEW_HEADLINE,
    "full": feed_pb2.ARTICLE_VIEW_FULL,
}
_ORDERS = {
    "relevance": feed_pb2.SearchArticlesRequest.ORDER_RELEVANCE,
    "newest": feed_pb2.SearchArticlesRequest.ORDER_NEWEST,
}


def fill_filter(
    f: feed_pb2.Filter,
    *,
    places: Sequence[str] = (),
    subjects: Sequence[str] = (),
    people: Sequence[str] = (),
    organisations: Sequence[str] = (),
    sources: Sequence[str] = (),
    keywords: Sequence[str] = (),
    languages: Sequence[str] = (),
    exclude_duplicates: bool = False,
) -> None:
    """Sets the filter fields of search and subscribe. A bare string is
    one value, not a sequence of letters."""
    for field, values in (
        (f.places, places), (f.subjects, subjects), (f.people, people),
        (f.organisations, organisations), (f.sources, sources), (f.keywords, keywords),
        (f.languages, languages),
    ):
        field.extend([values] if isinstance(values, str) else values)
    f.exclude_duplicates = exclude_duplicates


def view_value(view: str) -> feed_pb2.ArticleView:
    """The ArticleView for "headline" or "full"."""
    if view not in _VIEWS:
        raise ValueError(f"view must be 'headline' or 'full', got {view!r}")
    return _VIEWS[view]


class SearchHit(NamedTuple):
    """One search result: relevance ``score`` (higher is better; 0 without a
    query), a ``snippet`` with matched terms marked **like this**, and the
    article (headline view unless ``view="full"``)."""

    score: float
    snippet: str
    article: Article


@dataclass(frozen=True)
class SearchPage:
    """A page of search results; iterate it for the hits. Pass
    ``next_page_token`` back as ``page_token`` for the next page ("" when
    there is none)."""

    hits: list[SearchHit]
    next_page_token: str

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


class Searchable:
    """The search method of Client and Archive; they provide _search, which
    runs a serialized SearchArticlesRequest and returns the response bytes."""

    def _search(self, request: bytes, timeout: float) -> bytes:
        raise NotImplementedError

    def search(
        self,
        query: str = "",
        *,
        places: Sequence[str] = (),
        subjects: Sequence[str] = (),
        people: Sequence[str] = (),
        organisations: Sequence[str] = (),
        sources: Sequence[str] = (),
        keywords: Sequence[str] = (),
        languages: Sequence[str] = (),
        exclude_duplicates: bool = False,
        since: _dt.datetime | None = None,
        until: _dt.datetime | None = None,
        order: str | None = None,
        killed: bool = False,
        limit: int = 20,
        page_token: str = "",
        view: str = "headline",
        timeout: float = 30.0,
    ) -> SearchPage:
        """Searches the archive. ``query``: words, "phrases", OR, prefix*.
        Filters match any of their values and all filters must match;
        ``exclude_duplicates`` leaves out near-duplicates (copies of a story
        published first by another feed, linked "duplicate-of" to it);
        ``since``/``until`` bound first_created. ``order`` is "relevance"
        (default with a query) or "newest". ``killed=True`` searches killed
        articles instead of usable ones. ``limit`` is the hits per page: the
        server returns at most 100, and ``next_page_token`` for the rest.
        Raises InvalidArgumentError for a bad query (naming what is wrong)."""
        request = feed_pb2.SearchArticlesRequest(query=query, page_size=limit,
                                                 page_token=page_token)
        fill_filter(request.filter, places=places, subjects=subjects, people=people,
                    organisations=organisations, sources=sources, keywords=keywords,
                    languages=languages, exclude_duplicates=exclude_duplicates)
        if since is not None:
            request.since.CopyFrom(proto_timestamp(since, "since"))
        if until is not None:
            request.until.CopyFrom(proto_timestamp(until, "until"))
        if order is not None:
            if order not in _ORDERS:
                raise ValueError(f"order must be 'relevance' or 'newest', got {order!r}")
            request.order = _ORDERS[order]
        if killed:
            request.pub_statuses.append(article_pb2.PUB_STATUS_CANCELED)
        request.view = view_value(view)
        response = feed_pb2.SearchArticlesResponse.FromString(
            self._search(request.SerializeToString(), timeout))
        hits = [SearchHit(h.score, h.snippet, Article.from_pb(h.article)) for h in response.hits]
        return SearchPage(hits, response.next_page_token)
