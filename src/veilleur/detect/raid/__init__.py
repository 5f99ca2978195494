"""Raids in one thread or naming one person: the ``raid`` community pass (entry point ``factory``, group
``veilleur.passes``; options under ``[detectors.raid]``). The rule is in ``detector.py``."""

from __future__ import annotations

from typing import Any

from veilleur.detect.raid.detector import DETECTOR, HARMFUL, VERSION, RaidPass, detect_raids


def factory(**options: Any) -> RaidPass:
    """Build the pass from its options (``window_hours``, ``min_authors``)."""
    return RaidPass(**options)


__all__ = ["DETECTOR", "HARMFUL", "VERSION", "RaidPass", "detect_raids", "factory"]
