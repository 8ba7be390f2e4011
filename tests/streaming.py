"""Stateful single-op models (LSTM, SVDF) against the TFLM runtime, invoke by invoke.

Each invoke feeds a new input and compares the output and every variable state
tensor with TFLM's; then both sides reset their variables and run once more.
"""
from __future__ import annotations

from typing import Callable, Mapping

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


def check_streaming(model: bytes, states: Mapping[str, int], inputs: Callable[[int], np.ndarray],
                    label: str, invokes: int) -> None:
    """``invokes`` invokes on ``inputs(k)``, then reset and one more; ``states`` names
    the variable tensors (by index) compared after each invoke."""
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    ref = tflm_interpreter(model)
    in_index = ours.get_input_details()[0]["index"]
    out_index = ours.get_output_details()[0]["index"]

    def step(k: int, what: str) -> None:
        x = inputs(k)
        ours.set_tensor(in_index, x)
        ours.invoke()
        ref.set_input(x, 0)
        ref.invoke()
        assert_same(ours.get_tensor(out_index), np.asarray(ref.get_output(0)), f"{what} output")
        for name, tid in states.items():
            mine = ours.get_tensor(tid)
            theirs = np.asarray(ref.GetTensor(tid, 0)["tensor_data"]).reshape(mine.shape)
            assert_same(mine, theirs, f"{what} {name}")

    for k in range(invokes):
        step(k, f"{label} invoke {k}")
    ours.reset_all_variables()
    ref.reset()
    step(invokes, f"{label} after reset")
