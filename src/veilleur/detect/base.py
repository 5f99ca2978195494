"""The Detector protocol and the registry through which detectors plug into the pipeline.

A detector module calls ``register_detector(name, factory)`` at import time. The pipeline asks the
registry for detectors by name; it never imports a detector directly. Built-in modules are listed in
``BUILTIN_MODULES``; third-party packages can add theirs through the ``veilleur.detectors`` entry point
group (the entry point's object is a module to import, or a factory).

Detectors implement ``detect(batch, ctx)`` where ``ctx`` is the scan's ``DetectionContext``; a detector
written before the context existed (``detect(batch)``) still works: ``call_detect`` passes the context
only to detectors that accept it. Community-level passes (raids, conversations) implement
``CommunityPass.run(ctx, findings)`` and register through ``register_pass``, the same way.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from veilleur.detect.context import DetectionContext
from veilleur.records import Finding, Message

log = logging.getLogger(__name__)


@runtime_checkable
class Detector(Protocol):
    """Finds harm or secrecy breaches in batches of messages. Never touches the database."""

    name: str
    version: str

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        """Return the findings for a batch. Messages' attachments carry ``path`` when bytes exist.

        A detector that wants the conversation declares ``detect(batch, ctx=None)`` (``ContextDetector``)."""
        ...


@runtime_checkable
class ContextDetector(Protocol):
    """A detector that reads the scan's ``DetectionContext``: the thread and preceding messages, the members
    and their names, the community, who replies to whom. ``ctx`` is None when called outside a scan."""

    name: str
    version: str

    def detect(self, batch: Sequence[Message], ctx: DetectionContext | None = None) -> list[Finding]:
        ...


@runtime_checkable
class CommunityPass(Protocol):
    """Runs once per scan after the detectors, over the whole context and the detectors' findings."""

    name: str
    version: str

    def run(self, ctx: DetectionContext, findings: Sequence[Finding]) -> list[Finding]:
        ...


_ACCEPTS: dict[type, bool] = {}


def accepts_context(det: object) -> bool:
    """Whether ``det.detect`` takes the context (a second positional parameter or ``ctx``)."""
    cached = _ACCEPTS.get(type(det))
    if cached is not None:
        return cached
    try:
        params = list(inspect.signature(det.detect).parameters.values())  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return False
    ok = any(p.name == "ctx" or p.kind is p.VAR_POSITIONAL for p in params) or len(
        [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    ) >= 2
    _ACCEPTS[type(det)] = ok
    return ok


def call_detect(det: Detector | ContextDetector, batch: Sequence[Message], ctx: DetectionContext | None) -> list[Finding]:
    """Compatibility shim: ``det.detect(batch, ctx)`` when it accepts a context, else ``det.detect(batch)``."""
    if ctx is not None and accepts_context(det):
        return det.detect(batch, ctx)  # type: ignore[call-arg]
    return det.detect(batch)


DetectorFactory = Callable[..., Detector]
PassFactory = Callable[..., CommunityPass]

_REGISTRY: dict[str, DetectorFactory] = {}
_PASSES: dict[str, PassFactory] = {}
_DEFAULTS: list[str] = []
_LOADED = False

# Modules that register built-in detectors. A module that fails to import is reported, not fatal.
BUILTIN_MODULES: tuple[str, ...] = (
    "veilleur.detect.text_harm",
    "veilleur.detect.secrecy",
    "veilleur.detect.media",
    "veilleur.detect.raid",
    "veilleur.detect.conversation",
)


def register_detector(name: str, factory: DetectorFactory, *, default: bool = True) -> None:
    """Make a detector available under ``name``. ``default`` detectors run in ``scan`` unless told otherwise."""
    _REGISTRY[name] = factory
    if default and name not in _DEFAULTS:
        _DEFAULTS.append(name)


def register_pass(name: str, factory: PassFactory) -> None:
    """Make a community-level pass available; every registered pass runs after the detectors."""
    _PASSES[name] = factory


def available_passes() -> list[str]:
    _load_builtins()
    return sorted(_PASSES)


def create_pass(name: str, **options: Any) -> CommunityPass:
    _load_builtins()
    try:
        factory = _PASSES[name]
    except KeyError:
        raise KeyError(f"unknown community pass {name!r} (available: {', '.join(sorted(_PASSES)) or 'none'})") from None
    return factory(**options)


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
