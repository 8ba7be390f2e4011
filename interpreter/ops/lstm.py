"""UNIDIRECTIONAL_SEQUENCE_LSTM: int8 or int16 activations with int8 weights, and float32.

TFLM's kernel (micro/kernels/unidirectional_sequence_lstm.cc, lstm_eval.h,
lstm_eval.cc, lstm_eval_common.cc) runs the standard LSTM only. Its Eval
dispatches on the input type and then the weight type; this implementation
accepts the combinations it runs correctly (input, weights, bias, cell state):

* int8 / int8 / int32 / int16 ("8x8->16": int32 accumulators);
* int16 / int8 / int64 / int16 ("16x8->16": int64 accumulators);
* float32 throughout.

Per time step:

* each gate is ``act(FC(x_t; W_x, b) + FC(h; W_h))``: two FULLY_CONNECTED ops
  with an int16 output at scale 2^-12 (Q3.12; the recurrent one without
  bias), each clamped to int16, then added with int16 saturation; ``act`` is
  the int16 sigmoid, or for the cell gate the fused activation (TANH). The FC
  is ``reference_integer_ops::FullyConnected``: ``sum (w - zp_w)(x - zp_x)``
  (+ bias), requantized with the multiplier ``s_x * s_w / 2^-12``; with int8
  activations in an int32 accumulator (wrapping) and the build's 32-bit
  MultiplyByQuantizedMultiplier, with int16 activations in an int64
  accumulator and the int64-input MultiplyByQuantizedMultiplier. The zero
  points of the input, of the hidden state and of the weights are all read
  (measured for int16 too);
* ``c = f * c + i * g`` with int16 MULs (gate outputs are Q0.15), a
  saturating add, then clipping to the quantized ``cell_clip`` when
  ``cell_clip`` > 0 (a negative one is accepted and means no clipping; a
  positive one that quantizes to 0 clips the cell state to 0);
* ``h = tanh(c) * o`` requantized to the hidden state's scale and zero point,
  clamped to its type (int8 or int16); h is copied to the output at this
  step's position (the output's own quantization is not read).

The hidden state (input 18) and the cell state (input 19) are variable
tensors: they carry over between time steps *and* between invokes, until
``reset_all_variables``. In batch-major layout TFLM runs each batch row
through all its steps before the next row; the rows never interact, so this
implementation runs all rows of one time step together, with the same result.

Refused (measured on the tflite-micro runtime; "undefined" means TFLM runs
but reads memory it did not set up, so there is no arithmetic to reproduce):

* peephole, projection or layer-norm inputs (UnsupportedOpError), a missing
  gate tensor (CIFG's input gate, a bias), a non-variable state, a hidden
  state or output of another type than the input (ModelError): TFLM fails to
  prepare (without the forget gate's weights or bias it crashes: it reads
  their types before checking that they exist);
* per-channel weights: undefined (TFLM's LSTM keeps only a per-tensor
  multiplier, which its FC helper leaves unset for per-channel weights);
* an int8 LSTM with an int64 bias, an int16 one with an int32 bias, or an
  integer input with a float32 cell state: undefined (Eval reads the tensors
  as the types of its dispatch);
* weights of any other type: TFLM fails at invoke;
* a fused activation other than TANH: TFLM's gate switch asserts (a no-op
  in the runtime's build: the cell gate then goes unactivated);
* an int16 gate multiplier ``s_x * s_w / 2^-12`` of 2^14 or more, where the
  int64 requantization is undefined.

Like TFLM, prepare asks for four scratch buffers of batch x state x the cell
state's element size (TFLM keeps its gate outputs there).
"""
from __future__ import annotations

import math

import numpy as np

from ..arith import fixedpoint
from ..arith.float_math import cpp_clamp, float_output, has_nan, tanhf
from ..arith.matmul import accumulate_float32, exact_int_matmul
from ..arith.requantize import MAX_SHIFT_INT64, channel_multipliers
from . import common
from .base import Op
from .logistic import logistic_float32
from .lstm_fixed import (
    INT16_MAX,
    INT16_MIN,
    ElementwiseMul,
    logistic_int16,
    lstm_tanh_int16,
    saturating_add_int16,
)
from .registry import register

# lstm_shared.h tensor indices
INPUT = 0
INPUT_WEIGHTS = (1, 2, 3, 4)        # input -> input, forget, cell, output gates
RECURRENT_WEIGHTS = (5, 6, 7, 8)
PEEPHOLE = (9, 10, 11)
BIASES = (12, 13, 14, 15)
PROJECTION = (16, 17)
OUTPUT_STATE, CELL_STATE = 18, 19
LAYER_NORM = (20, 21, 22, 23)
GATE_I, GATE_F, GATE_C, GATE_O = range(4)

