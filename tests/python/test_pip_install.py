"""`pip install .` and `make wheel` (issue 14): the package installs offline
into a venv that uses Debian's grpcio and protobuf, works from outside the
checkout, and uninstalls without a trace.

The builds reuse the project's CMake tree (NEWSWIRE_BUILD_DIR, which ctest
sets), so pip compiles nothing that `make build` already compiled.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

from conftest import SOURCE_DIR

BUILD_DIR = pathlib.Path(os.environ.get("NEWSWIRE_BUILD_DIR", SOURCE_DIR / "build"))
PROTOS = sorted(p.stem for p in (SOURCE_DIR / "proto" / "newswire" / "v1").glob("*.proto"))

# Run by the installed interpreter from a directory outside the checkout.
USE_INSTALLED = r"""
import importlib.metadata, json, sys
import newswire
from newswire.v1 import article_pb2, feed_pb2_grpc

article = newswire.parse_text(
    "Ferry service resumes after storm\n\n"
    "HELSINKI (AP) - Ferries to Tallinn sailed again on Monday.\n")
with newswire.Server() as srv, newswire.Client(srv.address) as client:
    published = client.publish(article)
    got = client.get(published.id)
print(json.dumps({
    "file": newswire.__file__,
    "version": newswire.__version__,
    "dist_version": importlib.metadata.version("newswire"),
    "headline": got.headline,
    "pb2": article_pb2.__file__,
    "path": sys.path,
}))
"""


def _skip_reason() -> str | None:
    if not (BUILD_DIR / "CMakeCache.txt").exists():
        return f"no configured CMake build tree at {BUILD_DIR} to reuse; `make build` first"
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        return "sanitizer build: the packaging test runs in the plain build"
    for module, package in (("ensurepip", "python3-venv"), ("setuptools", "python3-setuptools"),
                            ("wheel", "python3-wheel"), ("pip", "python3-pip")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is missing (Debian's {package}; `make deps` installs it)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))


class Venv:
    """A venv over /usr/bin/python3 that sees Debian's python3-* packages."""

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root)],
                       check=True, capture_output=True, text=True)
        self.python = root / "bin" / "python"
        self.site_packages = pathlib.Path(self.run(
            str(self.python), "-c", "import sysconfig; print(sysconfig.get_path('platlib'))",
        ).stdout.strip())

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        # ctest points PYTHONPATH at build/python: the venv must not see it.
        env.pop("PYTHONPATH", None)
        # No bytecode but what pip installs (and records), no wheel cache in ~.
        env.update(NEWSWIRE_BUILD_DIR=str(BUILD_DIR), PYTHONDONTWRITEBYTECODE="1",
                   PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        return env

    def run(self, *argv: str, cwd: pathlib.Path | None = None,
            check: bool = True) -> subprocess.CompletedProcess:
        """Runs argv (any program) in the venv's environment."""
        result = subprocess.run(argv, cwd=cwd or self.root, env=self.env(),
                                capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"{argv} exited {result.returncode}:\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def pip(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(str(self.python), "-m", "pip", *args)

    def files(self) -> set[str]:
        """Every file in site-packages and bin/, relative to the venv."""
        return {str(p.relative_to(self.root))
                for top in (self.site_packages, self.root / "bin")
                for p in top.rglob("*") if not p.is_dir()}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Venv:
    return Venv(tmp_path_factory.mktemp("venv") / "venv")


def _use_installed(venv: Venv, outside: pathlib.Path) -> None:
    result = venv.run(str(venv.python), "-c", USE_INSTALLED, cwd=outside)
    report = json.loads(result.stdout)
    assert report["headline"] == "Ferry service resumes after storm"
    assert report["dist_version"] == report["version"]
    assert pathlib.Path(report["file"]).is_relative_to(venv.site_packages)
    assert pathlib.Path(report["pb2"]).is_relative_to(venv.site_packages)
    assert not any(entry.startswith(str(SOURCE_DIR)) for entry in report["path"])


def _expected_package_files() -> set[str]:
    """The installed package as paths under site-packages, from the checkout:
    its hand-written modules and stubs, and a generated module per .proto."""
    sources = SOURCE_DIR / "python" / "newswire"
    expected = {f"newswire/{p.name}" for p in sources.iterdir()
                if p.suffix in (".py", ".pyi") or p.name == "py.typed"}
    expected |= {"newswire/v1/__init__.py"}
    expected |= {f"newswire/v1/{proto}_pb2.py" for proto in PROTOS}
    return expected


def test_pip_install_works_outside_the_checkout_and_uninstalls_cleanly(venv, tmp_path):
    before = venv.files()
    venv.pip("install", "--no-build-isolation", "--no-index", str(SOURCE_DIR))

    installed = {str(p.relative_to(venv.site_packages))
                 for p in (venv.site_packages / "newswire").rglob("*") if p.is_file()}
    assert not _expected_package_files() - installed, "not installed"
    assert "newswire/v1/feed_pb2_grpc.py" in installed
    assert [name for name in installed if name.startswith("newswire/_core.")
            and name.endswith(".so")], installed

    _use_installed(venv, tmp_path)

    # The console script and `python -m newswire` run the C++ command line.
    help_ = venv.run(str(venv.root / "bin" / "newswire"), "--help", cwd=tmp_path)
    assert help_.stdout.startswith("usage: newswire COMMAND")
    module = venv.run(str(venv.python), "-m", "newswire", "--help", cwd=tmp_path)
    assert module.stdout == help_.stdout
    bare = venv.run(str(venv.root / "bin" / "newswire"), cwd=tmp_path, check=False)
    assert bare.returncode == 2
    assert "no command given" in bare.stderr

    venv.pip("uninstall", "-y", "newswire")
    assert venv.files() == before


def test_wheel_holds_the_whole_package_and_installs(venv, tmp_path):
    # What `make wheel` runs, into a temporary directory instead of dist/.
    dist = tmp_path / "dist"
    venv.run(sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
             "--no-index", "-w", str(dist), str(SOURCE_DIR), cwd=tmp_path)
    [wheel] = dist.glob("*.whl")
    assert wheel.name.startswith("newswire-")
    assert not wheel.name.endswith("-none-any.whl"), "a wheel with a C++ module is not pure"

    names = set(zipfile.ZipFile(wheel).namelist())
    assert not _expected_package_files() - names, "not in the wheel"
    assert [name for name in names if name.startswith("newswire/_core.")
            and name.endswith(".so")], names
    [entry_points] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
    assert "newswire = newswire._cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

    before = venv.files()
    venv.pip("install", "--no-index", str(wheel))
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    _use_installed(venv, outside)
    venv.pip("uninstall", "-y", "newswire")
    assert venv.files() == before
