"""Seeded random single-op int8 models, one family per C kernel the backend selects.

Shapes and quantization are drawn like tests/c_backend_cases.py (zero points
incl. -128/127, scales from 1e-6 to 4, per-tensor and per-channel weights,
optional bias up to +-2^31-1, every fused activation), steered so that each
kernel variant (1x1 / 1xN / general convolution, 3x3 / multiplier-1 / general
depthwise, ...) is reached. ``cases(seed, per_kernel)`` retries a draw the
NumPy op refuses (a ModelError, e.g. a multiplier TFLM rejects) or that lands
on another kernel.
"""
from __future__ import annotations

import numpy as np

from interpreter.builder import ModelBuilder
from interpreter.ops.conv_common import compute_out_size

PADDINGS = {"SAME": 0, "VALID": 1}
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]

#: (op, kernel variant as the C backend names it in op.kernel)
KERNELS = [("CONV_2D", "1x1"), ("CONV_2D", "1xn"), ("CONV_2D", "general"),
           ("DEPTHWISE_CONV_2D", "3x3"), ("DEPTHWISE_CONV_2D", "mult1"),
           ("DEPTHWISE_CONV_2D", "general"), ("FULLY_CONNECTED", "fc"),
           ("AVERAGE_POOL_2D", "avg"), ("MAX_POOL_2D", "max"), ("ADD", "add"), ("MUL", "mul"),
           ("SOFTMAX", "softmax")]


def _zp(rng) -> int:
    return int(rng.choice([-128, 127, 0])) if rng.random() < 0.3 else int(rng.integers(-128, 128))


def _scale(rng) -> float:
    return float(rng.choice([1e-6, 1.0, 4.0])) if rng.random() < 0.15 else 10.0 ** rng.uniform(-3, 0.5)


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def conv_model(rng, op: str, kernel: str, size: int = 1):
    """(model, feeds) for CONV_2D / DEPTHWISE_CONV_2D aimed at ``kernel``; ``size`` scales shapes."""
    batches = int(rng.integers(1, 3))
    in_h, in_w = int(rng.integers(1, 9 * size + 1)), int(rng.integers(1, 9 * size + 1))
    in_c = int(rng.integers(1, 13 * size + 1))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    dilation = _pick(rng, [(1, 1), (1, 1), (2, 2), (1, 2), (3, 1)])
    padding = _pick(rng, list(PADDINGS))
    mult = 1
    if op == "CONV_2D":
        if kernel == "1x1":
            kh = kw = 1
            padding = "VALID"
        elif kernel == "1xn":
            in_h, kh, kw = 1, 1, int(rng.integers(2, 6))
            dilation = (dilation[0], 1)
        else:
            in_h = max(in_h, 2)
            kh, kw = _pick(rng, [(3, 3), (2, 3), (5, 5), (3, 1), (1, 3)])
    else:
        if kernel == "3x3":
            kh = kw = 3
            dilation = (1, 1)
        else:
            kh, kw = _pick(rng, [(3, 3), (1, 1), (2, 3), (5, 5), (3, 1), (1, 5)])
            mult = 1 if kernel == "mult1" else int(rng.integers(2, 4))
    out_h = compute_out_size(PADDINGS[padding], in_h, kh, stride[0], dilation[0])
    out_w = compute_out_size(PADDINGS[padding], in_w, kw, stride[1], dilation[1])
    if out_h < 1 or out_w < 1:
        padding = "SAME"
        out_h = compute_out_size(0, in_h, kh, stride[0], dilation[0])
        out_w = compute_out_size(0, in_w, kw, stride[1], dilation[1])
    if op == "CONV_2D":
        out_c = int(rng.integers(1, 11 * size + 1))
        f_shape, qdim = (out_c, kh, kw, in_c), 0
    else:
        out_c = in_c * mult
        f_shape, qdim = (1, kh, kw, out_c), 3
    per_channel = rng.random() < 0.5
    s_in, s_out = _scale(rng), _scale(rng)
    f_scales = [_scale(rng) for _ in range(out_c)] if per_channel else [_scale(rng)]
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, in_h, in_w, in_c), scale=s_in, zero_point=_zp(rng))
    w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape),
                     scale=f_scales, zero_point=[0] * len(f_scales), quantized_dimension=qdim)
    inputs = [x, w]
    if rng.random() < 0.7:
        big = int(_pick(rng, [1 << 10, 1 << 20, (1 << 31) - 1]))
        inputs.append(b.add_tensor("b", np.int32, [out_c],
                                   data=rng.integers(-big, big, out_c, endpoint=True),
                                   scale=[s_in * s for s in np.broadcast_to(f_scales, out_c)],
                                   zero_point=[0] * out_c))
    y = b.add_tensor("y", np.int8, (batches, out_h, out_w, out_c), scale=s_out, zero_point=_zp(rng))
    options = {"padding": padding, "stride_h": stride[0], "stride_w": stride[1],
               "dilation_h_factor": dilation[0], "dilation_w_factor": dilation[1],
               "fused_activation_function": _pick(rng, ACTIVATIONS)}
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = mult
    b.add_operator(op, inputs, [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, (batches, in_h, in_w, in_c)).astype(np.int8)]


