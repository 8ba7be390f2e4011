"""UNIDIRECTIONAL_SEQUENCE_LSTM against the tflite-micro runtime, byte for byte: int8,
float32 and int16 activations (16x8->16).

Seeded cases draw batch, time steps, input and state sizes, time_major,
cell_clip, and for int8 the scales and zero points of the input, the
weights (per gate), the hidden state (any zero point) and the int16 cell
state (a power of two, 2^-9 .. 2^-15). Each case streams: one interpreter
of each kind is invoked several times with new inputs and without a reset,
so the variable hidden and cell states carry over between invokes; after
each invoke the output AND both state tensors must be identical to TFLM's.
Then ``reset_all_variables`` must match TFLM's ``reset()``.

The int16 LSTM: int16 input, hidden state and output, int8 weights, int64
biases and an int16 cell state. Hypothesis draws batch, time steps, input and
state sizes, time_major, cell_clip (none, negative, small, large, one that
quantizes to 0), the scales and zero points of the input, of each of the
eight weight tensors and of the hidden state, the cell state's scale (a power
of two 2^-9 .. 2^-15, sometimes not a power of two), the bias magnitudes (up
to 2^46, beyond int32) and the input range. Each case streams as the int8
ones do (``check_streaming``).

The validation tests pin which LSTM variants TFLM accepts, for int16 and
int8 alike (measured, see interpreter/ops/lstm.py), and that this
interpreter refuses exactly the others with UnsupportedOpError (or
ModelError where the model is malformed). The arena plan, with the kernel's
four scratch buffers, must have TFLM's size.

LiteRT: its float kernel (``lstm_eval.cc``) computes each gate's matrix
products with Eigen (``optimized_ops::FullyConnected`` through
``cpu_backend_gemm``, whatever the op resolver) and its sigmoid and tanh with
Eigen's approximations, not libm's, so TFLM's and LiteRT's float LSTMs differ
in the last bits even where no sum is reordered (test_divergence_float_lstm).
semantics="tflite" reproduces LiteRT's bytes (interpreter/arith/eigen_float.py):
seeded and hypothesis cases (sizes up to 40, 100 with -m slow, up to 9 batch
rows, both layouts, cell clips, inputs and weights of several magnitudes)
stream against LiteRT as the TFLM cases do against TFLM (``against="litert"``),
the shapes of LITERT_PATHS take each of Eigen's product paths and the
logistic's packet / scalar split, and special inputs (all-zero steps, inf,
NaN, overflowing sums, denormals) give LiteRT's bytes too. LiteRT refuses a
negative cell_clip, and so does semantics="tflite". LiteRT's integer kernels
need converter-made intermediate tensors and a different arithmetic (the
8x8_16 path with effective scales), so they are not compared.

    pytest tests/ops/test_lstm.py              # CI budget
    pytest tests/ops/test_lstm.py -m slow      # many more cases
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import streaming
from budgets import budgets
from budgets import explore
from budgets import seed_budgets
from hypothesis import strategies as st
from lstm_cases import FLOAT32
from lstm_cases import Lstm
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import assert_matches_litert
from single_op import assert_same
from streaming import tflm_interpreter
from tflm_arena import tflm_head_bytes

from interpreter import Interpreter
from interpreter import ModelError
from interpreter import UnsupportedOpError
from interpreter.arith.gemmlowp import SIGMOID_TABLE_Q16
from interpreter.builder import ModelBuilder
from interpreter.ops.lstm_fixed import logistic_int16
from interpreter.ops.lstm_fixed import lstm_tanh_int16

INVOKES = 3


class LstmCase(Lstm):
    """A seeded case: sizes and layout drawn from the seed; an int8 model's quantization
    (input, hidden state, int16 cell state, each weight tensor) drawn from the model's
    generator, each weight's scale and zero point just before its data."""

    @staticmethod
    def draw(seed: int, dtype) -> LstmCase:
        rng = np.random.default_rng(seed)
        clip = float(rng.choice([0.0, 0.0, 0.5, 2.0, 10.0]))
        sizes = {"batches": int(rng.integers(1, 4)), "steps": int(rng.integers(1, 7)),
                 "n_input": int(rng.integers(1, 9)), "n_state": int(rng.integers(1, 9)),
                 "time_major": bool(rng.integers(0, 2))}
        types = ({**FLOAT32, "input_std": 2.0, "weight_std": 0.6, "bias_std": 0.5}
                 if dtype == np.float32 else {"act": np.int8, "bias_type": np.int32})
        return LstmCase(**sizes, cell_clip=clip, seed=seed, **types)

    def quantization(self, rng):
        if self.act == np.float32:
            return super().quantization(rng)
        s_in = float(np.float32(10 ** rng.uniform(-2.5, -1)))
        zp_in = int(rng.integers(-128, 128))
        s_h = float(np.float32(10 ** rng.uniform(-2.5, -1.5)))
        zp_h = int(rng.choice([0, -128, 127, int(rng.integers(-128, 128))]))
        s_c = 2.0 ** -int(rng.integers(9, 16))
        return s_in, zp_in, s_h, zp_h, s_c

    def weight_quantization(self, rng, k):
        s_w = float(np.float32(10 ** rng.uniform(-3, -1.5)))
        zp_w = int(rng.choice([0, 0, int(rng.integers(-20, 21))]))
        return s_w, zp_w

    def bias_scale(self, k, s_in, w_scales):
        return s_in * w_scales[k - 11]     # the gate's input weights' scale


