"""DETECTION_POSTPROCESS (custom op ``TFLite_Detection_PostProcess``) against TFLM.

Single-op models made with the builder, options as a FlexBuffer map, run on
this interpreter and on the tflite-micro runtime. Measured facts these tests
pin down (see ``interpreter/ops/detection_postprocess.py``):

* TFLM's kernel takes float32 only: uint8/int8 boxes or scores make its
  invoke fail; here they are refused in prepare (UnsupportedOpError).
* Regular NMS writes every one of the ``max_detections`` slots (zeros past the
  detections): with outputs of that size, all four are compared byte for byte.
* Fast NMS writes only the slots it fills, and with ``k`` classes per box it
  puts class ``c`` of box ``i`` in slot ``k * (i * k + c) + c``. TFLM's other
  slots keep whatever the arena held: on a fresh interpreter, leftovers of the
  allocator's own records (heap pointers among them), which no
  reimplementation can reproduce (the same holds for slots past
  ``max_detections`` in either mode). So the tests compare
  ``num_detections`` and every slot TFLM writes, byte for byte, and check
  that this interpreter leaves the other slots untouched, as TFLM does (a
  second invoke shows the first one's detections in both).
* A decoded box with ``ymin >= ymax`` or ``xmin >= xmax`` fails TFLM's invoke;
  here it is a ModelError at invoke.

Models TFLM would run into out-of-bounds writes with (outputs too small) are
never given to the runtime; they are validation tests of this interpreter.

``semantics="tflite"`` is compared with LiteRT's kernel (its fast NMS slot layout, its
box check, its uint8 dequantization) on models whose outputs have the shapes LiteRT
gives them, ``max_detections * max_classes_per_detection`` slots.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from budgets import exploring
from flatbuffers import flexbuffers
from hypothesis import event
from hypothesis import given
from hypothesis import strategies as st
from op_harness import run_model
from reference import run_litert
from reference import run_tflm
from single_op import assert_same
from tflm_arena import tflm_head_bytes

from interpreter.builder import ModelBuilder
from interpreter.errors import ModelError
from interpreter.errors import UnsupportedOpError
from interpreter.interpreter import Interpreter

CODE = "TFLite_Detection_PostProcess"
NAME = "DETECTION_POSTPROCESS"
F32 = np.float32


# -- building models ---------------------------------------------------------------

def options(**kw) -> dict:
    base = {"max_detections": 3, "max_classes_per_detection": 1, "detections_per_class": 2,
            "use_regular_nms": False, "nms_score_threshold": 0.0, "nms_iou_threshold": 0.5,
            "num_classes": 2, "y_scale": 10.0, "x_scale": 10.0, "h_scale": 5.0, "w_scale": 5.0}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def flex(opts: dict) -> bytes:
    return bytes(flexbuffers.Dumps(opts))


def detection_model(num_boxes: int, score_columns: int, opts: dict | None = None, *,
                    anchors: np.ndarray | None = None, encoding: int = 4, slots: int | None = None,
                    box_type=F32, score_type=F32, anchor_type=F32, out_types=(F32,) * 4,
                    box_shape=None, score_shape=None, anchor_shape=None, out_shapes=None,
                    custom_options: bytes | None = b"", n_inputs: int = 3,
                    quant: dict | None = None) -> bytes:
    """One DETECTION_POSTPROCESS; anchors are a constant when given, else a model input."""
    opts = options() if opts is None else opts
    if custom_options == b"":
        custom_options = flex(opts)
    md = opts.get("max_detections", 0)
    slots = md if slots is None else slots
    quant = quant or {}
    b = ModelBuilder(description="detection postprocess")
    boxes = b.add_tensor("box_encodings", box_type, box_shape or [1, num_boxes, encoding],
                         **quant.get("boxes", {}))
    scores = b.add_tensor("class_predictions", score_type,
                          score_shape or [1, num_boxes, score_columns], **quant.get("scores", {}))
    a_shape = anchor_shape or [num_boxes, 4]
    anchor = b.add_tensor("anchors", anchor_type, a_shape, data=anchors,
                          **quant.get("anchors", {}))
    shapes = out_shapes or [[1, slots, 4], [1, slots], [1, slots], [1]]
    outs = [b.add_tensor(n, t, s) for n, t, s in zip(
        ("detection_boxes", "detection_classes", "detection_scores", "num_detections"),
        out_types, shapes)]
    ins = [boxes, scores, anchor][:n_inputs]
    b.add_operator("CUSTOM", ins, outs, custom_code=CODE, custom_options=custom_options)
    b.set_inputs([boxes, scores] + ([anchor] if anchors is None else []))
    b.set_outputs(outs)
    return b.build()


def random_anchors(rng, n) -> np.ndarray:
    return np.stack([rng.uniform(0, 1, n), rng.uniform(0, 1, n),
                     rng.uniform(0.05, 0.6, n), rng.uniform(0.05, 0.6, n)], 1).astype(F32)


# -- comparing ---------------------------------------------------------------------

def fast_slots(count: int, k: int) -> np.ndarray:
    """The slots TFLM's fast NMS writes for ``count`` detections, ``k`` classes per box."""
    i, c = np.divmod(np.arange(count), k)
    return k * (i * k + c) + c


