"""The float kernels' sums with C's NaN behaviour (interpreter/arith/float_math.py), as
the ops that accumulate in float32 show it against the TFLM runtime."""
from __future__ import annotations

import numpy as np
from math_cases import check_quietly as _check
from single_op import T
from single_op import single_op_model


def test_float_nan_signs_follow_x86():
    # inf - inf makes x86's negative default NaN; where it meets an input's (positive)
    # NaN in a sum, the accumulated operand wins, which decides the output bits.
    x = np.array([np.inf, 0.25, -3.5, np.inf, np.nan], np.float32)
    model = single_op_model("LOG_SOFTMAX", [T(np.float32, [5])], [T(np.float32, [5])])
    _check(model, [x])
    model = single_op_model("ADD_N", [T(np.float32, [2])] * 3, [T(np.float32, [2])])
    _check(model, [np.array([np.inf, np.nan], np.float32), np.array([-np.inf, 1], np.float32),
                   np.array([np.nan, -np.inf], np.float32)])
