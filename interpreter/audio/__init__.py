"""Audio: TFLM's micro_speech keyword-spotting pipeline (``tinyml listen``)."""
from .pipeline import LABELS
from .pipeline import Clip
from .pipeline import KeywordSpotter
from .pipeline import PipelineError
from .pipeline import listen
from .wav import WavFormatError
from .wav import read_wav

__all__ = ["LABELS", "Clip", "KeywordSpotter", "PipelineError", "WavFormatError", "listen",
           "read_wav"]
