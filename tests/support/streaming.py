"""Stateful models (LSTM, SVDF) against the TFLM runtime, invoke by invoke.

Each invoke feeds a new input and compares the output and every variable state
tensor with TFLM's (or with another backend of this interpreter's, or with LiteRT's
reference kernels for ``semantics="tflite"``); then both sides reset their variables
and run once more.
"""
from __future__ import annotations

from typing import Callable
from typing import Mapping

import numpy as np
import pytest
from single_op import assert_same

from interpreter import Interpreter


def tflm_interpreter(model: bytes):
    runtime = pytest.importorskip("tflite_micro.python.tflite_micro.runtime",
                                  reason="tflite-micro not installed (pip install '.[test]')")
    # kPreserveAllTensors: GetTensor then reads the variable state tensors too
    return runtime.Interpreter.from_bytes(
        bytes(model), arena_size=1 << 20,
        intrepreter_config=runtime.InterpreterConfig.kPreserveAllTensors)


def _stepper(it, states: Mapping[str, int]):
    """(step, reset) of an interpreter with LiteRT's Python API (this one's or LiteRT's)."""
    it.allocate_tensors()
    in_index = it.get_input_details()[0]["index"]
    out_index = it.get_output_details()[0]["index"]

    def step(x: np.ndarray):
        it.set_tensor(in_index, x)
        it.invoke()
        return (it.get_tensor(out_index).copy(),
                {name: it.get_tensor(tid).copy() for name, tid in states.items()})
    return step, it.reset_all_variables


def _ours(model: bytes, states: Mapping[str, int], backend: str, rounding: str,
          semantics: str = "tflm"):
    """(step, reset) of this interpreter: step(x) -> (output, {state name: values})."""
    it = Interpreter(model_content=model, backend=backend, rounding=rounding,
                     semantics=semantics)
    return _stepper(it, states)


def _tflm(model: bytes, states: Mapping[str, int]):
    """(step, reset) of the TFLM runtime, as ``_ours``."""
    ref = tflm_interpreter(model)

    def step(x: np.ndarray):
        ref.set_input(x, 0)
        ref.invoke()
        return (np.asarray(ref.get_output(0)),
                {name: np.asarray(ref.GetTensor(tid, 0)["tensor_data"])
                 for name, tid in states.items()})
    return step, ref.reset


def _litert(model: bytes, states: Mapping[str, int]):
    """(step, reset) of LiteRT with its reference kernels (BUILTIN_REF), one thread."""
    lite = pytest.importorskip("ai_edge_litert.interpreter",
                               reason="ai-edge-litert not installed (pip install '.[test]')")
    it = lite.Interpreter(model_content=bytes(model), num_threads=1,
                          experimental_op_resolver_type=lite.OpResolverType.BUILTIN_REF)
    return _stepper(it, states)


def check_streaming(model: bytes, states: Mapping[str, int], inputs: Callable[[int], np.ndarray],
                    label: str, invokes: int, backend: str = "numpy", rounding: str = "double",
                    against: str = "tflm") -> None:
    """``invokes`` invokes on ``inputs(k)``, then reset and one more; ``states`` names
    the variable tensors (by index) compared after each invoke. This interpreter runs
    with ``backend`` and ``rounding``; ``against`` is "tflm" (the runtime), "litert"
    (LiteRT's reference kernels, against ``semantics="tflite"``) or a backend of this
    interpreter ("numpy": the reference)."""
    if against == "litert":
        ours, reset_ours = _ours(model, states, backend, rounding, semantics="tflite")
        ref, reset_ref = _litert(model, states)
    else:
        ours, reset_ours = _ours(model, states, backend, rounding)
        ref, reset_ref = (_tflm(model, states) if against == "tflm"
                          else _ours(model, states, against, rounding))

    def step(k: int, what: str) -> None:
        x = inputs(k)
        (out, mine), (ref_out, theirs) = ours(x), ref(x)
        assert_same(out, ref_out, f"{what} output")
        for name in states:
            assert_same(mine[name], theirs[name].reshape(mine[name].shape), f"{what} {name}")

    for k in range(invokes):
        step(k, f"{label} invoke {k}")
    reset_ours()
    reset_ref()
    step(invokes, f"{label} after reset")
