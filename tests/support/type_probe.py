"""Type probe: one minimal single-op model per (operator, type), run by every engine.

For each TFLM operator (the list in ``tools/op_coverage.py``) and each type
label (``DTYPES``: int8, int16, float32, int32, bool, int64, uint8; ``a->b``
for input and output types where they differ: CAST, QUANTIZE, DEQUANTIZE,
SOFTMAX int8->int16, a hybrid EMBEDDING_LOOKUP; a parenthesis for other
variants: ``int8 (int4 weights)``, ``int16 (int32 bias)``, ...) ``build_case``
makes a small valid model with the builder: sensible shapes, quantization
(int8, int16 and uint8 tensors are quantized, int16 with zero point 0; for the
convolutions, FULLY_CONNECTED and the LSTM ``int16`` means int16 activations,
int8 weights, int64 bias), constant operands (axes, shapes, paddings,
weights) and options. The recipes are the
table ``RECIPES`` below: operator -> a generic recipe (unary, binary,
comparison, reduction, ...) with its parameters, or a small function for the
ops that need their own model (convolutions, LSTM, control flow, ...).

Engines (``ENGINES``): the TFLM runtime (``tflite-micro``), LiteRT's reference
kernels (``ai-edge-litert``, BUILTIN_REF), this interpreter with
``semantics="tflm"`` (NumPy), with ``semantics="tflite"``, and the C backend
(which also reports whether a C kernel, rather than the NumPy fallback, ran).

``probe`` runs every (case, engine) in worker processes (``python
tests/support/type_probe.py --worker``), one request at a time, so that a
runtime that aborts the process (TFLM does on some bad inputs) only costs that
request: the worker is restarted and the request is recorded as ``abort`` with
what the runtime printed. Each result has a status (``ok``, ``error``, ``abort``,
``timeout``, ``unavailable``), the runtime's message, and for ``ok`` the
outputs; ``compare`` turns the engines' results into the table's columns.

A probe is a smoke-level check (one model, one input per case); the
randomized conformance suites are the files in tests/ops/.
"""
from __future__ import annotations

import base64
import io
import json
import os
import queue
import re
import select
import subprocess
import sys
import tempfile
import threading
import warnings
import zlib
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Callable
from typing import Sequence

import numpy as np

SUPPORT = Path(__file__).resolve().parent
REPO = SUPPORT.parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from interpreter.builder import ModelBuilder  # noqa: E402

DTYPES = ("int8", "int16", "float32", "int32", "bool", "int64", "uint8")
ENGINES = ("tflm", "litert", "ours", "ours_tflite", "c")
TIMEOUT_S = 60.0

# Quantization of the probe's int8/int16/uint8 tensors: (scale, zero point) of
# inputs ("in") and of outputs of ops that requantize ("out").
QPARAMS = {
    "int8": {"in": (0.05, -3), "out": (0.07, 5)},
    "int16": {"in": (0.0005, 0), "out": (0.0007, 0)},
    "uint8": {"in": (0.05, 128), "out": (0.07, 120)},
}
QUANTIZED = tuple(QPARAMS)


# ---------------------------------------------------------------------------
# Building a case
# ---------------------------------------------------------------------------

@dataclass
class Case:
    op: str
    label: str
    model: bytes
    feeds: list
    n_outputs: int


class Ctx:
    """Builds one model: ``dtype`` is the label's (first) type, ``dst`` the second one of
    an ``a->b`` label (else ``dtype``)."""

    def __init__(self, op: str, label: str):
        self.op, self.label = op, label
        src, _, dst = label.partition("->")
        self.dtype = src.split()[0]
        self.dst = dst or self.dtype
        self.b = ModelBuilder(description=f"type probe {op} {label}")
        self.rng = np.random.default_rng(zlib.crc32(f"{op}/{label}".encode()))
        self.inputs: list[int] = []
        self.feeds: list[np.ndarray] = []
        self.outputs: list[int] = []
        self.n = 0

    # -- tensors --------------------------------------------------------
    def qparams(self, dtype: str, q) -> dict:
        """Builder keywords for the quantization ``q`` ("in", "out", (scale, zp), a dict
        dtype -> either, or None) of a tensor of ``dtype``."""
        if isinstance(q, dict):
            q = q.get(dtype, "in" if dtype in QUANTIZED else None)
        if q is None or dtype not in QUANTIZED and isinstance(q, str):
            return {}
        scale, zp = QPARAMS[dtype][q] if isinstance(q, str) else q
        return {"scale": scale, "zero_point": zp}

    def _name(self, kind: str) -> str:
        self.n += 1
        return f"{kind}{self.n}"

    def input(self, shape, dtype: str | None = None, q="in", domain: str | None = None,
              data=None) -> int:
        """A model input, fed with deterministic data (``domain``: None, "pos", "nonzero")."""
        dtype = dtype or self.dtype
        kw = self.qparams(dtype, q)
        t = self.b.add_tensor(self._name("in"), np.dtype(dtype), list(shape), **kw)
        if data is None:
            data = self.data(dtype, shape, domain, kw)
        self.inputs.append(t)
        self.feeds.append(np.asarray(data, dtype=dtype).reshape(shape))
        return t

    def const(self, data, dtype: str | None = None, shape=None, q=None, g=None) -> int:
        dtype = dtype or self.dtype
        data = np.asarray(data, dtype=dtype)
        shape = data.shape if shape is None else shape
        return (g or self.b).add_tensor(self._name("c"), np.dtype(dtype), list(shape),
                                        data=data.reshape(shape), **self.qparams(dtype, q))

    def random_const(self, shape, dtype: str | None = None, q="in", domain=None, g=None) -> int:
        dtype = dtype or self.dtype
        kw = self.qparams(dtype, q)
        return self.const(self.data(dtype, shape, domain, kw), dtype, shape, q, g=g)

    def tensor(self, shape, dtype: str | None = None, q="out", g=None, **kw) -> int:
        dtype = dtype or self.dtype
        return (g or self.b).add_tensor(self._name("t"), np.dtype(dtype), list(shape),
                                        **self.qparams(dtype, q), **kw)

    def output(self, shape, dtype: str | None = None, q="out") -> int:
        t = self.tensor(shape, dtype, q)
        self.outputs.append(t)
        return t

    def add_op(self, inputs, outputs, options=None, op: str | None = None, g=None, **kw) -> None:
        (g or self.b).add_operator(op or self.op, inputs, outputs, options=options, **kw)

    def data(self, dtype: str, shape, domain=None, qkw=None) -> np.ndarray:
        """Deterministic contents: full range for int8/int16/uint8, small values otherwise."""
        rng, shape = self.rng, tuple(shape)
        if dtype == "bool":
            return rng.integers(0, 2, shape).astype(bool)
        if dtype.startswith("float"):
            x = rng.standard_normal(shape) * 2
            if domain == "pos":
                x = np.abs(x) + 0.25
            elif domain == "nonzero":
                x = np.where(x < 0, x - 0.5, x + 0.5)
            return x.astype(dtype)
        if dtype in QUANTIZED:
            info = np.iinfo(dtype)
            lo, hi = int(info.min), int(info.max)
            zp = int((qkw or {}).get("zero_point", 0))
            if domain == "pos":
                lo = zp + 1
            x = rng.integers(lo, hi + 1, shape)
            if domain == "nonzero":
                x = np.where(x == zp, zp + 1 if zp < hi else zp - 1, x)
            return x.astype(dtype)
        lo = 1 if domain == "pos" else -50
        x = rng.integers(lo, 51, shape)
        if domain == "nonzero":
            x = np.where(x == 0, 7, x)
        return x.astype(dtype)

    def finish(self) -> Case:
        self.b.set_inputs(self.inputs)
        self.b.set_outputs(self.outputs)
        return Case(self.op, self.label, self.b.build(), self.feeds, len(self.outputs))


