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

# The generated messages load before the C++ module: with the C++ protobuf
# runtime, a .proto registered by _core between two *_pb2 imports gives
# FeedEvent.article a class other than article_pb2.Article.
from newswire.v1 import article_pb2 as _article_pb2, feed_pb2 as _feed_pb2  # noqa: F401  # isort: skip
from newswire.v1 import access_pb2 as _access_pb2  # noqa: F401  # isort: skip
from newswire import _core
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
