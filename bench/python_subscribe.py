"""Python subscribe throughput: newswire.Client.subscribe against a plain
grpcio stub iterator on the same server, same run (issue 4).

    make build
    PYTHONPATH=build/python /usr/bin/python3 bench/python_subscribe.py --rounds 5

One server process (``build/newswire serve --memory``, so its CPU does not
share this interpreter's GIL) gets ``--events`` headline-sized articles once,
through grpcio PublishStream (not timed). Then, round by round, every
contender runs in a fresh child process (one client library per process,
nothing warmed by another contender) and the order rotates each round:

* catch-up (after one untimed read that warms the server's caches):
  subscribe from START_EARLIEST and read until CAUGHT_UP (all
  ``--events`` stored events), touching each event's headline; events/s =
  events / (CAUGHT_UP received - subscribe called).
* live (unless ``--no-live``): subscribe from START_LATEST, wait for
  CAUGHT_UP, then this process publishes ``--live-events`` new articles
  through PublishStream while the child reads; events/s = events /
  (last received - first publish), CLOCK_MONOTONIC across processes.

Contenders:

* ``newswire``: ``newswire.Client.subscribe`` (Event / Article wrappers).
* ``grpcio``: ``NewsFeedStub.Subscribe``, iterating ``response.events``,
  on stubs protoc generates for this run into a directory of their own
  (as a grpcio user has them): the child imports no part of newswire. (On
  Debian's C++ protobuf runtime, importing newswire first would make the
  stubs' classes the core's compiled ones, a faster baseline than a plain
  grpcio user has.)
* ``aio``: ``newswire.aio.Client.subscribe`` under asyncio.
* ``raw``: bench-only diagnostic, the same C++ stream as ``newswire``
  (``_core.EventStream.next_events``: events made in C, articles left
  serialized) with each article parsed by the protoc class and no
  Event / Article wrapper: what the binding costs without the
  pure-Python layer.

``--profile CONTENDER`` runs one catch-up under cProfile and prints the
top functions instead of benchmarking.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import datetime as _dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Iterator

import grpc

from newswire.v1 import article_pb2, feed_pb2, feed_pb2_grpc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTENDERS = ("newswire", "grpcio", "aio", "raw")
CAUGHT_UP = feed_pb2.EVENT_KIND_CAUGHT_UP


# -- articles ---------------------------------------------------------------

def make_articles(count: int, tag: str) -> Iterator[article_pb2.Article]:
    """Headline-sized articles: a ~60-character headline, a dateline and one
    short paragraph, unique per ``tag`` and index (so none is a duplicate)."""
    for i in range(count):
        yield article_pb2.Article(
            headline=f"Council approves harbour budget after long debate ({tag} #{i})",
            dateline="LISBON, Portugal",
            body_text=f"The city council voted on item {i} of the {tag} agenda late on Tuesday.",
        )


def publish(target: str, count: int, tag: str) -> float:
    """Publishes ``count`` articles over one PublishStream; returns the
    CLOCK_MONOTONIC time just before the first was sent."""
    with grpc.insecure_channel(target) as channel:
        stub = feed_pb2_grpc.NewsFeedStub(channel)
        start = time.monotonic()
        requests = (feed_pb2.PublishRequest(article=a) for a in make_articles(count, tag))
        acks = 0
        for ack in stub.PublishStream(requests, timeout=600):
            if ack.duplicate:
                raise SystemExit(f"unexpected duplicate at sequence {ack.sequence}")
            acks += 1
        if acks != count:
            raise SystemExit(f"published {acks} of {count}")
        return start


# -- contenders (run in a child process) ------------------------------------

def read_newswire(target: str, start: str, ready: Callable[[], None]) -> tuple[int, float]:
    import newswire

    client = newswire.Client(target)
    n = 0
    t0 = time.monotonic()
    with client.subscribe(start=start) as sub:
        for ev in sub:
            if ev.kind == "CAUGHT_UP":
                if start == "earliest":
                    return n, time.monotonic() - t0
                ready()
                continue
            ev.article.headline
            n += 1
            if start == "latest" and n == EXPECT:
                return n, time.monotonic()
    raise SystemExit("stream ended")


class RawEvent(tuple):
    """What the binding makes of an event, with no newswire wrapper:
    (sequence, kind, head_sequence, seconds, nanos, article bytes)."""


def read_raw(target: str, start: str, ready: Callable[[], None]) -> tuple[int, float]:
    """The C++ EventStream as Subscription reads it (a batch per
    ``next_events``), each article parsed with the protoc class, without
    the Event / Article wrappers."""
    import newswire
    from newswire import client as nwclient

    parse = article_pb2.Article.FromString
    client = newswire.Client(target)
    stream = client._core.subscribe(nwclient.subscribe_request(start).SerializeToString())
    n = 0
    t0 = time.monotonic()
    try:
        while True:
            for ev in stream.next_events(0.1, 512, RawEvent):
                if ev[1] == "CAUGHT_UP":
                    if start == "earliest":
                        return n, time.monotonic() - t0
                    ready()
                    continue
                parse(ev[5]).headline
                n += 1
                if start == "latest" and n == EXPECT:
                    return n, time.monotonic()
    finally:
        stream.cancel()


def read_grpcio(target: str, start: str, ready: Callable[[], None]) -> tuple[int, float]:
    request = feed_pb2.SubscribeRequest(
        start=(feed_pb2.SubscribeRequest.START_EARLIEST if start == "earliest"
               else feed_pb2.SubscribeRequest.START_LATEST),
        view=feed_pb2.ARTICLE_VIEW_HEADLINE)
    with grpc.insecure_channel(target) as channel:
        stub = feed_pb2_grpc.NewsFeedStub(channel)
        n = 0
        t0 = time.monotonic()
        responses = stub.Subscribe(request, timeout=600)
        try:
            for response in responses:
                for event in response.events:
                    if event.kind == CAUGHT_UP:
                        if start == "earliest":
                            return n, time.monotonic() - t0
                        ready()
                        continue
                    event.article.headline
                    n += 1
                    if start == "latest" and n == EXPECT:
                        return n, time.monotonic()
        finally:
            responses.cancel()
    raise SystemExit("stream ended")


def read_aio(target: str, start: str, ready: Callable[[], None]) -> tuple[int, float]:
    import newswire.aio

    async def run() -> tuple[int, float]:
        async with newswire.aio.Client(target) as client:
            n = 0
            t0 = time.monotonic()
            async with client.subscribe(start=start) as sub:
                async for ev in sub:
                    if ev.kind == "CAUGHT_UP":
                        if start == "earliest":
                            return n, time.monotonic() - t0
                        ready()
                        continue
                    ev.article.headline
                    n += 1
                    if start == "latest" and n == EXPECT:
                        return n, time.monotonic()
        raise SystemExit("stream ended")

    return asyncio.run(run())


def reader(contender: str) -> Callable[[str, str, Callable[[], None]], tuple[int, float]]:
    if contender == "newswire":
        return read_newswire
    if contender == "grpcio":
        return read_grpcio
    if contender == "aio":
        return read_aio
    if contender == "raw":
        return read_raw
    raise SystemExit(f"unknown contender {contender}")


EXPECT = 0


def child(args: argparse.Namespace) -> None:
    """One measurement; prints a JSON line: events, seconds (catch-up) or
    last-receipt monotonic time (live), CPU seconds of this process."""
    global EXPECT
    EXPECT = args.expect

    def ready() -> None:
        print("ready", flush=True)

    cpu0 = time.process_time()
    n, t = reader(args.child)(args.target, args.mode, ready)
    cpu = time.process_time() - cpu0
    if args.child == "grpcio" and "newswire._core" in sys.modules:
        raise SystemExit("the grpcio child loaded newswire's core: not a plain grpcio client")
    if n != args.expect:
        raise SystemExit(f"{args.child}: got {n} events, expected {args.expect}")
    print(json.dumps({"events": n, "t": t, "cpu": cpu}), flush=True)


# -- driver -----------------------------------------------------------------

def plain_stubs() -> str:
    """A directory with newswire.v1's *_pb2 and *_pb2_grpc modules as protoc
    makes them for any grpcio user, outside the newswire package."""
    out = tempfile.mkdtemp(prefix="newswire-plain-stubs-")
    atexit.register(shutil.rmtree, out, True)
    proto = os.path.join(ROOT, "proto")
    plugin = shutil.which("grpc_python_plugin")
    if plugin is None:
        raise SystemExit("grpc_python_plugin not found (Debian's protobuf-compiler-grpc)")
    subprocess.run(["protoc", "-I", proto, f"--python_out={out}", f"--grpc_out={out}",
                    f"--plugin=protoc-gen-grpc={plugin}",
                    *(os.path.join(proto, "newswire", "v1", f"{name}.proto")
                      for name in ("article", "access", "feed"))], check=True)
    return out


PLAIN_STUBS: str | None = None  # Made by main() before the first grpcio child.


def child_command(contender: str, target: str, mode: str, expect: int) -> list[str]:
    return [sys.executable, os.path.abspath(__file__), "--child", contender,
            "--target", target, "--mode", mode, "--expect", str(expect)]


def child_env(contender: str) -> dict[str, str]:
    """The grpcio child sees only the plain stubs; the others the package."""
    if contender != "grpcio":
        return dict(os.environ)
    assert PLAIN_STUBS is not None
    return dict(os.environ, PYTHONPATH=PLAIN_STUBS)


def run_catchup(contender: str, target: str, expect: int) -> dict[str, float]:
    out = subprocess.run(child_command(contender, target, "earliest", expect),
                         env=child_env(contender), check=True, capture_output=True,
                         text=True, timeout=600).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return {"rate": expect / result["t"], "cpu": result["cpu"]}


def run_live(contender: str, target: str, expect: int, tag: str) -> dict[str, float]:
    proc = subprocess.Popen(child_command(contender, target, "latest", expect),
                            env=child_env(contender), stdout=subprocess.PIPE, text=True)
    try:
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"{contender}: no ready line")
        t0 = publish(target, expect, tag)
        result = json.loads(proc.stdout.readline())
        if proc.wait(timeout=600) != 0:
            raise SystemExit(f"{contender}: exit {proc.returncode}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return {"rate": expect / (result["t"] - t0), "cpu": result["cpu"]}


def start_server() -> tuple[subprocess.Popen, str]:
    binary = os.path.join(ROOT, "build", "newswire")
    proc = subprocess.Popen([binary, "serve", "--memory", "--listen", "127.0.0.1:0"],
                            # The server's event log (stderr) is not read: it
                            # must not fill a pipe and block the server.
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("listening on "):
            return proc, line.split()[-1]
    raise SystemExit("server did not start")


def server_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summarize(rows: dict[str, list[dict[str, float]]], base: str, title: str) -> None:
    print(f"\n{title}: events/s min / median / max, client CPU s median, "
          f"ratio to {base} (median of per-round ratios)")
    for name, runs in rows.items():
        rates = [r["rate"] for r in runs]
        ratios = [r["rate"] / b["rate"] for r, b in zip(runs, rows[base])]
        print(f"  {name:9} {min(rates):>10,.0f} / {statistics.median(rates):>10,.0f} / "
              f"{max(rates):>10,.0f}   cpu {statistics.median(r['cpu'] for r in runs):6.2f}   "
              f"{statistics.median(ratios):.2f}x   runs {[round(x) for x in rates]}")


def profile(args: argparse.Namespace, target: str) -> None:
    import cProfile
    import pstats

    global EXPECT
    EXPECT = args.events
    prof = cProfile.Profile()
    prof.enable()
    n, t = reader(args.profile)(target, "earliest", lambda: None)
    prof.disable()
    print(f"{args.profile}: {n} events in {t:.2f} s under cProfile")
    pstats.Stats(prof).sort_stats("tottime").print_stats(18)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--live-events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--no-live", action="store_true")
    parser.add_argument("--profile", choices=CONTENDERS)
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--expect", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    global PLAIN_STUBS
    PLAIN_STUBS = plain_stubs()
    server, target = start_server()
    try:
        t = time.monotonic()
        publish(target, args.events, "catch-up")
        print(f"server {target}: published {args.events:,} articles in "
              f"{time.monotonic() - t:.1f} s (not timed)", flush=True)
        if args.profile:
            profile(args, target)
            return
        names = args.contenders.split(",")
        # The server's first catch-up fills its caches (about twice the
        # server CPU of later ones): an untimed one here, so that it does
        # not fall on whichever contender reads first.
        run_catchup("grpcio", target, args.events)
        catchup: dict[str, list[dict[str, float]]] = {n: [] for n in names}
        live: dict[str, list[dict[str, float]]] = {n: [] for n in names}
        # All catch-up rounds first: live rounds add to the store.
        for rnd in range(args.rounds):
            order = names[rnd % len(names):] + names[:rnd % len(names)]
            for name in order:
                cpu = server_cpu(server.pid)
                r = run_catchup(name, target, args.events)
                r["server_cpu"] = server_cpu(server.pid) - cpu
                catchup[name].append(r)
                print(f"round {rnd + 1} catch-up {name:9} {r['rate']:>10,.0f} events/s "
                      f"client cpu {r['cpu']:.2f} s server cpu {r['server_cpu']:.2f} s",
                      flush=True)
        for rnd in range(0 if args.no_live else args.rounds):
            order = names[rnd % len(names):] + names[:rnd % len(names)]
            for name in order:
                cpu = server_cpu(server.pid)
                r = run_live(name, target, args.live_events, f"live {rnd} {name}")
                r["server_cpu"] = server_cpu(server.pid) - cpu
                live[name].append(r)
                print(f"round {rnd + 1} live     {name:9} {r['rate']:>10,.0f} events/s "
                      f"client cpu {r['cpu']:.2f} s server cpu {r['server_cpu']:.2f} s",
                      flush=True)
        base = "grpcio" if "grpcio" in names else names[0]
        summarize(catchup, base, f"catch-up, {args.events:,} events")
        if not args.no_live:
            summarize(live, base, f"live, {args.live_events:,} events published while reading")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
