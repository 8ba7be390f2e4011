"""Models and datasets for the ``tinyml eval`` tests (``tests/eval/``), all built here.

The classifier pair is ``interpreter/examples/classifier.py``'s (int8 and its
float twin); the others are the smallest models that exercise one path each:
a non-classifier, a two-input model, a fake audio front end and a keyword
classifier of its features, an image classifier.
"""
from __future__ import annotations

import functools
import wave
from pathlib import Path

import numpy as np
from single_op import T
from single_op import single_op_model

from interpreter import Interpreter
from interpreter.builder import ModelBuilder
from interpreter.examples.classifier import build_classifier
from interpreter.examples.classifier import make_blobs

CLASSES, FEATURES = 4, 8


@functools.lru_cache(maxsize=None)
def classifier() -> tuple[bytes, bytes]:
    """(int8 model, float twin): 8 float features -> 4 softmax scores."""
    return build_classifier(CLASSES, FEATURES, seed=0, train_examples=1000)


def blobs(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    return make_blobs(n, CLASSES, FEATURES, seed=seed)


def input_detail(model: bytes) -> dict:
    return Interpreter(model_content=model).get_input_details()[0]


def quantized_blobs(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Blobs quantized to the int8 classifier's input (np.round; ties do not matter here)."""
    x, y = blobs(n, seed)
    s, zp = input_detail(classifier()[0])["quantization"]
    return np.clip(np.round(x / s) + zp, -128, 127).astype(np.int8), y


def run_each(model: bytes, xs: np.ndarray) -> np.ndarray:
    """The model's single output for each example, run one by one (the NumPy backend)."""
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    d_in, d_out = interp.get_input_details()[0], interp.get_output_details()[0]
    out = []
    for x in xs:
        interp.set_tensor(d_in["index"], x.reshape(d_in["shape"]))
        interp.invoke()
        out.append(interp.get_tensor(d_out["index"]))
    return np.stack(out)


def regressor() -> bytes:
    """Not a classifier: int8 [1, 8] -> int8 [1, 1]."""
    w = np.arange(-4, 4, dtype=np.int8).reshape(1, 8)
    return single_op_model("FULLY_CONNECTED",
                           [T(np.int8, [1, 8], 0.1, 3), T(np.int8, [1, 8], 0.05, 0, data=w),
                            None],
                           [T(np.int8, [1, 1], 0.2, -5)])


def two_inputs() -> bytes:
    return single_op_model("ADD", [T(np.int8, [1, 4], 0.1, 0), T(np.int8, [1, 4], 0.1, 0)],
                           [T(np.int8, [1, 4], 0.2, 0)])


def fake_frontend() -> bytes:
    """A stand-in for TFLM's audio front end: int16 [1, 480] samples -> int8 [1, 40]
    (QUANTIZE to int8, then FULLY_CONNECTED); stateless, made here."""
    w = np.random.default_rng(0).integers(-8, 8, (40, 480)).astype(np.int8)
    return _quantize_then_fc("fake audio front end",
                             T(np.int16, [1, 480], 1.0, 0, name="samples"),
                             T(np.int8, [1, 480], 256.0, 0, name="samples_q"),
                             T(np.int8, [40, 480], 1.0, 0, data=w, name="w"),
                             T(np.int8, [1, 40], 2000.0, 0, name="features"))


def keyword_classifier(classes: int = 3) -> bytes:
    """int8 [1, 49, 40] features -> int8 [1, classes] (FULLY_CONNECTED)."""
    w = np.random.default_rng(1).integers(-3, 4, (classes, 49 * 40)).astype(np.int8)
    return single_op_model("FULLY_CONNECTED",
                           [T(np.int8, [1, 49, 40], 1.0, 0), T(np.int8, [classes, 1960], 0.01,
                                                              0, data=w), None],
                           [T(np.int8, [1, classes], 1.0, 0)])


def image_classifier(dtype=np.int8, channels: int = 3, size: int = 4) -> bytes:
    """[1, size, size, channels] image -> [1, 2] (FULLY_CONNECTED), int8/uint8 or float."""
    n = size * size * channels
    w = np.random.default_rng(2).integers(-3, 4, (2, n))
    if np.dtype(dtype) == np.float32:
        return single_op_model("FULLY_CONNECTED",
                               [T(np.float32, [1, size, size, channels]),
                                T(np.float32, [2, n], data=w.astype(np.float32)), None],
                               [T(np.float32, [1, 2])])
    if np.dtype(dtype) == np.int8:
        return single_op_model("FULLY_CONNECTED",
                               [T(np.int8, [1, size, size, channels], 1.0, 0),
                                T(np.int8, [2, n], 0.01, 0, data=w.astype(np.int8)), None],
                               [T(np.int8, [1, 2], 1.0, 0)])
    # uint8 pixels: QUANTIZE to int8 (minus 128), then the int8 layer
    return _quantize_then_fc("uint8 image classifier",
                             T(np.uint8, [1, size, size, channels], 1.0, 128, name="image"),
                             T(np.int8, [1, size, size, channels], 1.0, 0, name="image_q"),
                             T(np.int8, [2, n], 0.01, 0, data=w.astype(np.int8), name="w"),
                             T(np.int8, [1, 2], 1.0, 0, name="scores"))


def _quantize_then_fc(description: str, x: T, q: T, w: T, y: T) -> bytes:
    """QUANTIZE the input x to q, then FULLY_CONNECTED of q with the constant weights w
    (no bias) to y."""
    b = ModelBuilder(description=description)
    x_, q_, w_, y_ = (b.add_tensor(t.name, t.dtype, list(t.shape), data=t.data, scale=t.scale,
                                   zero_point=t.zero_point) for t in (x, q, w, y))
    b.add_operator("QUANTIZE", [x_], [q_])
    b.add_operator("FULLY_CONNECTED", [q_, w_, -1], [y_])
    b.set_inputs([x_])
    b.set_outputs([y_])
    return b.build()


def write_wav(path, samples, rate: int = 16000) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, np.int16).tobytes())
    return path