# ---------------------------------------------------------------------------
# Generic recipes: each returns build(ctx), which adds the op's tensors and the op
# ---------------------------------------------------------------------------

S3 = (2, 3, 4)
ACT = {"fused_activation_function": "NONE"}


def unary(shape=S3, out="out", domain=None, options=None, out_dtype=None, in_q="in"):
    """One input, one output of the same shape (of type ``out_dtype``, else the label's
    output type)."""
    def build(c: Ctx):
        x = c.input(shape, q=in_q, domain=domain)
        c.add_op([x], [c.output(shape, out_dtype or c.dst, out)], options)
    return build


def binary(shape1=S3, shape2=S3, out="out", domain2=None, options=None, n=2):
    def build(c: Ctx):
        xs = [c.input(shape1)] + [c.input(shape2, domain=domain2) for _ in range(n - 1)]
        c.add_op(xs, [c.output(np.broadcast_shapes(shape1, shape2), q=out)], options)
    return build


def comparison(shape=S3):
    def build(c: Ctx):
        x, y = c.input(shape), c.input(shape)
        c.add_op([x, y], [c.output(shape, "bool")])
    return build


def softmax(c: Ctx):
    """int8 -> int8 (1/256, -128), int8 -> int16 (1/65536, -32768), int16 -> int16 (1/32768, 0)."""
    x = c.input(S3)
    q = {("int8", "int8"): (1 / 256, -128), ("int8", "int16"): (1 / 65536, -32768),
         ("int16", "int16"): (1 / 32768, 0)}.get((c.dtype, c.dst))
    c.add_op([x], [c.output(S3, c.dst, q=q)], {"beta": 1.0})


def reduction(axis=(1,), keep_dims=False, shape=S3, out="out"):
    def build(c: Ctx):
        x = c.input(shape)
        ax = c.const(list(axis), "int32")
        oshape = [1 if i in axis else d for i, d in enumerate(shape)] if keep_dims else \
            [d for i, d in enumerate(shape) if i not in axis]
        c.add_op([x, ax], [c.output(oshape, q=out)], {"keep_dims": keep_dims})
    return build


def with_consts(shape, out_shape, consts, options=None, out="in"):
    """x plus constant operands given as (data, dtype) pairs (dtype None: the probed type)."""
    def build(c: Ctx):
        ins = [c.input(shape)]
        for data, dtype in consts:
            ins.append(c.const(data, dtype, q="in") if dtype is None else c.const(data, dtype))
        c.add_op(ins, [c.output(out_shape, q=out)], options)
    return build


def pool(filter_hw=(2, 2), out="in"):
    def build(c: Ctx):
        x = c.input((1, 4, 4, 2))
        c.add_op([x], [c.output((1, 2, 2, 2), q=out)],
                 {"padding": "VALID", "stride_w": 2, "stride_h": 2, "filter_width": filter_hw[1],
                  "filter_height": filter_hw[0], **ACT})
    return build


def resize(options=None):
    return with_consts((1, 2, 3, 2), (1, 4, 5, 2), [([4, 5], "int32")],
                       options or {"align_corners": False, "half_pixel_centers": False})


# -- quantized weights -------------------------------------------------------

def weight_scales(n: int) -> list[float]:
    return [float(np.float32(0.01 + 0.005 * k)) for k in range(n)]


def weights(c: Ctx, shape, per_channel_dim: int | None = 0) -> int:
    """Weights for the probed type: float32 as is; int8/int16 activations get int8 weights
    (int16 activations: the 16x8 kernels), symmetric, per channel along ``per_channel_dim``;
    labels with "int4 weights" pack them as int4 (two per byte, low nibble first)."""
    if c.dtype not in ("int8", "int16"):
        return c.random_const(shape, q=None)
    n = shape[per_channel_dim] if per_channel_dim is not None else 1
    scales = weight_scales(n)
    kw = {"scale": scales if n > 1 else scales[0], "zero_point": 0,
          "quantized_dimension": per_channel_dim or 0}
    if "int4 weights" in c.label:
        flat = c.rng.integers(-7, 8, int(np.prod(shape))).astype(np.uint8) & 0xF
        flat = np.concatenate([flat, np.zeros(len(flat) % 2, np.uint8)])
        packed = (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8)
        return c.b.add_tensor(c._name("w"), "INT4", list(shape), data=packed.tobytes(), **kw)
    data = c.rng.integers(-127, 128, shape)
    return c.b.add_tensor(c._name("w"), np.int8, list(shape), data=data, **kw)


def bias(c: Ctx, n: int, w_scales=None) -> int:
    """Bias: float32, or int32 (int8) / int64 (int16; "int32 bias" labels: int32) with
    scale input_scale * weight_scale."""
    if c.dtype not in ("int8", "int16"):
        return c.random_const((n,), q=None)
    s_in = QPARAMS[c.dtype]["in"][0]
    w_scales = w_scales or weight_scales(n)
    dtype = np.int32 if c.dtype == "int8" or "int32 bias" in c.label else np.int64
    return c.b.add_tensor(c._name("b"), dtype, [n], data=c.rng.integers(-2000, 2000, n),
                          scale=[float(np.float32(s_in * s)) for s in w_scales[:n]],
                          zero_point=0)


def conv_2d(c: Ctx):
    x = c.input((1, 5, 5, 2))
    w = weights(c, (3, 3, 3, 2))
    c.add_op([x, w, bias(c, 3)], [c.output((1, 5, 5, 3), q=WIDE)],
             {"padding": "SAME", "stride_w": 1, "stride_h": 1, **ACT})


