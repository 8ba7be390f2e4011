"""Helpers for tests of models with several subgraphs (control flow, resource variables).

``run_both`` invokes this interpreter and ONE tflite-micro runtime interpreter
side by side over several invokes (state must carry over), optionally
resetting both in between; ``check_plan_against_tflm`` compares the arena
plan of every subgraph with the runtime's, offset for offset (the arena probe
of test_plan.py).
"""
from __future__ import annotations

import numpy as np
import pytest

from interpreter import Interpreter
from interpreter.parse.loader import load_model
from interpreter.plan import MemoryPlan

RESET = "reset"


def tflm_runtime():
    return pytest.importorskip("tflite_micro.python.tflite_micro.runtime",
                               reason="tflite-micro not installed (pip install '.[test]')")


def run_both(model: bytes, steps, n_outputs: int = 1):
    """Feed ``steps`` (lists of inputs, or RESET) to both interpreters; compare every output.

    Returns this interpreter's outputs, one list per invoke.
    """
    runtime = tflm_runtime()
    ref = runtime.Interpreter.from_bytes(bytes(model), arena_size=1 << 20)
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    out_details = ours.get_output_details()
    in_details = ours.get_input_details()
    results = []
    for step in steps:
        if step == RESET:
            ref.reset()
            ours.reset_all_variables()
            continue
        for k, x in enumerate(step):
            ref.set_input(x, k)
            ours.set_tensor(in_details[k]["index"], x)
        ref.invoke()
        ours.invoke()
        got = [ours.get_tensor(d["index"]) for d in out_details[:n_outputs]]
        for k, g in enumerate(got):
            want = np.asarray(ref.get_output(k))
            assert g.dtype == want.dtype and g.shape == want.shape
            assert g.tobytes() == want.tobytes(), f"invoke {len(results)}, output {k}: {g} != {want}"
        results.append(got)
    return results


def check_plan_against_tflm(model: bytes, capfd) -> MemoryPlan:
    """Our plan of every subgraph equals TFLM's: head size and each planned tensor's offset."""
    from test_plan import tflm_head_bytes, tflm_tensor_offsets

    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    plan = interp.memory_plan()
    assert plan.arena_bytes == tflm_head_bytes(model, capfd)
    parsed = load_model(model)
    for sg in parsed.subgraphs:
        theirs = tflm_tensor_offsets(model, sg.tensors)
        # Tensors whose memory a kernel provided (VAR_HANDLE's ids) lie outside the head.
        planned = {i: o for i, o in theirs.items() if 0 <= o < plan.arena_bytes}
        assert plan.tensor_offsets(sg.index) == planned, f"subgraph {sg.index}"
    return plan
