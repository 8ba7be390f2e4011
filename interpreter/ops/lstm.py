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

``semantics="tflite"``, float32: LiteRT's ``lstm_eval.cc`` (``EvalFloat``), byte for
byte as the ``ai-edge-litert`` x86-64 wheel computes it (``_eval_float_litert``):

* time major, each step runs all batch rows together; batch major, each row runs
  through all its steps before the next row (so every product is matrix-vector);
* per gate, the scratch buffer starts as the bias; unless the step's input is all
  zeros (``IsZeroVector``: -0.0 counts, and so does a NaN outside the last
  ``n mod 4`` values) ``W_x x`` is added, then ``W_h h``: each a
  ``FullyConnected`` through Eigen (``arith/eigen_float.product``: the summation order
  of Eigen's GEMV, dot product, lazy product or blocked GEMM, chosen by the sizes), the
  previous partial sum added before (one row) or after (several rows) the clamp to
  [-FLT_MAX, FLT_MAX];
* the sigmoid is Eigen's logistic: its packet code on the 16-byte aligned 4-float
  blocks of the gate's scratch buffer and libm's ``expf`` (``e / (1 + e)``) on the
  elements around them, so the split follows each gate's offset in LiteRT's scratch
  tensor (input, cell, forget and output gates, ``batches x n`` each, 64-byte
  aligned); tanh (cell gate and ``tanh(c)``) is Eigen's rational approximation;
* ``c = f * c``, ``c += g * i``, clipped with ``min(clip, c)`` then
  ``max(-clip, c)`` when ``cell_clip`` > 0; ``h = o * tanh(c)``.

LiteRT fails to prepare a negative ``cell_clip`` (TFLM reads it as no clipping), so
``semantics="tflite"`` refuses it. The integer LSTM runs TFLM's arithmetic under both
flavors (LiteRT's integer LSTM needs the converter's intermediate tensors).

The integer forms' prepared form is ``params.LstmParams``: per gate and product the
multiplier, the offsets, the constant weights and their kernel sums (the zero-point
terms folded with the bias, as CMSIS-NN precomputes them: the int32 accumulator then
equals TFLM's modulo 2^32, the int64 one exactly), the inter-gate multipliers, the
cell clip and the tanh input stage of the cell state. The float32 LSTM has none.
"""
from __future__ import annotations

import math

import numpy as np

from ..arith import eigen_float
from ..arith import fixedpoint
from ..arith.float_math import cpp_clamp
from ..arith.float_math import float_output
from ..arith.float_math import has_nan
from ..arith.float_math import tanhf
from ..arith.matmul import accumulate_float32
from ..arith.matmul import folded_matmul
from ..arith.matmul import kernel_sums
from ..arith.requantize import MAX_SHIFT_INT64
from ..arith.requantize import channel_multipliers
from . import common
from .base import Op
from .logistic import logistic_float32
from .lstm_fixed import INT16_MAX
from .lstm_fixed import INT16_MIN
from .lstm_fixed import ElementwiseMul
from .lstm_fixed import inter_gate_multiplier
from .lstm_fixed import logistic_int16
from .lstm_fixed import lstm_tanh_int16
from .lstm_fixed import lstm_tanh_stage
from .lstm_fixed import saturating_add_int16
from .lstm_fixed import tanh_int16
from .operands import constant_data
from .params import LstmGateFC
from .params import LstmParams
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
    """The NumPy evaluation of one ``LstmGateFC`` (its docstring has the arithmetic)."""

    def __init__(self, fc: LstmGateFC, wide: bool, rounding: str):
        self.fc, self.wide = fc, wide
        if not wide:
            self.multiply = fixedpoint.ChannelMultiplier(fc.multiplier, fc.shift, rounding)
        self.weights_t = None if fc.weights is None else self.transposed(fc.weights)

    @staticmethod
    def transposed(w: np.ndarray) -> np.ndarray:
        return np.asarray(w, np.float64).T.copy()

    def __call__(self, rows: np.ndarray, weights: np.ndarray, bias) -> np.ndarray:
        """rows: (P, depth) raw activations; ``weights`` and ``bias``: the op's input
        arrays, read when the prepared form has no constant for them."""
        fc = self.fc
        w_t = self.weights_t if self.weights_t is not None else self.transposed(weights)
        ks = fc.kernel_sum
        if ks is None:
            ks = kernel_sums(weights, bias, fc.input_offset, fc.filter_offset)
        acc = folded_matmul(np.asarray(rows, np.float64), w_t, fc.filter_offset, ks)
        if self.wide:
            y = fixedpoint.multiply_by_quantized_multiplier_int64(acc, fc.multiplier, fc.shift)
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
        if self.tflite:
            # LiteRT's CheckInputTensorDimensions: TF_LITE_ENSURE(cell_clip >= 0)
            self.check(opts.cell_clip >= 0, f"cell_clip {opts.cell_clip} is negative (LiteRT "
                       "fails to prepare it; TFLM reads it as no clipping)")
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
            self.eval = self._eval_float_litert if self.tflite else self._eval_float
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
        cell_scale_power = int(fixedpoint.round_half_away(np.float32(log2)))
        # CreateLstmCellStateInfo: the quantized clip in double, truncated to int16
        clip = min(max(float(cell_clip) / s_cell, -32768.0), 32767.0)
        s_hidden = common.scale_of(hidden)
        self.params = LstmParams(
            dtype=input_.dtype, batches=self.batches, steps=self.steps,
            n_input=int(input_.shape[2]), n_state=self.n_state, time_major=self.time_major,
            input_fc=tuple(self._gate_fc(input_, w, b) for w, b in zip(INPUT_WEIGHTS, BIASES)),
            recurrent_fc=tuple(self._gate_fc(hidden, w, None) for w in RECURRENT_WEIGHTS),
            forget_mul=inter_gate_multiplier(GATE_OUTPUT_SCALE, s_cell, s_cell, rounding),
            input_mul=inter_gate_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, s_cell,
                                            rounding),
            hidden_mul=inter_gate_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, s_hidden,
                                             rounding),
            hidden_zero_point=common.zero_point_of(hidden),
            hidden_range=ACTIVATION_RANGE[hidden.dtype],
            cell_clip=int(clip) if cell_clip > 0 else None,
            cell_tanh=lstm_tanh_stage(cell_scale_power))

    def _gate_fc(self, input_, weights_index: int, bias_index: int | None) -> LstmGateFC:
        """CreateGateParams: one gate's FC from ``input_`` (x or h) with these weights."""
        weights = self.input(weights_index)
        m, s = channel_multipliers(common.scale_of(input_),
                                   np.array([common.scale_of(weights)], np.float32),
                                   GATE_INPUT_SCALE, self.config.rounding)
        m, s = int(m[0]), int(s[0])
        wide = input_.dtype == INT16
        if wide:
            self.check(s <= MAX_SHIFT_INT64,
                       f"the gate multiplier of {input_.name!r} x {weights.name!r} "
                       f"(s_x * s_w / 2^-12) is 2^{s - 1} or more; TFLM's int64 "
                       "requantization is undefined from 2^14 on")
        input_offset = -common.zero_point_of(input_)
        filter_offset = -common.zero_point_of(weights)
        bias = self.input(bias_index) if bias_index is not None else None
        w = constant_data(weights)
        kernel_sum = None
        if w is not None and (bias is None or bias.is_constant):
            kernel_sum = kernel_sums(w, constant_data(bias), input_offset, filter_offset)
            if not wide:   # the int32 accumulator's constant part, as int32 wraps
                kernel_sum = fixedpoint.wrap_int32(kernel_sum)
        return LstmGateFC(m, s, input_offset, filter_offset, w, kernel_sum)

    def setup_eval(self) -> None:
        p = self.params
        if p is None:
            return
        rounding, wide = self.config.rounding, p.dtype == INT16
        self.input_fc = [_GateFC(fc, wide, rounding) for fc in p.input_fc]
        self.recurrent_fc = [_GateFC(fc, wide, rounding) for fc in p.recurrent_fc]
        self.forget_cell_mul = ElementwiseMul(*p.forget_mul, 0, INT16_MIN, INT16_MAX, rounding)
        self.input_mul = ElementwiseMul(*p.input_mul, 0, INT16_MIN, INT16_MAX, rounding)
        self.output_mul = ElementwiseMul(*p.hidden_mul, p.hidden_zero_point, *p.hidden_range,
                                         rounding)

    def _steps(self, x: np.ndarray) -> np.ndarray:
        """The input as (steps, batches, features)."""
        return x if self.time_major else x.transpose(1, 0, 2)

    def _eval_integer(self, inputs, outputs, scratch) -> None:
        p = self.params
        steps, batches, n = p.steps, p.batches, p.n_state
        x = self._steps(inputs[INPUT]).reshape(steps * batches, -1)
        # The input FCs do not depend on the state: all time steps at once.
        from_input = [fc(x, inputs[w], inputs[b]).reshape(steps, batches, n)
                      for fc, w, b in zip(self.input_fc, INPUT_WEIGHTS, BIASES)]
        hidden = inputs[OUTPUT_STATE].reshape(batches, n)
        cell = inputs[CELL_STATE].reshape(batches, n)
        out = self._steps(outputs[0])
        h = hidden.astype(np.int64)
        c = cell.astype(np.int64)
        clip = p.cell_clip
        for t in range(steps):
            gates = [saturating_add_int16(from_input[g][t],
                                          self.recurrent_fc[g](h, inputs[w], None))
                     for g, w in enumerate(RECURRENT_WEIGHTS)]
            f = logistic_int16(gates[GATE_F])
            i = logistic_int16(gates[GATE_I])
            g = lstm_tanh_int16(gates[GATE_C], -12)
            c = saturating_add_int16(self.forget_cell_mul(f, c), self.input_mul(i, g))
            if clip is not None:
                c = np.maximum(np.minimum(c, clip), -clip)
            o = logistic_int16(gates[GATE_O])
            h = self.output_mul(tanh_int16(c, p.cell_tanh), o)
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

    # -- float32, semantics="tflite": LiteRT's lstm_eval.cc ----------------------
    def _eval_float_litert(self, inputs, outputs, scratch) -> None:
        """LiteRT's ``EvalFloat``: time major, every batch row per step together;
        batch major, each row through all its steps before the next row (one row per
        step, so its products are matrix-vector ones)."""
        steps, batches, n = self.steps, self.batches, self.n_state
        f32 = np.float32
        w_in = [np.asarray(inputs[i], f32) for i in INPUT_WEIGHTS]
        w_rec = [np.asarray(inputs[i], f32) for i in RECURRENT_WEIGHTS]
        bias = [np.asarray(inputs[i], f32).reshape(n) for i in BIASES]
        hidden = inputs[OUTPUT_STATE].reshape(batches, n)
        cell = inputs[CELL_STATE].reshape(batches, n)
        x = np.asarray(inputs[INPUT], f32)
        out = outputs[0]
        # The gate scratch buffers: one 64-byte aligned arena tensor holding the input,
        # cell, forget and output gates (then the accumulator), batches x n each.
        slot = {GATE_I: 0, GATE_C: 1, GATE_F: 2, GATE_O: 3}
        with np.errstate(over="ignore", invalid="ignore"):
            if self.time_major:
                offsets = {g: k * n * batches for g, k in slot.items()}
                h, c = hidden.copy(), cell.copy()
                for t in range(steps):
                    h, c = self._litert_step(x[t], h, c, w_in, w_rec, bias, offsets)
                    out[t] = h
                hidden[...], cell[...] = h, c
                return
            for b in range(batches):
                offsets = {g: k * n * batches + b * n for g, k in slot.items()}
                h, c = hidden[b:b + 1].copy(), cell[b:b + 1].copy()
                for t in range(steps):
                    h, c = self._litert_step(x[b, t:t + 1], h, c, w_in, w_rec, bias, offsets)
                    out[b, t] = h[0]
                hidden[b], cell[b] = h[0], c[0]

    def _litert_step(self, x, h, c, w_in, w_rec, bias, offsets):
        """One ``LstmStepFloat``: x (rows, n_input), h and c (rows, n) float32."""
        rows, n = h.shape
        input_is_zero = _litert_is_zero_vector(x)
        gates = {}
        for g in (GATE_I, GATE_F, GATE_C, GATE_O):
            acc = np.broadcast_to(bias[g], (rows, n)).astype(np.float32)
            if not input_is_zero:
                acc = _litert_accumulate(w_in[g], x, acc)
            acc = _litert_accumulate(w_rec[g], h, acc).reshape(-1)
            if g == GATE_C:
                gates[g] = eigen_float.tanh_float(acc)
            else:
                gates[g] = eigen_float.logistic_float(acc, offsets[g])
            gates[g] = gates[g].reshape(rows, n)
        # UpdateLstmCellFloat: c = f * c; c += g * i; CwiseClipping
        c = gates[GATE_F] * c
        c = c + gates[GATE_C] * gates[GATE_I]
        clip = self.cell_clip
        if clip > 0:
            # min(clip, c) then max(-clip, .): a NaN cell state becomes clip
            c = np.where(c < clip, c, clip)
            c = np.where(-clip > c, -clip, c).astype(np.float32)
        # CalculateLstmOutputFloat: h = o * tanh(c)
        h = gates[GATE_O] * eigen_float.tanh_float(c.reshape(-1)).reshape(rows, n)
        return h.astype(np.float32, copy=False), c.astype(np.float32, copy=False)


_FLT_MAX = np.float32(np.finfo(np.float32).max)


def _litert_is_zero_vector(x: np.ndarray) -> bool:
    """``tensor_utils::IsZeroVector`` as the wheel runs it (``NeonIsZeroVector`` through
    NEON_2_SSE): over the full blocks of 4 a lane counts as zero when it is not
    ``!= 0 and ordered``, so -0.0 *and NaN* do; the last ``n mod 4`` values must
    compare equal to 0 (a NaN there does not)."""
    flat = x.reshape(-1)
    full = flat.size // 4 * 4
    head, tail = flat[:full], flat[full:]
    return bool(np.all((head == 0) | np.isnan(head)) and np.all(tail == 0))


def _litert_accumulate(weights: np.ndarray, rows: np.ndarray, partial: np.ndarray) -> np.ndarray:
    """lstm_eval.cc's ``MatrixBatchVectorMultiplyAccumulate``: ``optimized_ops::
    FullyConnected`` with the activation range [lowest, max] (an infinite sum clamps to
    +-FLT_MAX). One row: the previous partial sum is the FC's bias, added before the
    clamp; several rows: added after it."""
    y = eigen_float.product(weights, rows)
    if rows.shape[0] == 1:
        y = y + partial
    y = np.where(y < -_FLT_MAX, -_FLT_MAX, y)
    y = np.where(y > _FLT_MAX, _FLT_MAX, y).astype(np.float32)
    return y if rows.shape[0] == 1 else y + partial

