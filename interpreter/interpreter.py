"""The interpreter: orchestrates parse -> prepare -> plan -> invoke.

The public surface follows ``tf.lite.Interpreter`` (and LiteRT's
``ai_edge_litert.interpreter.Interpreter``) so that a script switches by
changing one import. The work itself lives elsewhere: ``parse`` reads the
file, each op's ``prepare`` validates and asks for scratch, ``plan`` lays out
the arena, and ``invoke`` runs the pre-bound ``eval`` calls in order.

Like TFLM, all non-constant tensors and all kernel scratch share ONE arena
(a ``bytearray``); tensors are NumPy views at their planned offsets, so a
tensor overwritten because its lifetime ended really is overwritten here too.
Variable tensors are persistent (TFLM keeps them outside the planned head).

Models with several subgraphs (IF, WHILE, CALL_ONCE) and resource variables
are run through ``graph.Graph``: every subgraph is prepared and planned into
the same arena, and control flow ops run subgraphs through it. The public
methods here (details, tensors, trace) concern the main subgraph (0).
"""
from __future__ import annotations

import os
import time
from typing import Callable
from typing import Iterator
from typing import Sequence

import numpy as np

from .arith.fixedpoint import ROUNDING_MODES
from .errors import ModelError
from .graph import Graph
from .graph import SubgraphRunner
from .ops.base import Op
from .ops.base import OpConfig
from .ops.registry import SEMANTICS
from .parse.loader import load_model
from .parse.model import Model
from .parse.model import Subgraph
from .parse.model import Tensor
from .plan import MemoryPlan

BACKENDS = ("numpy", "c")
PLANNERS = ("greedy", "linear")


