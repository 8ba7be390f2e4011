"""LiteRT scripts run unchanged but for the import: the SignatureDef API, LiteRT's
constructor arguments, and the errors a script meets (tests/test_interpreter_api.py
covers the rest of the tf.lite.Interpreter surface)."""
from __future__ import annotations

import numpy as np
import pytest

from interpreter import Interpreter
from interpreter.builder import ModelBuilder


def two_signature_model() -> bytes:
    """ADD of two inputs and, as a second signature on subgraph 1, a RELU."""
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (1, 3))
    y = b.add_tensor("y", np.float32, (1, 3))
    z = b.add_tensor("z", np.float32, (1, 3))
    b.add_operator("ADD", [x, y], [z])
    b.set_inputs([x, y])
    b.set_outputs([z])
    g = b.add_subgraph("relu")
    u = g.add_tensor("u", np.float32, (2,))
    v = g.add_tensor("v", np.float32, (2,))
    g.add_operator("RELU", [u], [v])
    g.set_inputs([u])
    g.set_outputs([v])
    b.add_signature_def("serving_default", {"b_in": y, "a_in": x}, {"sum": z})
    b.add_signature_def("relu", {"values": u}, {"rectified": v}, subgraph_index=1)
    return b.build()


def one_signature_model() -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (2, 2), scale=0.5, zero_point=1)
    y = b.add_tensor("y", np.int8, (2, 2), scale=0.5, zero_point=1)
    b.add_operator("RELU", [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    b.add_signature_def("main", {"pixels": x}, {"out": y})
    return b.build()


def litert_script(interpreter_class, model: bytes) -> list:
    """A script written for LiteRT: only the class it is given changes."""
    seen = []
    interp = interpreter_class(model_content=model, num_threads=1)
    interp.allocate_tensors()
    seen.append(interp.get_signature_list())
    keys = sorted(interp.get_signature_list())
    if len(keys) == 1:
        runner = interp.get_signature_runner()
    else:
        runner = interp.get_signature_runner(keys[0])
    details = runner.get_input_details()
    seen.append(sorted(details))
    feeds = {}
    for k, (name, d) in enumerate(sorted(details.items())):
        rng = np.random.default_rng(k)
        feeds[name] = (rng.normal(size=d["shape"]).astype(d["dtype"]) if d["dtype"] == np.float32
                       else rng.integers(-128, 128, d["shape"]).astype(d["dtype"]))
        seen.append((name, d["name"], list(d["shape"]), d["dtype"], d["quantization"]))
    out = runner(**feeds)
    seen.append({k: v.tobytes() for k, v in out.items()})
    seen.append({k: (v["name"], list(v["shape"])) for k, v in runner.get_output_details().items()})
    for bad in ({}, {**feeds, "nope": next(iter(feeds.values()))}):
        try:
            runner(**bad)
        except ValueError as e:
            seen.append(str(e))
    for key in ("missing", None):
        try:
            interp.get_signature_runner(key)
            seen.append("ran")
        except ValueError as e:
            seen.append(str(e))
    return seen


@pytest.mark.parametrize("make", [two_signature_model, one_signature_model])
def test_a_litert_script_runs_unchanged(make):
    lite = pytest.importorskip("ai_edge_litert.interpreter", reason="ai-edge-litert not installed")
    model = make()
    assert litert_script(Interpreter, model) == litert_script(lite.Interpreter, model)


def test_a_signature_on_another_subgraph_runs_that_subgraph():
    interp = Interpreter(model_content=two_signature_model())
    interp.allocate_tensors()
    out = interp.get_signature_runner("relu")(values=np.array([-1.5, 2.0], np.float32))
    assert out["rectified"].tolist() == [0.0, 2.0]


def test_models_without_signatures_behave_as_in_litert():
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (3,))
    y = b.add_tensor("y", np.float32, (3,))
    b.add_operator("RELU", [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    interp = Interpreter(model_content=b.build())
    assert interp.get_signature_list() == {}
    with pytest.raises(ValueError, match="model has 0 Signatures"):
        interp.get_signature_runner()


def test_a_value_of_another_shape_is_refused_not_resized():
    interp = Interpreter(model_content=one_signature_model())
    runner = interp.get_signature_runner()
    with pytest.raises(ValueError, match="got shape \\(3, 2\\).*does not resize"):
        runner(pixels=np.zeros((3, 2), np.int8))
    with pytest.raises(ValueError, match="got value of type float32"):
        runner(pixels=np.zeros((2, 2), np.float32))


def test_resize_tensor_input_only_to_the_same_shape():
    interp = Interpreter(model_content=one_signature_model())
    interp.resize_tensor_input(0, [2, 2])
    interp.allocate_tensors()
    with pytest.raises(ValueError, match=r"from \[2, 2\] to \[4, 2\].*fixed shapes"):
        interp.resize_tensor_input(0, [4, 2], strict=True)
    with pytest.raises(ValueError, match="not an input"):
        interp.resize_tensor_input(1, [2, 2])


def test_a_misspelt_argument_is_a_type_error():
    with pytest.raises(TypeError, match="backnd"):
        Interpreter(model_content=one_signature_model(), backnd="c")


def test_litert_arguments_are_accepted():
    model = one_signature_model()
    interp = Interpreter(model_content=model, num_threads=4, experimental_delegates=[],
                         experimental_op_resolver_type=object(),
                         experimental_preserve_all_tensors=True,
                         experimental_disable_delegate_clustering=True)
    interp.allocate_tensors()
    assert interp.planner == "linear"     # preserve_all_tensors: no buffer is reused
