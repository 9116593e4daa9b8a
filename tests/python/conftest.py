"""Fixtures: paths to the build and shared data, servers on loopback port 0."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import threading
from typing import Iterator

import pytest

SOURCE_DIR = pathlib.Path(
    os.environ.get("NEWSWIRE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2])
)
SHARED_DIR = pathlib.Path(os.environ.get("NEWSWIRE_SHARED_DIR", SOURCE_DIR.parent / "shared"))
NEWSWIRE_BIN = pathlib.Path(os.environ.get("NEWSWIRE_BIN", SOURCE_DIR / "build" / "newswire"))
SEED = SHARED_DIR / "seeds" / "000_6d2460062642afca.txt"
DATA = SOURCE_DIR / "tests" / "data" / "text"


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"shared seed article not found at {SEED}; skipping")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def server() -> Iterator["newswire.Server"]:
    import newswire

    with newswire.Server() as srv:
        yield srv


@pytest.fixture
def client(server) -> Iterator["newswire.Client"]:
    import newswire

    with newswire.Client(server.address) as c:
        yield c


class ServeProcess:
    """`newswire serve` (or `make run`) in a child process."""

    def __init__(self, argv: list[str], cwd: pathlib.Path | None = None) -> None:
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )
        self.output: list[str] = []
        self.address = self._await_listening()
        # The server logs as it goes: read on, so a full pipe never blocks it.
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read_rest, daemon=True)
        self._reader.start()

    def _read_rest(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._arrived:
                self.output.append(line)
                self._arrived.notify_all()

    def wait_for_output(self, pattern: str, timeout: float = 30) -> str:
        """The first line of output matching the regex `pattern`, waiting up to
        `timeout` seconds for it."""
        found: list[str] = []

        def match() -> bool:
            found[:] = [line for line in self.output if re.search(pattern, line)][:1]
            return bool(found)

        with self._arrived:
            if not self._arrived.wait_for(match, timeout=timeout):
                raise AssertionError(f"no output line matching {pattern!r} in:\n"
                                     + "".join(self.output))
        return found[0]

    def _await_listening(self) -> str:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            match = re.search(r"listening on (\S+)", line)
            if match:
                return match.group(1)
        raise AssertionError("server exited before listening:\n" + "".join(self.output))

    def stop(self, sig: int = 15) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self._reader.join(timeout=30)
        return self.proc.returncode


def _serve(*args: str) -> Iterator[ServeProcess]:
    if not NEWSWIRE_BIN.exists():
        pytest.fail(f"newswire binary not built at {NEWSWIRE_BIN}")
    proc = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0", *args])
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def serve_process(tmp_path) -> Iterator[ServeProcess]:
    """`newswire serve` on a fresh archive in a temporary directory."""
    yield from _serve("--data", str(tmp_path / "data"))


@pytest.fixture
def memory_serve_process() -> Iterator[ServeProcess]:
    """`newswire serve --memory`: no data dir, the archive in memory."""
    yield from _serve("--memory")


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSWIRE_BIN), *args], capture_output=True, text=True,
                          timeout=timeout)


def http_host(proc: ServeProcess) -> str:
    """The HOST:PORT of the HTTP edge a `serve --http` process printed."""
    line = next(line for line in proc.output if "HTTP feeds:" in line)
    return re.search(r"http://([^/]+)/", line).group(1)


def serve_http(*args: str, http: str = "127.0.0.1:0") -> tuple[ServeProcess, str]:
    """`newswire serve ARGS --http HTTP` on a free gRPC port: the process and
    the HTTP edge's HOST:PORT."""
    proc = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0", *args,
                         "--http", http])
    return proc, http_host(proc)


def http_get(host: str, path: str, headers: dict[str, str] | None = None):
    """GET `path`: the status, the headers (names case-blind) and the body."""
    import http.client
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()
