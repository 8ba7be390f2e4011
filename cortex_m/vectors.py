"""Test vectors for the C kernels on a target, recorded from the Interpreter.

A single-op int8 model is run through the Interpreter with ``backend="c"``
while every kernel call is recorded: the function, its integer arguments, the
structs its pointer arguments point to (recursively, with the arrays their
pointer fields reach) and the bytes of every array argument before the call
and, for the outputs, after it. The same model is run on the NumPy reference
backend; the op's output must equal the C backend's byte for byte, so the
recorded outputs are the NumPy reference's. ``emit_c`` writes the calls as a C
file of test cases that redo each call on the target and compare every
output byte (and the returned status) with the recorded ones.

Prepare-time calls (``tnn_convolve_s8_kernel_sum``, ``tnn_fully_connected_s8_kernel_sum``,
and the wrappers' ``*_select`` kernel choice) are recorded and checked as cases
of their own.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpreter.deploy.codegen import c_float
from interpreter.deploy.sources import Proto
from interpreter.deploy.sources import prototypes
from interpreter.ops_c.call import CTYPES

# ---------------------------------------------------------------- recording

@dataclass
class Arr:
    """An array argument: element C type, bytes from the pointer to the end of its buffer."""
    ctype: str
    data: bytes
    after: bytes | None = None      # outputs: the bytes after the call
    scratch: bool = False


@dataclass
class Struct:
    cname: str
    fields: list[tuple[str, Any]]   # values: int, float, Struct, Arr or None (NULL)


@dataclass
class Call:
    name: str
    args: list[Any]                 # int, Arr, Struct (passed by pointer), None (NULL) or a
                                    # list of Arr (a table of pointers)
    status: int | None
    op: str = ""
    macs: int = 0


class _Recording:
    def __init__(self):
        self.arrays: dict[int, np.ndarray] = {}   # address -> array (kept alive)
        self.calls: list[Call] = []
        self.op = ""


def _address(ffi, ptr) -> int:
    return int(ffi.cast("uintptr_t", ptr))


def _find(rec: _Recording, addr: int) -> tuple[np.ndarray, int]:
    for base, arr in rec.arrays.items():
        if base <= addr < base + max(arr.nbytes, 1):
            return arr, addr - base
    raise LookupError(f"pointer 0x{addr:x} is not into any recorded buffer")


def _describe(rec: _Recording, ffi, value, scratch: bool = False):
    if isinstance(value, (int, float)):     # (a float: a float32 struct field)
        return value
    t = ffi.typeof(value)
    if t.kind == "struct":
        # a context's buffer is the kernel's working memory: uninitialized on the target
        return Struct(t.cname, [(name, _describe(rec, ffi, getattr(value, name),
                                                 scratch=t.cname == "tnn_context" and name == "buf"))
                                for name, _f in t.fields])
    if t.kind == "array" and t.item.kind == "pointer":   # a table of pointers
        return [_describe(rec, ffi, value[i], scratch) for i in range(len(value))]
    if t.kind != "pointer":
        raise TypeError(f"cannot record a {t.cname} argument")
    if value == ffi.NULL:
        return None
    if t.item.kind == "struct":
        return _describe(rec, ffi, value[0])
    arr, off = _find(rec, _address(ffi, value))
    item = t.item.cname
    return Arr(item, arr.view(np.uint8).reshape(-1)[off:].tobytes(), scratch=scratch)


class _RecordingLib:
    def __init__(self, lib, ffi, rec: _Recording, protos: dict[str, Proto]):
        self._lib, self._ffi, self._rec, self._protos = lib, ffi, rec, protos

    def __getattr__(self, name):
        fn = getattr(self._lib, name)
        proto = self._protos.get(name)
        if proto is None or name.endswith("_get_buffer_size"):
            return fn
        ffi, rec = self._ffi, self._rec

        def recorded(*args):
            desc = [_describe(rec, ffi, a) for a in args]
            status = fn(*args)
            for i in proto.outputs:
                if desc[i] is not None:
                    arr, off = _find(rec, _address(ffi, args[i]))
                    desc[i].after = arr.view(np.uint8).reshape(-1)[off:].tobytes()
            rec.calls.append(Call(name, desc, status, rec.op))
            return status
        return recorded


@contextlib.contextmanager
def recording():
    """Record every kernel call the C backend makes inside the block: the portable
    kernels', as firmware makes them (the host-only SIMD kernels are turned off)."""
    import os
    from types import SimpleNamespace

    from interpreter.ops_c import binding
    from interpreter.ops_c import kernel
    rec, protos = _Recording(), prototypes()
    saved = binding.module_for, kernel.module_for, binding.Keep.ptr
    real_module_for, real_ptr = binding.module_for, binding.Keep.ptr

    def module_for(rounding):
        module = real_module_for(rounding)
        return SimpleNamespace(lib=_RecordingLib(module.lib, module.ffi, rec, protos),
                               ffi=module.ffi)

    def ptr(self, ctype, array):
        p = real_ptr(self, ctype, array)
        if array is not None:
            rec.arrays[_address(self.ffi, p)] = array
        return p

    host_simd = os.environ.get("TINYML_HOST_SIMD")
    try:
        binding.module_for = kernel.module_for = module_for
        binding.Keep.ptr = ptr
        os.environ["TINYML_HOST_SIMD"] = "0"
        yield rec
    finally:
        binding.module_for, kernel.module_for, binding.Keep.ptr = saved
        if host_simd is None:
            os.environ.pop("TINYML_HOST_SIMD", None)
        else:
            os.environ["TINYML_HOST_SIMD"] = host_simd


