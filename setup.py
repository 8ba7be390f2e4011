"""Builds the optional C kernel backend; all metadata lives in pyproject.toml.

The C kernels (``kernels_c/``) are compiled through cffi into
``interpreter.ops_c._tnn``. Without a working C compiler the build of that
module is skipped with a warning and the package installs anyway: the NumPy
backend works, and ``Interpreter(..., backend="c")`` says how to get the C
backend.
"""
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py


class OptionalBuildExt(build_ext):
    """build_ext that turns a failed C build into a warning."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - no compiler, missing headers, ...
            self._warn(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self._warn(exc)

    @staticmethod
    def _warn(exc):
        print("WARNING: the C kernel backend was not built "
              f"({type(exc).__name__}: {exc}); the NumPy backend works. Install a C compiler "
              "and reinstall to get backend='c'.", file=sys.stderr)


class BuildPyWithKernels(build_py):
    """build_py that also ships the C kernel sources inside the package
    (interpreter/deploy/kernels_c/), where `tinyml codegen` finds them when the
    package is installed from a wheel rather than used from a checkout."""

    def run(self):
        super().run()
        root = Path(__file__).resolve().parent / "kernels_c"
        target = Path(self.build_lib) / "interpreter" / "deploy" / "kernels_c"
        for sub, pattern in (("include", "*.h"), ("src", "*.[ch]")):
            (target / sub).mkdir(parents=True, exist_ok=True)
            for path in sorted((root / sub).glob(pattern)):
                shutil.copyfile(path, target / sub / path.name)


setup(cffi_modules=["kernels_c/build_cffi.py:ffibuilder",
                    "kernels_c/build_cffi.py:ffibuilder_single"],
      cmdclass={"build_ext": OptionalBuildExt, "build_py": BuildPyWithKernels})
