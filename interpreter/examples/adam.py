"""Adam, the optimizer the examples train their small float networks with."""
from __future__ import annotations

import numpy as np


class Adam:
    """Adam (Kingma & Ba) over a list of float arrays, which ``step`` updates in place."""

    def __init__(self, params: list[np.ndarray], lr: float,
                 b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> None:
        self.params = params
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
        self.steps = 0

    def step(self, grads: list[np.ndarray]) -> None:
        """One update with ``grads`` (one per parameter, in order)."""
        self.steps += 1
        b1, b2, t = self.b1, self.b2, self.steps
        for p, g, (m, v) in zip(self.params, grads, self.moments):
            m[...] = b1 * m + (1 - b1) * g
            v[...] = b2 * v + (1 - b2) * g * g
            p -= self.lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + self.eps)
