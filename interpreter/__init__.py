"""tinyml-interpreter: a bit-exact Python golden model of TensorFlow Lite Micro.

    from interpreter import Interpreter
    interp = Interpreter(model_path="model.tflite")
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    y = interp.get_tensor(interp.get_output_details()[0]["index"])
"""
from .errors import EvalError
from .errors import ModelError
from .errors import PlanError
from .errors import TflmQuirkWarning
from .errors import UnsupportedOpError
from .interpreter import Interpreter
from .parse.loader import load_model
from .parse.loader import load_model_file

__version__ = "0.1.0"
__all__ = ["EvalError", "Interpreter", "ModelError", "PlanError", "TflmQuirkWarning", "UnsupportedOpError",
           "load_model", "load_model_file", "__version__"]
