"""``tinyml explain``: the step-by-step recomputation of an output element equals the
interpreter's output, for every family it covers (int8 and 16x8), on random models from
the per-kernel generators (cortex_m.models) and on real ones."""
from __future__ import annotations

import numpy as np
import pytest
from reference import corpus_model

from interpreter import Interpreter
from interpreter.builder import ModelBuilder
from interpreter.cli import main
from interpreter.debug.explain import NotExplained
from interpreter.debug.explain import explain
from interpreter.errors import ModelError

FAMILIES = [("CONV_2D", "general"), ("CONV_2D", "1x1"), ("CONV_2D", "s16"),
            ("DEPTHWISE_CONV_2D", "3x3"), ("DEPTHWISE_CONV_2D", "general"),
            ("DEPTHWISE_CONV_2D", "s16"), ("FULLY_CONNECTED", "fc"), ("FULLY_CONNECTED", "s16"),
            ("AVERAGE_POOL_2D", "avg"), ("MAX_POOL_2D", "max"), ("ADD", "add"), ("MUL", "mul"),
            ("SOFTMAX", "softmax")]


@pytest.mark.parametrize("rounding", ["double", "single"])
@pytest.mark.parametrize("op,kernel", FAMILIES)
def test_explanation_reproduces_the_output_element(op, kernel, rounding):
    from cortex_m.models import draw
    rng = np.random.default_rng(17)
    explained = 0
    while explained < 3:
        model, feeds = draw(rng, op, kernel)
        try:
            interp = Interpreter(model_content=model, rounding=rounding)
            interp.allocate_tensors()
        except ModelError:
            continue
        shape = interp.get_output_details()[0]["shape"]
        for _ in range(3):
            element = tuple(int(rng.integers(0, d)) for d in shape)
            e = explain(model, 0, element, feeds, rounding=rounding)
            assert e.matches, e.text()
            assert e.lines and e.element == element
        explained += 1


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "ELU", "RELU6"])
def test_table_ops(op):
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (1, 256), scale=0.05, zero_point=3)
    q = {"LOGISTIC": (1 / 256, -128), "TANH": (1 / 128, 0)}.get(op, (0.04, -7))
    y = b.add_tensor("y", np.int8, (1, 256), scale=q[0], zero_point=q[1])
    b.add_operator(op, [x], [y], options={"alpha": 0.2} if op == "LEAKY_RELU" else None)
    b.set_inputs([x])
    b.set_outputs([y])
    feeds = [np.arange(-128, 128, dtype=np.int8).reshape(1, 256)]
    for k in (0, 100, 255):
        e = explain(b.build(), 0, (0, k), feeds)
        assert e.matches and "table[" in e.text(), e.text()


def test_a_real_model_op_by_op():
    model = corpus_model("mlperf_tiny/kws_ref_model.tflite").read_bytes()
    for op in range(13):
        try:
            e = explain(model, op, seed=3)
        except NotExplained:
            assert op in (10,)   # RESHAPE: nothing to compute
            continue
        assert e.matches, e.text()
    text = explain(model, 0, (0, 3, 2, 5)).text()
    for words in ("input offset", "sum of the", "plus the bias", "real scale",
                  "rounding doubling high multiply", "rounding divide by 2^",
                  "plus the output zero point", "clamp to the activation range",
                  "equals the interpreter's output element"):
        assert words in text, words


def test_float_and_bad_requests_are_clear_errors():
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (1, 4))
    w = b.add_tensor("w", np.float32, (2, 4), data=np.ones((2, 4), np.float32))
    y = b.add_tensor("y", np.float32, (1, 2))
    b.add_operator("FULLY_CONNECTED", [x, w], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    with pytest.raises(NotExplained, match="integer arithmetic"):
        explain(model, 0)
    with pytest.raises(ValueError, match="out of range"):
        explain(model, 5)
    with pytest.raises(ValueError, match="not an index of the output"):
        explain(model, 0, (0, 2))


def test_cli(tmp_path, capsys):
    path = tmp_path / "kws.tflite"
    path.write_bytes(corpus_model("mlperf_tiny/kws_ref_model.tflite").read_bytes())
    assert main(["explain", str(path), "--op", "2", "--element", "0,1,1,3"]) == 0
    out = capsys.readouterr().out
    assert "operator 2 CONV_2D, output element [0, 1, 1, 3]" in out
    assert main(["explain", str(path), "--op", "2", "--element", "a,b"]) == 2
