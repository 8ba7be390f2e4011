"""UNIDIRECTIONAL_SEQUENCE_LSTM on tnn_lstm_s8: int8 activations, constant int8 weights
and int32 biases, int16 cell state (TFLM's integer LSTM); int16 activations and float32
run the NumPy eval.

The hidden and cell state are the op's variable tensors (inputs 18 and 19), passed as
tensors: the kernel reads them and leaves the last step's state in them, so the state
carries over between invokes as it does in TFLM. The gates' kernel sums are the
prepared form's (``ops.params.LstmGateFC``).

Only ``semantics="tflm"``: LiteRT's integer LSTM is another kernel (it needs the
converter's intermediate tensors and computes with other effective scales), so it does
not compute these numbers for any model this kernel accepts.
"""
from __future__ import annotations

import numpy as np

from ..arith.gemmlowp import SIGMOID_TABLE_Q16
from ..ops.lstm import CELL_STATE, INPUT, OUTPUT_STATE
from ..ops.params import LstmGateFC, LstmParams
from ..ops.registry import register_kernel
from .call import ConstArg, KernelCall, StructArg, TensorArg, activation
from .kernel import CKernel

MAX_DEPTH = 1 << 16     # n_input, n_state: int32 dot products of int8 values


def _quant(multiplier: int, shift: int) -> StructArg:
    return StructArg.of("tnn_per_tensor_quant_params", multiplier=int(multiplier),
                        shift=int(shift))


def _quant_ok(multiplier: int, shift: int) -> bool:
    return multiplier >= 0 and -31 <= shift <= 30


def _fcs(p: LstmParams):
    return p.input_fc + p.recurrent_fc


@register_kernel("UNIDIRECTIONAL_SEQUENCE_LSTM", backend="c")
class LstmKernel(CKernel):
    semantics = ("tflm",)

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (isinstance(p, LstmParams) and p.dtype == np.int8 and p.constant_operands
                and p.batches >= 1 and p.steps >= 1
                and 1 <= p.n_input <= MAX_DEPTH and 1 <= p.n_state <= MAX_DEPTH
                and all(_quant_ok(fc.multiplier, fc.shift) and -127 <= fc.filter_offset <= 128
                        for fc in _fcs(p))
                and -32768 <= p.hidden_zero_point <= 32767
                and all(_quant_ok(*q) for q in (p.forget_mul, p.input_mul, p.hidden_mul))
                and 0 <= p.cell_tanh[1] <= 31)

    def prepare(self) -> None:
        p = self.params
        gates = [self._gate(name, x, h) for name, x, h in
                 zip(("input", "forget", "cell", "output"), p.input_fc, p.recurrent_fc)]
        lo, hi = p.hidden_range
        cell = StructArg.of(
            "tnn_lstm_cell_params", forget_quant=_quant(*p.forget_mul),
            input_quant=_quant(*p.input_mul), hidden_quant=_quant(*p.hidden_mul),
            hidden_offset=p.hidden_zero_point, hidden_activation=activation(lo, hi),
            cell_clip=-1 if p.cell_clip is None else p.cell_clip,
            cell_tanh_multiplier=p.cell_tanh[0], cell_tanh_shift=p.cell_tanh[1],
            sigmoid_table=ConstArg("sigmoid_table", "uint16_t", SIGMOID_TABLE_Q16))
        self.lstm_params = StructArg.of(
            "tnn_lstm_s8_params", batches=p.batches, steps=p.steps, n_input=p.n_input,
            n_state=p.n_state, time_major=int(p.time_major),
            **{f"{name}_gate": gate for name, gate in gates}, cell=cell)
        self.variant = "s8"
        self.request_scratch(self.prepare_call("tnn_lstm_s8_get_buffer_size", self.lstm_params))

    @staticmethod
    def _gate(name: str, x: LstmGateFC, h: LstmGateFC) -> tuple[str, StructArg]:
        return name, StructArg.of(
            "tnn_lstm_gate_s8",
            input_weights=ConstArg(f"{name}_input_weights", "int8_t", x.weights),
            input_kernel_sum=ConstArg(f"{name}_input_kernel_sum", "int32_t", x.kernel_sum),
            input_weights_offset=x.filter_offset, input_quant=_quant(x.multiplier, x.shift),
            recurrent_weights=ConstArg(f"{name}_recurrent_weights", "int8_t", h.weights),
            recurrent_kernel_sum=ConstArg(f"{name}_recurrent_kernel_sum", "int32_t",
                                          h.kernel_sum),
            recurrent_weights_offset=h.filter_offset,
            recurrent_quant=_quant(h.multiplier, h.shift))

    def call(self) -> KernelCall:
        return KernelCall("tnn_lstm_s8", (
            self.context(), self.lstm_params, TensorArg("input", INPUT, "int8_t"),
            TensorArg("input", OUTPUT_STATE, "int8_t"), TensorArg("input", CELL_STATE, "int16_t"),
            TensorArg("output", 0, "int8_t")))
