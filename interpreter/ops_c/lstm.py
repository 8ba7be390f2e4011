"""UNIDIRECTIONAL_SEQUENCE_LSTM on tnn_lstm_s8 (int8 activations, int32 biases) and
tnn_lstm_s16 (int16 activations, int64 biases): constant int8 weights and biases, int16
cell state (TFLM's integer LSTM); float32 and run-time weights run the NumPy eval.

The hidden and cell state are the op's variable tensors (inputs 18 and 19), passed as
tensors: the kernel reads them and leaves the last step's state in them, so the state
carries over between invokes as it does in TFLM. The gates' kernel sums are the
prepared form's (``ops.params.LstmGateFC``).

Only ``semantics="tflm"``: LiteRT's reference kernel refuses every model this kernel
accepts (int8: it needs the converter's intermediate tensors and computes with other
effective scales; int16: it takes no integer bias; docs/OP_COVERAGE.md), so it computes
none of these numbers.
"""
from __future__ import annotations

import numpy as np

from ..arith.gemmlowp import SIGMOID_TABLE_Q16
from ..arith.requantize import MAX_SHIFT_INT64
from ..ops.lstm import CELL_STATE
from ..ops.lstm import INPUT
from ..ops.lstm import OUTPUT_STATE
from ..ops.params import LstmGateFC
from ..ops.params import LstmParams
from ..ops.registry import register_kernel
from .call import ConstArg
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import activation
from .kernel import CKernel

MAX_DEPTH = 1 << 16     # n_input, n_state (documented in tinyml_nn.h)
#: activation type -> (variant, activation C type, kernel sum C type, largest gate shift)
VARIANTS = {np.dtype(np.int8): ("s8", "int8_t", "int32_t", 30),
            np.dtype(np.int16): ("s16", "int16_t", "int64_t", MAX_SHIFT_INT64)}


def _quant(multiplier: int, shift: int) -> StructArg:
    return StructArg.of("tnn_per_tensor_quant_params", multiplier=int(multiplier),
                        shift=int(shift))


def _quant_ok(multiplier: int, shift: int, max_shift: int = 30) -> bool:
    return multiplier >= 0 and -31 <= shift <= max_shift


@register_kernel("UNIDIRECTIONAL_SEQUENCE_LSTM", backend="c")
class LstmKernel(CKernel):
    semantics = ("tflm",)

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        if not isinstance(p, LstmParams) or p.dtype not in VARIANTS:
            return False
        max_shift = VARIANTS[p.dtype][3]
        return (p.constant_operands and p.batches >= 1 and p.steps >= 1
                and 1 <= p.n_input <= MAX_DEPTH and 1 <= p.n_state <= MAX_DEPTH
                and all(_quant_ok(fc.multiplier, fc.shift, max_shift)
                        and -127 <= fc.filter_offset <= 128
                        for fc in p.input_fc + p.recurrent_fc)
                and all(_quant_ok(*q) for q in (p.forget_mul, p.input_mul, p.hidden_mul))
                and -32768 <= p.hidden_zero_point <= 32767
                and 0 <= p.cell_tanh[1] <= 31)

    def prepare(self) -> None:
        p = self.params
        self.variant, self.ctype, sum_ctype, _ = VARIANTS[p.dtype]
        gates = {f"{name}_gate": self._gate(name, x, h, sum_ctype) for name, x, h in
                 zip(("input", "forget", "cell", "output"), p.input_fc, p.recurrent_fc)}
        lo, hi = p.hidden_range
        cell = StructArg.of(
            "tnn_lstm_cell_params", forget_quant=_quant(*p.forget_mul),
            input_quant=_quant(*p.input_mul), hidden_quant=_quant(*p.hidden_mul),
            hidden_offset=p.hidden_zero_point, hidden_activation=activation(lo, hi),
            cell_clip=-1 if p.cell_clip is None else p.cell_clip,
            cell_tanh_multiplier=p.cell_tanh[0], cell_tanh_shift=p.cell_tanh[1],
            sigmoid_table=ConstArg("sigmoid_table", "uint16_t", SIGMOID_TABLE_Q16))
        self.function = f"tnn_lstm_{self.variant}"
        self.lstm_params = StructArg.of(
            f"{self.function}_params", batches=p.batches, steps=p.steps, n_input=p.n_input,
            n_state=p.n_state, time_major=int(p.time_major), **gates, cell=cell)
        self.request_scratch(self.prepare_call(f"{self.function}_get_buffer_size",
                                               self.lstm_params))

    def _gate(self, name: str, x: LstmGateFC, h: LstmGateFC, sum_ctype: str) -> StructArg:
        return StructArg.of(
            f"tnn_lstm_gate_{self.variant}",
            input_weights=ConstArg(f"{name}_input_weights", "int8_t", x.weights),
            input_kernel_sum=ConstArg(f"{name}_input_kernel_sum", sum_ctype, x.kernel_sum),
            input_weights_offset=x.filter_offset, input_quant=_quant(x.multiplier, x.shift),
            recurrent_weights=ConstArg(f"{name}_recurrent_weights", "int8_t", h.weights),
            recurrent_kernel_sum=ConstArg(f"{name}_recurrent_kernel_sum", sum_ctype,
                                          h.kernel_sum),
            recurrent_weights_offset=h.filter_offset,
            recurrent_quant=_quant(h.multiplier, h.shift))

    def call(self) -> KernelCall:
        return KernelCall(self.function, (
            self.context(), self.lstm_params, TensorArg("input", INPUT, self.ctype),
            TensorArg("input", OUTPUT_STATE, self.ctype),
            TensorArg("input", CELL_STATE, "int16_t"), TensorArg("output", 0, self.ctype)))
