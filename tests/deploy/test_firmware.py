"""Generated firmware on emulated Cortex-M boards (QEMU): every intermediate tensor equals
the golden model's, and the harness's measurements are sound.

CI runs a bounded subset (two corpus models on two boards, one small builder-made model
on every board); ``-m slow`` runs every corpus model on every board. Skipped, saying
why, without arm-none-eabi-gcc, newlib or qemu-system-arm.
"""
from __future__ import annotations

import numpy as np
import pytest
from reference import corpus_model
from test_codegen import CORPUS
from test_codegen import seeded_inputs

from interpreter import ops_c
from interpreter.builder import ModelBuilder
from interpreter.debug.verify import compare
from interpreter.debug.verify import run_generated
from interpreter.debug.verify import run_ours
from interpreter.debug.verify import verify
from interpreter.deploy.firmware import run_firmware
from interpreter.deploy.toolchain import BOARDS
from interpreter.deploy.toolchain import missing_tools

WHY = missing_tools()
pytestmark = [pytest.mark.skipif(WHY is not None, reason=f"Cortex-M toolchain: {WHY}"),
              pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built on the host")]


def small_cnn() -> bytes:
    """A conv -> depthwise -> pool -> FC -> softmax chain, made with the builder."""
    rng = np.random.default_rng(3)
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (1, 8, 8, 3), scale=0.02, zero_point=-5)
    w1 = b.add_tensor("w1", np.int8, (6, 3, 3, 3), data=rng.integers(-127, 128, (6, 3, 3, 3)),
                      scale=[0.01 * (1 + i % 3) for i in range(6)], zero_point=[0] * 6)
    b1 = b.add_tensor("b1", np.int32, [6], data=rng.integers(-500, 500, 6),
                      scale=[0.0002 * (1 + i % 3) for i in range(6)], zero_point=[0] * 6)
    h1 = b.add_tensor("h1", np.int8, (1, 8, 8, 6), scale=0.05, zero_point=-128)
    b.add_operator("CONV_2D", [x, w1, b1], [h1], options={
        "padding": "SAME", "stride_h": 1, "stride_w": 1, "fused_activation_function": "RELU"})
    w2 = b.add_tensor("w2", np.int8, (1, 3, 3, 6), data=rng.integers(-127, 128, (1, 3, 3, 6)),
                      scale=[0.02] * 6, zero_point=[0] * 6, quantized_dimension=3)
    h2 = b.add_tensor("h2", np.int8, (1, 4, 4, 6), scale=0.05, zero_point=-128)
    b.add_operator("DEPTHWISE_CONV_2D", [h1, w2], [h2], options={
        "padding": "SAME", "stride_h": 2, "stride_w": 2, "depth_multiplier": 1,
        "fused_activation_function": "RELU6"})
    h3 = b.add_tensor("h3", np.int8, (1, 1, 1, 6), scale=0.05, zero_point=-128)
    b.add_operator("AVERAGE_POOL_2D", [h2], [h3], options={
        "padding": "VALID", "stride_h": 4, "stride_w": 4, "filter_height": 4,
        "filter_width": 4})
    s = b.add_tensor("s", np.int32, [2], data=np.array([1, 6], np.int32))
    h4 = b.add_tensor("h4", np.int8, (1, 6), scale=0.05, zero_point=-128)
    b.add_operator("RESHAPE", [h3, s], [h4])
    w3 = b.add_tensor("w3", np.int8, (4, 6), data=rng.integers(-127, 128, (4, 6)), scale=0.01,
                      zero_point=0)
    h5 = b.add_tensor("h5", np.int8, (1, 4), scale=0.1, zero_point=3)
    b.add_operator("FULLY_CONNECTED", [h4, w3], [h5])
    y = b.add_tensor("y", np.int8, (1, 4), scale=1 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", [h5], [y], options={"beta": 1.0})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def check_on_board(model: bytes, board: str, seeds=(0, 1), opt="O2"):
    input_sets = seeded_inputs(model, seeds)
    refs, run = run_generated(model, input_sets, board, opt)
    for (label, inputs), ref in zip(input_sets, refs):
        interp, ours = run_ours(model, inputs)
        result = compare(interp.model.main, ours, ref, label)
        sg = interp.model.main
        assert result.compared == len({i for op in sg.operators for i in op.outputs}), label
        assert result.ok, f"{board}: {result.first.text()}"
    return run


@pytest.mark.parametrize("board", list(BOARDS))
def test_small_cnn_on_every_board(board):
    run = check_on_board(small_cnn(), board)
    assert run.status == 0
    assert len(run.instructions) == 6 and all(n > 0 for n in run.instructions)
    assert 0 < run.stack_bytes < 8192


@pytest.mark.parametrize("relpath,board", [("mlperf_tiny/kws_ref_model.tflite", "mps2-an386"),
                                           ("mlperf_tiny/ad01_int8.tflite", "mps3-an547")])
def test_corpus_models_on_boards(relpath, board):
    check_on_board(corpus_model(relpath).read_bytes(), board)


@pytest.mark.slow
@pytest.mark.parametrize("board", list(BOARDS))
@pytest.mark.parametrize("relpath", CORPUS)
def test_every_corpus_model_on_every_board(relpath, board):
    check_on_board(corpus_model(relpath).read_bytes(), board, seeds=(0, 1, 2))


def test_instruction_counts_are_exact_on_a_known_kernel():
    """The per-op count of a RESHAPE copying n bytes grows with n as the copy loop does:
    the counts do not depend on the QEMU clock or timer resolution."""
    counts = []
    for n in (4096, 8192):
        b = ModelBuilder()
        x = b.add_tensor("x", np.int8, (1, n))
        s = b.add_tensor("s", np.int32, [1], data=np.array([n], np.int32))
        y = b.add_tensor("y", np.int8, (n,))
        b.add_operator("RESHAPE", [x, s], [y])
        b.set_inputs([x])
        b.set_outputs([y])
        model = b.build()
        counts.append(run_firmware(model, [[np.zeros((1, n), np.int8)]], "mps2-an386",
                                   measure_size=False).instructions[0])
    # memcpy of 4096 more bytes: a fixed number of instructions per word copied
    extra = counts[1] - counts[0]
    assert 4096 / 16 <= extra <= 4096, counts
    again = run_firmware(model, [[np.zeros((1, 8192), np.int8)]], "mps2-an386",
                         measure_size=False).instructions[0]
    assert again == counts[1]


def test_a_corrupted_constant_is_pinpointed_on_the_target():
    model = small_cnn()

    def corrupt(gen):
        src = gen.model_sources[0]
        text = src.read_text()
        start = text.index("op1_filter[")   # the depthwise weights
        body = text.index("{\n    ", start) + len("{\n    ")
        end = text.index(",", body)
        value = int(text[body:end])
        src.write_text(text[:body] + str(value + 1 if value < 127 else value - 1) + text[end:])

    input_sets = seeded_inputs(model, (0,))
    run = run_firmware(model, [x for _l, x in input_sets], "mps2-an386", measure_size=False,
                       edit=corrupt)
    from interpreter.deploy.host import tensors_from_bytes
    interp, ours = run_ours(model, input_sets[0][1])
    sg = interp.model.main
    result = compare(sg, ours, tensors_from_bytes(sg, run.outputs[0]), "seed 0")
    assert not result.ok and result.first.op_index == 1, result.first


def test_verify_against_firmware_reports_the_board():
    model = small_cnn()
    report = verify(model, "firmware", seeded_inputs(model, (5,)), board="mps2-an505")
    assert report.ok and "mps2-an505" in report.against


def test_model_size_is_the_models_share_of_the_image():
    run = run_firmware(small_cnn(), [[np.zeros((1, 8, 8, 3), np.int8)]], "mps2-an386")
    size = run.size
    assert size.bss >= run.gen.arena_bytes            # the arena is zeroed RAM
    assert size.constants == run.gen.constant_bytes
    assert size.text >= size.constants + 1000         # constants plus kernel code
