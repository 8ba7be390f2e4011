"""SVDF against the tflite-micro runtime, byte for byte, over streams of invokes.

Seeded cases draw batch, input size, rank, units, memory size, the fused
activation (float; the int8 kernel ignores it, as TFLM does), and for int8
the input / output / state scales and zero points, int16 or int8 state and
time weights. The activation state is a variable tensor: one interpreter of
each kind is invoked several times with new inputs and no reset, and after
each invoke the output and the state must equal TFLM's; then
``reset_all_variables`` must match TFLM's ``reset()``.

``semantics="tflite"`` is compared with LiteRT (BUILTIN_REF): float32 byte for byte,
output and state over streams of invokes, with wider sizes (past LiteRT's 4-lane
packets and 8-wide bias add), SVDFs without bias, and NaN / inf / denormal / -0.0
data; int8 with an int16 state. LiteRT reads an int8 state and time weights as int16,
past their ends: ``semantics="tflite"`` refuses them.

    pytest tests/ops/test_svdf.py              # CI budget
    pytest tests/ops/test_svdf.py -m slow      # many more cases
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest
import streaming
from budgets import seed_budgets
from reference import run_litert
from single_op import assert_matches_litert
from single_op import assert_matches_tflm

from interpreter import Interpreter
from interpreter import ModelError
from interpreter import UnsupportedOpError
from interpreter.builder import ModelBuilder

INVOKES = 4
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"]
# NaNs of both signs and several payloads, infinities, denormals, signed zeros, huge values
SPECIAL = np.array([0x7FC00000, 0xFFC00000, 0x7FC01234, 0xFFD00001, 0x7F800000, 0xFF800000,
                    0x00000001, 0x80000001, 0x007FFFFF, 0x00012345, 0x80000000, 0x00000000,
                    0x7F7FFFFF, 0xFF000000], np.uint32).view(np.float32)


@dataclass(frozen=True)
class SvdfCase:
    dtype: type
    state_dtype: type
    batches: int
    n_input: int
    rank: int
    units: int
    memory: int
    activation: str
    seed: int
    bias: bool = True
    special: bool = False       # float: NaN (several payloads), inf, denormals, -0.0 in the data
    state_zero_point: int | None = None   # int8 state: instead of the drawn one

    @staticmethod
    def draw(seed: int, dtype) -> SvdfCase:
        rng = np.random.default_rng(seed)
        state = np.float32 if dtype == np.float32 else [np.int16, np.int8][int(rng.integers(0, 2))]
        return SvdfCase(dtype, state, int(rng.integers(1, 4)), int(rng.integers(1, 10)),
                        int(rng.integers(1, 4)), int(rng.integers(1, 6)),
                        int(rng.integers(1, 8)), str(rng.choice(ACTIVATIONS)), seed)

    @staticmethod
    def draw_wide(seed: int, special: bool = False) -> SvdfCase:
        """float32 with sizes reaching past LiteRT's 4-lane packets and 8-wide bias adds:
        input size, rank and memory size from 1 to beyond 8, units up to 19."""
        rng = np.random.default_rng(seed)
        return SvdfCase(np.float32, np.float32, int(rng.integers(1, 5)), int(rng.integers(1, 40)),
                        int(rng.integers(1, 11)), int(rng.integers(1, 20)),
                        int(rng.integers(1, 20)), str(rng.choice(ACTIVATIONS)), seed,
                        bias=bool(rng.random() < 0.8), special=special)

    @property
    def filters(self) -> int:
        return self.rank * self.units

    def model(self) -> tuple[bytes, int]:
        """(model bytes, state tensor index)."""
        rng = np.random.default_rng(self.seed + 1000)
        b = ModelBuilder(description="single SVDF")
        B, I, F, M, U = self.batches, self.n_input, self.filters, self.memory, self.units
        if self.dtype == np.float32:
            x = b.add_tensor("input", np.float32, (B, I))
            wf = b.add_tensor("wf", np.float32, (F, I), data=self._floats(rng, (F, I)))
            wt = b.add_tensor("wt", np.float32, (F, M), data=self._floats(rng, (F, M)))
            bias = b.add_tensor("bias", np.float32, (U,), data=self._floats(rng, (U,))) \
                if self.bias else -1
            state = b.add_tensor("state", np.float32, (B, M * F), is_variable=True)
            out = b.add_tensor("output", np.float32, (B, U))
        else:
            f32 = np.float32
            s_in = float(f32(10 ** rng.uniform(-2.5, -0.5)))
            s_wf = float(f32(10 ** rng.uniform(-3, -1)))
            s_wt = float(f32(10 ** rng.uniform(-4, -2)))
            s_state = float(f32(10 ** rng.uniform(-3, -1)))
            s_out = float(f32(10 ** rng.uniform(-2.5, -0.5)))
            info = np.iinfo(self.state_dtype)
            zp_state = 0 if self.state_dtype == np.int16 else int(rng.integers(-128, 128))
            if self.state_zero_point is not None:
                zp_state = self.state_zero_point
            x = b.add_tensor("input", np.int8, (B, I), scale=s_in,
                             zero_point=int(rng.integers(-128, 128)))
            wf = b.add_tensor("wf", np.int8, (F, I), scale=s_wf, zero_point=0,
                              data=rng.integers(-127, 128, (F, I)))
            wt_data = rng.integers(max(info.min, -4096) + 1, min(info.max, 4096), (F, M))
            wt = b.add_tensor("wt", self.state_dtype, (F, M), scale=s_wt, zero_point=0,
                              data=wt_data)
            bias = b.add_tensor("bias", np.int32, (U,), scale=float(f32(f32(s_state) * f32(s_wt))),
                                zero_point=0, data=rng.integers(-(1 << 16), 1 << 16, U))
            state = b.add_tensor("state", self.state_dtype, (B, M * F), scale=s_state,
                                 zero_point=zp_state, is_variable=True)
            out = b.add_tensor("output", np.int8, (B, U), scale=s_out,
                               zero_point=int(rng.integers(-128, 128)))
        b.add_operator("SVDF", [x, wf, wt, bias, state], [out],
                       options={"rank": self.rank, "fused_activation_function": self.activation})
        b.set_inputs([x])
        b.set_outputs([out])
        return b.build(), state

    def _floats(self, rng: np.random.Generator, shape) -> np.ndarray:
        x = rng.standard_normal(shape).astype(np.float32)
        if self.special:
            hit = rng.random(shape) < 0.08
            x[hit] = rng.choice(SPECIAL, size=int(hit.sum()))
        return x

    def inputs(self, k: int) -> np.ndarray:
        rng = np.random.default_rng(self.seed * 37 + k)
        shape = (self.batches, self.n_input)
        if self.dtype == np.float32:
            return self._floats(rng, shape)
        return rng.integers(-128, 128, shape).astype(np.int8)


def check_streaming(case: SvdfCase) -> None:
    model, state_id = case.model()
    streaming.check_streaming(model, {"state": state_id}, case.inputs, str(case), INVOKES)


@seed_budgets(ci=range(40), slow=range(100, 400))
def test_int8_streaming_matches_tflm(seed):
    check_streaming(SvdfCase.draw(seed, np.int8))


@pytest.mark.parametrize("zero_point", [-212, 300])
def test_int8_state_zero_point_outside_int8_resets_like_tflm(zero_point):
    """TFLM resets a variable tensor with memset(zero point): a zero point outside int8
    (a broken model) leaves its low byte in the state (found by tools/fuzz_models.py,
    where it raised OverflowError)."""
    seed = next(k for k in range(100) if SvdfCase.draw(k, np.int8).state_dtype == np.int8)
    check_streaming(dataclasses.replace(SvdfCase.draw(seed, np.int8),
                                        state_zero_point=zero_point))


@seed_budgets(ci=range(25), slow=range(100, 250))
def test_float_streaming_matches_tflm(seed):
    check_streaming(SvdfCase.draw(seed, np.float32))


@pytest.mark.parametrize("seed", range(16))
def test_float_special_values_match_tflm(seed):
    # NaNs of several payloads, inf, denormals and -0.0 in the weights and inputs: the
    # bits TFLM keeps pin the operand order of each product and sum (the weight first),
    # and its std::fmin/fmax activations (RELU6(NaN) = 6, RELU_N1_TO_1(NaN) = 1)
    check_streaming(dataclasses.replace(SvdfCase.draw_wide(seed, special=True), bias=True))


def test_float_without_bias_refused_as_tflm_crashes_litert_runs_it():
    """TFLM's EvalFloatSvdfReference reads the missing bias tensor (and crashes), so
    semantics="tflm" refuses it; LiteRT runs it, and so does semantics="tflite"."""
    case = dataclasses.replace(SvdfCase.draw(3, np.float32), bias=False)
    model, _ = case.model()
    with pytest.raises(UnsupportedOpError, match=r"SVDF \(operator 0\).*without bias"):
        Interpreter(model_content=model).allocate_tensors()
    assert_matches_litert(model, [case.inputs(0)])


def test_state_must_be_variable():
    b = ModelBuilder()
    x = b.add_tensor("input", np.float32, (1, 3))
    wf = b.add_tensor("wf", np.float32, (2, 3), data=np.zeros((2, 3)))
    wt = b.add_tensor("wt", np.float32, (2, 4), data=np.zeros((2, 4)))
    bias = b.add_tensor("bias", np.float32, (2,), data=np.zeros(2))
    state = b.add_tensor("state", np.float32, (1, 8), data=np.zeros((1, 8)))
    out = b.add_tensor("output", np.float32, (1, 2))
    b.add_operator("SVDF", [x, wf, wt, bias, state], [out], options={"rank": 1})
    b.set_inputs([x])
    b.set_outputs([out])
    with pytest.raises(ModelError, match="variable"):
        Interpreter(model_content=b.build()).allocate_tensors()


def check_streaming_litert(case: SvdfCase, invokes: int = INVOKES) -> None:
    """``semantics="tflite"`` against LiteRT's BUILTIN_REF, output and state, invoke by
    invoke (the state carried), then after a reset."""
    model, state_id = case.model()
    streaming.check_streaming(model, {"state": state_id}, case.inputs, str(case), invokes,
                              against="litert")


@pytest.mark.parametrize("seed", range(25))
def test_float_tflite_streaming_matches_litert(seed):
    check_streaming_litert(SvdfCase.draw(seed, np.float32))


@pytest.mark.parametrize("seed", range(30))
def test_float_tflite_wide_streaming_matches_litert(seed):
    # sizes past the 4-lane packets (input size, memory size, rank) and the 8-wide bias add,
    # and SVDFs without bias; 8 invokes
    check_streaming_litert(SvdfCase.draw_wide(seed), invokes=8)


@pytest.mark.parametrize("seed", range(30))
def test_float_tflite_special_values_match_litert(seed):
    # NaNs of several payloads in the weights and inputs meet each other in the sums: the
    # bits LiteRT keeps pin the operand order of every add and multiply
    check_streaming_litert(SvdfCase.draw_wide(seed, special=True), invokes=8)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 400))
def test_float_tflite_streaming_matches_litert_slow(seed):
    check_streaming_litert(SvdfCase.draw_wide(seed, special=seed % 2 == 1), invokes=8)


def test_float_tflite_single_invoke_matches_litert():
    for seed in range(6):
        case = SvdfCase.draw_wide(seed)
        model, _ = case.model()
        assert_matches_litert(model, [case.inputs(0)])


def test_float_flavors_sum_in_their_runtimes_orders():
    """TFLM and LiteRT sum the feature, time and rank reductions in other orders (and
    take tanh from libm vs Eigen): each flavor equals its runtime, and they differ."""
    case = SvdfCase.draw(59, np.float32)        # batches 3, input 6, rank 3, memory 5
    model, _ = case.model()
    x = case.inputs(0)
    tflm = assert_matches_tflm(model, [x])[0]
    tflite = assert_matches_litert(model, [x])[0]
    assert not np.array_equal(tflm, tflite)
    np.testing.assert_allclose(tflm, tflite, rtol=1e-5, atol=1e-6)


def _first_seeds(state_dtype, n: int):
    seeds = (s for s in range(1000) if SvdfCase.draw(s, np.int8).state_dtype == state_dtype)
    return [next(seeds) for _ in range(n)]


@pytest.mark.parametrize("seed", _first_seeds(np.int16, 15))
def test_tflite_int8_with_int16_state_matches_litert(seed):
    # LiteRT's integer SVDF requires RELU, which it does not apply (nor does TFLM)
    case = dataclasses.replace(SvdfCase.draw(seed, np.int8), activation="RELU")
    model, _ = case.model()
    x = case.inputs(0)
    interp = Interpreter(model_content=model, semantics="tflite")
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    ours = interp.get_tensor(interp.get_output_details()[0]["index"])
    np.testing.assert_array_equal(ours, run_litert(model, [x])[0])


@pytest.mark.parametrize("seed", _first_seeds(np.int8, 3))
def test_tflite_refuses_int8_state_tflm_flavor_runs_it(seed):
    # LiteRT's EvalIntegerSVDF reads the state and the time weights as int16, past the end
    # of the int8 buffers: its result depends on memory it does not own
    case = SvdfCase.draw(seed, np.int8)
    model, _ = case.model()
    with pytest.raises(UnsupportedOpError, match="SVDF.*read.* as int16"):
        Interpreter(model_content=model, semantics="tflite").allocate_tensors()
    check_streaming(case)       # the default flavor runs it, equal to TFLM


@pytest.mark.parametrize("activation", ["NONE", "RELU6", "TANH"])
def test_tflite_int8_needs_relu_like_litert(activation):
    """LiteRT's integer SVDF requires a fused RELU (svdf.cc); TFLM ignores the activation
    on this path, so the default flavor runs the model, equal to TFLM."""
    case = dataclasses.replace(SvdfCase.draw(_first_seeds(np.int16, 1)[0], np.int8),
                               activation=activation)
    model, _ = case.model()
    with pytest.raises(RuntimeError, match="activation != kTfLiteActRelu|kTfLiteActRelu"):
        run_litert(model, [case.inputs(0)])
    with pytest.raises(UnsupportedOpError, match=r"SVDF \(operator 0\).*requires RELU"):
        Interpreter(model_content=model, semantics="tflite").allocate_tensors()
    check_streaming(case)
