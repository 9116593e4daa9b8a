"""Durability under kill -9: every acknowledged publish survives, sequences
stay contiguous, and a subscriber resumes from its cursor with no gap and no
duplicate. Bounded: a few rounds of about a second of load each."""

import random
import signal
import threading
import time

import grpc

from conftest import NEWSWIRE_BIN, ServeProcess
from newswire.v1 import article_pb2, feed_pb2, feed_pb2_grpc

ROUNDS = 3
PUBLISHERS = 8


def serve(data_dir) -> ServeProcess:
    return ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                         "--data", str(data_dir)])


def publish_until_killed(stub, round_no: int, acked: dict, stop: threading.Event):
    """Streams articles (PublishStream) from several threads; records
    (id -> sequence) per acknowledgement."""
    lock = threading.Lock()

    def publisher(p: int):
        def requests():
            i = 0
            while not stop.is_set():
                yield feed_pb2.PublishRequest(article=article_pb2.Article(
                    headline=f"Round {round_no} publisher {p} story {i}",
                    body_text=f"Body {round_no}.{p}.{i}."))
                i += 1

        try:
            for ack in stub.PublishStream(requests(), timeout=60):
                with lock:
                    acked[ack.id] = ack.sequence
        except grpc.RpcError:
            pass  # The server died: what was not acknowledged may be lost.

    threads = [threading.Thread(target=publisher, args=(p,)) for p in range(PUBLISHERS)]
    for t in threads:
        t.start()
    return threads


def read_all(stub, after: int) -> list:
    """Events after `after` up to CAUGHT_UP."""
    events = []
    request = feed_pb2.SubscribeRequest(
        start=feed_pb2.SubscribeRequest.START_AFTER_SEQUENCE, after_sequence=after)
    if after == 0:
        request = feed_pb2.SubscribeRequest(start=feed_pb2.SubscribeRequest.START_EARLIEST)
    stream = stub.Subscribe(request, timeout=60)
    for response in stream:
        for event in response.events:
            if event.kind == feed_pb2.EVENT_KIND_CAUGHT_UP:
                stream.cancel()
                return events
            events.append(event)
    return events


def test_acknowledged_publishes_survive_kill_9(tmp_path):
    data = tmp_path / "data"
    acked: dict[str, int] = {}
    cursor = 0  # A subscriber's last seen sequence, carried across crashes.
    rng = random.Random(1234)
    for round_no in range(ROUNDS):
        server = serve(data)
        with grpc.insecure_channel(server.address) as channel:
            stub = feed_pb2_grpc.NewsFeedStub(channel)
            # The subscriber resumes where it was: exactly the next events.
            seen = read_all(stub, cursor)
            assert [e.sequence for e in seen] == list(range(cursor + 1, cursor + 1 + len(seen)))
            cursor += len(seen)

            stop = threading.Event()
            threads = publish_until_killed(stub, round_no, acked, stop)
            time.sleep(rng.uniform(0.5, 1.5))
            server.stop(signal.SIGKILL)
            stop.set()
            for t in threads:
                t.join(timeout=30)

    server = serve(data)
    try:
        with grpc.insecure_channel(server.address) as channel:
            stub = feed_pb2_grpc.NewsFeedStub(channel)
            everything = read_all(stub, 0)
            sequences = [e.sequence for e in everything]
            assert sequences == list(range(1, len(sequences) + 1)), "gap or duplicate"
            by_id = {e.article.id: e.sequence for e in everything}
            assert len(acked) > 100, f"too little load to mean anything: {len(acked)}"
            print(f"{len(acked)} acknowledged, {len(sequences)} stored over {ROUNDS} kills")
            lost = {i: s for i, s in acked.items() if by_id.get(i) != s}
            assert not lost, f"{len(lost)} acknowledged publishes lost or moved"
            # The resuming subscriber sees the rest, and nothing twice.
            rest = read_all(stub, cursor)
            assert [e.sequence for e in rest] == sequences[cursor:]
            # Sequences continue after the last crash.
            r = stub.Publish(feed_pb2.PublishRequest(
                article=article_pb2.Article(headline="After the crashes")), timeout=10)
            assert r.sequence == len(sequences) + 1
    finally:
        server.stop()
