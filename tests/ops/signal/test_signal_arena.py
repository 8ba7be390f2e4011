"""Arena plans of single Signal op models against TFLM's: the head (tensors and the RFFT's
scratch work area) and every tensor's offset. The ops' state is persistent memory, in
TFLM's tail, so it is not in the plan."""
from __future__ import annotations

import numpy as np
import pytest
from signal_cases import signal_model
from single_op import T
from test_signal_options import MODELS
from tflm_arena import check_plan_equals_tflm

CASES = dict(MODELS)
CASES["SignalFftAutoScale"] = ([T(np.int16, [40])], [T(np.int16, [40]), T(np.int32, [])], None)
CASES["SignalFilterBankSquareRoot"] = ([T(np.uint64, [8]), T(np.int32, [])],
                                       [T(np.uint32, [8])], None)
for _name, _dtype, _code in (("float32", np.float32, 0), ("int32", np.int32, 2)):
    CASES[f"SignalRfft {_name}"] = ([T(_dtype, [2, 20])], [T(_dtype, [2, 34])],
                                    {"T": _code, "fft_length": 32})


@pytest.mark.parametrize("case", sorted(CASES))
def test_plan_equals_tflm(case, capfd):
    ins, outs, options = CASES[case]
    check_plan_equals_tflm(signal_model(case.split()[0], ins, outs, options), capfd)
