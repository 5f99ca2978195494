"""Detection: the detector seam (``veilleur.detect.base``: protocols, ``DetectorRegistry``, the context) and
the built-in detectors and community passes, declared as entry points like any plugin (docs/detectors.md)."""

from veilleur.detect.base import (
    CommunityPass,
    DetectionContext,
    Detector,
    DetectorRegistry,
    available_detectors,
    create_detector,
    register_detector,
)

__all__ = [
    "CommunityPass",
    "DetectionContext",
    "Detector",
    "DetectorRegistry",
    "available_detectors",
    "create_detector",
    "register_detector",
]
