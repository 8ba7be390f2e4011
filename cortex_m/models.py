"""Seeded random single-op models, one family per C kernel the backend selects.

Shapes and quantization are drawn like tests/support/c_backend_cases.py (zero points
incl. -128/127, scales from 1e-6 to 4, per-tensor and per-channel weights,
optional bias up to +-2^31-1, every fused activation), steered so that each
kernel variant (1x1 / 1xN / general convolution, 3x3 / multiplier-1 / general
depthwise, ...) is reached. The data-movement kernels copy bytes, so their
models (``DATA_MODELS``) draw every element type the op takes, and are also the
C backend's hypothesis cases (tests/support/c_backend_cases.py).
``cases(seed, per_kernel)`` retries a draw the
NumPy op refuses (a ModelError, e.g. a multiplier TFLM rejects) or that lands
on another kernel.
"""
from __future__ import annotations

import numpy as np

from interpreter.builder import ModelBuilder
from interpreter.ops.window import compute_out_size

PADDINGS = {"SAME": 0, "VALID": 1}
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]

#: (op, kernel variant as the C backend names it in op.kernel)
KERNELS = [("CONV_2D", "1x1"), ("CONV_2D", "1xn"), ("CONV_2D", "general"),
           ("DEPTHWISE_CONV_2D", "3x3"), ("DEPTHWISE_CONV_2D", "mult1"),
           ("DEPTHWISE_CONV_2D", "general"), ("FULLY_CONNECTED", "fc"),
           ("AVERAGE_POOL_2D", "avg"), ("MAX_POOL_2D", "max"), ("ADD", "add"), ("MUL", "mul"),
           ("SOFTMAX", "softmax"), ("RESHAPE", "copy"), ("PAD", "pad"),
           ("CONCATENATION", "concat"), ("STRIDED_SLICE", "strided"), ("TRANSPOSE", "strided"),
           ("RESIZE_NEAREST_NEIGHBOR", "nearest"), ("MEAN", "mean"),
           ("CONV_2D", "s16"), ("DEPTHWISE_CONV_2D", "s16"), ("FULLY_CONNECTED", "s16"),
           ("TRANSPOSE_CONV", "s8"), ("TRANSPOSE_CONV", "s16"), ("SUB", "sub"),
           # tnn_lut_s8 serves every op whose prepared form is an int8 table; two of them
           ("LOGISTIC", "lut"), ("HARD_SWISH", "lut"), ("DEQUANTIZE", "lut_f32"),
           ("QUANTIZE", "quantize"), ("FULLY_CONNECTED", "fc_f32"),
           ("UNIDIRECTIONAL_SEQUENCE_LSTM", "s8"), ("UNIDIRECTIONAL_SEQUENCE_LSTM", "s16")]


def _zp(rng) -> int:
    return int(rng.choice([-128, 127, 0])) if rng.random() < 0.3 else int(rng.integers(-128, 128))


def _scale(rng) -> float:
    return float(rng.choice([1e-6, 1.0, 4.0])) if rng.random() < 0.15 else 10.0 ** rng.uniform(-3, 0.5)


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _activations(rng, int16: bool):
    """(dtype, input zero point, output zero point, bias dtype, bias magnitude) of an int8
    or a 16x8 model (int16 activations without zero points, an int64 bias)."""
    if int16:
        return np.int16, 0, 0, np.int64, int(_pick(rng, [1 << 10, 1 << 24, 1 << 40]))
    return np.int8, _zp(rng), _zp(rng), np.int32, int(_pick(rng, [1 << 10, 1 << 20, (1 << 31) - 1]))


def _feed(rng, dtype, shape) -> np.ndarray:
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)


def window_output(padding: str, in_hw, k_hw, stride, dilation=(1, 1)):
    """(padding, out_h, out_w) of a convolution or pooling window over an image: as drawn,
    or SAME where a VALID window would leave no output (it is larger than the image)."""
    def out_size(code):
        return [compute_out_size(code, n, k, s, d)
                for n, k, s, d in zip(in_hw, k_hw, stride, dilation)]
    out_h, out_w = out_size(PADDINGS[padding])
    if out_h < 1 or out_w < 1:
        padding = "SAME"
        out_h, out_w = out_size(PADDINGS[padding])
    return padding, out_h, out_w


def conv_options(padding: str, stride, dilation, activation: str, depth_multiplier=None) -> dict:
    """CONV_2D options, or DEPTHWISE_CONV_2D's with ``depth_multiplier``."""
    options = {"padding": padding, "stride_h": stride[0], "stride_w": stride[1],
               "dilation_h_factor": dilation[0], "dilation_w_factor": dilation[1],
               "fused_activation_function": activation}
    if depth_multiplier is not None:
        options["depth_multiplier"] = depth_multiplier
    return options


