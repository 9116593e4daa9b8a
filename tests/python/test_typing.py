"""The typed API: mypy --strict passes on the package (as built, with the
generated *_pb2.pyi stubs and _core.pyi) and on every Python example in the
README, each checked as a script of its own; every public name has a
docstring."""

from __future__ import annotations

import inspect
import os
import pathlib
import re
import subprocess
import sys

import pytest

import newswire
import newswire.aio

from conftest import SOURCE_DIR

CONFIG = SOURCE_DIR / "pyproject.toml"
PACKAGE_ROOT = pathlib.Path(newswire.__file__).resolve().parents[1]


def mypy(*targets: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    """mypy with the project's settings ([tool.mypy] in pyproject.toml),
    reading the package from where the tests import it."""
    if subprocess.run([sys.executable, "-m", "mypy", "--version"],
                      capture_output=True).returncode != 0:
        pytest.fail("mypy is missing: `make deps` installs Debian's python3-mypy")
    env = dict(os.environ, MYPYPATH=str(PACKAGE_ROOT))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(CONFIG), "--strict",
         "--no-incremental", *targets],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def readme_examples() -> list[str]:
    text = (SOURCE_DIR / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_package_passes_mypy_strict() -> None:
    result = mypy("-p", "newswire", cwd=PACKAGE_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_examples_pass_mypy_strict(tmp_path: pathlib.Path) -> None:
    examples = readme_examples()
    assert len(examples) >= 4, "the README's Python section lost its examples"
    names = []
    for i, code in enumerate(examples):
        name = f"readme_example_{i}.py"
        (tmp_path / name).write_text(code, encoding="utf-8")
        names.append(name)
    result = mypy(*names, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_catches_a_misuse(tmp_path: pathlib.Path) -> None:
    # The check above is only worth something if a wrong type is reported.
    (tmp_path / "wrong.py").write_text(
        "import newswire\n"
        "a = newswire.parse_text('Headline\\n\\nBody.')\n"
        "n: int = a.headline\n"
        "newswire.Client(42)\n", encoding="utf-8")
    result = mypy("wrong.py", cwd=tmp_path)
    assert result.returncode == 1
    assert 'incompatible types in assignment (expression has type "str"' in result.stdout.lower()
    assert 'argument 1 to "client" has incompatible type "int"' in result.stdout.lower()


def public_members(module: object, names: list[str]) -> list[tuple[str, object]]:
    members = []
    for name in names:
        obj = getattr(module, name)
        members.append((name, obj))
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for attr, value in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(value, (classmethod, staticmethod)):
                    value = value.__func__
                if isinstance(value, property) or inspect.isfunction(value):
                    members.append((f"{name}.{attr}", value))
    return members


def test_every_public_name_has_a_docstring() -> None:
    undocumented = [
        f"{module.__name__}.{name}"
        for module in (newswire, newswire.aio)
        for name, obj in public_members(module, list(module.__all__))
        if not (obj.__doc__ or "").strip()
    ]
    assert undocumented == []
    # help() on the client reads as documentation, not just signatures.
    text = pydoc_text(newswire.Client)
    assert "Follows the feed, filtered on the server" in text
    assert "subscribe(self, start: 'str | int | _dt.datetime' = 'latest'" in text


def pydoc_text(obj: object) -> str:
    import pydoc

    return pydoc.render_doc(obj, renderer=pydoc.plaintext)
