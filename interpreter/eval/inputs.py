"""The examples of a dataset as the model's input, checked one by one.

Each example must have the shape of the model's input, with or without its
leading batch dimension of 1. Its values:

- of the input's own type: taken as they are;
- floats, for a quantized (int8, int16, uint8) input: quantized with the
  input's scale and zero point as TFLM's QUANTIZE kernel does it (``x /
  scale`` in float32, rounded half away from zero, plus the zero point),
  clipped to the type's range; NaN or infinity is an error;
- floats of another width for a float32 input: converted to float32;
- anything else: an ``EvalError`` naming the file and example, the shape and
  type expected and the ones found.

A WAV file goes through the audio front end (``--frontend``), as ``tinyml
listen`` does, into the features of one clip of at most one second. An image
is read with Pillow (an optional extra), converted to the model's channels
(``L`` for 1, ``RGB`` for 3) but never resized; its 0..255 pixels are fed as
they are to a uint8 input, minus 128 to an int8 input (as TFLM's
person_detection example feeds its camera), divided by 255 to a float input.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..arith.fixedpoint import round_half_away
from ..errors import EvalError
from .data import ARRAY_EXTS
from .data import AUDIO_EXTS
from .data import IMAGE_EXTS
from .data import Dataset
from .data import load_npy

_INT_TYPES = (np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.int16))


class MissingPillow(RuntimeError):
    """Image data were given but Pillow is not installed."""


@dataclass
class ModelInputs:
    x: np.ndarray                  # (N, *input shape), the input's type
    real: np.ndarray | None        # the data's own floats (N, *input shape), for float data


def describe(detail: dict) -> str:
    return f"{np.dtype(detail['dtype'])}{list(int(d) for d in detail['shape'])}"


def input_params(detail: dict) -> tuple[float, int] | None:
    """(scale, zero point) of a quantized per-tensor input or output, else None."""
    q = detail["quantization_parameters"]
    if q["scales"].size == 0:
        return None
    if q["scales"].size > 1:
        raise EvalError(f"tensor {detail['name']!r} is quantized per channel; eval takes "
                        "per-tensor quantized inputs and outputs")
    return float(q["scales"][0]), int(q["zero_points"][0])


def quantize(x: np.ndarray, detail: dict) -> np.ndarray:
    """Floats to the quantized input type, as TFLM's QUANTIZE kernel rounds."""
    dtype = np.dtype(detail["dtype"])
    scale, zero_point = input_params(detail)
    info = np.iinfo(dtype)
    with np.errstate(over="ignore"):
        q = round_half_away(np.asarray(x, np.float32) / np.float32(scale)).astype(np.float64)
    return np.clip(q + zero_point, info.min, info.max).astype(dtype)


def dequantize(x: np.ndarray, detail: dict) -> np.ndarray:
    """Values of a tensor as float32 reals: ``(q - zero point) * scale``, or the floats."""
    params = input_params(detail)
    if params is None:
        return np.asarray(x, np.float32)
    scale, zero_point = params
    return (np.asarray(x, np.int32) - zero_point).astype(np.float32) * np.float32(scale)


def _example_shape(ex: tuple, detail: dict) -> tuple[int, ...] | None:
    shape = tuple(int(d) for d in detail["shape"])
    if ex == shape or (shape and shape[0] == 1 and ex == shape[1:]):
        return shape
    return None


def _shapes_text(detail: dict) -> str:
    shape = [int(d) for d in detail["shape"]]
    return f"{shape} or {shape[1:]}" if shape and shape[0] == 1 else f"{shape}"


