"""IF, WHILE and CALL_ONCE: subgraphs run as in TFLM, and one arena plan covers them all.

Builder-made models are run in this interpreter and in the tflite-micro
runtime (one runtime interpreter, several invokes) with equal output bytes;
the arena plan of every subgraph is compared with the runtime's offset for
offset. The one-timeline lifetimes are also checked by hand.
"""
from __future__ import annotations

import numpy as np
import pytest
from subgraph_models import check_plan_against_tflm
from subgraph_models import run_both

from interpreter import Interpreter
from interpreter.builder import ModelBuilder
from interpreter.errors import ModelError
from interpreter.parse.loader import load_model
from interpreter.plan import model_buffer_requests
from interpreter.plan import plan_model

F32 = np.float32


def if_model(else_mul: bool = True, extra_scratch_size: int = 0) -> bytes:
    """out = IF(cond, x + x, y) then (a + b) else (a * b); final = out + x."""
    b = ModelBuilder("if")
    cond = b.add_tensor("cond", np.bool_, [1])
    x = b.add_tensor("x", F32, [2, 4])
    y = b.add_tensor("y", F32, [2, 4])
    t = b.add_tensor("t", F32, [2, 4])
    out = b.add_tensor("out", F32, [2, 4])
    final = b.add_tensor("final", F32, [2, 4])
    b.add_operator("ADD", [x, x], [t])
    b.add_operator("IF", [cond, t, y], [out],
                   options={"then_subgraph_index": 1, "else_subgraph_index": 2})
    b.add_operator("ADD", [out, x], [final])
    b.set_inputs([cond, x, y])
    b.set_outputs([final])
    for name, op in (("then", "ADD"), ("else", "MUL" if else_mul else "SUB")):
        g = b.add_subgraph(name)
        if name == "else":
            # unlike the then branch's tensors, so that the arena probe tells them apart
            g.add_tensor("unused", F32, [3], data=[0, 0, 0])
        a1 = g.add_tensor("a", F32, [2, 4])
        a2 = g.add_tensor("b", F32, [2, 4])
        r1 = g.add_tensor("r1", F32, [2, 4])
        r2 = g.add_tensor("r2", F32, [2, 4])
        g.add_operator(op, [a1, a2], [r1])
        g.add_operator("ADD", [r1, a1], [r2])
        g.set_inputs([a1, a2])
        g.set_outputs([r2])
    return b.build()


def while_model(limit: int = 5) -> bytes:
    """(i, acc) = WHILE(i < limit) { i + 1, acc + acc * 0.5 }; out = acc + x."""
    b = ModelBuilder("while")
    i0 = b.add_tensor("i0", np.int32, [1])
    x = b.add_tensor("x", F32, [1, 4])
    i1 = b.add_tensor("i1", np.int32, [1])
    acc = b.add_tensor("acc", F32, [1, 4])
    out = b.add_tensor("out", F32, [1, 4])
    b.add_operator("WHILE", [i0, x], [i1, acc],
                   options={"cond_subgraph_index": 1, "body_subgraph_index": 2})
    b.add_operator("ADD", [acc, x], [out])
    b.set_inputs([i0, x])
    b.set_outputs([out, i1])
    c = b.add_subgraph("cond")
    ci = c.add_tensor("i", np.int32, [1])
    ca = c.add_tensor("a", F32, [1, 4])
    lim = c.add_tensor("limit", np.int32, [1], data=[limit])
    flag = c.add_tensor("flag", np.bool_, [1])
    c.add_operator("LESS", [ci, lim], [flag])
    c.set_inputs([ci, ca])
    c.set_outputs([flag])
    d = b.add_subgraph("body")
    di = d.add_tensor("i", np.int32, [1])
    da = d.add_tensor("a", F32, [1, 4])
    one = d.add_tensor("one", np.int32, [1], data=[1])
    half = d.add_tensor("half", F32, [1], data=[0.5])
    di2 = d.add_tensor("i_next", np.int32, [1])
    dh = d.add_tensor("a_half", F32, [1, 4])
    da2 = d.add_tensor("a_next", F32, [1, 4])
    d.add_operator("ADD", [di, one], [di2])
    d.add_operator("MUL", [da, half], [dh])
    d.add_operator("ADD", [da, dh], [da2])
    d.set_inputs([di, da])
    d.set_outputs([di2, da2])
    return b.build()


