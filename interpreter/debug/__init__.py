"""Golden-model tools behind ``tinyml verify/dump/profile/plan --png/analyze``.

Small modules, each usable from Python:

- ``dump``: the ``.npz`` layout of per-tensor dumps (write and read)
- ``verify``: run this interpreter and a reference with every tensor kept, find the first divergence
- ``profile``: per-op host latency, MACs, bytes moved and live arena bytes
- ``analyze``: per-layer MACs, flash (weights), RAM (arena) and TFLM's persistent overhead
- ``plot``: memory-plan and profile pictures (PNG with matplotlib, ASCII without)
"""
