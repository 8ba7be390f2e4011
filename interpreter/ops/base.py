"""The operator interface: TFLM's prepare/eval split.

One ``Op`` instance exists per operator node. ``prepare`` runs once, before
the arena is planned: it validates the node (shapes, types, quantization),
precomputes everything that does not depend on tensor values (multipliers,
shifts, index maps) and requests scratch memory. ``eval`` is the hot path: it
reads input arrays and writes into output arrays that are views of the arena.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from typing import Sequence

import numpy as np

from ..errors import ModelError
from ..errors import UnsupportedOpError
from ..parse.model import Operator
from ..parse.model import Subgraph
from ..parse.model import Tensor


@dataclass(frozen=True)
class OpConfig:
    """Interpreter-wide arithmetic choices an op needs at prepare time."""

    rounding: str = "double"   # "double" (TFLM default) or "single" (TFLITE_SINGLE_ROUNDING)
    semantics: str = "tflm"


DEFAULT_CONFIG = OpConfig()


#: the element types of tensors the ops take (of the TFLite types, those LiteRT's reference
#: kernels run)
ELEMENT_TYPES = tuple(np.dtype(t) for t in (np.bool_, np.uint8, np.int8, np.int16, np.int32,
                                             np.int64, np.float32))


@dataclass(frozen=True)
class Types:
    """The element types an operand takes: ``tflm``, those of TFLM's kernel, and
    ``tflite``, the further types LiteRT's reference kernel (BUILTIN_REF) takes,
    which only ``semantics="tflite"`` accepts (``semantics="tflm"`` refuses them, as
    TFLM does). Ops declare them once, e.g. ``TYPES = Types((F32, I8), tflite=(I32,))``,
    and check operands with ``Op.check_dtype``."""

    tflm: tuple
    tflite: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tflm", tuple(np.dtype(t) for t in self.tflm))
        object.__setattr__(self, "tflite", tuple(np.dtype(t) for t in self.tflite))

    @classmethod
    def tflite_any(cls, *tflm) -> "Types":
        """TFLM's ``tflm`` types, and under ``semantics="tflite"`` every element type
        (``ELEMENT_TYPES``): LiteRT's reference kernels of the ops that move or compare
        raw values take them all."""
        tflm = tuple(np.dtype(t) for t in tflm)
        return cls(tflm, tflite=tuple(t for t in ELEMENT_TYPES if t not in tflm))

    def allowed(self, semantics: str) -> tuple[np.dtype, ...]:
        return self.tflm + self.tflite if semantics == "tflite" else self.tflm


class Op:
    """Base class of every operator implementation."""

    #: the builtin operator names this class implements (set by ``register``)
    op_names: tuple[str, ...] = ()
    #: the model-wide context (``interpreter.graph.Graph``: other subgraphs,
    #: resource variables), set by the subgraph runner before ``prepare``;
    #: None when an op is used on its own
    graph = None
    #: the index of the subgraph this operator belongs to
    subgraph_index: int = 0
    #: the prepared form ``prepare`` builds (``ops.params``), for ops that have one:
    #: what every backend's kernel and the code generator read
    params = None
    #: the backend kernel chosen after ``prepare`` to run this op instead of ``eval``
    #: (``interpreter.ops_c``), or None
    kernel = None

    def __init__(self, node: Operator, subgraph: Subgraph, config: OpConfig = DEFAULT_CONFIG):
        self.node = node
        self.config = config
        self.options = node.options
        self.inputs: list[Tensor | None] = [
            subgraph.tensors[i] if i >= 0 else None for i in node.inputs]
        self.outputs: list[Tensor] = [subgraph.tensors[i] for i in node.outputs]
        self.scratch_sizes: list[int] = []
        #: output positions whose memory the op provides itself in ``prepare``
        #: (as TFLM's VAR_HANDLE points its output at persistent data): these
        #: are left out of the arena plan; ``persistent_output`` must return them
        self.owned_outputs: list[int] = []

    # -- lifecycle -----------------------------------------------------
    def prepare(self) -> None:
        """Validate the node and precompute constants. Override."""

    def eval(self, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray],
             scratch: Sequence[np.ndarray]) -> None:
        """Compute outputs[...] in place from inputs. Override."""
        raise NotImplementedError

    def setup_eval(self) -> None:
        """Allocate what the NumPy ``eval`` works in (padded images, reshaped weights).

        Called by ``bind``, after planning, so that an op a backend kernel runs
        never allocates it. Override.
        """

    def bind(self, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray],
             scratch: Sequence[np.ndarray]) -> Callable[[], None]:
        """After planning: a zero-argument call that runs ``eval`` on these arena views,
        so that ``invoke`` is a loop of ready calls."""
        self.setup_eval()
        run = self.eval
        return lambda: run(inputs, outputs, scratch)

    def persistent_output(self, position: int) -> np.ndarray:
        """The array an op gives its owned output ``position`` (see ``owned_outputs``)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Put state the op keeps across invokes back to its initial value.

        TFLM's registration ``reset``, which ``AllocateTensors`` and
        ``MicroInterpreter::Reset`` call for every node; stateful ops override it.
        """

    # -- helpers for subclasses ----------------------------------------
    def request_scratch(self, nbytes: int) -> int:
        """Ask the planner for ``nbytes`` of arena scratch live during this op only."""
        self.scratch_sizes.append(int(nbytes))
        return len(self.scratch_sizes) - 1

    @property
    def tflite(self) -> bool:
        """The op follows LiteRT's reference kernels (``semantics="tflite"``)."""
        return self.config.semantics == "tflite"

    @property
    def where(self) -> str:
        return f"{self.node.op_name} (operator {self.node.index})"

    def error(self, message: str) -> ModelError:
        return ModelError(f"{self.where}: {message}")

    def unsupported(self, message: str) -> UnsupportedOpError:
        return UnsupportedOpError(f"{self.where}: {message}")

    def check(self, condition: bool, message: str) -> None:
        if not condition:
            raise self.error(message)

    def check_io_count(self, n_inputs: int | tuple[int, int], n_outputs: int = 1) -> None:
        lo, hi = (n_inputs, n_inputs) if isinstance(n_inputs, int) else n_inputs
        self.check(lo <= len(self.inputs) <= hi,
                   f"expects {lo if lo == hi else f'{lo} to {hi}'} inputs, has {len(self.inputs)}")
        self.check(len(self.outputs) == n_outputs,
                   f"expects {n_outputs} outputs, has {len(self.outputs)}")
        for i, t in enumerate(self.inputs[:lo]):
            self.check(t is not None, f"required input {i} is missing")

    def io(self, n_inputs: int, n_outputs: int) -> tuple[list[Tensor], list[Tensor]]:
        """The inputs and outputs of an op that takes exactly ``n_inputs`` (all present)
        and ``n_outputs``: ``(a, b), (out,) = self.io(2, 1)``."""
        self.check_io_count(n_inputs, n_outputs)
        return [self.input(i) for i in range(n_inputs)], list(self.outputs)

    def allowed_types(self, types: Types | Sequence) -> tuple[np.dtype, ...]:
        """The types ``types`` allows under this op's semantics (a plain sequence of
        types: the same under both)."""
        if isinstance(types, Types):
            return types.allowed(self.config.semantics)
        return tuple(np.dtype(t) for t in types)

    def check_dtype(self, tensor: Tensor, types: Types | Sequence, role: str = "input") -> np.dtype:
        """``tensor``'s type, or ``unsupported`` when the kernel of this op's semantics
        (TFLM's, or LiteRT's reference kernel under ``semantics="tflite"``) has no case
        for it."""
        allowed = self.allowed_types(types)
        if tensor.dtype not in allowed:
            runtime = ("LiteRT's reference kernel" if self.config.semantics == "tflite"
                       and isinstance(types, Types) and types.tflite else "TFLM")
            raise self.unsupported(f"{role} type {tensor.dtype} is not supported ({runtime} "
                                   f"supports {', '.join(str(t) for t in allowed)})")
        return tensor.dtype

    def unary_io(self, supported=None, same_dtype: bool = True) -> tuple[Tensor, Tensor]:
        """Validate one input and one output with as many elements; return them.

        ``supported`` (dtypes, or ``Types``) restricts the input type; ``same_dtype``
        requires the output to have the input's type. TFLM only DCHECKs shapes for such
        ops, so only the element counts must agree.
        """
        (inp,), (out,) = self.io(1, 1)
        if same_dtype and inp.dtype != out.dtype:
            raise self.error(f"input and output types must match, got {inp.dtype} -> {out.dtype}")
        if inp.num_elements != out.num_elements:
            raise self.error(f"output shape {out.shape} does not match input shape {inp.shape}")
        if supported is not None and inp.dtype not in self.allowed_types(supported):
            raise self.unsupported(f"type {inp.dtype} is not supported")
        return inp, out

    def multiplier_below_one(self, real: float, what: str) -> tuple[int, int]:
        """QuantizeMultiplierSmallerThanOneExp: (multiplier, shift <= 0) for 0 < real < 1.

        TFLM CHECK-fails (aborts) outside that range; here it is a ModelError.
        """
        from ..arith.fixedpoint import quantize_multiplier

        if not 0.0 < real < 1.0:
            raise self.error(f"{what} multiplier {real!r} is not in (0, 1); "
                             "the scales are unsupported (TFLM aborts here)")
        m, shift = quantize_multiplier(real, self.config.rounding)
        if shift > 0:
            raise self.error(f"{what} multiplier {real!r} rounds up to 1 (TFLM aborts here)")
        return m, shift

    def input(self, i: int) -> Tensor:
        t = self.inputs[i] if i < len(self.inputs) else None
        if t is None:
            raise self.error(f"input {i} is missing")
        return t
