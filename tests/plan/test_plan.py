"""The arena planner (interpreter.plan) against TFLM's rules and TFLM itself.

Three kinds of evidence:

* hand-worked cases of each TFLM rule (lifetimes, the size sort and its tie
  order, first-fit gaps, alignment, offline offsets, scratch buffers);
* hypothesis properties of random plans (no collisions, greedy never worse
  than linear, offline offsets kept);
* comparisons with the installed tflite-micro runtime: the arena size it
  reports, and the offset of every tensor, read from its arena (see
  tests/support/tflm_arena.py), on the shared model corpus and on random graphs.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from reference import corpus_model
from tflm_arena import probe_runtime as _tflm_runtime
from tflm_arena import tflm_head_bytes
from tflm_arena import tflm_tensor_offsets

from interpreter.errors import ModelError
from interpreter.errors import PlanError
from interpreter.errors import UnsupportedOpError
from interpreter.parse.model import Model
from interpreter.parse.model import Operator
from interpreter.parse.model import Subgraph
from interpreter.parse.model import Tensor
from interpreter.plan import SUBGRAPH_ENTRY
from interpreter.plan import UNTOUCHED
from interpreter.plan import BufferRequest
from interpreter.plan import MemoryPlan
from interpreter.plan import PlannedBuffer
from interpreter.plan import buffer_requests
from interpreter.plan import offline_offsets
from interpreter.plan import parse_offline_allocation
from interpreter.plan import parse_offline_plan
from interpreter.plan import placement_order
from interpreter.plan import plan_greedy
from interpreter.plan import plan_linear
from interpreter.plan import plan_memory
from interpreter.plan import plan_model

# -- building subgraphs by hand ---------------------------------------------

_TYPE_CODES = {np.dtype(np.float32): 0, np.dtype(np.int32): 2, np.dtype(np.int16): 7,
               np.dtype(np.int8): 9}
ADD, IF, LSTM = 0, 118, 44


def tensor(index, shape, dtype=np.int8, const=False, variable=False, name=None) -> Tensor:
    dtype = np.dtype(dtype)
    data = None
    if const:
        data = np.zeros(shape, dtype)
        data.flags.writeable = False
    return Tensor(index=index, name=name or f"t{index}", type_code=_TYPE_CODES[dtype],
                  dtype=dtype, shape=tuple(shape), shape_signature=None, buffer=0,
                  quantization=None, data=data, is_variable=variable)


def op(index, inputs, outputs, code=ADD, intermediates=()) -> Operator:
    return Operator(index=index, opcode_index=0, builtin_code=code, op_name=str(code),
                    inputs=tuple(inputs), outputs=tuple(outputs),
                    intermediates=tuple(intermediates))


def subgraph(tensors, ops, inputs, outputs) -> Subgraph:
    return Subgraph(index=0, name="main", tensors=tuple(tensors), inputs=tuple(inputs),
                    outputs=tuple(outputs), operators=tuple(ops))


def req(name, size, first, last, offline=None) -> BufferRequest:
    return BufferRequest(name=name, size=size, first_op=first, last_op=last,
                         offline_offset=offline)


def offsets_by_name(plan: MemoryPlan) -> dict[str, int]:
    return {b.name: b.offset for b in plan.buffers}


def hello_world_like() -> Subgraph:
    """TFLM's hello_world_int8 graph: x[1,1] -> 16 -> 16 -> y[1,1], FC weights constant."""
    t = [tensor(0, [1, 1], name="x"), tensor(1, [16, 1], const=True),
         tensor(2, [16], np.int32, const=True), tensor(3, [16], np.int8, name="h1"),
         tensor(4, [16, 16], const=True), tensor(5, [16], np.int8, name="h2"),
         tensor(6, [1, 16], const=True), tensor(7, [1, 1], name="y")]
    ops = [op(0, [0, 1, 2], [3]), op(1, [3, 4, -1], [5]), op(2, [5, 6], [7])]
    return subgraph(t, ops, [0], [7])