def add_fc_filter(b: ModelBuilder, rng, units: int, depth: int, s_in: float, per_channel: bool,
                  draw_scale, draw_zp):
    """The int8 FULLY_CONNECTED filter "w" and the bias scales it implies (the input scale
    times each filter scale): per-channel (symmetric, a scale per unit) or per-tensor (one
    scale and zero point). ``draw_scale()`` and ``draw_zp()`` draw one value each (from a
    generator or from hypothesis), called in the order the values are needed."""
    if per_channel:
        f_scales = [draw_scale() for _ in range(units)]
        w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-127, 128, (units, depth)),
                         scale=f_scales, zero_point=[0] * units, quantized_dimension=0)
        return w, [s_in * s for s in f_scales]
    s_w = draw_scale()
    w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-128, 128, (units, depth)),
                     scale=s_w, zero_point=draw_zp())
    return w, [s_in * s_w]


def int8_pool_model(rng, op: str, shape, filter_hw, stride, padding: str, scale: float,
                    zero_point: int, activation: str):
    """(model, feeds) of an int8 AVERAGE_POOL_2D / MAX_POOL_2D with every parameter given
    (the output keeps the input's quantization, as TFLM requires)."""
    n, h, w, c = shape
    padding, oh, ow = window_output(padding, (h, w), filter_hw, stride)
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, shape, scale=scale, zero_point=zero_point)
    y = b.add_tensor("y", np.int8, (n, oh, ow, c), scale=scale, zero_point=zero_point)
    b.add_operator(op, [x], [y], options={
        "padding": padding, "stride_h": stride[0], "stride_w": stride[1],
        "filter_height": filter_hw[0], "filter_width": filter_hw[1],
        "fused_activation_function": activation})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, shape).astype(np.int8)]


def conv_model(rng, op: str, kernel: str, size: int = 1):
    """(model, feeds) for CONV_2D / DEPTHWISE_CONV_2D aimed at ``kernel`` ("s16": 16x8);
    ``size`` scales shapes."""
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
    padding, out_h, out_w = window_output(padding, (in_h, in_w), (kh, kw), stride, dilation)
    if op == "CONV_2D":
        out_c = int(rng.integers(1, 11 * size + 1))
        f_shape, qdim = (out_c, kh, kw, in_c), 0
    else:
        out_c = in_c * mult
        f_shape, qdim = (1, kh, kw, out_c), 3
    per_channel = rng.random() < 0.5
    s_in, s_out = _scale(rng), _scale(rng)
    f_scales = [_scale(rng) for _ in range(out_c)] if per_channel else [_scale(rng)]
    dtype, zp_in, zp_out, bias_type, big = _activations(rng, kernel == "s16")
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, (batches, in_h, in_w, in_c), scale=s_in, zero_point=zp_in)
    w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape),
                     scale=f_scales, zero_point=[0] * len(f_scales), quantized_dimension=qdim)
    inputs = [x, w]
    if rng.random() < 0.7:
        inputs.append(b.add_tensor("b", bias_type, [out_c],
                                   data=rng.integers(-big, big, out_c, endpoint=True),
                                   scale=[s_in * s for s in np.broadcast_to(f_scales, out_c)],
                                   zero_point=[0] * out_c))
    y = b.add_tensor("y", dtype, (batches, out_h, out_w, out_c), scale=s_out, zero_point=zp_out)
    options = conv_options(padding, stride, dilation, _pick(rng, ACTIVATIONS),
                           mult if op == "DEPTHWISE_CONV_2D" else None)
    b.add_operator(op, inputs, [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_feed(rng, dtype, (batches, in_h, in_w, in_c))]


def fc_model(rng, size: int = 1, int16: bool = False):
    batches, depth = int(rng.integers(1, 6)), int(rng.integers(1, 70 * size + 1))
    units = int(rng.integers(1, 13 * size + 1))
    s_in, s_out = _scale(rng), _scale(rng)
    dtype, zp_in, zp_out, bias_type, big = _activations(rng, int16)
    if int16 and rng.random() < 0.5:   # FULLY_CONNECTED's 16x8 kernel reads the zero points
        zp_in, zp_out = int(rng.integers(-32768, 32768)), int(rng.integers(-32768, 32768))
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, (batches, depth), scale=s_in, zero_point=zp_in)
    w, bias_scales = add_fc_filter(b, rng, units, depth, s_in, rng.random() < 0.5,
                                   lambda: _scale(rng), lambda: _zp(rng))
    inputs = [x, w]
    if rng.random() < 0.7:
        inputs.append(b.add_tensor("b", bias_type, [units],
                                   data=rng.integers(-min(big, 1 << 20), min(big, 1 << 20), units),
                                   scale=bias_scales, zero_point=[0] * len(bias_scales)))
    y = b.add_tensor("y", dtype, (batches, units), scale=s_out, zero_point=zp_out)
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": _pick(rng, ACTIVATIONS)})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_feed(rng, dtype, (batches, depth))]