def compare(model: bytes, feeds, opts: dict, num_classes: int) -> list[np.ndarray] | None:
    """Run both; equal outputs (every slot TFLM writes), or both fail. Returns ours."""
    try:
        ref = run_tflm(model, feeds, n_outputs=4)
    except RuntimeError:
        with pytest.raises(ModelError, match=NAME):
            run_model(model, feeds)
        return None
    ours = run_model(model, feeds)
    assert_same(ours[3], ref[3], "num_detections")
    if opts.get("use_regular_nms"):      # every one of the max_detections slots
        slots = np.arange(opts["max_detections"])
    else:
        k = min(opts["max_classes_per_detection"], num_classes)
        slots = fast_slots(int(ref[3][0]), k)
    for i, what in enumerate(("boxes", "classes", "scores")):
        assert ours[i].dtype == ref[i].dtype and ours[i].shape == ref[i].shape, what
        width = 4 if i == 0 else 1
        mine, theirs = ours[i].reshape(-1, width), ref[i].reshape(-1, width)
        assert_same(mine[slots], theirs[slots], f"{what} (written slots)")
        untouched = np.ones(len(mine), bool)
        untouched[slots] = False
        assert not mine[untouched].any(), f"{what}: a slot TFLM does not write was written"
    return ours


# -- randomized comparison -------------------------------------------------------------

@st.composite
def cases(draw):
    regular = draw(st.booleans())
    nc = draw(st.integers(1, 6))
    background = draw(st.integers(0, 1))
    nb = draw(st.integers(0, 24))
    md = draw(st.integers(1, 8))
    k = draw(st.integers(1, nc + 1))
    opts = options(
        max_detections=md,
        max_classes_per_detection=k,
        detections_per_class=draw(st.one_of(st.none(), st.integers(1, 6))),
        use_regular_nms=regular,
        nms_score_threshold=draw(st.sampled_from([-1.0, 0.0, 0.25, 0.5, 0.75, 1.0])),
        nms_iou_threshold=draw(st.one_of(st.sampled_from([1e-6, 0.1, 0.3, 0.5, 0.7, 1.0]),
                                         st.floats(0.015625, 1.0, width=32))),
        num_classes=nc,
        y_scale=draw(st.sampled_from([10.0, 1.0, 0.5, 3.3])),
        x_scale=draw(st.sampled_from([10.0, 1.0, 0.5, 3.3])),
        h_scale=draw(st.sampled_from([5.0, 1.0, 0.25, 2.2])),
        w_scale=draw(st.sampled_from([5.0, 1.0, 0.25, 2.2])),
    )
    kk = min(k, nc)
    slots = md * kk * kk if not regular else md + draw(st.integers(0, 2))
    return {"opts": opts, "nb": nb, "columns": nc + background, "slots": slots,
            "encoding": draw(st.sampled_from([4, 4, 6])),
            "const_anchors": draw(st.booleans()),
            "levels": draw(st.sampled_from([2, 3, 5, 1000])),     # few levels: ties
            "spread": draw(st.sampled_from([0.3, 1.0, 3.0, 30.0])),
            "duplicates": draw(st.booleans()),
            "specials": draw(st.booleans()),
            "seed": draw(st.integers(0, 2 ** 32 - 1))}


