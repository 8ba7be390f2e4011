"""Run a generated firmware tree on the host: compiled with the host's C compiler
into a shared library, driven through ctypes.

The op-by-op hook of the generated code (``TINYML_AFTER_OP``) is bound to a
Python callback that copies each operator's outputs out of the arena the
moment the operator has written them, so every intermediate tensor can be
compared with the golden model although the arena reuses its memory.
"""
from __future__ import annotations

import ctypes
import os
import shlex
import subprocess
from pathlib import Path
from typing import Sequence

import numpy as np

from .codegen import GeneratedModel

HOOKS_HEADER = """/* tinyml_hooks.h - the host harness's op-by-op hook (force-included). */
#include <stdint.h>
extern void (*tinyml_after_op_hook)(int32_t index);
#define TINYML_AFTER_OP(index) \\
    do { if (tinyml_after_op_hook) tinyml_after_op_hook(index); } while (0)
"""
HOOKS_SOURCE = """#include "tinyml_hooks.h"
void (*tinyml_after_op_hook)(int32_t index);
"""


class HostBuildError(RuntimeError):
    """The host C compiler failed on a generated tree."""


def host_compiler() -> list[str]:
    return shlex.split(os.environ.get("CC", "cc"))


def build_library(gen: GeneratedModel, build_dir: Path, opt: str = "-O2") -> Path:
    """Compile the tree (with the hook) into a shared library; returns its path."""
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / "tinyml_hooks.h").write_text(HOOKS_HEADER)
    (build_dir / "tinyml_hooks.c").write_text(HOOKS_SOURCE)
    lib = build_dir / f"lib{gen.prefix}.so"
    cmd = [*host_compiler(), "-std=c99", opt, "-fPIC", "-shared", "-Wall", "-Wextra",
           "-Werror", "-include", str(build_dir / "tinyml_hooks.h"),
           *[f"-I{d}" for d in gen.include_dirs], f"-I{build_dir}",
           *[f"-D{d}" for d in gen.defines],
           *[str(s) for s in gen.sources], str(build_dir / "tinyml_hooks.c"), "-o", str(lib)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise HostBuildError(f"host build failed ({p.returncode}):\n{' '.join(cmd)}\n"
                             f"{p.stdout}{p.stderr}")
    return lib


class HostModel:
    """A generated model loaded into this process."""

    def __init__(self, gen: GeneratedModel, library: Path):
        self.gen = gen
        self._lib = ctypes.CDLL(str(library))
        self.arena = (ctypes.c_uint8 * gen.arena_bytes).in_dll(self._lib, f"{gen.prefix}_arena")
        self._invoke = getattr(self._lib, f"{gen.prefix}_invoke")
        self._invoke.restype = ctypes.c_int32
        self._reset = getattr(self._lib, f"{gen.prefix}_reset")
        self._hook = ctypes.c_void_p.in_dll(self._lib, "tinyml_after_op_hook")

    def view(self, offset: int, nbytes: int) -> np.ndarray:
        return np.frombuffer(self.arena, np.uint8, nbytes, offset)

    def run(self, inputs: Sequence[np.ndarray]) -> dict[int, np.ndarray]:
        """One invoke; returns every op output (tensor index -> array) as written."""
        gen = self.gen
        if len(inputs) != len(gen.inputs):
            raise ValueError(f"the model has {len(gen.inputs)} inputs, got {len(inputs)}")
        for info, x in zip(gen.inputs, inputs):
            x = np.ascontiguousarray(x, info.dtype)
            if x.nbytes != info.nbytes:
                raise ValueError(f"input {info.name!r} takes {info.nbytes} bytes, got {x.nbytes}")
            self.view(info.offset, info.nbytes)[...] = x.reshape(-1).view(np.uint8)
        captured: dict[int, bytes] = {}

        def after_op(k: int) -> None:
            for index, offset, nbytes in gen.ops[k].outputs:
                captured[index] = self.view(offset, nbytes).tobytes()

        callback = ctypes.CFUNCTYPE(None, ctypes.c_int32)(after_op)
        self._hook.value = ctypes.cast(callback, ctypes.c_void_p).value
        try:
            status = self._invoke()
        finally:
            self._hook.value = None
        if status != 0:
            op = gen.ops[status - 1]
            raise RuntimeError(f"generated code: operator {op.index} {op.op_name} "
                               f"({op.function}) refused its arguments")
        return captured

    def reset(self) -> None:
        self._reset()


def tensors_from_bytes(subgraph, captured: dict[int, bytes]) -> dict[int, np.ndarray]:
    """Captured raw bytes as arrays of each tensor's type and shape."""
    return {i: np.frombuffer(raw, subgraph.tensors[i].dtype).reshape(subgraph.tensors[i].shape)
            for i, raw in captured.items()}


def run_on_host(model: bytes, input_sets, rounding: str = "double", name: str = "model",
                opt: str = "O2") -> list[dict[int, bytes]]:
    """Generate the model's firmware, compile it with the host's C compiler, run each
    input set (variable state reset before each); every op's outputs per set."""
    import tempfile

    from .codegen import generate

    with tempfile.TemporaryDirectory(prefix="tinyml-host-") as tmp:
        gen = generate(model, Path(tmp) / "model", rounding=rounding, name=name)
        host = HostModel(gen, build_library(gen, Path(tmp) / "build", f"-{opt}"))
        out = []
        for inputs in input_sets:
            host.reset()
            out.append(host.run(inputs))
        return out