def check_streaming(case: Lstm) -> None:
    model, (h_id, c_id) = case.model()
    streaming.check_streaming(model, {"hidden state": h_id, "cell state": c_id}, case.inputs,
                              str(case), INVOKES)


INT8_SEEDS = range(40)
FLOAT_SEEDS = range(20)


# -- int8 and float32 --------------------------------------------------------------------

@seed_budgets(ci=INT8_SEEDS, slow=range(100, 400))
def test_int8_streaming_matches_tflm(seed):
    check_streaming(LstmCase.draw(seed, np.int8))


@seed_budgets(ci=FLOAT_SEEDS, slow=range(100, 250))
def test_float_streaming_matches_tflm(seed):
    check_streaming(LstmCase.draw(seed, np.float32))


def test_int16_activations_every_input():
    """The LSTM's int16 sigmoid / tanh (Q3.12 in) are total over int16 and monotone, with
    their known fixed points (sigmoid(0) = 1/2, tanh(0) = 0) and odd symmetry up to one LSB."""
    x = np.arange(-32768, 32768, dtype=np.int64)
    s = logistic_int16(x)
    t = lstm_tanh_int16(x, -12)
    assert SIGMOID_TABLE_Q16[0] == 32768 and SIGMOID_TABLE_Q16[-1] == 65535
    assert s.min() >= 0 and s.max() <= 32767 and np.all(np.diff(s) >= 0)
    assert t.min() >= -32768 and t.max() <= 32767 and np.all(np.diff(t) >= 0)
    assert s[32768] == 16384 and t[32768] == 0
    assert np.max(np.abs(s[1:] + s[:0:-1] - 32768)) <= 1
    assert np.max(np.abs(t[1:] + t[:0:-1])) <= 1