def transpose_conv_model(rng, int16: bool):
    """TRANSPOSE_CONV (inputs: output shape, OHWI filter, input, bias), int8 or 16x8."""
    n, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 6)), int(rng.integers(1, 6))
    in_c, out_c = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    padding = _pick(rng, list(PADDINGS))
    # the output size whose convolution with this filter and stride gives the input size
    sizes = []
    for size, f, st in ((h, fh, sh), (w, fw, sw)):
        fits = [o for o in range(1, size * st + f + 2)
                if compute_out_size(PADDINGS[padding], o, f, st) == size]
        sizes.append(int(_pick(rng, fits)) if fits else size * st)
    out_shape = (n, sizes[0], sizes[1], out_c)
    dtype, zp_in, zp_out, bias_type, big = _activations(rng, int16)
    s_in, s_out = _scale(rng), _scale(rng)
    f_scales = ([_scale(rng) for _ in range(out_c)] if rng.random() < 0.5 else [_scale(rng)])
    b = ModelBuilder()
    shape_t = b.add_tensor("shape", np.int32, [4], data=np.array(out_shape, np.int32))
    wt = b.add_tensor("w", np.int8, (out_c, fh, fw, in_c),
                      data=rng.integers(-127, 128, (out_c, fh, fw, in_c)), scale=f_scales,
                      zero_point=[0] * len(f_scales))
    x = b.add_tensor("x", dtype, (n, h, w, in_c), scale=s_in, zero_point=zp_in)
    inputs = [shape_t, wt, x]
    if rng.random() < 0.7:
        inputs.append(b.add_tensor("b", bias_type, [out_c],
                                   data=rng.integers(-min(big, 1 << 24), min(big, 1 << 24), out_c),
                                   scale=[s_in * s for s in np.broadcast_to(f_scales, out_c)],
                                   zero_point=[0] * out_c))
    y = b.add_tensor("y", dtype, out_shape, scale=s_out, zero_point=zp_out)
    b.add_operator("TRANSPOSE_CONV", inputs, [y], options={
        "padding": padding, "stride_h": sh, "stride_w": sw,
        "fused_activation_function": _pick(rng, ACTIVATIONS)})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_feed(rng, dtype, (n, h, w, in_c))]


def pool_model(rng, op: str):
    n, h, w, c = (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)),
                  int(rng.integers(1, 14)))
    fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    padding = _pick(rng, list(PADDINGS))
    s, zp = _scale(rng), _zp(rng)
    return int8_pool_model(rng, op, (n, h, w, c), (fh, fw), (sh, sw), padding, s, zp,
                           _pick(rng, ACTIVATIONS))


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


def _values(rng, dtype, shape) -> np.ndarray:
    """Random values of any type: the whole integer range, normal floats, both booleans."""
    dtype = np.dtype(dtype)
    if dtype == np.float32:
        return rng.standard_normal(shape).astype(np.float32)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)


def _shape(rng, max_rank: int, max_dim: int, min_rank: int = 1) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, max_dim + 1, int(rng.integers(min_rank,
                                                                             max_rank + 1))))


def _quantization(rng, dtype) -> dict:
    """The add_tensor keywords of a tensor the data-movement ops copy unscaled: int8 with any
    zero point, int16 symmetric, the other types unquantized."""
    if np.dtype(dtype) == np.int8:
        return {"scale": _scale(rng), "zero_point": _zp(rng)}
    if np.dtype(dtype) == np.int16:
        return {"scale": _scale(rng), "zero_point": 0}
    return {}


def reshape_model(rng):
    """A RESHAPE of int8, int16, int32 or float32 values (the kernel copies bytes)."""
    dtype = np.dtype(_pick(rng, [np.int8, np.int16, np.int32, np.float32]))
    shape = _shape(rng, 4, 5)
    n = int(np.prod(shape))
    new_shape = (n,) if rng.random() < 0.5 else (1, n)
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, shape)
    s = b.add_tensor("s", np.int32, [len(new_shape)], data=np.array(new_shape, np.int32))
    y = b.add_tensor("y", dtype, new_shape)
    b.add_operator("RESHAPE", [x, s], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_values(rng, dtype, shape)]


def pad_model(rng, op: str = "PAD"):
    """PAD (with or without constant_values) or PADV2 of up to 5 dimensions, any type the op
    takes; the pad value is now and then computed at run time (a model input)."""
    dtype = np.dtype(_pick(rng, [np.int8, np.int16, np.int32, np.float32]))
    shape = _shape(rng, 5, 5)
    pads = np.array([(int(rng.integers(0, 4)) if rng.random() < 0.7 else 0,
                      int(rng.integers(0, 4)) if rng.random() < 0.7 else 0) for _ in shape],
                    np.int32)
    out_shape = tuple(d + a + z for d, (a, z) in zip(shape, pads))
    q = _quantization(rng, dtype)
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, shape, **q)
    inputs = [x, b.add_tensor("p", np.int32, pads.shape, data=pads)]
    feeds = [_values(rng, dtype, shape)]
    model_inputs = [x]
    if op == "PADV2" or rng.random() < 0.4:
        value = _values(rng, dtype, (1,))
        if rng.random() < 0.3:
            inputs.append(b.add_tensor("v", dtype, [1], **q))
            model_inputs.append(inputs[-1])
            feeds.append(value)
        else:
            inputs.append(b.add_tensor("v", dtype, [1], data=value, **q))
    y = b.add_tensor("y", dtype, out_shape, **q)
    b.add_operator(op, inputs, [y])
    b.set_inputs(model_inputs)
    b.set_outputs([y])
    return b.build(), feeds


