#!/usr/bin/python3
"""Fanout benchmark driver (issue 4): newswire vs a bare gRPC server vs nats-server.

    /usr/bin/python3 bench/fanout/run.py --bin BUILD/bench [--rounds 3]

Every contender runs on 127.0.0.1 with its subscribers in separate client
processes; servers and clients are started fresh for every measurement and
killed after it. Contenders are interleaved round by round (this machine's
speed drifts under load) and reported as min / median with the median of the
per-round ratios.

Contenders (binaries in --bin, see each file's header):
  newswire   fanout_newswire: newswire::Server, in-memory store, events
             published in process through Wire::Publish.
  bare ~nw   fanout_bare (callback API) at the mean events per message
             newswire delivered in the same round and subscriber count;
             bare 1, bare 16: fixed.
  async ~nw  fanout_bare_async (completion-queue API, one thread for every
             write and completion) at newswire's batch; async 1 in the
             latency run.
  nats       nats-server (Debian) and fanout_nats (libnats): a publisher
             process, one connection per subscriber.

With --access (issue 11) only newswire runs, three ways: plain; with a
subscribe key every stream sends (authenticated per stream); with TLS
(a throwaway certificate made with openssl) and the key.

With --http (issue 13) only newswire runs, with its HTTP edge on
(fanout_newswire --http), and the same server is read two ways, interleaved
round by round: gRPC Subscribe (fanout_grpc_subscriber) and Server-Sent
Events, GET /v1/stream (fanout_sse_subscriber), one TCP connection per
subscriber either way. Every subscriber checks the sequences it got
(none skipped, none twice). Then idle cost: server RSS before and with
--idle-streams idle SSE streams, and as many idle gRPC streams (one
connection each, and 5 connections per client process as in the idle rows
of issue 4), and the latency of GET /healthz and /v1/feed.atom (http_load,
one connection, one request at a time) before and with the idle SSE
streams open. Then feed GETs: requests/s of /v1/feed.atom with and without
If-None-Match (the 304 path), /v1/feed.json and /healthz, over
--feed-connections keep-alive connections, on a SQLite archive of
--feed-articles synthetic articles (bench/synthetic.h).

With --replicas (issue 15) newswire runs three ways, interleaved round by
round, each publishing through Wire::Publish in its first server process:
"one", a fanout_newswire without a log (in memory), publishing from one
thread, all subscribers on it; then, publishing from --publishers threads
(a publish on a log waits for the log and the apply): "log 1", one fanout_newswire --log on a
fresh nats-server (JetStream, one copy, files in a temp dir), all
subscribers on it; "log 2", two fanout_newswire --log replicas on one such
nats-server, the subscriber processes split between them (publishes go
through the first). Server CPU counts the nats-server and every replica.

Throughput: each contender publishes --events-N events as fast as it can;
delivered events/s = events received by all subscribers / (last receipt -
first publish), CLOCK_MONOTONIC across processes. Latency: 100 subscribers,
--latency-events events at 1,000 events/s, receipt time minus the stamp in
the event. Idle: server RSS with 10,000 idle newswire (and bare) streams.
RLIMIT_NOFILE is raised to the hard limit here, for every child.
"""

from __future__ import annotations

