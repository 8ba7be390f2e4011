"""Reading the audio TFLM's micro_speech example takes: 16 kHz mono 16-bit PCM WAV."""
from __future__ import annotations

import os
import wave

import numpy as np


class WavFormatError(ValueError):
    """The file is not a WAV, or not in the format the pipeline takes (nothing is converted)."""


def read_wav(path: str | os.PathLike, sample_rate: int = 16000) -> np.ndarray:
    """The samples of a mono 16-bit PCM WAV at ``sample_rate``, as int16.

    Any other rate, width or channel count is a ``WavFormatError`` naming the
    file: resampling or mixing down would change the features, so that is
    left to the user, explicitly.
    """
    try:
        with wave.open(os.fspath(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            problems = []
            if channels != 1:
                problems.append(f"{channels} channels (needs mono)")
            if width != 2:
                problems.append(f"{8 * width}-bit samples (needs 16-bit PCM)")
            if rate != sample_rate:
                problems.append(f"{rate} Hz (needs {sample_rate} Hz; resample it first)")
            if problems:
                raise WavFormatError(f"{os.fspath(path)}: " + ", ".join(problems))
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as e:
        raise WavFormatError(f"{os.fspath(path)}: not a PCM WAV file ({e})") from None
    if len(frames) % 2:
        raise WavFormatError(f"{os.fspath(path)}: truncated sample data")
    return np.frombuffer(frames, dtype="<i2").astype(np.int16)
