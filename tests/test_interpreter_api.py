"""The tf.lite.Interpreter-compatible surface: details, set/get, errors."""
from __future__ import annotations

import numpy as np
import pytest
from reference import corpus_model

from interpreter import Interpreter
from interpreter import ModelError
from interpreter.examples.sine import build_sine_model


@pytest.fixture(scope="module")
def sine_bytes() -> bytes:
    return build_sine_model(seed=0)[0]


@pytest.fixture
def interp(sine_bytes) -> Interpreter:
    it = Interpreter(model_content=sine_bytes)
    it.allocate_tensors()
    return it


def test_details_have_litert_keys(interp):
    keys = {"name", "index", "shape", "shape_signature", "dtype", "quantization",
            "quantization_parameters"}
    for d in interp.get_input_details() + interp.get_output_details() + interp.get_tensor_details():
        assert keys <= set(d)
        assert d["shape"].dtype == np.int32
        assert set(d["quantization_parameters"]) >= {"scales", "zero_points", "quantized_dimension"}


def test_details_equal_litert_on_corpus_model():
    lite = pytest.importorskip("ai_edge_litert.interpreter")
    path = corpus_model("mlperf_tiny/kws_ref_model.tflite")
    ours = Interpreter(model_path=path).get_tensor_details()
    theirs = lite.Interpreter(model_path=str(path)).get_tensor_details()
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a["name"] == b["name"] and a["index"] == b["index"]
        assert np.array_equal(a["shape"], b["shape"])
        assert np.array_equal(a["shape_signature"], b["shape_signature"])
        assert a["dtype"] == b["dtype"]
        assert a["quantization"][1] == b["quantization"][1]
        assert np.float32(a["quantization"][0]) == np.float32(b["quantization"][0])
        qa, qb = a["quantization_parameters"], b["quantization_parameters"]
        assert np.array_equal(qa["scales"], qb["scales"])
        assert np.array_equal(qa["zero_points"], qb["zero_points"])
        assert qa["quantized_dimension"] == qb["quantized_dimension"]


def test_set_tensor_wrong_dtype_or_shape_changes_nothing(interp):
    d = interp.get_input_details()[0]
    interp.set_tensor(d["index"], np.array([[7]], np.int8))
    with pytest.raises(ValueError, match="type"):
        interp.set_tensor(d["index"], np.array([[7.0]], np.float32))
    with pytest.raises(ValueError, match="shape"):
        interp.set_tensor(d["index"], np.array([7, 8], np.int8))
    assert interp.get_tensor(d["index"]).tolist() == [[7]]


def test_set_tensor_rejects_constants_and_bad_indices(interp):
    const = next(d for d in interp.get_tensor_details() if "weights" in d["name"])
    with pytest.raises(ValueError, match="constant"):
        interp.set_tensor(const["index"], np.zeros(const["shape"], const["dtype"]))
    with pytest.raises(ValueError, match="out of range"):
        interp.get_tensor(10_000)


def test_tensor_returns_live_view_into_arena(interp):
    d = interp.get_input_details()[0]
    view = interp.tensor(d["index"])
    view()[...] = 42
    assert interp.get_tensor(d["index"]).tolist() == [[42]]


def test_calls_before_allocate_fail_clearly(sine_bytes):
    it = Interpreter(model_content=sine_bytes)
    assert it.get_input_details()  # details work before allocation, as in LiteRT
    with pytest.raises(RuntimeError, match="allocate_tensors"):
        it.invoke()


def test_invoke_is_deterministic_and_matches_tflm(interp, sine_bytes):
    from reference import run_tflm

    d_in, d_out = interp.get_input_details()[0], interp.get_output_details()[0]
    for v in range(-128, 128):
        x = np.array([[v]], np.int8)
        interp.set_tensor(d_in["index"], x)
        interp.invoke()
        ours = interp.get_tensor(d_out["index"])
        assert np.array_equal(ours, run_tflm(sine_bytes, [x])[0].reshape(ours.shape)), v


def test_preserve_all_tensors_keeps_intermediates(sine_bytes):
    it = Interpreter(model_content=sine_bytes, preserve_all_tensors=True)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], np.array([[0]], np.int8))
    it.invoke()
    plan = it.memory_plan()
    offsets = [b.offset for b in plan.buffers]
    assert len(set(offsets)) == len(offsets)  # nothing shares memory


def test_bad_constructor_arguments(sine_bytes):
    with pytest.raises(ValueError):
        Interpreter()
    with pytest.raises(ValueError, match="backend"):
        Interpreter(model_content=sine_bytes, backend="gpu")
    with pytest.raises(ValueError, match="rounding"):
        Interpreter(model_content=sine_bytes, rounding="triple")
    with pytest.raises(ModelError):
        Interpreter(model_content=b"not a model at all")