def run_case(case) -> None:
    rng = np.random.default_rng(case["seed"])
    nb, opts = case["nb"], case["opts"]
    anchors = random_anchors(rng, nb)
    boxes = (rng.standard_normal((1, nb, case["encoding"])) * case["spread"]).astype(F32)
    scores = (np.round(rng.uniform(0, 1, (1, nb, case["columns"])) * (case["levels"] - 1))
              / (case["levels"] - 1)).astype(F32)
    if case["duplicates"] and nb > 1:       # overlapping boxes, so that NMS suppresses
        src = rng.integers(0, nb, nb // 2)
        dst = rng.integers(0, nb, nb // 2)
        boxes[0, dst] = boxes[0, src]
        anchors[dst] = anchors[src]
    if case["specials"]:                     # NaN, -0.0 and infinite scores
        pick = rng.uniform(size=scores.shape)
        scores[pick < 0.15] = np.nan
        scores[(pick >= 0.15) & (pick < 0.25)] = -0.0
        scores[(pick >= 0.25) & (pick < 0.28)] = np.inf
    model = detection_model(nb, case["columns"], opts, encoding=case["encoding"],
                            slots=case["slots"],
                            anchors=anchors if case["const_anchors"] else None)
    feeds = [boxes, scores] + ([] if case["const_anchors"] else [anchors])
    ours = compare(model, feeds, opts, opts["num_classes"])
    event("invalid box: both fail" if ours is None else
          f"{'regular' if opts['use_regular_nms'] else 'fast'}, "
          f"{'no' if ours[3][0] == 0 else 'some'} detections")


@budgets(ci=400, slow=5000)
def test_random_cases_match_tflm(examples):
    explore(examples, cases(), run_case)


# -- specific behaviour ------------------------------------------------------------

@pytest.mark.parametrize("regular", [False, True])
def test_equal_scores_keep_box_order(regular):
    """Ties: the stable merge sort keeps boxes in index order; classes tie to the lower."""
    rng = np.random.default_rng(0)
    nb = 30                          # above the merge sort's insertion threshold (20)
    opts = options(max_detections=12, num_classes=3, use_regular_nms=regular,
                   detections_per_class=5, nms_iou_threshold=1.0,
                   max_classes_per_detection=1)
    scores = np.full((1, nb, 4), 0.5, F32)
    model = detection_model(nb, 4, opts, anchors=random_anchors(rng, nb))
    ours = compare(model, [rng.standard_normal((1, nb, 4)).astype(F32), scores], opts, 3)
    if not regular:
        assert ours[1].tolist() == [[0.0] * 12]          # the lowest class wins a tie
    else:   # five boxes of class 0, then five of class 1, then two of class 2
        assert ours[1].tolist() == [[0.0] * 5 + [1.0] * 5 + [2.0] * 2]


def test_nan_scores_follow_libstdcxx_partial_sort():
    """A NaN class score breaks std::partial_sort's ordering; its heap algorithm decides."""
    rng = np.random.default_rng(7)
    nb, nc = 12, 7
    opts = options(max_detections=12, max_classes_per_detection=nc, num_classes=nc,
                   nms_iou_threshold=1.0)
    scores = rng.uniform(0, 1, (1, nb, nc)).astype(F32)
    scores[rng.uniform(size=scores.shape) < 0.4] = np.nan
    model = detection_model(nb, nc, opts, anchors=random_anchors(rng, nb), slots=12 * nc * nc)
    compare(model, [rng.standard_normal((1, nb, 4)).astype(F32), scores], opts, nc)


def test_fast_nms_slot_layout_with_two_classes_per_box():
    """TFLM's counter advances per class: two boxes x two classes land in slots 0, 3, 4, 7."""
    opts = options(max_detections=2, max_classes_per_detection=2, num_classes=3,
                   nms_iou_threshold=0.5)
    anchors = np.array([[0.2, 0.2, 0.1, 0.1], [0.7, 0.7, 0.1, 0.1]], F32)
    scores = np.array([[[0.1, 0.9, 0.5], [0.8, 0.2, 0.3]]], F32)
    model = detection_model(2, 3, opts, anchors=anchors, slots=8)
    ours = compare(model, [np.zeros((1, 2, 4), F32), scores], opts, 3)
    assert ours[3].tolist() == [4.0]
    assert ours[1].tolist() == [[1, 0, 0, 2, 0, 0, 0, 2]]
    assert ours[2][0, [0, 3, 4, 7]].tolist() == pytest.approx([0.9, 0.5, 0.8, 0.3])


def test_regular_nms_zero_fills_unused_slots():
    opts = options(max_detections=6, use_regular_nms=True, nms_score_threshold=0.5)
    scores = np.array([[[0.9, 0.1], [0.2, 0.6], [0.1, 0.1]]], F32)
    model = detection_model(3, 2, opts, anchors=random_anchors(np.random.default_rng(1), 3))
    ours = compare(model, [np.zeros((1, 3, 4), F32), scores], opts, 2)
    assert ours[3].tolist() == [2.0]
    assert not ours[0][0, 2:].any() and not ours[2][0, 2:].any()


def test_fast_nms_leaves_stale_slots_like_tflm():
    """Invoke twice: slots the second run does not write keep the first run's detections."""
    runtime = pytest.importorskip("tflite_micro.python.tflite_micro.runtime")
    rng = np.random.default_rng(3)
    nb = 6
    opts = options(max_detections=5, num_classes=2, nms_score_threshold=0.5,
                   nms_iou_threshold=1.0)
    model = detection_model(nb, 2, opts, anchors=random_anchors(rng, nb))
    boxes = rng.standard_normal((1, nb, 4)).astype(F32)
    many = np.full((1, nb, 2), 0.9, F32)
    few = many.copy()
    few[0, 2:] = 0.1
    tflm = runtime.Interpreter.from_bytes(model, arena_size=1 << 20)
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    details = ours.get_input_details()
    for scores in (many, few):
        tflm.set_input(boxes, 0)
        tflm.set_input(scores, 1)
        tflm.invoke()
        ours.set_tensor(details[0]["index"], boxes)
        ours.set_tensor(details[1]["index"], scores)
        ours.invoke()
    out = [ours.get_tensor(d["index"]) for d in ours.get_output_details()]
    assert out[3].tolist() == [2.0]
    for i in range(4):    # the first run wrote all five slots: every byte is defined
        assert_same(out[i], np.array(tflm.get_output(i)), f"output {i}")


def test_no_boxes():
    for regular in (False, True):
        opts = options(use_regular_nms=regular)
        model = detection_model(0, 2, opts, anchors=np.zeros((0, 4), F32))
        ours = compare(model, [np.zeros((1, 0, 4), F32), np.zeros((1, 0, 2), F32)], opts, 2)
        assert ours[3].tolist() == [0.0]


def test_options_are_read_as_tflm_reads_them():
    """Integer scales, a float class count, absent detections_per_class (100) and
    use_regular_nms (false): FlexBuffer conversions as in flexbuffers.h."""
    rng = np.random.default_rng(5)
    nb = 8
    anchors = random_anchors(rng, nb)
    feeds = [rng.standard_normal((1, nb, 4)).astype(F32), rng.uniform(0, 1, (1, nb, 3)).astype(F32)]
    for opts in (options(y_scale=10, x_scale=10, h_scale=5, w_scale=5, num_classes=2.0),
                 options(detections_per_class=None, use_regular_nms=True),
                 options(use_regular_nms=None, max_detections=4),
                 options(use_regular_nms=1, nms_iou_threshold=1, num_classes=3)):
        model = detection_model(nb, 3, opts, anchors=anchors, slots=4)
        compare(model, feeds, {**opts, "num_classes": int(opts["num_classes"])},
                int(opts["num_classes"]))


def test_extreme_encodings():
    """exp overflow (infinite half sizes), subnormal and huge values: float bits as TFLM's."""
    rng = np.random.default_rng(11)
    nb = 16
    boxes = rng.standard_normal((1, nb, 4)).astype(F32)
    boxes[0, :4, 2:] = 4000.0                     # exp(800): infinite half sizes
    boxes[0, 8:12] *= 1e-40                       # subnormal encodings
    anchors = random_anchors(rng, nb)
    anchors[12:] = 1e-30                          # areas underflow to 0: IoU 0
    for regular in (False, True):
        opts = options(max_detections=8, use_regular_nms=regular, nms_iou_threshold=0.01,
                       h_scale=5.0, w_scale=5.0)
        model = detection_model(nb, 2, opts, anchors=anchors, slots=8)
        compare(model, [boxes, rng.uniform(0, 1, (1, nb, 2)).astype(F32)], opts, 2)


def test_invalid_decoded_box_fails_like_tflm():
    opts = options()
    anchors = random_anchors(np.random.default_rng(2), 4)
    boxes = np.zeros((1, 4, 4), F32)
    boxes[0, 1, 3] = -np.inf                      # zero width: xmin == xmax
    model = detection_model(4, 2, opts, anchors=anchors)
    feeds = [boxes, np.full((1, 4, 2), 0.5, F32)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds, n_outputs=4)
    with pytest.raises(ModelError, match=f"{NAME}.*decoded box 1"):
        run_model(model, feeds)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8])
