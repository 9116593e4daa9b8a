"""`python3 -m newswire` is the newswire command: every verb, the same
flags, output and exit codes as the binary, by the same C++ code."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from conftest import DATA, NEWSWIRE_BIN, SOURCE_DIR, ServeProcess


def module_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "newswire", *args]


def run(argv: list[str], cwd: pathlib.Path | None = None) -> tuple[int, str, str]:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=cwd,
                            env=dict(os.environ))
    return result.returncode, result.stdout, result.stderr


def both(*args: str, cwd: pathlib.Path | None = None) -> tuple[int, str, str]:
    """Runs `newswire ARGS` both ways; asserts they agree and returns it."""
    binary = run([str(NEWSWIRE_BIN), *args], cwd)
    module = run(module_cli(*args), cwd)
    assert module == binary, f"newswire {' '.join(args)}"
    return binary


@pytest.fixture
def module_server(tmp_path):
    """A server started as `python3 -m newswire serve`."""
    proc = ServeProcess(module_cli("serve", "--listen", "127.0.0.1:0", "--data",
                                   str(tmp_path / "data")))
    try:
        yield proc
    finally:
        assert proc.stop() == 0, "".join(proc.output)


VERBS = ["serve", "publish", "ingest", "tail", "get", "search", "parse", "keys", "audit",
         "whoami"]


@pytest.mark.parametrize("verb", VERBS)
def test_usage_errors_are_the_binarys(verb):
    code, _, err = both(verb, "--no-such-flag")
    assert code == 2 and "--no-such-flag" in err
    # The problem, the verb's synopsis and where to read more; not the whole usage.
    assert f"\nusage: newswire {verb} " in err and err.endswith(f"see newswire {verb} --help\n")
    assert "commands:" not in err


@pytest.mark.parametrize("verb", VERBS)
def test_help_after_a_verb_is_its_usage(verb):
    code, out, err = both(verb, "--help")
    assert (code, err) == (0, "") and out.startswith(f"usage: newswire {verb} ")
    assert both(verb, "-h") == (code, out, err)
    assert both("help", verb) == (code, out, err)


def test_version_is_the_packages():
    import newswire

    assert both("--version") == (0, f"newswire {newswire.__version__}\n", "")
    version_file = (SOURCE_DIR / "VERSION").read_text(encoding="utf-8")
    assert newswire.__version__ == version_file.strip()


def test_no_command_and_unknown_command():
    assert both()[0] == 2
    code, _, err = both("frobnicate")
    assert code == 2 and "frobnicate" in err


def test_every_verb_against_a_server(module_server, tmp_path):
    server = module_server.address
    story = DATA / "byline.txt"
    code, out, _ = both("parse", "--json", str(story))
    assert code == 0 and '"headline":"Ferry workers end two-day strike"' in out

    # publish: the module stores it, the binary then finds the duplicate.
    code, out, err = run(module_cli("publish", "--server", server, str(story)))
    assert code == 0 and out.endswith("sequence=1\tduplicate=false\n"), err
    article_id = out.split("id=")[1].split()[0]
    code, again, _ = run([str(NEWSWIRE_BIN), "publish", "--server", server, str(story)])
    assert code == 0 and again == out.replace("duplicate=false", "duplicate=true")

    # ingest: a drop folder, through the module.
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(DATA / "council_vote_lf.txt", drop / "council.txt")
    code, out, err = run(module_cli("ingest", "--server", server, str(drop)))
    assert code == 0 and out == "council.txt\ttext\t1 published\t0 duplicate\n", err

    # Reads answer the same both ways.
    code, out, _ = both("get", "--server", server, "--json", article_id)
    assert code == 0 and '"Ferry workers end two-day strike"' in out
    code, out, _ = both("search", "--server", server, "seawall")
    assert code == 0 and "Harbor council approves new seawall" in out
    code, _, err = both("get", "--server", server, "urn:no:such")
    assert code == 1 and 'no article with id "urn:no:such" (NOT_FOUND)' in err

    # tail: the stored events, then the caught-up line.
    assert tail_lines(server, 3) == tail_lines(server, 3, binary=True)


def tail_lines(server: str, count: int, binary: bool = False) -> list[str]:
    argv = ["tail", "--server", server, "--from", "earliest"]
    proc = subprocess.Popen([str(NEWSWIRE_BIN), *argv] if binary else module_cli(*argv),
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(count)]
    finally:
        proc.kill()
        proc.wait()
    assert "caught up at sequence 2" in lines[-1]
    return lines
