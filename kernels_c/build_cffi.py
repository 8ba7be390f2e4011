"""cffi (API mode) build of the C kernels into ``interpreter.ops_c._tnn``.

Used by ``setup.py`` (``cffi_modules``) at install time, and by the tests to
build instrumented variants (sanitizers, single rounding) into a temporary
directory with ``make_builder(...)``.

Flags: ``-O3 -funroll-loops -fno-wrapv`` and nothing tied to the build
machine. The kernels are written so that the compiler's auto-vectorizer turns
their inner loops into SIMD multiply-adds at the baseline ISA of the target
(SSE2 on x86-64, NEON on AArch64). On x86-64 Linux hosts the build also
defines ``TNN_HOST_MULTIVERSION``: the hot kernels (``TNN_MULTIVERSION`` in
``tnn_requantize.h``) are then compiled twice, for AVX2 and for the baseline,
and the dynamic loader picks the clone the CPU supports, so the module still
runs on any x86-64 (``TINYML_NO_MULTIVERSION=1`` turns this off). Firmware
builds never define the macro and see plain C99. ``-march=native`` would make
a wheel crash on an older CPU, so it is only used when asked for: set
``TINYML_CFLAGS`` (e.g. ``TINYML_CFLAGS=-march=native pip install -e .``) for
a build tuned to this machine.
"""
from __future__ import annotations

import os
import platform
import re
import shlex
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
INCLUDE = HERE / "include"
SOURCES = sorted((HERE / "src").glob("*.c"))
HEADERS = sorted(INCLUDE.glob("*.h")) + sorted((HERE / "src").glob("*.h"))
MODULE = "interpreter.ops_c._tnn"
# -fno-wrapv: Python's own CFLAGS (sysconfig) carry -fwrapv, which stops gcc
# from vectorizing the int16 tap products and the int32 sums (a 4x slowdown of
# the depthwise kernels). The kernels never rely on signed wrap-around (they
# wrap in uint32_t), so the firmware semantics are kept.
CFLAGS = ["-O3", "-funroll-loops", "-fno-wrapv", "-std=c99"]


def host_macros() -> list[tuple[str, str]]:
    """TNN_HOST_MULTIVERSION on x86-64 Linux hosts: the hot kernels get an AVX2 clone
    next to the baseline one (GCC ``target_clones``, picked at load time), so the
    module still runs on any x86-64. Never defined for firmware builds; set
    ``TINYML_NO_MULTIVERSION=1`` to build the baseline only."""
    if os.environ.get("TINYML_NO_MULTIVERSION"):
        return []
    if platform.system() == "Linux" and platform.machine().lower() in ("x86_64", "amd64"):
        return [("TNN_HOST_MULTIVERSION", "1")]
    return []


def cdef_text() -> str:
    """The public header as cffi's cdef: no preprocessor lines, no C++ guards."""
    text = (INCLUDE / "tinyml_nn.h").read_text()
    text = re.sub(r"#ifdef __cplusplus.*?#endif", "", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        m = re.match(r"#define\s+(TNN_\w+)\s+\(?(-?\d+)\)?\s*$", line)
        if m:
            lines.append(f"#define {m.group(1)} {m.group(2)}")
        elif not line.lstrip().startswith("#"):
            lines.append(line)
    return "\n".join(lines)


def _relative(path: Path) -> str:
    # setuptools wants source paths relative to the setup.py directory
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def make_builder(module: str = MODULE, extra_compile_args=(), extra_link_args=(),
                 define_macros=(), absolute_paths: bool = False,
                 multiversion: bool = True) -> FFI:
    """A cffi builder of the kernels; ``absolute_paths`` for ``ffi.compile(tmpdir=...)``;
    ``multiversion=False`` builds the portable code only (as on a microcontroller)."""
    _rel = str if absolute_paths else _relative
    ffi = FFI()
    ffi.cdef(cdef_text())
    ffi.set_source(
        module, '#include "tinyml_nn.h"',
        sources=[_rel(p) for p in SOURCES],
        include_dirs=[_rel(INCLUDE)],
        depends=[_rel(p) for p in HEADERS],
        define_macros=(host_macros() if multiversion else []) + list(define_macros),
        extra_compile_args=CFLAGS + shlex.split(os.environ.get("TINYML_CFLAGS", ""))
        + list(extra_compile_args),
        extra_link_args=list(extra_link_args))
    return ffi


ffibuilder = make_builder()
# TFLITE_SINGLE_ROUNDING arithmetic, for Interpreter(..., rounding="single")
ffibuilder_single = make_builder(MODULE + "_single", define_macros=[("TNN_SINGLE_ROUNDING", "1")])

if __name__ == "__main__":
    for builder in (ffibuilder, ffibuilder_single):
        builder.compile(tmpdir=str(HERE.parent), verbose=True)  # in place, for development
