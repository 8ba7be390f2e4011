"""``tnn_box`` descriptions: a strided walk over a flat buffer, in its fewest axes.

The data-movement kernels (``tnn_strided_copy``, ``tnn_pad``) and the reduction
kernel (``tnn_mean_s8``) walk boxes of elements: position ``(i_0, ...)`` is
element ``offset + sum_k i_k * stride[k]``, in row-major order. A box built
from a tensor's axes usually has axes of one element and runs of axes that
are contiguous with each other; dropping the former and merging the latter
(done once, here, at prepare) keeps the positions and their order and gives
the C loop the longest innermost rows the layout allows: a slice of whole
rows becomes one memcpy, a transpose that keeps the channels innermost
copies runs of channels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .call import ConstArg
from .call import StructArg

#: TNN_MAX_RANK of tinyml_nn.h
MAX_RANK = 6
_INT32 = (-(1 << 31), (1 << 31) - 1)


def row_major_strides(shape) -> tuple[int, ...]:
    """The element strides of a C-contiguous tensor of ``shape``."""
    return tuple(int(np.prod(shape[k + 1:], dtype=np.int64)) for k in range(len(shape)))


@dataclass(frozen=True)
class Box:
    counts: tuple[int, ...]
    strides: tuple[int, ...]
    offset: int = 0

    @property
    def elements(self) -> int:
        return int(np.prod(self.counts, dtype=np.int64))

    def canonical(self, keep_last: bool = False) -> "Box":
        """The same positions in the same order, in the fewest axes: axes of one element
        dropped (the innermost kept with ``keep_last``, for a kernel that needs its
        stride), and an axis merged with the one inside it when one step of it is
        ``count`` steps of that one."""
        if self.elements == 0:
            return Box((0,), (1,), self.offset)
        last = len(self.counts) - 1
        axes: list[tuple[int, int]] = []
        for k, (c, s) in enumerate(zip(self.counts, self.strides)):
            if c == 1 and not (keep_last and k == last):
                continue
            if axes and axes[-1][1] == c * s:
                axes[-1] = (axes[-1][0] * c, s)
            else:
                axes.append((c, s))
        if not axes:
            axes = [(1, 1)]
        return Box(tuple(c for c, _ in axes), tuple(s for _, s in axes), self.offset)

    def fits_c(self) -> bool:
        """Whether the C kernels take it: at most TNN_MAX_RANK axes, int32 values."""
        values = self.counts + self.strides + (self.offset,)
        return 1 <= len(self.counts) <= MAX_RANK and all(_INT32[0] <= v <= _INT32[1]
                                                          for v in values)

    def struct(self, prefix: str = "") -> StructArg:
        """The ``tnn_box``; its arrays are named ``<prefix>count`` and ``<prefix>stride``."""
        return StructArg.of("tnn_box", rank=len(self.counts),
                            count=ConstArg(f"{prefix}count", "int32_t", np.array(self.counts)),
                            stride=ConstArg(f"{prefix}stride", "int32_t", np.array(self.strides)),
                            offset=self.offset)


def nonempty(op) -> bool:
    """Every tensor of the op holds elements (empty ones have no place in the arena; the
    NumPy eval runs them)."""
    return all(t is None or t.num_elements > 0 for t in op.inputs + op.outputs)