def depthwise_conv_2d(c: Ctx):
    x = c.input((1, 5, 5, 2))
    w = weights(c, (1, 3, 3, 4), per_channel_dim=3)
    c.add_op([x, w, bias(c, 4)], [c.output((1, 3, 3, 4), q=WIDE)],
             {"padding": "VALID", "stride_w": 1, "stride_h": 1, "depth_multiplier": 2, **ACT})


def fully_connected(c: Ctx):
    x = c.input((2, 4))
    per_channel = "per-channel" in c.label
    w = weights(c, (3, 4), per_channel_dim=0 if per_channel else None)
    b = bias(c, 3, weight_scales(3) if per_channel else [0.01] * 3)
    c.add_op([x, w, b], [c.output((2, 3))], {**ACT})


def transpose_conv(c: Ctx):
    shape = c.const([1, 4, 4, 2], "int32")
    w = weights(c, (2, 3, 3, 3))
    x = c.input((1, 2, 2, 3))
    c.add_op([shape, w, x, bias(c, 2)], [c.output((1, 4, 4, 2), q=WIDE)],
             {"padding": "SAME", "stride_w": 2, "stride_h": 2})


def batch_matmul(c: Ctx):
    x, y = c.input((1, 2, 3)), c.input((1, 3, 4))
    c.add_op([x, y], [c.output((1, 2, 4), q={"int8": (1.0, 5), "int16": (0.03, 0)})],
             {"adj_x": False, "adj_y": False})


def prelu(c: Ctx):
    x = c.input((1, 2, 2, 3))
    alpha = c.random_const((3,), q=(0.01, 0) if c.dtype == "int8" else
                           (0.0001, 0) if c.dtype == "int16" else None)
    c.add_op([x, alpha], [c.output((1, 2, 2, 3))])


def svdf(c: Ctx):
    """batch 2, 3 inputs, rank 1, 2 units, memory 3; int8: int16 (or int8) state."""
    state = "int8" if "int8 state" in c.label else "int16"
    B, I, F, M, U = 2, 3, 2, 3, 2
    x = c.input((B, I))
    if c.dtype != "int8":
        wf, wt = c.random_const((F, I), q=None), c.random_const((F, M), q=None)
        b = c.random_const((U,), q=None)
        s = c.tensor((B, M * F), q=None, is_variable=True)
    else:
        wf = c.const(c.rng.integers(-127, 128, (F, I)), "int8", q=(0.02, 0))
        wt = c.const(c.rng.integers(-100, 100, (F, M)), state, q=(0.003, 0))
        s_state = 0.01
        b = c.const(c.rng.integers(-1000, 1000, U), "int32",
                    q=(float(np.float32(np.float32(s_state) * np.float32(0.003))), 0))
        s = c.tensor((B, M * F), state, q=(s_state, 0), is_variable=True)
    c.add_op([x, wf, wt, b, s], [c.output((B, U))],
             {"rank": 1, "fused_activation_function": "RELU"})


def lstm(c: Ctx):
    """UNIDIRECTIONAL_SEQUENCE_LSTM, batch 1, 2 steps, 3 inputs, 4 cells, no peephole."""
    ids = [-1] * 24
    S, I = 4, 3
    x = c.input((1, 2, I))
    ids[0] = x
    if c.dtype not in ("int8", "int16"):
        for k in range(1, 9):
            ids[k] = c.random_const((S, I) if k < 5 else (S, S), q=None)
        for k in range(12, 16):
            ids[k] = c.random_const((S,), q=None)
        ids[18] = c.tensor((1, S), q=None, is_variable=True)
        ids[19] = c.tensor((1, S), q=None, is_variable=True)
        out = c.output((1, 2, S), q=None)
    else:
        s_in = QPARAMS[c.dtype]["in"][0]
        bias_dtype = "int32" if c.dtype == "int8" else "int64"
        for k in range(1, 9):
            shape = (S, I) if k < 5 else (S, S)
            ids[k] = c.const(c.rng.integers(-127, 128, shape), "int8", q=(0.01, 0))
        for k in range(12, 16):
            ids[k] = c.const(c.rng.integers(-2000, 2000, S), bias_dtype,
                             q=(float(np.float32(s_in * 0.01)), 0))
        h_q = (0.02, 3) if c.dtype == "int8" else (0.0002, 0)
        ids[18] = c.tensor((1, S), q=h_q, is_variable=True)
        ids[19] = c.tensor((1, S), "int16", q=(2.0 ** -11, 0), is_variable=True)
        out = c.output((1, 2, S), q=h_q)
    c.add_op(ids, [out], {"fused_activation_function": "TANH", "cell_clip": 0.0,
                          "time_major": False})


def embedding_lookup(c: Ctx):
    ids = c.input((3,), "int32", data=[2, 0, 3])
    # hybrid (int8 table, float32 output): TFLM wants a symmetric table
    value = c.random_const((4, 3), q=(0.05, 0) if c.dst != c.dtype else "in")
    c.add_op([ids, value], [c.output((3, 3), c.dst, q="in")])


def fill(c: Ctx):
    dims = c.const([2, 3], "int32")
    v = c.input((), q="in")
    c.add_op([dims, v], [c.output((2, 3), q="in")])


def select_v2(c: Ctx):
    cond = c.input((2, 3), "bool")
    x, y = c.input((2, 3)), c.input((2, 3))
    c.add_op([cond, x, y], [c.output((2, 3), q="in")])


def split(c: Ctx):
    axis = c.const([1], "int32", shape=())
    x = c.input((2, 4))
    c.add_op([axis, x], [c.output((2, 2), q="in"), c.output((2, 2), q="in")], {"num_splits": 2})


def split_v(c: Ctx):
    x = c.input((2, 5))
    sizes, axis = c.const([2, 3], "int32"), c.const([1], "int32", shape=())
    c.add_op([x, sizes, axis], [c.output((2, 2), q="in"), c.output((2, 3), q="in")],
             {"num_splits": 2})


def pack(c: Ctx):
    x, y = c.input((2, 3)), c.input((2, 3))
    c.add_op([x, y], [c.output((2, 2, 3), q="in")], {"values_count": 2, "axis": 0})


def unpack(c: Ctx):
    x = c.input((2, 3))
    c.add_op([x], [c.output((3,), q="in"), c.output((3,), q="in")], {"num": 2, "axis": 0})


def concatenation(c: Ctx):
    x, y = c.input((2, 3)), c.input((2, 2))
    c.add_op([x, y], [c.output((2, 5), q="in")], {"axis": 1, **ACT})


