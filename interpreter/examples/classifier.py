"""A small classifier the project makes itself, in float and in int8 (for ``tinyml eval``).

Data: ``classes`` Gaussian blobs in ``features`` dimensions, close enough to
overlap (so the accuracy is not 100%). Network: features -> 16 (RELU) ->
classes -> SOFTMAX, trained in NumPy. Two models are written with the
project's builder, the same network twice:

- the float model: float32 weights, float32 in and out;
- its int8 twin, quantized post-training as the sine example is
  (``examples/sine.py``): activations int8 per tensor from their calibrated
  range, weights int8 symmetric per tensor, biases int32, the softmax output
  at scale 1/256 and zero point -128 (what TFLM's int8 SOFTMAX takes).

``tinyml eval INT8 --data DATA --reference FLOAT`` then measures what the
quantization costs (``tools/make_eval_example.py`` writes all three files).
"""
from __future__ import annotations

import numpy as np

from ..builder import ModelBuilder
from .adam import Adam
from .sine import add_int8_dense_layers
from .sine import affine_params

HIDDEN = 16


def make_blobs(n: int, classes: int = 4, features: int = 8, seed: int = 0,
               spread: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` float32 examples (n, features) and their int64 labels, ``classes`` blobs.

    The class centres depend only on ``classes``, ``features`` (seeded by
    them), so datasets drawn with different seeds come from the same blobs.
    """
    centres = np.random.default_rng([classes, features]).normal(0, 2.0, (classes, features))
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = centres[y] + rng.normal(0, spread, (n, features))
    return x.astype(np.float32), y.astype(np.int64)


def train(x: np.ndarray, y: np.ndarray, classes: int, seed: int = 0, steps: int = 400):
    """Full-batch Adam on the cross-entropy; returns [(W [out, in], b [out])] per layer."""
    rng = np.random.default_rng(seed)
    sizes = (x.shape[1], HIDDEN, classes)
    params = [[rng.normal(0, np.sqrt(2.0 / a), (b, a)), np.zeros(b)] for a, b in zip(sizes, sizes[1:])]
    onehot = np.eye(classes)[y]
    adam = Adam([q for layer in params for q in layer], lr=0.02)
    for _ in range(steps):
        h = np.maximum(x @ params[0][0].T + params[0][1], 0.0)
        logits = h @ params[1][0].T + params[1][1]
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g2 = (p - onehot) / len(x)
        g1 = (g2 @ params[1][0]) * (h > 0)
        grads = [g1.T @ x, g1.sum(axis=0), g2.T @ h, g2.sum(axis=0)]
        adam.step(grads)
    return [(w, b) for w, b in params]


def _activations(params, x: np.ndarray) -> list[np.ndarray]:
    """The float network's input, hidden layer and logits."""
    h = np.maximum(x @ params[0][0].T + params[0][1], 0.0)
    return [x, h, h @ params[1][0].T + params[1][1]]


def build_float_model(params, features: int, classes: int) -> bytes:
    b = ModelBuilder(description="tinyml-interpreter eval example classifier (float32)")
    x = b.add_tensor("x", np.float32, [1, features])
    h = b.add_tensor("dense_0/out", np.float32, [1, HIDDEN])
    logits = b.add_tensor("logits", np.float32, [1, classes])
    probs = b.add_tensor("probabilities", np.float32, [1, classes])
    for i, ((w, bias), (inp, out)) in enumerate(zip(params, [(x, h), (h, logits)])):
        wt = b.add_tensor(f"dense_{i}/weights", np.float32, list(w.shape), data=w)
        bt = b.add_tensor(f"dense_{i}/bias", np.float32, [bias.size], data=bias)
        b.add_operator("FULLY_CONNECTED", inputs=[inp, wt, bt], outputs=[out],
                       options={"fused_activation_function": "RELU" if i == 0 else "NONE"})
    b.add_operator("SOFTMAX", inputs=[logits], outputs=[probs], options={"beta": 1.0})
    b.set_inputs([x])
    b.set_outputs([probs])
    return b.build()


def build_int8_model(params, calibration_x: np.ndarray, classes: int) -> bytes:
    acts = _activations(params, calibration_x)
    act_q = [affine_params(float(a.min()), float(a.max())) for a in acts]
    b = ModelBuilder(description="tinyml-interpreter eval example classifier (int8)")
    tensors = add_int8_dense_layers(b, params, ["x", "dense_0/out", "logits"], acts, act_q)
    probs = b.add_tensor("probabilities", np.int8, [1, classes], scale=1 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", inputs=[tensors[-1]], outputs=[probs], options={"beta": 1.0})
    b.set_inputs([tensors[0]])
    b.set_outputs([probs])
    return b.build()


def build_classifier(classes: int = 4, features: int = 8, seed: int = 0,
                     train_examples: int = 2000) -> tuple[bytes, bytes]:
    """Train on blobs; returns (int8 model bytes, float model bytes), the same network."""
    x, y = make_blobs(train_examples, classes, features, seed=seed)
    params = train(x, y, classes, seed=seed)
    return build_int8_model(params, x, classes), build_float_model(params, features, classes)
