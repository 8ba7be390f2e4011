"""TFLM's ``CircularBuffer`` (``signal/src/circular_buffer.cc``) as the ops use it.

SignalFramer, SignalDelay and SignalStacker keep their samples in int16
circular buffers in persistent memory. The ops only use them as a bounded
first-in first-out queue (write at the back, read and discard at the
front, repeat the newest values), which is what this class is; the ops'
options are checked so that no write exceeds the capacity, which TFLM's
build does not check (its asserts are compiled out).
"""
from __future__ import annotations

import numpy as np


class CircularBuffer:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self.data = np.zeros(capacity, np.int16)
        self.read = 0
        self.available = 0

    def reset(self) -> None:
        """``CircularBufferReset``: empty, storage zeroed."""
        self.data[...] = 0
        self.read = 0
        self.available = 0

    def _positions(self, start: int, n: int) -> np.ndarray:
        return (self.read + start + np.arange(n)) % self.capacity

    def write(self, values: np.ndarray) -> None:
        n = values.size
        assert self.available + n <= self.capacity, "circular buffer overflow"
        self.data[self._positions(self.available, n)] = values
        self.available += n

    def write_zeros(self, n: int) -> None:
        self.write(np.zeros(n, np.int16))

    def extend(self, count: int, times: int) -> None:
        """``CircularBufferExtend``: write the newest ``count`` values ``times`` more times."""
        if count > 0 and times > 0:
            newest = self.peek_from(self.available - count, count)
            for _ in range(times):
                self.write(newest)

    def peek_from(self, start: int, n: int) -> np.ndarray:
        return self.data[self._positions(start, n)]

    def get(self, n: int) -> np.ndarray:
        """``CircularBufferGet``: the oldest ``n`` values, left in the buffer."""
        assert n <= self.available, "circular buffer underflow"
        return self.peek_from(0, n)

    def discard(self, n: int) -> None:
        assert n <= self.available, "circular buffer underflow"
        self.read = (self.read + n) % self.capacity
        self.available -= n