def gather(c: Ctx):
    params = c.input((4, 3))
    idx = c.const([2, 0, 3], "int64" if "int64 indices" in c.label else "int32")
    c.add_op([params, idx], [c.output((3, 3), q="in")], {"axis": 0, "batch_dims": 0})


def gather_nd(c: Ctx):
    params = c.input((3, 2))
    idx = c.const([[2], [0]], "int64" if "int64 indices" in c.label else "int32")
    c.add_op([params, idx], [c.output((2, 2), q="in")])


def arg_min_max(c: Ctx):
    x = c.input(S3)
    axis = c.const([1], "int32")
    out = c.dst if c.dst != c.dtype else "int32"
    c.add_op([x, axis], [c.output((2, 4), out)], {"output_type": out.upper()})


def shape_op(c: Ctx):
    x = c.input(S3)
    out = c.dst if c.dst != c.dtype else "int32"
    c.add_op([x], [c.output((3,), out)], {"out_type": out.upper()})


def broadcast_args(c: Ctx):
    x = c.input((2,), data=[2, 1])
    y = c.input((3,), data=[1, 1, 3])
    c.add_op([x, y], [c.output((3,))])


def cast(c: Ctx):
    x = c.input(S3, q=None)
    c.add_op([x], [c.output(S3, c.dst, q=None)],
             {"in_data_type": c.dtype.upper(), "out_data_type": c.dst.upper()})


def quantize(c: Ctx):
    x = c.input(S3, q="in")
    c.add_op([x], [c.output(S3, c.dst, q="out" if c.dst in QUANTIZED else (0.07, 0))])


def dequantize(c: Ctx):
    x = c.input(S3, q="in")
    c.add_op([x], [c.output(S3, "float32")])


def cumsum(c: Ctx):
    x = c.input(S3)
    axis = c.const([1], "int32", shape=())
    c.add_op([x, axis], [c.output(S3, q="in")], {"exclusive": False, "reverse": False})


def strided_slice(c: Ctx):
    x = c.input((3, 4))
    begin, end, strides = (c.const(v, "int32") for v in ([0, 1], [3, 4], [2, 2]))
    c.add_op([x, begin, end, strides], [c.output((2, 2), q="in")],
             {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
              "shrink_axis_mask": 0, "offset": False})


def dynamic_update_slice(c: Ctx):
    x, upd = c.input((3, 4)), c.input((2, 2))
    start = c.const([1, 1], "int32")
    c.add_op([x, upd, start], [c.output((3, 4), q="in")])


def resource_variable(c: Ctx):
    """VAR_HANDLE -> ASSIGN_VARIABLE(x) -> READ_VARIABLE: the three ops in one model."""
    x = c.input((2, 3))
    h = c.b.add_tensor("h", "RESOURCE", [])
    c.add_op([], [h], {"container": "c", "shared_name": "v"}, op="VAR_HANDLE")
    c.add_op([h, x], [], op="ASSIGN_VARIABLE")
    c.add_op([h], [c.output((2, 3), q="in")], op="READ_VARIABLE")


def call_once(c: Ctx):
    """CALL_ONCE's init subgraph assigns a constant of the probed type to a variable;
    the main subgraph reads it."""
    h = c.b.add_tensor("h", "RESOURCE", [])
    c.add_op([], [], {"init_subgraph_index": 1}, op="CALL_ONCE")
    c.add_op([], [h], {"container": "c", "shared_name": "v"}, op="VAR_HANDLE")
    c.add_op([h], [c.output((2, 3), q="in")], op="READ_VARIABLE")
    g = c.b.add_subgraph("init")
    k = c.random_const((2, 3), q="in", g=g)
    h2 = g.add_tensor("h", "RESOURCE", [])
    c.add_op([], [h2], {"container": "c", "shared_name": "v"}, op="VAR_HANDLE", g=g)
    c.add_op([h2, k], [], op="ASSIGN_VARIABLE", g=g)


def _identity_subgraph(c: Ctx, name: str, n_in: int, pick: int, shape, q="in") -> None:
    """A subgraph with ``n_in`` inputs returning input ``pick`` through a RESHAPE."""
    g = c.b.add_subgraph(name)
    ins = [c.tensor(shape, q=q, g=g) for _ in range(n_in)]
    out = c.tensor(shape, q=q, g=g)
    c.add_op([ins[pick], c.const(list(shape), "int32", g=g)], [out], {"new_shape": list(shape)},
             op="RESHAPE", g=g)
    g.set_inputs(ins)
    g.set_outputs([out])


def if_op(c: Ctx):
    """IF(cond, x, y): the then branch returns x, the else branch y (cond is fed True)."""
    cond = c.input((1,), "bool", data=[True])
    x, y = c.input((2, 3)), c.input((2, 3))
    c.add_op([cond, x, y], [c.output((2, 3), q="in")],
             {"then_subgraph_index": 1, "else_subgraph_index": 2})
    _identity_subgraph(c, "then", 2, 0, (2, 3))
    _identity_subgraph(c, "else", 2, 1, (2, 3))


def while_op(c: Ctx):
    """WHILE(i < 3) { i + 1, x through a RESHAPE }: i is int32, x the probed type."""
    i = c.input((1,), "int32", data=[0])
    x = c.input((2, 3))
    c.add_op([i, x], [c.output((1,), "int32"), c.output((2, 3), q="in")],
             {"cond_subgraph_index": 1, "body_subgraph_index": 2})
    g = c.b.add_subgraph("cond")
    gi, gx = c.tensor((1,), "int32", g=g), c.tensor((2, 3), q="in", g=g)
    flag = c.tensor((1,), "bool", g=g)
    c.add_op([gi, c.const([3], "int32", g=g)], [flag], op="LESS", g=g)
    g.set_inputs([gi, gx])
    g.set_outputs([flag])
    g = c.b.add_subgraph("body")
    gi, gx = c.tensor((1,), "int32", g=g), c.tensor((2, 3), q="in", g=g)
    gi2, gx2 = c.tensor((1,), "int32", g=g), c.tensor((2, 3), q="in", g=g)
    c.add_op([gi, c.const([1], "int32", g=g)], [gi2], ACT, op="ADD", g=g)
    c.add_op([gx, c.const([2, 3], "int32", g=g)], [gx2], {"new_shape": [2, 3]}, op="RESHAPE",
             g=g)
    g.set_inputs([gi, gx])
    g.set_outputs([gi2, gx2])


