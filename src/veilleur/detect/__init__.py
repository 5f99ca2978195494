"""Detection: the Detector protocol, the registry, and the built-in detectors."""

from veilleur.detect.base import (
    Detector,
    available_detectors,
    create_detector,
    register_detector,
)

__all__ = ["Detector", "available_detectors", "create_detector", "register_detector"]
