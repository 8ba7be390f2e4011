"""The project's own example model: a sine-wave regressor, made from scratch.

The same job as TFLM's hello_world, with nothing downloaded: a 1-16-16-1
ReLU network is trained in NumPy, quantized to INT8 here (post-training,
calibrated on the training inputs) and written with the project's builder.

Quantization scheme (what the TFLite converter produces for such a model):
activations asymmetric int8 with a per-tensor (scale, zero point) from their
calibrated range, weights symmetric int8 per tensor, biases int32 with scale
s_input * s_weight and zero point 0.
"""
from __future__ import annotations

import numpy as np

from ..builder import ModelBuilder
from .adam import Adam

X_RANGE = (0.0, 2.0 * np.pi)
LAYERS = (1, 16, 16, 1)


def train_float(seed: int = 0, steps: int = 3000, samples: int = 1000) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fit sin(x) on [0, 2pi) with full-batch Adam; returns [(W [out,in], b [out])] per layer."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(*X_RANGE, size=(samples, 1))
    y = np.sin(x)
    params = []
    for n_in, n_out in zip(LAYERS[:-1], LAYERS[1:]):
        params.append([rng.normal(0, np.sqrt(2.0 / n_in), (n_out, n_in)), np.zeros(n_out)])
    # Spread the first layer's ReLU kinks over the input range; with zero
    # biases every kink sits at x = 0 and the network can only fit a line.
    w0 = params[0][0][:, 0]
    params[0][1] = -w0 * rng.uniform(*X_RANGE, size=w0.size)
    adam = Adam([p for layer in params for p in layer], lr=0.01)
    for _ in range(steps):
        acts = forward_float(params, x, keep=True)
        grad = 2.0 * (acts[-1] - y) / samples
        grads = []
        for i in reversed(range(len(params))):
            w, _ = params[i]
            grads.append((grad.T @ acts[i], grad.sum(axis=0)))
            grad = grad @ w
            if i > 0:
                grad = grad * (acts[i] > 0)
        grads.reverse()
        adam.step([g for layer in grads for g in layer])
    return [(w, b) for w, b in params]


def forward_float(params, x: np.ndarray, keep: bool = False):
    """The float network; with keep=True, every layer's input and the output."""
    acts = [x]
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w.T + b
        if i < len(params) - 1:
            h = np.maximum(h, 0.0)
        acts.append(h)
    return acts if keep else h


def affine_params(lo: float, hi: float) -> tuple[float, int]:
    """int8 (scale, zero_point) covering [lo, hi]; the range always includes 0."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zero_point = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    return float(np.float32(scale)), zero_point


def quantize(x: np.ndarray, scale: float, zero_point: int, dtype=np.int8) -> np.ndarray:
    info = np.iinfo(dtype)
    q = np.round(np.asarray(x, np.float64) / scale) + zero_point
    return np.clip(q, info.min, info.max).astype(dtype)


def add_int8_dense_layers(b: ModelBuilder, params, names: list[str], acts, act_q) -> list[int]:
    """The int8 network of the float layers ``params`` [(w, bias), ...]: a tensor per
    activation (``names``, shaped like the calibration activations ``acts``, quantized as
    ``act_q``) and a FULLY_CONNECTED between each two, its weights symmetric per tensor,
    its bias int32 at input scale x weight scale, RELU on every layer but the last.
    Returns the activation tensors, input first."""
    tensors = [b.add_tensor(n, np.int8, [1, a.shape[1]], scale=s, zero_point=zp)
               for n, a, (s, zp) in zip(names, acts, act_q)]
    for i, (w, bias) in enumerate(params):
        s_in = act_q[i][0]
        s_w = float(np.float32(max(np.abs(w).max(), 1e-8) / 127.0))
        w_q = b.add_tensor(f"dense_{i}/weights", np.int8, list(w.shape),
                           data=quantize(w, s_w, 0), scale=s_w, zero_point=0)
        s_b = s_in * s_w
        b_q = b.add_tensor(f"dense_{i}/bias", np.int32, [bias.size],
                           data=quantize(bias, s_b, 0, np.int32), scale=s_b, zero_point=0)
        activation = "RELU" if i < len(params) - 1 else "NONE"
        b.add_operator("FULLY_CONNECTED", inputs=[tensors[i], w_q, b_q], outputs=[tensors[i + 1]],
                       options={"fused_activation_function": activation})
    return tensors


def build_int8_model(params, calibration_x: np.ndarray) -> bytes:
    """Quantize the trained float network and write it as a .tflite model."""
    acts = forward_float(params, calibration_x, keep=True)
    act_q = [affine_params(float(a.min()), float(a.max())) for a in acts]
    act_q[0] = affine_params(*X_RANGE)  # the input range is known, not calibrated

    b = ModelBuilder(description="tinyml-interpreter sine example (int8)")
    names = ["x"] + [f"dense_{i}/out" for i in range(1, len(params))] + ["y"]
    tensors = add_int8_dense_layers(b, params, names, acts, act_q)
    b.set_inputs([tensors[0]])
    b.set_outputs([tensors[-1]])
    return b.build()


def build_sine_model(seed: int = 0) -> tuple[bytes, list]:
    """Train and quantize; returns (model bytes, float parameters)."""
    params = train_float(seed)
    calibration = np.linspace(*X_RANGE, 500).reshape(-1, 1)
    return build_int8_model(params, calibration), params