def test_quantized_inputs_are_unsupported_as_in_tflm(dtype):
    """TFLM's kernel dequantizes nothing: its invoke fails on quantized boxes and scores."""
    info = np.iinfo(dtype)
    zp = 0 if dtype == np.int8 else 128
    model = detection_model(5, 2, box_type=dtype, score_type=dtype,
                            anchors=random_anchors(np.random.default_rng(0), 5),
                            quant={"boxes": {"scale": 0.05, "zero_point": zp},
                                   "scores": {"scale": 1 / 256, "zero_point": int(info.min)}})
    rng = np.random.default_rng(1)
    feeds = [rng.integers(info.min, info.max, (1, 5, 4)).astype(dtype),
             rng.integers(info.min, info.max, (1, 5, 2)).astype(dtype)]
    with pytest.raises(RuntimeError):
        run_tflm(model, feeds, n_outputs=4)
    with pytest.raises(UnsupportedOpError, match=f"{NAME}.*float32"):
        run_model(model, feeds)


@pytest.mark.parametrize("nb,columns,md,regular", [
    (5, 2, 3, False), (20, 5, 10, True), (191, 10, 10, True), (1, 3, 1, False), (7, 3, 9, True)])
def test_arena_equals_tflm(nb, columns, md, regular, capfd):
    """The eleven scratch buffers TFLM requests: the arena plan has TFLM's size."""
    opts = options(max_detections=md, num_classes=columns - 1, use_regular_nms=regular)
    model = detection_model(nb, columns, opts, anchors=random_anchors(np.random.default_rng(0), nb))
    ours = Interpreter(model_content=model)
    ours.allocate_tensors()
    assert ours.memory_plan().arena_bytes == tflm_head_bytes(model, capfd)


