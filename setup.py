"""Builds the newswire Python package with CMake, for `pip install .` and
`make wheel` (metadata is in pyproject.toml).

The package is the tree CMake assembles under BUILD/python/newswire: the
pure-Python layer, the generated newswire.v1 messages and the compiled
newswire._core. build_ext builds CMake's `newswire_py` target and copies that
tree into the wheel, so pip installs what PYTHONPATH=BUILD/python imports
and `make test` tests (less the debug info of _core).

By default CMake configures a tree of its own in build/setuptools/, where
setuptools keeps its files too, apart from `make build`'s: a full build,
over ten minutes, kept so that the next `pip install .` is incremental.
NEWSWIRE_BUILD_DIR=DIR builds in an existing CMake build tree of this
checkout instead, e.g. `make build`'s build/, where there is usually
nothing left to compile.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import SetupError

SOURCE_DIR = pathlib.Path(__file__).resolve().parent
# setuptools' own build directory, under CMake's build/ but apart from it;
# relative, as pip runs this in the checkout.
BUILD_BASE = "build/setuptools"

# What the installed package is made of, found recursively in the CMake tree.
PACKAGE_FILES = ("*.py", "*.pyi", "py.typed", "*.so")


class CMakeExtension(Extension):
    """newswire._core, which CMake builds rather than setuptools."""

    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Builds CMake's newswire_py target; copies BUILD/python/newswire whole."""

    def build_extension(self, ext: Extension) -> None:
        # An editable install would put _core into python/newswire, beside
        # sources that lack the generated newswire.v1: refused.
        if self.inplace or self.editable_mode:
            raise SetupError(
                "newswire has no editable (in-place) install: use `make build` "
                "and PYTHONPATH=build/python, or `pip install .`")
        build_dir = self._configured_build_dir()
        command = ["cmake", "--build", str(build_dir), "--target", "newswire_py"]
        if "CMAKE_BUILD_PARALLEL_LEVEL" not in os.environ:
            command.append(f"-j{os.cpu_count() or 1}")
        self.announce(" ".join(command), level=2)
        subprocess.run(command, check=True)

        built = build_dir / "python" / "newswire"
        core = built / ("_core" + sysconfig.get_config_var("EXT_SUFFIX"))
        if not core.exists():
            raise SetupError(
                f"{core} was not built: {build_dir} is configured for another "
                f"Python than {sys.executable} ({sys.version.split()[0]})")
        package = pathlib.Path(self.get_ext_fullpath(ext.name)).parent
        # A previous build's files may be stale: the package is exactly
        # what CMake's tree holds now.
        shutil.rmtree(package, ignore_errors=True)
        for pattern in PACKAGE_FILES:
            for source in built.rglob(pattern):
                target = package / source.relative_to(built)
                target.parent.mkdir(parents=True, exist_ok=True)
                if source.suffix == ".so":
                    # Without the debug info (RelWithDebInfo's is 15 times
                    # the code: 81 MB for 5), keeping symbols for backtraces.
                    subprocess.run(["strip", "--strip-debug", "-o", str(target),
                                    str(source)], check=True)
                else:
                    shutil.copy2(source, target)

    def _configured_build_dir(self) -> pathlib.Path:
        """NEWSWIRE_BUILD_DIR if set (it must be this checkout's CMake tree),
        else a tree under build_temp, configured here the first time."""
        given = os.environ.get("NEWSWIRE_BUILD_DIR")
        if given:
            build_dir = pathlib.Path(given).resolve()
            cache = build_dir / "CMakeCache.txt"
            if not cache.exists():
                raise SetupError(
                    f"NEWSWIRE_BUILD_DIR={given}: no CMakeCache.txt there; "
                    "run `make build` first, or unset it for a fresh build")
            prefix = "CMAKE_HOME_DIRECTORY:INTERNAL="
            homes = [line.removeprefix(prefix)
                     for line in cache.read_text(encoding="utf-8").splitlines()
                     if line.startswith(prefix)]
            if [pathlib.Path(home).resolve() for home in homes] != [SOURCE_DIR]:
                raise SetupError(
                    f"NEWSWIRE_BUILD_DIR={given} is the build tree of another "
                    f"checkout, not of {SOURCE_DIR}")
            return build_dir
        build_dir = pathlib.Path(self.build_temp).resolve() / "cmake"
        if not (build_dir / "CMakeCache.txt").exists():
            # The build type is the project's default, the one `make test` tests.
            command = ["cmake", "-S", str(SOURCE_DIR), "-B", str(build_dir),
                       f"-DPython3_EXECUTABLE={sys.executable}"]
            self.announce(" ".join(command), level=2)
            subprocess.run(command, check=True)
        return build_dir


# egg_info would otherwise write newswire.egg-info into python/.
os.makedirs(BUILD_BASE, exist_ok=True)
setup(
    ext_modules=[CMakeExtension("newswire._core")],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}},
)