def concatenation_model(rng):
    """CONCATENATION of 1 to 10 inputs (now and then a constant one) of up to 6 dimensions
    along any axis, every type the op takes."""
    dtype = np.dtype(_pick(rng, [np.int8, np.int16, np.int32, np.int64, np.float32, np.bool_]))
    base = list(_shape(rng, 6, 4))
    axis = int(rng.integers(-len(base), len(base)))
    q = _quantization(rng, dtype)
    b = ModelBuilder()
    inputs, model_inputs, feeds = [], [], []
    for i in range(int(rng.integers(1, 11))):
        shape = list(base)
        shape[axis] = int(rng.integers(1, 4))
        values = _values(rng, dtype, shape)
        if rng.random() < 0.15:
            inputs.append(b.add_tensor(f"c{i}", dtype, shape, data=values, **q))
        else:
            inputs.append(b.add_tensor(f"x{i}", dtype, shape, **q))
            model_inputs.append(inputs[-1])
            feeds.append(values)
        base[axis] = shape[axis] if i == 0 else base[axis] + shape[axis]
    y = b.add_tensor("y", dtype, base, **q)
    b.add_operator("CONCATENATION", inputs, [y], options={"axis": axis})
    b.set_inputs(model_inputs)
    b.set_outputs([y])
    return b.build(), feeds


_SLICE_TYPES = [np.int8, np.int16, np.int32, np.float32, np.bool_]


def strided_slice_model(rng):
    """STRIDED_SLICE of up to 4 dimensions: negative and out-of-range begin/end, strides
    -3..3, begin/end masks, shrunk axes (as TFLM copies them: positive stride, begin in range)."""
    from interpreter.ops.slice import strided_slice_range
    dtype = np.dtype(_pick(rng, _SLICE_TYPES))
    while True:
        shape = _shape(rng, 4, 6)
        rank = len(shape)
        begin = [int(rng.integers(-7, 8)) for _ in shape]
        end = [int(rng.integers(-7, 8)) for _ in shape]
        strides = [int(_pick(rng, [-3, -2, -1, 1, 1, 1, 2, 3])) for _ in shape]
        begin_mask, end_mask = int(rng.integers(0, 1 << rank)), int(rng.integers(0, 1 << rank))
        shrink = 0
        for axis, d in enumerate(shape):
            if strides[axis] > 0 and rng.random() < 0.2:
                begin[axis] = int(rng.integers(-d, d))
                begin_mask &= ~(1 << axis)
                shrink |= 1 << axis
        ranges = [strided_slice_range(a, d, begin[a], end[a], strides[a], begin_mask, end_mask,
                                      bool(shrink >> a & 1)) for a, d in enumerate(shape)]
        if all(len(r) for r in ranges):
            break
    out_shape = [len(r) for a, r in enumerate(ranges) if not shrink >> a & 1]
    q = _quantization(rng, dtype)
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, shape, **q)
    vectors = [b.add_tensor(name, np.int32, [rank], data=np.array(v, np.int32))
               for name, v in (("begin", begin), ("end", end), ("strides", strides))]
    y = b.add_tensor("y", dtype, out_shape, **q)
    b.add_operator("STRIDED_SLICE", [x, *vectors], [y],
                   options={"begin_mask": begin_mask, "end_mask": end_mask,
                            "shrink_axis_mask": shrink})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_values(rng, dtype, shape)]


def slice_model(rng):
    """SLICE of up to 5 dimensions with constant int32 or int64 begin and size (-1: to the end)."""
    dtype = np.dtype(_pick(rng, _SLICE_TYPES))
    shape = _shape(rng, 5, 6)
    begin = [int(rng.integers(0, d)) for d in shape]
    size = [int(rng.integers(1, d - s + 1)) for d, s in zip(shape, begin)]
    out_shape = list(size)
    size = [-1 if n == d - s and rng.random() < 0.5 else n for n, d, s in zip(size, shape, begin)]
    index_type = _pick(rng, [np.int32, np.int64])
    q = _quantization(rng, dtype)
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, shape, **q)
    vectors = [b.add_tensor(name, index_type, [len(shape)], data=np.array(v, index_type))
               for name, v in (("begin", begin), ("size", size))]
    y = b.add_tensor("y", dtype, out_shape, **q)
    b.add_operator("SLICE", [x, *vectors], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_values(rng, dtype, shape)]


def transpose_model(rng):
    """TRANSPOSE of up to 5 dimensions, any permutation, every type the op takes."""
    dtype = np.dtype(_pick(rng, [np.int8, np.int16, np.float32]))
    shape = _shape(rng, 5, 5)
    perm = [int(p) for p in rng.permutation(len(shape))]
    q = _quantization(rng, dtype)
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, shape, **q)
    p = b.add_tensor("perm", np.int32, [len(shape)], data=np.array(perm, np.int32))
    y = b.add_tensor("y", dtype, [shape[k] for k in perm], **q)
    b.add_operator("TRANSPOSE", [x, p], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_values(rng, dtype, shape)]


