"""``interpreter/eval/inputs.py``: examples as the model's input (arrays, images, WAVs)."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from eval_cases import classifier
from eval_cases import fake_frontend
from eval_cases import image_classifier
from eval_cases import input_detail
from eval_cases import keyword_classifier
from eval_cases import write_wav
from reference import run_tflm
from single_op import T
from single_op import single_op_model

from interpreter.errors import EvalError
from interpreter.eval import MissingPillow
from interpreter.eval import load_dataset
from interpreter.eval.inputs import dequantize
from interpreter.eval.inputs import prepare_inputs
from interpreter.eval.inputs import quantize


def detail(dtype, shape, scale=None, zero_point=0, name="x"):
    scales = np.zeros(0, np.float32) if scale is None else np.array([scale], np.float32)
    return {"name": name, "dtype": np.dtype(dtype).type, "shape": np.array(shape),
            "quantization_parameters": {"scales": scales,
                                        "zero_points": np.array([zero_point] * scales.size)}}


@pytest.mark.parametrize("dtype,scale,zero_point", [
    (np.int8, 0.1, -3), (np.int8, 0.0123, 17), (np.int16, 0.001, 0)])
def test_float_inputs_are_quantized_as_tflm_quantizes(dtype, scale, zero_point):
    """The same numbers as TFLM's QUANTIZE kernel with the input's parameters, ties (k + 0.5
    steps, both signs) and values beyond the type's range included."""
    info = np.iinfo(dtype)
    steps = np.concatenate([np.arange(-6, 6) + 0.5, [0.49999997, -0.49999997, 1e6, -1e6],
                            np.random.default_rng(0).uniform(-300, 300, 44)])
    x = (steps * np.float32(scale)).astype(np.float32).reshape(1, 60)
    model = single_op_model("QUANTIZE", [T(np.float32, [1, 60])],
                            [T(dtype, [1, 60], scale, zero_point)])
    (expected,) = run_tflm(model, [x])
    ours = quantize(x, detail(dtype, [1, 60], scale, zero_point))
    assert ours.dtype == dtype and np.array_equal(ours, expected.reshape(ours.shape))
    assert ours.min() == info.min and ours.max() == info.max


def test_dequantize():
    d = detail(np.int8, [1, 2], 0.5, -10)
    assert dequantize(np.array([[-10, 0]], np.int8), d).tolist() == [[0.0, 5.0]]
    assert dequantize(np.array([[1.5]], np.float32), detail(np.float32, [1, 1])).tolist() == [[1.5]]


def test_shapes_with_and_without_batch_and_types(tmp_path):
    d = detail(np.int8, [1, 4], 0.5, 0)
    for x in (np.zeros((3, 4), np.int8), np.zeros((3, 1, 4), np.int8)):
        np.save(tmp_path / "x.npy", x)
        inputs = prepare_inputs(load_dataset(tmp_path / "x.npy"), d)
        assert inputs.x.shape == (3, 1, 4) and inputs.x.dtype == np.int8 and inputs.real is None
    # floats: quantized (ties away from zero: 0.5 and 1.5 steps), and kept (as float32) for a
    # float reference
    np.save(tmp_path / "f.npy", np.array([[0.25, -1.0, 100.0, 0.75]]))
    inputs = prepare_inputs(load_dataset(tmp_path / "f.npy"), d)
    assert inputs.x.tolist() == [[[1, -2, 127, 2]]]
    assert inputs.real.dtype == np.float32 and inputs.real.tolist() == [[[0.25, -1.0, 100.0, 0.75]]]
    # float64 data for a float32 input
    inputs = prepare_inputs(load_dataset(tmp_path / "f.npy"), detail(np.float32, [1, 4]))
    assert inputs.x.dtype == np.float32


def test_wrong_shape_names_the_file_and_example(tmp_path):
    d = detail(np.int8, [1, 4], 0.5, 0, name="serving_x")
    np.savez(tmp_path / "d.npz", x=np.zeros((3, 5), np.int8))
    with pytest.raises(EvalError) as e:
        prepare_inputs(load_dataset(tmp_path / "d.npz"), d)
    assert str(e.value) == (f"{tmp_path / 'd.npz'}: example 0: shape [5]; the model's input "
                            "'serving_x' takes [1, 4] or [4] (int8)")
    for k in range(3):
        np.save(tmp_path / f"{k}.npy", np.zeros(4 if k != 2 else (2, 2), np.int8))
    (tmp_path / "d.npz").unlink()
    with pytest.raises(EvalError, match=r"2\.npy \(example 2\): shape \[2, 2\]"):
        prepare_inputs(load_dataset(tmp_path), d)


def test_wrong_dtype_names_the_file(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.zeros((3, 4), np.int32))
    with pytest.raises(EvalError) as e:
        prepare_inputs(load_dataset(tmp_path / "d.npz"), detail(np.int8, [1, 4], 0.5, 0))
    assert str(e.value) == (f"{tmp_path / 'd.npz'}: example 0: int32 values; the model's input "
                            "'x' is int8[1, 4]: give int8 values, or floats to quantize with "
                            "its scale and zero point")
    # floats for an integer input without quantization cannot be converted
    with pytest.raises(EvalError, match="float64 values; the model's input 'x' is int32"):
        np.save(tmp_path / "f.npy", np.zeros((2, 4)))
        prepare_inputs(load_dataset(tmp_path / "f.npy"), detail(np.int32, [1, 4]))