def fc_model(rng, size: int = 1):
    batches, depth = int(rng.integers(1, 6)), int(rng.integers(1, 70 * size + 1))
    units = int(rng.integers(1, 13 * size + 1))
    s_in, s_out = _scale(rng), _scale(rng)
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, depth), scale=s_in, zero_point=_zp(rng))
    if rng.random() < 0.5:
        f_scales = [_scale(rng) for _ in range(units)]
        w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-127, 128, (units, depth)),
                         scale=f_scales, zero_point=[0] * units, quantized_dimension=0)
        bias_scales = [s_in * s for s in f_scales]
    else:
        s_w = _scale(rng)
        w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-128, 128, (units, depth)),
                         scale=s_w, zero_point=_zp(rng))
        bias_scales = [s_in * s_w]
    inputs = [x, w]
    if rng.random() < 0.7:
        inputs.append(b.add_tensor("b", np.int32, [units],
                                   data=rng.integers(-(1 << 20), 1 << 20, units),
                                   scale=bias_scales, zero_point=[0] * len(bias_scales)))
    y = b.add_tensor("y", np.int8, (batches, units), scale=s_out, zero_point=_zp(rng))
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": _pick(rng, ACTIVATIONS)})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, (batches, depth)).astype(np.int8)]


def pool_model(rng, op: str):
    n, h, w, c = (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)),
                  int(rng.integers(1, 14)))
    fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    padding = _pick(rng, list(PADDINGS))
    oh, ow = compute_out_size(PADDINGS[padding], h, fh, sh), compute_out_size(PADDINGS[padding], w, fw, sw)
    if oh < 1 or ow < 1:
        padding = "SAME"
        oh, ow = compute_out_size(0, h, fh, sh), compute_out_size(0, w, fw, sw)
    s, zp = _scale(rng), _zp(rng)
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (n, h, w, c), scale=s, zero_point=zp)
    y = b.add_tensor("y", np.int8, (n, oh, ow, c), scale=s, zero_point=zp)
    b.add_operator(op, [x], [y], options={
        "padding": padding, "stride_h": sh, "stride_w": sw, "filter_height": fh,
        "filter_width": fw, "fused_activation_function": _pick(rng, ACTIVATIONS)})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, (n, h, w, c)).astype(np.int8)]


def binary_model(rng, op: str):
    shape = tuple(int(d) for d in rng.integers(1, 7, int(rng.integers(1, 5))))
    b = ModelBuilder()
    x1 = b.add_tensor("x1", np.int8, shape, scale=_scale(rng), zero_point=_zp(rng))
    x2 = b.add_tensor("x2", np.int8, shape, scale=_scale(rng), zero_point=_zp(rng))
    y = b.add_tensor("y", np.int8, shape, scale=_scale(rng), zero_point=_zp(rng))
    b.add_operator(op, [x1, x2], [y], options={"fused_activation_function": _pick(rng, ACTIVATIONS)})
    b.set_inputs([x1, x2])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, shape).astype(np.int8) for _ in range(2)]


def softmax_model(rng):
    shape = (int(rng.integers(1, 5)), int(rng.integers(1, 41)))
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, shape, scale=10.0 ** rng.uniform(-2, 0.5), zero_point=_zp(rng))
    y = b.add_tensor("y", np.int8, shape, scale=1.0 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", [x], [y], options={"beta": float(_pick(rng, [1.0, 0.5, 2.0]))})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, shape).astype(np.int8)]


def draw(rng, op: str, kernel: str):
    if op in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        return conv_model(rng, op, kernel)
    if op == "FULLY_CONNECTED":
        return fc_model(rng)
    if op in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        return pool_model(rng, op)
    if op in ("ADD", "MUL"):
        return binary_model(rng, op)
    return softmax_model(rng)


def record_cases(seed: int, per_kernel: int, rounding: str = "double", kernels=None):
    """Recorded kernel calls: ``per_kernel`` models for each (op, kernel) of KERNELS."""
    from interpreter.errors import ModelError

    from .vectors import record_model
    rng = np.random.default_rng(seed)
    calls = []
    for op, kernel in kernels or KERNELS:
        done = tries = 0
        while done < per_kernel:
            tries += 1
            if tries > 200 * per_kernel:
                raise RuntimeError(f"could not draw a {op}/{kernel} model")
            model, feeds = draw(rng, op, kernel)
            try:
                recorded, chosen = record_model(model, feeds, rounding, op)
            except ModelError:
                continue
            if chosen != kernel:
                continue
            calls.extend(recorded)
            done += 1
    return calls