def two_adds() -> Subgraph:
    """in0 + in1 -> t2; t2 + t2 -> t4; outputs t4 and t3, which nothing produces."""
    t = [tensor(0, [1, 16], np.float32, name="in0"), tensor(1, [1, 16], np.float32, name="in1"),
         tensor(2, [1, 16], np.float32, name="t2"), tensor(3, [1, 64], np.float32, name="t3"),
         tensor(4, [1, 16], np.float32, name="t4")]
    return subgraph(t, [op(0, [0, 1], [2]), op(1, [2, 2], [4])], [0, 1], [4, 3])


# -- lifetimes (micro_allocation_info.cc) -------------------------------------

def test_lifetimes_inputs_at_entry_outputs_to_end_constants_skipped():
    reqs = buffer_requests(hello_world_like())
    assert [(r.tensor_index, r.size, r.first_op, r.last_op) for r in reqs] == [
        (0, 1, SUBGRAPH_ENTRY, 0), (3, 16, 0, 1), (5, 16, 1, 2), (7, 1, 2, 2)]
    assert all(r.kind == "tensor" and r.offline_offset is None for r in reqs)


def test_variables_and_empty_tensors_are_not_planned():
    t = [tensor(0, [4]), tensor(1, [8], variable=True), tensor(2, [0]), tensor(3, [4])]
    sg = subgraph(t, [op(0, [0, 1, 2], [3])], [0], [3])
    assert [r.tensor_index for r in buffer_requests(sg)] == [0, 3]


def test_unused_input_unproduced_output_and_untouched_tensor():
    # in1 is read by nothing, t3 is an output nothing writes (TFLM creates it
    # at the end), t5 is touched by nothing at all yet still planned.
    t = [tensor(0, [4]), tensor(1, [4]), tensor(2, [4]), tensor(3, [4]), tensor(4, [4]),
         tensor(5, [4])]
    sg = subgraph(t, [op(0, [0, 0], [2]), op(1, [2, 2], [4])], [0, 1], [4, 3])
    life = {r.tensor_index: (r.first_op, r.last_op) for r in buffer_requests(sg)}
    assert life == {0: (-1, 0), 1: (-1, -1), 2: (0, 1), 3: (1, 1), 4: (1, 1),
                    5: (UNTOUCHED, UNTOUCHED)}


def test_output_also_read_later_lives_to_the_end():
    t = [tensor(i, [4]) for i in range(4)]
    sg = subgraph(t, [op(0, [0, 0], [1]), op(1, [1, 1], [2]), op(2, [2, 2], [3])], [0], [1, 3])
    life = {r.tensor_index: (r.first_op, r.last_op) for r in buffer_requests(sg)}
    assert life[1] == (0, 2)


def test_intermediates_must_be_empty():
    t = [tensor(0, [4]), tensor(1, [4]), tensor(2, [0])]
    ok = subgraph(t, [op(0, [0, 0], [1], intermediates=[2])], [0], [1])
    assert [r.tensor_index for r in buffer_requests(ok)] == [0, 1]
    bad = subgraph(t + [tensor(3, [2])], [op(0, [0, 0], [1], intermediates=[3])], [0], [1])
    with pytest.raises(ModelError, match="intermediate"):
        buffer_requests(bad)


def test_control_flow_is_refused():
    sg = subgraph([tensor(0, [4]), tensor(1, [4])], [op(0, [0], [1], code=IF)], [0], [1])
    with pytest.raises(UnsupportedOpError, match="IF"):
        buffer_requests(sg)


def test_bad_tensor_index_and_offline_length_are_model_errors():
    sg = subgraph([tensor(0, [4])], [op(0, [0], [7])], [0], [0])
    with pytest.raises(ModelError, match="tensor 7"):
        buffer_requests(sg)
    with pytest.raises(ModelError, match="offline"):
        buffer_requests(hello_world_like(), offline_offsets=[-1, -1])


def test_scratch_buffers_follow_tensors_by_operator_then_request_order():
    reqs = buffer_requests(hello_world_like(), {2: [7], 0: [40, 0]})
    scratch = [(r.name, r.size, r.first_op, r.last_op) for r in reqs if r.kind == "scratch"]
    # Empty scratch requests are planned too: TFLM marks every scratch buffer
    # as needing allocation.
    assert scratch == [("scratch op0.0", 40, 0, 0), ("scratch op0.1", 0, 0, 0),
                       ("scratch op2.0", 7, 2, 2)]
    assert [r.kind for r in reqs[:4]] == ["tensor"] * 4
    with pytest.raises(ValueError, match="operator 9"):
        buffer_requests(hello_world_like(), {9: [4]})


