"""AVERAGE_POOL_2D and MAX_POOL_2D on tnn_avgpool_s8 / tnn_maxpool_s8 (int8)."""
from __future__ import annotations

import numpy as np

from ..ops.registry import register_kernel
from .call import KernelCall
from .call import StructArg
from .call import TensorArg
from .call import activation
from .call import dims
from .call import tile
from .kernel import CKernel


class _PoolKernel(CKernel):
    function: str

    @classmethod
    def accepts(cls, op) -> bool:
        return op.params.dtype == np.int8

    def prepare(self) -> None:
        p = self.params
        w = p.window
        self.pool_params = StructArg.of(
            "tnn_pool_params", stride=tile(w.stride_h, w.stride_w), padding=tile(w.pad_h, w.pad_w),
            activation=activation(p.act_min, p.act_max))
        self.in_dims, self.out_dims = dims(self.op.inputs[0].shape), dims(self.op.outputs[0].shape)
        self.filter_tile = tile(w.filter_h, w.filter_w)
        self.variant = self.function[len("tnn_"):-len("pool_s8")]   # "avg", "max"

    def shape_args(self) -> tuple:
        return (self.pool_params, self.in_dims, TensorArg("input", 0, "int8_t"), self.filter_tile,
                self.out_dims, TensorArg("output", 0, "int8_t"))


@register_kernel("AVERAGE_POOL_2D", backend="c")
class AveragePoolKernel(_PoolKernel):
    function = "tnn_avgpool_s8"

    def prepare(self) -> None:
        super().prepare()
        self.request_scratch(self.prepare_call("tnn_avgpool_s8_get_buffer_size", self.out_dims))

    def call(self) -> KernelCall:
        return KernelCall(self.function, (self.context(),) + self.shape_args())


@register_kernel("MAX_POOL_2D", backend="c")
class MaxPoolKernel(_PoolKernel):
    function = "tnn_maxpool_s8"

    def call(self) -> KernelCall:
        return KernelCall(self.function, self.shape_args())
