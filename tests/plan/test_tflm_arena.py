"""tests/support/tflm_arena.py, which the plan tests read TFLM's arena with: it must find
the arena whatever garbage the suite leaves behind (it once skipped now and then in full
runs, see test_arena_found_when_a_collection_frees_an_old_one)."""
from __future__ import annotations

import gc

import tflm_arena

from interpreter import Interpreter
from interpreter.examples.sine import build_sine_model


def test_arena_found_when_a_collection_frees_an_old_one(monkeypatch):
    """An unreachable interpreter freed by a collection between the memory-map snapshot
    and the new allocation gives its addresses to the new arena, which then looked old."""
    runtime = tflm_arena.probe_runtime()
    model, _ = build_sine_model()
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    enabled = gc.isenabled()
    gc.disable()
    try:
        old = runtime.Interpreter.from_bytes(model, arena_size=tflm_arena._PROBE_ARENA)
        cycle = [old]
        cycle.append(cycle)        # only a collection frees it
        del old, cycle
        snapshot = tflm_arena._readable_mappings

        def snapshot_then_collect():
            maps = snapshot()
            gc.collect()
            return maps

        monkeypatch.setattr(tflm_arena, "_readable_mappings", snapshot_then_collect)
        offsets = tflm_arena.tflm_tensor_offsets(model, ours.model.main.tensors)
    finally:
        if enabled:
            gc.enable()
    plan = ours.memory_plan()
    assert offsets == {b.tensor_index: b.offset for b in plan.buffers if b.kind != "scratch"}

