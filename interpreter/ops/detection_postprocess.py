"""DETECTION_POSTPROCESS: the custom op ``TFLite_Detection_PostProcess``
(``micro/kernels/detection_postprocess.cc``), the tail of SSD detectors.

Inputs: box encodings ``[1, num_boxes, >= 4]`` (center-size y, x, h, w, then
anything, e.g. keypoints, which is skipped), class scores ``[1, num_boxes,
num_classes (+ 1 background column first)]`` and anchors ``[num_boxes, 4]``
(center-size). Outputs, all float32: boxes (ymin, xmin, ymax, xmax), classes,
scores and the number of detections. Options come as a FlexBuffer map in the
operator's ``custom_options``.

TFLM's kernel only handles float32: its ``Dequantizer`` is dead code and a
uint8/int8 box or score tensor makes its invoke fail, so those are refused
here in prepare. What this module reproduces, measured against the runtime:

* decoding: ``ycenter = y / y_scale * anchor_h + anchor_y`` and
  ``half_h = 0.5 * exp(h / h_scale) * anchor_h`` in double precision (libm's
  ``exp``, as the kernel calls it), each rounded once to float32; the corners
  are float32 sums of those;
* every decoded box must have ``ymin < ymax`` and ``xmin < xmax`` (NaN passes),
  else TFLM's invoke fails: here a ModelError at eval;
* non-maximum suppression of one class: scores ``>= nms_score_threshold``,
  sorted by a stable descending merge sort, greedy selection, suppression when
  the float32 IoU is ``> nms_iou_threshold`` (IoU 0 when an area is ``<= 0``);
* fast NMS (``use_regular_nms`` false): each box's top ``min(max_classes_per_
  detection, num_classes)`` classes by ``std::partial_sort`` (descending,
  ties to the lower class; a row holding NaN goes through libstdc++'s heap
  algorithm as the kernel does, since NaN breaks the ordering), NMS on each
  box's best score, then the classes of each selected box written out. TFLM
  increments its output counter inside the class loop, so with ``k > 1``
  classes per box the c-th class of the i-th box lands in slot
  ``k * (i * k + c) + c``, not ``i * k + c`` (TFLite's layout); slots it
  skips keep what they held, and a slot past the end of an output would be an
  out-of-bounds write in TFLM: a ModelError here. Unwritten slots are never
  cleared; ``num_detections`` is ``selected * k``;
* regular NMS: NMS per class (at most ``detections_per_class`` each), merged
  into the running top ``max_detections`` by a partial sort (descending, ties
  to the earlier candidate); every one of the ``max_detections`` slots is
  written, unused ones with zeros.

Slots TFLM does not write (fast NMS past its detections, either mode past
``max_detections``) hold whatever its arena held: on a fresh interpreter the
allocator's own leftovers, heap pointers among them. Here they are left
untouched too (zeros in a fresh arena, else the previous invoke's values, as
in TFLM for a one-op model).

Validation is stricter than TFLM's where TFLM would read or write out of
bounds or compute from garbage: anchors must be ``[num_boxes, 4]`` float32
(TFLM reads them as float32 groups of four whatever their shape and type),
outputs float32 with room for ``max_detections``, ``num_classes >= 1`` and
``max_detections >= 1`` (TFLM runs fast NMS with 0 and reports no detection,
but its regular NMS then fails its own box check: zero-size scratch buffers
share the arena with the decoded boxes). Options TFLM rejects at invoke (an IoU threshold outside
(0, 1], a non-positive ``detections_per_class`` or ``max_classes_per_
detection`` in the mode that uses it, a wrong score column count) are
refused in prepare.

The eleven scratch buffers TFLM asks for in prepare are requested with the
same sizes and order, so the arena plan matches TFLM's.

``semantics="tflite"`` (LiteRT's ``detection_postprocess.cc``): its box check only fails
on ``ymin > ymax`` or ``xmin > xmax``: it runs empty boxes (``ymin == ymax``), which TFLM
refuses (their IoU is 0). Its fast NMS puts class ``c`` of the i-th selected box in slot
``max_classes_per_detection * i + c`` and counts boxes in ``num_detections`` (TFLM:
``k * (i * k + c) + c`` and boxes times ``k``). LiteRT resizes the four outputs to
``[1, max_detections * max_classes_per_detection(, 4)]`` and ``[1]``; this interpreter
keeps the model's shapes, so it gives LiteRT's bytes on models declaring those. It also
runs uint8 box encodings and class predictions (TFLM
refuses them), dequantized as LiteRT's kernel does before the float arithmetic above:
boxes and anchors (uint8 with uint8 boxes, as LiteRT reads them) as
``(float(q) - float(zp)) * scale`` in float32 (a tensor without quantization has
scale 0 and zero point 0 there); the scores with LiteRT's x86 build of
``optimized_ops::Dequantize`` (its NEON code through the SSE translation): in blocks
of 8 over the whole flattened tensor ``float(q) * scale + (float)(-zp * (double)scale)``
in float32, the last ``N mod 8`` as ``(float)((double)scale * (q - zp))``.
"""
from __future__ import annotations

