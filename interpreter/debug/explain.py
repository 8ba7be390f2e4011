"""``tinyml explain``: one output element of one operator, computed step by step.

The model runs op by op (``Interpreter.trace``) up to the operator asked for;
its inputs are then taken as that operator saw them, and the chosen output
element is recomputed in the operator's own terms from its prepared form
(``op.params``) with the shared fixed-point functions of ``interpreter.arith``:
the input and filter values that meet, the zero-point offsets, the int32 (or
int64) accumulator, the bias, the multiplier and shift and the real scale they
encode, each rounding step, the output offset and the clamp. The last number
must equal the interpreter's output element, and ``Explanation.matches`` says
whether it does (a test checks it for every family).

Families: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (int8 and 16x8),
AVERAGE_POOL_2D / MAX_POOL_2D (int8, int16), ADD / SUB / MUL (int8, int16),
SOFTMAX (int8 -> int8), and every int8 op whose prepared form is a lookup table
(LOGISTIC, TANH, ...).
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Sequence

import numpy as np

from ..arith import fixedpoint as fp
from ..arith import gemmlowp
from ..arith.fixedpoint import wrap_int32

#: how many multiply-accumulate terms are listed one by one before "..."
SHOWN_TERMS = 12


@dataclass
class Explanation:
    op_index: int
    op_name: str
    element: tuple[int, ...]
    lines: list[str] = field(default_factory=list)
    value: int | float | None = None          # the recomputed output element
    interpreter_value: int | float | None = None

    @property
    def matches(self) -> bool:
        return self.value is not None and self.value == self.interpreter_value

    def text(self) -> str:
        head = f"operator {self.op_index} {self.op_name}, output element {list(self.element)}"
        tail = (f"= {self.value}: equals the interpreter's output element"
                if self.matches else
                f"recomputed {self.value}, but the interpreter output {self.interpreter_value}")
        return "\n".join([head, *("  " + line for line in self.lines), tail])


class NotExplained(ValueError):
    """The operator's family or type has no step-by-step explanation here."""


def explain(model: bytes, op_index: int, element: Sequence[int] | None = None,
            inputs: Sequence[np.ndarray] | None = None, rounding: str = "double",
            seed: int = 0) -> Explanation:
    """Run ``model`` to operator ``op_index`` and explain one element of its first output
    (``element``: its index, default the first; ``inputs``: default seeded random)."""
    from ..interpreter import Interpreter
    from .inputs import random_input

    interp = Interpreter(model_content=bytes(model), rounding=rounding)
    interp.allocate_tensors()
    ops = interp._ops
    if not 0 <= op_index < len(ops):
        raise ValueError(f"the model has {len(ops)} operators; --op {op_index} is out of range")
    details = interp.get_input_details()
    if inputs is None:
        rng = np.random.default_rng(seed)
        inputs = [random_input(d, rng) for d in details]
    if len(inputs) != len(details):
        raise ValueError(f"the model has {len(details)} inputs, got {len(inputs)}")
    for d, x in zip(details, inputs):
        interp.set_tensor(d["index"], np.asarray(x))
    op = ops[op_index]
    sg = interp.model.main
    steps = interp.trace()
    for k, _name, ins, outs in steps:
        if k == op_index:
            arrays = [ins[sg.tensors[i].name] if i >= 0 else None for i in op.node.inputs]
            out = outs[sg.tensors[op.node.outputs[0]].name]
            break
    steps.close()
    index = tuple(int(i) for i in (element if element is not None else (0,) * out.ndim))
    if len(index) != out.ndim or any(not 0 <= i < n for i, n in zip(index, out.shape)):
        raise ValueError(f"element {list(index)} is not an index of the output, shape "
                         f"{list(out.shape)}")
    e = Explanation(op_index, op.node.op_name, index, interpreter_value=out[index].item())
    family = _FAMILIES.get(op.node.op_name)
    if family is None or op.params is None:
        raise NotExplained(f"operator {op_index} {op.node.op_name}: no step-by-step explanation "
                           "for this operator or type (families: " + ", ".join(sorted(_FAMILIES))
                           + ")")
    e.value = family(e, op, arrays, out, index)
    return e


# -- shared steps -----------------------------------------------------------------------------