def detection_postprocess(c: Ctx):
    """The custom op TFLite_Detection_PostProcess: 6 anchors, 2 classes, 3 detections."""
    from flatbuffers import flexbuffers

    n, classes = 6, 2
    boxes = c.input((1, n, 4))
    scores = c.input((1, n, classes + 1), domain="pos" if c.dtype == "float32" else None,
                     q=(1 / 256, -128) if c.dtype == "int8" else "in")
    centers = np.array([[0.25, 0.25], [0.25, 0.75], [0.75, 0.25], [0.75, 0.75],
                        [0.5, 0.5], [0.3, 0.6]])
    anchors = np.concatenate([centers, np.full((n, 2), 0.4)], axis=1)
    if c.dtype in QUANTIZED:
        a = c.const(np.round(anchors / 0.01), q=(0.01, 0))
    else:
        a = c.const(anchors)
    outs = [c.output((1, 3, 4), "float32"), c.output((1, 3), "float32"),
            c.output((1, 3), "float32"), c.output((1,), "float32")]
    opts = flexbuffers.Dumps({
        "max_detections": 3, "max_classes_per_detection": 1, "detections_per_class": 3,
        "use_regular_nms": False, "nms_score_threshold": 0.1, "nms_iou_threshold": 0.5,
        "num_classes": classes, "y_scale": 10.0, "x_scale": 10.0, "h_scale": 5.0,
        "w_scale": 5.0})
    c.b.add_operator("CUSTOM", [boxes, scores, a], outs,
                     custom_code="TFLite_Detection_PostProcess", custom_options=opts)


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

def pairs(sources, targets, same: bool = False) -> tuple[str, ...]:
    """``a->b`` labels; ``same`` keeps a->a (QUANTIZE's requantization)."""
    return tuple(f"{s}->{t}" for s in sources for t in targets if same or s != t)


#: outputs of the ops whose results grow (products, sums of products): a scale that
#: keeps most of the probe's outputs off the rails
WIDE = {"int8": (0.25, 5), "int16": (0.003, 0)}
LOGISTIC_Q = {"int8": (1 / 256, -128), "int16": (1 / 32768, 0)}
TANH_Q = {"int8": (1 / 128, 0), "int16": (1 / 32768, 0)}


@dataclass
class Recipe:
    build: Callable[[Ctx], None]
    labels: Sequence[str] = DTYPES
    custom_code: str | None = None   # the op is a custom op under this name

    def case(self, op: str, label: str) -> Case:
        c = Ctx(op, label)
        self.build(c)
        return c.finish()


R = Recipe
RECIPES: dict[str, Recipe] = {
    "ABS": R(unary()),
    "ADD": R(binary(options=ACT)),
    "ADD_N": R(binary(n=3)),
    "ARG_MAX": R(arg_min_max, DTYPES + ("float32->int64",)),
    "ARG_MIN": R(arg_min_max, DTYPES + ("float32->int64",)),
    "ASSIGN_VARIABLE": R(resource_variable),
    "AVERAGE_POOL_2D": R(pool()),
    "BATCH_MATMUL": R(batch_matmul),
    "BATCH_TO_SPACE_ND": R(with_consts((4, 1, 2, 1), (1, 2, 4, 1),
                                       [([2, 2], "int32"), ([[0, 0], [0, 0]], "int32")])),
    "BROADCAST_ARGS": R(broadcast_args),
    "BROADCAST_TO": R(with_consts((1, 3), (2, 3), [([2, 3], "int32")])),
    "CALL_ONCE": R(call_once),
    "CAST": R(cast, pairs(DTYPES + ("uint8",), DTYPES + ("uint8",))
              + pairs(("uint32",), DTYPES) + pairs(DTYPES, ("uint32",))),
    "CEIL": R(unary(out="in")),
    "CONCATENATION": R(concatenation),
    "CONV_2D": R(conv_2d, DTYPES + ("int8 (int4 weights)", "int16 (int32 bias)")),
    "COS": R(unary()),
    "CUMSUM": R(cumsum),
    "DEPTH_TO_SPACE": R(with_consts((1, 2, 2, 4), (1, 4, 4, 1), [], {"block_size": 2})),
    "DEPTHWISE_CONV_2D": R(depthwise_conv_2d, DTYPES + ("int8 (int4 weights)",
                                                        "int16 (int32 bias)")),
    "DEQUANTIZE": R(dequantize, pairs(("int8", "int16", "uint8"), ("float32",))),
    "DETECTION_POSTPROCESS": R(detection_postprocess, ("float32", "int8", "uint8"),
                               custom_code="TFLite_Detection_PostProcess"),
    "DIV": R(binary(domain2="nonzero", options=ACT)),
    "DYNAMIC_UPDATE_SLICE": R(dynamic_update_slice),
    "ELU": R(unary()),
    "EMBEDDING_LOOKUP": R(embedding_lookup, DTYPES + ("int8->float32",)),
    "EQUAL": R(comparison()),
    "EXP": R(unary()),
    "EXPAND_DIMS": R(with_consts(S3, (2, 1, 3, 4), [([1], "int32")])),
    "FILL": R(fill),
    "FLOOR": R(unary(out="in")),
    "FLOOR_DIV": R(binary(domain2="nonzero", out="in")),
    "FLOOR_MOD": R(binary(domain2="nonzero", out="in")),
    "FULLY_CONNECTED": R(fully_connected, DTYPES + (
        "int8 (per-channel)", "int8 (int4 weights)", "int16 (int32 bias)")),
    "GATHER": R(gather, DTYPES + ("float32 (int64 indices)",)),
    "GATHER_ND": R(gather_nd, DTYPES + ("float32 (int64 indices)",)),
    "GREATER": R(comparison()),
    "GREATER_EQUAL": R(comparison()),
    "HARD_SWISH": R(unary()),
    "IF": R(if_op),
    "L2_NORMALIZATION": R(unary(out={"int8": (1 / 128, 0), "int16": (1 / 32768, 0)},
                                options=ACT)),
    "L2_POOL_2D": R(pool(out="out")),
    "LEAKY_RELU": R(unary(options={"alpha": 0.2})),
    "LESS": R(comparison()),
    "LESS_EQUAL": R(comparison()),
    "LOG": R(unary(domain="pos")),
    "LOG_SOFTMAX": R(unary(out={"int8": (16 / 256, 127), "int16": (16 / 32768, 0)})),
    "LOGICAL_AND": R(comparison()),
    "LOGICAL_NOT": R(unary(out_dtype="bool")),
    "LOGICAL_OR": R(comparison()),
    "LOGISTIC": R(unary(out=LOGISTIC_Q, in_q={"int8": (0.02, -3), "int16": (0.0002, 0)})),
    "MAX_POOL_2D": R(pool()),
    "MAXIMUM": R(binary(out="in")),
    "MEAN": R(reduction()),
    "MINIMUM": R(binary(out="in")),
    "MIRROR_PAD": R(with_consts((2, 3), (4, 5), [([[1, 1], [1, 1]], "int32")],
                                {"mode": "REFLECT"})),
    "MUL": R(binary(options=ACT, out={"int8": (0.35, 5), "int16": (0.01, 0)})),
    "NEG": R(unary(out="in")),
    "NOT_EQUAL": R(comparison()),
    "PACK": R(pack),
    "PAD": R(with_consts((2, 3), (3, 5), [([[0, 1], [2, 0]], "int32")])),
    "PADV2": R(with_consts((2, 3), (3, 5), [([[0, 1], [2, 0]], "int32"), ([1], None)])),
    "PRELU": R(prelu),
    "QUANTIZE": R(quantize, pairs(("float32", "int8", "int16", "uint8"),
                                  ("int8", "int16", "int32", "uint8"), same=True)),
    "READ_VARIABLE": R(resource_variable),
    "REDUCE_ALL": R(reduction(out="in")),
    "REDUCE_MAX": R(reduction(out="in")),
    "REDUCE_MIN": R(reduction(out="in")),
    "RELU": R(unary()),
    "RELU6": R(unary()),
    "RESHAPE": R(with_consts(S3, (4, 6), [([4, 6], "int32")], {"new_shape": [4, 6]})),
    "RESIZE_BILINEAR": R(resize()),
    "RESIZE_NEAREST_NEIGHBOR": R(resize()),
    "REVERSE_V2": R(with_consts(S3, S3, [([1], "int32")])),
    "ROUND": R(unary(out="in")),
    "RSQRT": R(unary(domain="pos")),
    "SELECT_V2": R(select_v2),
    "SHAPE": R(shape_op, DTYPES + ("float32->int64",)),
    "SIN": R(unary()),
    "SLICE": R(with_consts((3, 4), (2, 2), [([1, 1], "int32"), ([2, 2], "int32")])),
    "SOFTMAX": R(softmax, DTYPES + ("int8->int16",)),
    "SPACE_TO_BATCH_ND": R(with_consts((1, 4, 4, 1), (4, 2, 2, 1),
                                       [([2, 2], "int32"), ([[0, 0], [0, 0]], "int32")])),
    "SPACE_TO_DEPTH": R(with_consts((1, 4, 4, 1), (1, 2, 2, 4), [], {"block_size": 2})),
    "SPLIT": R(split),
    "SPLIT_V": R(split_v),
    "SQRT": R(unary(domain="pos")),
    "SQUARE": R(unary()),
    "SQUARED_DIFFERENCE": R(binary(out={"int8": (1.3, 5), "int16": (0.04, 0)})),
    "SQUEEZE": R(with_consts((1, 3, 1, 2), (3, 2), [], {"squeeze_dims": [0, 2]})),
    "STRIDED_SLICE": R(strided_slice),
    "SUB": R(binary(options=ACT)),
    "SUM": R(reduction(out={"int8": (0.2, 5), "int16": (0.002, 0)})),
    "SVDF": R(svdf, DTYPES + ("int8 (int8 state)",)),
    "TANH": R(unary(out=TANH_Q, in_q={"int8": (0.02, -3), "int16": (0.0002, 0)})),
    "TRANSPOSE": R(with_consts(S3, (4, 2, 3), [([2, 0, 1], "int32")])),
    "TRANSPOSE_CONV": R(transpose_conv, DTYPES + ("int16 (int32 bias)",)),
    "UNIDIRECTIONAL_SEQUENCE_LSTM": R(lstm),
    "UNPACK": R(unpack),
    "VAR_HANDLE": R(resource_variable),
    "WHILE": R(while_op),
    "ZEROS_LIKE": R(unary(out="in")),
}


