"""SignalFilterBankLog (``signal/src/filter_bank_log.cc``): the log of each channel.

``min(Log32(x << input_correction_bits, output_scale), 32767)`` as int16,
and 0 where the shifted value is 0 or 1; ``Log32`` is TFLM's table-driven
natural logarithm times ``output_scale`` (``interpreter.arith.signal``).
The shift is in uint32 and wraps.
"""
from __future__ import annotations

import numpy as np

from ...arith.signal import log32
from ..registry import register
from .common import INT16
from .common import UINT32
from .common import SignalOp


@register("CUSTOM:SignalFilterBankLog")
class FilterBankLog(SignalOp):
    OPTIONS = (("input_correction_bits", "int32"), ("output_scale", "int32"))

    def prepare(self) -> None:
        o = self.read_options()
        self.correction_bits, self.output_scale = o["input_correction_bits"], o["output_scale"]
        (x,), (out,) = self.io(1, 1)
        self.expect(x, "input", UINT32, rank=1)
        self.expect(out, "output", INT16, rank=1)
        self.check_range(self.correction_bits, 0, 31, "input_correction_bits",
                         "a C shift of a uint32 by it is undefined")
        self.check(out.shape[0] >= x.shape[0], f"output has {out.shape[0]} values for "
                   f"{x.shape[0]} channels")
        self.channels = x.shape[0]

    def eval(self, inputs, outputs, scratch) -> None:
        scaled = (inputs[0].astype(np.int64) << self.correction_bits) & 0xFFFFFFFF
        logs = log32(np.maximum(scaled, 1), self.output_scale)
        outputs[0][:self.channels] = np.where(scaled > 1, np.minimum(logs, 32767), 0)
