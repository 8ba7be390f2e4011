"""SVDF against the tflite-micro runtime, byte for byte, over streams of invokes.

Seeded cases draw batch, input size, rank, units, memory size, the fused
activation (float; the int8 kernel ignores it, as TFLM does), and for int8
the input / output / state scales and zero points, int16 or int8 state and
time weights. The activation state is a variable tensor: one interpreter of
each kind is invoked several times with new inputs and no reset, and after
each invoke the output and the state must equal TFLM's; then
``reset_all_variables`` must match TFLM's ``reset()``.

LiteRT (BUILTIN_REF) is compared for float: its reference SVDF sums in a
different order (test_float_vs_litert records the size of the difference); and
``semantics="tflite"`` for int8 with an int16 state. LiteRT reads an int8 state and
time weights as int16, past their ends: ``semantics="tflite"`` refuses them.

    pytest tests/ops/test_svdf.py              # CI budget
    pytest tests/ops/test_svdf.py -m slow      # many more cases
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest
import streaming
from reference import run_litert

from interpreter import Interpreter, ModelError, UnsupportedOpError
from interpreter.builder import ModelBuilder

INVOKES = 4
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"]


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

    @staticmethod
    def draw(seed: int, dtype) -> SvdfCase:
        rng = np.random.default_rng(seed)
        state = np.float32 if dtype == np.float32 else [np.int16, np.int8][int(rng.integers(0, 2))]
        return SvdfCase(dtype, state, int(rng.integers(1, 4)), int(rng.integers(1, 10)),
                        int(rng.integers(1, 4)), int(rng.integers(1, 6)),
                        int(rng.integers(1, 8)), str(rng.choice(ACTIVATIONS)), seed)

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
            wf = b.add_tensor("wf", np.float32, (F, I),
                              data=rng.standard_normal((F, I)).astype(np.float32))
            wt = b.add_tensor("wt", np.float32, (F, M),
                              data=rng.standard_normal((F, M)).astype(np.float32))
            bias = b.add_tensor("bias", np.float32, (U,),
                                data=rng.standard_normal(U).astype(np.float32))
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

    def inputs(self, k: int) -> np.ndarray:
        rng = np.random.default_rng(self.seed * 37 + k)
        shape = (self.batches, self.n_input)
        if self.dtype == np.float32:
            return rng.standard_normal(shape).astype(np.float32)
        return rng.integers(-128, 128, shape).astype(np.int8)


def check_streaming(case: SvdfCase) -> None:
    model, state_id = case.model()
    streaming.check_streaming(model, {"state": state_id}, case.inputs, str(case), INVOKES)


@pytest.mark.parametrize("seed", range(40))
def test_int8_streaming_matches_tflm(seed):
    check_streaming(SvdfCase.draw(seed, np.int8))


@pytest.mark.parametrize("seed", range(25))
def test_float_streaming_matches_tflm(seed):
    check_streaming(SvdfCase.draw(seed, np.float32))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 400))
def test_int8_streaming_matches_tflm_slow(seed):
    check_streaming(SvdfCase.draw(seed, np.int8))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 250))
def test_float_streaming_matches_tflm_slow(seed):
    check_streaming(SvdfCase.draw(seed, np.float32))


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


def test_float_vs_litert():
    """LiteRT's float SVDF agrees to float rounding (its sums run in another order)."""
    differ = 0
    for seed in range(6):
        case = SvdfCase.draw(seed, np.float32)
        model, _ = case.model()
        x = case.inputs(0)
        ours = Interpreter(model_content=model)
        ours.allocate_tensors()
        ours.set_tensor(ours.get_input_details()[0]["index"], x)
        ours.invoke()
        mine = ours.get_tensor(ours.get_output_details()[0]["index"])
        lite = run_litert(model, [x])[0]
        np.testing.assert_allclose(mine, lite, rtol=1e-4, atol=1e-5)
        differ += not np.array_equal(mine, lite)
    print(f"float SVDF: {differ}/6 cases differ from LiteRT in the last bits")


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