def signal_op(inputs, outputs, options: dict | None):
    """One of TFLM's Signal custom ops (the probed op's name is its custom code).

    ``inputs``: (shape, dtype, data or None) per input; ``outputs``: (shape, dtype);
    ``options``: the FlexBuffer map (None: the kernel reads none). A dtype of None
    is the label's first type; outputs are fully written by one invoke.
    """
    from flatbuffers import flexbuffers

    def build(c: Ctx):
        ins = []
        for shape, dtype, data in inputs:
            dtype = dtype or c.dtype
            if data is None:
                data = _signal_data(c, dtype, shape)
                ins.append(c.input(shape, dtype, q=None, data=data))
            else:
                ins.append(c.const(data, dtype, shape))
        outs = [c.output(shape, dtype or c.dst, q=None) for shape, dtype in outputs]
        opts = options(c) if callable(options) else options
        c.b.add_operator("CUSTOM", ins, outs, custom_code=c.op,
                         custom_options=None if opts is None else flexbuffers.Dumps(opts))
    return build


def _signal_data(c: Ctx, dtype: str, shape) -> np.ndarray:
    """Full-range integers (int16 audio, uint32 powers, ...), floats around +-1000."""
    if dtype.startswith("float"):
        return (c.rng.standard_normal(shape) * 1000).astype(dtype)
    info = np.iinfo(dtype)
    return c.rng.integers(int(info.min), int(info.max), shape, endpoint=True,
                          dtype=np.uint64 if dtype == "uint64" else np.int64).astype(dtype)


_FFT_TYPE = {"int16": 7, "int32": 2, "float32": 0}
_FB_TABLES = [((8,), "int16", [9000, 12000, 15000, 20000, 30000, 22000, 11000, 5000]),
              ((8,), "int16", [23767, 20767, 17767, 12767, 2767, 10767, 21767, 27767]),
              ((4,), "int16", [0, 1, 3, 6]), ((4,), "int16", [0, 1, 3, 5]),
              ((4,), "int16", [1, 2, 2, 3])]