def resize_nearest_model(rng):
    """RESIZE_NEAREST_NEIGHBOR up or down, with align_corners, half_pixel_centers, both or
    neither, every type the op takes."""
    dtype = np.dtype(_pick(rng, [np.int8, np.int16, np.float32]))
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, 6))
    in_h, in_w, out_h, out_w = (int(v) for v in rng.integers(1, 10, 4))
    if rng.random() < 0.3:
        out_h, out_w = 2 * in_h, 2 * in_w                      # the common 2x upsampling
    mode = _pick(rng, ["none", "align", "half", "both"])
    q = _quantization(rng, dtype)
    b = ModelBuilder()
    x = b.add_tensor("x", dtype, (n, in_h, in_w, c), **q)
    size = b.add_tensor("size", np.int32, [2], data=np.array([out_h, out_w], np.int32))
    y = b.add_tensor("y", dtype, (n, out_h, out_w, c), **q)
    b.add_operator("RESIZE_NEAREST_NEIGHBOR", [x, size], [y],
                   options={"align_corners": mode in ("align", "both"),
                            "half_pixel_centers": mode in ("half", "both")})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_values(rng, dtype, (n, in_h, in_w, c))]


def mean_model(rng, op: str = "MEAN"):
    """int8 MEAN or SUM over any axes (negative, repeated; the spatial axes 1, 2 of a 4-D
    input often), with or without keep_dims, the input's quantization or another."""
    shape = _shape(rng, 5, 6)
    rank = len(shape)
    if rank == 4 and rng.random() < 0.4:
        axes = [1, 2]
    else:
        axes = [int(a) for a in rng.integers(-rank, rank, int(rng.integers(1, rank + 2)))]
    keep = bool(rng.random() < 0.5)
    reduced = {a % rank for a in axes}
    out_shape = [1 if i in reduced else d for i, d in enumerate(shape)] if keep else \
        [d for i, d in enumerate(shape) if i not in reduced]
    s_in, zp_in = _scale(rng), _zp(rng)
    s_out, zp_out = (s_in, zp_in) if rng.random() < 0.3 else (_scale(rng), _zp(rng))
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, shape, scale=s_in, zero_point=zp_in)
    a = b.add_tensor("axes", np.int32, [len(axes)], data=np.array(axes, np.int32))
    y = b.add_tensor("y", np.int8, out_shape, scale=s_out, zero_point=zp_out)
    b.add_operator(op, [x, a], [y], options={"keep_dims": keep})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [_values(rng, np.int8, shape)]


#: the single-op model generators of the data-movement and reduction kernels, by op
DATA_MODELS = {
    "PAD": pad_model, "PADV2": lambda rng: pad_model(rng, "PADV2"),
    "CONCATENATION": concatenation_model, "STRIDED_SLICE": strided_slice_model,
    "SLICE": slice_model, "TRANSPOSE": transpose_model,
    "RESIZE_NEAREST_NEIGHBOR": resize_nearest_model, "MEAN": mean_model,
    "SUM": lambda rng: mean_model(rng, "SUM"),
}


def float_values(rng, shape, special_fraction: float, scale: float = 1.0) -> np.ndarray:
    """float32 values, a fraction of them NaN (both signs, quiet and signaling, payloads),
    +-inf, +-0, huge or subnormal."""
    x = (rng.standard_normal(shape) * scale).astype(np.float32)
    special = rng.random(shape) < special_fraction
    nan_bits = rng.integers(0x7F800001, 0x7FFFFFFF, 8, endpoint=True).astype(np.uint32)
    nan_bits[::2] |= np.uint32(0x80000000)
    pool = np.concatenate([nan_bits.view(np.float32), np.array(
        [np.inf, -np.inf, 0.0, -0.0, 3e38, -3e38, 1e-40, -1e-45], np.float32)])
    x[special] = rng.choice(pool, int(special.sum()))
    return x


def every_int8_value(rng, n: int) -> np.ndarray:
    """``n`` int8 values in random order, each of the 256 at least once when n >= 256."""
    return rng.permutation(np.resize(np.arange(-128, 128, dtype=np.int8), n))


