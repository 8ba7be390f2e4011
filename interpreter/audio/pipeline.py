"""Keyword spotting from raw audio, as TFLM's micro_speech example does it.

Two models: the audio front end (``audio_preprocessor_int8.tflite``, built
from TFLM's Signal ops), which turns one 30 ms window of 16 kHz audio (480
samples) into 40 int8 features, keeping noise estimates from window to
window; and the classifier (``micro_speech_quantized.tflite``), which scores
the 49 x 40 features of one second.

Framing follows the example (``micro_speech_test.cc``): the audio is cut into
one-second clips; in each, windows start every 20 ms (320 samples) for as
long as a whole window fits and at most 49 times, so a full second gives 49
windows. Each clip starts from a fresh front end (the example builds a new
interpreter per clip; here ``reset_all_variables``); windows a short last
clip lacks stay zero, as in the example's zero-initialized feature array.
The classifier's int8 scores are dequantized as the example does, in
float32, and the label is the first highest score.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..interpreter import Interpreter

SAMPLE_RATE = 16000
WINDOW_MS, STRIDE_MS = 30, 20
WINDOW = SAMPLE_RATE * WINDOW_MS // 1000          # 480 samples
STRIDE = SAMPLE_RATE * STRIDE_MS // 1000          # 320 samples
CLIP = SAMPLE_RATE                                # one second
WINDOWS_PER_CLIP = (CLIP - WINDOW) // STRIDE + 1  # 49
LABELS = ("silence", "unknown", "yes", "no")


class PipelineError(ValueError):
    """The models or labels do not fit the micro_speech pipeline."""


@dataclass
class Clip:
    """One second of audio through the pipeline."""

    start: float                 # seconds from the start of the audio
    windows: int                 # front-end windows the clip has (49 for a full second)
    features: np.ndarray         # (49, 40) int8: the classifier's input
    raw_scores: np.ndarray       # the classifier's int8 output
    scores: np.ndarray           # dequantized, float32
    label: str


def window_starts(n_samples: int) -> list[int]:
    """Start samples of the front-end windows of a clip of ``n_samples``."""
    return [k * STRIDE for k in range(WINDOWS_PER_CLIP) if k * STRIDE + WINDOW <= n_samples]


def clip_starts(n_samples: int) -> list[int]:
    """Start samples of the one-second clips: every second holding at least one window."""
    return [s for s in range(0, n_samples, CLIP) if n_samples - s >= WINDOW]


def _single_io(interp: Interpreter, what: str) -> tuple[dict, dict]:
    ins, outs = interp.get_input_details(), interp.get_output_details()
    if len(ins) != 1 or len(outs) != 1:
        raise PipelineError(f"the {what} must have one input and one output, has "
                            f"{len(ins)} and {len(outs)}")
    return ins[0], outs[0]


class KeywordSpotter:
    """The front end and the classifier, allocated once, run clip by clip."""

    def __init__(self, frontend: str | os.PathLike | bytes, model: str | os.PathLike | bytes,
                 labels: Sequence[str] = LABELS, backend: str = "numpy"):
        self.frontend = _load(frontend, backend)
        self.classifier = _load(model, backend)
        self.fe_in, self.fe_out = _single_io(self.frontend, "front end")
        self.cl_in, self.cl_out = _single_io(self.classifier, "classifier")
        n_in = int(np.prod(self.fe_in["shape"]))
        if self.fe_in["dtype"] != np.int16 or n_in != WINDOW:
            raise PipelineError(f"the front end's input must be {WINDOW} int16 samples (30 ms "
                                f"at 16 kHz), is {np.dtype(self.fe_in['dtype'])}"
                                f"{list(self.fe_in['shape'])}")
        self.n_features = int(np.prod(self.fe_out["shape"]))
        want = WINDOWS_PER_CLIP * self.n_features
        if np.dtype(self.cl_in["dtype"]) != np.dtype(self.fe_out["dtype"]) or \
                int(np.prod(self.cl_in["shape"])) != want:
            raise PipelineError(
                f"the classifier's input {np.dtype(self.cl_in['dtype'])}"
                f"{list(self.cl_in['shape'])} does not take {WINDOWS_PER_CLIP} windows of the "
                f"front end's {self.n_features} {np.dtype(self.fe_out['dtype'])} features")
        n_scores = int(np.prod(self.cl_out["shape"]))
        if len(labels) != n_scores:
            raise PipelineError(f"{len(labels)} labels for {n_scores} classifier outputs")
        self.labels = tuple(labels)

    def features(self, samples: np.ndarray) -> tuple[np.ndarray, int]:
        """The (49, features) classifier input of one clip, and how many windows it had."""
        self.frontend.reset_all_variables()
        out = np.zeros((WINDOWS_PER_CLIP, self.n_features), np.dtype(self.fe_out["dtype"]))
        starts = window_starts(len(samples))
        for k, s in enumerate(starts):
            window = samples[s:s + WINDOW].reshape(self.fe_in["shape"])
            self.frontend.set_tensor(self.fe_in["index"], window)
            self.frontend.invoke()
            out[k] = self.frontend.get_tensor(self.fe_out["index"]).reshape(-1)
        return out, len(starts)

    def classify(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
        """(int8 scores, dequantized float32 scores, label) for one clip's features."""
        self.classifier.set_tensor(self.cl_in["index"],
                                   features.reshape(self.cl_in["shape"]))
        self.classifier.invoke()
        raw = self.classifier.get_tensor(self.cl_out["index"]).reshape(-1)
        scale, zero_point = self.cl_out["quantization"]
        if scale:
            scores = (raw.astype(np.int32) - zero_point).astype(np.float32) * np.float32(scale)
        else:
            scores = raw.astype(np.float32)
        return raw, scores, self.labels[int(np.argmax(scores))]

    def listen(self, samples: np.ndarray) -> list[Clip]:
        """Every one-second clip of ``samples`` (int16, 16 kHz) through both models."""
        samples = np.asarray(samples)
        if samples.dtype != np.int16 or samples.ndim != 1:
            raise PipelineError(f"audio must be 1-D int16 samples, got {samples.dtype}"
                                f"{list(samples.shape)}")
        if len(samples) < WINDOW:
            raise PipelineError(f"{len(samples)} samples is shorter than one {WINDOW_MS} ms "
                                f"window ({WINDOW} samples)")
        clips = []
        for start in clip_starts(len(samples)):
            features, windows = self.features(samples[start:start + CLIP])
            raw, scores, label = self.classify(features)
            clips.append(Clip(start / SAMPLE_RATE, windows, features, raw, scores, label))
        return clips


def _load(model, backend: str) -> Interpreter:
    if isinstance(model, (bytes, bytearray)):
        interp = Interpreter(model_content=bytes(model), backend=backend)
    else:
        interp = Interpreter(model_path=model, backend=backend)
    interp.allocate_tensors()
    return interp


def listen(wav: str | os.PathLike, frontend: str | os.PathLike, model: str | os.PathLike,
           labels: Sequence[str] = LABELS, backend: str = "numpy") -> list[Clip]:
    """Read a 16 kHz mono 16-bit WAV and score each one-second clip (see the module doc)."""
    from .wav import read_wav

    return KeywordSpotter(frontend, model, labels, backend).listen(read_wav(wav, SAMPLE_RATE))
