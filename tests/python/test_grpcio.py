"""A plain grpcio client (stubs generated from proto/ at build time) against
the C++ server binary: the wire is standard gRPC + Protobuf."""

import threading

import grpc
import pytest

from conftest import DATA
from newswire.v1 import article_pb2, feed_pb2, feed_pb2_grpc


@pytest.fixture
def stub(serve_process):
    with grpc.insecure_channel(serve_process.address) as channel:
        yield feed_pb2_grpc.NewsFeedStub(channel)


def test_publish_and_subscribe_with_grpcio(stub):
    responses = stub.Subscribe(
        feed_pb2.SubscribeRequest(start=feed_pb2.SubscribeRequest.START_EARLIEST,
                                  view=feed_pb2.ARTICLE_VIEW_FULL),
        timeout=30,
    )
    first = next(responses)
    assert [e.kind for e in first.events] == [feed_pb2.EVENT_KIND_CAUGHT_UP]

    article = article_pb2.Article(headline="Ferry service resumes",
                                  body_text="Boats sail again from Monday.")
    published = stub.Publish(feed_pb2.PublishRequest(article=article), timeout=10)
    assert published.sequence == 1 and not published.duplicate
    assert published.id.startswith("urn:newswire:")

    batch = next(responses)
    (event,) = batch.events
    assert event.sequence == 1
    assert event.kind == feed_pb2.EVENT_KIND_PUBLISHED
    assert event.article.headline == "Ferry service resumes"
    assert event.article.body_text == "Boats sail again from Monday."
    assert event.article.word_count == 5
    responses.cancel()

    got = stub.GetArticle(feed_pb2.GetArticleRequest(id=published.id), timeout=10)
    assert got.article.fingerprint and got.sequence == 1


def test_errors_are_grpc_status_codes(stub):
    with pytest.raises(grpc.RpcError) as info:
        stub.Publish(feed_pb2.PublishRequest(article=article_pb2.Article(body_text="x")),
                     timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "headline" in info.value.details()

    with pytest.raises(grpc.RpcError) as info:
        stub.GetArticle(feed_pb2.GetArticleRequest(id="urn:x:absent"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND

    with pytest.raises(grpc.RpcError) as info:
        stub.SearchArticles(feed_pb2.SearchArticlesRequest(query='"unclosed'), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "query" in info.value.details()


def test_publish_stream_acks_each_article_in_order(stub):
    articles = [article_pb2.Article(headline=f"Bulk story {i}", body_text=f"Text {i}.")
                for i in range(500)]
    requests = (feed_pb2.PublishRequest(article=a) for a in articles)
    acks = list(stub.PublishStream(requests, timeout=60))
    assert [a.sequence for a in acks] == list(range(1, 501))
    assert not any(a.duplicate for a in acks)
    # Again: every one is a duplicate of itself, in order.
    again = list(stub.PublishStream((feed_pb2.PublishRequest(article=a) for a in articles),
                                    timeout=60))
    assert [a.sequence for a in again] == list(range(1, 501))
    assert all(a.duplicate for a in again)


def test_publish_stream_stops_at_a_bad_article_keeping_the_ones_before(stub):
    def requests():
        yield feed_pb2.PublishRequest(article=article_pb2.Article(headline="One"))
        yield feed_pb2.PublishRequest(article=article_pb2.Article(headline="Two"))
        yield feed_pb2.PublishRequest(article=article_pb2.Article(body_text="No headline"))
        yield feed_pb2.PublishRequest(article=article_pb2.Article(headline="Four"))

    acks = []
    with pytest.raises(grpc.RpcError) as info:
        for ack in stub.PublishStream(requests(), timeout=30):
            acks.append(ack)
    assert [a.sequence for a in acks] == [1, 2]
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "article 3 of the stream: headline" in info.value.details()
    # "Four" was never published.
    nxt = stub.Publish(feed_pb2.PublishRequest(article=article_pb2.Article(headline="Next")),
                       timeout=10)
    assert nxt.sequence == 3


def test_health_service_reports_serving(serve_process):
    # grpc.health.v1.Health/Check with an empty request; the response
    # HealthCheckResponse{status: SERVING} serializes as field 1 = 1.
    with grpc.insecure_channel(serve_process.address) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        assert check(b"", timeout=10) == b"\x08\x01"


def test_reflection_lists_the_service(serve_process):
    # ServerReflectionRequest{list_services: ""} is field 7, empty string.
    with grpc.insecure_channel(serve_process.address) as channel:
        info = channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
        (response,) = list(info(iter([b"\x3a\x00"]), timeout=10))
    assert b"newswire.v1.NewsFeed" in response
    assert b"grpc.health.v1.Health" in response


def test_sigterm_ends_open_streams_with_a_status(serve_process):
    with grpc.insecure_channel(serve_process.address) as channel:
        stub = feed_pb2_grpc.NewsFeedStub(channel)
        responses = stub.Subscribe(feed_pb2.SubscribeRequest(), timeout=30)
        next(responses)  # CAUGHT_UP: the stream is open.
        result = {}

        def drain():
            try:
                for _ in responses:
                    pass
            except grpc.RpcError as e:
                result["code"] = e.code()

        t = threading.Thread(target=drain)
        t.start()
        assert serve_process.stop() == 0
        t.join(timeout=30)
    assert result["code"] == grpc.StatusCode.UNAVAILABLE
    assert "shutting down" in "".join(serve_process.output)


def test_the_largest_valid_article_with_the_documented_receive_limit(serve_process):
    words = ("words " * (4 << 20))[: 4 << 20]
    article = article_pb2.Article(id="urn:test:largest", headline="Longest story",
                                  body_text=words, body_html=words)
    # The limit README gives: the largest article and its envelope.
    options = [("grpc.max_receive_message_length", (9 << 20) + (64 << 10))]
    with grpc.insecure_channel(serve_process.address, options=options) as channel:
        stub = feed_pb2_grpc.NewsFeedStub(channel)
        assert stub.Publish(feed_pb2.PublishRequest(article=article), timeout=30).sequence
        got = stub.GetArticle(feed_pb2.GetArticleRequest(id="urn:test:largest"), timeout=30)
        assert got.article.body_html == words
    # With gRPC's default receive limit of 4 MiB the reply is too large.
    with grpc.insecure_channel(serve_process.address) as channel:
        stub = feed_pb2_grpc.NewsFeedStub(channel)
        with pytest.raises(grpc.RpcError) as info:
            stub.GetArticle(feed_pb2.GetArticleRequest(id="urn:test:largest"), timeout=30)
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