def test_non_finite_floats_name_the_example(tmp_path):
    x = np.zeros((4, 4), np.float32)
    x[2, 1] = np.nan
    np.save(tmp_path / "x.npy", x)
    with pytest.raises(EvalError, match=r"x\.npy: example 2: NaN or infinity"):
        prepare_inputs(load_dataset(tmp_path / "x.npy"), detail(np.int8, [1, 4], 0.5, 0))


# -- images -------------------------------------------------------------------

def _images(tmp_path, shape, mode):
    Image = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    pixels = [rng.integers(0, 256, shape).astype(np.uint8) for _ in range(3)]
    for k, p in enumerate(pixels):
        Image.fromarray(p, mode=mode).save(tmp_path / f"{k}.png")
    return pixels


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.float32])
def test_rgb_images(tmp_path, dtype):
    pixels = np.stack(_images(tmp_path, (4, 4, 3), "RGB"))
    inputs = prepare_inputs(load_dataset(tmp_path), input_detail(image_classifier(dtype)))
    want = {np.int8: (pixels.astype(np.int16) - 128).astype(np.int8), np.uint8: pixels,
            np.float32: pixels.astype(np.float32) / np.float32(255)}[dtype]
    assert inputs.x.dtype == dtype
    assert np.array_equal(inputs.x, want.reshape(3, 1, 4, 4, 3))


def test_grey_model_takes_rgb_images_as_luminance(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    pixels = _images(tmp_path, (4, 4, 3), "RGB")
    inputs = prepare_inputs(load_dataset(tmp_path), input_detail(image_classifier(np.uint8, 1)))
    grey = np.asarray(Image.fromarray(pixels[1], mode="RGB").convert("L"))
    assert np.array_equal(inputs.x[1].reshape(4, 4), grey)


def test_image_errors(tmp_path, monkeypatch):
    _images(tmp_path, (5, 4, 3), "RGB")
    with pytest.raises(EvalError, match=r"0\.png \(example 0\): 4x5 pixels; the model takes "
                                        r"4x4 \(width x height\): resize the images first"):
        prepare_inputs(load_dataset(tmp_path), input_detail(image_classifier()))
    with pytest.raises(EvalError, match=r"an image, but the model's input 'x' is int8\[1, 4\]"):
        prepare_inputs(load_dataset(tmp_path), detail(np.int8, [1, 4], 1.0, 0))
    (tmp_path / "1.png").write_bytes(b"not a png")
    with pytest.raises(EvalError, match=r"1\.png \(example 1\): not a readable image"):
        prepare_inputs(load_dataset(tmp_path), detail(np.int8, [1, 5, 4, 3], 1.0, 0))
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(MissingPillow, match=r"pip install 'tinyml-interpreter\[images\]'"):
        prepare_inputs(load_dataset(tmp_path), input_detail(image_classifier()))


# -- audio -----------------------------------------------------------------

def test_wav_goes_through_the_front_end_as_listen_does(tmp_path):
    from interpreter.audio import KeywordSpotter

    rng = np.random.default_rng(0)
    clips = [rng.integers(-3000, 3000, n).astype(np.int16) for n in (16000, 9000, 480)]
    for k, c in enumerate(clips):
        write_wav(tmp_path / "yes" / f"{k}.wav", c)
    frontend, model = fake_frontend(), keyword_classifier()
    ds = load_dataset(tmp_path)
    inputs = prepare_inputs(ds, input_detail(model), model, frontend, backend="numpy")
    spotter = KeywordSpotter(frontend, model, ["a", "b", "c"])
    for k, c in enumerate(clips):
        features, _ = spotter.features(c)
        assert np.array_equal(inputs.x[k], features.reshape(1, 49, 40))
    assert ds.y.tolist() == [0, 0, 0]


def test_wav_errors(tmp_path):
    frontend, model = fake_frontend(), keyword_classifier()
    d = input_detail(model)
    write_wav(tmp_path / "a.wav", np.zeros(16000, np.int16))
    with pytest.raises(EvalError, match="WAV examples need the audio front end model"):
        prepare_inputs(load_dataset(tmp_path), d, model)
    with pytest.raises(EvalError, match="the model does not take the front end's features"):
        m = classifier()[0]
        prepare_inputs(load_dataset(tmp_path), input_detail(m), m, frontend)
    cases = [(np.zeros(8000, np.int16), 8000, r"8000 Hz \(needs 16000 Hz"),
             (np.zeros(16001, np.int16), 16000, r"16001 samples is longer than one second"),
             (np.zeros(100, np.int16), 16000, r"100 samples is shorter than one 30 ms window")]
    for samples, rate, match in cases:
        write_wav(tmp_path / "b.wav", samples, rate)
        with pytest.raises(EvalError, match=r"b\.wav \(example 1\): " + match):
            prepare_inputs(load_dataset(tmp_path), d, model, frontend)
    (tmp_path / "b.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(EvalError, match=r"b\.wav \(example 1\): .*not a PCM WAV"):
        prepare_inputs(load_dataset(tmp_path), d, model, frontend)
