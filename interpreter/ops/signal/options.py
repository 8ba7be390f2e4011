"""Signal ops' options: a FlexBuffer map read the way TFLM's kernels read it.

Every Signal kernel reads its settings in ``Init`` through
``tflite::FlexbufferWrapper``: the root is taken as a vector (a map's values,
which a FlexBuffer map keeps sorted by key) and value ``i`` is read by its
position, as the raw bytes of an integer of the vector's byte width, whatever
type the value has, with no bounds check. The kernels know their option
names only through the alphabetical order they hard-code.

So the reading here is positional too (so a model gets the numbers TFLM
gets), and the checks are what TFLM leaves out: the buffer is a well-formed
map whose vectors and keys lie inside it, with sorted keys; the key at each
position a kernel reads is the name the kernel means there (else TFLM would
quietly read another option); and the value there is an inline integer or
bool (TFLM would read a float's or an offset's bytes as an integer).
``flatbuffers.flexbuffers`` does the reading; it does not bounds-check, so
the offsets it would follow are checked here first.
"""
from __future__ import annotations

from itertools import pairwise
from typing import Sequence

from flatbuffers import flexbuffers

#: value types whose bytes are the number itself (no offset to follow)
_INLINE_NUMBERS = {flexbuffers.Type.NULL, flexbuffers.Type.INT, flexbuffers.Type.UINT,
                   flexbuffers.Type.BOOL}


class OptionError(ValueError):
    """The custom options are not what the kernel reads (the op adds its name)."""


def _uint(data: bytes, pos: int, width: int) -> int:
    return int.from_bytes(data[pos:pos + width], "little")


def _follow(data: bytes, pos: int, width: int, what: str) -> int:
    """The position an offset stored at ``pos`` points to (offsets point backwards)."""
    target = pos - _uint(data, pos, width)
    if not 0 <= target <= pos:
        raise OptionError(f"custom options: the {what} offset points outside the buffer")
    return target


def _check_map(data: bytes) -> None:
    """Check every offset the FlexBuffer reader will follow to read a map and its keys."""
    n = len(data)
    if n < 3:
        raise OptionError(f"custom options ({n} bytes) are too short for a FlexBuffer")
    root_width = data[-1]
    if root_width not in (1, 2, 4, 8) or n < 2 + root_width:
        raise OptionError(f"custom options end in an invalid root byte width {root_width}")
    try:
        width, kind = flexbuffers.Type.Unpack(data[-2])
    except ValueError:
        raise OptionError(f"custom options have an unknown root type {data[-2] >> 2}") from None
    if kind != flexbuffers.Type.MAP:
        raise OptionError(f"custom options are a FlexBuffer {kind.name}, not a map")
    values = _follow(data, n - 2 - root_width, root_width, "map")
    if values < 3 * width:
        raise OptionError("custom options: the map's header lies outside the buffer")
    size = _uint(data, values - width, width)
    if values + size * (width + 1) > n:
        raise OptionError(f"custom options: the map's {size} values run past the buffer")
    keys = _follow(data, values - 3 * width, width, "key vector")
    key_width = _uint(data, values - 2 * width, width)
    if key_width not in (1, 2, 4, 8) or keys < key_width or keys + size * key_width > n:
        raise OptionError("custom options: the map's key vector lies outside the buffer")
    if _uint(data, keys - key_width, key_width) != size:
        raise OptionError(f"custom options: the map's key vector does not have {size} keys, "
                          "one per value")
    for i in range(size):
        start = _follow(data, keys + i * key_width, key_width, f"key {i}")
        if data.find(b"\0", start) < 0:
            raise OptionError(f"custom options: key {i} is not terminated")
        try:
            flexbuffers.Type.Unpack(data[values + size * width + i])
        except ValueError:
            raise OptionError(f"custom options: value {i} has an unknown type") from None


def read_options(data: bytes | None, fields: Sequence[tuple[str, str]]) -> dict[str, int]:
    """``fields`` = (key, kind) at positions 0, 1, ... as the kernel reads them.

    ``kind`` ``"int32"`` is ``FlexbufferWrapper::ElementAsInt32`` (the value's
    bytes as a signed integer of the vector's byte width, truncated to 32
    bits); ``"bool"`` is ``ElementAsBool`` (those bytes unsigned, non-zero).
    """
    if not data:
        raise OptionError("has no custom options (TFLM reads its settings from a FlexBuffer map)")
    data = bytes(data)
    _check_map(data)
    root = flexbuffers.GetRoot(bytearray(data)).AsMap
    names = [key.AsKeyBytes for key in root.Keys]
    if any(a >= b for a, b in pairwise(names)):
        raise OptionError("custom options: the map's keys are not sorted (not a valid "
                          "FlexBuffer map)")
    if len(names) < len(fields):
        raise OptionError(f"custom options have {len(names)} entries; TFLM reads "
                          f"{len(fields)} ({', '.join(k for k, _ in fields)})")
    values = root.Values
    width = values.ByteWidth
    out = {}
    for i, (key, kind) in enumerate(fields):
        if names[i] != key.encode():
            raise OptionError(f"custom option {i} is {names[i].decode('latin-1')!r}; TFLM reads "
                              f"position {i} as {key!r}")
        ref = values[i]
        if ref._type not in _INLINE_NUMBERS:
            raise OptionError(f"option {key!r} is a FlexBuffer {ref._type.name}; TFLM reads "
                              "its bytes as an integer")
        # The element's bytes read as an integer whatever its type, as
        # FlexbufferWrapper reads them: unsigned for a bool, else signed.
        as_type = flexbuffers.Type.UINT if kind == "bool" else flexbuffers.Type.INT
        value = flexbuffers.Ref(values._buf.Slice(i * width), width, 1, as_type).AsInt
        out[key] = value != 0 if kind == "bool" else (value + 2 ** 31) % 2 ** 32 - 2 ** 31
    return out