GATE_INPUT_SCALE = 2.0 ** -12       # Q3.12: the FC outputs fed to sigmoid / tanh
GATE_OUTPUT_SCALE = 2.0 ** -15      # Q0.15: sigmoid / tanh outputs

FLOAT, INT8, INT16 = np.dtype(np.float32), np.dtype(np.int8), np.dtype(np.int16)
# (input, weights, bias, cell state) -> the kernel TFLM's Eval runs for it
KERNELS = {
    (FLOAT, FLOAT, FLOAT, FLOAT): "float",
    (INT8, INT8, np.dtype(np.int32), INT16): "integer",
    (INT16, INT8, np.dtype(np.int64), INT16): "integer",
}
ACTIVATION_RANGE = {INT8: (-128, 127), INT16: (INT16_MIN, INT16_MAX)}


class _GateFC:
    """One integer FULLY_CONNECTED with an int16 output at 2^-12 (no fused activation).

    ``reference_integer_ops::FullyConnected`` as the LSTM calls it:
    ``sum (w - zp_w)(x - zp_x)`` plus bias, MultiplyByQuantizedMultiplier,
    clamped to int16. For int8 activations the accumulator is int32 (it wraps)
    and the multiply is the build's 32-bit one; for int16 activations the
    accumulator is int64 and the multiply the int64-input overload.
    """

    def __init__(self, op: Op, input_, weights, rounding: str):
        s_in = common.scale_of(input_)
        s_w = common.scale_of(weights)
        m, s = channel_multipliers(s_in, np.array([s_w], np.float32), GATE_INPUT_SCALE, rounding)
        self.wide = input_.dtype == INT16
        if self.wide:
            op.check(int(s[0]) <= MAX_SHIFT_INT64,
                     f"the gate multiplier of {input_.name!r} x {weights.name!r} "
                     f"(s_x * s_w / 2^-12) is 2^{int(s[0]) - 1} or more; TFLM's int64 "
                     "requantization is undefined from 2^14 on")
            self.m, self.s = int(m[0]), int(s[0])
        else:
            self.multiply = fixedpoint.ChannelMultiplier(m[0], s[0], rounding)
        self.input_offset = -common.zero_point_of(input_)
        self.filter_offset = -common.zero_point_of(weights)

    def weights(self, w: np.ndarray) -> np.ndarray:
        return (np.asarray(w, np.float64) + self.filter_offset).T.copy()

    def __call__(self, rows: np.ndarray, weights_t: np.ndarray, bias) -> np.ndarray:
        acc = exact_int_matmul(np.add(rows, self.input_offset, dtype=np.float64), weights_t)
        if bias is not None:
            acc += bias
        if self.wide:
            y = fixedpoint.multiply_by_quantized_multiplier_int64(acc, self.m, self.s)
        else:
            y = self.multiply(fixedpoint.wrap_int32(acc))
        return np.clip(y, INT16_MIN, INT16_MAX)


