"""VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE: state across invoke() calls, as in TFLM.

Streaming accumulators are run in this interpreter and in one tflite-micro
runtime interpreter over several invokes, with resets in between, and must
agree byte for byte; their arena plans must equal the runtime's.
"""
from __future__ import annotations

import numpy as np
import pytest
from subgraph_models import RESET
from subgraph_models import check_plan_against_tflm
from subgraph_models import float_accumulator
from subgraph_models import run_both

from interpreter import Interpreter
from interpreter.builder import ModelBuilder
from interpreter.errors import ModelError
from interpreter.graph import ResourceVariables

F32 = np.float32


def int8_accumulator() -> bytes:
    """Quantized: the variable starts at the value's zero point; two variables, one each."""
    b = ModelBuilder("int8 accumulator")
    q = {"scale": 0.05, "zero_point": -7}
    x = b.add_tensor("x", np.int8, [1, 8], **q)
    ha = b.add_tensor("ha", "RESOURCE", [])
    hb = b.add_tensor("hb", "RESOURCE", [])
    va = b.add_tensor("va", np.int8, [1, 8], **q)
    vb = b.add_tensor("vb", np.int8, [1, 8], scale=0.1, zero_point=3)
    s = b.add_tensor("s", np.int8, [1, 8], **q)
    t = b.add_tensor("t", np.int8, [1, 8], scale=0.1, zero_point=3)
    b.add_operator("VAR_HANDLE", [], [ha], options={"shared_name": "a"})
    b.add_operator("VAR_HANDLE", [], [hb], options={"shared_name": "b"})
    b.add_operator("READ_VARIABLE", [ha], [va])
    b.add_operator("READ_VARIABLE", [hb], [vb])
    b.add_operator("ADD", [va, x], [s])
    b.add_operator("SUB", [vb, s], [t])
    b.add_operator("ASSIGN_VARIABLE", [ha, s], [])
    b.add_operator("ASSIGN_VARIABLE", [hb, t], [])
    b.set_inputs([x])
    b.set_outputs([s, t])
    return b.build()


def _f(k):
    return np.random.default_rng(k).normal(size=(1, 4)).astype(F32)


def _q(k):
    return np.random.default_rng(k).integers(-128, 128, size=(1, 8), dtype=np.int8)


def test_float_accumulator_with_call_once_init_streams_and_resets():
    steps = [[_f(k)] for k in range(4)] + [RESET] + [[_f(k)] for k in range(4, 6)]
    outs = run_both(float_accumulator(), steps)
    xs = [_f(k)[0] for k in range(4)]
    np.testing.assert_allclose(outs[3][0][0], np.array([10, 20, 30, 40]) + sum(xs), rtol=1e-5)
    # After the reset the variable is 0 and CALL_ONCE does not run again.
    np.testing.assert_allclose(outs[4][0], _f(4), rtol=1e-6)


def test_accumulator_without_init_starts_at_zero():
    run_both(float_accumulator(init=False), [[_f(k)] for k in range(3)])


def test_int8_accumulators_start_at_their_zero_points():
    steps = [[_q(k)] for k in range(5)] + [RESET, [_q(9)], [_q(10)]]
    run_both(int8_accumulator(), steps, n_outputs=2)


def test_state_is_per_interpreter_and_reset_restores_default():
    data = int8_accumulator()
    a, b = Interpreter(model_content=data), Interpreter(model_content=data)
    a.allocate_tensors()
    b.allocate_tensors()
    res = a._graph.resources
    assert len(res) == 2 and res.value(0) == bytes([0xF9]) * 8 and res.value(1) == b"\x03" * 8
    a.set_tensor(0, _q(1))
    a.invoke()
    assert res.value(0) != bytes([0xF9]) * 8
    assert b._graph.resources.value(0) == bytes([0xF9]) * 8
    a.reset_all_variables()
    assert res.value(0) == bytes([0xF9]) * 8 and res.value(1) == b"\x03" * 8


def test_resource_table_rules():
    r = ResourceVariables()
    assert r.create_id("c", "v") == 0 and r.create_id("c", "v") == 0
    assert r.create_id(None, "v") == 0          # no container matches any
    assert r.create_id("d", "v") == 1
    with pytest.raises(ModelError, match="before any ASSIGN_VARIABLE"):
        r.read(1, np.zeros(4, np.int8))
    r.allocate(1, 4, -1)
    r.allocate(1, 8, 5)                        # a second allocation keeps the first
    out = np.zeros(4, np.int8)
    r.read(1, out)
    assert out.tolist() == [-1] * 4
    with pytest.raises(ModelError, match="holds 4 bytes"):
        r.assign(1, np.zeros(2, np.int8))
    with pytest.raises(ModelError, match="does not exist"):
        r.read(7, out)


def test_var_handle_outputs_are_not_planned():
    data = float_accumulator()
    interp = Interpreter(model_content=data)
    interp.allocate_tensors()
    planned = {(b.subgraph_index, b.tensor_index) for b in interp.memory_plan().buffers}
    assert (0, 1) not in planned and (1, 1) not in planned


@pytest.mark.parametrize("make", [float_accumulator, int8_accumulator],
                         ids=["float_call_once", "int8"])
def test_plan_equals_tflm_runtime(make, capfd):
    check_plan_against_tflm(make(), capfd)
