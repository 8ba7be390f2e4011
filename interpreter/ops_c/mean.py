"""MEAN and SUM, int8, on tnn_mean_s8 (QuantizedMeanOrSum).

The prepared form (``ops.params.ReduceParams``) holds the requantization (MEAN's
multiplier with 1/N folded in, SUM's without); here the reduction becomes two
boxes on the flat input: where each output's elements start (the kept axes)
and which elements it sums (the reduced axes), each in its fewest axes. A 4-D
mean over axes 1 and 2 is then one box of N*C starts and one strided row of
H*W elements. Both semantics: LiteRT's reference MEAN is the same
arithmetic; its SUM int8 reads bytes as uint8, a prepared form this kernel
refuses (``bytes_as_uint8``).
"""
from __future__ import annotations

import numpy as np

from ..ops.params import ReduceParams
from ..ops.registry import register_kernel
from .box import Box
from .box import nonempty
from .box import row_major_strides
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import activation
from .kernel import CKernel


def boxes(p: ReduceParams) -> tuple[Box, Box]:
    """(the starts of the outputs' reductions, in output order; the reduced elements)."""
    strides = row_major_strides(p.in_shape)
    kept = Box(tuple(p.in_shape[k] for k in p.kept), tuple(strides[k] for k in p.kept))
    reduced = Box(tuple(p.in_shape[k] for k in p.axes), tuple(strides[k] for k in p.axes))
    return kept.canonical(), reduced.canonical()


@register_kernel("MEAN", "SUM", backend="c")
class MeanKernel(CKernel):

    @classmethod
    def accepts(cls, op) -> bool:
        p = op.params
        return (isinstance(p, ReduceParams) and p.dtype == np.int8 and not p.bytes_as_uint8
                and -31 <= p.shift <= 30   # the kernel's range (a shift of 31 runs NumPy)
                and nonempty(op) and all(b.fits_c() for b in boxes(p)))

    def prepare(self) -> None:
        self.variant = self.op.node.op_name.lower()    # "mean", "sum"
        self.outputs, self.reduced = boxes(self.params)

    def call(self) -> KernelCall:
        p = self.params
        return KernelCall("tnn_mean_s8", (
            StructArg.of("tnn_mean_params", input_offset=-p.input_zero_point,
                         output_offset=p.output_zero_point,
                         quant=StructArg.of("tnn_per_tensor_quant_params",
                                            multiplier=p.multiplier, shift=p.shift),
                         activation=activation(p.act_min, p.act_max),
                         input_size=self.op.inputs[0].num_elements,
                         outputs=self.outputs.struct("outputs_"),
                         reduced=self.reduced.struct("reduced_")),
            TensorArg("input", 0, "int8_t"), TensorArg("output", 0, "int8_t")))
