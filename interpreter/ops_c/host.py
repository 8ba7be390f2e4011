"""The host-only SIMD kernels (``kernels_c/src/host``, ``tnn_host.h``).

A module built by ``kernels_c/build_cffi.py`` with the host multiversioning
(x86-64 Linux, unless ``TINYML_NO_MULTIVERSION=1``) also holds kernels that
only a host runs: int8 convolutions and fully connected layers with AVX-512
VNNI on weights packed at preparation. They compute the portable kernels'
bytes (the C-vs-NumPy tests run them), and a kernel class offers them through
``CKernel.host_call``; the interpreter's binding takes that call when
``enabled`` says so, the firmware generator never does (it writes ``call()``),
so generated code and the arena plan do not depend on the host.

``TINYML_HOST_SIMD=0`` in the environment turns them off at bind time (the
portable kernels then run, as in a build without them).
"""
from __future__ import annotations

import os

import numpy as np


def level(lib) -> int:
    """The host SIMD level the module and this CPU offer (0: none)."""
    fn = getattr(lib, "tnnh_level", None)
    return int(fn()) if fn is not None else 0


def enabled(lib) -> bool:
    """Whether bound calls use the host kernels: built in, supported by the CPU and not
    turned off with TINYML_HOST_SIMD=0."""
    return os.environ.get("TINYML_HOST_SIMD", "1") != "0" and level(lib) >= 1


def aligned_empty(nbytes: int, align: int = 64) -> np.ndarray:
    """A uint8 array of ``nbytes`` whose data starts on an ``align``-byte boundary."""
    raw = np.zeros(nbytes + align, np.uint8)
    start = (-raw.ctypes.data) % align
    return raw[start:start + nbytes]


def pack_weights(kernel, weights: np.ndarray, kernel_sum: np.ndarray, stage) -> np.ndarray | None:
    """``tnnh_pack`` of int8 weights [cols, depth] with their kernel sums and the
    per-channel requantization and output offset of ``stage``; None if the packer
    refuses them (shifts outside what the host kernels take: the portable kernel runs)."""
    cols = weights.shape[0]
    depth = int(np.prod(weights.shape[1:]))
    size = kernel.prepare_call("tnnh_pack_size", cols, depth)
    if size < 0:
        return None
    from .conv_2d import per_channel_quant

    packed = aligned_empty(size)
    status = kernel.prepare_call("tnnh_pack", np.ascontiguousarray(weights, np.int8), cols, depth,
                                 kernel_sum, per_channel_quant(stage), int(stage.zero_point),
                                 packed)
    return packed if status == 0 else None
