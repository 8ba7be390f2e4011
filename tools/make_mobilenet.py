"""A MobileNetV1-like int8 model (random weights) for benchmarks, built with ModelBuilder.

The layer plan is MobileNetV1's (Howard et al. 2017): a 3x3 stride-2 CONV_2D,
13 depthwise-separable blocks (3x3 DEPTHWISE_CONV_2D + 1x1 CONV_2D, all RELU6),
AVERAGE_POOL_2D over the last 7x7 map, FULLY_CONNECTED to 1000 classes and
SOFTMAX; channel counts scaled by ``alpha``. The weights are random (He-scaled
normal, deterministic from ``seed``) and quantized as TFLite's converter does
for a real model: int8 per-channel symmetric filters (scale = max|w| / 127 per
output channel, quantized_dimension 0 for CONV_2D, 3 for DEPTHWISE_CONV_2D),
int32 biases at input_scale * filter_scale, RELU6 activations at scale 6/255
with zero point -128, an input in [-1, 1] (scale 1/128, zero point 0), and a
per-tensor FULLY_CONNECTED. The outputs are meaningless; the arithmetic (shapes,
multipliers, shifts, offsets) is that of a real quantized MobileNet.

    python tools/make_mobilenet.py --alpha 0.5 -o mobilenet_v1_0.5_224.tflite
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: (stride of the depthwise conv, output channels of the pointwise conv at alpha 1)
BLOCKS = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512),
          (1, 512), (1, 512), (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024)]
RELU6_SCALE, RELU6_ZP = 6.0 / 255.0, -128


def _quantize_filter(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel symmetric int8 (along ``axis``): (values, scales)."""
    other = tuple(i for i in range(w.ndim) if i != axis)
    scale = np.maximum(np.abs(w).max(axis=other), 1e-6) / 127.0
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def mobilenet_v1(alpha: float = 0.5, size: int = 224, classes: int = 1000, seed: int = 0) -> bytes:
    """The model's .tflite bytes."""
    from interpreter.builder import ModelBuilder

    rng = np.random.default_rng(seed)
    b = ModelBuilder(description=f"MobileNetV1-like alpha {alpha} {size}x{size}, random weights")
    in_scale = 1.0 / 128.0
    x = b.add_tensor("input", np.int8, [1, size, size, 3], scale=in_scale, zero_point=0)
    layer = 0

    def bias(scales: np.ndarray, in_s: float, fan_in: int) -> int:
        real = rng.normal(0.0, 0.5, scales.size)   # in output units, before RELU6
        q = np.round(real / (in_s * scales)).astype(np.int64)
        return b.add_tensor(f"b{layer}", np.int32, [scales.size],
                            data=np.clip(q, -(1 << 31), (1 << 31) - 1).astype(np.int32),
                            scale=list(in_s * scales), zero_point=[0] * scales.size)

    def conv(t: int, shape: list[int], in_s: float, out_ch: int, k: int, stride: int,
             depthwise: bool) -> tuple[int, list[int]]:
        nonlocal layer
        _, h, w, c = shape
        oh, ow = -(-h // stride), -(-w // stride)          # SAME padding
        fan_in = k * k * (1 if depthwise else c)
        if depthwise:
            wf = rng.normal(0.0, np.sqrt(2.0 / fan_in), (1, k, k, c))
            q, s = _quantize_filter(wf, 3)
        else:
            wf = rng.normal(0.0, np.sqrt(2.0 / fan_in), (out_ch, k, k, c))
            q, s = _quantize_filter(wf, 0)
        wt = b.add_tensor(f"w{layer}", np.int8, list(q.shape), data=q, scale=list(s),
                          zero_point=[0] * s.size, quantized_dimension=3 if depthwise else 0)
        bt = bias(s, in_s, fan_in)
        out_shape = [1, oh, ow, c if depthwise else out_ch]
        y = b.add_tensor(f"a{layer}", np.int8, out_shape, scale=RELU6_SCALE, zero_point=RELU6_ZP)
        options = {"padding": "SAME", "stride_h": stride, "stride_w": stride,
                   "fused_activation_function": "RELU6"}
        if depthwise:
            options["depth_multiplier"] = 1
        b.add_operator("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [t, wt, bt], [y],
                       options=options)
        layer += 1
        return y, out_shape

    ch = lambda n: max(8, int(n * alpha))   # noqa: E731
    t, shape = conv(x, [1, size, size, 3], in_scale, ch(32), 3, 2, False)
    for stride, out in BLOCKS:
        t, shape = conv(t, shape, RELU6_SCALE, 0, 3, stride, True)
        t, shape = conv(t, shape, RELU6_SCALE, ch(out), 1, 1, False)
    _, h, w, c = shape
    pooled = b.add_tensor("pool", np.int8, [1, 1, 1, c], scale=RELU6_SCALE, zero_point=RELU6_ZP)
    b.add_operator("AVERAGE_POOL_2D", [t], [pooled],
                   options={"padding": "VALID", "stride_h": 1, "stride_w": 1,
                            "filter_height": h, "filter_width": w})
    flat = b.add_tensor("flat", np.int8, [1, c], scale=RELU6_SCALE, zero_point=RELU6_ZP)
    shape_t = b.add_tensor("flat_shape", np.int32, [2], data=[1, c])
    b.add_operator("RESHAPE", [pooled, shape_t], [flat], options={"new_shape": [1, c]})
    wf = rng.normal(0.0, np.sqrt(1.0 / c), (classes, c))
    w_scale = float(np.abs(wf).max() / 127.0)
    wq = np.clip(np.round(wf / w_scale), -127, 127).astype(np.int8)
    wt = b.add_tensor("fc_w", np.int8, [classes, c], data=wq, scale=w_scale, zero_point=0)
    bq = np.round(rng.normal(0.0, 0.5, classes) / (RELU6_SCALE * w_scale)).astype(np.int32)
    bt = b.add_tensor("fc_b", np.int32, [classes], data=bq, scale=RELU6_SCALE * w_scale,
                      zero_point=0)
    logits = b.add_tensor("logits", np.int8, [1, classes], scale=0.1, zero_point=0)
    b.add_operator("FULLY_CONNECTED", [flat, wt, bt], [logits])
    probs = b.add_tensor("probs", np.int8, [1, classes], scale=1.0 / 256.0, zero_point=-128)
    b.add_operator("SOFTMAX", [logits], [probs], options={"beta": 1.0})
    b.set_inputs([x])
    b.set_outputs([probs])
    return b.build()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--alpha", type=float, default=0.5)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", required=True)
    args = p.parse_args(argv)
    data = mobilenet_v1(args.alpha, args.size, seed=args.seed)
    Path(args.output).write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