# -- validation ------------------------------------------------------------------------

def _bad_models():
    a5 = random_anchors(np.random.default_rng(0), 5)
    m = detection_model
    yield "two inputs", m(5, 2, anchors=a5, n_inputs=2)
    yield "boxes rank", m(5, 2, anchors=a5, box_shape=[5, 4])
    yield "boxes batch", m(5, 2, anchors=a5, box_shape=[2, 5, 4], score_shape=[2, 5, 2])
    yield "3 coordinates", m(5, 2, anchors=a5, encoding=3)
    yield "scores rank", m(5, 2, anchors=a5, score_shape=[5, 2])
    yield "scores boxes", m(5, 2, anchors=a5, score_shape=[1, 4, 2])
    yield "anchors rows", m(5, 2, anchors=random_anchors(np.random.default_rng(0), 4),
                            anchor_shape=[4, 4])
    yield "anchors columns", m(5, 2, anchors=np.zeros((5, 5), F32), anchor_shape=[5, 5])
    yield "anchors int8", m(5, 2, anchor_type=np.int8, anchors=np.zeros((5, 4), np.int8))
    yield "num_classes 0", m(5, 1, options(num_classes=0))
    yield "num_classes -1", m(5, 1, options(num_classes=-1))
    yield "too many columns", m(5, 4, options(num_classes=2))
    yield "too few columns", m(5, 1, options(num_classes=2))
    yield "max_detections 0", m(5, 2, options(max_detections=0), slots=1)
    yield "max_detections -3", m(5, 2, options(max_detections=-3), slots=1)
    yield "iou 0", m(5, 2, options(nms_iou_threshold=0.0))
    yield "iou 1.5", m(5, 2, options(nms_iou_threshold=1.5))
    yield "iou nan", m(5, 2, options(nms_iou_threshold=float("nan")))
    yield "detections_per_class 0", m(5, 2, options(use_regular_nms=True, detections_per_class=0))
    yield "max_classes_per_detection 0", m(5, 2, options(max_classes_per_detection=0))
    yield "int32 classes", m(5, 2, out_types=(F32, np.int32, F32, F32))
    yield "small boxes output", m(5, 2, out_shapes=[[1, 2, 4], [1, 3], [1, 3], [1]])
    yield "small scores output", m(5, 2, out_shapes=[[1, 3, 4], [1, 3], [1, 1], [1]])
    yield "empty num_detections", m(5, 2, out_shapes=[[1, 3, 4], [1, 3], [1, 3], [0]])
    yield "no custom options", m(5, 2, custom_options=None)
    yield "a vector, not a map", m(5, 2, custom_options=bytes(flexbuffers.Dumps([1, 2, 3])))
    yield "garbage options", m(5, 2, custom_options=b"\x01\x02\x03")
    yield "string option", m(5, 2, custom_options=flex({**options(), "num_classes": "2"}))
    yield "huge scratch", m(1000, 2, options(max_detections=100_000), slots=100_000)


