"""TRANSPOSE_CONV against the tflite-micro runtime, byte for byte.

Seeded cases draw batch, input size, channels, filter size, strides,
SAME/VALID padding (the output size is any size the padding allows for the
stride, as the converter would write it), bias or not, the fused activation,
and for int8 per-channel or per-tensor filter scales and any input / output
zero point. TFLM ignores input 0 (the output shape tensor).

LiteRT (BUILTIN_REF) is compared in test_vs_litert and agrees byte for byte
(int8 and float32) on these cases. 16x8 (int16 activations, int8 weights): drawn
like the 16x8 CONV_2D; the 16x8 tests TRANSPOSE_CONV shares with the other
convolutions are in test_convolutions.py.

    pytest tests/ops/test_transpose_conv.py              # CI budget
    pytest tests/ops/test_transpose_conv.py -m slow      # many more cases
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from budgets import seed_budgets
from conv_cases import TransposeConvCase
from conv_cases import cases_16x8
from conv_cases import check_16x8 as check
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import assert_same


def check_case(case: TransposeConvCase) -> None:
    model, x = case.model(), case.input()
    ours = run_model(model, [x])[0]
    ref = run_tflm(model, [x])[0]
    assert_same(ours, ref, f"{case}")


@seed_budgets(ci=range(60), slow=range(1000, 1600))
def test_int8_matches_tflm(seed):
    check_case(TransposeConvCase.draw(seed, np.int8))


@seed_budgets(ci=range(40), slow=range(1000, 1400))
def test_float_matches_tflm(seed):
    check_case(TransposeConvCase.draw(seed, np.float32))


@pytest.mark.parametrize("dtype", [np.int8, np.float32])
@pytest.mark.parametrize("seed", range(4))
def test_bias_of_another_shape_is_read_flat(dtype, seed):
    """A bias shaped (out_c, 1) holds the channels' values like a 1-D one, and TFLM reads
    it flat (a broadcasting ValueError the fuzzer found)."""
    case = TransposeConvCase.draw(seed, dtype)
    check_case(dataclasses.replace(case, with_bias=True, bias_2d=True))


@pytest.mark.parametrize("dtype", [np.int8, np.float32])
def test_vs_litert(dtype):
    """LiteRT BUILTIN_REF equals TFLM (and us) byte for byte on these cases."""
    for seed in range(20):
        case = TransposeConvCase.draw(seed, dtype)
        model, x = case.model(), case.input()
        assert_same(run_model(model, [x])[0], run_litert(model, [x])[0], f"{case} vs LiteRT")


# -- 16x8 (int16 activations, int8 weights; see test_convolutions.py) --------------------

@budgets(ci=400, slow=700)
def test_transpose_conv_matches_tflm(examples):
    explore(examples, cases_16x8("TRANSPOSE_CONV"), check)
