"""float32 math as TFLM's float kernels compute it.

TFLM's float kernels call the C library (``std::exp(float)`` -> ``expf``,
``std::tanh(float)`` -> ``tanhf``), so their exact bits depend on the host's
libm: glibc's ``expf`` is accurate to about 0.502 ULP and its ``tanhf`` to a
couple of ULP, neither correctly rounded. A golden model of the runtime on
this host therefore has to use the same functions. They are reached through
ctypes; where no C math library can be loaded the functions fall back to
NumPy (correctly rounded from float64), which then agrees except for rare
last-bit cases.

Also here: a left-to-right float32 sum, C's float -> int32 conversion as x86
performs it, and the float kernels' accumulate and clamp steps with C's NaN
behaviour.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

import numpy as np

_INT32_MIN = -(1 << 31)


@lru_cache(maxsize=None)
def _libm_function(name: str):
    """The C library's float function ``name``, or None if unavailable."""
    path = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    if path is None:
        return None
    try:
        fn = getattr(ctypes.CDLL(path), name)
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_float
    fn.argtypes = [ctypes.c_float]
    return fn


def _call_elementwise(fn, x: np.ndarray) -> np.ndarray:
    return np.fromiter((fn(v) for v in x.ravel().tolist()), dtype=np.float32,
                       count=x.size).reshape(x.shape)


def _near_float32_midpoint(y64: np.ndarray, y32: np.ndarray) -> np.ndarray:
    """Where a float64 value is too close to a float32 rounding boundary to trust.

    libm's expf evaluates in double and rounds once, with an error well under
    0.01 float32 ULP before rounding; away from the midpoint between two
    float32 neighbours both roundings agree.
    """
    ulp = np.spacing(np.abs(y32)).astype(np.float64)
    dist = np.abs(y64 - y32.astype(np.float64))
    return np.abs(dist - ulp / 2) <= ulp * 0.01


def expf(x) -> np.ndarray:
    """C ``expf`` on a float32 array."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        y64 = np.exp(x.astype(np.float64))
        y = y64.astype(np.float32)
        fn = _libm_function("expf")
        if fn is None:
            return y
        suspect = _near_float32_midpoint(y64, y) | ~np.isfinite(y) | (y == 0)
    if np.any(suspect):
        y[suspect] = _call_elementwise(fn, x[suspect])
    return y


def tanhf(x) -> np.ndarray:
    """C ``tanhf`` on a float32 array (glibc's is not correctly rounded: call it)."""
    x = np.asarray(x, dtype=np.float32)
    fn = _libm_function("tanhf")
    if fn is None:
        return np.tanh(x.astype(np.float64)).astype(np.float32)
    return _call_elementwise(fn, x)


def sequential_sum(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Sum in the array's own type, left to right, as a C loop does (NumPy's sum is pairwise).

    The C loop's accumulator starts at +0.0, so a sum of only -0.0 is +0.0;
    adding 0 at the end gives exactly that and changes no other result.
    """
    return np.cumsum(x, axis=axis, dtype=x.dtype).take(-1, axis=axis) + x.dtype.type(0)


def float_to_int32(x: np.ndarray) -> np.ndarray:
    """static_cast<int32_t>(float) on x86: truncate; NaN and out-of-range give INT32_MIN.

    (C leaves the out-of-range case undefined; x86's cvttss2si returns the
    'integer indefinite' value 0x80000000, which is what the runtime does.)
    """
    x = np.asarray(x)
    ok = np.isfinite(x) & (x > -2147483649.0) & (x < 2147483648.0)
    out = np.full(x.shape, _INT32_MIN, dtype=np.int64)
    out[ok] = np.trunc(x[ok]).astype(np.int64)
    return out


def cpp_clamp(x: np.ndarray, lo, hi) -> np.ndarray:
    """ActivationFunctionWithMinMax: ``std::min(std::max(x, lo), hi)``.

    std::max(a, b) is ``a < b ? b : a``, so NaN passes through and -0.0 is
    kept, which np.clip does not promise.
    """
    x = np.where(x < lo, lo, x)
    return np.where(hi < x, hi, x)


def has_nan(array: np.ndarray) -> bool:
    return bool(np.isnan(array).any())


_QUIET_BIT = np.uint32(0x00400000)


def quiet(x: np.ndarray) -> np.ndarray:
    """``x`` (float32) with the quiet bit set: for a NaN, what an SSE operation returns
    when it passes that NaN on, signaling or not (other values are only changed)."""
    return (np.asarray(x, np.float32).view(np.uint32) | _QUIET_BIT).view(np.float32)


def first_nan_product(a: np.ndarray, b: np.ndarray, keep_nan: bool) -> np.ndarray:
    """``a * b`` (broadcast) as the compiled C product with ``a`` first: where both are
    NaN, x86 returns ``a``'s bits, quieted; NumPy's vector loops return either. Only
    inputs holding NaN can make both operands NaN, so callers pass ``keep_nan`` only
    then."""
    product = np.multiply(a, b)
    if keep_nan:
        a_nan = np.broadcast_to(np.isnan(a), product.shape)
        np.copyto(product, quiet(np.broadcast_to(a, product.shape)), where=a_nan)
    return product


def add_into(total: np.ndarray, term: np.ndarray, keep_nan: bool) -> None:
    """``total += term`` as the C loops' ``total += x`` leaves a NaN total: unchanged.

    When both operands are NaN, x86 returns the first one's bits, and the
    tflite-micro runtime does; NumPy's vector loops may return either. Only
    inputs holding NaN can make both operands NaN with different bits (NaNs
    born in the sum are all the same default NaN), so callers pass
    ``keep_nan`` only then and the common path stays one in-place add.
    """
    if keep_nan:
        nan = np.isnan(total)
        kept = total[nan]
        total += term
        total[nan] = kept
    else:
        total += term


def float_output(total: np.ndarray, bias: np.ndarray | None,
                 act_range: tuple[np.float32, np.float32],
                 bias_nan_wins: bool = False) -> np.ndarray:
    """The float kernels' last step: ``ActivationFunctionWithMinMax(total + bias, lo, hi)``.

    When both ``total`` and ``bias`` are NaN, the compiled add returns the first
    operand's bits: ``total``'s in most kernels, the bias's in TFLM's float
    FULLY_CONNECTED (``bias_nan_wins``; its compiler put the bias first). Either
    way the add quiets a signaling NaN bias.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if bias is not None:
            total = total.copy()
            add_into(total, bias, keep_nan=True)
            if bias_nan_wins:
                np.copyto(total, quiet(bias), where=np.isnan(bias))
        return cpp_clamp(total, *act_range).astype(np.float32, copy=False)