# -- the greedy planner (greedy_memory_planner.cc) -----------------------------

def test_equal_sizes_are_placed_last_added_first():
    # Measured on TFLM with hello_world_int8: x at 16, h1 at 0, h2 at 16, y at 0.
    # Breaking ties in order of addition would give the mirror image.
    plan = plan_memory(hello_world_like())
    assert plan.tensor_offsets() == {0: 16, 3: 0, 5: 16, 7: 0}
    assert plan.arena_bytes == 32


def test_sort_compares_aligned_sizes():
    # 20 and 17 bytes both round up to 32, so they tie and the later one goes first.
    reqs = [req("a", 20, 0, 1), req("b", 17, 1, 2)]
    assert placement_order(reqs, [32, 32]) == [1, 0]
    assert offsets_by_name(plan_greedy(reqs)) == {"a": 32, "b": 0}


def test_larger_buffers_are_placed_first():
    reqs = [req("small", 16, 0, 0), req("big", 64, 0, 0), req("mid", 32, 0, 0)]
    assert placement_order(reqs, [16, 64, 32]) == [1, 2, 0]
    assert offsets_by_name(plan_greedy(reqs)) == {"big": 0, "mid": 64, "small": 96}


def test_first_fit_reuses_a_gap_between_live_buffers():
    # a, b, c stack up; d is live only at op 1, when b is dead, so it fits in
    # b's place between a and c rather than on top.
    reqs = [req("a", 64, 0, 2), req("b", 48, 0, 0), req("c", 32, 0, 2), req("d", 16, 1, 1)]
    plan = plan_greedy(reqs)
    assert offsets_by_name(plan) == {"a": 0, "b": 64, "c": 112, "d": 64}
    assert plan.arena_bytes == 144
    plan.check()


def test_gap_too_small_is_skipped():
    # Two fixed buffers leave a 16-byte hole at 16..32: too small for z, just
    # right for w.
    reqs = [req("x", 16, 0, 2, offline=0), req("y", 16, 0, 2, offline=32),
            req("z", 32, 0, 2), req("w", 16, 0, 2)]
    plan = plan_greedy(reqs)
    assert offsets_by_name(plan) == {"x": 0, "y": 32, "z": 48, "w": 16}
    plan.check()


def test_buffers_live_at_different_times_share_memory():
    reqs = [req("a", 100, 0, 0), req("b", 100, 1, 1), req("c", 100, 2, 2)]
    plan = plan_greedy(reqs)
    assert set(offsets_by_name(plan).values()) == {0}
    assert plan.arena_bytes == 112


def test_sizes_are_aligned_up():
    plan = plan_greedy([req("a", 1, 0, 0), req("b", 17, 0, 0), req("c", 0, 0, 0)])
    assert [b.size for b in plan.buffers] == [16, 32, 0]
    assert all(b.offset % 16 == 0 for b in plan.buffers)
    assert plan.arena_bytes == 48
    assert plan_greedy([req("a", 5, 0, 0), req("b", 5, 0, 0)], alignment=4).arena_bytes == 16


def test_offline_buffers_are_placed_first_in_the_order_added():
    reqs = [req("on", 64, 0, 1), req("off2", 16, 0, 1, offline=48), req("off1", 32, 0, 1,
                                                                            offline=0)]
    assert placement_order(reqs, [64, 16, 32]) == [1, 2, 0]
    plan = plan_greedy(reqs)
    # The online buffer goes after the fixed ones it overlaps in time.
    assert offsets_by_name(plan) == {"off2": 48, "off1": 0, "on": 64}
    plan.check()


def test_online_buffer_fills_a_hole_in_the_offline_plan():
    reqs = [req("fixed_hi", 16, 0, 0, offline=64), req("x", 64, 0, 0)]
    assert offsets_by_name(plan_greedy(reqs)) == {"fixed_hi": 64, "x": 0}


