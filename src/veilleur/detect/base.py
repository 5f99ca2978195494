"""The Detector protocol and the registry through which detectors plug into the pipeline.

A detector module calls ``register_detector(name, factory)`` at import time. The pipeline asks the
registry for detectors by name; it never imports a detector directly. Built-in modules are listed in
``BUILTIN_MODULES``; third-party packages can add theirs through the ``veilleur.detectors`` entry point
group (the entry point's object is a module to import, or a factory).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from veilleur.records import Finding, Message

log = logging.getLogger(__name__)


@runtime_checkable
class Detector(Protocol):
    """Finds harm or secrecy breaches in batches of messages. Never touches the database."""

    name: str
    version: str

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        """Return the findings for a batch. Messages' attachments carry ``path`` when bytes exist."""
        ...


DetectorFactory = Callable[..., Detector]

_REGISTRY: dict[str, DetectorFactory] = {}
_DEFAULTS: list[str] = []
_LOADED = False

# Modules that register built-in detectors. A module that fails to import is reported, not fatal.
BUILTIN_MODULES: tuple[str, ...] = (
    "veilleur.detect.text_harm",
    "veilleur.detect.secrecy",
    "veilleur.detect.media",
    "veilleur.detect.raid",
)


def register_detector(name: str, factory: DetectorFactory, *, default: bool = True) -> None:
    """Make a detector available under ``name``. ``default`` detectors run in ``scan`` unless told otherwise."""
    _REGISTRY[name] = factory
    if default and name not in _DEFAULTS:
        _DEFAULTS.append(name)


def _load_builtins() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for mod in BUILTIN_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod:  # module not written/installed: fine
                continue
            log.warning("detector module %s could not be loaded: %s", mod, exc)
        except Exception as exc:  # a broken detector must not break ingestion
            log.warning("detector module %s could not be loaded: %s", mod, exc)
    for ep in entry_points(group="veilleur.detectors"):
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, type(importlib)):
                register_detector(ep.name, obj)
        except Exception as exc:
            log.warning("detector entry point %s could not be loaded: %s", ep.name, exc)


def available_detectors() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def default_detectors() -> list[str]:
    _load_builtins()
    return list(_DEFAULTS)


def create_detector(name: str, **options: Any) -> Detector:
    _load_builtins()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"unknown detector {name!r} (available: {known})") from None
    return factory(**options)
