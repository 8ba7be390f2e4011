"""Signal ops on tensors of any type and shape: a typed error naming the op, or a run.

Models TFLM might run out of bounds on are never given to the runtime here: this is
about this interpreter's validation. Each op gets its usual options and random
tensors (types from the Signal ops' own and others, ranks 0 to 3, empty dimensions
included); allocation must succeed or raise ModelError / UnsupportedOpError naming
the op, and a successful allocation must invoke (twice, and after a reset) on any
input values without another exception.
"""
from __future__ import annotations

import numpy as np
from budgets import budgets
from budgets import explore
from hypothesis import strategies as st
from signal_cases import signal_model
from single_op import T
from test_signal_options import MODELS

from interpreter import Interpreter
from interpreter import ModelError
from interpreter import UnsupportedOpError

OPTIONLESS = {"SignalFftAutoScale": (1, 2), "SignalFilterBankSquareRoot": (2, 1)}
DTYPES = [np.int16, np.int32, np.uint32, np.uint64, np.float32, np.bool_, np.int8]


@st.composite
def near_valid(draw):
    """A valid model with one tensor's type or shape changed."""
    code = draw(st.sampled_from(sorted(MODELS)))
    ins, outs, options = MODELS[code]
    specs = [(t.dtype, list(t.shape), t.data is not None) for t in ins] + \
            [(t.dtype, list(t.shape), None) for t in outs]
    k = draw(st.integers(0, len(specs) - 1))
    dtype, shape, const = specs[k]
    how = draw(st.sampled_from(["dtype", "grow", "shrink", "rank+", "rank-"]))
    if how == "dtype":
        dtype = draw(st.sampled_from(DTYPES))
    elif how in ("grow", "shrink") and shape:
        i = draw(st.integers(0, len(shape) - 1))
        shape[i] = max(0, shape[i] + (1 if how == "grow" else -1))
    elif how == "rank+":
        shape = shape + [draw(st.integers(1, 3))]
    elif shape:
        shape = shape[:-1]
    specs[k] = (dtype, shape, const)
    tensors = [(d, s, c) for d, s, c in specs[:len(ins)]]
    return (code, tensors, [(d, s) for d, s, _ in specs[len(ins):]], options,
            draw(st.integers(0, 2 ** 32 - 1)))


@st.composite
def cases(draw):
    code = draw(st.sampled_from(sorted(MODELS) + sorted(OPTIONLESS)))
    if code in OPTIONLESS:
        n_in, n_out = OPTIONLESS[code]
        options = None
    else:
        n_in, n_out = len(MODELS[code][0]), len(MODELS[code][1])
        options = MODELS[code][2]
    n_in += draw(st.sampled_from([0, 0, 0, -1, 1]))
    n_out += draw(st.sampled_from([0, 0, 0, -1, 1]))
    shapes = st.lists(st.integers(0, 6), max_size=3)
    tensors = [(draw(st.sampled_from(DTYPES)), draw(shapes), draw(st.booleans()))
               for _ in range(max(n_in, 0))]
    outs = [(draw(st.sampled_from(DTYPES)), draw(shapes)) for _ in range(max(n_out, 0))]
    return code, tensors, outs, options, draw(st.integers(0, 2 ** 32 - 1))


def run_case(case) -> None:
    code, tensors, outs, options, seed = case
    rng = np.random.default_rng(seed)
    ins = [T(d, s, data=rng.integers(0, 256, s).astype(d) if const else None)
           for d, s, const in tensors]
    model = signal_model(code, ins, [T(d, s) for d, s in outs], options)
    interp = Interpreter(model_content=model)
    try:
        interp.allocate_tensors()
    except (ModelError, UnsupportedOpError) as e:
        assert code in str(e)
        return
    for k in range(3):
        for d in interp.get_input_details():
            x = rng.integers(0, 256, d["shape"]).astype(d["dtype"]) if d["shape"].size else \
                np.array(rng.integers(0, 256), d["dtype"])
            interp.set_tensor(d["index"], x)
        try:
            interp.invoke()
        except ModelError as e:      # an input value TFLM's C would misuse
            assert code in str(e)
        if k == 1:
            interp.reset_all_variables()


@budgets(ci=40, slow=2000)
def test_any_tensors_give_a_typed_error_or_run(examples):
    explore(examples, st.one_of(cases(), near_valid()), run_case)