def test_offline_offsets_match_tflm_on_two_adds():
    # Measured with the tflite-micro runtime on this graph, with offsets
    # 8 (misaligned, which TFLM accepts) for in0 and 96 for t2.
    plan = plan_memory(two_adds(), offline_offsets=[8, -1, 96, -1, -1])
    assert plan.tensor_offsets() == {0: 8, 1: 160, 2: 96, 3: 160, 4: 0}
    assert plan.arena_bytes == 416
    # ... and without an offline plan: t3 lives only at the end, so the
    # inputs reuse its bytes (TFLM: in0 64, in1 0, t2 320, t3 0, t4 256).
    assert plan_memory(two_adds()).tensor_offsets() == {0: 64, 1: 0, 2: 320, 3: 0, 4: 256}


def test_colliding_offline_plan_is_a_model_error():
    with pytest.raises(ModelError, match="overlapping"):
        plan_memory(two_adds(), offline_offsets=[0, 32, -1, -1, -1])


def test_scratch_is_planned_around_tensors():
    # The 112-byte scratch goes first, at 0; y (live after op 1) reuses it,
    # h2 and h1 stack above it, and x (dead after op 0) goes back to 0.
    plan = plan_memory(hello_world_like(), {1: [100]})
    assert plan.scratch_offsets() == {1: [0]}
    assert plan.tensor_offsets() == {0: 0, 3: 128, 5: 112, 7: 0}
    assert plan.arena_bytes == 144


def test_empty_subgraph_needs_no_arena():
    plan = plan_memory(subgraph([tensor(0, [4], const=True)], [], [], []))
    assert plan.buffers == () and plan.arena_bytes == 0


# -- the linear planner ------------------------------------------------------

def test_linear_planner_stacks_buffers_in_order():
    plan = plan_memory(hello_world_like(), {0: [5]}, planner="linear")
    assert [(b.offset, b.size) for b in plan.buffers] == [(0, 16), (16, 16), (32, 16),
                                                          (48, 16), (64, 16)]
    assert plan.arena_bytes == 80 and plan.planner == "linear"


def test_linear_planner_refuses_offline_offsets():
    with pytest.raises(PlanError, match="linear"):
        plan_linear([req("a", 16, 0, 0, offline=0)])


def test_unknown_planner():
    with pytest.raises(ValueError, match="planner"):
        plan_memory(hello_world_like(), planner="best")


# -- MemoryPlan ----------------------------------------------------------------

def _plan(*placed, arena):
    return MemoryPlan(buffers=tuple(PlannedBuffer(r, o, s) for r, o, s in placed),
                      arena_bytes=arena)


def test_check_rejects_collisions_overflow_and_misalignment():
    a, b = req("a", 16, 0, 1), req("b", 16, 1, 2)
    _plan((a, 0, 16), (b, 16, 16), arena=32).check()
    _plan((a, 0, 16), (req("later", 16, 2, 2), 0, 16), arena=16).check()
    with pytest.raises(PlanError, match="share memory"):
        _plan((a, 0, 16), (b, 0, 16), arena=16).check()
    # Padding is not used memory: an offline plan may put a buffer in another's.
    plan_greedy([req("ten", 10, 0, 0, offline=0), req("four", 4, 0, 0, offline=12)]).check()
    with pytest.raises(PlanError, match="outside"):
        _plan((a, 0, 16), (b, 16, 16), arena=16).check()
    with pytest.raises(PlanError, match="aligned"):
        _plan((a, 8, 16), arena=32).check()
    # ... unless an offline offset is misaligned, when TFLM misaligns too.
    _plan((req("f", 16, 0, 0, offline=8), 8, 16), (a, 24, 16), arena=40).check()
    with pytest.raises(PlanError, match="offline"):
        _plan((req("f", 16, 0, 0, offline=32), 0, 16), arena=48).check()
    with pytest.raises(PlanError, match="needs"):
        _plan((req("big", 20, 0, 0), 0, 16), arena=16).check()


