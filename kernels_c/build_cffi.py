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
#: host-only SIMD kernels (tnn_host.h), built with TNN_HOST_MULTIVERSION only
HOST = HERE / "src" / "host"
HOST_SOURCES = sorted(HOST.glob("*.c"))
HOST_HEADERS = sorted(HOST.glob("*.h"))
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


def cdef_text(host: bool = False) -> str:
    """The public header (and with ``host`` the host kernels' tnn_host.h) as cffi's
    cdef: no preprocessor lines, no C++ guards."""
    text = (INCLUDE / "tinyml_nn.h").read_text()
    if host:
        text += (HOST / "tnn_host.h").read_text()
    text = re.sub(r"#ifdef __cplusplus.*?#endif", "", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        m = re.match(r"#define\s+(TNN_\w+)\s+\(?(-?\d+)\)?\s*$", line)
        if m:
            lines.append(f"#define {m.group(1)} {m.group(2)}")
        elif not line.lstrip().startswith("#"):
            lines.append(line)
    return "\n".join(lines)


#: the op-list runner's entry points (dispatch_source), declared for cffi
DISPATCH_CDEF = """
int32_t tnnx_lookup(const char *name);
int32_t tnnx_run(const int32_t *fns, const intptr_t *const *args, int32_t n, int32_t *status);
"""


def dispatch_source(host: bool = False) -> str:
    """C source of ``tnnx_run``: a run of kernel calls in one C call, for the interpreter's
    invoke (no firmware sees it: a generated firmware calls its kernels directly).

    Every kernel of the public header (and of tnn_host.h with ``host``) gets a thunk
    ``int32_t tnnx_<name>(const intptr_t *a)`` that converts its arguments, each held
    as an ``intptr_t`` (pointers and int32 values alike), back to their declared types
    and calls it; ``tnnx_lookup`` gives a kernel's index, and ``tnnx_run`` calls
    ``n`` thunks in order, stopping at the first non-zero status (it returns the
    index of that call, with the status in ``*status``; ``n`` when all succeed)."""
    text = (INCLUDE / "tinyml_nn.h").read_text()
    if host:
        text += (HOST / "tnn_host.h").read_text()
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    names, thunks = [], []
    for ret, name, params in re.findall(r"\b(void|int32_t)\s+(tnn\w+)\s*\(([^)]*)\)\s*;", text):
        params = [" ".join(p.split()) for p in params.split(",")] if params.strip() != "void" else []
        types = [re.match(r"(.*?)\w+$", p).group(1).strip() for p in params]
        call = f"{name}({', '.join(f'({t})a[{k}]' for k, t in enumerate(types))})"
        body = f"return {call};" if ret == "int32_t" else f"{call}; return 0;"
        unused = "" if types else "(void)a; "
        thunks.append(f"static int32_t tnnx_{name}(const intptr_t *a) {{ {unused}{body} }}")
        names.append(name)
    table = ",\n    ".join(f"tnnx_{n}" for n in names)
    strings = ",\n    ".join(f'"{n}"' for n in names)
    return "\n".join([
        "#include <string.h>",
        *thunks,
        "typedef int32_t (*tnnx_thunk)(const intptr_t *);",
        f"static const tnnx_thunk tnnx_table[] = {{\n    {table}\n}};",
        f"static const char *const tnnx_names[] = {{\n    {strings}\n}};",
        "int32_t tnnx_lookup(const char *name)",
        "{",
        "    int32_t i;",
        f"    for (i = 0; i < {len(names)}; i++) {{",
        "        if (strcmp(tnnx_names[i], name) == 0) {",
        "            return i;",
        "        }",
        "    }",
        "    return -1;",
        "}",
        "int32_t tnnx_run(const int32_t *fns, const intptr_t *const *args, int32_t n, int32_t *status)",
        "{",
        "    int32_t i;",
        "    for (i = 0; i < n; i++) {",
        "        const int32_t s = tnnx_table[fns[i]](args[i]);",
        "        if (s != 0) {",
        "            *status = s;",
        "            return i;",
        "        }",
        "    }",
        "    return n;",
        "}",
        ""])


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
    macros = host_macros() if multiversion else []
    host = bool(macros)   # the host SIMD kernels come with the multiversioned build
    ffi = FFI()
    ffi.cdef(cdef_text(host) + DISPATCH_CDEF)
    ffi.set_source(
        module, '#include "tinyml_nn.h"\n' + ('#include "tnn_host.h"\n' if host else "")
        + dispatch_source(host),
        sources=[_rel(p) for p in SOURCES + (HOST_SOURCES if host else [])],
        include_dirs=[_rel(INCLUDE)] + ([_rel(HOST)] if host else []),
        depends=[_rel(p) for p in HEADERS + (HOST_HEADERS if host else [])],
        define_macros=macros + list(define_macros),
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
