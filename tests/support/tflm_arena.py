"""TFLM's own arena, read from the tflite-micro runtime: the head size its
RecordingMicroAllocator reports (``tflm_head_bytes``) and the offset of every planned
tensor (``tflm_tensor_offsets``), for the tests that compare arena plans with TFLM's
(``check_plan_equals_tflm`` for a one-subgraph model).

The tflite-micro Python runtime does not expose tensor addresses (GetTensor
and get_output copy the data). They are in its arena, though, which lives in
this process: TFLM keeps one TfLiteEvalTensor {data pointer, dims pointer,
type} per tensor, 24 bytes on a 64-bit machine, in the arena's persistent
tail. The probe's arena (512 MiB, untouched pages cost nothing) is far above
glibc's largest mmap threshold (32 MiB) and above any free block its heap
could hold, so it gets a mapping of its own, found by comparing
/proc/self/maps before and after (a 33 MiB arena was sometimes carved from a
free block of a heap that earlier tests had grown, and then not found). The
array is found in the mapping's tail by the tensors' types and confirmed by
each dims pointer holding the tensor's shape inside the model bytes. A
planned tensor's offset is then its data pointer minus the arena start (right
after glibc's 16-byte chunk header, and already 16-byte aligned, so it is
also where TFLM's head begins). Only reads; skips where any assumption fails.
"""
from __future__ import annotations

import ctypes
import gc
import re
import struct
import sys

import numpy as np
import pytest

from interpreter import Interpreter

_PROBE_ARENA = (512 << 20) + 48
#: how much of the arena's end is read at a time when looking for the tensor array
_TAIL_WINDOW = 8 << 20
_PAGE = 4096
# TfLiteType (tensorflow/lite/core/c/c_api_types.h) by schema TensorType
_TFLITE_TYPES = {0: 1, 1: 10, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 10: 11, 11: 12,
                 12: 13, 13: 14, 14: 15, 15: 16, 16: 17, 17: 18, 18: 19}


def _readable_mappings() -> set[tuple[int, int]]:
    out = set()
    with open("/proc/self/maps") as f:
        for line in f:
            span, perms = line.split()[:2]
            if perms.startswith("r"):
                lo, hi = (int(x, 16) for x in span.split("-"))
                out.add((lo, hi))
    return out


def probe_runtime():
    """The tflite-micro runtime, or skip where its arena cannot be read (64-bit Linux only)."""
    if not sys.platform.startswith("linux") or struct.calcsize("P") != 8:
        pytest.skip("reading TFLM's arena needs 64-bit Linux")
    return pytest.importorskip("tflite_micro.python.tflite_micro.runtime",
                               reason="tflite-micro not installed (pip install '.[test]')")