def test_table_and_json():
    plan = plan_memory(hello_world_like(), {1: [3]})
    table = plan.format_table()
    assert "greedy plan: 5 buffers, arena 48 bytes" in table
    lines = table.splitlines()
    # columns: #, name, kind, offset, size, first, last, live at -1..2
    assert lines[2].split() == ["0", "x", "tensor", "0", "16", "-1", "0", "##.."]
    assert lines[-1].split() == ["4", "scratch", "op1.0", "scratch", "0", "16", "1", "1", "..#."]
    assert "lifetime" not in plan.format_table(lifetimes=False)
    d = plan.to_dict()
    assert d["arena_bytes"] == 48 and len(d["buffers"]) == 5
    assert d["buffers"][-1] == {"name": "scratch op1.0", "kind": "scratch", "tensor_index": None,
                                "offset": 0, "size": 16, "requested_size": 3, "first_op": 1,
                                "last_op": 1, "offline_offset": None}
    assert json.loads(plan.to_json()) == d


def test_long_names_are_shortened_and_long_timelines_compressed():
    reqs = [req("n" * 100, 16, 0, 199), req("late", 16, 150, 199)]
    table = plan_greedy(reqs).format_table(bar_width=50)
    assert "n" * 37 + "..." in table and "n" * 41 not in table
    assert "4 per column" in table
    assert table.splitlines()[-1].endswith("." * 37 + "#" * 13)


# -- offline plan metadata -----------------------------------------------------

def _offline_bytes(*words) -> bytes:
    return np.array(words, "<i4").tobytes()


def test_parse_offline_plan():
    plan = parse_offline_plan(_offline_bytes(1, 1, 3, 0, -1, 64))
    assert (plan.version, plan.subgraph_count, plan.offsets) == (1, 1, (0, -1, 64))
    assert parse_offline_allocation(_offline_bytes(1, 1, 2, -1, 16), 2) == (-1, 16)


@pytest.mark.parametrize("raw, message", [
    (b"\x00" * 10, "bytes"),
    (_offline_bytes(1, 1), "bytes"),
    (_offline_bytes(1, 1, 3, 0, 0), "announces 3"),
    (_offline_bytes(1, 1, 1, 0, 0), "announces 1"),
    (_offline_bytes(1, 1, 2, 0, -5), "-5"),
])
def test_malformed_offline_plan(raw, message):
    with pytest.raises(ModelError, match=message):
        parse_offline_plan(raw)


def test_offline_plan_must_cover_every_tensor():
    with pytest.raises(ModelError, match="3 tensors"):
        parse_offline_allocation(_offline_bytes(1, 1, 2, 0, 0), 3)


def test_offline_offsets_of_a_model():
    sg = two_adds()
    model = Model(version=3, description="", operator_codes=(), subgraphs=(sg,),
                  metadata={"OfflineMemoryAllocation": _offline_bytes(1, 1, 5, 8, -1, 96, -1, -1)})
    assert offline_offsets(model) == (8, -1, 96, -1, -1)
    assert plan_model(model).tensor_offsets()[0] == 8
    bare = Model(version=3, description="", operator_codes=(), subgraphs=(sg,))
    assert offline_offsets(bare) is None
    # Several subgraphs share one plan; the offline plan must cover all their tensors.
    two = Model(version=3, description="", operator_codes=(), subgraphs=(sg, sg),
                metadata=model.metadata)
    with pytest.raises(ModelError, match="10 tensors"):
        plan_model(two)


# -- properties of random plans ------------------------------------------------

@st.composite
def random_requests(draw, max_buffers=24):
    n = draw(st.integers(0, max_buffers))
    out = []
    for i in range(n):
        first = draw(st.integers(-1, 12))
        last = first + draw(st.integers(0, 6))
        out.append(req(f"b{i}", draw(st.integers(0, 3000)), first, last))
    return out


def peak_live_bytes(plan: MemoryPlan) -> int:
    times = {t for b in plan.buffers for t in (b.request.first_op, b.request.last_op)}
    return max((sum(b.size for b in plan.buffers
                    if b.request.first_op <= t <= b.request.last_op) for t in times), default=0)


