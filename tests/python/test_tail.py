"""`newswire tail` into a file or a pipe: nothing received is lost on Ctrl-C or
SIGTERM, and each batch is written as soon as it arrives."""

from __future__ import annotations

import json
import os
import pathlib
import select
import signal
import subprocess
import time

import pytest

import newswire
from conftest import NEWSWIRE_BIN

EVENTS = 5000


def article(n: int) -> newswire.Article:
    return newswire.Article(id=f"urn:tail:{n}", version=1, headline=f"Story number {n}",
                            body_text=f"Story number {n}. More text.")


@pytest.fixture(scope="module")
def loaded_server():
    """An in-memory server holding EVENTS articles, sequences 1..EVENTS."""
    with newswire.Server() as server, newswire.Client(server.address) as client:
        for n in range(1, EVENTS + 1):
            client.publish(article(n))
        yield server


def start_tail(address: str, out, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(NEWSWIRE_BIN), "tail", "--server", address, "--from", "earliest", "--json",
         *extra],
        stdout=out, stderr=subprocess.PIPE, text=True)


def lines_in(path: pathlib.Path) -> int:
    return path.read_bytes().count(b"\n")


def sequences(path: pathlib.Path) -> list[int]:
    """The sequence of every article event; each line must be one whole JSON
    object (the others are markers such as EVENT_KIND_CAUGHT_UP)."""
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), "the output ends in a partial line"
    events = [json.loads(line) for line in text.splitlines()]
    return [int(e["sequence"]) for e in events if "article" in e]


def wait_for_lines(path: pathlib.Path, count: int, timeout: float = 60) -> None:
    """Until `count` lines are written (EVENTS articles and the caught-up
    marker after them make EVENTS + 1)."""
    deadline = time.monotonic() + timeout
    while lines_in(path) < count:
        assert time.monotonic() < deadline, f"only {lines_in(path)} of {count} lines written"
        time.sleep(0.02)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_every_event_caught_up_is_in_the_file_after_a_stop_signal(loaded_server, tmp_path, sig):
    path = tmp_path / "events.jsonl"
    with path.open("wb") as out:
        tail = start_tail(loaded_server.address, out)
        try:
            wait_for_lines(path, EVENTS + 1)
            tail.send_signal(sig)
            _, err = tail.communicate(timeout=30)
        finally:
            if tail.poll() is None:
                tail.kill()
    assert tail.returncode == 128 + sig, err
    assert f"{signal.Signals(sig).name}, tail stopped" in err
    assert sequences(path) == list(range(1, EVENTS + 1))


def test_a_signal_in_mid_catch_up_leaves_whole_lines_in_order(loaded_server, tmp_path):
    path = tmp_path / "events.jsonl"
    with path.open("wb") as out:
        tail = start_tail(loaded_server.address, out)
        try:
            wait_for_lines(path, 1)
            tail.send_signal(signal.SIGINT)
            tail.communicate(timeout=30)
        finally:
            if tail.poll() is None:
                tail.kill()
    assert tail.returncode == 128 + signal.SIGINT
    got = sequences(path)
    assert got == list(range(1, len(got) + 1))


class PipeLines:
    """Lines from a pipe, read as they are written (no read-ahead buffer
    between the pipe and the test)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = b""

    def next(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(left, 0))
            assert ready, f"nothing written within {timeout} s"
            chunk = os.read(self.fd, 65536)
            assert chunk, "tail exited"
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)


def test_a_live_event_reaches_a_pipe_at_once():
    with newswire.Server() as server, newswire.Client(server.address) as client:
        tail = subprocess.Popen(
            [str(NEWSWIRE_BIN), "tail", "--server", server.address, "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        try:
            assert tail.stdout is not None
            lines = PipeLines(tail.stdout.fileno())
            # From the latest: the caught-up marker says the stream is open.
            assert lines.next(timeout=10)["kind"] == "EVENT_KIND_CAUGHT_UP"
            for n in (1, 2, 3):
                client.publish(article(n))
                assert lines.next(timeout=5)["article"]["headline"] == f"Story number {n}"
        finally:
            tail.terminate()
            tail.communicate(timeout=30)
