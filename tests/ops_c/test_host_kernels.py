"""The host-only SIMD kernels (kernels_c/src/host, interpreter/ops_c/host.py) equal the
portable C kernels and the NumPy reference byte for byte, both roundings.

The C-vs-NumPy property tests (test_c_kernels.py) run them already wherever the CPU
has them; these draw the shapes that reach every one of their paths (the convolution's
indirect GEMM and im2col rows, tiles of 1-8 rows and 1-4 blocks of 16 channels with
partial last blocks, fully connected batches beyond one row block, the depthwise
kernel's flat layouts at stride 1 and 2 and its per-pixel 64-channel chunks, windows
of more than 16 taps, ADD's table path and its tail), with the operands at their
extremes (inputs and zero points -128 and 127, int32 biases up to 2^31 - 1,
multipliers above 1, right shifts beyond 22 where the output offset is not folded),
and check that the host kernel ran. Also: the op-list runner (ops_c.batch) and a
build without the host kernels (TINYML_NO_MULTIVERSION=1).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from c_backend_cases import ACTIVATIONS
from c_backend_cases import run
from c_backend_cases import scales
from c_backend_cases import with_rounding
from c_backend_cases import zps
from hypothesis import strategies as st
from reference import corpus_model
from reference import run_tflm

from interpreter import ops_c
from interpreter.builder import ModelBuilder
from interpreter.errors import ModelError
from interpreter.ops.window import compute_out_size
from interpreter.ops_c import host

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built")
needs_host = pytest.mark.skipif(not ops_c.AVAILABLE or host.level(ops_c._tnn.lib) < 1,
                                reason="no host SIMD kernels (not built, or the CPU lacks "
                                       "AVX-512 VNNI)")


def three_ways(model: bytes, feeds, rounding: str, host_ops: int | None = None):
    """NumPy, portable C and host C outputs (asserted equal); the host run's interpreter.
    host_ops: how many ops must have run a host kernel (None: at least one)."""
    try:
        ref, _ = run(model, feeds, "numpy", rounding)
    except ModelError:
        for flag in ("0", "1"):
            os.environ["TINYML_HOST_SIMD"] = flag
            try:
                with pytest.raises(ModelError):
                    run(model, feeds, "c", rounding)
            finally:
                os.environ.pop("TINYML_HOST_SIMD", None)
        return None
    outs = {}
    for flag in ("0", "1"):
        os.environ["TINYML_HOST_SIMD"] = flag
        try:
            outs[flag], interp = run(model, feeds, "c", rounding)
        finally:
            os.environ.pop("TINYML_HOST_SIMD", None)
        used = sum(bool(getattr(op.kernel, "host", False)) for op in interp._ops)
        if flag == "0":
            assert used == 0
        elif host_ops is None:
            assert used >= 1, "no host kernel ran"
        else:
            assert used == host_ops
    for name, out in outs.items():
        for a, b in zip(out, ref):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert a.tobytes() == b.tobytes(), f"C (TINYML_HOST_SIMD={name}) != NumPy"
    return interp


def extreme_input(rng, shape, kind: int) -> np.ndarray:
    if kind == 1:
        return np.full(shape, -128, np.int8)
    if kind == 2:
        return np.full(shape, 127, np.int8)
    if kind == 3:
        return rng.choice(np.array([-128, 127], np.int8), shape)
    return rng.integers(-128, 128, shape).astype(np.int8)


def window_model(op, rng, batches, in_h, in_w, in_c, out_c, kh, kw, stride, dilation, padding,
                 s_in, s_w, s_out, zp_in, zp_out, act, bias_bound, per_channel=True):
    pad = 0 if padding == "SAME" else 1
    out_h = compute_out_size(pad, in_h, kh, stride[0], dilation[0])
    out_w = compute_out_size(pad, in_w, kw, stride[1], dilation[1])
    if op == "CONV_2D":
        f_shape, qdim = (out_c, kh, kw, in_c), 0
    else:
        f_shape, qdim = (1, kh, kw, out_c), 3
    n_scales = out_c if per_channel else 1
    f_scales = [s_w * float(2.0 ** rng.uniform(-2, 2)) for _ in range(n_scales)]
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, in_h, in_w, in_c), scale=s_in, zero_point=zp_in)
    w = b.add_tensor("w", np.int8, f_shape, data=rng.integers(-127, 128, f_shape),
                     scale=f_scales, zero_point=[0] * n_scales, quantized_dimension=qdim)
    inputs = [x, w]
    if bias_bound:
        inputs.append(b.add_tensor("b", np.int32, [out_c],
                                   data=rng.integers(-bias_bound, bias_bound, out_c, endpoint=True),
                                   scale=[s_in * s for s in np.broadcast_to(f_scales, out_c)],
                                   zero_point=[0] * out_c))
    y = b.add_tensor("y", np.int8, (batches, out_h, out_w, out_c), scale=s_out, zero_point=zp_out)
    options = {"padding": padding, "stride_h": stride[0], "stride_w": stride[1],
               "dilation_h_factor": dilation[0], "dilation_w_factor": dilation[1],
               "fused_activation_function": act}
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
    b.add_operator(op, inputs, [y], options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


# typical scales: the output aimed at the accumulator's size (as real models), or drawn freely
def output_scale(draw, s_in, s_w, depth):
    if draw(st.booleans()):
        return float(s_in * s_w * np.sqrt(depth) * 60 * 2.0 ** draw(st.floats(-4, 4)))
    return draw(scales)


@st.composite
def host_conv_models(draw, op: str):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    if op == "CONV_2D":
        in_c = draw(st.sampled_from([1, 2, 3, 4, 5, 8, 12, 16, 20, 32, 64, 68]))
        out_c = draw(st.sampled_from([1, 2, 8, 15, 16, 17, 31, 32, 33, 48, 64, 65, 70]))
        kh, kw = draw(st.sampled_from([(1, 1), (1, 1), (3, 3), (3, 3), (1, 5), (5, 5), (2, 3),
                                       (17, 16)]))
    else:
        in_c = draw(st.sampled_from([1, 2, 3, 4, 8, 16, 24, 32, 48, 64, 65, 100, 128]))
        out_c = in_c
        # (up to 256 taps: larger windows keep the portable kernel)
        kh, kw = draw(st.sampled_from([(3, 3), (3, 3), (1, 1), (2, 2), (3, 5), (5, 5), (7, 7),
                                       (16, 16)]))
    big = kh * kw > 100
    in_h = draw(st.integers(1, 4 if big else 12))
    in_w = draw(st.integers(1, 4 if big else 12))
    stride = draw(st.sampled_from([(1, 1), (1, 1), (2, 2), (1, 2), (2, 1), (3, 3)]))
    dilation = draw(st.sampled_from([(1, 1), (1, 1), (1, 1), (2, 2), (1, 3)]))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    pad = 0 if padding == "SAME" else 1
    if (compute_out_size(pad, in_h, kh, stride[0], dilation[0]) < 1
            or compute_out_size(pad, in_w, kw, stride[1], dilation[1]) < 1):
        padding = "SAME"
    s_in, s_w = draw(scales), draw(scales)
    depth = kh * kw * (in_c if op == "CONV_2D" else 1)
    batches = draw(st.integers(1, 2))
    model = window_model(
        op, rng, batches, in_h, in_w, in_c, out_c, kh, kw, stride, dilation,
        padding, s_in, s_w, output_scale(draw, s_in, s_w, depth), draw(zps), draw(zps),
        draw(st.sampled_from(ACTIVATIONS)), draw(st.sampled_from([0, 1 << 10, 1 << 20,
                                                                  (1 << 31) - 1])),
        per_channel=draw(st.booleans()))
    shape = (batches, in_h, in_w, in_c)
    return model, [extreme_input(rng, shape, draw(st.integers(0, 6)))]


@st.composite
def host_fc_models(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    batches = draw(st.sampled_from([1, 1, 2, 3, 7, 8, 9, 17, 64, 70]))
    depth = draw(st.sampled_from([1, 3, 4, 5, 63, 64, 65, 127, 640]))
    units = draw(st.sampled_from([1, 2, 10, 15, 16, 17, 33, 64, 65, 100, 128]))
    s_in, s_w = draw(scales), draw(scales)
    per_channel = draw(st.booleans())
    f_scales = ([s_w * float(2.0 ** rng.uniform(-2, 2)) for _ in range(units)] if per_channel
                else [s_w])
    b = ModelBuilder()
    x = b.add_tensor("x", np.int8, (batches, depth), scale=s_in, zero_point=draw(zps))
    w = b.add_tensor("w", np.int8, (units, depth), data=rng.integers(-127, 128, (units, depth)),
                     scale=f_scales, zero_point=[0] * len(f_scales), quantized_dimension=0)
    inputs = [x, w]
    bound = draw(st.sampled_from([0, 1 << 10, (1 << 31) - 1]))
    if bound:
        inputs.append(b.add_tensor("b", np.int32, [units],
                                   data=rng.integers(-bound, bound, units, endpoint=True),
                                   scale=[s_in * s for s in np.broadcast_to(f_scales, units)],
                                   zero_point=[0] * units))
    y = b.add_tensor("y", np.int8, (batches, units),
                     scale=output_scale(draw, s_in, s_w, depth), zero_point=draw(zps))
    b.add_operator("FULLY_CONNECTED", inputs, [y],
                   options={"fused_activation_function": draw(st.sampled_from(ACTIVATIONS))})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), [extreme_input(rng, (batches, depth), draw(st.integers(0, 6)))]


@st.composite
def host_add_models(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    size = draw(st.sampled_from([1, 15, 16, 17, 63, 64, 255, 256, 257, 320, 1000, 4099]))
    op = draw(st.sampled_from(["ADD", "ADD", "SUB"]))
    b = ModelBuilder()
    x1 = b.add_tensor("x1", np.int8, (1, size), scale=draw(scales), zero_point=draw(zps))
    x2 = b.add_tensor("x2", np.int8, (1, size), scale=draw(scales), zero_point=draw(zps))
    y = b.add_tensor("y", np.int8, (1, size), scale=draw(scales), zero_point=draw(zps))
    b.add_operator(op, [x1, x2], [y],
                   options={"fused_activation_function": draw(st.sampled_from(ACTIVATIONS))})
    b.set_inputs([x1, x2])
    b.set_outputs([y])
    k = draw(st.integers(0, 6))
    return b.build(), [extreme_input(rng, (1, size), k), extreme_input(rng, (1, size), k)]


STRATEGIES = {
    "CONV_2D": lambda: host_conv_models("CONV_2D"),
    "DEPTHWISE_CONV_2D": lambda: host_conv_models("DEPTHWISE_CONV_2D"),
    "FULLY_CONNECTED": host_fc_models,
    "ADD": host_add_models,
}


@needs_host
@pytest.mark.parametrize("op", sorted(STRATEGIES))
@budgets(ci=120, slow=2000)
def test_host_kernel_equals_portable_and_numpy(op, examples):
    explore(examples, with_rounding(STRATEGIES[op]()), lambda case: three_ways(*case))


# -- fixed cases: each path of the host kernels, at the operands' extremes -----------

PATHS = [
    # op, in_h, in_w, in_c, out_c, kernel, stride, dilation, padding
    ("CONV_2D", 9, 11, 16, 16, (3, 3), (1, 1), (1, 1), "SAME"),     # indirect GEMM, 1 block
    ("CONV_2D", 7, 5, 32, 70, (3, 3), (2, 2), (1, 1), "SAME"),      # 2-block tiles + last 6
    ("CONV_2D", 5, 6, 64, 33, (1, 1), (1, 1), (1, 1), "VALID"),     # 1x1
    ("CONV_2D", 12, 12, 3, 8, (3, 3), (2, 2), (1, 1), "SAME"),      # im2col, 3 channels
    ("CONV_2D", 13, 5, 1, 64, (4, 3), (2, 1), (1, 1), "SAME"),      # im2col, 1 channel
    ("CONV_2D", 8, 8, 5, 17, (3, 3), (1, 1), (2, 2), "SAME"),       # im2col, dilated
    ("CONV_2D", 3, 3, 4, 4, (17, 16), (1, 1), (1, 1), "SAME"),      # over 256 taps: im2col
    ("DEPTHWISE_CONV_2D", 9, 13, 8, 8, (3, 3), (1, 1), (1, 1), "SAME"),    # flat, stride 1
    ("DEPTHWISE_CONV_2D", 9, 13, 16, 16, (3, 3), (2, 2), (1, 1), "SAME"),  # flat, stride 2
    ("DEPTHWISE_CONV_2D", 6, 7, 4, 4, (3, 3), (2, 2), (1, 1), "VALID"),    # flat, 4 channels
    ("DEPTHWISE_CONV_2D", 5, 6, 100, 100, (3, 3), (1, 1), (1, 1), "SAME"),  # 64-channel chunks
    ("DEPTHWISE_CONV_2D", 6, 6, 24, 24, (5, 5), (1, 1), (2, 2), "SAME"),   # per pixel, dilated
    ("DEPTHWISE_CONV_2D", 9, 9, 32, 32, (7, 7), (1, 1), (1, 1), "SAME"),   # 13 groups, flat
    ("DEPTHWISE_CONV_2D", 8, 9, 2, 2, (3, 3), (3, 3), (1, 1), "SAME"),     # per pixel, stride 3
]


@needs_host
@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p[0]}-{p[3]}x{p[4]}-{p[5]}-s{p[6]}")
@pytest.mark.parametrize("rounding", ["double", "single"])
@pytest.mark.parametrize("extreme", [0, 1, 2, 3])
def test_host_paths_at_the_extremes(path, rounding, extreme):
    op, in_h, in_w, in_c, out_c, (kh, kw), stride, dilation, padding = path
    rng = np.random.default_rng(extreme)
    depth = kh * kw * (in_c if op == "CONV_2D" else 1)
    # zero points at the ends, the biggest biases, scales giving ordinary, left-shifted
    # (multiplier above 1) and tiny (right shift beyond 22) multipliers
    for s_out_factor, zp_in, zp_out, bias in ((1.0, -128, 127, (1 << 31) - 1),
                                              (1e-3, 127, -128, 1 << 20),
                                              (1e6, 0, 0, 1000)):
        s_in, s_w = 0.05, 0.004
        model = window_model(op, rng, 2, in_h, in_w, in_c, out_c, kh, kw, stride, dilation,
                             padding, s_in, s_w, s_in * s_w * np.sqrt(depth) * 60 * s_out_factor,
                             zp_in, zp_out, "NONE", bias)
        three_ways(model, [extreme_input(rng, (2, in_h, in_w, in_c), extreme)], rounding,
                   host_ops=1)


def test_packer_refuses_what_the_vector_code_does_not_take():
    """Shifts outside [-31, 31] (double) / [-31, 30] (single) and INT32_MIN multipliers:
    tnnh_pack says TNN_ARG_ERROR, and the binding keeps the portable kernel."""
    for module in (ops_c._tnn, ops_c._tnn_single):
        if host.level(module.lib) < 1:
            pytest.skip("no host SIMD kernels")
        ffi, lib = module.ffi, module.lib
        w = ffi.new("int8_t[]", 8)
        packed = ffi.new("uint8_t[]", lib.tnnh_pack_size(2, 4))
        for mult, shift in ((1 << 30, 32), (1 << 30, -32), (-(1 << 31), 0)):
            m = ffi.new("int32_t[]", [mult, 1 << 30])
            s = ffi.new("int32_t[]", [shift, 0])
            q = ffi.new("tnn_per_channel_quant_params *", {"multiplier": m, "shift": s})
            assert lib.tnnh_pack(w, 2, 4, ffi.NULL, q, 0, packed) == lib.TNN_ARG_ERROR
        m = ffi.new("int32_t[]", [1 << 30, 1 << 30])
        s = ffi.new("int32_t[]", [31 if module is ops_c._tnn else 30, -31])
        q = ffi.new("tnn_per_channel_quant_params *", {"multiplier": m, "shift": s})
        assert lib.tnnh_pack(w, 2, 4, ffi.NULL, q, 0, packed) == lib.TNN_OK


@needs_host
@pytest.mark.parametrize("rounding", ["double", "single"])
@pytest.mark.parametrize("path", ["mlperf_tiny/ad01_int8.tflite",
                                  "mlperf_tiny/kws_ref_model.tflite",
                                  "mlperf_tiny/pretrainedResnet_quant.tflite",
                                  "mlperf_tiny/vww_96_int8.tflite",
                                  "tflm/person_detect.tflite"])
def test_corpus_models_host_equals_portable_and_numpy(path, rounding):
    data = corpus_model(path).read_bytes()
    rng = np.random.default_rng(3)
    from interpreter import Interpreter
    shape = tuple(Interpreter(model_content=data).get_input_details()[0]["shape"])
    three_ways(data, [rng.integers(-128, 128, shape).astype(np.int8)], rounding)


@needs_host
def test_benchmark_mobilenet_equals_tflm():
    """tools/make_mobilenet.py's model (224x224, alpha 0.5): host C == TFLM."""
    sys.path.insert(0, str(REPO / "tools"))
    from make_mobilenet import mobilenet_v1

    data = mobilenet_v1(alpha=0.5, size=224, seed=0)
    x = np.random.default_rng(0).integers(-128, 128, (1, 224, 224, 3)).astype(np.int8)
    ours, interp = run(data, [x], "c")
    assert sum(bool(op.kernel.host) for op in interp._ops) == 28   # the convolutions, the FC
    ref = run_tflm(data, [x], arena_size=8 << 20)
    assert ours[0].tobytes() == ref[0].tobytes()