import math
import struct
from typing import Any

import numpy as np
from flatbuffers import flexbuffers

from .base import Op
from .base import Types
from .layout_common import quant_params
from .registry import register

CUSTOM_CODE = "TFLite_Detection_PostProcess"
F32 = np.dtype(np.float32)
U8 = np.dtype(np.uint8)
#: TFLM's kNumDetectionsPerClass, when the option is absent
DEFAULT_DETECTIONS_PER_CLASS = 100
#: the most arena scratch this op may ask for: TFLM computes the sizes in int,
#: and a model asking for more than this cannot be meant for a microcontroller
MAX_SCRATCH_BYTES = 1 << 28

_NUMERIC = {flexbuffers.Type.NULL, flexbuffers.Type.BOOL, flexbuffers.Type.INT,
            flexbuffers.Type.UINT, flexbuffers.Type.FLOAT, flexbuffers.Type.INDIRECT_INT,
            flexbuffers.Type.INDIRECT_UINT, flexbuffers.Type.INDIRECT_FLOAT}


# -- options: flexbuffers.h semantics ------------------------------------------

class OptionError(ValueError):
    """An option TFLM cannot read as intended (the buffer itself is well formed)."""


def _lookup(root: flexbuffers.Map, key: str):
    """``Map::operator[]``: C ``bsearch`` over the keys with ``strcmp``; None if absent."""
    keys = root.Keys
    want = key.encode("ascii")
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        have = keys[mid].AsKeyBytes
        if want < have:
            hi = mid
        elif want > have:
            lo = mid + 1
        else:
            return root.Values[mid]
    return None


def _as_int64(ref, what: str) -> int:
    """``Reference::AsInt64`` for a numeric value (floats truncate toward zero)."""
    if ref is None or ref.IsNull:
        return 0
    if ref.IsFloat:
        value = ref.AsFloat
        if not math.isfinite(value) or not -2.0 ** 63 <= value < 2.0 ** 63:
            raise OptionError(f"{what} = {value!r} does not convert to an integer "
                             "(undefined in TFLM)")
        return int(value)
    value = ref.AsInt
    return (value + 2 ** 63) % 2 ** 64 - 2 ** 63       # a uint64 reads as int64


def _as_int32(ref, what: str) -> int:
    """``AsInt32``: the int64 value wrapped to 32 bits, as ``static_cast`` does."""
    return (_as_int64(ref, what) + 2 ** 31) % 2 ** 32 - 2 ** 31


def _as_float(ref, what: str) -> float:
    """``AsFloat``: the value as a double, then rounded to float32."""
    if ref is None or ref.IsNull:
        return 0.0
    if ref.IsFloat:
        value = ref.AsFloat
    else:
        value = ref.AsInt
        if ref._type in (flexbuffers.Type.UINT, flexbuffers.Type.INDIRECT_UINT,
                         flexbuffers.Type.BOOL):
            value %= 2 ** 64
        value = float(value)          # int64 -> double, correctly rounded
    with np.errstate(over="ignore"):
        return float(np.float32(value))


