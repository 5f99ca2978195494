"""Image models, each loaded once: OpenCV Haar face cascades (from the opencv wheel) and NudeNet's
``320n.onnx`` detector (from the nudenet wheel) for nudity and faces."""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

log = logging.getLogger(__name__)

DETECT_MAX_SIDE = 1024  # faces are searched on a copy no larger than this (bounded work)
# Screening cascade (``analyse_pixels(..., cascade=True)``): NudeNet (which sees 320 px anyway) first;
# the Haar cascades run only when it finds no face, on a copy no larger than this.
CASCADE_HAAR_MAX_SIDE = 320  # faces ≥ 24 px there, ≥ 7.5 % of the long side: NudeNet's own resolution
CASCADE_HAAR_STEP = 1.2  # screening: a coarser pyramid (the full path, for redaction, keeps 1.1)
FRONTAL_MIN_NEIGHBORS = 5  # tuned on the media set: 3 fires on coins, 5 does not
PROFILE_MIN_NEIGHBORS = 5
NUDENET_FACE_MIN_SCORE = 0.5
NUDITY_MIN_SCORE = 0.5
# NudeNet classes that mean nudity (covered parts and faces are not nudity).
NUDITY_CLASSES: frozenset[str] = frozenset(
    {
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "BUTTOCKS_EXPOSED",
        "ANUS_EXPOSED",
    }
)
FACE_CLASSES: frozenset[str] = frozenset({"FACE_FEMALE", "FACE_MALE"})


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    width: int
    height: int
    score: float
    label: str

    def iou(self, other: Box) -> float:
        x1, y1 = max(self.x, other.x), max(self.y, other.y)
        x2 = min(self.x + self.width, other.x + other.width)
        y2 = min(self.y + self.height, other.y + other.height)
        inter = max(0, x2 - x1) * max(0, y2 - y1)
        smaller = min(self.width * self.height, other.width * other.height)
        return inter / smaller if smaller else 0.0  # overlap of the smaller box: merges nested boxes


@functools.cache
def _cascade(name: str) -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)  # type: ignore[attr-defined]
    if cascade.empty():
        raise RuntimeError(f"OpenCV cascade {name} could not be loaded")
    return cascade


_nudenet_lock = threading.Lock()


@functools.cache
def _nudenet() -> Any:
    """NudeNet's detector, its ONNX session on one thread (no spinning): workers give the parallelism."""
    import os

    import nudenet
    import onnxruntime
    from nudenet import NudeDetector

    det = NudeDetector()
    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    path = os.path.join(os.path.dirname(nudenet.__file__), "320n.onnx")
    if os.path.isfile(path):
        det.onnx_session = onnxruntime.InferenceSession(
            path, sess_options=opts, providers=["CPUExecutionProvider"]
        )
    return det


