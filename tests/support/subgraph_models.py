"""Helpers for tests of models with several subgraphs (control flow, resource variables).

``run_both`` invokes this interpreter and ONE tflite-micro runtime interpreter
side by side over several invokes (state must carry over), optionally
resetting both in between; ``check_plan_against_tflm`` compares the arena
plan of every subgraph with the runtime's, offset for offset (the arena probe
of tflm_arena.py). ``float_accumulator`` is a model with a resource variable
(and a CALL_ONCE initializing it).
"""
from __future__ import annotations

import numpy as np
import pytest

from interpreter import Interpreter
from interpreter.builder import ModelBuilder
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
    from tflm_arena import tflm_head_bytes
    from tflm_arena import tflm_tensor_offsets

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


def float_accumulator(init: bool = True) -> bytes:
    """s = acc + x; acc = s. With ``init``, CALL_ONCE first sets acc to [10, 20, 30, 40]."""
    b = ModelBuilder("float accumulator")
    x = b.add_tensor("x", np.float32, [1, 4])
    h = b.add_tensor("h", "RESOURCE", [])
    v = b.add_tensor("v", np.float32, [1, 4])
    s = b.add_tensor("s", np.float32, [1, 4])
    if init:
        b.add_operator("CALL_ONCE", [], [], options={"init_subgraph_index": 1})
    b.add_operator("VAR_HANDLE", [], [h], options={"container": "c", "shared_name": "acc"})
    b.add_operator("READ_VARIABLE", [h], [v])
    b.add_operator("ADD", [v, x], [s])
    b.add_operator("ASSIGN_VARIABLE", [h, s], [])
    b.set_inputs([x])
    b.set_outputs([s])
    if init:
        g = b.add_subgraph("init")
        c = g.add_tensor("c", np.float32, [1, 4], data=[[10, 20, 30, 40]])
        h2 = g.add_tensor("h", "RESOURCE", [])
        g.add_operator("VAR_HANDLE", [], [h2], options={"container": "c", "shared_name": "acc"})
        g.add_operator("ASSIGN_VARIABLE", [h2, c], [])
    return b.build()
