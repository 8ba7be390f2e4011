"""SignalPCAN (``signal/src/pcan_argc_fixed.cc``): per-channel automatic gain control.

Per-Channel Amplitude Normalization divides each channel by a power of its
noise estimate, so loud and quiet speakers give similar features:

* gain = ``WideDynamicFunction(noise)``: a piecewise quadratic in the int16
  gain table (``lut``), three coefficients per octave of the noise (``4 *
  msb(noise) - 6``); the polynomial is evaluated in int32 as TFLM's C does,
  wrapping, and the gain is that int16 read as uint32;
* ``snr = (x * gain) >> snr_shift`` in uint64, kept as uint32;
* output = ``shrink(snr)``: ``snr^2 / 4`` below 2 and ``snr - 1`` above, in Q12
  in and Q6 out.

A noise estimate of ``2^31`` or more uses table entries up to 124: the table
must have 125 (TFLM's ``pcan_op`` makes exactly that many).
"""
from __future__ import annotations

import numpy as np

from ...arith.signal import most_significant_bit
from ..registry import register
from .common import INT16
from .common import UINT32
from .common import SignalOp

SNR_BITS = 12
OUTPUT_BITS = 6
LUT_SIZE = 4 * 32 - 6 + 3


def wrap32(x: np.ndarray) -> np.ndarray:
    return x.astype(np.int32).astype(np.int64)


def wide_dynamic_function(x: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """The gain (int16 values, as int64) for uint32 noise estimates ``x``."""
    x = x.astype(np.int64)
    lut = lut.astype(np.int64)
    interval = most_significant_bit(x)
    base = np.maximum(4 * interval - 6, 0)
    frac = np.where(interval < 11, x << np.maximum(11 - interval, 0),
                    x >> np.maximum(interval - 11, 0)) & 0x3FF
    result = (lut[base + 2] * frac) >> 5
    result = wrap32(result + wrap32((lut[base + 1] & 0xFFFFFFFF) << 5))
    result = wrap32(result * frac)
    result = wrap32(result + (1 << 14)) >> 15
    result = (result + lut[base]).astype(np.int16).astype(np.int64)
    return np.where(x <= 2, lut[np.minimum(x, 2)], result)


def shrink(snr: np.ndarray) -> np.ndarray:
    """``PcanShrink`` on uint32 values (as int64)."""
    small = (snr * snr) >> (2 + 2 * SNR_BITS - OUTPUT_BITS)
    large = (snr >> (SNR_BITS - OUTPUT_BITS)) - (1 << OUTPUT_BITS)
    return np.where(snr < (2 << SNR_BITS), small, large)


@register("CUSTOM:SignalPCAN")
class Pcan(SignalOp):
    OPTIONS = (("snr_shift", "int32"),)

    def prepare(self) -> None:
        self.snr_shift = self.read_options()["snr_shift"]
        (x, noise, lut), (out,) = self.io(3, 1)
        self.expect(x, "input", UINT32, rank=1)
        self.expect(noise, "noise estimate", UINT32, rank=1)
        self.expect(lut, "gain table", INT16, rank=1)
        self.expect(out, "output", UINT32, rank=1)
        self.check_range(self.snr_shift, 0, 63, "snr_shift",
                         "a C shift of a uint64 by it is undefined")
        self.check(lut.shape[0] >= LUT_SIZE, f"gain table has {lut.shape[0]} entries; "
                   f"noise estimates up to 2^32 read {LUT_SIZE}")
        self.check(noise.shape[0] >= x.shape[0], f"noise estimate has {noise.shape[0]} values "
                   f"for {x.shape[0]} channels")
        # TFLM copies the output's bytes from the input, then rewrites one per channel.
        self.check(out.shape[0] == x.shape[0], f"output has {out.shape[0]} values for "
                   f"{x.shape[0]} channels")
        self.channels = x.shape[0]

    def eval(self, inputs, outputs, scratch) -> None:
        x, noise, lut = inputs
        gain = wide_dynamic_function(noise[:self.channels], lut) & 0xFFFFFFFF
        snr = (x.astype(np.uint64) * gain.astype(np.uint64)) >> np.uint64(self.snr_shift)
        outputs[0][...] = shrink((snr & np.uint64(0xFFFFFFFF)).astype(np.int64))