SIGNAL = {
    "SignalWindow": R(signal_op([((2, 16), None, None), ((16,), None, np.arange(16) * 2000)],
                             [((2, 16), None)], {"shift": 12}), ("int16",)),
    "SignalFftAutoScale": R(signal_op([((32,), None, None)], [((32,), None), ((), "int32")], None),
                            ("int16",)),
    "SignalRfft": R(signal_op([((2, 24), None, None)], [((2, 34), None)],
                           lambda c: {"T": _FFT_TYPE[c.dtype], "fft_length": 32}),
                    ("int16", "int32", "float32")),
    "SignalIrfft": R(signal_op([((2, 34), None, None)], [((2, 32), None)],
                            lambda c: {"T": _FFT_TYPE[c.dtype], "fft_length": 32}),
                     ("int16", "int32", "float32")),
    "SignalEnergy": R(signal_op([((32,), None, None)], [((16,), None)],
                             {"end_index": 16, "start_index": 0}), ("int16->uint32",)),
    "SignalFilterBank": R(signal_op([((9,), None, None)] + _FB_TABLES, [((3,), None)],
                                 {"num_channels": 3}), ("uint32->uint64",)),
    "SignalFilterBankSquareRoot": R(signal_op([((8,), None, None), ((), "int32", 3)],
                                           [((8,), None)], None), ("uint64->uint32",)),
    "SignalFilterBankSpectralSubtraction": R(signal_op(
        [((8,), None, None)], [((8,), None), ((8,), None)],
        {"alternate_one_minus_smoothing": 15401, "alternate_smoothing": 983,
         "clamping": False, "min_signal_remaining": 819, "num_channels": 8,
         "one_minus_smoothing": 15975, "smoothing": 409, "smoothing_bits": 10,
         "spectral_subtraction_bits": 14}), ("uint32",)),
    "SignalPCAN": R(signal_op([((8,), None, None), ((8,), None, None),
                            ((125,), "int16", (np.arange(125) * 263) % 32768)],
                           [((8,), None)], {"snr_shift": 6}), ("uint32",)),
    "SignalFilterBankLog": R(signal_op([((8,), None, None)], [((8,), None)],
                                    {"input_correction_bits": 3, "output_scale": 64}),
                             ("uint32->int16",)),
    "SignalFramer": R(signal_op([((2, 8), None, None)], [((2, 2, 10), None), ((), "bool")],
                             {"frame_size": 10, "frame_step": 4, "prefill": True}),
                      ("int16",)),
    "SignalOverlapAdd": R(signal_op([((2, 3, 8), None, None)], [((2, 9), None)],
                                 lambda c: {"T": _FFT_TYPE[c.dtype], "frame_step": 3}),
                          ("int16", "float32")),
    "SignalStacker": R(signal_op([((5,), None, None)], [((15,), None), ((), "bool")],
                              {"num_channels": 5, "stacker_left_context": 2,
                               "stacker_right_context": 0, "stacker_step": 1}), ("int16",)),
    "SignalDelay": R(signal_op([((2, 6), None, None)], [((2, 6), None)], {"delay_length": 4}),
                     ("int16",)),
}


RECIPES.update({op: Recipe(r.build, r.labels, custom_code=op) for op, r in SIGNAL.items()})


def labels(op: str) -> tuple[str, ...]:
    return tuple(RECIPES[op].labels)


def build_case(op: str, label: str) -> Case:
    return RECIPES[op].case(op, label)


def all_cases(ops: Sequence[str] | None = None) -> list[tuple[str, str]]:
    ops = sorted(RECIPES) if ops is None else ops
    return [(op, label) for op in ops for label in labels(op)]


# ---------------------------------------------------------------------------
# Engines (run in-process; ``probe`` runs them in worker processes)
# ---------------------------------------------------------------------------

def _run_tflm(case: Case) -> list[np.ndarray]:
    from tflite_micro.python.tflite_micro import runtime
    arena = max(len(case.model) * 10, 1 << 20)
    interp = runtime.Interpreter.from_bytes(bytes(case.model), arena_size=arena)
    for i, x in enumerate(case.feeds):
        interp.set_input(x, i)
    interp.invoke()
    return [np.array(interp.get_output(i)) for i in range(case.n_outputs)]


def _run_litert(case: Case) -> list[np.ndarray]:
    from ai_edge_litert import interpreter as lite
    interp = lite.Interpreter(model_content=bytes(case.model), num_threads=1,
                              experimental_op_resolver_type=lite.OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), case.feeds):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def _run_ours(case: Case, semantics: str = "tflm", backend: str = "numpy",
              info: dict | None = None) -> list[np.ndarray]:
    from interpreter import Interpreter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interp = Interpreter(model_content=case.model, backend=backend, semantics=semantics)
        interp.allocate_tensors()
        if info is not None:
            # the variant of the first op a backend kernel runs (ops_c.kernel.CKernel)
            kernels = [op.kernel.variant for op in getattr(interp, "_ops", None) or []
                       if getattr(op, "kernel", None) is not None]
            info["kernel"] = next((k for k in kernels if k), None)
        for d, x in zip(interp.get_input_details(), case.feeds):
            interp.set_tensor(d["index"], x)
        interp.invoke()
        return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def run_engine(case: Case, engine: str, info: dict | None = None) -> list[np.ndarray]:
    """Outputs of ``case`` on ``engine``; raises what the engine raises."""
    if engine == "tflm":
        return _run_tflm(case)
    if engine == "litert":
        return _run_litert(case)
    if engine == "ours":
        return _run_ours(case)
    if engine == "ours_tflite":
        return _run_ours(case, semantics="tflite")
    if engine == "c":
        return _run_ours(case, backend="c", info=info)
    if engine == "_abort":   # for testing the probe itself: a runtime that kills the process
        print("aborting on purpose", file=sys.stderr, flush=True)
        os.abort()
    raise ValueError(engine)


def engine_available(engine: str) -> str | None:
    """None, or why ``engine`` cannot run here."""
    try:
        if engine == "tflm":
            from tflite_micro.python.tflite_micro import runtime  # noqa: F401
        elif engine == "litert":
            from ai_edge_litert import interpreter  # noqa: F401
        elif engine == "c":
            from interpreter import ops_c
            ops_c.require()
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}"
    return None


