"""SignalRfft against the tflite-micro runtime: int16, int32 and float32 (TFLM's three
kernels), FFT lengths with radix 2, 3, 4 and 5 stages, zero-padded frames, batches."""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from signal_cases import INT_STYLES
from signal_cases import Pair
from signal_cases import int_data
from signal_cases import seeds
from signal_cases import signal_model
from single_op import T
from single_op import assert_same

from interpreter import ModelError
from interpreter import UnsupportedOpError

CODE = "SignalRfft"
TYPES = {np.int16: 7, np.int32: 2, np.float32: 0}


def fft_lengths(limit: int = 1024) -> list[int]:
    """Even lengths whose half factors into 2, 3 and 5 (what TFLM's KISS build runs)."""
    return sorted(2 * n for n in range(2, limit // 2 + 1)
                  if n == 2 ** _v(n, 2) * 3 ** _v(n, 3) * 5 ** _v(n, 5))


def _v(n: int, p: int) -> int:
    k = 0
    while n % p == 0:
        n //= p
        k += 1
    return k


LENGTHS = fft_lengths()


def frame_data(rng, dtype, shape, style: str) -> np.ndarray:
    if dtype == np.float32:
        scale = {"full": 1e4, "small": 1.0, "extremes": 1e30, "zeros": 0.0}[style]
        return (rng.standard_normal(shape) * scale).astype(np.float32)
    return int_data(rng, dtype, shape, style)


@st.composite
def fft_cases(draw):
    fft_length = draw(st.sampled_from(LENGTHS))
    return {"dtype": draw(st.sampled_from(list(TYPES))), "fft_length": fft_length,
            "frame": draw(st.integers(1, fft_length)),
            "batch": draw(st.lists(st.integers(1, 3), max_size=2)),
            "style": draw(st.sampled_from(INT_STYLES)), "seed": draw(seeds)}


def rfft_model(dtype, fft_length: int, in_shape, out_shape=None) -> bytes:
    out_shape = out_shape or [*in_shape[:-1], fft_length + 2]
    return signal_model(CODE, [T(dtype, in_shape)], [T(dtype, out_shape)],
                        {"T": TYPES[dtype], "fft_length": fft_length})


def run_case(c) -> None:
    rng = np.random.default_rng(c["seed"])
    shape = [*c["batch"], c["frame"]]
    x = frame_data(rng, c["dtype"], shape, c["style"])
    ours, ref = Pair(rfft_model(c["dtype"], c["fft_length"], shape)).invoke([x])
    assert_same(ours[0], ref[0], "spectrum")


@budgets(ci=40, slow=2000)
def test_rfft_matches_tflm(examples):
    explore(examples, fft_cases(), run_case)


@pytest.mark.parametrize("dtype", list(TYPES))
@pytest.mark.parametrize("fft_length", [512, 480, 6, 4])
def test_every_kernel_on_extreme_frames(dtype, fft_length):
    """Full-scale frames make the fixed-point sums wrap; each kernel wraps as TFLM's."""
    rng = np.random.default_rng(fft_length)
    x = np.stack([frame_data(rng, dtype, [fft_length], s) for s in INT_STYLES])
    ours, ref = Pair(rfft_model(dtype, fft_length, list(x.shape))).invoke([x])
    assert_same(ours[0], ref[0])


@pytest.mark.parametrize("fft_length", [14, 2, 0, -8, 7, 22])
def test_lengths_tflm_cannot_run_are_refused(fft_length):
    # 14 and 22: a radix-7 / radix-11 stage (KISS's generic butterfly needs malloc,
    # which TFLM's build replaces with a null pointer); 2: a length-1 complex FFT
    # (the same butterfly); odd lengths: KISS refuses them and TFLM runs a null state.
    with pytest.raises(ModelError, match="SignalRfft.*fft_length"):
        Pair(rfft_model(np.int16, fft_length, [2], [fft_length + 2 if fft_length > 0 else 2]))


def test_shapes_and_types_are_checked():
    with pytest.raises(ModelError, match="more than fft_length"):
        Pair(rfft_model(np.int16, 8, [9], [10]))
    with pytest.raises(ModelError, match="output frames have 12"):
        Pair(rfft_model(np.int16, 8, [8], [12]))
    with pytest.raises(UnsupportedOpError, match="option 'T' is tensor type 9"):
        Pair(signal_model(CODE, [T(np.int8, [8])], [T(np.int8, [10])],
                          {"T": 9, "fft_length": 8}))
    with pytest.raises(UnsupportedOpError, match="has type int32; TFLM's kernel takes int16"):
        Pair(signal_model(CODE, [T(np.int32, [8])], [T(np.int32, [10])],
                          {"T": 7, "fft_length": 8}))


def test_scratch_is_tflm_work_area():
    """The op asks the arena for one frame of fft_length values, as TFLM's kernel does."""
    from interpreter import Interpreter
    for dtype in TYPES:
        interp = Interpreter(model_content=rfft_model(dtype, 64, [40]))
        interp.allocate_tensors()
        scratch = [b for b in interp.memory_plan().buffers if b.kind == "scratch"]
        assert [b.size for b in scratch] == [64 * np.dtype(dtype).itemsize]
