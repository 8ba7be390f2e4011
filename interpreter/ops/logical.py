"""LOGICAL_AND, LOGICAL_OR (``micro/kernels/logical.cc``) and LOGICAL_NOT
(``elementwise.cc``): bool tensors only; AND and OR broadcast."""
from __future__ import annotations

import numpy as np

from .elementwise_common import BroadcastBinaryOp
from .math_unary import ElementwiseUnaryOp
from .registry import register


@register("LOGICAL_AND")
class LogicalAnd(BroadcastBinaryOp):
    supported = (np.bool_,)

    def compute(self, x1, x2):
        return np.logical_and(x1, x2)


@register("LOGICAL_OR")
class LogicalOr(BroadcastBinaryOp):
    supported = (np.bool_,)

    def compute(self, x1, x2):
        return np.logical_or(x1, x2)


@register("LOGICAL_NOT")
class LogicalNot(ElementwiseUnaryOp):
    supported = (np.bool_,)

    def compute(self, x):
        return np.logical_not(x)
