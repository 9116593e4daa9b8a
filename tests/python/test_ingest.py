"""`newswire ingest --watch DIR` end to end: each file dropped is published
once, bad files go aside with their reason, and while the server is down
(killed with -9) nothing is lost: ingest retries and, once the server is
back on its archive, publishes what was dropped meanwhile."""

from __future__ import annotations

import pathlib
import signal
import subprocess
import time

import newswire
from conftest import NEWSWIRE_BIN, ServeProcess, run_cli


def rss(guid: str, title: str, body: str) -> bytes:
    return (f"<rss version='2.0'><channel><title>Desk</title><item><title>{title}</title>"
            f"<guid>{guid}</guid><description>{body}</description></item></channel></rss>").encode()


def serve(data: pathlib.Path, listen: str = "127.0.0.1:0") -> ServeProcess:
    return ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", listen, "--data", str(data)])


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def headlines(address: str) -> list[str]:
    try:
        with newswire.Client(address) as client:
            sub = client.subscribe(start="earliest", heartbeat=1.0)
            out = []
            for event in sub:
                if event.kind == "CAUGHT_UP":
                    return out
                out.append(event.article.headline)
    except newswire.UnavailableError:
        return []
    return out


def test_ingest_once_publishes_each_file_and_rejects_bad_ones(tmp_path, serve_process):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a.xml").write_bytes(rss("https://x.example/1", "Tram approved", "It passed."))
    (drop / "b.txt").write_text("Harbour reopens\n\nThe port reopened.\n")
    (drop / "c.html").write_text("<html><body>not a feed</body></html>")
    result = run_cli("ingest", "--server", serve_process.address, str(drop))
    assert result.returncode == 1, result.stderr  # c.html was rejected
    assert "a.xml\trss\t1 published" in result.stdout
    assert "b.txt\ttext\t1 published" in result.stdout
    assert (drop / "rejected" / "c.html").exists()
    assert "is not a feed" in (drop / "rejected" / "c.html.error").read_text()
    again = run_cli("ingest", "--server", serve_process.address, str(drop))
    assert again.returncode == 0 and again.stdout == "", again
    assert sorted(headlines(serve_process.address)) == ["Harbour reopens", "Tram approved"]


def test_watch_survives_the_server_being_killed(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    data = tmp_path / "data"
    server = serve(data)
    address = server.address
    watcher = subprocess.Popen(
        [str(NEWSWIRE_BIN), "ingest", "--server", address, "--watch", "--interval", "100ms",
         str(drop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        (drop / "one.xml").write_bytes(rss("https://x.example/1", "First story", "One."))
        wait_for(lambda: headlines(address) == ["First story"])
        server.stop(signal.SIGKILL)
        # Dropped while the server is down: ingest keeps retrying.
        (drop / "two.xml").write_bytes(rss("https://x.example/2", "Second story", "Two."))
        time.sleep(1.5)
        assert watcher.poll() is None
        server = serve(data, listen=address)
        wait_for(lambda: headlines(address) == ["First story", "Second story"])
        # Nothing is published twice, whatever the retries did.
        time.sleep(0.5)
        assert headlines(address) == ["First story", "Second story"]
    finally:
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=30)
        server.stop()
    assert "server unavailable" in err, err
    assert "one.xml\trss\t1 published" in out and "two.xml\trss\t1 published" in out, out