class Interpreter:
    """Run a ``.tflite`` model bit-exactly as TensorFlow Lite Micro does.

    ``semantics="tflite"`` instead follows LiteRT's reference kernels
    (``OpResolverType.BUILTIN_REF``) on the ops where they compute different
    numbers than TFLM (docs/TFLM_VS_TFLITE.md); everything else is shared.
    """

    def __init__(self, model_path: str | os.PathLike | None = None,
                 model_content: bytes | None = None, *, backend: str = "numpy",
                 preserve_all_tensors: bool = False, rounding: str = "double",
                 planner: str = "greedy", semantics: str = "tflm",
                 # LiteRT's arguments (ai_edge_litert.interpreter.Interpreter):
                 experimental_preserve_all_tensors: bool = False,
                 num_threads: int | None = None, experimental_op_resolver_type=None,
                 experimental_delegates=None,
                 experimental_disable_delegate_clustering: bool = False,
                 experimental_default_delegate_latest_features: bool = False,
                 experimental_compress_quantization_zero_points: bool = False,
                 experimental_disable_delegate_node_fusion: bool = False,
                 experimental_force_delegate_node_profiling: bool = False):
        # LiteRT's arguments other than experimental_preserve_all_tensors are accepted and
        # ignored, so that LiteRT call sites run unchanged: this interpreter is
        # single-threaded, has one kernel set per backend and no delegates. Any other
        # keyword is a TypeError (a misspelt option must not be silently dropped).
        preserve_all_tensors = preserve_all_tensors or experimental_preserve_all_tensors
        if (model_path is None) == (model_content is None):
            raise ValueError("pass exactly one of model_path or model_content")
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if backend == "c":
            from . import ops_c  # registers the C kernels; raises if they were not built
            ops_c.require()
        if rounding not in ROUNDING_MODES:
            raise ValueError(f"rounding must be one of {ROUNDING_MODES}, got {rounding!r}")
        if semantics not in SEMANTICS:
            raise ValueError(f"semantics must be one of {SEMANTICS}, got {semantics!r}")
        if planner not in PLANNERS:
            raise ValueError(f"planner must be one of {PLANNERS}, got {planner!r}")
        if model_path is not None:
            with open(model_path, "rb") as f:
                model_content = f.read()
            name = os.path.basename(os.fspath(model_path))
        else:
            name = "model_content"
        self.model: Model = load_model(bytes(model_content), name=name)
        self.backend = backend
        self.semantics = semantics
        self.config = OpConfig(rounding=rounding, semantics=semantics)
        # Keeping every intermediate needs buffers that are never reused.
        self.planner = "linear" if preserve_all_tensors else planner
        self._subgraph: Subgraph = self.model.main
        self._ops: list[Op] | None = None
        self._plan: MemoryPlan | None = None
        self._arena: bytearray | None = None
        self._arrays: dict[int, np.ndarray] = {}
        self._graph: Graph | None = None
        self._main: SubgraphRunner | None = None

    # -- allocation ----------------------------------------------------
    def allocate_tensors(self) -> None:
        """Prepare every op of every subgraph, plan the arena and bind each op's eval call."""
        graph = Graph(self.model, self.backend, self.config)
        plan = graph.allocate(self.planner)
        main = graph.runners[0]
        self._graph, self._plan, self._arena, self._main = graph, plan, graph.arena, main
        self._ops, self._arrays = main.ops, main.arrays
        self.reset_all_variables()

    def memory_plan(self) -> MemoryPlan:
        """The arena plan: ``arena_bytes`` and per buffer offset, size, first and last op."""
        self._require_allocated()
        return self._plan

    # -- running -------------------------------------------------------
    def invoke(self) -> None:
        self._require_allocated()
        self._main.invoke()

    def trace(self, subgraphs: bool = False) -> Iterator[tuple]:
        """Invoke op by op, yielding ``(op_index, op_name, inputs, outputs)`` after each op.

        ``inputs`` and ``outputs`` map tensor names to copies taken just before
        and just after the op ran, so they stay valid whatever the planner later
        reuses (no ``preserve_all_tensors`` needed). Exhausting the generator is
        one complete ``invoke()``; stopping early leaves the later ops unrun.

        ``subgraphs=True`` also yields the ops that IF, WHILE and CALL_ONCE run in
        other subgraphs, each step then being ``(subgraph, op_index, op_name,
        inputs, outputs)``, in the order the ops finish (a called subgraph's ops
        before the control-flow op that called them).
        """
        self._require_allocated()
        nested: list[tuple] = []
        if subgraphs:
            self._graph.observer = lambda *step: nested.append(step)
        try:
            for step in self._main.steps():
                if subgraphs:
                    yield from nested
                    nested.clear()
                    yield (self._subgraph.index,) + step
                else:
                    yield step
        finally:
            self._graph.observer = None

    def invoke_with_hook(self, hook: Callable[[int, str, dict, dict], None]) -> None:
        """``invoke()``, calling ``hook(op_index, op_name, inputs, outputs)`` after each op."""
        for step in self.trace():
            hook(*step)

    def invoke_timed(self, clock: Callable[[], float] = time.perf_counter) -> list[float]:
        """``invoke()``, returning each op's host run time in seconds (for profiling)."""
        self._require_allocated()
        times = []
        for k in range(len(self._ops)):
            t0 = clock()
            self._main.run_op(k)
            times.append(clock() - t0)
        return times

    def reset_all_variables(self) -> None:
        """Reset state as TFLM's ``MicroInterpreter::Reset`` does.

        State ops keep in persistent memory (the Signal ops' noise estimates,
        delay lines and buffers) goes back to its initial value; variable
        tensors of every subgraph go to the zero point for int8, else to 0;
        resource variables go back to their default (the zero point of the
        value first assigned, or 0). A CALL_ONCE that already ran stays done.
        """
        self._require_allocated()
        self._graph.reset_variables()

    # -- signatures (LiteRT's SignatureDef API) -----------------------------
    def get_signature_list(self) -> dict[str, dict[str, list[str]]]:
        """``{signature key: {"inputs": [names], "outputs": [names]}}``, names sorted as
        LiteRT lists them; ``{}`` for a model without signatures."""
        return {s.signature_key: {"inputs": sorted(s.inputs), "outputs": sorted(s.outputs)}
                for s in self.model.signature_defs}

    def get_signature_runner(self, signature_key: str | None = None) -> "SignatureRunner":
        """A callable running one SignatureDef with named inputs (LiteRT's, same errors).

        ``None`` is allowed when the model has exactly one signature.
        """
        defs = {s.signature_key: s for s in self.model.signature_defs}
        if signature_key is None:
            if len(defs) != 1:
                raise ValueError(
                    f"SignatureDef signature_key is None and model has {len(defs)} Signatures. "
                    "None is only allowed when the model has 1 SignatureDef")
            signature_key = next(iter(defs))
        if signature_key not in defs:
            raise ValueError(f'Invalid signature_key provided: "{signature_key}".')
        return SignatureRunner(self, defs[signature_key])

    def resize_tensor_input(self, input_index: int, tensor_size, strict: bool = False) -> None:
        """LiteRT's resize; here only to the shape the input already has.

        TFLM plans one arena for the shapes in the model and never resizes; a
        different shape raises ValueError saying so (``strict`` is accepted for
        LiteRT's signature).
        """
        t = self._tensor(input_index)
        if t.index not in self._subgraph.inputs:
            raise ValueError(f"tensor {t.index} ({t.name!r}) is not an input of the model")
        wanted = tuple(int(d) for d in np.asarray(tensor_size).reshape(-1))
        if wanted != t.shape:
            raise ValueError(
                f"Cannot resize input {t.index} ({t.name!r}) from {list(t.shape)} to "
                f"{list(wanted)}: this interpreter plans TFLM's arena for the model's fixed "
                "shapes and does not resize tensors")

    # -- tensor access -------------------------------------------------
    def get_input_details(self) -> list[dict]:
        return [self._details(self._subgraph.tensors[i]) for i in self._subgraph.inputs]

    def get_output_details(self) -> list[dict]:
        return [self._details(self._subgraph.tensors[i]) for i in self._subgraph.outputs]

    def get_tensor_details(self) -> list[dict]:
        return [self._details(t) for t in self._subgraph.tensors]

    def set_tensor(self, tensor_index: int, value) -> None:
        """Copy ``value`` into a tensor; on any mismatch raise ValueError and change nothing."""
        self._require_allocated()
        t = self._tensor(tensor_index)
        value = np.asarray(value)
        _check_value(t, value)
        self._arrays[t.index][...] = value

    def get_tensor(self, tensor_index: int) -> np.ndarray:
        """A copy of the tensor's current contents."""
        self._require_allocated()
        return self._arrays[self._tensor(tensor_index).index].copy()

    def tensor(self, tensor_index: int) -> Callable[[], np.ndarray]:
        """A function returning a live view of the tensor's memory in the arena."""
        self._require_allocated()
        index = self._tensor(tensor_index).index
        return lambda: self._arrays[index]

    # -- internals -----------------------------------------------------
    def _require_allocated(self) -> None:
        if self._ops is None:
            raise RuntimeError("call allocate_tensors() first")

    def _tensor(self, tensor_index: int) -> Tensor:
        tensors: Sequence[Tensor] = self._subgraph.tensors
        if not isinstance(tensor_index, (int, np.integer)) or not 0 <= tensor_index < len(tensors):
            raise ValueError(f"tensor index {tensor_index!r} out of range (0..{len(tensors) - 1})")
        return tensors[int(tensor_index)]

    @staticmethod
    def _details(t: Tensor) -> dict:
        q = t.quantization
        if q is None:
            scales = np.zeros(0, np.float32)
            zero_points = np.zeros(0, np.int32)
            qdim = 0
        else:
            scales = q.scale.astype(np.float32)
            zero_points = q.zero_point.astype(np.int32)
            qdim = q.quantized_dimension
        # LiteRT's legacy (scale, zero_point) pair is only set for per-tensor quantization.
        legacy = (float(scales[0]), int(zero_points[0])) if scales.size == 1 else (0.0, 0)
        signature = t.shape_signature if t.shape_signature is not None else t.shape
        return {
            "name": t.name,
            "index": t.index,
            "shape": np.array(t.shape, dtype=np.int32),
            "shape_signature": np.array(signature, dtype=np.int32),
            "dtype": t.dtype.type,
            "quantization": legacy,
            "quantization_parameters": {
                "scales": scales,
                "zero_points": zero_points,
                "quantized_dimension": qdim,
            },
            "sparsity_parameters": {},
        }


