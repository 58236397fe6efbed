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
    one at a time: even crops of one width cost more per crop in a batch (measured on this
    machine's AVX-512 cores with one thread: 2 crops of 320 px 35 ms each, alone 27 ms).
    Both models run with their elementwise chains folded into the convolutions
    (`fold_affine_chains`): the same function (every box of the seed and real scans reads the
    same text), recognition in about half the time and detection in ~60%.
    """

    def __init__(self, threads: int = 1, det_max_side: int = 1200, fold: bool = True) -> None:
        from rapidocr_onnxruntime import RapidOCR  # heavy import: only when an engine is built

        self._ocr = RapidOCR(
            intra_op_num_threads=threads, inter_op_num_threads=1, rec_batch_num=1, use_cls=False,
        )
        try:
            self.folded = _fold_sessions(self._ocr, threads) if fold else 0  # fold=False: as bundled (bench)
        except Exception:  # rapidocr's session wrapper is not its public API: if it moved, run as shipped
            self.folded = 0
        self._det_max_side = det_max_side
        _note_load()

    def detect(self, image: np.ndarray) -> list[Box]:
        small, ratio = _shrunk(image, self._det_max_side)
        quads = _det_quads(self._ocr.text_det, small) if small.ndim == 2 else self._ocr.text_det(small)[0]
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


def _det_quads(det, gray: np.ndarray):
    """rapidocr's TextDetector.__call__ on a grayscale image, without its RGB copy and float64
    normalisation of the whole page (a few hundredths of a second a page): the same resize, and
    the same normalised values, looked up per grey level."""
    h, w = gray.shape
    pre = det.get_preprocess(max(h, w))
    resized = pre.resize(gray)
    if resized is None:
        return None
    levels = np.arange(256).astype("float32") * pre.scale  # as DetPreProcess.normalize computes
    x = np.stack([((levels - m) / sd).astype(np.float32)[resized] for m, sd in zip(pre.mean, pre.std)])
    quads, _ = det.postprocess_op(det.infer(x[None])[0], (h, w))
    return det.filter_tag_det_res(quads, (h, w))


def _fold_sessions(ocr, threads: int) -> int:
    """Swap rapidocr's detection and recognition sessions for ones on folded copies of the same
    model files, with the same session options; a folded model whose output on a probe input
    strays from the original's keeps the original. The number of sessions swapped."""
    from onnxruntime import InferenceSession
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path
    from rapidocr_onnxruntime.utils.infer_engine import OrtInferSession

    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
    options = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
    swapped = 0
    # rapidocr turns onnxruntime's memory arena off; for recognition it pays (~9% with
    # crops of many widths: buffers are reused, not allocated per call), and its inputs are
    # small (48 px high); the detector's, a whole page, would stay reserved after each page
    for holder, attr, part, probe_shape, arena in ((ocr.text_det, "infer", "Det", (1, 3, 96, 96), False),
                                                   (ocr.text_rec, "session", "Rec", (1, 3, 48, 320), True)):
        wrapper = getattr(holder, attr)
        with open(config[part]["model_path"], "rb") as f:
            folded, count = fold_affine_chains(f.read())
        if not count:
            continue
        session_options = OrtInferSession._init_sess_opts(options)
        session_options.enable_cpu_mem_arena = arena
        session = InferenceSession(folded, sess_options=session_options, providers=wrapper._get_ep_list())
        probe = np.random.default_rng(0).uniform(-1, 1, probe_shape).astype(np.float32)
        name = session.get_inputs()[0].name
        want, got = wrapper.session.run(None, {name: probe})[0], session.run(None, {name: probe})[0]
        if want.shape == got.shape and float(np.abs(want - got).max()) <= _FOLD_TOLERANCE:
            wrapper.session = session
            swapped += 1
    return swapped


_FOLD_TOLERANCE = 1e-4  # outputs are probabilities; folding moves them by ~1e-6


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


_FLOAT, _INT, _TENSOR = 1, 2, 4  # onnx AttributeProto.AttributeType
_TENSOR_FLOAT = 1  # onnx TensorProto.DataType


@functools.lru_cache(maxsize=1)
def _onnx_messages():
    """ModelProto, NodeProto, AttributeProto, TensorProto: the few fields of onnx.proto this pass
    reads or writes, declared over protobuf (onnxruntime's own dependency; the onnx package is
    not needed). Fields not declared are kept as unknown fields and written back unchanged."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="budgetperf_onnx_min.proto", package="bponnx", syntax="proto2")

    def message(name, fields):
        m = fdp.message_type.add(name=name)
        for fname, number, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                f.type_name = ".bponnx." + type_name
            if ftype in (F.TYPE_INT64, F.TYPE_FLOAT) and label == F.LABEL_REPEATED:
                f.options.packed = fname == "float_data"  # as onnx.proto declares them

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    message("TensorProto", [("dims", 1, F.TYPE_INT64, rep, None), ("data_type", 2, F.TYPE_INT32, opt, None),
                            ("float_data", 4, F.TYPE_FLOAT, rep, None), ("name", 8, F.TYPE_STRING, opt, None),
                            ("raw_data", 9, F.TYPE_BYTES, opt, None)])
    message("AttributeProto", [("name", 1, F.TYPE_STRING, opt, None), ("f", 2, F.TYPE_FLOAT, opt, None),
                               ("i", 3, F.TYPE_INT64, opt, None),
                               ("t", 5, F.TYPE_MESSAGE, opt, "TensorProto"), ("ints", 8, F.TYPE_INT64, rep, None),
                               ("s", 4, F.TYPE_BYTES, opt, None), ("type", 20, F.TYPE_INT32, opt, None)])
    message("NodeProto", [("input", 1, F.TYPE_STRING, rep, None), ("output", 2, F.TYPE_STRING, rep, None),
                          ("name", 3, F.TYPE_STRING, opt, None), ("op_type", 4, F.TYPE_STRING, opt, None),
                          ("attribute", 5, F.TYPE_MESSAGE, rep, "AttributeProto"),
                          ("domain", 7, F.TYPE_STRING, opt, None)])
    message("GraphProto", [("node", 1, F.TYPE_MESSAGE, rep, "NodeProto"),
                           ("initializer", 5, F.TYPE_MESSAGE, rep, "TensorProto"),
                           ("output", 12, F.TYPE_MESSAGE, rep, "ValueInfoProto")])
    message("ValueInfoProto", [("name", 1, F.TYPE_STRING, opt, None)])
    message("ModelProto", [("graph", 7, F.TYPE_MESSAGE, opt, "GraphProto")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return {n: message_factory.GetMessageClass(pool.FindMessageTypeByName("bponnx." + n))
            for n in ("ModelProto", "NodeProto", "AttributeProto", "TensorProto")}


def _tensor_array(t) -> np.ndarray | None:
    if t.data_type != _TENSOR_FLOAT:
        return None
    data = np.frombuffer(t.raw_data, dtype="<f4") if t.raw_data else np.asarray(t.float_data, dtype=np.float32)
    return data.reshape(tuple(t.dims))


class _Folder:
    """One pass over a model's nodes; see fold_affine_chains."""

    def __init__(self, model, msgs) -> None:
        self.msgs, self.graph = msgs, model.graph
        self.nodes = list(self.graph.node)
        self.consts: dict[str, np.ndarray] = {}
        for n in self.nodes:
            if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
                arr = _tensor_array(n.attribute[0].t)
                if arr is not None:
                    self.consts[n.output[0]] = arr
        for t in self.graph.initializer:
            arr = _tensor_array(t)
            if arr is not None:
                self.consts[t.name] = arr
        self.keep_names = {o.name for o in self.graph.output}
        self.users: dict[str, list] = {}
        for n in self.nodes:
            for name in n.input:
                self.users.setdefault(name, []).append(n)
        self.dropped: set[int] = set()
        self.new_consts: list = []
        self.replaced: dict[int, list] = {}
        self.count = 0

    def only_user(self, name: str, op_type: str):
        users = self.users.get(name, [])
        if len(users) == 1 and users[0].op_type == op_type and not users[0].domain \
                and id(users[0]) not in self.dropped and name not in self.keep_names:
            return users[0]
        return None

    def scalar_operand(self, node, other: str) -> float | None:
        """The constant one-element operand of a binary node whose other operand is `other`."""
        if len(node.input) != 2 or other not in node.input:
            return None
        return self.scalar(node.input[1] if node.input[0] == other else node.input[0])

    def scalar(self, name: str) -> float | None:
        """The value of a one-element constant of at most one dimension (so that broadcasting it
        cannot change a result's shape), else None."""
        arr = self.consts.get(name)
        return float(arr.reshape(-1)[0]) if arr is not None and arr.size == 1 and arr.ndim <= 1 else None

    def const(self, hint: str, value: np.ndarray) -> str:
        name = f"{hint}__folded{len(self.new_consts)}"
        t = self.msgs["TensorProto"](name=name, data_type=_TENSOR_FLOAT, dims=list(value.shape),
                                     raw_data=np.ascontiguousarray(value, dtype="<f4").tobytes())
        attr = self.msgs["AttributeProto"](name="value", type=_TENSOR, t=t)
        self.new_consts.append(self.msgs["NodeProto"](output=[name], name=name, op_type="Constant", attribute=[attr]))
        self.consts[name] = value
        return name

    def conv_weights(self, conv):
        w = self.consts.get(conv.input[1]) if len(conv.input) > 1 else None
        b = self.consts.get(conv.input[2]) if len(conv.input) > 2 else None
        if w is None or w.ndim != 4 or (len(conv.input) > 2 and b is None):
            return None, None
        return w.astype(np.float64), (np.zeros(w.shape[0]) if b is None else b.astype(np.float64))

    def set_conv(self, conv, w: np.ndarray, b: np.ndarray) -> None:
        conv.input[1] = self.const(conv.input[1], w.astype(np.float32))
        bias = self.const(conv.output[0] + "_bias", b.astype(np.float32))
        if len(conv.input) > 2:
            conv.input[2] = bias
        else:
            conv.input.append(bias)

    def affine_after_conv(self) -> None:
        """Conv → Mul(s) → Add(b) becomes one Conv with weights s·W and bias s·B + b."""
        for conv in self.nodes:
            if conv.op_type != "Conv" or conv.domain or id(conv) in self.dropped:
                continue
            w, b = self.conv_weights(conv)
            mul = self.only_user(conv.output[0], "Mul") if w is not None else None
            s = self.scalar_operand(mul, conv.output[0]) if mul is not None else None
            add = self.only_user(mul.output[0], "Add") if s is not None else None
            c = self.scalar_operand(add, mul.output[0]) if add is not None else None
            if c is None:
                continue
            self.set_conv(conv, w * s, b * s + c)
            conv.output[0] = add.output[0]
            self.dropped |= {id(mul), id(add)}
            self.count += 1

    def hardswish(self) -> None:
        """x → Add(3) → Clip(0, 6) → Mul(x, ·) → Div(6) becomes Mul(x, HardSigmoid(x)), the
        same function, which onnxruntime fuses into the Conv before it."""
        for add in self.nodes:
            if add.op_type != "Add" or add.domain or id(add) in self.dropped or len(add.input) != 2:
                continue
            x = add.input[0] if add.input[1] in self.consts else add.input[1]
            if self.scalar_operand(add, x) != 3.0:
                continue
            clip = self.only_user(add.output[0], "Clip")
            if clip is None or len(clip.input) != 3 or clip.input[0] != add.output[0] \
                    or (self.scalar(clip.input[1]), self.scalar(clip.input[2])) != (0.0, 6.0):
                continue
            mul = self.only_user(clip.output[0], "Mul")
            if mul is None or sorted(mul.input) != sorted([x, clip.output[0]]):
                continue
            div = self.only_user(mul.output[0], "Div")
            if div is None or div.input[0] != mul.output[0] or self.scalar_operand(div, mul.output[0]) != 6.0:
                continue
            gate = div.output[0] + "_gate"
            alpha = self.msgs["AttributeProto"](name="alpha", type=_FLOAT, f=1.0 / 6.0)
            beta = self.msgs["AttributeProto"](name="beta", type=_FLOAT, f=0.5)
            NodeProto = self.msgs["NodeProto"]
            self.replaced[id(div)] = [
                NodeProto(input=[x], output=[gate], name=gate, op_type="HardSigmoid", attribute=[alpha, beta]),
                NodeProto(input=[x, gate], output=[div.output[0]], name=div.output[0], op_type="Mul"),
            ]
            self.dropped |= {id(add), id(clip), id(mul)}
            self.count += 1

    def affine_before_conv(self) -> None:
        """Mul(s) → Add(b) → Conv: s goes into the weights; b into the bias where the conv has no
        padding and 1×1 kernels. Before a padded conv, b cannot go into its bias (the padding
        would be shifted too), so b / s stays a shift of its input, written as a 1×1 depthwise
        Conv (weights 1, bias b / s: the same sums) because onnxruntime keeps a Conv in its
        blocked layout, where an Add costs two layout reorders besides its own pass."""
        for mul in self.nodes:
            if mul.op_type != "Mul" or mul.domain or id(mul) in self.dropped or len(mul.input) != 2:
                continue
            h = mul.input[0] if mul.input[1] in self.consts else mul.input[1]
            s = self.scalar_operand(mul, h)
            add = self.only_user(mul.output[0], "Add") if s else None
            c = self.scalar_operand(add, mul.output[0]) if add is not None else None
            conv = self.only_user(add.output[0], "Conv") if c is not None else None
            if conv is None or conv.input[0] != add.output[0]:
                continue
            w, b = self.conv_weights(conv)
            if w is None:
                continue
            attrs = {a.name: a for a in conv.attribute}
            unpadded = not any(attrs["pads"].ints) if "pads" in attrs else True
            if "auto_pad" in attrs and attrs["auto_pad"].s not in (b"", b"NOTSET", b"VALID"):
                unpadded = False
            if unpadded and w.shape[2:] == (1, 1):
                self.set_conv(conv, w * s, b + c * w.sum(axis=(1, 2, 3)))
                conv.input[0] = h
                self.dropped |= {id(mul), id(add)}
            else:
                self.set_conv(conv, w * s, b)
                group = attrs["group"].i if "group" in attrs else 1
                channels = w.shape[1] * group
                shift = self.msgs["NodeProto"](
                    input=[h, self.const(add.output[0] + "_one", np.ones((channels, 1, 1, 1), np.float32)),
                           self.const(add.output[0] + "_shift", np.full(channels, c / s, np.float32))],
                    output=[add.output[0]], name=add.output[0] + "_shift", op_type="Conv",
                    attribute=[self.msgs["AttributeProto"](name="group", type=_INT, i=channels)])
                self.replaced[id(add)] = [shift]
                self.dropped.add(id(mul))
            self.count += 1

    def write(self) -> None:
        out = list(self.new_consts)
        for n in self.nodes:
            if id(n) in self.replaced:
                out += self.replaced[id(n)]
            elif id(n) not in self.dropped:
                out.append(n)
        used = {name for n in out for name in n.input} | self.keep_names
        out = [n for n in out if n.op_type != "Constant" or n.output[0] in used]
        del self.graph.node[:]
        self.graph.node.extend(out)


def fold_affine_chains(model_bytes: bytes) -> tuple[bytes, int]:
    """An ONNX model with the elementwise chains of PP-LCNetV3 (PP-OCRv4's backbone) folded into
    its convolutions, and the number of chains folded.

    Paddle2onnx writes each learnable affine block (s·x + b) and each hardswish as separate Mul,
    Add, Clip and Div nodes over whole feature maps; onnxruntime fuses none of them, and between
    its blocked-layout convolutions every one costs a pass in the plain layout plus two layout
    reorders: half the recogniser's time. Folded, they become conv weights and biases, and
    hardswish takes the form (x · HardSigmoid(x)) that onnxruntime fuses into the Conv. Every
    step is an identity of real arithmetic; float rounding moves outputs by ~1e-6.
    """
    msgs = _onnx_messages()
    model = msgs["ModelProto"].FromString(model_bytes)
    folder = _Folder(model, msgs)
    folder.affine_after_conv()
    folder.hardswish()
    folder.affine_before_conv()
    folder.write()
    return model.SerializeToString(), folder.count


def engine(threads: int = 1, det_max_side: int = 1200, fold: bool = True) -> OcrEngine:
    """The process-wide RapidOCR engine for these parameters (built on first call)."""
    return _engine(threads, det_max_side, fold)  # one cache key however the caller spells them


@functools.lru_cache(maxsize=4)
def _engine(threads: int, det_max_side: int, fold: bool) -> OcrEngine:
    return RapidOcrEngine(threads=threads, det_max_side=det_max_side, fold=fold)