BAD = dict(_bad_models())


@pytest.mark.parametrize("label", sorted(BAD))
def test_bad_model_is_a_typed_error(label):
    with pytest.raises((ModelError, UnsupportedOpError), match=NAME):
        Interpreter(model_content=BAD[label]).allocate_tensors()


def test_fast_nms_slot_past_the_output_is_an_error():
    """k=2 with outputs of max_detections slots: TFLM would write past them."""
    opts = options(max_detections=2, max_classes_per_detection=2, num_classes=2,
                   nms_iou_threshold=1.0, nms_score_threshold=0.5)
    model = detection_model(2, 2, opts, anchors=np.array([[0.2, 0.2, 0.1, 0.1],
                                                          [0.7, 0.7, 0.1, 0.1]], F32))
    # one box selected: slots 0 and 3, past an output of two slots
    with pytest.raises(ModelError, match=f"{NAME}.*slot 3"):
        run_model(model, [np.zeros((1, 2, 4), F32), np.array([[[0.9, 0.8], [0.0, 0.0]]], F32)])


def test_mutated_options_never_escape_as_other_errors():
    rng = np.random.default_rng(0)
    good = flex(options())
    for _ in range(300):
        data = bytearray(good)
        for pos in rng.integers(0, len(data), rng.integers(1, 4)):
            data[pos] = rng.integers(0, 256)
        model = detection_model(5, 2, custom_options=bytes(data),
                                anchors=random_anchors(np.random.default_rng(1), 5), slots=8)
        try:
            run_model(model, [np.zeros((1, 5, 4), F32), np.full((1, 5, 2), 0.5, F32)])
        except (ModelError, UnsupportedOpError) as e:
            assert NAME in str(e)


# -- semantics="tflite": LiteRT's kernel ---------------------------------------------------

