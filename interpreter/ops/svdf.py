"""SVDF: int8 (with an int16 or int8 state and time weights) and float32.

Arithmetic of TFLM's ``micro/kernels/svdf_common.cc`` (the reference kernel
the tflite-micro runtime runs). Input 4 is the activation state, a variable
tensor of shape [batch, memory_size * num_filters], laid out
[batch][filter][memory]; it persists between invokes. Each invoke:

1. shifts the whole state buffer left by one element (the oldest memory
   column drops out; the last column is then overwritten);
2. writes ``feature = W_feature . input`` into each filter's last memory slot
   (int8: ``MBQM(sum w (x - zp_in), scale_1)`` clamped to the state type,
   then ``+ zp_state`` narrowed to the state type by a wrapping C cast);
3. ``scratch[b, f] = sum_m W_time[f, m] * (state[b, f, m] - zp_state)``;
4. ``out[b, u] = bias[u] + sum_r scratch[b, u * rank + r]``, then int8:
   ``MBQM(out, scale_2) + zp_out`` clamped to int8 (the fused activation is
   NOT applied on this path, as in TFLM); float: the fused activation.

The filter zero points are never read (TFLM ignores them). Scales are
formed as TFLM does, in float32: ``s_in * s_wf / s_state`` and
``s_state * s_wt / s_out``, then widened to double for QuantizeMultiplier.
Scratch: int8 asks for batch x filters and batch x units int32 buffers,
float for batch x filters floats, like TFLM's prepare.

``semantics="tflite"``, float32: LiteRT's ``reference_ops::EvalFloatSVDF`` as the
``ai-edge-litert`` 2.3.0 wheel runs it (read from its disassembly; the same shift and
state layout as TFLM's): ``scratch = 0``, ``MatrixBatchVectorMultiplyAccumulate``
(``W_feature``, input) into it, copied into the last memory slots;
``scratch[b, f] = VectorVectorDotProduct(W_time[f], state[b, f])``;
``out = ReductionSumVector(scratch, rank)``; then ``out + bias`` (the bias after the
reduction: ``out + bias`` over each row's blocks of 8 units, ``bias + out`` after them,
which only shows when two NaNs meet); then ``ApplyActivationToVector`` (tanh: Eigen's,
``arith/eigen_float.tanh_float``; the RELUs ``ApplyRelu*ToVector``, ``maxps`` / ``minps``
against the bounds, which ``_activate`` computes: NaN gives 0, 0 and -1). The three sums
are the NEON ``tensor_utils`` through NEON_2_SSE, ``arith/litert_tensor_utils``.

``semantics="tflite"`` refuses the int8 state (and time weights): LiteRT's
``EvalIntegerSVDF`` reads them as int16 whatever their type, past the end of the
int8 buffers (its outputs change from run to run).
"""
from __future__ import annotations

import numpy as np

from ..arith import eigen_float
from ..arith import fixedpoint
from ..arith import litert_tensor_utils as tensor_utils
from ..arith.float_math import add_into
from ..arith.float_math import first_nan_product
from ..arith.float_math import has_nan
from ..arith.float_math import tanhf
from ..arith.matmul import accumulate_float32
from . import common
from .base import Op
from .registry import register

INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, BIAS, STATE = range(5)
FLOAT_ACTIVATIONS = (common.ACT_NONE, common.ACT_RELU, common.ACT_RELU_N1_TO_1,
                     common.ACT_RELU6, common.ACT_TANH)