def _float_lstm(extra: dict[int, tuple]) -> bytes:
    """A small float LSTM model with optional extra inputs {index: shape}."""
    b = ModelBuilder()
    ids = [-1] * 24
    ids[0] = b.add_tensor("input", np.float32, (1, 2, 3))
    for k in range(1, 9):
        shape = (4, 3) if k < 5 else (4, 4)
        ids[k] = b.add_tensor(f"w{k}", np.float32, shape, data=np.zeros(shape))
    for k in range(12, 16):
        ids[k] = b.add_tensor(f"b{k}", np.float32, (4,), data=np.zeros(4))
    for k, shape in extra.items():
        ids[k] = b.add_tensor(f"x{k}", np.float32, shape, data=np.zeros(shape))
    ids[18] = b.add_tensor("h", np.float32, (1, 4), is_variable=True)
    ids[19] = b.add_tensor("c", np.float32, (1, 4), is_variable=True)
    out = b.add_tensor("out", np.float32, (1, 2, 4))
    b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ids, [out],
                   options={"fused_activation_function": "TANH"})
    b.set_inputs([ids[0]])
    b.set_outputs([out])
    return b.build()


@pytest.mark.parametrize("extra", [{9: (4,)}, {16: (4, 4)}, {20: (4,)}],
                         ids=["peephole", "projection", "layer_norm"])
def test_refuses_lstm_variants_tflm_refuses(extra):
    Interpreter(model_content=_float_lstm({})).allocate_tensors()   # the plain model is fine
    with pytest.raises(UnsupportedOpError, match="peephole, projection or layer"):
        Interpreter(model_content=_float_lstm(extra)).allocate_tensors()
    with pytest.raises(RuntimeError):   # "failed to prepare"
        tflm_interpreter(_float_lstm(extra))


# -- float32 under semantics="tflite": LiteRT's arithmetic ---------------------------------

def check_litert_streaming(case: Lstm) -> None:
    """``semantics="tflite"`` against LiteRT (BUILTIN_REF): output and both states after
    each of ``INVOKES`` invokes, then after a reset."""
    model, (h_id, c_id) = case.model()
    streaming.check_streaming(model, {"hidden state": h_id, "cell state": c_id}, case.inputs,
                              str(case), INVOKES, against="litert")


@pytest.mark.parametrize("seed", FLOAT_SEEDS)
def test_float_tflite_streaming_matches_litert(seed):
    check_litert_streaming(LstmCase.draw(seed, np.float32))


@st.composite
def float_cases(draw, max_size: int = 40) -> Lstm:
    """A float LSTM: sizes up to ``max_size`` (most not multiples of the 4-float packet),
    up to 9 batch rows, either layout, a cell clip or none, inputs and weights of several
    magnitudes (gate sums past the logistic's cut-offs and tanh's clamp)."""
    return Lstm(
        batches=draw(st.integers(1, 9)), steps=draw(st.integers(1, 4)),
        n_input=draw(st.integers(1, max_size)), n_state=draw(st.integers(1, max_size)),
        time_major=draw(st.booleans()),
        cell_clip=draw(st.sampled_from([0.0, 0.0, 0.5, 3.0])),
        input_std=draw(st.sampled_from([0.5, 2.0, 10.0])),
        weight_std=draw(st.sampled_from([0.1, 0.6, 2.0])),
        bias_std=draw(st.sampled_from([0.5, 4.0])),
        seed=draw(st.integers(0, 2**31)), **FLOAT32)


@budgets(ci=150, slow=3000, max_size=(40, 100))
def test_float_tflite_matches_litert(examples, max_size):
    explore(examples, float_cases(max_size=max_size), check_litert_streaming)


# Shapes that take each of LiteRT's code paths (interpreter/arith/eigen_float.py): with one
# batch row per step (batch major, or time major with one row) the products are Eigen
# matrix-vector ones, with several rows (time major) matrix-matrix ones; the sigmoid's
# packet code covers the 16-byte aligned 4-float blocks of each gate's scratch buffer.
LITERT_PATHS = {
    "1x1: dot products, scalar sigmoids": dict(n_input=1, n_state=1),
    "dot product: 4 packet accumulators": dict(n_input=37, n_state=1),
    "GEMV rows with tail columns": dict(n_input=13, n_state=7),
    "GEMV, sigmoid head and tail per batch row": dict(batches=3, n_input=6, n_state=5),
    "time major, one cell: transposed GEMV": dict(batches=5, n_input=23, n_state=1,
                                                  time_major=True),
    "time major, lazy coefficient-wise product": dict(batches=3, n_input=6, n_state=7,
                                                      time_major=True),
    "time major, GEMM 8-row, 4-row blocks and remaining rows": dict(
        batches=6, n_input=19, n_state=15, time_major=True),
    "time major, GEMM 4-column panels and remaining columns": dict(
        batches=7, n_input=9, n_state=13, time_major=True),
    "time major, GEMM depth blocks (input size past Eigen's L1 block)": dict(
        batches=4, n_input=1100, n_state=6, time_major=True),
}


