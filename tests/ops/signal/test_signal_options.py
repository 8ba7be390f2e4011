"""Signal ops' FlexBuffer options: read as TFLM reads them, refused when TFLM would misread.

TFLM's kernels read option ``i`` as the i-th value of the map (keys sorted),
as raw integer bytes, without checks. Encodings that TFLM reads as intended
but that are unusual (values of another FlexBuffer width or type, keys after
the ones read) must give TFLM's numbers; a buffer TFLM would misread or read
out of bounds must be a ModelError naming the op, and no byte string may
escape as another exception.
"""
from __future__ import annotations

import numpy as np
import pytest
from budgets import budgets
from budgets import explore
from flatbuffers import flexbuffers
from hypothesis import strategies as st
from signal_cases import Pair
from signal_cases import flex
from signal_cases import signal_model
from single_op import T
from single_op import assert_same

from interpreter import Interpreter
from interpreter import ModelError
from interpreter import UnsupportedOpError

I16, U32 = np.int16, np.uint32

#: a small valid model per op that reads options: (inputs, outputs, options, feeds)
MODELS = {
    "SignalWindow": ([T(I16, [8]), T(I16, [8], data=np.arange(8) * 999)], [T(I16, [8])],
                     {"shift": 3}),
    "SignalRfft": ([T(I16, [8])], [T(I16, [10])], {"T": 7, "fft_length": 8}),
    "SignalIrfft": ([T(I16, [10])], [T(I16, [8])], {"T": 7, "fft_length": 8}),
    "SignalEnergy": ([T(I16, [8])], [T(U32, [4])], {"end_index": 4, "start_index": 0}),
    "SignalFilterBank": (
        [T(U32, [6]), T(I16, [4], data=[1000, 2000, 3000, 4000]),
         T(I16, [4], data=[4000, 3000, 2000, 1000]), T(I16, [3], data=[0, 1, 3]),
         T(I16, [3], data=[0, 1, 2]), T(I16, [3], data=[1, 2, 2])],
        [T(np.uint64, [2])], {"num_channels": 2}),
    "SignalFilterBankSpectralSubtraction": (
        [T(U32, [4])], [T(U32, [4]), T(U32, [4])],
        {"alternate_one_minus_smoothing": 15401, "alternate_smoothing": 983,
         "clamping": True, "min_signal_remaining": 819, "num_channels": 4,
         "one_minus_smoothing": 15975, "smoothing": 409, "smoothing_bits": 10,
         "spectral_subtraction_bits": 14}),
    "SignalPCAN": ([T(U32, [4]), T(U32, [4]), T(I16, [125], data=np.arange(125) * 100)],
                   [T(U32, [4])], {"snr_shift": 6}),
    "SignalFilterBankLog": ([T(U32, [4])], [T(I16, [4])],
                            {"input_correction_bits": 3, "output_scale": 64}),
    "SignalFramer": ([T(I16, [4])], [T(I16, [2, 6]), T(np.bool_, [])],
                     {"frame_size": 6, "frame_step": 2, "prefill": True}),
    "SignalOverlapAdd": ([T(I16, [2, 6])], [T(I16, [4])], {"T": 7, "frame_step": 2}),
    # no right context: every invoke outputs a stack (an invalid one writes nothing)
    "SignalStacker": ([T(I16, [3])], [T(I16, [9]), T(np.bool_, [])],
                      {"num_channels": 3, "stacker_left_context": 2,
                       "stacker_right_context": 0, "stacker_step": 1}),
    "SignalDelay": ([T(I16, [5])], [T(I16, [5])], {"delay_length": 3}),
}
CODES = sorted(MODELS)


def model(code: str, options) -> bytes:
    ins, outs, _ = MODELS[code]
    return signal_model(code, ins, outs, options)


def feeds(code: str, rng) -> list[np.ndarray]:
    ins = MODELS[code][0]
    return [rng.integers(0, 3000, t.shape).astype(t.dtype) for t in ins if t.data is None]


