"""A minimal progress bar on stderr (no dependency): ``[#####.....] 12/50 label``."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws one line with ``\\r``; silent unless ``enabled`` (default: the stream is a terminal)."""

    def __init__(self, total: int, label: str = "", stream: TextIO | None = None,
                 enabled: bool | None = None, width: int = 30, min_interval: float = 0.1):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = (hasattr(self.stream, "isatty") and self.stream.isatty()) \
            if enabled is None else enabled
        self.width = width
        self.min_interval = min_interval
        self.done = 0
        self._last = 0.0

    def render(self) -> str:
        filled = self.width * self.done // self.total
        return (f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done}/{self.total} {self.label}")

    def update(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        now = time.monotonic()
        if self.enabled and (self.done == self.total or now - self._last >= self.min_interval):
            self._last = now
            self.stream.write(self.render())
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write(self.render() + "\n")
            self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
