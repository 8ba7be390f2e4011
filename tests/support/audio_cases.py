"""Audio for the front-end and pipeline tests: random clips, and the micro_speech
pipeline run on the tflite-micro runtime, framed as TFLM's example frames it."""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from reference import corpus_model
from signal_cases import tflm_runtime

FRONTEND = "tflm/audio_preprocessor_int8.tflite"
CLASSIFIER = "tflm/micro_speech_quantized.tflite"
WAVS = ("yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms", "yes_30ms", "no_30ms")


def wav_path(name: str) -> Path:
    return corpus_model(f"tflm/testdata/{name}.wav")


def wav_samples(path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.int16)


def write_wav(path, samples, rate: int = 16000, channels: int = 1, width: int = 2) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples).tobytes())
    return Path(path)


def random_clip(seed: int, n: int = 16000) -> np.ndarray:
    """One of several kinds of random audio: noise at any level, tones and chirps,
    bursts in silence, clipped full-scale signals (-32768 included)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 16000
    kind = seed % 5
    level = 10.0 ** rng.uniform(0, 4.5)
    if kind == 0:
        x = rng.standard_normal(n) * level
    elif kind == 1:
        f0, f1 = rng.uniform(50, 7900, 2)
        x = np.sin(2 * np.pi * (f0 + (f1 - f0) * t / t[-1] / 2) * t) * level
    elif kind == 2:
        x = rng.standard_normal(n) * 3
        for _ in range(rng.integers(1, 6)):
            a = int(rng.integers(0, n - 800))
            x[a:a + int(rng.integers(200, 4000))] *= level
    elif kind == 3:
        x = np.sign(np.sin(2 * np.pi * rng.uniform(100, 3000) * t)) * 40000
    else:
        x = np.cumsum(rng.standard_normal(n)) * level / 30 + rng.standard_normal(n) * 5
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def tflm_features(frontend, samples: np.ndarray, windows: int = 49) -> tuple[np.ndarray, int]:
    """GenerateFeatures of micro_speech_test.cc: windows of 480 samples every 320, while one
    fits and at most 49, on a front end fresh for the clip; missing windows stay zero."""
    frontend.reset()
    out = np.zeros((windows, 40), np.int8)
    k = 0
    while len(samples) - 320 * k >= 480 and k < windows:
        frontend.set_input(samples[320 * k:320 * k + 480].reshape(1, 480), 0)
        frontend.invoke()
        out[k] = frontend.get_output(0).reshape(-1)
        k += 1
    return out, k


def tflm_pipeline(samples: np.ndarray):
    """Per one-second clip: (features, windows, int8 scores, dequantized scores) from TFLM."""
    runtime = tflm_runtime()
    frontend = runtime.Interpreter.from_bytes(corpus_model(FRONTEND).read_bytes())
    classifier = runtime.Interpreter.from_bytes(corpus_model(CLASSIFIER).read_bytes())
    q = classifier.get_output_details(0)["quantization_parameters"]
    scale, zero_point = np.float32(q["scales"][0]), int(q["zero_points"][0])
    clips = []
    for start in range(0, len(samples), 16000):
        if len(samples) - start < 480:
            break
        features, windows = tflm_features(frontend, samples[start:start + 16000])
        classifier.set_input(features.reshape(1, -1), 0)
        classifier.invoke()
        raw = np.array(classifier.get_output(0)).reshape(-1)
        scores = (raw.astype(np.int32) - zero_point).astype(np.float32) * scale
        clips.append((features, windows, raw, scores))
    return clips
