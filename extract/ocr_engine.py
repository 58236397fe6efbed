"""Text recognition behind one small interface: an image in, recognised text boxes out.

`OcrEngine` is what the OCR stage calls; `RapidOcrEngine` implements it with rapidocr-onnxruntime,
whose wheel carries the PP-OCR models (works offline). The model is loaded once per process, on
first use (`engine()`), never per page: batch workers call `warm_up()` when they start.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class OcrBox:
    """One recognised run of text: its box in pixels of the image given (x0, top, x1, bottom)."""

    text: str
    box_px: tuple[float, float, float, float]
    confidence: float  # in [0, 1]


class OcrEngine(Protocol):
    def recognize(self, image: np.ndarray) -> list[OcrBox]:
        """Text boxes of an image (H×W grayscale or H×W×3 RGB, uint8), in no particular order."""
        ...


class RapidOcrEngine:
    """PP-OCRv4 detection + recognition through onnxruntime.

    Pages reach it deskewed and upright, so the angle classifier is skipped. Detection runs on the
    page scaled down to `det_max_side` pixels (text lines stay well above the detector's minimum
    size at that scale; four times cheaper than full size); recognition crops come from the full image.
    Crops are recognised one at a time: batching pads every crop to the widest of its batch, which
    costs more than it saves on CPUs without AVX2.
    """

    def __init__(self, threads: int = 1, det_max_side: int = 1200, min_score: float = 0.5) -> None:
        from rapidocr_onnxruntime import RapidOCR  # heavy import: only when an engine is built

        self._ocr = RapidOCR(
            intra_op_num_threads=threads, inter_op_num_threads=1, rec_batch_num=1,
            text_score=min_score, use_cls=False,
        )
        self._det_max_side = det_max_side
        self._min_score = min_score

    def recognize(self, image: np.ndarray) -> list[OcrBox]:
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        small, ratio = _shrunk(image, self._det_max_side)
        dt_boxes, _ = self._ocr.text_det(small)
        if dt_boxes is None or len(dt_boxes) == 0:
            return []
        dt_boxes = [np.asarray(b, dtype=np.float32) / ratio for b in dt_boxes]
        crops = self._ocr.get_crop_img_list(image, dt_boxes)
        recognised, _ = self._ocr.text_rec(crops, False)
        out = []
        for quad, (text, score, *_) in zip(dt_boxes, recognised):
            text = text.strip()
            if not text or float(score) < self._min_score:
                continue
            xs, ys = quad[:, 0], quad[:, 1]
            out.append(OcrBox(text, (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), float(score)))
        return out


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