@register("UNIDIRECTIONAL_SEQUENCE_LSTM")
class UnidirectionalSequenceLstm(Op):

    def prepare(self) -> None:
        self.check(len(self.inputs) == 24, f"expects 24 inputs, has {len(self.inputs)}")
        self.check(len(self.outputs) == 1, f"expects 1 output, has {len(self.outputs)}")
        for i in (INPUT, *INPUT_WEIGHTS, *RECURRENT_WEIGHTS, *BIASES, OUTPUT_STATE, CELL_STATE):
            self.check(self.inputs[i] is not None, f"required input {i} is missing "
                       "(TFLM runs only the standard LSTM: no CIFG)")
        for i in (*PEEPHOLE, *PROJECTION, *LAYER_NORM):
            if self.inputs[i] is not None:
                raise self.unsupported(f"input {i} is present: TFLM's kernel supports no "
                                       "peephole, projection or layer normalization")
        input_, output = self.input(INPUT), self.outputs[0]
        hidden, cell = self.input(OUTPUT_STATE), self.input(CELL_STATE)
        self.check(hidden.is_variable, "the output state (input 18) must be a variable tensor")
        self.check(cell.is_variable, "the cell state (input 19) must be a variable tensor")
        self.check(hidden.dtype == input_.dtype, "the output state must have the input's type")
        self.check(output.dtype == input_.dtype, "the output must have the input's type")
        w_type = self.input(INPUT_WEIGHTS[1]).dtype
        for i in (*INPUT_WEIGHTS, *RECURRENT_WEIGHTS):
            self.check(self.input(i).dtype == w_type, "all gate weights must have one type")
        b_type = self.input(BIASES[1]).dtype
        for i in BIASES:
            self.check(self.input(i).dtype == b_type, "all gate biases must have one type")

        opts = self.options
        act = int(opts.fused_activation_function)
        if act not in (common.ACT_TANH,):
            raise self.unsupported(f"cell gate activation {act} (TFLM's kernel runs TANH only; "
                                   "for any other its gate switch asserts)")

        # CreateLstmSizeInfo
        self.check(len(input_.shape) == 3, f"input must have rank 3, has {list(input_.shape)}")
        self.check(len(hidden.shape) >= 2, "the output state must have rank >= 2")
        self.time_major = bool(opts.time_major)
        d0, d1, n_input = input_.shape
        self.batches, self.steps = (d1, d0) if self.time_major else (d0, d1)
        n_state = hidden.shape[1]
        self.n_state = n_state
        for i in INPUT_WEIGHTS:
            self.check(tuple(self.input(i).shape) == (n_state, n_input),
                       f"input {i} must have shape {[n_state, n_input]}")
        for i in RECURRENT_WEIGHTS:
            self.check(tuple(self.input(i).shape) == (n_state, n_state),
                       f"input {i} must have shape {[n_state, n_state]}")
        for i in BIASES:
            self.check(tuple(self.input(i).shape) == (n_state,), f"input {i} must have shape "
                       f"[{n_state}]")
        for t in (hidden, cell):
            self.check(t.num_elements == self.batches * n_state,
                       f"state tensor {t.name!r} must hold {self.batches} x {n_state} values")
        self.check(len(output.shape) == 3 and output.shape[:2] == input_.shape[:2]
                   and output.shape[2] == n_state,
                   f"output shape {list(output.shape)} does not match the input "
                   f"{list(input_.shape)} and state size {n_state}")

        kernel = KERNELS.get((input_.dtype, w_type, b_type, cell.dtype))
        if kernel is None:
            raise self.unsupported(
                f"input {input_.dtype}, weights {w_type}, bias {b_type}, cell state "
                f"{cell.dtype} (supported: int8/int8/int32/int16, int16/int8/int64/int16 "
                "and float32)")
        if kernel == "float":
            # CreateLstmCellStateInfoFloat: clipping only when cell_clip > 0
            self.cell_clip = np.float32(opts.cell_clip)
            self.eval = self._eval_float
        else:
            self._prepare_integer(input_, hidden, cell, np.float32(opts.cell_clip))
            self.eval = self._eval_integer
        itemsize = cell.dtype.itemsize
        for _ in range(4):
            self.request_scratch(self.batches * n_state * itemsize)

    # -- integer (int8 or int16 activations) ------------------------------------
    def _prepare_integer(self, input_, hidden, cell, cell_clip: np.float32) -> None:
        rounding = self.config.rounding
        for t in (input_, hidden, cell, *(self.input(i) for i in INPUT_WEIGHTS + RECURRENT_WEIGHTS)):
            q = t.quantization
            self.check(q is not None and q.scale.size >= 1, f"tensor {t.name!r} is not quantized")
            if q.scale.size > 1:
                raise self.unsupported(f"per-channel quantization of {t.name!r} (TFLM's LSTM "
                                       "leaves its multiplier unset then)")
        s_cell = common.scale_of(cell)
        self.check(s_cell > 0, "the cell state scale must be positive")
        # CheckedLog2 (float log, rounded); TFLM ignores whether it was a power of two.
        log2 = np.float32(math.log(s_cell)) * (np.float32(1.0) / np.float32(math.log(2.0)))
        self.cell_scale_power = int(fixedpoint.round_half_away(np.float32(log2)))
        # CreateLstmCellStateInfo: the quantized clip in double, truncated to int16
        self.clip_cell = bool(cell_clip > 0)
        clip = min(max(float(cell_clip) / s_cell, -32768.0), 32767.0)
        self.quantized_cell_clip = int(clip)
        self.input_fc = [_GateFC(self, input_, self.input(i), rounding) for i in INPUT_WEIGHTS]
        self.recurrent_fc = [_GateFC(self, hidden, self.input(i), rounding)
                             for i in RECURRENT_WEIGHTS]
        self.const_w_in = [self._const(fc, i) for fc, i in zip(self.input_fc, INPUT_WEIGHTS)]
        self.const_w_rec = [self._const(fc, i) for fc, i in zip(self.recurrent_fc,
                                                                  RECURRENT_WEIGHTS)]
        self.forget_cell_mul = ElementwiseMul(GATE_OUTPUT_SCALE, s_cell, s_cell, 0,
                                              INT16_MIN, INT16_MAX, rounding)
        self.input_mul = ElementwiseMul(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, s_cell, 0,
                                        INT16_MIN, INT16_MAX, rounding)
        self.output_mul = ElementwiseMul(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE,
                                         common.scale_of(hidden), common.zero_point_of(hidden),
                                         *ACTIVATION_RANGE[hidden.dtype], rounding)

    def _const(self, fc: _GateFC, index: int):
        t = self.input(index)
        return fc.weights(t.data) if t.is_constant else None

    def _steps(self, x: np.ndarray) -> np.ndarray:
        """The input as (steps, batches, features)."""
        return x if self.time_major else x.transpose(1, 0, 2)

    def _eval_integer(self, inputs, outputs, scratch) -> None:
        steps, batches, n = self.steps, self.batches, self.n_state
        x = self._steps(inputs[INPUT]).reshape(steps * batches, -1)
        w_in = [w if w is not None else fc.weights(inputs[i])
                for w, fc, i in zip(self.const_w_in, self.input_fc, INPUT_WEIGHTS)]
        w_rec = [w if w is not None else fc.weights(inputs[i])
                 for w, fc, i in zip(self.const_w_rec, self.recurrent_fc, RECURRENT_WEIGHTS)]
        # The input FCs do not depend on the state: all time steps at once.
        from_input = [fc(x, w, np.asarray(inputs[b], np.int64)).reshape(steps, batches, n)
                      for fc, w, b in zip(self.input_fc, w_in, BIASES)]
        hidden = inputs[OUTPUT_STATE].reshape(batches, n)
        cell = inputs[CELL_STATE].reshape(batches, n)
        out = self._steps(outputs[0])
        h = hidden.astype(np.int64)
        c = cell.astype(np.int64)
        clip = self.quantized_cell_clip
        for t in range(steps):
            gates = [saturating_add_int16(from_input[g][t], self.recurrent_fc[g](h, w_rec[g], None))
                     for g in range(4)]
            f = logistic_int16(gates[GATE_F])
            i = logistic_int16(gates[GATE_I])
            g = lstm_tanh_int16(gates[GATE_C], -12)
            c = saturating_add_int16(self.forget_cell_mul(f, c), self.input_mul(i, g))
            if self.clip_cell:
                c = np.maximum(np.minimum(c, clip), -clip)
            o = logistic_int16(gates[GATE_O])
            h = self.output_mul(lstm_tanh_int16(c, self.cell_scale_power), o)
            out[t] = h
        hidden[...] = h
        cell[...] = c

    # -- float32 ---------------------------------------------------------------
    def _eval_float(self, inputs, outputs, scratch) -> None:
        steps, batches, n = self.steps, self.batches, self.n_state
        x = self._steps(inputs[INPUT]).reshape(steps * batches, -1)
        act_none = common.activation_range_float(common.ACT_NONE)
        w_in = [np.asarray(inputs[i], np.float32).T for i in INPUT_WEIGHTS]
        w_rec = [np.asarray(inputs[i], np.float32).T for i in RECURRENT_WEIGHTS]
        nan_x = has_nan(x)
        from_input = [float_output(accumulate_float32(x, w, nan_x or has_nan(w)),
                                   np.asarray(inputs[b], np.float32), act_none
                                   ).reshape(steps, batches, n)
                      for w, b in zip(w_in, BIASES)]
        zero_bias = np.zeros(n, np.float32)   # the recurrent FC adds a 0.0f "bias"
        hidden = inputs[OUTPUT_STATE].reshape(batches, n)
        cell = inputs[CELL_STATE].reshape(batches, n)
        out = self._steps(outputs[0])
        h, c = hidden.copy(), cell.copy()
        lo, hi = act_none
        clip = self.cell_clip
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(steps):
                nan_h = has_nan(h)
                gates = [from_input[g][t] + float_output(
                    accumulate_float32(h, w_rec[g], nan_h or has_nan(w_rec[g])), zero_bias,
                    act_none) for g in range(4)]
                f = logistic_float32(gates[GATE_F])
                i = logistic_float32(gates[GATE_I])
                g = tanhf(gates[GATE_C])
                c = cpp_clamp(f * c, lo, hi) + cpp_clamp(i * g, lo, hi)
                if clip > 0:
                    # std::max(std::min(clip, v), -clip)
                    c = np.where(c < clip, c, clip)
                    c = np.where(c < -clip, -clip, c).astype(np.float32)
                o = logistic_float32(gates[GATE_O])
                h = cpp_clamp(tanhf(c) * o, lo, hi).astype(np.float32)
                out[t] = h
        hidden[...] = h
        cell[...] = c