def _find_eval_tensors(mem: bytes, tensors, model: bytes, model_addr: int) -> int | None:
    """Offset in ``mem`` of the TfLiteEvalTensor array of ``tensors``, or None."""
    types = [_TFLITE_TYPES.get(t.type_code, -1) for t in tensors]
    words = np.frombuffer(mem, np.int32, len(mem) // 4)
    cand = np.arange(0, len(mem) - 24 * len(tensors) + 1, 8)
    for k, ty in enumerate(types):
        cand = cand[words[(cand + 24 * k + 16) // 4] == ty]
    for base in cand:
        ok = True
        for k, t in enumerate(tensors):
            dims = struct.unpack_from("<Q", mem, int(base) + 24 * k + 8)[0] - model_addr
            if 0 <= dims < len(model):
                n = struct.unpack_from("<i", model, dims)[0]
                ok = n == len(t.shape) and struct.unpack_from(f"<{n}i", model, dims + 4) == t.shape
            else:
                ok = t.shape == ()   # scalars point at a static empty array
            if not ok:
                break
        if ok:
            return int(base)
    return None


def tflm_tensor_offsets(model: bytes, tensors, preserve_all_tensors=False) -> dict[int, int]:
    """Arena offset TFLM gave each planned tensor (by index), after AllocateTensors."""
    runtime = probe_runtime()
    model = bytes(model)
    model_addr = ctypes.cast(ctypes.c_char_p(model), ctypes.c_void_p).value
    config = (runtime.InterpreterConfig.kPreserveAllTensors if preserve_all_tensors
              else runtime.InterpreterConfig.kAllocationRecording)
    # An unreachable interpreter that a collection freed between the snapshot and the new
    # allocation would hand its arena's addresses to the new one, which would then look
    # old (and one freed during the scan would unmap what is being read): collect first,
    # and let no collection run until the scan is done.
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        before = _readable_mappings()
        interp = runtime.Interpreter.from_bytes(model, arena_size=_PROBE_ARENA,
                                                intrepreter_config=config)
        offsets = _scan_new_mappings(before, tensors, model, model_addr)
        del interp
    finally:
        if enabled:
            gc.enable()
    if offsets is None:
        pytest.skip("could not locate TFLM's arena in this process's memory")
    return offsets


def _scan_new_mappings(before, tensors, model: bytes, model_addr: int) -> dict[int, int] | None:
    """The arena offsets of ``tensors`` found in a mapping made since ``before``."""
    for lo, hi in sorted(_readable_mappings() - before):
        if hi - lo < _PROBE_ARENA:
            continue
        array = _find_in_tail(lo, hi, tensors, model, model_addr)
        arena = None if array is None else _arena_start(lo, array)
        if arena is None:
            continue
        out = {}
        for k, t in enumerate(tensors):
            ptr = struct.unpack("<Q", ctypes.string_at(array + 24 * k, 8))[0]
            if ptr and not t.is_constant and not t.is_variable:
                out[t.index] = ptr - arena
        return out
    return None


def _find_in_tail(lo: int, hi: int, tensors, model: bytes, model_addr: int) -> int | None:
    """Address of the TfLiteEvalTensor array of ``tensors`` in [lo, hi), read from the end
    in overlapping windows (the array is in the arena's tail)."""
    overlap = 24 * len(tensors)
    end = hi
    while end > lo:
        start = max(lo, end - _TAIL_WINDOW)
        base = _find_eval_tensors(ctypes.string_at(start, end - start), tensors, model,
                                  model_addr)
        if base is not None:
            return start + base
        end = start + overlap if start > lo else lo
    return None


def _arena_start(lo: int, array: int) -> int | None:
    """The arena holding ``array``: right after the header of the glibc chunk, whose size
    field has the IS_MMAPPED bit and covers the requested arena (the chunk starts the
    mapping, unless the kernel merged the mapping with its neighbour)."""
    for start in (lo, *range(array // _PAGE * _PAGE, lo - 1, -_PAGE)):
        size = struct.unpack("<Q", ctypes.string_at(start + 8, 8))[0]
        if size & 7 == 2 and _PROBE_ARENA < size - 16 < _PROBE_ARENA + 2 * _PAGE:
            return start + 16
    return None


def tflm_head_bytes(model: bytes, capfd) -> int:
    """The head size TFLM's RecordingMicroAllocator reports for ``model``."""
    runtime = probe_runtime()
    capfd.readouterr()
    interp = runtime.Interpreter.from_bytes(bytes(model), arena_size=_PROBE_ARENA)
    interp.print_allocations()
    out, err = capfd.readouterr()
    m = re.search(r"Arena allocation head (\d+) bytes", out + err)
    if m is None:
        pytest.skip("the runtime printed no allocation report")
    return int(m.group(1))


def check_plan_equals_tflm(model: bytes, capfd) -> None:
    """This interpreter's arena plan of a one-subgraph ``model`` is consistent and equals
    TFLM's: the head size, and the offset of every tensor TFLM plans."""
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    plan = ours.memory_plan()
    plan.check()
    assert plan.arena_bytes == tflm_head_bytes(model, capfd)
    theirs = tflm_tensor_offsets(model, ours.model.main.tensors)
    mine = {b.tensor_index: b.offset for b in plan.buffers if b.kind != "scratch"}
    assert {i: mine[i] for i in theirs} == theirs
