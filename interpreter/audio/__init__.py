"""Audio: TFLM's micro_speech keyword-spotting pipeline (``tinyml listen``)."""
from .pipeline import LABELS, Clip, KeywordSpotter, PipelineError, listen
from .wav import WavFormatError, read_wav

__all__ = ["LABELS", "Clip", "KeywordSpotter", "PipelineError", "WavFormatError", "listen",
           "read_wav"]
