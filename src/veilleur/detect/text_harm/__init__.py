"""Text harm detection (insults, threats, harassment, hate by ground, patient mockery) in French and English.

``factory`` is the ``text_harm`` entry point (group ``veilleur.detectors``); the detector is in
``detector.py``, its settings (``[text_harm]``) in ``settings.py``.
"""

from __future__ import annotations

from typing import Any


def factory(**options: Any) -> Any:
    """Build the detector from its options (the ``[text_harm]`` settings, see ``TextHarmSettings``)."""
    from veilleur.detect.text_harm.detector import create

    return create(**options)


__all__ = ["factory"]