def unary_model(rng, op: str):
    """An int8 element-wise op of one input (DEQUANTIZE: float32 out), every int8 value
    in the input."""
    n = int(rng.integers(256, 400)) if rng.random() < 0.8 else int(rng.integers(1, 8))
    s_in, s_out, zp_out = _scale(rng), _scale(rng), _zp(rng)
    if op == "LOGISTIC":
        s_out, zp_out = 1 / 256, -128
    elif op == "HARD_SWISH":
        s_out = s_in * 10.0 ** rng.uniform(-1.5, 1)   # TFLM needs s_out > s_in / 128
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (n,), scale=s_in, zero_point=_zp(rng))
    if op == "DEQUANTIZE":
        y = b.add_tensor("y", np.float32, (n,))
    else:
        y = b.add_tensor("y", np.int8, (n,), scale=s_out, zero_point=zp_out)
    b.add_operator(op, [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [every_int8_value(rng, n)]


def quantize_model(rng):
    """float32 -> int8, quotients at halves, out of int32's range, NaN, inf."""
    n = int(rng.integers(1, 200))
    s, zp = _scale(rng), _zp(rng)
    feed = float_values(rng, n, 0.1, 100 * s)
    halves = rng.random(n) < 0.3
    feed[halves] = ((rng.integers(-200, 200, n) + np.float32(0.5)) * np.float32(s))[halves]
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (n,))
    y = b.add_tensor("y", np.int8, (n,), scale=s, zero_point=zp)
    b.add_operator("QUANTIZE", [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [feed]


def fc_float_model(rng):
    """float32 FULLY_CONNECTED; half the time with NaN / inf / huge values in the input,
    weights and bias (which NaN a sum keeps is part of the result)."""
    batches, depth, units = int(rng.integers(1, 5)), int(rng.integers(1, 40)), int(rng.integers(1, 12))
    special = float(_pick(rng, [0.0, 0.05, 0.2]))
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (batches, depth))
    w = b.add_tensor("w", np.float32, (units, depth),
                     data=float_values(rng, (units, depth), special / 2))
    inputs = [x, w]
    if rng.random() < 0.7:
        inputs.append(b.add_tensor("b", np.float32, [units],
                                   data=float_values(rng, units, special)))
    y = b.add_tensor("y", np.float32, (batches, units))
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": _pick(rng, ACTIVATIONS)})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [float_values(rng, (batches, depth), special)]


def softmax_model(rng):
    shape = (int(rng.integers(1, 5)), int(rng.integers(1, 41)))
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, shape, scale=10.0 ** rng.uniform(-2, 0.5), zero_point=_zp(rng))
    y = b.add_tensor("y", np.int8, shape, scale=1.0 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", [x], [y], options={"beta": float(_pick(rng, [1.0, 0.5, 2.0]))})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, shape).astype(np.int8)]


def lstm_model(rng, kernel: str = "s8"):
    """An integer UNIDIRECTIONAL_SEQUENCE_LSTM: int8 activations with int32 biases up to
    +-2^31 ("s8") or int16 ones with int64 biases up to +-2^40 ("s16"); int8 weights with
    zero points, int16 cell state 2^-5 .. 2^-20 times a factor, optional cell clip, either
    layout. Its variable hidden and cell state start at the zero point and 0."""
    act, bias_type = (np.int16, np.int64) if kernel == "s16" else (np.int8, np.int32)
    info = np.iinfo(act)
    batches, steps = int(rng.integers(1, 4)), int(rng.integers(1, 7))
    n_input, n_state = int(rng.integers(1, 13)), int(rng.integers(1, 13))
    time_major = bool(rng.random() < 0.5)
    x_shape = (steps, batches, n_input) if time_major else (batches, steps, n_input)
    # mostly scales at which the gates and states take many values, else any
    unit = 2.0 ** -8 if act == np.int16 else 1.0
    s_in = 10.0 ** rng.uniform(-2.5, -1) * unit if rng.random() < 0.7 else _scale(rng)
    s_h = 10.0 ** rng.uniform(-2.5, -1.5) * unit if rng.random() < 0.7 else _scale(rng)
    s_c = 2.0 ** -int(rng.integers(5, 21)) * _pick(rng, [1.0, 1.0, 0.7, 1.3])
    b = ModelBuilder()
    ids = [-1] * 24
    ids[0] = b.add_tensor("x", act, x_shape, scale=s_in, zero_point=_zp(rng))
    w_scales = {}
    for k in range(1, 9):
        shape = (n_state, n_input) if k < 5 else (n_state, n_state)
        w_scales[k] = 10.0 ** rng.uniform(-3, -1.5) if rng.random() < 0.7 else _scale(rng)
        zp = _zp(rng) if rng.random() < 0.3 else 0
        ids[k] = b.add_tensor(f"w{k}", np.int8, shape, scale=w_scales[k], zero_point=zp,
                              data=rng.integers(-128, 128, shape))
    for k in range(12, 16):
        big = int(_pick(rng, [1 << 10, 1 << 16, (1 << 31) - 1, 1 << 40]))
        big = min(big, int(np.iinfo(bias_type).max))
        ids[k] = b.add_tensor(f"b{k}", bias_type, (n_state,), scale=s_in * w_scales[k - 11],
                              zero_point=0, data=rng.integers(-big, big, n_state, endpoint=True))
    ids[18] = b.add_tensor("h", act, (batches, n_state), scale=s_h, zero_point=_zp(rng),
                           is_variable=True)
    ids[19] = b.add_tensor("c", np.int16, (batches, n_state), scale=s_c, zero_point=0,
                           is_variable=True)
    y = b.add_tensor("y", act, (*x_shape[:2], n_state), scale=s_h, zero_point=0)
    b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ids, [y], options={
        "fused_activation_function": "TANH", "time_major": time_major,
        "cell_clip": float(_pick(rng, [0.0, 0.0, -1.0, 0.05, 1.0, 8.0]))})
    b.set_inputs([ids[0]])
    b.set_outputs([y])
    return b.build(), [rng.integers(info.min, info.max, x_shape, endpoint=True).astype(act)]


def draw(rng, op: str, kernel: str):
    if op in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        return conv_model(rng, op, kernel)
    if op == "FULLY_CONNECTED":
        if kernel == "fc_f32":
            return fc_float_model(rng)
        return fc_model(rng, int16=kernel == "s16")
    if op == "TRANSPOSE_CONV":
        return transpose_conv_model(rng, int16=kernel == "s16")
    if op in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        return pool_model(rng, op)
    if op in ("ADD", "SUB", "MUL"):
        return binary_model(rng, op)
    if kernel in ("lut", "lut_f32"):
        return unary_model(rng, op)
    if op == "QUANTIZE":
        return quantize_model(rng)
    if op == "RESHAPE":
        return reshape_model(rng)
    if op in DATA_MODELS:
        return DATA_MODELS[op](rng)
    if op == "UNIDIRECTIONAL_SEQUENCE_LSTM":
        return lstm_model(rng, kernel)
    return softmax_model(rng)


def _conv_edge(rng, op: str, *, batches, in_hw, in_c, k_hw, stride=(1, 1), dilation=(1, 1),
               padding="SAME", out_c=None, mult=1, f_scales, s_in=0.05, s_out=0.1,
               zp_in=-128, zp_out=-128, bias=None, act="NONE"):
    """A CONV_2D / DEPTHWISE_CONV_2D model with every parameter given."""
    in_h, in_w = in_hw
    kh, kw = k_hw
    out_h = compute_out_size(PADDINGS[padding], in_h, kh, stride[0], dilation[0])
    out_w = compute_out_size(PADDINGS[padding], in_w, kw, stride[1], dilation[1])
    if op == "CONV_2D":
        f_shape, qdim = (out_c, kh, kw, in_c), 0
    else:
        out_c = in_c * mult
        f_shape, qdim = (1, kh, kw, out_c), 3
    f_scales = list(np.resize(np.asarray(f_scales, dtype=float), out_c))
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, in_h, in_w, in_c), scale=s_in, zero_point=zp_in)
    w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape),
                     scale=f_scales, zero_point=[0] * out_c, quantized_dimension=qdim)
    inputs = [x, w]
    if bias is not None:
        inputs.append(b.add_tensor("b", np.int32, [out_c], data=np.resize(np.asarray(bias), out_c),
                                   scale=[s_in * s for s in f_scales], zero_point=[0] * out_c))
    y = b.add_tensor("y", np.int8, (batches, out_h, out_w, out_c), scale=s_out, zero_point=zp_out)
    options = conv_options(padding, stride, dilation, act,
                           mult if op == "DEPTHWISE_CONV_2D" else None)
    b.add_operator(op, inputs, [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, (batches, in_h, in_w, in_c)).astype(np.int8)]