@given(random_requests())
def test_random_plans_are_valid_and_greedy_beats_linear(reqs):
    greedy, linear = plan_greedy(reqs), plan_linear(reqs)
    greedy.check()
    linear.check()
    assert peak_live_bytes(greedy) <= greedy.arena_bytes <= linear.arena_bytes
    assert linear.arena_bytes == sum(-(-r.size // 16) * 16 for r in reqs)
    assert sorted(placement_order(reqs, [b.size for b in greedy.buffers])) == list(range(len(reqs)))


@given(random_requests(max_buffers=12), st.data())
def test_random_offline_offsets_are_respected(reqs, data):
    # Give a random subset fixed, mutually disjoint offsets (any alignment).
    fixed, offset = [], 0
    for r in reqs:
        if data.draw(st.booleans()):
            offset += data.draw(st.integers(0, 64))
            fixed.append(BufferRequest(r.name, r.size, r.first_op, r.last_op, offset))
            offset += -(-r.size // 16) * 16
        else:
            fixed.append(r)
    plan = plan_greedy(fixed)
    plan.check()
    for b in plan.buffers:
        if b.request.offline_offset is not None:
            assert b.offset == b.request.offline_offset
    n_fixed = sum(r.offline_offset is not None for r in fixed)
    order = placement_order(fixed, [b.size for b in plan.buffers])
    assert [fixed[i].offline_offset is not None for i in order] == \
        [True] * n_fixed + [False] * (len(fixed) - n_fixed)


# -- the shared model corpus ---------------------------------------------------

# TFLM's head for each model, as measured in ../shared/models/MANIFEST.md.
TFLM_HEAD = {
    "tflm/hello_world_int8.tflite": 32,
    "mlperf_tiny/ad01_int8.tflite": 768,
    "mlperf_tiny/kws_ref_model.tflite": 16000,
    "mlperf_tiny/pretrainedResnet_quant.tflite": 49152,
    "mlperf_tiny/vww_96_int8.tflite": 73728,
    "tflm/micro_speech_quantized.tflite": 5968,
    "tflm/person_detect.tflite": 55296,
    "tflm/simple_add_model.tflite": 49152,
    "tflm/trained_lstm_int8.tflite": 1536,
    "arm_ml_examples/ds_cnn_s_quantized.tflite": 16000,
}


def tflm_reference_scratch(sg: Subgraph) -> dict[int, list[int]]:
    """Scratch the TFLM reference kernels request for the corpus's operators.

    Of the corpus's kernels only UNIDIRECTIONAL_SEQUENCE_LSTM asks for scratch
    (tensorflow/lite/micro/kernels/unidirectional_sequence_lstm.cc): four
    buffers of batch x state size x the cell state's element size, i.e. the
    cell state tensor (input 19) in bytes. CONV_2D, DEPTHWISE_CONV_2D and
    FULLY_CONNECTED request one only for int4 weights; the corpus has none.
    """
    return {o.index: [sg.tensors[o.inputs[19]].nbytes] * 4
            for o in sg.operators if o.builtin_code == LSTM}


def load_corpus(relpath: str):
    path = corpus_model(relpath)
    try:
        from interpreter.parse.loader import load_model
    except ImportError as e:
        pytest.skip(f"interpreter.parse.loader is not available yet ({e})")
    data = path.read_bytes()
    return data, load_model(data)


@pytest.mark.parametrize("relpath", sorted(TFLM_HEAD))
def test_corpus_plan_without_scratch_fits_tflm_head(relpath):
    _, model = load_corpus(relpath)
    plan = plan_model(model)
    plan.check()
    assert plan.arena_bytes <= TFLM_HEAD[relpath]
    # The only gap is the LSTM's scratch, 4 x 48 bytes placed above the tensors.
    expected_gap = 192 if relpath == "tflm/trained_lstm_int8.tflite" else 0
    assert TFLM_HEAD[relpath] - plan.arena_bytes == expected_gap


@pytest.mark.parametrize("relpath", sorted(TFLM_HEAD))
def test_corpus_plan_with_kernel_scratch_equals_tflm_head(relpath):
    _, model = load_corpus(relpath)
    assert plan_model(model, tflm_reference_scratch(model.main)).arena_bytes == TFLM_HEAD[relpath]


@pytest.mark.parametrize("relpath", sorted(TFLM_HEAD))
def test_corpus_offsets_equal_tflm_runtime(relpath, capfd):
    data, model = load_corpus(relpath)
    sg = model.main
    scratch = tflm_reference_scratch(sg)
    greedy = plan_model(model, scratch)
    assert greedy.tensor_offsets() == tflm_tensor_offsets(data, sg.tensors)
    assert greedy.arena_bytes == tflm_head_bytes(data, capfd)
    linear = plan_model(model, scratch, planner="linear")
    assert linear.tensor_offsets() == tflm_tensor_offsets(data, sg.tensors,
                                                          preserve_all_tensors=True)


# -- random graphs against the runtime ------------------------------------------

def _schema():
    return pytest.importorskip("tflite_micro.tensorflow.lite.micro.python.schema_py_generated",
                               reason="tflite-micro not installed (pip install '.[test]')")


def build_add_model(sg: Subgraph, offline: list[int] | None) -> bytes:
    """Serialize a subgraph of float32 ADDs (with an optional offline plan) as .tflite."""
    import flatbuffers
    fb = _schema()
    m = fb.ModelT()
    m.version = 3
    code = fb.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = fb.BuiltinOperator.ADD
    code.version = 1
    m.operatorCodes = [code]
    g = fb.SubGraphT()
    g.tensors = []
    for t in sg.tensors:
        ft = fb.TensorT()
        ft.name, ft.shape, ft.type, ft.buffer = t.name, list(t.shape), t.type_code, 0
        g.tensors.append(ft)
    g.operators = []
    for o in sg.operators:
        fo = fb.OperatorT()
        fo.opcodeIndex, fo.inputs, fo.outputs = 0, list(o.inputs), list(o.outputs)
        fo.builtinOptionsType, fo.builtinOptions = fb.BuiltinOptions.AddOptions, fb.AddOptionsT()
        g.operators.append(fo)
    g.inputs, g.outputs = list(sg.inputs), list(sg.outputs)
    m.subgraphs = [g]
    m.buffers = [fb.BufferT()]
    if offline is not None:
        meta_buf = fb.BufferT()
        meta_buf.data = list(_offline_bytes(1, 1, len(offline), *offline))
        m.buffers.append(meta_buf)
        meta = fb.MetadataT()
        meta.name, meta.buffer = "OfflineMemoryAllocation", 1
        m.metadata = [meta]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


@st.composite
def random_add_graphs(draw):
    """A DAG of broadcasting float32 ADDs over [rows, 4] tensors, possibly with an offline plan."""
    rows = [draw(st.integers(1, 6)) for _ in range(draw(st.integers(1, 3)))]
    n_inputs = len(rows)
    ops = []
    for k in range(draw(st.integers(1, 7))):
        a = draw(st.integers(0, len(rows) - 1))
        fits = [i for i, r in enumerate(rows) if r == rows[a] or r == 1 or rows[a] == 1]
        b = draw(st.sampled_from(fits))
        ops.append(op(k, [a, b], [len(rows)]))
        rows.append(max(rows[a], rows[b]))
    produced = list(range(n_inputs, len(rows)))
    outputs = draw(st.lists(st.sampled_from(produced), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):   # an output nothing writes
        outputs.append(len(rows))
        rows.append(draw(st.integers(1, 6)))
    tensors = [tensor(i, [r, 4], np.float32) for i, r in enumerate(rows)]
    sg = subgraph(tensors, ops, range(n_inputs), outputs)
    offline = None
    if draw(st.booleans()):
        offline, offset = [], 0
        for r in rows:
            if draw(st.booleans()):
                offset += 4 * draw(st.integers(0, 8))
                offline.append(offset)
                offset += -(-16 * r // 16) * 16
            else:
                offline.append(-1)
    return sg, offline


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_add_graphs())
def test_random_graphs_match_tflm_runtime(graph):
    sg, offline = graph
    _tflm_runtime()
    ours = plan_memory(sg, offline_offsets=offline)
    assert ours.tensor_offsets() == tflm_tensor_offsets(build_add_model(sg, offline), sg.tensors)
