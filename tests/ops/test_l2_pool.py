"""L2_POOL_2D against the TFLM runtime."""
from __future__ import annotations

from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from single_op import T
from single_op import assert_matches_tflm
from single_op import seeds
from single_op import single_op_model
from typed_data import F32
from typed_data import data
from typed_data import special_floats


@st.composite
def l2_pools(draw):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    fh, fw = draw(st.integers(1, h)), draw(st.integers(1, w))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    act = draw(st.sampled_from(["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]))
    return n, c, h, w, fh, fw, sh, sw, padding, act


def run_l2_pool(case, seed):
    n, c, h, w, fh, fw, sh, sw, padding, act = case
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
    else:
        oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
    model = single_op_model("L2_POOL_2D", [T(F32, [n, h, w, c])], [T(F32, [n, oh, ow, c])],
                            {"padding": padding, "stride_h": sh, "stride_w": sw,
                             "filter_height": fh, "filter_width": fw,
                             "fused_activation_function": act})
    assert_matches_tflm(model, [special_floats(data(seed, F32, (n, h, w, c)), seed)])


@budgets(ci=40, slow=1000)
def test_l2_pool_2d(examples):
    explore(examples, st.tuples(l2_pools(), seeds), lambda case: run_l2_pool(*case))