def _as_bool(ref, what: str) -> bool:
    if ref is None or ref.IsNull:
        return False
    if ref.IsFloat:
        value = ref.AsFloat
        return not math.isfinite(value) or int(value) != 0
    return ref.AsInt != 0


def decode_options(data: bytes | None) -> dict[str, Any]:
    """The kernel's ``Init``: read the FlexBuffer map, missing keys as TFLM reads them.

    Raises ValueError for bytes that are not a FlexBuffer map, or OptionError
    (a ValueError) for a map without a usable value: an option
    that is not a number (TFLM would parse strings with ``strtod``; no
    converter writes them).
    """
    if not data:
        raise OptionError("has no custom options (TFLM reads its settings from a FlexBuffer map)")
    try:
        root = flexbuffers.GetRoot(bytearray(data))
        if not root.IsMap:
            raise OptionError(f"custom options are a FlexBuffer {root._type.name}, not a map")
        root = root.AsMap
        refs = {key: _lookup(root, key) for key in (
            "max_detections", "max_classes_per_detection", "detections_per_class",
            "use_regular_nms", "nms_score_threshold", "nms_iou_threshold", "num_classes",
            "y_scale", "x_scale", "h_scale", "w_scale")}
        for key, ref in refs.items():
            if ref is not None and ref._type not in _NUMERIC:
                raise OptionError(f"option {key!r} is a FlexBuffer {ref._type.name}, "
                                 "not a number")
        # Values are read lazily: a malformed buffer fails in here, not later.
        opts = {
            "max_detections": _as_int32(refs["max_detections"], "max_detections"),
            "max_classes_per_detection": _as_int32(refs["max_classes_per_detection"],
                                                   "max_classes_per_detection"),
            "detections_per_class": (
                DEFAULT_DETECTIONS_PER_CLASS
                if refs["detections_per_class"] is None or refs["detections_per_class"].IsNull
                else _as_int32(refs["detections_per_class"], "detections_per_class")),
            "use_regular_nms": _as_bool(refs["use_regular_nms"], "use_regular_nms"),
            "nms_score_threshold": _as_float(refs["nms_score_threshold"], "nms_score_threshold"),
            "nms_iou_threshold": _as_float(refs["nms_iou_threshold"], "nms_iou_threshold"),
            "num_classes": _as_int32(refs["num_classes"], "num_classes"),
        }
        for key in ("y_scale", "x_scale", "h_scale", "w_scale"):
            opts[key] = _as_float(refs[key], key)
    except OptionError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError,
            RecursionError, struct.error) as e:   # the FlexBuffer reader on malformed bytes
        raise ValueError(f"custom options are not a valid FlexBuffer map "
                         f"({type(e).__name__}: {e})") from None
    return opts


# -- libstdc++'s std::partial_sort, for rows where NaN breaks the ordering ----------