class SignatureRunner:
    """One SignatureDef of a model, called with its named inputs (LiteRT's SignatureRunner).

    ``runner(**inputs)`` sets each named input, invokes the signature's subgraph
    and returns ``{output name: array}``. A value of another shape than the
    input's raises ValueError (this interpreter does not resize), as does a
    missing or unknown name, or a value of another type.
    """

    def __init__(self, interpreter: Interpreter, signature):
        self._interp = interpreter
        self._signature = signature
        self._subgraph = interpreter.model.subgraphs[signature.subgraph_index]

    def __call__(self, **kwargs) -> dict[str, np.ndarray]:
        inputs, outputs = self._signature.inputs, self._signature.outputs
        if len(kwargs) != len(inputs):
            raise ValueError("Invalid number of inputs provided for running a SignatureDef, "
                             f"expected {len(inputs)} vs provided {len(kwargs)}")
        for name in kwargs:
            if name not in inputs:
                raise ValueError(f"Invalid Input name ({name}) for SignatureDef")
        interp = self._interp
        if interp._graph is None:
            interp.allocate_tensors()
        runner = interp._graph.runners[self._signature.subgraph_index]
        for name, value in kwargs.items():
            t = self._subgraph.tensors[inputs[name]]
            _check_value(t, np.asarray(value))
        for name, value in kwargs.items():
            runner.arrays[inputs[name]][...] = np.asarray(value)
        runner.invoke()
        return {name: runner.arrays[i].copy() for name, i in sorted(outputs.items())}

    def get_input_details(self) -> dict[str, dict]:
        return {name: Interpreter._details(self._subgraph.tensors[i])
                for name, i in sorted(self._signature.inputs.items())}

    def get_output_details(self) -> dict[str, dict]:
        return {name: Interpreter._details(self._subgraph.tensors[i])
                for name, i in sorted(self._signature.outputs.items())}


def _check_value(t: Tensor, value: np.ndarray) -> None:
    """What ``set_tensor`` requires of a value: ValueError naming the tensor otherwise."""
    if t.data is not None:
        raise ValueError(f"Cannot set tensor {t.index} ({t.name!r}): it is a constant")
    if value.dtype != t.dtype:
        raise ValueError(f"Cannot set tensor {t.index} ({t.name!r}): got value of type "
                         f"{value.dtype} but expected {t.dtype}")
    if tuple(value.shape) != t.shape:
        raise ValueError(f"Cannot set tensor {t.index} ({t.name!r}): got shape "
                         f"{tuple(value.shape)} but expected {t.shape} (this interpreter does "
                         "not resize tensors)")


__all__ = ["Interpreter", "ModelError", "SignatureRunner"]