def call_once_model() -> bytes:
    """CALL_ONCE runs an init subgraph (with an op of its own) at the first invoke only."""
    b = ModelBuilder("call once")
    x = b.add_tensor("x", F32, [4])
    y = b.add_tensor("y", F32, [4])
    b.add_operator("CALL_ONCE", [], [], options={"init_subgraph_index": 1})
    b.add_operator("RELU", [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    g = b.add_subgraph("init")
    # Shapes unlike the main subgraph's, so that the arena probe tells the subgraphs apart.
    c = g.add_tensor("c", F32, [6], data=[1, -2, 3, -4, 5, -6])
    r = g.add_tensor("r", F32, [6])
    g.add_operator("RELU", [c], [r])
    return b.build()


def _x(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype(F32)


# -- running against the TFLM runtime -------------------------------------------

def test_if_runs_the_branch_the_condition_picks():
    steps = [[np.array([c]), _x((2, 4), k), _x((2, 4), 10 + k)]
             for k, c in enumerate([True, False, False, True])]
    outs = run_both(if_model(), steps)
    x, y = steps[1][1], steps[1][2]
    np.testing.assert_allclose(outs[1][0], (x + x) * y + (x + x) + x, rtol=1e-6)


@pytest.mark.parametrize("start", [0, 3, 5, 9])
def test_while_loops_until_the_condition_fails(start):
    x = _x((1, 4), start)
    [[out, i]] = run_both(while_model(5), [[np.array([start], np.int32), x]], n_outputs=2)
    assert i.tolist() == [max(start, 5)]
    np.testing.assert_allclose(out, x * 1.5 ** max(0, 5 - start) + x, rtol=1e-6)


def test_while_state_across_invokes():
    steps = [[np.array([k], np.int32), _x((1, 4), k)] for k in (4, 0, 2)]
    run_both(while_model(4), steps, n_outputs=2)


def test_a_loop_that_does_not_end_is_stopped_with_a_model_error():
    """TFLM would loop (here: 2^31 times); the interpreter stops after MAX_WHILE_ITERATIONS
    with a ModelError naming the operator, so a hostile model cannot hang it."""
    from interpreter.ops.control_flow import MAX_WHILE_ITERATIONS
    interp = Interpreter(model_content=while_model((1 << 31) - 1))
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], np.array([0], np.int32))
    interp.set_tensor(interp.get_input_details()[1]["index"], _x((1, 4), 0))
    with pytest.raises(ModelError, match=rf"WHILE \(operator 0\): ran "
                                         rf"{MAX_WHILE_ITERATIONS:,} iterations"):
        interp.invoke()


def test_call_once_runs_once_per_interpreter():
    interp = Interpreter(model_content=call_once_model())
    interp.allocate_tensors()
    calls = []
    init = interp._graph.runners[1]
    original = init.invoke
    init.invoke = lambda: (calls.append(1), original())
    for _ in range(3):
        interp.set_tensor(0, _x(4, 0))
        interp.invoke()
    interp.reset_all_variables()     # as TFLM: a CALL_ONCE that ran stays done
    interp.invoke()
    assert calls == [1]
    run_both(call_once_model(), [[_x(4, k)] for k in range(3)])


# -- the arena plan ------------------------------------------------------------

def test_lifetimes_of_called_subgraphs_nest_in_the_caller():
    model = load_model(if_model())
    life = {(r.subgraph_index, r.tensor_index): (r.first_op, r.last_op)
            for r in model_buffer_requests(model.subgraphs)}
    # main: ADD at 0, IF at 1 (then at 2: ops 3, 4; else at 5: ops 6, 7), ADD at 8
    assert life[0, 0] == (-1, 7)          # cond: read by IF, after both branches
    assert life[0, 3] == (0, 7)           # t
    assert life[0, 4] == (1, 8)           # IF's output, live across both branches
    assert life[0, 1] == (-1, 8)          # x, read by the last ADD
    assert life[1, 0] == (2, 4) and life[1, 3] == (4, 4)
    assert life[2, 1] == (5, 7) and life[2, 3] == (6, 7)


def test_scratch_of_a_control_flow_op_spans_its_subgraphs():
    model = load_model(if_model())
    reqs = model_buffer_requests(model.subgraphs, {0: {1: [32]}, 2: {0: [8]}})
    scratch = [(r.subgraph_index, r.op_index, r.first_op, r.last_op, r.name)
               for r in reqs if r.kind == "scratch"]
    assert scratch == [(0, 1, 1, 7, "scratch op1.0"), (2, 0, 6, 6, "scratch sg2 op0.0")]
    plan = plan_model(model, {1: [32]}, subgraph_scratch={2: {0: [8]}})
    assert set(plan.scratch_offsets(0)) == {1} and set(plan.scratch_offsets(2)) == {0}
    assert plan.to_dict()["buffers"][-1]["subgraph"] == 2


def test_an_uncalled_subgraph_is_still_planned_untouched():
    b = ModelBuilder()
    x = b.add_tensor("x", F32, [4])
    y = b.add_tensor("y", F32, [4])
    b.add_operator("RELU", [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    g = b.add_subgraph("orphan")
    a = g.add_tensor("a", F32, [4])
    r = g.add_tensor("r", F32, [4])
    g.add_operator("RELU", [a], [r])
    g.set_inputs([a])
    g.set_outputs([r])
    model = load_model(b.build())
    life = {(r.subgraph_index, r.tensor_index): (r.first_op, r.last_op)
            for r in model_buffer_requests(model.subgraphs)}
    assert life[1, 0] == (-2, -2) and life[1, 1] == (-2, -2)


def test_recursive_subgraphs_are_a_model_error():
    b = ModelBuilder()
    b.add_operator("CALL_ONCE", [], [], options={"init_subgraph_index": 1})
    g = b.add_subgraph("loop")
    g.add_operator("CALL_ONCE", [], [], options={"init_subgraph_index": 1})
    with pytest.raises(ModelError, match="recursively"):
        Interpreter(model_content=b.build()).allocate_tensors()


def test_a_missing_subgraph_is_a_model_error():
    b = ModelBuilder()
    b.add_operator("CALL_ONCE", [], [], options={"init_subgraph_index": 3})
    with pytest.raises(ModelError, match="subgraph 3"):
        Interpreter(model_content=b.build()).allocate_tensors()


@pytest.mark.parametrize("make", [if_model, while_model, call_once_model],
                         ids=["if", "while", "call_once"])
def test_plan_equals_tflm_runtime(make, capfd):
    check_plan_against_tflm(make(), capfd)


def test_trace_with_subgraphs_shows_the_loop_body_op_by_op():
    """trace(subgraphs=True) yields the cond/body ops WHILE runs (3 iterations: 4 cond
    LESS, 3 x (ADD, MUL, ADD) body ops), before the WHILE itself, then the main ADD;
    the result equals a plain invoke()."""
    from interpreter import Interpreter
    x = _x((1, 4), 1)
    interp = Interpreter(model_content=while_model(5))
    interp.allocate_tensors()
    i_in, x_in = interp.get_input_details()
    interp.set_tensor(i_in["index"], np.array([2], np.int32))
    interp.set_tensor(x_in["index"], x)
    steps = list(interp.trace(subgraphs=True))
    names = [(s[0], s[2]) for s in steps]
    assert names == ([(1, "LESS")] + [(2, "ADD"), (2, "MUL"), (2, "ADD"), (1, "LESS")] * 3
                     + [(0, "WHILE"), (0, "ADD")])
    last_body = [s for s in steps if s[0] == 2][-1]
    np.testing.assert_allclose(last_body[4]["a_next"], x * 1.5 ** 3, rtol=1e-6)
    traced = interp.get_tensor(interp.get_output_details()[0]["index"]).copy()
    assert [s[1] for s in interp.trace()] == ["WHILE", "ADD"]   # main subgraph only
    interp.invoke()
    assert np.array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), traced)
    assert interp._graph.observer is None