# -- the op-list runner -------------------------------------------------------------

def _softmax_then_reshape(n_before: int):
    """RESHAPEs (C), a MAXIMUM (NumPy only), a SOFTMAX that refuses its input (TFLM
    aborts on it), a RESHAPE."""
    from test_softmax import ABORTING_SOFTMAX
    shape, scale, zp = ABORTING_SOFTMAX["shape"], ABORTING_SOFTMAX["scale"], ABORTING_SOFTMAX["zp"]
    b = ModelBuilder()
    t = x = b.add_tensor("x", np.int8, shape, scale=scale, zero_point=zp)
    for i in range(n_before):
        y = b.add_tensor(f"r{i}", np.int8, shape, scale=scale, zero_point=zp)
        b.add_operator("RESHAPE", [t], [y], options={"new_shape": shape})
        t = y
    m = b.add_tensor("m", np.int8, shape, scale=scale, zero_point=zp)
    b.add_operator("MAXIMUM", [t, t], [m])
    r = b.add_tensor("r", np.int8, shape, scale=scale, zero_point=zp)
    b.add_operator("RESHAPE", [m], [r], options={"new_shape": shape})
    s = b.add_tensor("s", np.int8, shape, scale=1 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", [r], [s], options={"beta": ABORTING_SOFTMAX["beta"]})
    o = b.add_tensor("o", np.int8, shape, scale=1 / 256, zero_point=-128)
    b.add_operator("RESHAPE", [s], [o], options={"new_shape": shape})
    b.set_inputs([x])
    b.set_outputs([o])
    return b.build()


def test_runner_batches_c_calls_and_blames_the_failing_op():
    sys.path.insert(0, str(REPO / "tests" / "ops"))
    from interpreter import Interpreter
    model = _softmax_then_reshape(3)
    it = Interpreter(model_content=model, backend="c")
    it.allocate_tensors()
    steps = [(start, n) for start, n, _, _ in it._main.program]
    # RESHAPE x3 in one batch, MAXIMUM alone (NumPy), RESHAPE + SOFTMAX + RESHAPE batched
    assert steps == [(0, 3), (3, None), (4, 3)]
    from single_op import random_data
    from test_softmax import ABORTING_SOFTMAX
    it.set_tensor(it.get_input_details()[0]["index"],
                  random_data(np.random.default_rng(0), np.int8, ABORTING_SOFTMAX["shape"]))
    with pytest.raises(ModelError, match="SOFTMAX.*sum of exponentials"):
        it.invoke()


# -- a build without the host kernels ----------------------------------------------

CHILD = textwrap.dedent("""
    import importlib.util, sys
    from pathlib import Path
    tmp, repo = Path(sys.argv[1]), Path(sys.argv[2])
    sys.path.insert(0, str(repo))
    sys.path.insert(0, str(repo / "tests" / "support"))
    for name in ("_tnn", "_tnn_single"):
        path = next((tmp / "interpreter" / "ops_c").glob(name + ".*so"))
        spec = importlib.util.spec_from_file_location("interpreter.ops_c." + name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["interpreter.ops_c." + name] = module
    import numpy as np
    from interpreter import Interpreter, ops_c
    from interpreter.ops_c import host
    from reference import corpus_model, run_tflm
    assert ops_c._tnn is sys.modules["interpreter.ops_c._tnn"]
    assert not hasattr(ops_c._tnn.lib, "tnnh_level") and host.level(ops_c._tnn.lib) == 0
    for path in ("mlperf_tiny/kws_ref_model.tflite", "mlperf_tiny/pretrainedResnet_quant.tflite"):
        data = corpus_model(path).read_bytes()
        it = Interpreter(model_content=data, backend="c")
        it.allocate_tensors()
        d = it.get_input_details()[0]
        x = np.random.default_rng(1).integers(-128, 128, tuple(d["shape"])).astype(np.int8)
        it.set_tensor(d["index"], x)
        it.invoke()
        assert not any(op.kernel.host for op in it._ops)
        assert len(it._main.program) == 1          # one batch: the runner works without them
        ours = it.get_tensor(it.get_output_details()[0]["index"])
        assert ours.tobytes() == run_tflm(data, [x])[0].tobytes(), path
    print("ok")
""")


@pytest.mark.skipif(not ops_c.AVAILABLE, reason="C kernels not built")
def test_build_without_host_simd(tmp_path):
    """TINYML_NO_MULTIVERSION=1: the portable kernels only (no tnn_host.h, no AVX2
    clones); the backend still runs the corpus models as TFLM does."""
    pytest.importorskip("tflite_micro.python.tflite_micro.runtime")
    for path in ("mlperf_tiny/kws_ref_model.tflite", "mlperf_tiny/pretrainedResnet_quant.tflite"):
        corpus_model(path)   # skips here, not inside the child, when the corpus is absent
    env = dict(os.environ, TINYML_NO_MULTIVERSION="1")
    build = textwrap.dedent("""
        import sys
        sys.path.insert(0, "kernels_c")
        from build_cffi import make_builder
        for name, macros in (("_tnn", []), ("_tnn_single", [("TNN_SINGLE_ROUNDING", "1")])):
            make_builder("interpreter.ops_c." + name, define_macros=macros,
                         absolute_paths=True).compile(tmpdir=sys.argv[1], verbose=False)
    """)
    subprocess.run([sys.executable, "-c", build, str(tmp_path)], cwd=REPO, env=env, check=True,
                   capture_output=True)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), str(REPO)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]
