"""Subscribe catch-up from several `newswire serve` processes at once: the
same load in each, then every contender of bench/python_subscribe.py reads
all of it from each server in turn, the servers' order rotating round by
round, so that this machine's drift falls on all of them alike (two builds
compared in sequence differ by more than the change under test).

    PYTHONPATH=build/python /usr/bin/python3 bench/catchup_ab.py \\
        --server before=/tmp/before/newswire:memory \\
        --server after=build/newswire:memory --server file=build/newswire:file

Each --server is NAME=BINARY:memory (`serve --memory`) or NAME=BINARY:file
(`serve --data` in a temporary directory). Prints, per contender and
server, events/s (min / median), the server's CPU seconds per catch-up
(median) and the per-round ratio to the first server; and each server's
RSS after the load and after the catch-ups.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_subscribe as ps  # noqa: E402


def rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


def start(binary: str, store: str, data: str) -> tuple[subprocess.Popen, str]:
    where = ["--data", data] if store == "file" else ["--memory"]
    proc = subprocess.Popen([binary, "serve", *where, "--listen", "127.0.0.1:0"],
                            # The server's event log (stderr) is not read: it
                            # must not fill a pipe and block the server.
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("listening on "):
            return proc, line.split()[-1]
    raise SystemExit(f"{binary} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", action="append", required=True)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--contenders", default="grpcio,bytes")
    args = parser.parse_args()
    contenders = args.contenders.split(",")
    tmp = tempfile.mkdtemp(prefix="catchup-ab-")
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        for spec in args.server:
            name, rest = spec.split("=", 1)
            binary, store = rest.rsplit(":", 1)
            servers[name] = start(binary, store, os.path.join(tmp, name))
        for name, (proc, target) in servers.items():
            cpu = ps.server_cpu(proc.pid)
            t = time.monotonic()
            ps.publish(target, args.events, "catch-up")
            took = time.monotonic() - t
            print(f"{name}: published {args.events:,} through PublishStream in {took:.1f} s "
                  f"(server CPU {ps.server_cpu(proc.pid) - cpu:.1f} s), RSS {rss_mb(proc.pid)} MB",
                  flush=True)
        names = list(servers)
        rows = {(n, c): [] for n in names for c in contenders}
        for rnd in range(args.rounds):
            order = names[rnd % len(names):] + names[:rnd % len(names)]
            for contender in contenders:
                for name in order:
                    proc, target = servers[name]
                    cpu = ps.server_cpu(proc.pid)
                    r = ps.run_catchup(contender, target, args.events)
                    r["server_cpu"] = ps.server_cpu(proc.pid) - cpu
                    rows[(name, contender)].append(r)
                    print(f"round {rnd + 1} {name:8} {contender:8} {r['rate']:>10,.0f} events/s "
                          f"server CPU {r['server_cpu']:.2f} s", flush=True)
        print("RSS after the catch-ups: " +
              ", ".join(f"{n} {rss_mb(servers[n][0].pid)} MB" for n in names))
        for contender in contenders:
            base = rows[(names[0], contender)]
            for name in names:
                runs = rows[(name, contender)]
                rates = [r["rate"] for r in runs]
                ratios = [r["rate"] / b["rate"] for r, b in zip(runs, base)]
                print(f"{contender:8} {name:8} {min(rates):>10,.0f} / {statistics.median(rates):>10,.0f}"
                      f" events/s  server CPU {statistics.median(r['server_cpu'] for r in runs):.2f} s"
                      f"  /{names[0]} {statistics.median(ratios):.2f}x"
                      f" ({min(ratios):.2f}-{max(ratios):.2f})")
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
