"""newswire: a news wire for Python, on the same C++ core as the server.

    import newswire
    article = newswire.parse_text(open("story.txt", encoding="utf-8").read())
    feed = newswire.parse_feed(open("feed.xml", "rb").read(), base_url="https://example.com/")
    with newswire.Server() as srv, newswire.Client(srv.address) as client:
        print(client.publish(article))
        for event in client.subscribe(start="earliest"):
            print(event.sequence, event.kind, event.article.headline)
            break
"""

# The C++ module loads before the generated messages. With Debian's C++
# protobuf runtime, a *_pb2 module whose .proto the C++ core already holds
# takes the core's descriptors, so every message class is the core's
# compiled C++ class: parsing and serializing run generated code, and the
# core hands parsed articles to Python without a copy (_core.article_transfer()
# says whether it does).
# Loading them the other way round would give some files Python-built
# descriptors and others the core's (FeedEvent.article a class other than
# article_pb2.Article).
from newswire import _core  # isort: skip
from newswire.v1 import article_pb2 as _article_pb2, feed_pb2 as _feed_pb2  # noqa: F401  # isort: skip
from newswire.v1 import access_pb2 as _access_pb2  # noqa: F401  # isort: skip
from newswire._errors import *  # noqa: F401,F403
from newswire._errors import __all__ as _error_names
from newswire.access import Account, ApiKey, AuditEntry
from newswire.archive import Archive
from newswire.article import Article, Entity, Link, Source
from newswire.client import Client, Event, PublishResult, Server, Subscription, parse_text
from newswire.feed import Feed, parse_feed
from newswire.search import SearchHit, SearchPage

# The file VERSION of the source tree, compiled into the C++ module.
__version__: str = _core.__version__

__all__ = [
    "Account",
    "ApiKey",
    "Archive",
    "AuditEntry",
    "Article",
    "Client",
    "Entity",
    "Event",
    "Feed",
    "Link",
    "PublishResult",
    "SearchHit",
    "SearchPage",
    "Server",
    "Source",
    "Subscription",
    "parse_feed",
    "parse_text",
    *[name for name in _error_names if name != "error_from_status"],
]