def _fc_edge(rng, *, batches, depth, units, w_scales, w_zp=0, zp_in=127, zp_out=-128, bias=None,
             act="NONE"):
    per_channel = len(w_scales) > 1
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, depth), scale=0.05, zero_point=zp_in)
    if per_channel:
        w_scales = list(np.resize(np.asarray(w_scales, dtype=float), units))
        w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-127, 128, (units, depth)),
                         scale=w_scales, zero_point=[0] * units, quantized_dimension=0)
    else:
        w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-128, 128, (units, depth)),
                         scale=w_scales[0], zero_point=w_zp)
    inputs = [x, w]
    if bias is not None:
        inputs.append(b.add_tensor("b", np.int32, [units], data=np.resize(np.asarray(bias), units),
                                   scale=[0.05 * s for s in w_scales], zero_point=[0] * len(w_scales)))
    y = b.add_tensor("y", np.int8, (batches, units), scale=0.2, zero_point=zp_out)
    b.add_operator("FULLY_CONNECTED", inputs, [y], options={"fused_activation_function": act})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [rng.integers(-128, 128, (batches, depth)).astype(np.int8)]


#: per-channel scales that put channels on both requantization paths of the DSP
#: kernels (tnn_dsp.h): ordinary ones (shift -1..-21), a product of scales >= 0.5
#: (shift >= 0) and a tiny one (shift < -21)
_MIXED_SCALES = [0.01, 0.004, 3.0, 1e-7, 0.02, 0.0005, 0.05]
#: biases that push sums past 2^30 (the saturating steps of the fast requantization)
_BIG_BIAS = [5, -(1 << 31) + 7, (1 << 31) - 9, 1 << 30, -3, -(1 << 30) - 1, 100, 0]