import argparse
import os
import resource
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Child:
    """A child process spoken to by lines on stdin/stdout; stderr kept in a file."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err)
        self.buf = b""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def expect(self, prefix: str, timeout: float) -> str:
        """Returns the next line starting with `prefix`; other lines are skipped."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                text = line.decode()
                if text.startswith(prefix):
                    return text
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(0.0, left))[0] if left > 0 else []
            if not ready:
                raise RuntimeError(f"{self.name}: no '{prefix}' within {timeout:.0f}s"
                                   f"{self.stderr_tail()}")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError(f"{self.name}: exited ({self.proc.poll()}) before "
                                   f"'{prefix}'{self.stderr_tail()}")
            self.buf += chunk

    def send(self, line: str) -> None:
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def stderr_tail(self) -> str:
        self.err.seek(0)
        tail = self.err.read().decode(errors="replace").strip().splitlines()[-5:]
        return ("\n  " + "\n  ".join(tail)) if tail else ""

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime

    def rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError(f"{self.name}: no VmRSS")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.err.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def await_nats(server: Child, port: int) -> None:
    """Waits until nats-server `server` accepts connections on `port` (10 s)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("nats-server did not start" + server.stderr_tail())
            time.sleep(0.05)


def fields_of(line: str) -> dict[str, float]:
    return {k: float(v) for k, v in (w.split("=") for w in line.split()[1:])}


class Contender:
    """One server under test with its publisher; `servers` are charged as server CPU."""

    servers: list[Child]
    publisher: Child

    def subscriber_argv(self, streams: int, events: int, latency: bool,
                        channels: int | None = None) -> list[str]:
        raise NotImplementedError

    def publish(self, count: int, rate: float, batch: float) -> tuple[int, int]:
        self.publisher.send(f"publish {count} {rate} {batch}")
        words = self.publisher.expect("published", 600).split()
        return int(words[1]), int(words[2])

    def close(self) -> None:
        for child in [*self.servers, self.publisher]:
            child.kill()


class GrpcContender(Contender):
    """fanout_newswire or fanout_bare: server and publisher in one process.
    With `tls` (a directory holding server.crt and server.key) it serves
    TLS; with --key among `flags` the server makes a subscribe key that
    every subscriber sends."""

    def __init__(self, bin_dir: str, binary: str, *flags: str, tls: str | None = None) -> None:
        self.bin_dir = bin_dir
        self.client_flags: list[str] = []
        if tls:
            flags = (*flags, "--tls-cert", f"{tls}/server.crt", "--tls-key", f"{tls}/server.key")
            self.client_flags += ["--tls-ca", f"{tls}/server.crt"]
        server = Child(binary, [os.path.join(bin_dir, binary), "--listen", "127.0.0.1:0", *flags])
        if "--key" in flags:
            self.client_flags += ["--key", server.expect("key", 30).split()[1]]
        # The HTTP edge's address (--http), printed before "listening".
        self.http = server.expect("http", 120).split()[1] if "--http" in flags else ""
        self.address = server.expect("listening", 120).split()[1]
        self.servers, self.publisher = [server], server

    def subscriber_argv(self, streams, events, latency, channels=None):
        argv = [os.path.join(self.bin_dir, "fanout_grpc_subscriber"), "--target", self.address,
                "--streams", str(streams), "--events", str(events), *self.client_flags]
        if channels:
            argv += ["--channels", str(channels)]
        return argv + (["--latency"] if latency else [])


class SseContender(GrpcContender):
    """fanout_newswire --http read over Server-Sent Events: each subscriber
    a GET /v1/stream?view=headline (live from the newest event, as the gRPC
    subscribers' START_LATEST, HEADLINE) on a connection of its own."""

    def subscriber_argv(self, streams, events, latency, channels=None):
        argv = [os.path.join(self.bin_dir, "fanout_sse_subscriber"), "--target", self.http,
                "--streams", str(streams), "--events", str(events)]
        return argv + (["--latency"] if latency else [])


class NatsContender(Contender):
    """nats-server on a free port (slow-consumer limits lifted) and fanout_nats pub."""

    def __init__(self, bin_dir: str, delivery: str) -> None:
        self.bin_dir, self.delivery = bin_dir, delivery
        port = free_port()
        self.conf = tempfile.NamedTemporaryFile("w", suffix=".conf")
        # Every event must be delivered: a subscriber that falls behind is
        # buffered (up to 1 GiB) rather than cut off as a slow consumer.
        self.conf.write(f'listen: "127.0.0.1:{port}"\nmax_pending: 1073741824\n'
                        f'write_deadline: "60s"\n')
        self.conf.flush()
        server = Child("nats-server", ["nats-server", "-c", self.conf.name])
        self.url = f"nats://127.0.0.1:{port}"
        await_nats(server, port)
        self.servers = [server]
        self.publisher = Child("fanout_nats pub",
                               [os.path.join(bin_dir, "fanout_nats"), "pub", "--url", self.url])
        self.publisher.expect("connected", 30)

    def subscriber_argv(self, streams, events, latency, channels=None):
        argv = [os.path.join(self.bin_dir, "fanout_nats"), "sub", "--url", self.url,
                "--subs", str(streams), "--events", str(events), "--delivery", self.delivery]
        return argv + (["--latency"] if latency else [])

    def close(self) -> None:
        super().close()
        self.conf.close()


class ReplicaContender(Contender):
    """`count` fanout_newswire replicas (--log, in memory) on one fresh
    nats-server with JetStream; the first also publishes. Subscriber
    processes are given the replicas in turn."""

    def __init__(self, bin_dir: str, count: int, *flags: str) -> None:
        self.bin_dir = bin_dir
        self.store = tempfile.mkdtemp(prefix="fanout-js-")
        port = free_port()
        nats = Child("nats-server", ["nats-server", "-a", "127.0.0.1", "-p", str(port), "-js",
                                     "-sd", self.store])
        self.servers = [nats]
        await_nats(nats, port)
        log = f"nats://127.0.0.1:{port}"
        self.addresses = []
        for i in range(count):
            replica = Child(f"replica {i}", [os.path.join(bin_dir, "fanout_newswire"), "--listen",
                                             "127.0.0.1:0", "--log", log, *flags])
            self.addresses.append(replica.expect("listening", 120).split()[1])
            self.servers.append(replica)
        self.publisher = self.servers[1]
        self.next = 0

    def subscriber_argv(self, streams, events, latency, channels=None):
        target = self.addresses[self.next % len(self.addresses)]
        self.next += 1
        argv = [os.path.join(self.bin_dir, "fanout_grpc_subscriber"), "--target", target,
                "--streams", str(streams), "--events", str(events)]
        if channels:
            argv += ["--channels", str(channels)]
        return argv + (["--latency"] if latency else [])

    def close(self) -> None:
        for child in reversed(self.servers):  # Replicas before their log.
            child.kill()
        shutil.rmtree(self.store, ignore_errors=True)


@dataclass
class Measurement:
    rate: float            # delivered events/s
    delivered: int
    expected: int
    per_message: float     # events per message, as received
    server_cpu: float      # seconds, server (+ publisher for the gRPC contenders)
    publisher_cpu: float   # seconds, a separate publisher process (nats only)
    client_cpu: float      # seconds, all subscriber processes
    seconds: float         # first publish to last receipt
    p50_us: float = 0.0
    p99_us: float = 0.0
    max_us: float = 0.0
    complete: int = 0      # subscribers that got every event
    gaps: int = 0          # sequences skipped, over all subscribers
    duplicates: int = 0    # events not above their subscriber's previous sequence


def measure(make, subs: int, events: int, rate: float = 0, batch: float = 1,
            latency: bool = False, procs: int = 1) -> Measurement:
    contender = make()
    clients: list[Child] = []
    try:
        share = [subs // procs + (1 if i < subs % procs else 0) for i in range(procs)]
        for i, n in enumerate(share):
            clients.append(Child(f"subscribers {i}", contender.subscriber_argv(n, events, latency)))
        for c in clients:
            c.expect("ready", 120)
        separate_publisher = contender.publisher not in contender.servers
        cpu0 = ([s.cpu_seconds() for s in contender.servers], contender.publisher.cpu_seconds(),
                [c.cpu_seconds() for c in clients])
        first_ns, _ = contender.publish(events, rate, batch)
        done = [fields_of(c.expect("done", 600)) for c in clients]
        server_cpu = sum(s.cpu_seconds() for s in contender.servers) - sum(cpu0[0])
        publisher_cpu = (contender.publisher.cpu_seconds() - cpu0[1]) if separate_publisher else 0
        client_cpu = sum(c.cpu_seconds() for c in clients) - sum(cpu0[2])
    finally:
        for c in clients:
            c.kill()
        contender.close()
    delivered = int(sum(d["received"] for d in done))
    seconds = (max(d["last_ns"] for d in done) - first_ns) / 1e9
    messages = sum(d["messages"] for d in done)
    m = Measurement(rate=delivered / seconds, delivered=delivered, expected=subs * events,
                    per_message=delivered / messages if messages else 0,
                    server_cpu=server_cpu, publisher_cpu=publisher_cpu,
                    client_cpu=client_cpu, seconds=seconds,
                    complete=int(sum(d["complete"] for d in done)),
                    gaps=int(sum(d.get("gaps", 0) for d in done)),
                    duplicates=int(sum(d.get("duplicates", 0) for d in done)))
    if latency:  # One client process: its percentiles are the run's.
        m.p50_us, m.p99_us, m.max_us = done[0]["p50_us"], done[0]["p99_us"], done[0]["max_us"]
    return m


def measure_and_print(results: dict[tuple[int, str], list[Measurement]], r: int, name: str,
                      make, subs: int, events: int, procs: int, batch: float = 1.0,
                      sequences: bool = True) -> Measurement:
    """One throughput measurement of round `r`, kept in results[(subs, name)]
    and printed with what went missing; with `sequences`, the subscribers'
    sequence checks too (the bare servers send one sequence for all)."""
    m = measure(make, subs, events, batch=batch, procs=procs)
    results.setdefault((subs, name), []).append(m)
    lost = "" if m.delivered == m.expected else f"  LOST {m.expected - m.delivered}"
    checks = (f"  complete {m.complete}  gaps {m.gaps}  duplicates {m.duplicates}"
              if sequences else "")
    print(f"round {r + 1}  subs {subs:5d}  {name:9s} {m.rate:12,.0f} ev/s  "
          f"{m.per_message:7.2f} ev/msg  {m.seconds:6.2f} s  cpu server "
          f"{m.server_cpu:5.2f} pub {m.publisher_cpu:5.2f} clients "
          f"{m.client_cpu:5.2f}{checks}{lost}", flush=True)
    return m


def publish_only(make, events: int) -> float:
    """Events/s through the contender's publish path with no subscriber."""
    contender = make()
    try:
        first_ns, last_ns = contender.publish(events, 0, 1)
    finally:
        contender.close()
    return events / ((last_ns - first_ns) / 1e9)


def idle_rss(make, streams: int, procs: int, channels: int | None,
             probe=None) -> tuple[int, int]:
    """Server RSS (KiB) before and with `streams` idle subscribers; with
    `probe`, calls it with the contender before the subscribers connect and
    again once they are all caught up."""
    contender = make()
    clients: list[Child] = []
    try:
        time.sleep(1)
        before = contender.servers[0].rss_kib()
        if probe:
            probe(contender, "before")
        for i in range(procs):
            clients.append(Child(f"idle {i}", contender.subscriber_argv(
                streams // procs, 0, False, channels)))
        for c in clients:
            c.expect("ready", 300)
        time.sleep(2)
        after = contender.servers[0].rss_kib()
        if probe:
            probe(contender, "with")
        return before, after
    finally:
        for c in clients:
            c.kill()
        contender.close()


def summary(values: list[float]) -> str:
    return f"{min(values):,.0f} / {statistics.median(values):,.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="directory holding the fanout binaries")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--subs")
    ap.add_argument("--events", help="events published per measurement, one per --subs entry")
    ap.add_argument("--client-procs", help="subscriber processes, one per --subs entry")
    ap.add_argument("--latency-events", type=int, default=5000)
    ap.add_argument("--idle-streams", type=int, default=10000)
    ap.add_argument("--nats-delivery", default="global", choices=["own", "global"])
    ap.add_argument("--skip", default="", help="comma list of: throughput,latency,idle")
    ap.add_argument("--access", action="store_true",
                    help="issue 11: only newswire plain, with a key, and with TLS + a key "
                         "(throughput and latency), interleaved")
    ap.add_argument("--http", action="store_true",
                    help="issue 13: newswire's HTTP edge: SSE vs gRPC fanout, idle cost, feed "
                         "GETs (with --http, --subs/--events/--client-procs default to "
                         "1000,10000 / 3000,300 / 2,2; --skip takes throughput,idle,feeds)")
    ap.add_argument("--replicas", action="store_true",
                    help="issue 15: newswire alone vs one and two replicas on a JetStream log "
                         "(throughput only; --subs/--events/--client-procs default to "
                         "100,1000 / 20000,2000 / 2,2)")
    ap.add_argument("--publishers", type=int, default=64,
                    help="publishing threads of the log contenders, with --replicas")
    ap.add_argument("--feed-articles", type=int, default=1000)
    ap.add_argument("--feed-seconds", type=float, default=5)
    ap.add_argument("--feed-connections", type=int, default=4)
    args = ap.parse_args()
    defaults = (("1000,10000", "3000,300", "2,2") if args.http else
                ("100,1000", "20000,2000", "2,2") if args.replicas else
                ("1,100,1000", "200000,30000,3000", "1,1,2"))
    args.subs = args.subs or defaults[0]
    args.events = args.events or defaults[1]
    args.client_procs = args.client_procs or defaults[2]

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"RLIMIT_NOFILE {soft} -> {hard}", flush=True)

    newswire = lambda: GrpcContender(args.bin, "fanout_newswire")
    bare = lambda: GrpcContender(args.bin, "fanout_bare")
    # The same on the completion-queue API, one thread doing every write and
    # completion: the other way to use the transport (see bare_async_server.cc).
    bare_async = lambda: GrpcContender(args.bin, "fanout_bare_async", "--cq-threads", "1")
    nats = lambda: NatsContender(args.bin, args.nats_delivery)
    skip = set(filter(None, args.skip.split(",")))
    if args.access:
        return access_main(args, newswire)
    if args.http:
        return http_main(args)
    if args.replicas:
        return replicas_main(args)
    subs_list = [int(x) for x in args.subs.split(",")]
    events_list = [int(x) for x in args.events.split(",")]
    procs_list = [int(x) for x in args.client_procs.split(",")]

    # results[(subs, contender)] = [Measurement per round]
    results: dict[tuple[int, str], list[Measurement]] = {}
    latency: dict[str, list[Measurement]] = {}
    publish_rates: list[float] = []
    for r in range(args.rounds):
        if "throughput" not in skip:
            # Where newswire's time goes at low fanout: its publish path alone.
            publish_rates.append(publish_only(newswire, events_list[0]))
            print(f"round {r + 1}  subs     0  newswire {publish_rates[-1]:12,.0f} ev/s published "
                  f"(Wire::Publish, no subscriber)", flush=True)
            for subs, events, procs in zip(subs_list, events_list, procs_list):
                def run(name, make, batch=1.0):
                    return measure_and_print(results, r, name, make, subs, events, procs,
                                             batch, sequences=name == "newswire")
                nw = run("newswire", newswire)
                others = [("bare ~nw", bare, nw.per_message),
                          ("async ~nw", bare_async, nw.per_message), ("bare 1", bare, 1.0),
                          ("bare 16", bare, 16.0), ("nats", nats, 1.0)]
                k = r % len(others)
                for name, make, batch in others[k:] + others[:k]:
                    run(name, make, batch)
        if "latency" not in skip:
            order = [("newswire", newswire), ("bare 1", bare), ("async 1", bare_async),
                     ("nats", nats)]
            k = r % len(order)
            for name, make in order[k:] + order[:k]:
                m = measure(make, 100, args.latency_events, rate=1000, latency=True)
                latency.setdefault(name, []).append(m)
                print(f"round {r + 1}  latency 100 subs @1000/s  {name:9s} p50 {m.p50_us:9.1f} us"
                      f"  p99 {m.p99_us:9.1f} us  max {m.max_us:9.1f} us  {m.per_message:5.2f} "
                      f"ev/msg  cpu server {m.server_cpu:5.2f} pub {m.publisher_cpu:5.2f} "
                      f"clients {m.client_cpu:5.2f}", flush=True)

    def paired_ratio(subs, a, b, key=lambda m: m.rate):
        pairs = zip(results[(subs, a)], results[(subs, b)])
        return statistics.median(key(x) / key(y) for x, y in pairs)

    if results:
        print(f"\nDelivered events/s, min / median over {args.rounds} rounds "
              f"(ratios: median of the per-round ratios)\n")
        names = ["newswire", "bare ~nw", "async ~nw", "bare 1", "bare 16", "nats"]
        print("| subs | events | " + " | ".join(names) +
              " | nw/bare~nw | nw/async~nw | nw/nats | nw ev/msg |"
              " CPU s srv+pub / clients (nw, bare~nw, nats) |")
        print("|---" * (len(names) + 7) + "|")
        for subs, events in zip(subs_list, events_list):
            cells = [summary([m.rate for m in results[(subs, n)]]) for n in names]
            cpu = ", ".join(
                f"{statistics.median(m.server_cpu + m.publisher_cpu for m in results[(subs, n)]):.2f}"
                f" / {statistics.median(m.client_cpu for m in results[(subs, n)]):.2f}"
                for n in ["newswire", "bare ~nw", "nats"])
            per_msg = ", ".join(f"{m.per_message:.2f}" for m in results[(subs, "newswire")])
            print(f"| {subs:,} | {events:,} | " + " | ".join(cells) +
                  f" | {paired_ratio(subs, 'newswire', 'bare ~nw'):.2f}x"
                  f" | {paired_ratio(subs, 'newswire', 'async ~nw'):.2f}x"
                  f" | {paired_ratio(subs, 'newswire', 'nats'):.2f}x | {per_msg} | {cpu} |")
        lost = [(k, m.expected - m.delivered) for k, ms in results.items() for m in ms
                if m.delivered != m.expected]
        print(f"\nundelivered events: {lost or 'none'}")
        print(f"newswire publish path alone (no subscriber), events/s min / median: "
              f"{summary(publish_rates)}")
    if latency:
        print(f"\nLatency at 1,000 events/s, 100 subscribers, {args.latency_events} events, "
              f"min / median over rounds (us)\n")
        print("| contender | p50 | p99 | max | ev/msg |")
        print("|---|---|---|---|---|")
        for name, ms in latency.items():
            print(f"| {name} | {summary([m.p50_us for m in ms])} | "
                  f"{summary([m.p99_us for m in ms])} | {summary([m.max_us for m in ms])} | "
                  f"{statistics.median(m.per_message for m in ms):.2f} |")
        print()
        for a, b in [("newswire", "nats"), ("async 1", "nats"), ("newswire", "async 1")]:
            if a in latency and b in latency:
                ratio = statistics.median(x.p99_us / y.p99_us
                                          for x, y in zip(latency[a], latency[b]))
                print(f"p99 {a}/{b}: {ratio:.2f}x (median of per-round ratios)")
    if "idle" not in skip:
        procs, channels = 4, 5
        print(f"\nIdle: {args.idle_streams:,} streams over {procs} client processes, "
              f"{channels} channels each")
        for name, make in [("newswire", newswire), ("bare", bare)]:
            before, after = idle_rss(make, args.idle_streams, procs, channels)
            print(f"{name:9s} server RSS {before:,} KiB -> {after:,} KiB: "
                  f"{(after - before) / args.idle_streams:.1f} KiB per subscriber", flush=True)
    return 0


def make_certificate(dir: str) -> None:
    """A throwaway EC P-256 certificate for 127.0.0.1 in `dir`."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", f"{dir}/server.key", "-out", f"{dir}/server.crt"],
                   check=True, capture_output=True)


def access_main(args: argparse.Namespace, newswire) -> int:
    """Issue 11: what keys and TLS cost newswire's fanout, each contender
    against plain newswire in the same round (order rotated per round)."""
    tls_dir = tempfile.mkdtemp(prefix="fanout-tls-")
    make_certificate(tls_dir)
    contenders = [("plain", newswire),
                  ("key", lambda: GrpcContender(args.bin, "fanout_newswire", "--key")),
                  ("tls+key", lambda: GrpcContender(args.bin, "fanout_newswire", "--key",
                                                    tls=tls_dir))]
    skip = set(filter(None, args.skip.split(",")))
    subs_list = [int(x) for x in args.subs.split(",")]
    events_list = [int(x) for x in args.events.split(",")]
    procs_list = [int(x) for x in args.client_procs.split(",")]
    results: dict[tuple[int, str], list[Measurement]] = {}
    latency: dict[str, list[Measurement]] = {}
    for r in range(args.rounds):
        k = r % len(contenders)
        order = contenders[k:] + contenders[:k]
        if "throughput" not in skip:
            for subs, events, procs in zip(subs_list, events_list, procs_list):
                for name, make in order:
                    measure_and_print(results, r, name, make, subs, events, procs)
        if "latency" not in skip:
            for name, make in order:
                m = measure(make, 100, args.latency_events, rate=1000, latency=True)
                latency.setdefault(name, []).append(m)
                print(f"round {r + 1}  latency 100 subs @1000/s  {name:8s} p50 {m.p50_us:9.1f} us"
                      f"  p99 {m.p99_us:9.1f} us", flush=True)
    names = [name for name, _ in contenders]
    if results:
        print(f"\nDelivered events/s, min / median over {args.rounds} rounds; ratio to plain: "
              f"median (range) of the per-round ratios\n")
        print("| subs | events | " + " | ".join(names) + " | key/plain | tls+key/plain |")
        print("|---" * (len(names) + 4) + "|")
        for subs, events in zip(subs_list, events_list):
            cells = [summary([m.rate for m in results[(subs, n)]]) for n in names]
            ratios = []
            for n in names[1:]:
                rs = [a.rate / b.rate for a, b in zip(results[(subs, n)], results[(subs, "plain")])]
                ratios.append(f"{statistics.median(rs):.2f}x ({min(rs):.2f}-{max(rs):.2f})")
            print(f"| {subs:,} | {events:,} | " + " | ".join(cells) + " | " + " | ".join(ratios)
                  + " |")
        lost = [(k, m.expected - m.delivered) for k, ms in results.items() for m in ms
                if m.delivered != m.expected]
        print(f"\nundelivered events: {lost or 'none'}")
    if latency:
        print(f"\nLatency at 1,000 events/s, 100 subscribers, {args.latency_events} events, "
              f"min / median over rounds (us)\n")
        print("| contender | p50 | p99 |")
        print("|---|---|---|")
        for name in names:
            ms = latency[name]
            print(f"| {name} | {summary([m.p50_us for m in ms])} | "
                  f"{summary([m.p99_us for m in ms])} |")
    return 0


def replicas_main(args: argparse.Namespace) -> int:
    """Issue 15: fanout through replicas on a JetStream log against one
    server, each contender against "one" in the same round (order rotated
    per round)."""
    publishers = ("--publishers", str(args.publishers))
    # "one" publishes from one thread, as in the other fanout rows: its own
    # publish does not wait for a log.
    contenders = [("one", lambda: GrpcContender(args.bin, "fanout_newswire")),
                  ("log 1", lambda: ReplicaContender(args.bin, 1, *publishers)),
                  ("log 2", lambda: ReplicaContender(args.bin, 2, *publishers))]
    subs_list = [int(x) for x in args.subs.split(",")]
    events_list = [int(x) for x in args.events.split(",")]
    procs_list = [int(x) for x in args.client_procs.split(",")]
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    results: dict[tuple[int, str], list[Measurement]] = {}
    loads: list[float] = []
    for r in range(args.rounds):
        k = r % len(contenders)
        for subs, events, procs in zip(subs_list, events_list, procs_list):
            for name, make in contenders[k:] + contenders[:k]:
                measure_and_print(results, r, name, make, subs, events, procs)
                loads.append(os.getloadavg()[0])
    print(f"\nload average (1 min) after each measurement: min / median / max "
          f"{min(loads):.2f} / {statistics.median(loads):.2f} / {max(loads):.2f}")
    names = [name for name, _ in contenders]
    print(f"\nDelivered events/s, min / median over {args.rounds} rounds ({args.publishers} "
          f"publishing threads on the log); ratio to one: median (range) of the per-round "
          f"ratios\n")
    print("| subs | events | " + " | ".join(names) + " | log 1/one | log 2/one | log 2/log 1 |"
          " CPU s servers / clients (one, log 1, log 2) |")
    print("|---" * (len(names) + 6) + "|")
    for subs, events in zip(subs_list, events_list):
        rates = {n: [m.rate for m in results[(subs, n)]] for n in names}
        cpu = ", ".join(
            f"{statistics.median(m.server_cpu for m in results[(subs, n)]):.2f} / "
            f"{statistics.median(m.client_cpu for m in results[(subs, n)]):.2f}" for n in names)
        print(f"| {subs:,} | {events:,} | " + " | ".join(summary(rates[n]) for n in names) +
              f" | {ratio_cell(rates['log 1'], rates['one'])}"
              f" | {ratio_cell(rates['log 2'], rates['one'])}"
              f" | {ratio_cell(rates['log 2'], rates['log 1'])} | {cpu} |")
    bad = [(k, m.expected - m.delivered, m.gaps, m.duplicates)
           for k, ms in results.items() for m in ms
           if m.delivered != m.expected or m.gaps or m.duplicates or m.complete != k[0]]
    print(f"\nundelivered / skipped / repeated events (subs, contender), lost, gaps, "
          f"duplicates: {bad or 'none'}")
    return 0


def http_load(bin_dir: str, address: str, path: str, *flags: str) -> dict[str, float]:
    """One run of http_load (bench/http_load.cc); its "done" line's fields."""
    argv = [os.path.join(bin_dir, "http_load"), "--target", address, "--path", path, *flags]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    done = [line for line in out.stdout.splitlines() if line.startswith("done")]
    if out.returncode != 0 or not done:
        raise RuntimeError(f"http_load {path}: exit {out.returncode}: {out.stderr.strip()}")
    return fields_of(done[-1])


def ratio_cell(xs: list[float], ys: list[float]) -> str:
    """The median (range) of the per-round ratios x / y."""
    rs = [x / y for x, y in zip(xs, ys)]
    return f"{statistics.median(rs):.2f}x ({min(rs):.2f}-{max(rs):.2f})"


def http_main(args: argparse.Namespace) -> int:
    """Issue 13: the HTTP edge. SSE against gRPC from the same server
    (order rotated per round), idle cost, then feed GETs."""
    skip = set(filter(None, args.skip.split(",")))
    subs_list = [int(x) for x in args.subs.split(",")]
    events_list = [int(x) for x in args.events.split(",")]
    procs_list = [int(x) for x in args.client_procs.split(",")]
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)

    # Both transports read the same binary started the same way.
    transports = [("gRPC", lambda: GrpcContender(args.bin, "fanout_newswire", "--http")),
                  ("SSE", lambda: SseContender(args.bin, "fanout_newswire", "--http"))]
    results: dict[tuple[int, str], list[Measurement]] = {}
    if "throughput" not in skip:
        for r in range(args.rounds):
            k = r % len(transports)
            for subs, events, procs in zip(subs_list, events_list, procs_list):
                for name, make in transports[k:] + transports[:k]:
                    measure_and_print(results, r, name, make, subs, events, procs)

    # Idle, on servers with an archive of 1,000 articles (feeds are read
    # from the archive), so that the GETs the SSE server answers while its
    # streams are open read a real feed. channels None: one connection per
    # stream.
    archives: list[str] = []

    def with_archive(kind):
        archives.append(tempfile.mkdtemp(prefix="http-idle-"))
        return kind(args.bin, "fanout_newswire", "--http", "--data", archives[-1],
                    "--synthetic", "1000")

    idle_sse = lambda: with_archive(SseContender)
    idle_grpc = lambda: with_archive(GrpcContender)
    idle_kinds = [("SSE", idle_sse, None), ("gRPC", idle_grpc, None),
                  ("gRPC 5 conn/proc", idle_grpc, 5)]
    idle: dict[str, list[tuple[int, int]]] = {}
    probes: dict[tuple[str, str], list[dict[str, float]]] = {}

    def probe(contender: GrpcContender, when: str) -> None:
        for path in ["/healthz", "/v1/feed.atom"]:
            got = http_load(args.bin, contender.http, path, "--connections", "1",
                            "--requests", "200")
            if got["status_200"] != got["requests"]:
                raise RuntimeError(f"GET {path}: {got['requests'] - got['status_200']:.0f} "
                                   f"answers were not 200")
            probes.setdefault((path, when), []).append(got)

    if "idle" not in skip:
        procs = 4
        for r in range(args.rounds):
            k = r % len(idle_kinds)
            for name, make, channels in idle_kinds[k:] + idle_kinds[:k]:
                before, after = idle_rss(make, args.idle_streams, procs, channels,
                                         probe if name == "SSE" else None)
                for archive in archives:
                    shutil.rmtree(archive, ignore_errors=True)
                archives.clear()
                idle.setdefault(name, []).append((before, after))
                print(f"round {r + 1}  idle {args.idle_streams:,} {name:17s} server RSS "
                      f"{before:,} -> {after:,} KiB: "
                      f"{(after - before) / args.idle_streams:.1f} KiB per stream", flush=True)

    feeds: dict[str, list[dict[str, float]]] = {}
    if "feeds" not in skip:
        data = tempfile.mkdtemp(prefix="http-feeds-")
        t0 = time.monotonic()
        server = GrpcContender(args.bin, "fanout_newswire", "--http", "--data", data,
                               "--synthetic", str(args.feed_articles))
        print(f"feeds: archive of {args.feed_articles:,} articles in {data} "
              f"({time.monotonic() - t0:.1f} s to load)", flush=True)
        kinds = [("atom 200", "/v1/feed.atom", []),
                 ("atom 304", "/v1/feed.atom", ["--if-none-match"]),
                 ("json 200", "/v1/feed.json", []),
                 ("healthz", "/healthz", [])]
        try:
            for r in range(args.rounds):
                k = r % len(kinds)
                for name, path, flags in kinds[k:] + kinds[:k]:
                    cpu0 = server.servers[0].cpu_seconds()
                    got = http_load(args.bin, server.http, path, *flags, "--connections",
                                    str(args.feed_connections), "--seconds",
                                    str(args.feed_seconds))
                    got["server_cpu_us"] = ((server.servers[0].cpu_seconds() - cpu0) * 1e6
                                            / got["requests"])
                    feeds.setdefault(name, []).append(got)
                    wanted = "status_304" if name.endswith("304") else "status_200"
                    wrong = got["requests"] - got[wanted]
                    print(f"round {r + 1}  {name:8s} {got['rps']:10,.0f} req/s  p50 "
                          f"{got['p50_us']:8.1f} us  p99 {got['p99_us']:8.1f} us  "
                          f"{got['body_bytes'] / got['requests']:9,.0f} B/response  server "
                          f"{got['server_cpu_us']:6.1f} CPU-us/req"
                          + (f"  WRONG STATUS {wrong:.0f}" if wrong else ""), flush=True)
        finally:
            server.close()
            shutil.rmtree(data, ignore_errors=True)

    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    if results:
        print(f"\nDelivered events/s, min / median over {args.rounds} rounds; SSE/gRPC: "
              f"median (range) of the per-round ratios\n")
        print("| subs | events | gRPC | SSE | SSE/gRPC | CPU s server / clients, gRPC | "
              "SSE | events per read, gRPC / SSE |")
        print("|---|---|---|---|---|---|---|---|")
        for subs, events in zip(subs_list, events_list):
            g, e = results[(subs, "gRPC")], results[(subs, "SSE")]
            cpu = lambda ms: (f"{statistics.median(m.server_cpu for m in ms):.2f} / "
                              f"{statistics.median(m.client_cpu for m in ms):.2f}")
            print(f"| {subs:,} | {events:,} | {summary([m.rate for m in g])} | "
                  f"{summary([m.rate for m in e])} | "
                  f"{ratio_cell([m.rate for m in e], [m.rate for m in g])} | {cpu(g)} | "
                  f"{cpu(e)} | {statistics.median(m.per_message for m in g):.1f} / "
                  f"{statistics.median(m.per_message for m in e):.1f} |")
        bad = [(k, m.expected - m.delivered, m.gaps, m.duplicates)
               for k, ms in results.items() for m in ms
               if m.delivered != m.expected or m.gaps or m.duplicates
               or m.complete != k[0]]
        print(f"\nundelivered / skipped / repeated events (subs, transport), lost, gaps, "
              f"duplicates: {bad or 'none'}")
    if idle:
        print(f"\nIdle: server RSS (KiB) before and with {args.idle_streams:,} idle streams "
              f"(4 client processes), per stream min / median over rounds\n")
        print("| streams over | before | with | KiB per stream |")
        print("|---|---|---|---|")
        for name, pairs in idle.items():
            per = [(a - b) / args.idle_streams for b, a in pairs]
            print(f"| {name} | {statistics.median(b for b, _ in pairs):,.0f} | "
                  f"{statistics.median(a for _, a in pairs):,.0f} | "
                  f"{min(per):.1f} / {statistics.median(per):.1f} |")
    if probes:
        print(f"\nGETs (one connection, 200 requests each) before and with "
              f"{args.idle_streams:,} idle SSE streams open, median over rounds (us)\n")
        print("| path | when | p50 | p99 | max |")
        print("|---|---|---|---|---|")
        for (path, when), runs in probes.items():
            print(f"| {path} | {when} | {statistics.median(x['p50_us'] for x in runs):,.0f} | "
                  f"{statistics.median(x['p99_us'] for x in runs):,.0f} | "
                  f"{statistics.median(x['max_us'] for x in runs):,.0f} |")
    if feeds:
        print(f"\nFeed GETs: {args.feed_connections} keep-alive connections, "
              f"{args.feed_seconds:g} s each, {args.feed_articles:,} articles; requests/s "
              f"min / median over rounds\n")
        print("| request | req/s | p50 us | p99 us | bytes/response | server CPU us/req | "
              "ratio to atom 200 |")
        print("|---|---|---|---|---|---|---|")
        for name, runs in feeds.items():
            print(f"| {name} | {summary([x['rps'] for x in runs])} | "
                  f"{statistics.median(x['p50_us'] for x in runs):,.0f} | "
                  f"{statistics.median(x['p99_us'] for x in runs):,.0f} | "
                  f"{statistics.median(x['body_bytes'] / x['requests'] for x in runs):,.0f} | "
                  f"{statistics.median(x['server_cpu_us'] for x in runs):.1f} | "
                  f"{ratio_cell([x['rps'] for x in runs], [x['rps'] for x in feeds['atom 200']])}"
                  f" |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
