"""SignalFilterBank (``signal/src/filter_bank.cc``): mel channels from bin powers.

Channel ``i`` (0 to ``num_channels``, channel 0 being scratch) covers
``channel_widths[i]`` bins from ``channel_frequency_starts[i]``, with
weights from ``channel_weight_starts[i]``; each bin's power goes to its
channel times ``weights`` and to the next channel times ``unweights``
(the other side of the triangle). So output ``i - 1`` is
``sum(weights * power over channel i) + sum(unweights * power over channel
i - 1)``, all in uint64 arithmetic: an int16 weight is converted to uint64
(a negative one wraps) and every product and sum wraps modulo 2^64.

The five tables are inputs (constant in the converted models); their indices
must stay inside the spectrum and the weight tables, which is checked in
prepare when they are constant and at each invoke otherwise (TFLM reads out
of bounds). ``channel_widths`` below 0 count as 0, as in TFLM's loop.
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import INT16
from .common import UINT32
from .common import UINT64
from .common import SignalOp

TABLES = ("weights", "unweights", "channel_frequency_starts", "channel_weight_starts",
          "channel_widths")


@register("CUSTOM:SignalFilterBank")
class FilterBank(SignalOp):
    OPTIONS = (("num_channels", "int32"),)

    def prepare(self) -> None:
        self.num_channels = self.read_options()["num_channels"]
        ins, (out,) = self.io(6, 1)
        self.expect(ins[0], "input", UINT32, rank=1)
        for t, what in zip(ins[1:], TABLES):
            self.expect(t, what, INT16, rank=1)
        self.expect(out, "output", UINT64, rank=1)
        self.check_range(self.num_channels, 1, None, "num_channels", "the channels to compute")
        for t, what in zip(ins[3:], TABLES[2:]):
            self.check(t.shape[0] >= self.num_channels + 1, f"{what} has {t.shape[0]} entries; "
                       f"num_channels {self.num_channels} needs {self.num_channels + 1}")
        # TFLM copies the output's size from its num_channels + 1 work values.
        self.check(out.shape[0] <= self.num_channels, f"output has {out.shape[0]} values, "
                   f"more than num_channels {self.num_channels}")
        self.bins = ins[0].shape[0]
        self.matrices = None
        if all(t.is_constant for t in ins[1:]):
            self.matrices = self.weight_matrices([t.data for t in ins[1:]])

    def weight_matrices(self, tables) -> tuple[np.ndarray, np.ndarray]:
        """(channels + 1, bins) uint64 matrices of the weights and unweights."""
        weights, unweights, freq_starts, weight_starts, widths = (
            np.asarray(t, dtype=np.int64) for t in tables)
        n = self.num_channels + 1
        w = np.zeros((n, self.bins), np.uint64)
        u = np.zeros((n, self.bins), np.uint64)
        for i in range(n):
            width = max(int(widths[i]), 0)
            if width == 0:
                continue
            f0, w0 = int(freq_starts[i]), int(weight_starts[i])
            if not (0 <= f0 and f0 + width <= self.bins):
                raise self.error(f"channel {i} reads bins {f0} to {f0 + width - 1} of a "
                                 f"{self.bins}-bin input")
            for name, table in (("weights", weights), ("unweights", unweights)):
                if not (0 <= w0 and w0 + width <= table.size):
                    raise self.error(f"channel {i} reads {name} {w0} to {w0 + width - 1} of "
                                     f"{table.size}")
            w[i, f0:f0 + width] = weights[w0:w0 + width].astype(np.uint64)
            u[i, f0:f0 + width] = unweights[w0:w0 + width].astype(np.uint64)
        return w, u

    def eval(self, inputs, outputs, scratch) -> None:
        w, u = self.matrices or self.weight_matrices(inputs[1:])
        power = inputs[0].astype(np.uint64)
        acc = w @ power
        acc[1:] += u[:-1] @ power
        out = outputs[0]
        out[...] = acc[1:1 + out.shape[0]]