def same_as_tflm(code: str, options, invokes: int = 3) -> None:
    pair = Pair(model(code, options))
    rng = np.random.default_rng(0)
    for k in range(invokes):
        ours, ref = pair.invoke(feeds(code, rng))
        for i, (a, r) in enumerate(zip(ours, ref)):
            assert_same(a, r, f"{code} invoke {k} output {i}")


def encode(entries: dict, widths: dict | None = None) -> bytes:
    """A map with chosen value encodings: ``widths`` key -> "uint", "bool", "null", "wide"."""
    widths = widths or {}
    b = flexbuffers.Builder()
    with b.Map():
        for key in sorted(entries):
            how, value = widths.get(key), entries[key]
            b.Key(key)
            if how == "uint":
                b.UInt(value)
            elif how == "bool":
                b.Bool(bool(value))
            elif how == "null":
                b.Null()
            else:
                b.Int(value)
    return bytes(b.Finish())


@pytest.mark.parametrize("code", CODES)
def test_valid_options_match_tflm(code):
    same_as_tflm(code, MODELS[code][2])


@pytest.mark.parametrize("code", CODES)
def test_unusual_but_valid_encodings_match_tflm(code):
    """Unsigned and wide values, and keys after the ones the kernel reads, read as TFLM."""
    opts = dict(MODELS[code][2])
    same_as_tflm(code, encode(opts, {k: "uint" for k, v in opts.items()
                                     if isinstance(v, int) and not isinstance(v, bool)
                                     and v >= 0}))
    # "zz" sorts last: TFLM never reads it; its 64-bit value widens every element.
    same_as_tflm(code, encode({**opts, "zz_unused": 1 << 40}))


def test_bool_options_read_as_integers_and_null_as_zero():
    opts = dict(MODELS["SignalFramer"][2], prefill=1)
    same_as_tflm("SignalFramer", encode(opts))
    opts = dict(MODELS["SignalFilterBankSpectralSubtraction"][2], clamping=0)
    same_as_tflm("SignalFilterBankSpectralSubtraction",
                 encode(opts, {"clamping": "null"}))


@pytest.mark.parametrize("code", CODES)
def test_missing_options_are_refused(code):
    for options in (None, b"", flex({})):
        with pytest.raises(ModelError, match=code):
            Interpreter(model_content=model(code, options)).allocate_tensors()


@pytest.mark.parametrize("code", CODES)
def test_options_tflm_would_misread_are_refused(code):
    opts = MODELS[code][2]
    first = min(opts)
    cases = {
        "an extra key before the ones read shifts them": {**opts, "AAA": 1},
        "a float value is read as integer bytes": {**opts, first: 1.0},
        "a string value is an offset": {**opts, first: "7"},
        "a vector root is not a map": [1, 2, 3],
    }
    for options in cases.values():
        with pytest.raises(ModelError, match=code):
            Interpreter(model_content=model(code, flex(options))).allocate_tensors()


def test_key_check_names_the_position():
    with pytest.raises(ModelError, match="custom option 0 is 'shift2'; TFLM reads position 0 "
                                         "as 'shift'"):
        Interpreter(model_content=model("SignalWindow", {"shift2": 3})).allocate_tensors()


def test_fft_type_option_picks_the_kernel():
    with pytest.raises(UnsupportedOpError, match="SignalRfft.*option 'T' is tensor type 1"):
        Interpreter(model_content=model("SignalRfft", {"T": 1, "fft_length": 8})
                    ).allocate_tensors()


@st.composite
def hostile(draw):
    code = draw(st.sampled_from(CODES))
    data = bytearray(flex(MODELS[code][2]))
    how = draw(st.sampled_from(["flip", "truncate", "random", "splice"]))
    if how == "flip":
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif how == "truncate":
        data = data[draw(st.integers(0, len(data) - 1)):]
    elif how == "random":
        data = bytearray(draw(st.binary(max_size=64)))
    else:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut:]
    return code, bytes(data)


def run_hostile(case) -> None:
    code, data = case
    try:
        Interpreter(model_content=model(code, data)).allocate_tensors()
    except (ModelError, UnsupportedOpError) as e:
        assert code in str(e)


@budgets(ci=40, slow=2000)
def test_hostile_options_give_typed_errors(examples):
    explore(examples, hostile(), run_hostile)