def edge_models(seed: int = 0):
    """(op, kernel, model, feeds) aimed at the edges of the DSP paths (kernels_c/include/
    tnn_dsp.h): depths and channel counts that are not multiples of 4, depth blocks
    beyond TNN_MM_KC = 128, 4-row blocks with 1-3 rows left over, 1x1 and 3x3
    windows, depth multipliers 1, 2 and 3, depthwise windows over TNN_DW_MAX_TAPS = 64
    taps, per-channel scales on both requantization paths, sums past 2^30, input and
    output zero points -128 / 127."""
    rng = np.random.default_rng(seed)
    c, d = "CONV_2D", "DEPTHWISE_CONV_2D"
    out = [
        # general: depth 5*5*7 = 175 (two depth blocks), 19 channels (a chunk of 16 + 3),
        # 5x6 pixels (7 blocks of 4 rows + 2)
        (c, "general", _conv_edge(rng, c, batches=1, in_hw=(5, 6), in_c=7, k_hw=(5, 5),
                                  out_c=19, f_scales=_MIXED_SCALES, bias=_BIG_BIAS)),
        # 3x3, 13 input channels (depth 117), 9 pixels (2 blocks + 1 row), stride 2
        (c, "general", _conv_edge(rng, c, batches=2, in_hw=(5, 6), in_c=13, k_hw=(3, 3),
                                  stride=(2, 2), out_c=6, f_scales=[0.003], zp_in=127,
                                  zp_out=-128, bias=[(1 << 31) - 1, -5000])),
        # 1x1: depth 33, 5 channels, 3x3 pixels
        (c, "1x1", _conv_edge(rng, c, batches=1, in_hw=(3, 3), in_c=33, k_hw=(1, 1),
                              padding="VALID", out_c=5, f_scales=_MIXED_SCALES, bias=_BIG_BIAS,
                              zp_out=0)),
        # 1xN: depth 3*10 = 30, row of 11
        (c, "1xn", _conv_edge(rng, c, batches=1, in_hw=(1, 11), in_c=10, k_hw=(1, 3),
                              out_c=9, f_scales=[0.02, 0.001], act="RELU")),
        # depthwise 3x3: 7 channels (a group of 4 + 3), inner and border pixels
        (d, "3x3", _conv_edge(rng, d, batches=1, in_hw=(6, 7), in_c=7, k_hw=(3, 3),
                              f_scales=_MIXED_SCALES, bias=_BIG_BIAS)),
        (d, "3x3", _conv_edge(rng, d, batches=2, in_hw=(5, 5), in_c=8, k_hw=(3, 3),
                              stride=(2, 2), f_scales=[0.02], zp_in=127, zp_out=-128)),
        # multiplier 1, 9x9 window (81 taps: the one-channel fallback) and 5x5 dilated
        (d, "mult1", _conv_edge(rng, d, batches=1, in_hw=(9, 10), in_c=5, k_hw=(9, 9),
                                f_scales=[0.004], bias=[1 << 30, -7])),
        (d, "mult1", _conv_edge(rng, d, batches=1, in_hw=(7, 8), in_c=12, k_hw=(3, 5),
                                dilation=(2, 1), f_scales=_MIXED_SCALES, bias=_BIG_BIAS,
                                zp_out=5, act="RELU6")),
        # multiplier 2 (5 inputs: 2 groups of 4 outputs + 2) and 3 (one channel at a time)
        (d, "general", _conv_edge(rng, d, batches=1, in_hw=(6, 6), in_c=5, k_hw=(3, 3),
                                  mult=2, dilation=(2, 2), f_scales=_MIXED_SCALES,
                                  bias=_BIG_BIAS)),
        (d, "general", _conv_edge(rng, d, batches=1, in_hw=(4, 5), in_c=3, k_hw=(2, 3),
                                  mult=3, f_scales=[0.01], zp_in=127)),
    ]
    edge = [(op, k, m, f) for op, k, (m, f) in out]
    for batches, depth, units, scales, w_zp in [(6, 150, 9, _MIXED_SCALES, 0),
                                                (5, 37, 6, [0.003], 3),
                                                (1, 131, 7, _MIXED_SCALES, 0)]:
        model, feeds = _fc_edge(rng, batches=batches, depth=depth, units=units,
                                w_scales=scales, w_zp=w_zp, bias=_BIG_BIAS)
        edge.append(("FULLY_CONNECTED", "fc", model, feeds))
    return edge


def record_cases(seed: int, per_kernel: int, rounding: str = "double", kernels=None,
                 edge: bool = False):
    """Recorded kernel calls: ``per_kernel`` models for each (op, kernel) of KERNELS,
    and with ``edge`` the fixed edge_models() first."""
    from interpreter.errors import ModelError

    from .vectors import record_model
    rng = np.random.default_rng(seed)
    calls = []
    if edge:
        for op, kernel, model, feeds in edge_models(seed):
            recorded, chosen = record_model(model, feeds, rounding, op)
            if chosen != kernel:
                raise RuntimeError(f"edge model for {op}/{kernel} ran {chosen}")
            calls.extend(recorded)
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