def compare_litert(model: bytes, feeds, opts: dict) -> list[np.ndarray] | None:
    """semantics="tflite" against LiteRT: num_detections and every slot LiteRT writes
    (LiteRT leaves the others as its arena held them), or both fail. Returns ours."""
    try:
        ref = run_litert(model, feeds)
    except RuntimeError:
        with pytest.raises(ModelError, match=NAME):
            run_model(model, feeds, semantics="tflite")
        return None
    ours = run_model(model, feeds, semantics="tflite")
    assert_same(ours[3], ref[3], "num_detections")
    if opts["use_regular_nms"]:
        slots = np.arange(opts["max_detections"])
    else:
        k_max = opts["max_classes_per_detection"]
        i, c = np.divmod(np.arange(int(ref[3][0]) * min(k_max, opts["num_classes"])),
                         min(k_max, opts["num_classes"]))
        slots = k_max * i + c
    for i, what in enumerate(("boxes", "classes", "scores")):
        width = 4 if i == 0 else 1
        assert_same(ours[i].reshape(-1, width)[slots], ref[i].reshape(-1, width)[slots],
                    f"{what} (written slots)")
    return ours


@exploring(400)
@given(cases(), st.sampled_from([np.uint8, F32]), st.sampled_from([np.uint8, F32]))
def test_tflite_matches_litert(case, box_type, score_type):
    rng = np.random.default_rng(case["seed"])
    nb, opts = case["nb"], case["opts"]
    quant, feeds = {}, []
    if box_type == np.uint8:      # anchors are then read as uint8 too
        anchors = np.clip(np.round(random_anchors(rng, nb) / 0.005), 0, 255).astype(np.uint8)
        quant["anchors"] = {"scale": 0.005, "zero_point": 0}
        quant["boxes"] = {"scale": float(np.float32(case["spread"] / 40)), "zero_point": 128}
        feeds.append(rng.integers(0, 256, (1, nb, case["encoding"])).astype(np.uint8))
    else:
        anchors = random_anchors(rng, nb)
        feeds.append((rng.standard_normal((1, nb, case["encoding"]))
                      * case["spread"]).astype(F32))
    if score_type == np.uint8:
        quant["scores"] = {"scale": float(np.float32(1 / case["levels"])),
                           "zero_point": int(rng.integers(0, 60))}
        feeds.append(rng.integers(0, 256, (1, nb, case["columns"])).astype(np.uint8))
    else:
        feeds.append(rng.uniform(0, 1, (1, nb, case["columns"])).astype(F32))
    slots = opts["max_detections"] * opts["max_classes_per_detection"]
    model = detection_model(nb, case["columns"], opts, encoding=case["encoding"], slots=slots,
                            anchors=anchors, box_type=box_type, score_type=score_type,
                            anchor_type=box_type, quant=quant)
    compare_litert(model, feeds, opts)


def test_divergence_fast_nms_layout_and_empty_boxes():
    # Two classes per box: TFLM puts class c of box i in slot k * (i * k + c) + c and
    # counts boxes times k; LiteRT in slot k * i + c and counts boxes. A zero-size box
    # fails TFLM's invoke, LiteRT runs it.
    opts = options(max_detections=2, max_classes_per_detection=2, num_classes=2)
    anchors = np.array([[0.2, 0.2, 0.2, 0.2], [0.7, 0.7, 0.2, 0.2]], F32)
    model = detection_model(2, 2, opts, slots=8, anchors=anchors)
    boxes = np.zeros((1, 2, 4), F32)
    scores = np.array([[[0.9, 0.1], [0.2, 0.8]]], F32)
    tflm = run_tflm(model, [boxes, scores], n_outputs=4)
    ours_tflm = run_model(model, [boxes, scores])
    ours = compare_litert(model, [boxes, scores], opts)
    assert tflm[3][0] == ours_tflm[3][0] == 4 and ours[3][0] == 2
    assert tflm[1][0, [0, 3, 4, 7]].tolist() == ours_tflm[1][0, [0, 3, 4, 7]].tolist() == \
        [0, 1, 1, 0]
    assert ours[1][0, :4].tolist() == [0, 1, 1, 0]
    empty = np.array([[[0, 0, -100, 0], [0, 0, 0, 0]]], F32)    # box 0: exp(-20) * 0.1 = 0
    with pytest.raises(RuntimeError):
        run_tflm(model, [empty, scores], n_outputs=4)
    with pytest.raises(ModelError, match=f"{NAME}.*decoded box 0"):
        run_model(model, [empty, scores])
    compare_litert(model, [empty, scores], opts)
