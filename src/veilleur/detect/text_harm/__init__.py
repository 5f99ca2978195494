"""Text harm detection (insults, threats, harassment, hate by ground, patient mockery) in French and English.

Importing this module registers the default ``text_harm`` detector.
"""

from __future__ import annotations

from typing import Any

from veilleur.detect.base import register_detector


def _factory(**options: Any) -> Any:
    from veilleur.detect.text_harm.detector import create

    return create(**options)


register_detector("text_harm", _factory)
