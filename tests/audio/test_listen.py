"""``tinyml listen`` and ``interpreter.audio``: TFLM's micro_speech pipeline from a WAV.

The features and the scores of every one-second clip must equal, byte for byte, the same
pipeline run on the tflite-micro runtime (framed as the example's micro_speech_test.cc
frames it, in ``audio_cases.tflm_pipeline``), and the labels must be the ones that test
expects: yes, no, silence, and silence for the noise clip.
"""
from __future__ import annotations

import numpy as np
import pytest
from audio_cases import CLASSIFIER
from audio_cases import FRONTEND
from audio_cases import random_clip
from audio_cases import tflm_pipeline
from audio_cases import wav_path
from audio_cases import wav_samples
from audio_cases import write_wav
from reference import corpus_model
from single_op import assert_same

from interpreter.audio import KeywordSpotter
from interpreter.audio import PipelineError
from interpreter.audio import WavFormatError
from interpreter.audio import listen
from interpreter.audio import read_wav
from interpreter.cli import main

#: micro_speech_test.cc's expected label per clip
EXPECTED = {"yes_1000ms": "yes", "no_1000ms": "no", "silence_1000ms": "silence",
            "noise_1000ms": "silence"}
LABELS = ("silence", "unknown", "yes", "no")


def models() -> tuple[str, str]:
    return str(corpus_model(FRONTEND)), str(corpus_model(CLASSIFIER))


def assert_same_as_tflm(clips, samples) -> None:
    ref = tflm_pipeline(samples)
    assert len(clips) == len(ref)
    for k, (c, (features, windows, raw, scores)) in enumerate(zip(clips, ref)):
        assert c.windows == windows
        assert_same(c.features, features, f"clip {k} features")
        assert_same(c.raw_scores, raw, f"clip {k} int8 scores")
        assert_same(c.scores, scores, f"clip {k} scores")
        assert c.label == LABELS[int(np.argmax(scores))]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_wavs_score_as_tflm(name):
    path = wav_path(name)
    clips = listen(path, *models())
    assert_same_as_tflm(clips, wav_samples(path))
    assert [c.label for c in clips] == [EXPECTED[name]]
    assert clips[0].windows == 49


def test_long_audio_is_scored_clip_by_clip(tmp_path):
    """4.6 s: four full clips and a last one of 0.6 s (29 windows, the rest zero)."""
    samples = np.concatenate([wav_samples(wav_path(n)) for n in EXPECTED]
                             + [random_clip(2, 9600)])
    clips = listen(write_wav(tmp_path / "long.wav", samples), *models())
    assert [c.start for c in clips] == [0, 1, 2, 3, 4]
    assert [c.windows for c in clips] == [49, 49, 49, 49, 29]
    assert not clips[-1].features[29:].any()
    assert_same_as_tflm(clips, samples)


def test_random_audio_scores_as_tflm():
    spotter = KeywordSpotter(*models())
    for seed in range(5):
        samples = random_clip(seed, 16000 + 8000 * seed)
        assert_same_as_tflm(spotter.listen(samples), samples)


def test_cli_prints_scores_and_labels(capsys, tmp_path):
    frontend, model = models()
    path = wav_path("no_1000ms")
    assert main(["listen", str(path), "--frontend", frontend, "--model", model]) == 0
    out = capsys.readouterr().out
    (_, _, raw, scores), = tflm_pipeline(wav_samples(path))
    assert "clip at 0 s (49 windows): no" in out
    for label, q, s in zip(LABELS, raw, scores):
        assert f"{label:<7} {s:.4f} (int8 {int(q):4d})" in out


def test_cli_png(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    frontend, model = models()
    png = tmp_path / "yes.png"
    assert main(["listen", str(wav_path("yes_1000ms")), "--frontend", frontend, "--model",
                 model, "--png", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("kw,match", [
    ({"rate": 8000}, "8000 Hz \\(needs 16000 Hz; resample it first\\)"),
    ({"channels": 2}, "2 channels \\(needs mono\\)"),
    ({"width": 1}, "8-bit samples \\(needs 16-bit PCM\\)"),
])
def test_wrong_wav_format_is_refused_not_converted(tmp_path, kw, match):
    samples = np.zeros(16000 * kw.get("channels", 1), np.int16)
    if kw.get("width") == 1:
        samples = np.zeros(16000, np.uint8)
    with pytest.raises(WavFormatError, match=match):
        read_wav(write_wav(tmp_path / "bad.wav", samples, **kw))


def test_cli_reports_a_wrong_wav(tmp_path, capsys):
    path = write_wav(tmp_path / "bad.wav", np.zeros(8000, np.int16), rate=8000)
    frontend, model = models()
    assert main(["listen", str(path), "--frontend", frontend, "--model", model]) == 2
    err = capsys.readouterr().err
    assert "WavFormatError" in err and "8000 Hz" in err


def test_not_a_wav(tmp_path):
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(WavFormatError, match="not a PCM WAV"):
        read_wav(junk)


def test_too_short_for_a_window(tmp_path):
    with pytest.raises(PipelineError, match="shorter than one 30 ms window"):
        listen(write_wav(tmp_path / "short.wav", np.zeros(479, np.int16)), *models())


def test_models_and_labels_must_fit(tmp_path):
    frontend, model = models()
    with pytest.raises(PipelineError, match="3 labels for 4 classifier outputs"):
        KeywordSpotter(frontend, model, ("a", "b", "c"))
    with pytest.raises(PipelineError, match="front end's input must be 480 int16"):
        KeywordSpotter(model, model)
    with pytest.raises(PipelineError, match="classifier's input"):
        KeywordSpotter(frontend, frontend)