def same_outputs(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> str | None:
    """None when every output has the same dtype, shape and bytes; else what differs."""
    if len(a) != len(b):
        return f"{len(a)} outputs vs {len(b)}"
    for k, (x, y) in enumerate(zip(a, b)):
        x, y = np.asarray(x), np.asarray(y)
        if x.dtype != y.dtype:
            return f"output {k}: dtype {x.dtype} vs {y.dtype}"
        if x.shape != y.shape:
            return f"output {k}: shape {x.shape} vs {y.shape}"
        if x.tobytes() != y.tobytes():
            fx, fy = x.reshape(-1), y.reshape(-1)
            bad = [i for i in range(fx.size) if fx[i].tobytes() != fy[i].tobytes()]
            idx = bad[:4]
            return (f"output {k}: {len(bad)} of {fx.size} elements differ, e.g. at "
                    f"{idx}: {fx[idx].tolist()} vs {fy[idx].tolist()}")
    return None


# ---------------------------------------------------------------------------
# Worker processes
# ---------------------------------------------------------------------------

def _encode(arrays: Sequence[np.ndarray]) -> list[str]:
    out = []
    for a in arrays:
        buf = io.BytesIO()
        np.save(buf, np.asarray(a), allow_pickle=False)
        out.append(base64.b64encode(buf.getvalue()).decode())
    return out


def decode(blobs: Sequence[str]) -> list[np.ndarray]:
    return [np.load(io.BytesIO(base64.b64decode(s)), allow_pickle=False) for s in blobs]


def clean_message(text: str, limit: int = 400) -> str:
    """A runtime's message on one line, without this machine's paths."""
    for p in (str(REPO), str(Path.home()), sys.prefix):
        text = text.replace(p + os.sep, "").replace(p, "")
    # long integers, e.g. TFLM printing uninitialized memory as a type (not in decimals)
    text = re.sub(r"(?<![\d.])-?\d{7,}(?!\d|\.\d)", "N", text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    text = "; ".join(dict.fromkeys(lines))   # unique lines, in order
    # the TFLM runtime's boilerplate after the kernel's own message
    text = re.sub(r"Node \S+ \(number \d+\) failed to invoke with status \d+; "
                  r"RuntimeError: Interpreter invocation failed\.", "[fails at invoke]", text)
    text = re.sub(r"Node \S+ \(number \d+\) failed to prepare with status \d+; "
                  r"RuntimeError: TFLM failed to allocate tensors", "[fails at prepare]", text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _worker(log_path: str) -> None:
    """Answer requests {op, label, engine} on stdin, one JSON line each on the protocol fd.

    C-level output of the runtimes (fd 1 and 2) goes to ``log_path``, truncated per
    request, so the parent can read what a runtime printed even when it aborted.
    """
    proto = os.fdopen(os.dup(1), "w")
    cache: dict[tuple[str, str], Case] = {}
    for line in sys.stdin:
        req = json.loads(line)
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        info: dict = {}
        try:
            key = (req["op"], req["label"])
            if key not in cache:
                cache.clear()
                cache[key] = build_case(*key)
            outs = run_engine(cache[key], req["engine"], info)
            res = {"status": "ok", "outputs": _encode(outs)}
        except Exception as e:  # noqa: BLE001  (any failure of the engine is a result)
            res = {"status": "error", "exception": f"{type(e).__name__}: {e}"}
        sys.stdout.flush()
        sys.stderr.flush()
        res.update(info)
        proto.write(json.dumps(res) + "\n")
        proto.flush()


class _Worker:
    def __init__(self, tmpdir: str, k: int):
        self.log = os.path.join(tmpdir, f"worker{k}.log")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3")
        # stderr goes to the log too, so that a worker failing to start says why
        with open(self.log, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker", self.log],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                text=True, env=env, cwd=str(REPO))

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None

    def request(self, op: str, label: str, engine: str, timeout: float) -> dict:
        if self.proc is None:
            self.start()
        proc = self.proc
        proc.stdin.write(json.dumps({"op": op, "label": label, "engine": engine}) + "\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline() if ready else ""
        if line:
            res = json.loads(line)
        else:
            timed_out = not ready
            self.stop()
            rc = proc.returncode
            res = {"status": "timeout" if timed_out else "abort",
                   "exception": (f"no answer within {timeout:g} s" if timed_out else
                                 f"process ended with {_describe_rc(rc)}")}
        res["log"] = Path(self.log).read_text(errors="replace") if os.path.exists(self.log) \
            else ""
        return res


def _describe_rc(rc: int | None) -> str:
    if rc is not None and rc < 0:
        import signal
        try:
            return signal.Signals(-rc).name
        except ValueError:
            return f"signal {-rc}"
    return f"exit status {rc}"


def probe(cases: Sequence[tuple[str, str]] | None = None, engines: Sequence[str] = ENGINES,
          jobs: int = 1, timeout: float = TIMEOUT_S,
          progress: Callable[[str], None] | None = None) -> dict:
    """Run every (op, label) on every engine; returns {(op, label): {engine: result}}.

    A result: {"status", "message", "outputs" (decoded arrays, for "ok"), "kernel"}.
    """
    cases = all_cases() if cases is None else list(cases)
    results: dict = {key: {} for key in cases}
    unavailable = {e: engine_available(e) for e in engines}
    tasks: queue.Queue = queue.Queue()
    for op, label in cases:
        for e in engines:
            if unavailable[e]:
                results[(op, label)][e] = {"status": "unavailable",
                                           "message": clean_message(unavailable[e])}
            else:
                tasks.put((op, label, e))
    total, done = tasks.qsize(), [0]
    lock = threading.Lock()

    def run(k: int, tmpdir: str) -> None:
        w = _Worker(tmpdir, k)
        try:
            while True:
                try:
                    op, label, e = tasks.get_nowait()
                except queue.Empty:
                    return
                raw = w.request(op, label, e, timeout)
                res = {"status": raw["status"],
                       "message": clean_message("\n".join(
                           s for s in (raw.get("log", ""), raw.get("exception", "")) if s))}
                if raw["status"] == "ok":
                    res["outputs"] = decode(raw["outputs"])
                if "kernel" in raw:
                    res["kernel"] = raw["kernel"]
                with lock:
                    results[(op, label)][e] = res
                    done[0] += 1
                    if progress and (done[0] % 100 == 0 or done[0] == total):
                        progress(f"{done[0]}/{total} runs")
        finally:
            w.stop()

    with tempfile.TemporaryDirectory(prefix="type_probe") as tmpdir:
        threads = [threading.Thread(target=run, args=(k, tmpdir)) for k in range(max(1, jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results


@dataclass
class Row:
    """The table's view of one (op, label): who runs it and who agrees with whom."""
    op: str
    label: str
    status: dict = field(default_factory=dict)     # engine -> status
    message: dict = field(default_factory=dict)    # engine -> message (not ok only)
    ours_eq_tflm: bool | None = None
    tflite_eq_litert: bool | None = None
    c_eq_tflm: bool | None = None
    c_kernel: str | None = None
    diff: dict = field(default_factory=dict)       # comparison -> what differs


def compare(op: str, label: str, res: dict) -> Row:
    """The table's view of one case's results (``probe``'s value for it)."""
    row = Row(op, label)
    for e, r in res.items():
        row.status[e] = r["status"]
        if r["status"] != "ok" and r.get("message"):
            row.message[e] = r["message"]

    def eq(a: str, b: str, name: str) -> bool | None:
        ra, rb = res.get(a, {}), res.get(b, {})
        if ra.get("status") != "ok" or rb.get("status") != "ok":
            return None
        d = same_outputs(ra["outputs"], rb["outputs"])
        if d:
            row.diff[name] = clean_message(d)
        return d is None

    row.ours_eq_tflm = eq("ours", "tflm", "ours_vs_tflm")
    row.tflite_eq_litert = eq("ours_tflite", "litert", "ours_tflite_vs_litert")
    row.c_eq_tflm = eq("c", "tflm", "c_vs_tflm")
    row.c_kernel = res.get("c", {}).get("kernel")
    return row


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker(sys.argv[2])
    else:
        print("usage: python tests/support/type_probe.py --worker LOG (run by tools/op_coverage.py)",
              file=sys.stderr)
        sys.exit(2)
