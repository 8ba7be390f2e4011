"""The UNIDIRECTIONAL_SEQUENCE_LSTM model the LSTM tests build.

``Lstm`` describes one single-op model: sizes, layout, the types of the
activations, weights, biases and cell state, their quantization, and the
knobs the validation tests turn (extra or missing inputs, non-variable
states, per-channel weights, the fused activation). The float, int8 and
int16 tests (tests/ops/test_lstm.py) all build their models with it; the
seeded int8 cases (``LstmCase``) draw the quantization from the model's
generator instead of taking the fields (through the hooks
``quantization``, ``weight_quantization`` and ``bias_scale``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interpreter.builder import ModelBuilder

INFO = {np.int8: np.iinfo(np.int8), np.int16: np.iinfo(np.int16)}

# the types of an all-float model
FLOAT32 = {"act": np.float32, "weight_type": np.float32, "bias_type": np.float32,
           "cell_type": np.float32}


@dataclass(frozen=True)
class Lstm:
    """One LSTM model: sizes, layout, quantization and the knobs validation tests turn."""

    batches: int = 1
    steps: int = 3
    n_input: int = 3
    n_state: int = 4
    time_major: bool = False
    cell_clip: float = 0.0
    act: np.dtype = np.int16
    weight_type: np.dtype = np.int8
    bias_type: np.dtype = np.int64
    cell_type: np.dtype = np.int16
    hidden_type: np.dtype | None = None          # None: the activation type
    s_in: float = 3e-5
    zp_in: int = 0
    s_h: float = 4e-5
    zp_h: int = 0
    cell_power: int = 11                         # cell scale 2^-cell_power ...
    cell_factor: float = 1.0                     # ... times this
    w_scales: tuple = (0.01,) * 8                # per weight tensor 1..8
    w_zps: tuple = (0,) * 8
    bias_bits: tuple = (14,) * 4                 # |bias| < 2^bits
    input_bound: int = 32768
    fused_activation: str = "TANH"
    per_channel: bool = False
    extra: tuple = ()                            # ((index, dtype, shape), ...) added inputs
    missing: tuple = ()                          # input indices left out
    variable_states: tuple = (True, True)
    input_std: float = 1.0                       # float inputs: standard normal times this,
    weight_std: float = 0.5                      # float weights too,
    bias_std: float = 1.0                        # float biases too
    seed: int = 0

    @property
    def input_shape(self):
        if self.time_major:
            return (self.steps, self.batches, self.n_input)
        return (self.batches, self.steps, self.n_input)

    @property
    def output_shape(self):
        return (*self.input_shape[:2], self.n_state)

    def quantization(self, rng: np.random.Generator) -> tuple[float, int, float, int, float]:
        """(input scale, input zero point, hidden scale, hidden zero point, cell scale), asked
        for before any tensor data is drawn from ``rng``, the model's generator."""
        s_c = float(np.float32(2.0 ** -self.cell_power * self.cell_factor))
        return self.s_in, self.zp_in, self.s_h, self.zp_h, s_c

    def weight_quantization(self, rng: np.random.Generator, k: int) -> tuple[float, int]:
        """(scale, zero point) of integer weight tensor k (1..8), asked for before its data."""
        return self.w_scales[k - 1], self.w_zps[k - 1]

    def bias_scale(self, k: int, s_in: float, w_scales: dict[int, float]) -> float:
        """Scale of integer bias tensor k (12..15); ``w_scales``: the weights' by tensor index.

        The fields give it as the input scale times ``self.w_scales[k - 11]``, which is
        weight tensor k - 10's scale, not that of the gate's input weights (tensor k - 11).
        The kernels do not read a bias scale, so the models keep it as they were built."""
        return float(np.float32(s_in * self.w_scales[k - 11]))

    def model(self) -> tuple[bytes, tuple[int, int]]:
        """(model bytes, (hidden state, cell state) tensor indices)."""
        rng = np.random.default_rng(self.seed + 1000)
        b = ModelBuilder(description="single UNIDIRECTIONAL_SEQUENCE_LSTM")
        ids = [-1] * 24
        S, I = self.n_state, self.n_input
        s_in, zp_in, s_h, zp_h, s_c = self.quantization(rng)
        q = {} if self.act == np.float32 else {"scale": s_in, "zero_point": zp_in}
        ids[0] = b.add_tensor("input", self.act, self.input_shape, **q)
        w_scales = dict(enumerate(self.w_scales, 1))
        for k in range(1, 9):
            shape = (S, I) if k < 5 else (S, S)
            if self.weight_type == np.float32:
                data = rng.standard_normal(shape).astype(np.float32) * np.float32(self.weight_std)
                ids[k] = b.add_tensor(f"w{k}", np.float32, shape, data=data)
                continue
            s_w, zp_w = self.weight_quantization(rng, k)
            w_scales[k] = s_w
            scale = [s_w * (1 + 0.25 * j) for j in range(S)] if self.per_channel else s_w
            ids[k] = b.add_tensor(f"w{k}", self.weight_type, shape, scale=scale,
                                  zero_point=0 if self.per_channel else zp_w,
                                  data=rng.integers(-127, 128, shape))
        for k in range(12, 16):
            if self.bias_type == np.float32:
                data = rng.standard_normal(S).astype(np.float32) * np.float32(self.bias_std)
                ids[k] = b.add_tensor(f"b{k}", np.float32, (S,), data=data)
                continue
            bound = 1 << self.bias_bits[k - 12]
            ids[k] = b.add_tensor(f"b{k}", self.bias_type, (S,),
                                  scale=self.bias_scale(k, s_in, w_scales),
                                  zero_point=0, data=rng.integers(-bound, bound, S))
        for k, dtype, shape in self.extra:
            ids[k] = b.add_tensor(f"extra{k}", dtype, shape, scale=0.01, zero_point=0,
                                  data=rng.integers(-100, 100, shape))
        for k in self.missing:
            ids[k] = -1
        h_type = self.hidden_type or self.act
        hq = {} if h_type == np.float32 else {"scale": s_h, "zero_point": zp_h}
        cq = {} if self.cell_type == np.float32 else {"scale": s_c, "zero_point": 0}
        ids[18] = b.add_tensor("h", h_type, (self.batches, S), is_variable=self.variable_states[0],
                               **hq)
        ids[19] = b.add_tensor("c", self.cell_type, (self.batches, S),
                               is_variable=self.variable_states[1], **cq)
        out = b.add_tensor("output", self.act, self.output_shape, **hq)
        b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ids, [out],
                       options={"fused_activation_function": self.fused_activation,
                                "cell_clip": self.cell_clip, "time_major": self.time_major})
        b.set_inputs([ids[0]])
        b.set_outputs([out])
        return b.build(), (ids[18], ids[19])

    def inputs(self, k: int) -> np.ndarray:
        rng = np.random.default_rng(self.seed * 31 + k)
        if self.act == np.float32:
            return (rng.standard_normal(self.input_shape) * self.input_std).astype(np.float32)
        info = INFO[self.act]
        lo, hi = max(info.min, -self.input_bound), min(info.max + 1, self.input_bound)
        return rng.integers(lo, hi, self.input_shape).astype(self.act)