@pytest.mark.parametrize("shape", LITERT_PATHS.values(), ids=LITERT_PATHS.keys())
@pytest.mark.parametrize("seed", range(3))
def test_float_tflite_code_paths_match_litert(shape, seed):
    check_litert_streaming(Lstm(**{"steps": 3, **shape}, seed=seed, input_std=2.0,
                                weight_std=0.6, bias_std=0.5, **FLOAT32))


SPECIAL_INPUTS = {
    "zero step": lambda x, step: step.fill(0.0),                  # skips the input products
    "negative zero step": lambda x, step: step.fill(-0.0),
    # IsZeroVector's 4-wide code counts a NaN as zero (the products are skipped), its
    # scalar tail does not
    "zero step, NaN first": lambda x, step: (step.fill(0.0), step.flat.__setitem__(0, np.nan)),
    "zero step, NaN last": lambda x, step: (step.fill(0.0),
                                            step.flat.__setitem__(step.size - 1, np.nan)),
    "inf": lambda x, step: x.reshape(-1).__setitem__(3, np.inf),
    "-inf": lambda x, step: x.reshape(-1).__setitem__(3, -np.inf),
    "nan": lambda x, step: x.reshape(-1).__setitem__(2, np.nan),
    "huge": lambda x, step: np.multiply(x, np.float32(1e20), out=x),   # sums clamp to FLT_MAX
    "denormal": lambda x, step: np.multiply(x, np.float32(1e-40), out=x),
}


@pytest.mark.parametrize("time_major", [False, True], ids=["batch_major", "time_major"])
@pytest.mark.parametrize("kind", SPECIAL_INPUTS)
def test_float_tflite_special_inputs_match_litert(kind, time_major):
    # with a cell clip, a NaN cell state is clipped to +clip (min(clip, NaN) is clip)
    for batches, n_input, n_state, clip in [(1, 3, 4, 0.0), (3, 5, 7, 3.0), (5, 9, 6, 0.0),
                                            (2, 30, 5, 0.5)]:
        case = Lstm(batches=batches, steps=4, n_input=n_input, n_state=n_state,
                    time_major=time_major, cell_clip=clip, seed=11, input_std=2.0,
                    weight_std=0.6, bias_std=0.5, **FLOAT32)
        x = case.inputs(0)
        with np.errstate(over="ignore"):
            SPECIAL_INPUTS[kind](x, x[1] if time_major else x[:, 1])
        assert_matches_litert(case.model()[0], [x])


@pytest.mark.parametrize("kind", ["float32", "int8"])
def test_tflite_refuses_negative_cell_clip_like_litert(kind):
    """LiteRT fails to prepare an LSTM with a negative cell_clip (TFLM runs it, reading it as
    no clipping: test_cell_clip_like_tflm), so semantics="tflite" refuses it."""
    case = replace(KINDS[kind], cell_clip=-0.5)
    model, _ = case.model()
    x = case.inputs(0)
    with pytest.raises(RuntimeError, match="cell_clip >= 0"):
        run_litert(model, [x])
    with pytest.raises(ModelError, match="cell_clip -0.5 is negative"):
        run_model(model, [x], semantics="tflite")


