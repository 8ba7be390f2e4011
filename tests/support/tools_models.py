"""A small builder-made multi-layer int8 model for the golden-model tool tests."""
from __future__ import annotations

import numpy as np

from interpreter.builder import ModelBuilder

WIDTHS = (32, 24, 24, 16, 10)


def build_mlp(seed: int = 0, scale_factor: dict[int, float] | None = None,
              bias_delta: dict[int, int] | None = None) -> bytes:
    """FULLY_CONNECTED x4 (RELU between). ``scale_factor[k]`` multiplies layer k's output
    scale, ``bias_delta[k]`` is added to layer k's first bias value: deliberate perturbations."""
    scale_factor, bias_delta = scale_factor or {}, bias_delta or {}
    rng = np.random.default_rng(seed)
    b = ModelBuilder(description="tools test MLP")
    acts = [b.add_tensor("input", np.int8, [1, WIDTHS[0]], scale=0.05, zero_point=-2)]
    s_in = 0.05
    for k, (n_in, n_out) in enumerate(zip(WIDTHS, WIDTHS[1:])):
        s_w = 0.02
        w = b.add_tensor(f"layer{k}/weights", np.int8, [n_out, n_in],
                         data=rng.integers(-127, 128, (n_out, n_in)), scale=s_w, zero_point=0)
        bias = rng.integers(-2000, 2000, n_out)
        bias[0] += bias_delta.get(k, 0)
        bt = b.add_tensor(f"layer{k}/bias", np.int32, [n_out], data=bias, scale=s_in * s_w,
                          zero_point=0)
        s_out = 0.25 * scale_factor.get(k, 1.0)
        last = k == len(WIDTHS) - 2
        out = b.add_tensor("output" if last else f"layer{k}/out", np.int8, [1, n_out],
                           scale=s_out, zero_point=-128 if not last else 0)
        b.add_operator("FULLY_CONNECTED", inputs=[acts[-1], w, bt], outputs=[out],
                       options={"fused_activation_function": "NONE" if last else "RELU"})
        acts.append(out)
        s_in = s_out
    b.set_inputs([acts[0]])
    b.set_outputs([acts[-1]])
    return b.build()
