"""QUANTIZE (``micro/kernels/quantize_common.cc``, ``reference/quantize.h``,
``reference/requantize.h``).

float32 -> int8/int16 (``AffineQuantize``)::

    y = clamp((int32)std::round(x / (float)s_out) + zp_out)

in float32, with C's float->int32 conversion (x86 gives INT32_MIN for NaN and
out-of-range values, and the zero point is then added with int32
wrap-around; see ``float_math.float_to_int32``).

Integer -> integer (``Requantize``), for the type pairs TFLM accepts::

    y = clamp(MBQM(x - zp_in, QuantizeMultiplier(s_in / s_out)) + zp_out)

tabulated in prepare for 8- and 16-bit inputs (``params.LookupTable``).

Per-channel output quantization is not supported (as in TFLM).

``semantics="tflite"`` also runs the pairs LiteRT's kernel runs and TFLM's refuses
(float32 -> uint8, uint8 -> uint8, uint8 -> int16), with the same two formulas.
"""
from __future__ import annotations

import numpy as np

from ..arith.fixedpoint import multiply_by_quantized_multiplier
from ..arith.fixedpoint import quantize_multiplier
from ..arith.fixedpoint import round_half_away
from ..arith.fixedpoint import wrap_int32
from ..arith.float_math import float_to_int32
from .base import Op
from .base import Types
from .common import INT_RANGES
from .common import scale_of
from .common import zero_point_of
from .elementwise import require_per_tensor_quantization
from .params import AffineQuantizeParams
from .params import LookupTable
from .registry import register

_D = np.dtype
_FROM_FLOAT = Types((np.int8, np.int16), tflite=(np.uint8,))
# (input, output) pairs requantized with MBQM, from PrepareQuantizeReference/EvalQuantizeReference
_REQUANTIZE_PAIRS = {
    (_D(np.int8), _D(np.int8)), (_D(np.int8), _D(np.uint8)), (_D(np.int8), _D(np.int16)),
    (_D(np.int8), _D(np.int32)), (_D(np.uint8), _D(np.int8)), (_D(np.int16), _D(np.int8)),
    (_D(np.int16), _D(np.int16)), (_D(np.int16), _D(np.int32)), (_D(np.int32), _D(np.int8)),
    (_D(np.int32), _D(np.int16)),
}
_LITERT_REQUANTIZE_PAIRS = {(_D(np.uint8), _D(np.uint8)), (_D(np.uint8), _D(np.int16))}


@register("QUANTIZE")
class Quantize(Op):

    def prepare(self) -> None:
        inp, out = self.unary_io(same_dtype=False)
        require_per_tensor_quantization(self, out, "output")
        pair = (inp.dtype, out.dtype)
        zp_out = zero_point_of(out)
        if inp.dtype == np.float32 and out.dtype in self.allowed_types(_FROM_FLOAT):
            self.params = AffineQuantizeParams(out.dtype, np.float32(scale_of(out)), zp_out)
            return
        if pair not in _REQUANTIZE_PAIRS | (_LITERT_REQUANTIZE_PAIRS if self.tflite else set()):
            raise self.unsupported(f"quantizing {inp.dtype} to {out.dtype} is not supported")
        require_per_tensor_quantization(self, inp, "input")
        zp_in, rounding = zero_point_of(inp), self.config.rounding
        multiplier, shift = quantize_multiplier(scale_of(inp) / scale_of(out), rounding)
        lo, hi = INT_RANGES[out.dtype]

        def requantize(x: np.ndarray) -> np.ndarray:
            y = multiply_by_quantized_multiplier(wrap_int32(x.astype(np.int64) - zp_in),
                                                 multiplier, shift, rounding) + zp_out
            return np.clip(y, lo, hi)
        if inp.dtype == np.int32:
            self.requantize = requantize
        else:   # a function of one 8- or 16-bit value: tabulated
            self.params = LookupTable.tabulate(inp.dtype, requantize, out.dtype)

    def eval(self, inputs, outputs, scratch) -> None:
        x, p = inputs[0], self.params
        if isinstance(p, AffineQuantizeParams):
            with np.errstate(over="ignore", invalid="ignore"):
                q = float_to_int32(round_half_away(x / p.scale))
            y = np.clip(wrap_int32(q + p.zero_point), *INT_RANGES[p.dtype])
        elif p is not None:
            y = p(x)
        else:
            y = self.requantize(x)
        outputs[0][...] = y.reshape(outputs[0].shape)
