"""The README walk-through, as a newcomer runs it: `make run` in the
background, `newswire tail` and `newswire publish` against it, and the
headline arrives."""

import os
import pathlib
import queue
import subprocess
import threading

import pytest

from conftest import DATA, NEWSWIRE_BIN, SEED, SOURCE_DIR, ServeProcess, run_cli


class Tail:
    """`newswire tail` in the background, its lines in a queue."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([str(NEWSWIRE_BIN), "tail", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def await_line(self, predicate, timeout: float = 30) -> str:
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no matching line; saw: {seen}") from None
            seen.append(line)
            if predicate(line):
                return line

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def test_make_run_then_tail_and_publish(tmp_path):
    build_dir = pathlib.Path(NEWSWIRE_BIN).parent
    server = ServeProcess(["make", "--no-print-directory", "run", "LISTEN=127.0.0.1:0",
                           f"BUILD={build_dir}", f"DATA={tmp_path / 'data'}"],
                          cwd=SOURCE_DIR)
    try:
        banner = "".join(server.output)
        assert "loaded 6 articles from examples" in banner  # 4 text files, a feed of 2
        assert "newswire tail" in banner
        address = server.address

        tail = Tail("--server", address, "--from", "earliest")
        try:
            # The example headlines, then the switch to live.
            caught_up = tail.await_line(lambda l: "caught up at sequence" in l)
            assert "sequence 6" in caught_up

            story = SEED if SEED.exists() else DATA / "byline.txt"
            published = run_cli("publish", "--server", address, str(story))
            assert published.returncode == 0, published.stderr
            assert "sequence=7\tduplicate=false" in published.stdout
            headline = run_cli("parse", "--json", str(story)).stdout
            line = tail.await_line(lambda l: l.startswith("7  PUBLISHED"))
            assert "[urn:newswire:" in line
            if SEED.exists():
                assert "KYIV, Ukraine — Japanese official travels to Ukraine" in line
            assert headline  # The same file parses offline too.

            got = run_cli("get", "--server", address,
                          published.stdout.split("id=")[1].split("\t")[0])
            assert got.returncode == 0, got.stderr
        finally:
            tail.stop()
    finally:
        # Ctrl-C reaches make and the server alike; the server shuts down
        # cleanly (make itself reports the interrupt).
        server.stop(2)
        assert "SIGINT, shutting down" in "".join(server.output)


def test_tail_reports_a_server_that_goes_away(serve_process):
    tail = Tail("--server", serve_process.address)
    try:
        tail.await_line(lambda l: "caught up" in l)
        serve_process.stop()
        assert tail.proc.wait(timeout=30) == 1
        assert "shutting down" in tail.proc.stderr.read()
    finally:
        tail.stop()


def test_tail_json_prints_proto_json_lines(serve_process):
    run_cli("publish", "--server", serve_process.address, str(DATA / "byline.txt"))
    tail = Tail("--server", serve_process.address, "--from", "earliest", "--json", "--full")
    try:
        import json

        first = json.loads(tail.await_line(lambda l: l.startswith("{")))
        assert first["sequence"] == "1"  # uint64 is a string in proto3 JSON.
        assert first["kind"] == "EVENT_KIND_PUBLISHED"
        assert first["article"]["body_text"]
        assert first["article"]["byline"]
    finally:
        tail.stop()


def test_python_m_newswire_has_the_cli_verbs():
    env = dict(os.environ)
    result = subprocess.run(["/usr/bin/python3", "-m", "newswire", "parse", "--json",
                             str(DATA / "byline.txt")],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert '"headline":' in result.stdout
