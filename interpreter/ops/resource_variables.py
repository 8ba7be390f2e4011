"""VAR_HANDLE, READ_VARIABLE and ASSIGN_VARIABLE: state kept across invoke() calls.

As TFLM (tensorflow/lite/micro/kernels/var_handle.cc, read_variable.cc,
assign_variable.cc; micro_resource_variable.cc): VAR_HANDLE gives its
(container, shared name) a resource id in Prepare and points its output at
that id, which therefore is not planned in the arena; ASSIGN_VARIABLE
allocates the variable's persistent buffer in Prepare when it already knows
the id (the handle is made earlier in the same subgraph), filled with the
value tensor's zero point (as an int8 byte) or 0; READ_VARIABLE copies the
buffer out and ASSIGN_VARIABLE copies a value in. The table of variables is
``self.graph.resources`` (``interpreter.graph.ResourceVariables``).
"""
from __future__ import annotations

import numpy as np

from .base import Op
from .registry import register

_RESOURCE = 13   # schema TensorType RESOURCE
_INT32 = 2


def _resource_id(array: np.ndarray) -> int:
    return int(array.reshape(-1)[0])


class _ResourceOp(Op):
    def _require_graph(self) -> None:
        if self.graph is None:
            raise self.unsupported("needs the interpreter's resource variables")


@register("VAR_HANDLE")
class VarHandle(_ResourceOp):
    def prepare(self) -> None:
        self._require_graph()
        self.check(len(self.outputs) == 1, f"expects 1 output, has {len(self.outputs)}")
        out = self.outputs[0]
        o = self.options
        container = getattr(o, "container", None) if o is not None else None
        shared_name = getattr(o, "shared_name", None) if o is not None else None
        self.resource_id = self.graph.resources.create_id(container, shared_name)
        self.graph.prepared_resource_ids[(self.subgraph_index, out.index)] = self.resource_id
        self._id = np.full(max(out.num_elements, 1), self.resource_id, np.int32)
        self.owned_outputs = [0]

    def persistent_output(self, position: int) -> np.ndarray:
        out = self.outputs[0]
        return self._id[:out.num_elements].reshape(out.shape) if out.num_elements else self._id

    def bind(self, inputs, outputs, scratch):
        return lambda: None   # the output already holds the id


@register("READ_VARIABLE")
class ReadVariable(_ResourceOp):
    def prepare(self) -> None:
        self._require_graph()
        self.check_io_count(1)
        rid = self.input(0)
        self.check(rid.type_code == _RESOURCE, "input 0 must be a resource tensor")
        self.check(rid.num_elements == 1, "input 0 must hold one resource id")

    def eval(self, inputs, outputs, scratch) -> None:
        self.graph.resources.read(_resource_id(inputs[0]), outputs[0])


@register("ASSIGN_VARIABLE")
class AssignVariable(_ResourceOp):
    def prepare(self) -> None:
        from ..plan.buffers import tensor_byte_length

        self._require_graph()
        self.check_io_count(2, 0)
        rid, value = self.input(0), self.input(1)
        self.check(rid.type_code in (_RESOURCE, _INT32), "input 0 must be a resource id")
        self.check(rid.num_elements == 1, "input 0 must hold one resource id")
        known = self.graph.prepared_resource_ids.get((self.subgraph_index, rid.index))
        if known is None and rid.data is not None:
            known = _resource_id(rid.data)
        if known is not None:
            # Otherwise the id comes from another subgraph; some ASSIGN that
            # knew it must have allocated the buffer, or the eval fails.
            zp = 0
            q = value.quantization
            if q is not None and q.zero_point.size:
                zp = int(q.zero_point[0])
            self.graph.resources.allocate(known, tensor_byte_length(value), zp)

    def eval(self, inputs, outputs, scratch) -> None:
        self.graph.resources.assign(_resource_id(inputs[0]), inputs[1])
