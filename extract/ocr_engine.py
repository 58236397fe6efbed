"""Text recognition behind one small interface: an image in, recognised text boxes out.

`OcrEngine` is what the OCR stage calls; `RapidOcrEngine` implements it with rapidocr-onnxruntime,
whose wheel carries the PP-OCR models (works offline). The model is loaded once per process, on
first use (`engine()`), never per page: batch workers call `warm_up()` when they start.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class OcrBox:
    """One recognised run of text: its box in pixels of the image given (x0, top, x1, bottom)."""

    text: str
    box_px: tuple[float, float, float, float]
    confidence: float  # in [0, 1]
    # each character of `text` (spaces left out) with the x of its middle, in pixels; empty when
    # the engine cannot place characters
    centers: tuple[tuple[str, float], ...] = ()


Box = tuple[float, float, float, float]  # x0, top, x1, bottom in pixels
MIN_SCORE = 0.5  # readings of detected lines below this are mostly noise (rapidocr's own default)


class OcrEngine(Protocol):
    """Detection and recognition apart, so the caller can cut detected lines (at table rules,
    at word gaps) before they are read."""

    def detect(self, image: np.ndarray) -> list[Box]:
        """Boxes of the text lines of an upright image (H×W uint8 grayscale)."""
        ...

    def read(self, image: np.ndarray, boxes: list[Box]) -> list[OcrBox]:
        """The text in each box, one OcrBox per box in the same order (text may be empty); the
        caller decides which confidence is enough."""
        ...


def recognize(engine: OcrEngine, image: np.ndarray) -> list[OcrBox]:
    """Detect and read every text line of an image; empty readings dropped."""
    return [b for b in engine.read(image, engine.detect(image)) if b.text and b.confidence >= MIN_SCORE]


class RapidOcrEngine:
    """PP-OCRv4 detection + recognition through onnxruntime.

    Pages reach it deskewed and upright, so the angle classifier is skipped. Detection runs on the
    page scaled down to `det_max_side` pixels (text lines stay well above the detector's minimum
    size at that scale; four times cheaper than full size); recognition reads full-size crops,
    one at a time: batching pads every crop to the widest of its batch, which costs more than it
    saves on CPUs without AVX2.
    """

    def __init__(self, threads: int = 1, det_max_side: int = 1200) -> None:
        from rapidocr_onnxruntime import RapidOCR  # heavy import: only when an engine is built

        self._ocr = RapidOCR(
            intra_op_num_threads=threads, inter_op_num_threads=1, rec_batch_num=1, use_cls=False,
        )
        self._det_max_side = det_max_side
        _note_load()

    def detect(self, image: np.ndarray) -> list[Box]:
        small, ratio = _shrunk(_rgb(image), self._det_max_side)
        quads, _ = self._ocr.text_det(small)
        if quads is None or len(quads) == 0:
            return []
        out = []
        for quad in quads:
            xs, ys = np.asarray(quad)[:, 0] / ratio, np.asarray(quad)[:, 1] / ratio
            out.append((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
        return out

    def read(self, image: np.ndarray, boxes: list[Box]) -> list[OcrBox]:
        h, w = image.shape[:2]
        crops, kept = [], []
        for i, (x0, top, x1, bottom) in enumerate(boxes):
            a, b = max(0, int(x0)), min(w, int(np.ceil(x1)))
            c, d = max(0, int(top)), min(h, int(np.ceil(bottom)))
            if b - a >= 2 and d - c >= 2:
                crops.append(_rgb(image[c:d, a:b]))
                kept.append(i)
        out = [OcrBox("", box, 0.0) for box in boxes]
        if crops:
            recognised, _ = self._ocr.text_rec(crops, True)
            for i, crop, (text, score, *info) in zip(kept, crops, recognised):
                if text.strip():
                    left = max(0, int(boxes[i][0]))
                    out[i] = OcrBox(text.strip(), boxes[i], float(score), _centers(text, info, crop.shape[1], left))
        return out

    def recognize(self, image: np.ndarray) -> list[OcrBox]:
        return recognize(self, image)


LOAD_LOG_ENV = "BUDGETPERF_OCR_LOAD_LOG"


def _note_load() -> None:
    """With BUDGETPERF_OCR_LOAD_LOG set, each model load appends this process's pid to that file,
    so a test can count loads across pool workers (tests/test_extract_ocr.py)."""
    path = os.environ.get(LOAD_LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")


def _centers(text: str, info: list, width: int, left: float) -> tuple[tuple[str, float], ...]:
    """Characters with their middles from the recogniser's CTC columns (each column is 8 input
    pixels of the crop scaled to the model's height; `col_num` columns span the crop)."""
    if not info or not info[0]:
        return ()
    col_num, words, cols = info[0][0], info[0][1], info[0][2]
    chars = [(ch, left + (col + 0.5) * width / col_num) for word, cs in zip(words, cols) for ch, col in zip(word, cs)]
    chars = [(ch, x) for ch, x in chars if not ch.isspace()]
    if "".join(ch for ch, _ in chars) != "".join(text.split()):
        return ()
    return tuple(chars)


def _rgb(image: np.ndarray) -> np.ndarray:
    return np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image


def _shrunk(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """The image scaled so its longer side is at most `max_side`, and the scale used."""
    import cv2

    h, w = image.shape[:2]
    ratio = min(1.0, max_side / max(h, w))
    if ratio >= 1.0:
        return image, 1.0
    return cv2.resize(image, (round(w * ratio), round(h * ratio)), interpolation=cv2.INTER_AREA), ratio


@functools.lru_cache(maxsize=4)
def engine(threads: int = 1, det_max_side: int = 1200) -> OcrEngine:
    """The process-wide RapidOCR engine for these parameters (built on first call)."""
    return RapidOcrEngine(threads=threads, det_max_side=det_max_side)