def _adjust_heap(a: list, hole: int, length: int, value, comp) -> None:
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if comp(a[child], a[child - 1]):
            child -= 1
        a[hole] = a[child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[hole] = a[child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and comp(a[parent], value):
        a[hole] = a[parent]
        hole = parent
        parent = (hole - 1) // 2
    a[hole] = value


def _pop_heap(a: list, last: int, result: int, comp) -> None:
    value = a[result]
    a[result] = a[0]
    _adjust_heap(a, 0, last, value, comp)


def partial_sort(a: list, middle: int, comp) -> None:
    """``std::partial_sort(a, a + middle, a + len(a), comp)`` as libstdc++ runs it."""
    if middle >= 2:                                  # __make_heap
        parent = (middle - 2) // 2
        while True:
            _adjust_heap(a, parent, middle, a[parent], comp)
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, len(a)):                  # __heap_select
        if comp(a[i], a[0]):
            _pop_heap(a, middle, i, comp)
    last = middle                                     # __sort_heap
    while last > 1:
        last -= 1
        _pop_heap(a, last, last, comp)


def _decreasing_comp(values: list[float]):
    """DecreasingPartialArgSort's ``tie(values[i], j) > tie(values[j], i)`` (C++17
    lexicographic tuple order: NaN compares as equal and the indices decide)."""
    def comp(i: int, j: int) -> bool:
        vi, vj = values[i], values[j]
        return vj < vi or (not vi < vj and i < j)
    return comp


def top_classes(scores: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` entries of DecreasingPartialArgSort of each row: (rows, k) int64."""
    rows, n = scores.shape
    if rows == 0:
        return np.zeros((0, k), np.int64)
    # Without NaN the comparison is a strict total order (descending, ties to
    # the lower index): any correct sort gives TFLM's result.
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k].astype(np.int64)
    for r in np.nonzero(np.isnan(scores).any(axis=1))[0]:
        values = scores[r].tolist()
        idx = list(range(n))
        partial_sort(idx, k, _decreasing_comp(values))
        order[r] = idx[:k]
    return order


# -- the kernel's float arithmetic --------------------------------------------------

def _exp(x: np.ndarray) -> np.ndarray:
    """libm's double ``exp`` element by element (NumPy may use its own SIMD one)."""
    out = np.empty(x.shape, np.float64)
    flat = out.reshape(-1)
    for i, v in enumerate(x.reshape(-1).tolist()):
        try:
            flat[i] = math.exp(v)
        except OverflowError:
            flat[i] = math.inf
    return out


def decode_boxes(enc: np.ndarray, anchors: np.ndarray, scales: tuple[float, ...]) -> np.ndarray:
    """DecodeCenterSizeBoxes: (num_boxes, 4) float32 corners (ymin, xmin, ymax, xmax)."""
    y_scale, x_scale, h_scale, w_scale = (np.float64(s) for s in scales)
    e = enc.astype(np.float64)
    a = anchors.astype(np.float64)
    with np.errstate(all="ignore"):
        ycenter = (e[:, 0] / y_scale * a[:, 2] + a[:, 0]).astype(np.float32)
        xcenter = (e[:, 1] / x_scale * a[:, 3] + a[:, 1]).astype(np.float32)
        half_h = (0.5 * _exp(e[:, 2] / h_scale) * a[:, 2]).astype(np.float32)
        half_w = (0.5 * _exp(e[:, 3] / w_scale) * a[:, 3]).astype(np.float32)
        return np.stack([ycenter - half_h, xcenter - half_w,
                         ycenter + half_h, xcenter + half_w], axis=1)


def quantization(op: Op, tensor, what: str) -> tuple[np.float32, int]:
    """A uint8 input's (float32 scale, zero point), which LiteRT dequantizes with: (0, 0)
    without quantization, as LiteRT's tensor parameters are then."""
    q = tensor.quantization
    if q is not None and q.scale.size > 1:
        raise op.unsupported(f"{what} of type uint8 with per-channel quantization")
    scale, zero_point = quant_params(tensor)
    return np.float32(scale), zero_point


def dequantize_box(q: np.ndarray, scale: np.float32, zero_point: int) -> np.ndarray:
    """LiteRT's ``Dequantizer``: ``(float(q) - float(zp)) * scale``, in float32."""
    return (q.astype(np.float32) - np.float32(zero_point)) * scale


def dequantize_scores(q: np.ndarray, scale: np.float32, zero_point: int) -> np.ndarray:
    """LiteRT's uint8 ``optimized_ops::Dequantize`` as its x86 build runs it: 8-wide
    blocks ``float(q) * scale + (float)(-zp * (double)scale)`` in float32 (no fused
    multiply-add), then the scalar tail ``(float)((double)scale * (q - zp))``."""
    flat = q.reshape(-1).astype(np.int64)
    body = flat.size - flat.size % 8
    offset = np.float32(-zero_point * np.float64(scale))
    head = flat[:body].astype(np.float32) * scale + offset
    tail = (np.float64(scale) * (flat[body:] - zero_point)).astype(np.float32)
    return np.concatenate([head, tail]).reshape(q.shape)


def _max(a, b):
    return np.where(a < b, b, a)          # std::max<float>(a, b)


def _min(a, b):
    return np.where(b < a, b, a)          # std::min<float>(a, b)


def suppressed_by(box: np.ndarray, others: np.ndarray, iou_threshold: np.float32) -> np.ndarray:
    """ComputeIntersectionOverUnion(box, other) > threshold, for each row of ``others``."""
    with np.errstate(all="ignore"):
        area_i = (box[2] - box[0]) * (box[3] - box[1])
        area_j = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
        ymin = _max(box[0], others[:, 0])
        xmin = _max(box[1], others[:, 1])
        ymax = _min(box[2], others[:, 2])
        xmax = _min(box[3], others[:, 3])
        zero = np.float32(0.0)
        inter = _max(ymax - ymin, zero) * _max(xmax - xmin, zero)
        iou = inter / (area_i + area_j - inter)
    degenerate = (area_i <= 0) | (area_j <= 0)          # IoU 0.0: never above a threshold > 0
    return ~degenerate & (iou > iou_threshold)


def _box_slots(output: np.ndarray) -> np.ndarray:
    """The boxes output as (slots, 4), a view (a trailing partial slot left out)."""
    flat = output.reshape(-1)
    return flat[:flat.size // 4 * 4].reshape(-1, 4)


@register(f"CUSTOM:{CUSTOM_CODE}")
class DetectionPostprocess(Op):

    @property
    def where(self) -> str:
        return f"DETECTION_POSTPROCESS (custom op {CUSTOM_CODE}, operator {self.node.index})"

    def prepare(self) -> None:
        try:
            opts = decode_options(self.node.custom_options)
        except ValueError as e:
            raise self.error(str(e)) from None
        self.opts = opts
        self.check(len(self.inputs) == 3, f"expects 3 inputs, has {len(self.inputs)}")
        self.check(len(self.outputs) == 4, f"expects 4 outputs, has {len(self.outputs)}")
        boxes, scores, anchors = self.input(0), self.input(1), self.input(2)
        for t, what in ((boxes, "box encodings"), (scores, "class predictions"),
                        (anchors, "anchors")):
            if t.dtype not in self.allowed_types(Types((F32,), tflite=(U8,))):
                raise self.unsupported(
                    f"{what} of type {t.dtype} are not supported: TFLM's kernel decodes "
                    "float32 only (its invoke fails on quantized inputs)")
        if anchors.dtype != boxes.dtype:
            raise self.unsupported(f"anchors of type {anchors.dtype} with box encodings of type "
                                   f"{boxes.dtype}: LiteRT reads the anchors as the boxes' type")
        self.dequantize = [quantization(self, t, what) if t.dtype == U8 else None
                           for t, what in ((boxes, "box encodings"), (scores, "class predictions"),
                                           (anchors, "anchors"))]
        self.check(len(boxes.shape) == 3, f"box encodings must have rank 3, have shape {boxes.shape}")
        self.check(len(scores.shape) == 3,
                   f"class predictions must have rank 3, have shape {scores.shape}")
        self.check(len(anchors.shape) == 2, f"anchors must have rank 2, have shape {anchors.shape}")
        self.check(boxes.shape[0] == 1, f"box encodings batch is {boxes.shape[0]}; TFLM supports 1")
        self.check(boxes.shape[2] >= 4,
                   f"box encodings have {boxes.shape[2]} values per box; at least 4 are needed")
        nb = boxes.shape[1]
        self.check(scores.shape[0] == 1,
                   f"class predictions batch is {scores.shape[0]}; TFLM supports 1")
        self.check(scores.shape[1] == nb, f"class predictions cover {scores.shape[1]} boxes, "
                   f"the box encodings {nb}")
        self.check(anchors.shape == (nb, 4),
                   f"anchors have shape {anchors.shape}; expected ({nb}, 4)")

        nc, md = opts["num_classes"], opts["max_detections"]
        ncwb = scores.shape[2]
        self.check(nc > 0, f"num_classes is {nc}; it must be positive")
        self.check(ncwb - nc in (0, 1),
                   f"class predictions have {ncwb} columns for num_classes {nc}: expected "
                   f"{nc} or {nc + 1} (with a background column)")
        self.check(md > 0, f"max_detections is {md}; it must be positive")
        iou = opts["nms_iou_threshold"]
        self.check(0.0 < iou <= 1.0, f"nms_iou_threshold {iou!r} is not in (0, 1] "
                   "(TFLM's invoke fails)")
        regular = opts["use_regular_nms"]
        if regular:
            self.check(opts["detections_per_class"] > 0,
                       f"detections_per_class is {opts['detections_per_class']}; it must be "
                       "positive with regular NMS (TFLM's invoke fails)")
        else:
            self.check(opts["max_classes_per_detection"] > 0,
                       f"max_classes_per_detection is {opts['max_classes_per_detection']}; it "
                       "must be positive (TFLM's invoke fails)")

        # Outputs: TFLM writes float32 slots through flat pointers, whatever the shapes.
        names = ("detection boxes", "detection classes", "detection scores", "num_detections")
        for t, what in zip(self.outputs, names):
            if t.dtype != F32:
                raise self.unsupported(f"{what} output of type {t.dtype}: TFLM writes float32")
        self.slots = [self.outputs[0].num_elements // 4, self.outputs[1].num_elements,
                      self.outputs[2].num_elements]
        for n, what in zip(self.slots, names):
            self.check(n >= md, f"{what} output {self.outputs[names.index(what)].shape} holds "
                       f"{n} detections, fewer than max_detections {md}")
        self.check(self.outputs[3].num_elements >= 1, "num_detections output is empty")

        self.num_boxes, self.num_classes, self.label_offset = nb, nc, ncwb - nc
        self.encoding_size = boxes.shape[2]
        self.max_detections = md
        self.regular = regular
        self.k = min(opts["max_classes_per_detection"], nc)
        self.score_threshold = np.float32(opts["nms_score_threshold"])
        self.iou_threshold = np.float32(iou)
        self.scales = tuple(opts[k] for k in ("y_scale", "x_scale", "h_scale", "w_scale"))

        # The kernel's scratch requests, in its order (sizes in bytes).
        sizes = [nb, nb * 16, scores.shape[1] * ncwb * 4, nb * 4, nb * 4, md * nb * 4,
                 md * nb * 4, nb * 4, md * nb * 4, max(nc, md) * nb * 4, min(nb, md) * nb * 4]
        total = sum(sizes)
        self.check(total <= MAX_SCRATCH_BYTES,
                   f"max_detections {md}, num_classes {nc} and {nb} boxes need {total} bytes of "
                   f"scratch, more than {MAX_SCRATCH_BYTES}")
        for size in sizes:
            self.request_scratch(size)

    # -- eval ----------------------------------------------------------------
    def eval(self, inputs, outputs, scratch) -> None:
        nb = self.num_boxes
        boxes_q, scores_q, anchors_q = self.dequantize
        enc = inputs[0].reshape(nb, self.encoding_size)[:, :4]
        anchors = inputs[2].reshape(nb, 4)
        if boxes_q is not None:
            enc, anchors = dequantize_box(enc, *boxes_q), dequantize_box(anchors, *anchors_q)
        decoded = decode_boxes(enc, anchors, self.scales)
        # ValidateBoxes, run by the first NMS of either mode (before any output); LiteRT's
        # accepts empty boxes (ymin == ymax), TFLM's does not
        if self.tflite:
            bad = (decoded[:, 0] > decoded[:, 2]) | (decoded[:, 1] > decoded[:, 3])
        else:
            bad = (decoded[:, 0] >= decoded[:, 2]) | (decoded[:, 1] >= decoded[:, 3])
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            raise self.error(f"decoded box {i} {decoded[i].tolist()} has ymin > ymax or "
                             "xmin > xmax (ymin >= ymax or xmin >= xmax for TFLM): the "
                             "runtime's invoke fails")
        scores = inputs[1]
        if scores_q is not None:
            scores = dequantize_scores(scores, *scores_q)
        scores = scores.reshape(nb, self.label_offset + self.num_classes)[:, self.label_offset:]
        if self.regular:
            self._regular(decoded, scores, outputs)
        else:
            self._fast(decoded, scores, outputs)

    def _nms(self, decoded: np.ndarray, scores: np.ndarray, max_detections: int) -> list[int]:
        """NonMaxSuppressionSingleClassHelper: the selected box indices, in order."""
        keep = np.nonzero(scores >= self.score_threshold)[0]
        # DecreasingArgSort is a stable merge sort; kept scores hold no NaN.
        order = keep[np.argsort(-scores[keep], kind="stable")]
        output_size = min(order.size, max_detections)
        boxes = decoded[order]
        active = np.ones(order.size, bool)
        selected: list[int] = []
        pos = 0
        while len(selected) < output_size:
            rest = np.flatnonzero(active[pos:])
            if rest.size == 0:
                break
            i = pos + int(rest[0])
            selected.append(int(order[i]))
            active[i] = False
            later = i + 1 + np.flatnonzero(active[i + 1:])
            if later.size:
                active[later[suppressed_by(boxes[i], boxes[later], self.iou_threshold)]] = False
            pos = i + 1
        return selected

    def _fast(self, decoded, scores, outputs) -> None:
        k = self.k
        classes = top_classes(scores, k)
        best = scores[np.arange(self.num_boxes), classes[:, 0]]
        selected = np.asarray(self._nms(decoded, best, self.max_detections), np.int64)
        n = selected.size
        i = np.repeat(np.arange(n), k)
        col = np.tile(np.arange(k), n)
        if self.tflite:     # LiteRT: box i's classes from slot max_classes_per_detection * i
            slots = self.opts["max_classes_per_detection"] * i + col
        else:               # TFLM's output counter advances inside the class loop
            slots = k * (i * k + col) + col
        past = slots >= min(self.slots)
        if past.any():
            raise self.error(
                f"{n} selected boxes with {k} classes each put a detection in slot "
                f"{int(slots[past][0])}, past the end of an output holding {min(self.slots)} "
                "(TFLM's kernel writes out of bounds here)")
        anchor = selected[i]
        cls = classes[anchor, col]
        _box_slots(outputs[0])[slots] = decoded[anchor]
        outputs[1].reshape(-1)[slots] = cls
        outputs[2].reshape(-1)[slots] = scores[anchor, cls]
        outputs[3].reshape(-1)[0] = n if self.tflite else n * k

    def _regular(self, decoded, scores, outputs) -> None:
        # TFLM merges each class's selections into the running top max_detections
        # by a partial sort (descending, ties to the earlier candidate). With no
        # NaN among them (they passed the score threshold) that order is total,
        # so the result is the top max_detections of all selections in class
        # order, sorted once, stably.
        md = self.max_detections
        dpc = self.opts["detections_per_class"]
        any_kept = (scores >= self.score_threshold).any(axis=0)
        sel_scores, sel_anchor, sel_class = [], [], []
        for col in np.flatnonzero(any_kept).tolist():
            class_scores = np.ascontiguousarray(scores[:, col])
            sel = np.asarray(self._nms(decoded, class_scores, dpc), np.int64)
            sel_scores.append(class_scores[sel])
            sel_anchor.append(sel)
            sel_class.append(np.full(sel.size, col, np.int64))
        if sel_scores:
            cand = np.concatenate(sel_scores)
            best = np.argsort(-cand, kind="stable")[:md]
            top_scores = cand[best]
            top_anchor = np.concatenate(sel_anchor)[best]
            top_class = np.concatenate(sel_class)[best]
        else:
            top_scores = np.zeros(0, np.float32)
            top_anchor = top_class = np.zeros(0, np.int64)
        n = top_scores.size
        boxes = _box_slots(outputs[0])
        boxes[:n] = decoded[top_anchor]
        boxes[n:md] = 0.0
        classes, out_scores = outputs[1].reshape(-1), outputs[2].reshape(-1)
        classes[:n] = top_class
        classes[n:md] = 0.0
        out_scores[:n] = top_scores
        out_scores[n:md] = 0.0
        outputs[3].reshape(-1)[0] = n