def test_divergence_float_lstm():
    """TFLM and LiteRT compute the float LSTM differently even where no sum is reordered: a
    one-input, one-cell LSTM (every gate one product plus its bias) differs in the last bits
    in most outputs (TFLM: libm's expf / tanhf; LiteRT: Eigen's tanh, and its logistic via
    ``e / (1 + e)``). Each flavor gives its runtime's bytes."""
    differ = total = 0
    for seed in range(10):
        case = Lstm(batches=1, steps=6, n_input=1, n_state=1, seed=seed, input_std=2.0,
                    weight_std=1.5, **FLOAT32)
        model, _ = case.model()
        x = case.inputs(0)
        tflm, lite = run_tflm(model, [x])[0], run_litert(model, [x])[0]
        assert_same(run_model(model, [x])[0], tflm, "semantics='tflm' vs TFLM")
        assert_same(run_model(model, [x], semantics="tflite")[0], lite,
                    "semantics='tflite' vs LiteRT")
        np.testing.assert_allclose(tflm, lite, rtol=1e-5, atol=1e-7)
        differ += int((tflm != lite).sum())
        total += tflm.size
    assert differ > total // 4, f"{differ} of {total}"


# -- int16 activations (16x8->16) --------------------------------------------------------

def _scale(lo: float, hi: float):
    """float32-representable scales 10^u, u uniform in [lo, hi]."""
    return st.floats(lo, hi).map(lambda u: float(np.float32(10.0 ** u)))


def _zero_point(bound: int):
    return st.one_of(st.just(0), st.just(0), st.integers(-bound, bound))


@st.composite
def int16_cases(draw) -> Lstm:
    s_in = draw(_scale(-6.0, -2.5))       # real inputs reach 0.03 .. 100 (s_in * 32767)
    w_scales = tuple(draw(st.lists(_scale(-3.5, -1.5), min_size=8, max_size=8)))
    bias_bits = []
    for s_w in w_scales[:4]:
        # mostly biases of real magnitude up to 0.1 .. 8 (Q3.12 saturates at 8); sometimes
        # none, or raw values up to 2^46, far beyond int32 (the int64 path's range)
        real = draw(st.sampled_from([0.1, 1.0, 4.0, 8.0, 0.1, 1.0, 0.0, None]))
        bits = 46 if real is None else int(np.ceil(np.log2(max(real / (s_in * s_w), 2.0))))
        bias_bits.append(bits)
    return Lstm(
        batches=draw(st.integers(1, 3)), steps=draw(st.integers(1, 5)),
        n_input=draw(st.integers(1, 8)), n_state=draw(st.integers(1, 8)),
        time_major=draw(st.booleans()),
        cell_clip=draw(st.sampled_from([0.0, 0.0, 0.0, 0.0, -1.0, 0.25, 1.0, 4.0, 1e-7])),
        s_in=s_in, zp_in=draw(_zero_point(2000)),
        # hidden values are in (-1, 1): 2^-15 ~ 10^-4.5 fits them exactly
        s_h=draw(_scale(-5.5, -3.5)), zp_h=draw(_zero_point(2000)),
        cell_power=draw(st.integers(9, 15)),
        cell_factor=draw(st.sampled_from([1.0, 1.0, 1.0, 0.7, 1.3])),
        w_scales=w_scales,   # real weights 0.04 .. 4 (s_w * 127)
        w_zps=tuple(draw(st.lists(st.sampled_from([0, 0, 0, -3, 5]), min_size=8, max_size=8))),
        bias_bits=tuple(bias_bits),
        input_bound=draw(st.sampled_from([32768, 32768, 2000, 100])),
        seed=draw(st.integers(0, 2**31)))


@budgets(ci=1000, slow=10000)
def test_int16_streaming_matches_tflm(examples):
    explore(examples, int16_cases(), check_streaming)