@register("SVDF")
class Svdf(Op):

    def prepare(self) -> None:
        self.check(len(self.inputs) == 5, f"expects 5 inputs, has {len(self.inputs)}")
        self.check(len(self.outputs) == 1, f"expects 1 output, has {len(self.outputs)}")
        input_, wf, wt, state = (self.input(i) for i in (INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME,
                                                          STATE))
        bias, output = self.inputs[BIAS], self.outputs[0]
        rank = int(self.options.rank)
        self.check(len(input_.shape) == 2, f"input must have rank 2, has {list(input_.shape)}")
        self.check(len(wf.shape) == 2, "weights_feature must have rank 2")
        self.check(len(wt.shape) == 2, "weights_time must have rank 2")
        batches, n_input = input_.shape
        filters = wf.shape[0]
        self.check(rank >= 1 and filters % rank == 0,
                   f"{filters} filters are not a multiple of rank {rank}")
        units = filters // rank
        memory = wt.shape[1]
        self.check(wf.shape[1] == n_input, f"weights_feature must have {n_input} columns")
        self.check(wt.shape[0] == filters, f"weights_time must have {filters} rows")
        self.check(len(output.shape) == 2 and tuple(output.shape) == (batches, units),
                   f"output shape {list(output.shape)} must be {[batches, units]}")
        if bias is not None:
            self.check(bias.shape[:1] == (units,), f"bias must have {units} values")
        self.check(len(state.shape) == 2 and tuple(state.shape) == (batches, memory * filters),
                   f"activation state shape {list(state.shape)} must be "
                   f"{[batches, memory * filters]}")
        self.check(state.is_variable, "the activation state (input 4) must be a variable tensor")
        self.batches, self.filters, self.units, self.memory, self.rank = (
            batches, filters, units, memory, rank)

        if input_.dtype == np.int8:
            self._prepare_int8(input_, wf, wt, bias, state, output)
            self.request_scratch(batches * filters * 4)
            self.request_scratch(batches * units * 4)
            self.eval = self._eval_int8
        elif input_.dtype == np.float32:
            for t, what in ((wf, "weights_feature"), (wt, "weights_time"), (state, "state"),
                            (output, "output")):
                self.check(t.dtype == np.float32, f"{what} must be float32, is {t.dtype}")
            if bias is not None:
                self.check(bias.dtype == np.float32, f"bias must be float32, is {bias.dtype}")
            elif not self.tflite:
                # EvalFloatSvdfReference reads the bias tensor's data unconditionally (TFLM
                # issue 1751): without one, TFLM crashes.
                raise self.unsupported("a float32 SVDF without bias (TFLM dereferences the "
                                       "missing bias tensor)")
            act = int(self.options.fused_activation_function)
            if act not in FLOAT_ACTIVATIONS:
                raise self.unsupported(f"fused activation {act}")
            self.activation = act
            self.request_scratch(batches * filters * 4)
            self.eval = self._eval_float_tflite if self.tflite else self._eval_float
        else:
            raise self.unsupported(f"input type {input_.dtype} (supported: int8, float32)")

    def _prepare_int8(self, input_, wf, wt, bias, state, output) -> None:
        self.check(wf.dtype == np.int8, f"weights_feature must be int8, is {wf.dtype}")
        if wt.dtype not in (np.dtype(np.int8), np.dtype(np.int16)) or state.dtype != wt.dtype:
            raise self.unsupported(f"weights_time {wt.dtype} with state {state.dtype} "
                                   "(supported: both int16 or both int8)")
        if self.tflite and wt.dtype != np.int16:
            raise self.unsupported(
                "int8 weights_time and state: LiteRT's integer SVDF reads both as int16, past "
                "the end of their buffers, so its result depends on the memory after them")
        if self.tflite and int(self.options.fused_activation_function) != common.ACT_RELU:
            # svdf.cc: "Currently supports only ReLU" (which it then does not apply)
            raise self.unsupported(
                f"fused activation {int(self.options.fused_activation_function)}: LiteRT's "
                "integer SVDF requires RELU")
        self.check(output.dtype == np.int8, f"output must be int8, is {output.dtype}")
        # TFLM reads the bias scale unconditionally: an int8 SVDF without bias crashes it.
        self.check(bias is not None, "an int8 SVDF needs a bias (TFLM dereferences it)")
        self.check(bias.dtype == np.int32, f"bias must be int32, is {bias.dtype}")
        for t in (input_, wf, wt, bias, state, output):
            q = t.quantization
            self.check(q is not None and q.scale.size >= 1, f"tensor {t.name!r} is not quantized")
        f32 = np.float32
        s_in, s_wf, s_wt, s_state, s_out, s_bias = (
            f32(common.scale_of(t)) for t in (input_, wf, wt, state, output, bias))
        scale_1 = float(f32(s_in * s_wf) / s_state)
        scale_2 = float(f32(s_state * s_wt) / s_out)
        self.check(abs(float(s_bias) - float(f32(s_state * s_wt))) < 1e-5,
                   f"bias scale {s_bias} differs from state scale x time weights scale")
        rounding = self.config.rounding
        self.multiply_1 = fixedpoint.ChannelMultiplier(
            *fixedpoint.quantize_multiplier(scale_1, rounding), rounding)
        self.multiply_2 = fixedpoint.ChannelMultiplier(
            *fixedpoint.quantize_multiplier(scale_2, rounding), rounding)
        self.zp_in = common.zero_point_of(input_)
        self.zp_out = common.zero_point_of(output)
        self.zp_state = common.zero_point_of(state)
        info = np.iinfo(state.dtype)
        self.state_range = (int(info.min), int(info.max))

    def _shifted_state(self, inputs) -> np.ndarray:
        """The state (batches, filters, memory) moved one step back in time, in place: the
        flat buffer shifted left by one, as TFLM's kernels do (each row's oldest value
        drops out and the newest slot, column memory - 1, is for this invoke to write)."""
        state = inputs[STATE].reshape(-1)
        state[:-1] = state[1:].copy()
        return inputs[STATE].reshape(self.batches, self.filters, self.memory)

    def _eval_int8(self, inputs, outputs, scratch) -> None:
        B, M = self.batches, self.memory
        state3 = self._shifted_state(inputs)
        x = inputs[INPUT].astype(np.int64) - self.zp_in
        dot = fixedpoint.wrap_int32(x @ inputs[WEIGHTS_FEATURE].astype(np.int64).T)
        # Clamped to the state type BEFORE the zero point is added; the sum is then
        # narrowed by a C cast, so it wraps (tflite-micro's runtime does this; later
        # TFLM sources add the zero point first).
        feature = np.clip(self.multiply_1(dot), *self.state_range) + self.zp_state
        state3[:, :, M - 1] = feature.astype(state3.dtype)
        centered = state3.astype(np.int64) - self.zp_state
        time = fixedpoint.wrap_int32(
            np.einsum("bfm,fm->bf", centered, inputs[WEIGHTS_TIME].astype(np.int64)))
        acc = time.reshape(B, self.units, self.rank).sum(axis=2) \
            + inputs[BIAS].astype(np.int64).reshape(1, -1)
        acc = fixedpoint.wrap_int32(acc)
        y = self.multiply_2(acc) + self.zp_out
        outputs[0][...] = np.clip(y, -128, 127)

    def _eval_float(self, inputs, outputs, scratch) -> None:
        B, F, M, U, R = self.batches, self.filters, self.memory, self.units, self.rank
        state3 = self._shifted_state(inputs)
        x, wf, wt = inputs[INPUT], inputs[WEIGHTS_FEATURE], inputs[WEIGHTS_TIME]
        with np.errstate(over="ignore", invalid="ignore"):
            # ``dot_prod += weight * input``: where both are NaN, the weight's bits
            state3[:, :, M - 1] = accumulate_float32(wf, x.T, has_nan(x) or has_nan(wf)).T
            # scratch[b, f] = sum_m wt[f, m] * state[b, f, m], left to right from 0.0f
            keep_nan = has_nan(wt) or has_nan(state3)
            total = np.zeros((B, F), np.float32)
            for m in range(M):
                add_into(total, first_nan_product(wt[None, :, m], state3[:, :, m], keep_nan),
                         keep_nan)
            out = np.tile(np.asarray(inputs[BIAS], np.float32).reshape(1, U), (B, 1))
            grouped = total.reshape(B, U, R)
            for r in range(R):
                add_into(out, grouped[:, :, r], keep_nan=True)
            outputs[0][...] = self._activate(out, nan_takes_bound=True)

    def _eval_float_tflite(self, inputs, outputs, scratch) -> None:
        """LiteRT's ``reference_ops::EvalFloatSVDF`` as the wheel runs it (module docstring)."""
        B, F, M, U, R = self.batches, self.filters, self.memory, self.units, self.rank
        state3 = self._shifted_state(inputs)
        x, wf, wt = inputs[INPUT], inputs[WEIGHTS_FEATURE], inputs[WEIGHTS_TIME]
        with np.errstate(over="ignore", invalid="ignore"):
            state3[:, :, M - 1] = tensor_utils.matrix_batch_vector_multiply_accumulate(
                wf, x, np.zeros((B, F), np.float32))
            time = tensor_utils.vector_vector_dot_product(wt[None, :, :], state3)
            out = tensor_utils.reduction_sum_vector(time, R).reshape(B, U)
            bias = inputs[BIAS] if len(inputs) > BIAS and inputs[BIAS] is not None else None
            if bias is not None:
                # addps out, bias over each row's blocks of 8, then addss bias, out
                bias = np.asarray(bias, np.float32).reshape(1, U)
                vec = U // 8 * 8
                out = np.concatenate([tensor_utils.add(out[:, :vec], bias[:, :vec]),
                                      tensor_utils.add(bias[:, vec:], out[:, vec:])], axis=1)
            if self.activation == common.ACT_TANH:
                out = eigen_float.tanh_float(out)
            else:
                out = self._activate(out)
            outputs[0][...] = out

    def _activate(self, a: np.ndarray, nan_takes_bound: bool = False) -> np.ndarray:
        """The fused activation: ``max(lo, min(a, hi))`` as ``lo < m ? m : lo`` of
        ``hi < a ? hi : a`` (LiteRT's ``minps`` / ``maxps``: a NaN ends at ``lo``). TFLM's
        ``ActivationValFloat`` uses ``std::fmin`` / ``std::fmax``, which pass over a NaN:
        with ``nan_takes_bound`` a NaN becomes ``hi`` (RELU6: 6, RELU_N1_TO_1: 1; RELU:
        0 either way)."""
        act, zero = self.activation, np.float32(0)
        if act == common.ACT_RELU:
            return np.where(zero < a, a, zero)
        if act in (common.ACT_RELU6, common.ACT_RELU_N1_TO_1):
            lo, hi = ((zero, np.float32(6)) if act == common.ACT_RELU6
                      else (np.float32(-1), np.float32(1)))
            m = np.where(hi < a, hi, a)
            out = np.where(lo < m, m, lo)
            return np.where(np.isnan(a), hi, out) if nan_takes_bound else out
        if act == common.ACT_TANH:
            return tanhf(a)
        return a