def _terms(e: Explanation, terms: list[tuple[str, int, int]], x_label: str, w_label: str) -> int:
    """Sum of products, listing the first SHOWN_TERMS; returns the exact sum."""
    total = 0
    for k, (where, x, w) in enumerate(terms):
        total += x * w
        if k < SHOWN_TERMS:
            e.lines.append(f"  {where}: {x_label} {x:>6} x {w_label} {w:>5} = {x * w:>9}")
    if len(terms) > SHOWN_TERMS:
        e.lines.append(f"  ... {len(terms) - SHOWN_TERMS} more products")
    e.lines.append(f"sum of the {len(terms)} products = {total}")
    return total


def _real(multiplier: int, shift: int) -> float:
    return multiplier * 2.0 ** (shift - 31)


def _requantize(e: Explanation, acc: int, stage, channel: int) -> int:
    """The OutputStage of a conv-like op on one accumulator, each step listed."""
    m, s = int(stage.multiplier[channel]), int(stage.shift[channel])
    e.lines.append(f"multiplier {m}, shift {s}: real scale {m} x 2^({s} - 31) = "
                   f"{_real(m, s):.9g} (= s_in x s_w / s_out)")
    if stage.kind == "int64":
        reduced = int(fp.reduce_multiplier_int64(m))
        y = int(fp.multiply_by_quantized_multiplier_int64(acc, m, s))
        e.lines.append(f"int64 requantization: multiplier reduced to Q15 {reduced}; "
                       f"({acc} x {reduced} + 2^{14 - s}) >> {15 - s} = {y} (one rounding)")
    else:
        if stage.accumulator_may_wrap:
            wrapped = int(wrap_int32(acc))
            if wrapped != acc:
                e.lines.append(f"the int32 accumulator wraps: {acc} -> {wrapped}")
            acc = wrapped
        y = _mbqm(e, acc, m, s, stage.rounding)
    return _finish(e, y, stage.zero_point, stage.act_min, stage.act_max)


def _mbqm(e: Explanation, x: int, m: int, s: int, rounding: str) -> int:
    """MultiplyByQuantizedMultiplier of one value, with its rounding steps."""
    if rounding == fp.SINGLE:
        y = int(fp.multiply_by_quantized_multiplier(x, m, s, fp.SINGLE))
        e.lines.append(f"single rounding: ({x} x {m} + 2^{30 - s}) >> {31 - s} = {y}")
        return y
    left, right = max(s, 0), max(-s, 0)
    shifted = int(wrap_int32(x << left))
    if left:
        e.lines.append(f"shift left by {left}: {x} -> {shifted}")
    high = int(fp.saturating_rounding_doubling_high_mul(shifted, m))
    e.lines.append(f"rounding doubling high multiply: round({shifted} x {m} / 2^31) = {high}")
    y = int(fp.rounding_divide_by_pot(high, right))
    if right:
        e.lines.append(f"rounding divide by 2^{right} (halves away from zero): {high} -> {y}")
    return y


def _finish(e: Explanation, y: int, zero_point: int, lo: int, hi: int) -> int:
    with_zp = int(wrap_int32(y + zero_point))
    e.lines.append(f"plus the output zero point {zero_point}: {with_zp}")
    clamped = min(max(with_zp, lo), hi)
    e.lines.append(f"clamp to the activation range [{lo}, {hi}]: {clamped}")
    return clamped


# -- families ----------------------------------------------------------------------------------

def _integer_window(op, index):
    """(params, window, input row and column of the window's top-left tap) of the output
    element ``index`` (b, y, x, c) of an integer windowed op (convolution, pooling)."""
    p = op.params
    if p.dtype == np.float32:
        raise NotExplained(f"{op.where}: float32 (the explanation is of integer arithmetic)")
    w = p.window
    _, oy, ox, _ = index
    return p, w, oy * w.stride_h - w.pad_h, ox * w.stride_w - w.pad_w