@pytest.mark.parametrize("clip", [0.0, -0.5, 1e-7, 0.01, 0.5, 30.0])
@pytest.mark.parametrize("kind", ["int16", "int8", "float32"])
def test_cell_clip_like_tflm(kind, clip):
    """TFLM clips only when cell_clip > 0: a negative one is accepted and means no clipping,
    a positive one that quantizes to 0 clips the cell state to 0."""
    case = replace(KINDS[kind], cell_clip=clip, steps=4, batches=2, n_state=5)
    check_streaming(case)
    if clip <= 0:
        model, _ = case.model()
        unclipped, _ = replace(case, cell_clip=0.0).model()
        x = case.inputs(0)
        assert run(model, x).tobytes() == run(unclipped, x).tobytes()


def test_non_power_of_two_cell_scale_like_tflm():
    """TFLM takes the rounded log2 of any cell scale (CheckedLog2's verdict is ignored)."""
    for factor in (0.6, 0.8, 1.2, 1.45):
        check_streaming(replace(KINDS["int16"], cell_factor=factor, seed=3))


def test_zero_points_are_read():
    """The int16 FC reads the input and hidden zero points: results differ from zp = 0."""
    base = replace(KINDS["int16"], s_in=2e-4, steps=3, seed=5)
    x = base.inputs(0)
    for changed in (replace(base, zp_in=300), replace(base, zp_h=-300),
                    replace(base, w_zps=(4,) * 8)):
        check_streaming(changed)
        assert run(changed.model()[0], x).tobytes() != run(base.model()[0], x).tobytes()


def run(model: bytes, x: np.ndarray) -> np.ndarray:
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    ours.set_tensor(ours.get_input_details()[0]["index"], x)
    ours.invoke()
    return ours.get_tensor(ours.get_output_details()[0]["index"])


# -- which variants TFLM runs --------------------------------------------------------

KINDS = {
    "int16": Lstm(),
    "int8": Lstm(act=np.int8, bias_type=np.int32, s_in=0.02, zp_in=-3, s_h=0.008, zp_h=2),
    "float32": Lstm(**FLOAT32),
}


INTEGER = ["int16", "int8"]


def tflm_fails(model: bytes, at: str) -> None:
    """TFLM fails to prepare (``at="prepare"``) or to invoke the model."""
    if at == "prepare":
        with pytest.raises(RuntimeError):
            tflm_interpreter(model)
        return
    ref = tflm_interpreter(model)
    with pytest.raises(RuntimeError):
        ref.invoke()


@pytest.mark.parametrize("kind", INTEGER + ["float32"])
def test_plain_model_runs(kind):
    check_streaming(KINDS[kind])


@pytest.mark.parametrize("extra", [
    ((9, np.int16, (4,)), (10, np.int16, (4,)), (11, np.int16, (4,))),
    ((11, np.int16, (4,)),),
    ((16, np.int8, (4, 4)),),
    ((16, np.int8, (4, 4)), (17, np.int32, (4,))),
    ((20, np.int16, (4,)), (21, np.int16, (4,)), (22, np.int16, (4,)), (23, np.int16, (4,))),
], ids=["peephole", "peephole_output", "projection", "projection_bias", "layer_norm"])
@pytest.mark.parametrize("kind", INTEGER)
def test_refuses_variants_tflm_refuses(kind, extra):
    model, _ = replace(KINDS[kind], extra=extra).model()
    tflm_fails(model, "prepare")
    with pytest.raises(UnsupportedOpError, match="peephole, projection or layer"):
        run(model, KINDS[kind].inputs(0))


@pytest.mark.parametrize("change,at", [
    ({"missing": (1, 5)}, "prepare"),                   # CIFG: no input gate
    ({"missing": (12,)}, "prepare"),                    # a gate without bias
    ({"variable_states": (False, True)}, "prepare"),
    ({"variable_states": (True, False)}, "prepare"),
], ids=["cifg", "no_input_gate_bias", "hidden_not_variable", "cell_not_variable"])
@pytest.mark.parametrize("kind", INTEGER)
def test_malformed_models_fail_like_tflm(kind, change, at):
    model, _ = replace(KINDS[kind], **change).model()
    tflm_fails(model, at)
    with pytest.raises(ModelError):
        run(model, KINDS[kind].inputs(0))


