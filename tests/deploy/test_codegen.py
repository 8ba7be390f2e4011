"""``tinyml codegen``: the generated C tree, compiled with the host's C compiler, computes
every intermediate tensor of the golden model byte for byte.

Corpus models (``../shared/models``, skipped when absent) run with seeded random inputs;
random single-op models come from the same per-kernel generators as the Cortex-M kernel
tests (``cortex_m.models``), so every C kernel variant is generated, compiled and
compared. The per-op hook of the generated code copies each operator's outputs out of
the arena the moment they are written (``interpreter.deploy.host``).
"""
from __future__ import annotations

import shutil
import subprocess
import zlib

import numpy as np
import pytest
from reference import corpus_model

from interpreter import Interpreter
from interpreter import ops_c
from interpreter.builder import ModelBuilder
from interpreter.debug.inputs import random_input
from interpreter.debug.verify import compare
from interpreter.debug.verify import run_ours
from interpreter.debug.verify import set_inputs
from interpreter.deploy.codegen import NoCKernelError
from interpreter.deploy.codegen import generate
from interpreter.deploy.host import HostModel
from interpreter.deploy.host import build_library
from interpreter.deploy.host import host_compiler
from interpreter.deploy.host import tensors_from_bytes

pytestmark = [
    pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built on the host"),
    pytest.mark.skipif(shutil.which(host_compiler()[0]) is None,
                       reason=f"no host C compiler ({host_compiler()[0]})"),
]

#: corpus models every op of which has a C kernel
CORPUS = ["mlperf_tiny/ad01_int8.tflite", "mlperf_tiny/kws_ref_model.tflite",
          "mlperf_tiny/pretrainedResnet_quant.tflite", "mlperf_tiny/vww_96_int8.tflite",
          "tflm/hello_world_int8.tflite", "tflm/micro_speech_quantized.tflite",
          "tflm/person_detect.tflite", "tflm/simple_add_model.tflite",
          "tflm/hello_world_float.tflite", "arm_ml_examples/ds_cnn_s_quantized.tflite",
          "tflm/trained_lstm_int8.tflite"]



def golden_model(model: bytes, rounding: str = "double"):
    """The golden model as the firmware runs: one interpreter invoked input set after input
    set, so that variable state carries over. Returns run(inputs) -> (subgraph, every
    tensor after the invoke) and the interpreter."""
    interp = Interpreter(model_content=model, preserve_all_tensors=True, rounding=rounding)
    interp.allocate_tensors()
    sg = interp.model.main

    def run(inputs):
        set_inputs(interp, inputs)
        interp.invoke()
        return sg, {t.index: interp.get_tensor(t.index) for t in sg.tensors}
    return run, interp


def check_generated(model: bytes, input_sets, tmp_path, rounding="double", prefix="model"):
    """Generate, compile on the host, run the input sets one after the other; every op
    output must equal the NumPy reference's (invoked on the same sequence: variable state
    carries over in both). Returns the generated model and the loaded host model."""
    gen = generate(model, tmp_path / "tree", prefix=prefix, rounding=rounding)
    host = HostModel(gen, build_library(gen, tmp_path / "build"))
    golden, _ = golden_model(model, rounding)
    for label, inputs in input_sets:
        captured = host.run(inputs)
        sg, ours = golden(inputs)
        result = compare(sg, ours, tensors_from_bytes(sg, captured), label)
        assert result.compared == len({i for op in sg.operators for i in op.outputs}), label
        assert result.ok, result.first.text()
    return gen, host


def seeded_inputs(model: bytes, seeds):
    details = Interpreter(model_content=model).get_input_details()
    return [(f"seed {s}", [random_input(d, np.random.default_rng(s)) for d in details])
            for s in seeds]


@pytest.mark.parametrize("relpath", CORPUS)
def test_corpus_model_generated_code_equals_golden_model(relpath, tmp_path):
    model = corpus_model(relpath).read_bytes()
    gen, _ = check_generated(model, seeded_inputs(model, (0, 1)), tmp_path)
    interp = Interpreter(model_content=model, backend="c")
    interp.allocate_tensors()
    assert gen.arena_bytes == interp.memory_plan().arena_bytes