def _conv(e: Explanation, op, arrays, out, index) -> int:
    p, w, y0, x0 = _integer_window(op, index)
    b, _, _, oc = index
    x, filt = arrays[0], arrays[1]
    depthwise = op.node.op_name == "DEPTHWISE_CONV_2D"
    e.lines.append(f"window at input row {y0}, column {x0} (stride {w.stride_h}x{w.stride_w}, "
                   f"padding {w.pad_h}x{w.pad_w}, dilation {w.dilation_h}x{w.dilation_w}); "
                   "taps outside the image are skipped")
    e.lines.append(f"input offset {p.input_offset} (minus the input zero point): each input "
                   "value x enters as x + offset")
    if depthwise:
        channels = [oc // p.depth_multiplier]
    else:
        per_group = filt.shape[3]
        group = oc // (p.out_depth // p.groups)
        channels = list(range(group * per_group, (group + 1) * per_group))
    terms = []
    for ky in range(w.filter_h):
        yy = y0 + ky * w.dilation_h
        for kx in range(w.filter_w):
            xx = x0 + kx * w.dilation_w
            if not (0 <= yy < w.in_h and 0 <= xx < w.in_w):
                continue
            for k, ic in enumerate(channels):
                wt = filt[0, ky, kx, oc] if depthwise else filt[oc, ky, kx, k]
                terms.append((f"tap ({ky},{kx}) channel {ic}",
                              int(x[b, yy, xx, ic]) + p.input_offset, int(wt)))
    acc = _terms(e, terms, "x+off", "w")
    return _bias_and_requantize(e, acc, arrays[2] if len(arrays) > 2 else None, oc, p.stage)


def _bias_and_requantize(e: Explanation, acc: int, bias, channel: int, stage) -> int:
    if bias is not None:
        bv = int(np.asarray(bias).reshape(-1)[channel])
        e.lines.append(f"plus the bias {bv}: accumulator {acc + bv}")
        acc += bv
    return _requantize(e, acc, stage, channel)


def _fully_connected(e: Explanation, op, arrays, out, index) -> int:
    p = op.params
    if p.dtype == np.float32 or p.stage.kind == "float":
        raise NotExplained(f"{op.where}: the explanation is of MBQM integer arithmetic")
    row = int(np.ravel_multi_index(index[:-1], out.shape[:-1])) if out.ndim > 1 else 0
    unit = index[-1]
    x = np.asarray(arrays[0]).reshape(p.batches, p.depth)[row]
    w = np.asarray(arrays[1]).reshape(p.units, p.depth)[unit]
    e.lines.append(f"row {row} of the input times weight row {unit}: offsets input "
                   f"{p.input_offset}, filter {p.filter_offset}")
    terms = [(f"k={k}", int(x[k]) + p.input_offset, int(w[k]) + p.filter_offset)
             for k in range(p.depth)]
    acc = _terms(e, terms, "x+off", "w+off")
    return _bias_and_requantize(e, acc, arrays[2] if len(arrays) > 2 else None, unit, p.stage)


def _pool(e: Explanation, op, arrays, out, index) -> int:
    p, w, y0, x0 = _integer_window(op, index)
    b, _, _, c = index
    taps = [int(arrays[0][b, y, x, c])
            for y in range(max(y0, 0), min(y0 + w.filter_h, w.in_h))
            for x in range(max(x0, 0), min(x0 + w.filter_w, w.in_w))]
    e.lines.append(f"the {len(taps)} taps of the {w.filter_h}x{w.filter_w} window inside the "
                   f"image (from row {y0}, column {x0}): {taps}")
    if op.node.op_name == "MAX_POOL_2D":
        value = max(taps)
        e.lines.append(f"maximum: {value}")
    else:
        total, n = sum(taps), len(taps)
        value = (total + n // 2) // n if total > 0 else -((-total + n // 2) // n)
        e.lines.append(f"sum {total} / {n} taps, rounded half away from zero: {value}")
    clamped = min(max(value, p.act_min), p.act_max)
    e.lines.append(f"clamp to the activation range [{p.act_min}, {p.act_max}]: {clamped} "
                   "(no rescaling: input and output share scale and zero point)")
    return clamped


def _broadcast_value(array, out_shape, index) -> int:
    return int(np.broadcast_to(array, out_shape)[index])


def _add_sub(e: Explanation, op, arrays, out, index) -> int:
    p = op.params
    x1 = _broadcast_value(arrays[0], out.shape, index)
    x2 = _broadcast_value(arrays[1], out.shape, index)
    sides = []
    for k, (x, off, m, s) in enumerate(((x1, p.input1_offset, p.input1_multiplier,
                                         p.input1_shift),
                                        (x2, p.input2_offset, p.input2_multiplier,
                                         p.input2_shift)), 1):
        v = (x + off) << p.left_shift
        e.lines.append(f"input {k}: ({x} + offset {off}) << {p.left_shift} = {v}; scaled to the "
                       f"common scale by {m} x 2^({s} - 31) = {_real(m, s):.9g}")
        sides.append(_mbqm(e, v, m, s, op.config.rounding))
    raw = sides[0] + p.sign * sides[1]
    e.lines.append(f"{'sum' if p.sign > 0 else 'difference'}: {raw}; to the output scale by "
                   f"{p.output_multiplier} x 2^({p.output_shift} - 31) = "
                   f"{_real(p.output_multiplier, p.output_shift):.9g}")
    y = _mbqm(e, raw, p.output_multiplier, p.output_shift, op.config.rounding)
    return _finish(e, y, p.output_offset, p.act_min, p.act_max)


def _mul(e: Explanation, op, arrays, out, index) -> int:
    p = op.params
    x1 = _broadcast_value(arrays[0], out.shape, index)
    x2 = _broadcast_value(arrays[1], out.shape, index)
    product = (x1 + p.input1_offset) * (x2 + p.input2_offset)
    e.lines.append(f"({x1} + {p.input1_offset}) x ({x2} + {p.input2_offset}) = {product}")
    e.lines.append(f"to the output scale by {p.output_multiplier} x 2^({p.output_shift} - 31) = "
                   f"{_real(p.output_multiplier, p.output_shift):.9g} (= s1 x s2 / s_out)")
    y = _mbqm(e, product, p.output_multiplier, p.output_shift, op.config.rounding)
    return _finish(e, y, p.output_offset, p.act_min, p.act_max)


def _softmax(e: Explanation, op, arrays, out, index) -> int:
    p = op.params
    row = np.asarray(arrays[0])[index[:-1]].astype(np.int64)
    j = index[-1]
    mx = int(row.max())
    e.lines.append(f"the row has {row.size} values, maximum {mx}; each difference x - max is "
                   f"scaled into Q5.26 by {p.input_multiplier} x 2^({p.input_left_shift} - 31) "
                   f"(beta x s_in); differences below {p.diff_min} count as zero")
    total = 0
    exp_j = 0
    for k, x in enumerate(row.tolist()):
        diff = x - mx
        if diff < p.diff_min:
            continue
        scaled = int(fp.multiply_by_quantized_multiplier(diff, p.input_multiplier,
                                                         p.input_left_shift, op.config.rounding))
        ex = int(gemmlowp.exp_on_negative_values(scaled, 5))
        total += int(gemmlowp.rescale(ex, 0, 12))
        if k == j:
            exp_j = ex
            e.lines.append(f"element {j}: difference {diff}, scaled {scaled}, exp in Q0.31 = "
                           f"{ex} ({ex / 2 ** 31:.6f})")
    total = int(wrap_int32(total))
    if row[j] - mx < p.diff_min:
        e.lines.append(f"element {j}'s difference {int(row[j]) - mx} is below {p.diff_min}: "
                       "output -128")
        return -128
    e.lines.append(f"sum of the exponentials in Q12.19: {total} ({total / 2 ** 19:.6f})")
    reciprocal, bits = gemmlowp.get_reciprocal(total, 12)
    reciprocal, bits = int(reciprocal), int(bits)
    exponent = bits + 31 - 8
    e.lines.append(f"1 / sum: Q0.31 {reciprocal} with {bits} bits over unit")
    unsat = int(fp.rounding_divide_by_pot(fp.saturating_rounding_doubling_high_mul(
        reciprocal, exp_j), exponent))
    e.lines.append(f"exp x (1 / sum), rounding divide by 2^{exponent}: {unsat} (of 256)")
    y = min(max(unsat - 128, -128), 127)
    e.lines.append(f"minus 128 (the output zero point), clamped to int8: {y}")
    return y


def _table(e: Explanation, op, arrays, out, index) -> int:
    from ..ops.params import LookupTable
    table = op.params
    if not isinstance(table, LookupTable) or table.input_dtype != np.int8:
        raise NotExplained(f"{op.where}: not an int8 lookup table")
    x = int(np.asarray(arrays[0])[index])
    y = table.values[x + 128].item()
    e.lines.append(f"input {x}: an int8 op of one value is a table of its 256 results, "
                   "computed once at prepare time by the op's own fixed-point pipeline")
    e.lines.append(f"table[{x} + 128] = {y}")
    return y


_FAMILIES = {
    "CONV_2D": _conv, "DEPTHWISE_CONV_2D": _conv, "FULLY_CONNECTED": _fully_connected,
    "AVERAGE_POOL_2D": _pool, "MAX_POOL_2D": _pool, "ADD": _add_sub, "SUB": _add_sub,
    "MUL": _mul, "SOFTMAX": _softmax, "LOGISTIC": _table, "TANH": _table,
    "HARD_SWISH": _table, "LEAKY_RELU": _table, "ELU": _table, "ABS": _table, "RELU": _table,
    "RELU6": _table,
}