def run_model(model: bytes, feeds, backend: str, rounding: str):
    from interpreter import Interpreter
    it = Interpreter(model_content=model, backend=backend, rounding=rounding)
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), feeds):
        it.set_tensor(d["index"], x)
    it.invoke()
    return [it.get_tensor(d["index"]).copy() for d in it.get_output_details()], it


def record_model(model: bytes, feeds, rounding: str, op: str) -> tuple[list[Call], str]:
    """The kernel calls of one single-op model, checked: C backend output == NumPy output.
    Returns (calls, kernel variant the C backend chose)."""
    ref, _ = run_model(model, feeds, "numpy", rounding)
    with recording() as rec:
        rec.op = op
        ours, it = run_model(model, feeds, "c", rounding)
    kernel = it._ops[0].kernel
    if kernel is None:
        raise ValueError(f"{op}: the C backend did not run this model in C")
    kernel = kernel.variant
    for a, b in zip(ours, ref):
        if a.tobytes() != b.tobytes():
            raise AssertionError(f"{op}: host C backend != NumPy reference")
    return rec.calls, kernel


# ---------------------------------------------------------------- C emission

def c_int(v: int) -> str:
    v = int(v)
    if v == -(1 << 31):
        return "(-2147483647 - 1)"
    if not -(1 << 31) <= v < 1 << 32:
        return f"INT64_C({v})" if v != -(1 << 63) else "(-INT64_C(9223372036854775807) - 1)"
    return str(v)


def _element_type(ctype: str) -> str:
    """The C element type an array argument is declared with (``void`` data as bytes)."""
    return "uint8_t" if ctype == "void" else ctype