def test_generated_lstm_state_carries_over_and_resets(tmp_path):
    """trained_lstm_int8 keeps its hidden and cell state in static arrays: invokes carry
    it over (check_generated streams the golden model alongside), the same input then
    gives other outputs, and <prefix>_reset() restores the state of the first invoke."""
    model = corpus_model("tflm/trained_lstm_int8.tflite").read_bytes()
    sets = seeded_inputs(model, (0, 1, 2))
    gen, host = check_generated(model, sets, tmp_path)
    lstm = next(o for o in gen.ops if o.op_name == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    out = lstm.outputs[0][0]
    first = host.run(sets[0][1])            # after 3 invokes: another state
    host.reset()
    again = host.run(sets[0][1])
    _, fresh = golden_model(model)[0](sets[0][1])
    assert first[out] != again[out]
    assert again[out] == fresh[out].tobytes()


def _single_op_cases():
    from cortex_m.models import KERNELS
    return [(op, kernel, seed) for op, kernel in KERNELS for seed in (1, 2)]


@pytest.mark.parametrize("rounding", ["double", "single"])
@pytest.mark.parametrize("op,kernel,seed", _single_op_cases())
def test_single_op_generated_code_equals_golden_model(op, kernel, seed, rounding, tmp_path):
    from cortex_m.models import draw
    from interpreter.errors import ModelError
    rng = np.random.default_rng([seed, zlib.crc32(f"{op}/{kernel}".encode())])
    for _ in range(200):   # a draw the op refuses, or that another variant runs, is redrawn
        model, feeds = draw(rng, op, kernel)
        try:
            interp = Interpreter(model_content=model, backend="c", rounding=rounding)
            interp.allocate_tensors()
        except ModelError:
            continue
        if interp._ops[0].kernel is not None and interp._ops[0].kernel.variant == kernel:
            break
    else:
        pytest.fail(f"no {op}/{kernel} model drawn")
    check_generated(model, [("feeds", feeds)], tmp_path, rounding)


def _float_add_model():
    b = ModelBuilder()
    x = b.add_tensor("x", np.float32, (2, 3))
    y = b.add_tensor("y", np.float32, (2, 3))
    z = b.add_tensor("z", np.float32, (2, 3))
    w = b.add_tensor("w", np.int8, (2, 3), scale=0.1, zero_point=0)
    b.add_operator("ADD", [x, y], [z])
    b.add_operator("QUANTIZE", [z], [w])
    b.add_operator("FLOOR", [z], [b.add_tensor("f", np.float32, (2, 3))])
    b.set_inputs([x, y])
    b.set_outputs([w])
    return b.build()


def test_operators_without_c_kernel_are_all_named(tmp_path):
    with pytest.raises(NoCKernelError) as e:
        generate(_float_add_model(), tmp_path)
    names = {(i, n) for i, n, _types in e.value.ops}
    assert (0, "ADD") in names and (2, "FLOOR") in names
    assert "operator 0 ADD (float32, float32 -> float32)" in str(e.value)
    assert not (tmp_path / "model.c").exists()


@pytest.mark.parametrize("prefix", ["1model", "my-model", "tnn_x", ""])
def test_prefix_must_be_a_c_identifier(prefix, tmp_path):
    model = corpus_model("tflm/hello_world_int8.tflite").read_bytes()
    with pytest.raises(ValueError, match="prefix"):
        generate(model, tmp_path, prefix=prefix)


def test_tree_builds_with_its_makefile(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    model = corpus_model("mlperf_tiny/kws_ref_model.tflite").read_bytes()
    gen = generate(model, tmp_path / "kws", prefix="kws")
    p = subprocess.run(["make", "-C", str(gen.directory), f"CC={' '.join(host_compiler())}",
                        "CFLAGS=-O1 -Wall -Wextra -Werror -pedantic"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert (gen.directory / "libkws.a").stat().st_size > 0
    header = (gen.directory / "kws.h").read_text()
    assert f"#define KWS_ARENA_BYTES {gen.arena_bytes}" in header
    assert "#define KWS_INPUT0_ZERO_POINT" in header and "int32_t kws_invoke(void);" in header
    cmake = (gen.directory / "kws.cmake").read_text()
    assert "add_library(kws STATIC" in cmake
    for src in gen.sources:
        assert src.relative_to(gen.directory).as_posix() in cmake


def test_a_corrupted_constant_is_pinpointed_to_its_operator(tmp_path):
    """Flip one weight of operator 4 in the generated source: the host run differs from
    the golden model first at that operator's output."""
    model = corpus_model("mlperf_tiny/kws_ref_model.tflite").read_bytes()
    gen = generate(model, tmp_path / "tree")
    source = gen.model_sources[0]
    text = source.read_text()
    marker = "static const int8_t op4_filter["
    start = text.index(marker)
    body = text.index("{\n    ", start) + len("{\n    ")
    first = text[body:text.index(",", body)]
    text = text[:body] + str(-int(first) - 1 if int(first) >= 0 else -int(first) - 1) \
        + text[text.index(",", body):]
    source.write_text(text)
    host = HostModel(gen, build_library(gen, tmp_path / "build"))
    [(label, inputs)] = seeded_inputs(model, (0,))
    interp, ours = run_ours(model, inputs)
    sg = interp.model.main
    result = compare(sg, ours, tensors_from_bytes(sg, host.run(inputs)), label)
    assert not result.ok and result.first.op_index == 4, result.first