def convert(x: np.ndarray, detail: dict, where: Callable[[int], str],
            first: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """Examples ``x`` (one per row) as the model's input: (values, their floats or None).

    ``where(first + i)`` names the example of row ``i`` in messages.
    """
    dtype = np.dtype(detail["dtype"])
    shape = _example_shape(tuple(x.shape[1:]), detail)
    if shape is None:
        raise EvalError(f"{where(first)}: shape {list(x.shape[1:])}; the model's input "
                        f"{detail['name']!r} takes {_shapes_text(detail)} ({dtype})")
    x = x.reshape((len(x),) + shape)
    if x.dtype == dtype:
        return x, None
    if x.dtype.kind == "f" and (dtype == np.float32 or
                                (dtype in _INT_TYPES and input_params(detail) is not None)):
        finite = np.isfinite(x.reshape(len(x), -1)).all(axis=1)
        if not finite.all():
            raise EvalError(f"{where(first + int(np.argmin(finite)))}: NaN or infinity in the inputs")
        real = x.astype(np.float32)
        return (real if dtype == np.float32 else quantize(real, detail)), real
    want = f"{dtype} values" + (", or floats to quantize with its scale and zero point"
                                if input_params(detail) is not None else "")
    raise EvalError(f"{where(first)}: {x.dtype} values; the model's input {detail['name']!r} "
                    f"is {describe(detail)}: give {want}")


def prepare_inputs(ds: Dataset, detail: dict, model: bytes | None = None,
                   frontend: str | os.PathLike | bytes | None = None,
                   backend: str = "c") -> ModelInputs:
    """Every example of ``ds`` as the model's input (see the module doc).

    ``model`` (the model's bytes) and ``frontend`` are needed for WAV files only.
    """
    if ds.x is not None:
        x, real = convert(ds.x, detail, ds.where)
        return ModelInputs(x, real)
    audio = _Audio(model, frontend, backend)
    xs, reals = [], []
    for i, f in enumerate(ds.files):
        suffix = f.suffix.lower()
        if suffix in ARRAY_EXTS:
            x, real = convert(load_npy(f)[None], detail, ds.where, i)
        elif suffix in AUDIO_EXTS:
            features = audio.features(f, ds.where(i))   # (49, features): reshaped as listen
            x, real = convert(features.reshape((1,) + tuple(int(d) for d in detail["shape"])),
                              detail, ds.where, i)
        else:
            assert suffix in IMAGE_EXTS
            x, real = _image(f, detail, ds.where(i)), None
        xs.append(x[0])
        reals.append(None if real is None else real[0])
    x = np.stack(xs)
    if any(r is None for r in reals):
        return ModelInputs(x, None)
    return ModelInputs(x, np.stack(reals))


class _Audio:
    """The micro_speech front end, built at the first WAV (``audio.KeywordSpotter``)."""

    def __init__(self, model, frontend, backend):
        self.model, self.frontend, self.backend = model, frontend, backend
        self.spotter = None

    def features(self, path: Path, where: str) -> np.ndarray:
        from ..audio import PipelineError
        from ..audio import WavFormatError
        from ..audio import read_wav
        from ..audio.pipeline import CLIP
        from ..audio.pipeline import SAMPLE_RATE
        from ..audio.pipeline import WINDOW

        if self.spotter is None:
            self.spotter = self._spotter()
        try:
            samples = read_wav(path, SAMPLE_RATE)
        except WavFormatError as e:   # its message starts with the path
            raise EvalError(f"{where}: {str(e).removeprefix(f'{path}: ')}") from None
        if len(samples) < WINDOW:
            raise EvalError(f"{where}: {len(samples)} samples is shorter than one 30 ms "
                            f"window ({WINDOW} samples)")
        if len(samples) > CLIP:
            raise EvalError(f"{where}: {len(samples)} samples is longer than one second "
                            f"({CLIP}); each WAV is one example of at most one second "
                            "(tinyml listen scores longer audio clip by clip)")
        try:
            features, _ = self.spotter.features(samples)
        except PipelineError as e:
            raise EvalError(f"{where}: {e}") from None
        return features

    def _spotter(self):
        from ..audio import KeywordSpotter
        from ..audio import PipelineError
        from ..interpreter import Interpreter

        if self.frontend is None:
            raise EvalError("WAV examples need the audio front end model that makes the "
                            "model's features: --frontend FRONTEND.tflite (frontend= in the "
                            "API), e.g. TFLM's audio_preprocessor_int8.tflite")
        if self.model is None:
            raise EvalError("WAV examples need the model's bytes (model=)")
        n = int(np.prod(Interpreter(model_content=self.model).get_output_details()[0]["shape"]))
        try:
            return KeywordSpotter(self.frontend, self.model, [str(k) for k in range(n)],
                                  backend=self.backend)
        except PipelineError as e:
            raise EvalError(f"WAV examples: the model does not take the front end's "
                            f"features: {e}") from None


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise MissingPillow("image data need Pillow, an optional extra: "
                            "pip install 'tinyml-interpreter[images]' (or: pip install "
                            "pillow)") from None
    return Image


def _image(path: Path, detail: dict, where: str) -> np.ndarray:
    Image = _pillow()
    dtype = np.dtype(detail["dtype"])
    shape = tuple(int(d) for d in detail["shape"])
    hwc = shape[1:] if len(shape) == 4 and shape[0] == 1 else shape
    if len(hwc) != 3 or hwc[2] not in (1, 3):
        raise EvalError(f"{where}: an image, but the model's input {detail['name']!r} is "
                        f"{describe(detail)}, not [1, height, width, 1 or 3 channels]")
    if dtype not in (np.dtype(np.uint8), np.dtype(np.int8), np.dtype(np.float32)):
        raise EvalError(f"{where}: an image, but the model's input is {describe(detail)}; "
                        "images feed uint8, int8 or float32 inputs")
    try:
        with Image.open(path) as im:
            im = im.convert("L" if hwc[2] == 1 else "RGB")
            pixels = np.asarray(im, np.uint8)
    except (OSError, ValueError) as e:
        raise EvalError(f"{where}: not a readable image ({e})") from None
    height, width = pixels.shape[:2]
    if (height, width) != hwc[:2]:
        raise EvalError(f"{where}: {width}x{height} pixels; the model takes "
                        f"{hwc[1]}x{hwc[0]} (width x height): resize the images first")
    pixels = pixels.reshape((1,) + shape)
    if dtype == np.uint8:
        return pixels
    if dtype == np.int8:
        return (pixels.astype(np.int16) - 128).astype(np.int8)
    return pixels.astype(np.float32) / np.float32(255)
