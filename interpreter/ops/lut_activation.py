"""The prepare and eval that LOGISTIC and TANH share: each quantized form is a table built
in prepare, and only the functions tabulated differ (see logistic.py and tanh.py).

int16: TFLM's interpolated sigmoid-table lookup (``Int16LutScaling``, with the input
scales the op's Prepare takes as powers of two). int8 (and LiteRT's uint8): a 256-entry
table, of LiteRT's float32 transform (``float_lookup_table``) with ``semantics="tflite"``,
else of TFLM's Q4.27 fixed-point function. float32: the float function, elementwise.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .base import Types
from .elu import float_lookup_table
from .params import LookupTable
from .unary import Int16LutScaling
from .unary import Q4InputScaling
from .unary import UnaryOp


class LutActivation(UnaryOp):
    """A subclass sets (the functions as staticmethods):"""

    #: TFLM's types; LiteRT also runs uint8 (its 256-entry table)
    supported = Types((np.float32, np.int8, np.int16), tflite=(np.uint8,))

    #: input scales 2^(shift - 12) the op's int16 Prepare takes as powers of two
    pot_left_shifts: tuple[int, ...]
    #: int16 table input -> int16 output: TFLM's interpolation of its sigmoid table
    lut_int16: Callable[[np.ndarray], np.ndarray]
    #: (int8 values, Q4InputScaling, rounding) -> int8 outputs: TFLM's fixed point
    q4_int8: Callable[[np.ndarray, Q4InputScaling, str], np.ndarray]
    #: float32 -> float32: the float kernel
    float32: Callable[[np.ndarray], np.ndarray]
    #: float32 -> float32: LiteRT's table transform
    litert_transform: Callable[[np.ndarray], np.ndarray]

    def check_int8_output(self, out) -> None:
        """What the int8 kernel's Prepare requires of the output (nothing, unless overridden)."""

    def prepare_typed(self, inp, out) -> None:
        if inp.dtype == np.int16:
            scaling = Int16LutScaling.for_tensors(self, inp, out, self.pot_left_shifts)
            self.params = scaling.table(self.lut_int16)
        elif inp.dtype in (np.int8, np.uint8):
            self.check_int8_output(out)
            if self.config.semantics == "tflite":
                self.params = float_lookup_table(inp, out, self.litert_transform, litert=True)
                return
            scaling = Q4InputScaling.for_tensor(inp)
            rounding = self.config.rounding
            self.params = LookupTable.tabulate(np.int8,
                                               lambda x: self.q4_int8(x, scaling, rounding))

    def eval(self, inputs, outputs, scratch) -> None:
        x = inputs[0]
        self.write(outputs, self.float32(x) if self.dtype == np.float32 else self.params(x))
