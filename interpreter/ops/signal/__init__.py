"""TFLM's "Signal" custom operators (``signal/micro/kernels``): the audio front end.

One module per operator, registered as ``CUSTOM:Signal<Name>`` like the other
custom op (DETECTION_POSTPROCESS). Options arrive as a FlexBuffer map read by
``options``; the fixed-point arithmetic shared between ops lives in
``interpreter.arith.signal`` and ``interpreter.arith.kiss_fft``.

State kept across invokes (noise estimates, delay lines, framer and stacker
buffers, overlap-add tails) is TFLM's persistent memory: arrays the op owns,
outside the planned arena, put back to their initial value by ``reset``
(TFLM's registration ``reset``, which ``AllocateTensors`` and
``MicroInterpreter::Reset`` call).
"""
import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
