"""Typed errors raised by the interpreter.

Every problem with a model file surfaces as a ``ModelError`` (a ``ValueError``)
whose message names the offending tensor, operator or buffer; an operator the
interpreter does not implement surfaces as ``UnsupportedOpError`` (a
``NotImplementedError``). Nothing else is meant to escape from loading a model.
"""


class ModelError(ValueError):
    """The model file is malformed or inconsistent."""


class UnsupportedOpError(NotImplementedError):
    """The model uses an operator (or an operator/type combination) not implemented here."""


class PlanError(RuntimeError):
    """The memory plan violates an invariant (a bug, not a user error)."""


class TflmQuirkWarning(UserWarning):
    """The model asks for something TFLM's kernels silently do not do.

    The interpreter then computes what TFLM computes (its outputs are the
    golden answer for a device running TFLM) and says so with this warning.
    """


class EvalError(ValueError):
    """``tinyml eval``: the data, labels and model do not fit together.

    The message names the file (and the example's index) at fault, and what
    was expected against what was found.
    """