def _c_array(name: str, ctype: str, data: bytes, const: bool = True) -> str:
    """A C array of ``data`` read as ``ctype`` elements (float32 through their bits);
    a trailing partial element is dropped, as the pointer cannot reach it whole."""
    from interpreter.deploy.codegen import c_array_body
    ctype = _element_type(ctype)
    dtype = CTYPES[ctype]
    values = np.frombuffer(data[: len(data) // dtype.itemsize * dtype.itemsize], dtype)
    n = max(values.size, 1)
    if ctype == "float":   # exact bits, as the code generator writes float constants
        return (f"static {'const ' if const else ''}union {{ uint32_t bits[{n}]; "
                f"float values[{n}]; }} {name}_u = {{{{\n    {c_array_body(values)}}}}};\n"
                f"#define {name} ({name}_u.values)\n")
    return (f"static {'const ' if const else ''}{ctype} {name}[{n}] = "
            f"{{\n    {c_array_body(values)}}};\n")


class _Emitter:
    def __init__(self, idx: int):
        self.idx, self.n = idx, 0
        self.decls: list[str] = []
        self.setup: list[str] = []
        self.checks: list[str] = []
        self.work = 0

    def name(self, kind: str) -> str:
        self.n += 1
        return f"c{self.idx}_{kind}{self.n}"

    def work_region(self, nbytes: int) -> str:
        off = self.work
        self.work = (off + max(nbytes, 1) + 7) // 8 * 8
        return f"(tnn_work + {off})"

    def value(self, v, ctype_hint: str = "") -> str:
        if v is None:
            return "NULL"
        if isinstance(v, float):
            return c_float(v)
        if isinstance(v, int):
            return c_int(v)
        if isinstance(v, Struct):
            fields = ", ".join(f".{n} = {self.value(x)}" for n, x in v.fields)
            return "{" + fields + "}"
        if isinstance(v, Arr):
            if v.scratch:
                region = self.work_region(len(v.data))
                self.setup.append(f"memset({region}, 0x5A, {len(v.data)});")
                return f"(void *){region}"
            if v.after is not None:
                ctype = _element_type(v.ctype)
                region = self.work_region(len(v.data))
                if any(v.data):
                    before = self.name("init")
                    self.decls.append(_c_array(before, ctype, v.data))
                    self.setup.append(f"memcpy({region}, {before}, sizeof {before});")
                else:
                    self.setup.append(f"memset({region}, 0, {len(v.data)});")
                want = self.name("want")
                self.decls.append(_c_array(want, ctype, v.after))
                self.checks.append(f'bad += tnn_compare("{want}", {region}, {want}, sizeof {want});')
                return f"({ctype} *){region}"
            name = self.name("a")
            self.decls.append(_c_array(name, v.ctype, v.data))
            return name
        if isinstance(v, list):
            pointers = [self.value(a) for a in v]
            name = self.name("t")
            self.decls.append(f"static const void *const {name}[{max(len(v), 1)}] = "
                              f"{{{', '.join(pointers) or 'NULL'}}};\n")
            return name
        raise TypeError(v)

    def arg(self, v) -> str:
        if isinstance(v, Struct):
            name = self.name("s")
            init = self.value(v)   # emits the arrays its pointer fields reach first
            self.decls.append(f"static const {v.cname} {name} = {init};\n")
            return f"&{name}"
        return self.value(v)


def emit_c(calls: list[Call], bench: bool = False) -> str:
    """A C file defining tnn_cases[] / tnn_case_count / tnn_work for harness.c."""
    out = ['/* Generated by cortex_m/vectors.py: kernel calls recorded from the Interpreter. */',
           '#include <stddef.h>', '#include <stdint.h>', '#include <string.h>', '',
           '#include "tinyml_nn.h"', '#include "harness.h"', '']
    table, work = [], 0
    for i, call in enumerate(calls):
        e = _Emitter(i)
        args = [e.arg(a) for a in call.args]
        out.extend(e.decls)
        out.append(f"static int32_t case{i}(void)\n{{\n    int32_t bad = 0;")
        out.extend("    " + s for s in e.setup)
        invoke = f"{call.name}({', '.join(args)})"
        if bench:
            out.append("    tnn_mark_begin();")
        if call.status is None:
            out.append(f"    {invoke};")
        else:
            out.append(f"    int32_t status = {invoke};")
        if bench:
            out.append("    tnn_mark_end();")
        if call.status is not None:
            out.append(f"    bad += tnn_check_status(status, {c_int(call.status)});")
        out.extend("    " + s for s in e.checks)
        out.append("    return bad;\n}\n")
        table.append(f'    {{"{call.op}/{call.name}", case{i}}},')
        work = max(work, e.work)
    out.append(f"uint8_t tnn_work[{max(work, 8)}] __attribute__((aligned(8)));\n")
    out.append("const tnn_case tnn_cases[] = {")
    out.extend(table)
    out.append("};")
    out.append(f"const int32_t tnn_case_count = {len(calls)};")
    return "\n".join(out) + "\n"