@pytest.mark.parametrize("missing", [(2,), (13,)], ids=["forget_weights", "forget_bias"])
@pytest.mark.parametrize("kind", INTEGER)
def test_missing_forget_gate_is_a_model_error(kind, missing):
    """TFLM reads the forget gate's weight and bias types before checking that the tensors
    exist: without them it crashes (segmentation fault), so it is not run here."""
    model, _ = replace(KINDS[kind], missing=missing).model()
    with pytest.raises(ModelError, match="required input"):
        run(model, KINDS[kind].inputs(0))


def test_hidden_type_must_be_input_type():
    model, _ = replace(KINDS["int16"], hidden_type=np.int8).model()
    tflm_fails(model, "prepare")
    with pytest.raises(ModelError, match="output state must have the input's type"):
        run(model, KINDS["int16"].inputs(0))


@pytest.mark.parametrize("kind,change", [
    ("int16", {"weight_type": np.int16}),
    ("int8", {"weight_type": np.int16}),
])
def test_other_weight_types_fail_at_invoke_like_tflm(kind, change):
    model, _ = replace(KINDS[kind], **change).model()
    tflm_fails(model, "invoke")
    with pytest.raises(UnsupportedOpError, match="weights int16"):
        run(model, KINDS[kind].inputs(0))


@pytest.mark.parametrize("kind,change,match", [
    ("int16", {"bias_type": np.int32}, "bias int32"),
    ("int8", {"bias_type": np.int64}, "bias int64"),
    ("int16", {"cell_type": np.float32}, "cell state float32"),
    ("int8", {"cell_type": np.float32}, "cell state float32"),
    ("int16", {"per_channel": True}, "per-channel"),
    ("int8", {"per_channel": True}, "per-channel"),
    ("int16", {"fused_activation": "RELU"}, "activation"),
    ("int16", {"fused_activation": "NONE"}, "activation"),
    ("int8", {"fused_activation": "RELU6"}, "activation"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_refuses_what_tflm_runs_undefined(kind, change, match):
    """TFLM prepares these and runs them reading memory as the wrong type, with an unset
    multiplier, or skipping the cell gate's activation (its assert is compiled out):
    nothing to reproduce, so this interpreter refuses them."""
    model, _ = replace(KINDS[kind], **change).model()
    tflm_interpreter(model).invoke()      # TFLM does not refuse
    with pytest.raises(UnsupportedOpError, match=match):
        run(model, KINDS[kind].inputs(0))


def test_int16_gate_multiplier_beyond_int64_requantization():
    """s_x * s_w / 2^-12 >= 2^14: TFLM's int64 MultiplyByQuantizedMultiplier is undefined."""
    model, _ = replace(KINDS["int16"], s_in=0.5, w_scales=(10.0,) * 8).model()
    with pytest.raises(ModelError, match="undefined from 2"):
        run(model, KINDS["int16"].inputs(0))


# -- the arena -------------------------------------------------------------------------

@pytest.mark.parametrize("kind,shape", [
    ("int16", {"batches": 1, "steps": 3, "n_input": 3, "n_state": 4}),
    ("int16", {"batches": 3, "steps": 5, "n_input": 7, "n_state": 9, "time_major": True}),
    ("int16", {"batches": 2, "steps": 1, "n_input": 2, "n_state": 33}),
    ("int8", {"batches": 2, "steps": 4, "n_input": 3, "n_state": 5}),
])
def test_arena_equals_tflm(kind, shape, capfd):
    """The four scratch buffers of batch x state int16 values: the plan has TFLM's size."""
    model, _ = replace(KINDS[kind], **shape).model()
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    assert ours.memory_plan().arena_bytes == tflm_head_bytes(model, capfd)