def _grey(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim == 2:
        return rgb
    return cv2.cvtColor(rgb[..., :3], cv2.COLOR_RGB2GRAY)


def _merge(boxes: list[Box], overlap: float = 0.4) -> list[Box]:
    kept: list[Box] = []
    for b in sorted(boxes, key=lambda b: -b.score):
        if all(b.iou(k) < overlap for k in kept):
            kept.append(b)
    return kept


def haar_faces(rgb: np.ndarray, max_side: int = DETECT_MAX_SIDE, step: float = 1.1) -> list[Box]:
    """Frontal and profile (both directions) faces with OpenCV's Haar cascades (``step``: scale factor
    between the pyramid's levels)."""
    grey = _grey(rgb)
    h, w = grey.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        grey = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    grey = cv2.equalizeHist(np.ascontiguousarray(grey.astype(np.uint8)))
    gh, gw = grey.shape[:2]
    min_side = max(24, int(0.04 * min(gh, gw)))
    found: list[Box] = []

    def add(rects: Any, label: str, score: float, flipped: bool = False) -> None:
        for x, y, bw, bh in rects:
            if flipped:
                x = gw - x - bw
            found.append(Box(int(x / scale), int(y / scale), int(bw / scale), int(bh / scale), score, label))

    size = (min_side, min_side)
    frontal = _cascade("haarcascade_frontalface_alt2.xml")
    add(frontal.detectMultiScale(grey, step, FRONTAL_MIN_NEIGHBORS, minSize=size), "face_frontal", 0.8)
    profile = _cascade("haarcascade_profileface.xml")
    add(profile.detectMultiScale(grey, step, PROFILE_MIN_NEIGHBORS, minSize=size), "face_profile", 0.7)
    flipped = np.ascontiguousarray(cv2.flip(grey, 1))
    add(
        profile.detectMultiScale(flipped, step, PROFILE_MIN_NEIGHBORS, minSize=size),
        "face_profile",
        0.7,
        True,
    )
    return _merge(found)


def _nudenet_detect(det: Any, bgr: np.ndarray) -> list[dict[str, Any]]:
    """``NudeDetector.detect`` with its per-anchor Python loop run only on the anchors that can pass
    its 0.2 score floor (found with one vectorised max): same detections, a fraction of the time."""
    from nudenet import nudenet as nn

    blob, x_ratio, y_ratio, x_pad, y_pad, width, height = nn._read_image(bgr, det.input_width)
    output = det.onnx_session.run(None, {det.input_name: blob})[0]  # (1, 4 + classes, anchors)
    keep = np.flatnonzero(output[0, 4:, :].max(axis=0) >= 0.2)
    if keep.size == 0:
        return []
    kept = output[:, :, keep]
    if keep.size == 1:  # the library squeezes its input: keep two anchors, the second one below the floor
        kept = np.concatenate([kept, np.zeros_like(kept)], axis=2)
    found: list[dict[str, Any]] = nn._postprocess(
        [kept], x_pad, y_pad, x_ratio, y_ratio, width, height, det.input_width, det.input_height
    )
    return found


def nudenet_detections(rgb: np.ndarray) -> list[Box]:
    """All NudeNet detections (nudity classes and faces) above their thresholds."""
    bgr = (
        cv2.cvtColor(rgb[..., :3], cv2.COLOR_RGB2BGR)
        if rgb.ndim == 3
        else cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR)
    )
    out = []
    with _nudenet_lock:  # one ONNX session shared by the threads of a process
        dets = _nudenet_detect(_nudenet(), np.ascontiguousarray(bgr))
    for det in dets:
        cls, score = str(det["class"]), float(det["score"])
        x, y, w, h = (int(v) for v in det["box"])
        if (cls in NUDITY_CLASSES and score >= NUDITY_MIN_SCORE) or (
            cls in FACE_CLASSES and score >= NUDENET_FACE_MIN_SCORE
        ):
            out.append(Box(max(0, x), max(0, y), w, h, score, cls.lower()))
    return out


@dataclass(frozen=True, slots=True)
class VisionResult:
    faces: tuple[Box, ...]
    nudity: tuple[Box, ...]


def analyse_pixels(rgb: np.ndarray, *, use_nudenet: bool = True, cascade: bool = False) -> VisionResult:
    """Faces (Haar + NudeNet faces, merged) and nudity boxes in an RGB or grey image.

    ``cascade`` (screening): NudeNet first; when it finds a face the picture shows someone and the
    Haar cascades are skipped (the face boxes are NudeNet's), else they run on a copy no larger than
    ``CASCADE_HAAR_MAX_SIDE``. Redaction uses the full path (every face must be blurred)."""
    nude: list[Box] = []
    net_faces: list[Box] = []
    if use_nudenet:
        try:
            dets = nudenet_detections(rgb)
        except Exception as exc:  # a broken ONNX runtime must not stop the other checks
            log.warning("NudeNet failed: %s", exc)
            dets = []
        net_faces = [d for d in dets if d.label.startswith("face_")]
        nude = [d for d in dets if not d.label.startswith("face_")]
    if cascade and net_faces:
        return VisionResult(tuple(_merge(net_faces)), tuple(nude))
    faces = (
        haar_faces(rgb, CASCADE_HAAR_MAX_SIDE, CASCADE_HAAR_STEP)
        if cascade
        else haar_faces(rgb, DETECT_MAX_SIDE)
    )
    return VisionResult(tuple(_merge(faces + net_faces)), tuple(nude))
