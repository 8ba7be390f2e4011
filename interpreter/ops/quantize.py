"""QUANTIZE (``micro/kernels/quantize_common.cc``, ``reference/quantize.h``,
``reference/requantize.h``).

float32 -> int8/int16 (``AffineQuantize``)::

    y = clamp((int32)std::round(x / (float)s_out) + zp_out)

in float32, with C's float->int32 conversion (x86 gives INT32_MIN for NaN and
out-of-range values, and the zero point is then added with int32
wrap-around; see ``float_math.float_to_int32``).

Integer -> integer (``Requantize``), for the type pairs TFLM accepts::

    y = clamp(MBQM(x - zp_in, QuantizeMultiplier(s_in / s_out)) + zp_out)

Per-channel output quantization is not supported (as in TFLM).
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import (
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    round_half_away,
    wrap_int32,
)
from ..arith.float_math import float_to_int32
from .base import Op
from .common import INT_RANGES, scale_of, zero_point_of
from .elementwise import require_per_tensor_quantization
from .registry import register

_D = np.dtype
_FROM_FLOAT = (_D(np.int8), _D(np.int16))
# (input, output) pairs requantized with MBQM, from PrepareQuantizeReference/EvalQuantizeReference
_REQUANTIZE_PAIRS = {
    (_D(np.int8), _D(np.int8)), (_D(np.int8), _D(np.uint8)), (_D(np.int8), _D(np.int16)),
    (_D(np.int8), _D(np.int32)), (_D(np.uint8), _D(np.int8)), (_D(np.int16), _D(np.int8)),
    (_D(np.int16), _D(np.int16)), (_D(np.int16), _D(np.int32)), (_D(np.int32), _D(np.int8)),
    (_D(np.int32), _D(np.int16)),
}


@register("QUANTIZE")
class Quantize(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io(same_dtype=False)
        require_per_tensor_quantization(self, out, "output")
        self.pair = (inp.dtype, out.dtype)
        self.zp_out = zero_point_of(out)
        self.out_min, self.out_max = INT_RANGES[out.dtype] if out.dtype in INT_RANGES else (0, 0)
        if inp.dtype == np.float32 and out.dtype in _FROM_FLOAT:
            self.scale_out = np.float32(scale_of(out))
        elif self.pair in _REQUANTIZE_PAIRS:
            require_per_tensor_quantization(self, inp, "input")
            self.zp_in = zero_point_of(inp)
            self.multiplier, self.shift = quantize_multiplier(scale_of(inp) / scale_of(out),
                                                              self.config.rounding)
        else:
            raise self.unsupported(f"quantizing {inp.dtype} to {out.dtype} is not supported")

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        if x.dtype == np.float32:
            with np.errstate(over="ignore", invalid="ignore"):
                q = float_to_int32(round_half_away(x / self.scale_out))
            y = wrap_int32(q + self.zp_out)
        else:
            y = multiply_by_quantized_multiplier(
                wrap_int32(x.astype(np.int64) - self.zp_in), self.multiplier, self.shift,
                self.config.rounding) + self.zp_out
        outputs[0][...] = np.clip(y, self.out_min, self.out_max).reshape(outputs[0].shape)
