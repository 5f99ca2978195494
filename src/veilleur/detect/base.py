"""The detector seam: the ``Detector`` and ``CommunityPass`` protocols and the ``DetectorRegistry``.

Detectors and community passes are plugins: each is a factory declared as an entry point (groups
``veilleur.detectors`` and ``veilleur.passes``); the built-ins are declared the same way in
``pyproject.toml``. ``pipeline.scan(registry=...)`` takes a registry object (by default
``DetectorRegistry.from_entry_points()``); the pipeline never imports a detector. A factory receives its
settings as keyword arguments (its ``[detectors.<name>]`` section, or the built-in's typed section) and
reads neither the environment nor the configuration file. See docs/detectors.md.

Detectors implement ``detect(batch, ctx)`` where ``ctx`` is the scan's ``DetectionContext`` (re-exported
here); a detector written as ``detect(batch)`` still works: ``call_detect`` passes the context only to
detectors that accept it. Community-level passes (raids, conversations) implement
``CommunityPass.run(ctx, findings)``.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable, Sequence
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any, Protocol, TypeVar, runtime_checkable

from veilleur.detect.context import DetectionContext, MemberRef
from veilleur.records import Finding, Message

log = logging.getLogger(__name__)
T = TypeVar("T")


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

    def detect(self, batch: Sequence[Message], ctx: DetectionContext | None = None) -> list[Finding]: ...


@runtime_checkable
class CommunityPass(Protocol):
    """Runs once per scan after the detectors, over the whole context and the detectors' findings."""

    name: str
    version: str

    def run(self, ctx: DetectionContext, findings: Sequence[Finding]) -> list[Finding]: ...


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
    ok = (
        any(p.name == "ctx" or p.kind is p.VAR_POSITIONAL for p in params)
        or len([p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]) >= 2
    )
    _ACCEPTS[type(det)] = ok
    return ok


def call_detect(
    det: Detector | ContextDetector, batch: Sequence[Message], ctx: DetectionContext | None
) -> list[Finding]:
    """Compatibility shim: ``det.detect(batch, ctx)`` when it accepts a context, else ``det.detect(batch)``."""
    if ctx is not None and accepts_context(det):
        return det.detect(batch, ctx)  # type: ignore[call-arg]
    return det.detect(batch)


DetectorFactory = Callable[..., Detector]
PassFactory = Callable[..., CommunityPass]

DETECTOR_GROUP = "veilleur.detectors"
PASS_GROUP = "veilleur.passes"

# The built-ins, as declared in pyproject.toml under the two entry-point groups. The registry falls back
# to this table when the installed metadata lacks them (an editable install made before they were
# declared, or running from a source tree): the built-ins never depend on how veilleur was installed.
BUILTIN_DETECTORS: dict[str, str] = {
    "text_harm": "veilleur.detect.text_harm:factory",
    "secrecy": "veilleur.detect.secrecy:factory",
    "media": "veilleur.detect.media:factory",
}
BUILTIN_PASSES: dict[str, str] = {
    "raid": "veilleur.detect.raid:factory",
    "conversation": "veilleur.detect.conversation:factory",
}


class _Lazy:
    """A factory named by ``module:attribute`` (an entry point or a built-in), imported on first use, so that
    building a registry imports no detector (and no model library). ``fallback``: for a built-in declared
    by stale metadata (an old install naming a factory that moved), the current ``module:attribute``."""

    def __init__(self, name: str, target: str | EntryPoint, fallback: str | None = None) -> None:
        self.name = name
        self.target = target
        self.fallback = fallback
        self._factory: Callable[..., Any] | None = None

    @staticmethod
    def _resolve(target: str | EntryPoint) -> Any:
        if isinstance(target, EntryPoint):
            return target.load()
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def load(self) -> Callable[..., Any]:
        if self._factory is None:
            try:
                obj = self._resolve(self.target)
            except (ImportError, AttributeError) as exc:
                if self.fallback is None:
                    raise
                log.warning(
                    "detector %s: installed entry point unusable (%s); using the built-in %s",
                    self.name,
                    exc,
                    self.fallback,
                )
                obj = self._resolve(self.fallback)
            if not callable(obj) or isinstance(obj, ModuleType):
                raise TypeError(f"{self.name}: the entry point must name a factory (a callable), not {obj!r}")
            self._factory = obj
        return self._factory

    def __call__(self, **options: Any) -> Any:
        return self.load()(**options)

    def __repr__(self) -> str:
        return f"<factory {self.name} from {getattr(self.target, 'value', self.target)}>"


class DetectorRegistry:
    """The detectors and community passes a scan may run, by name.

    ``DetectorRegistry.from_entry_points()`` (what ``scan`` uses by default) holds every factory declared
    under the ``veilleur.detectors`` and ``veilleur.passes`` entry-point groups: the built-ins and any
    installed plugin. Tests and embedders build their own (``DetectorRegistry()`` then ``add_detector``) and
    pass it to ``scan(registry=...)``. A factory is called with the detector's options as keyword
    arguments (its settings section merged with ``scan(detector_options=...)``) and returns the detector."""

    def __init__(self) -> None:
        self.detectors: dict[str, DetectorFactory] = {}
        self.passes: dict[str, PassFactory] = {}
        self.defaults: list[str] = []

    # -- filling -----------------------------------------------------------------------------------
    def add_detector(self, name: str, factory: DetectorFactory, *, default: bool = True) -> DetectorRegistry:
        """Make a detector available under ``name``; ``default`` ones run when ``scan`` names none."""
        self.detectors[name] = factory
        if default and name not in self.defaults:
            self.defaults.append(name)
        elif not default and name in self.defaults:
            self.defaults.remove(name)
        return self

    def add_pass(self, name: str, factory: PassFactory) -> DetectorRegistry:
        """Make a community pass available; every pass of the registry runs after the detectors."""
        self.passes[name] = factory
        return self

    def load_entry_points(self, *, builtins: bool = True) -> DetectorRegistry:
        """Add the factories declared under the two entry-point groups. With ``builtins``, a built-in that
        the installed metadata does not declare is added from ``BUILTIN_*`` (stale or missing metadata).
        Built-ins come first, in their usual order; plugins follow by name. Nothing is imported here."""
        for group, table, add in (
            (DETECTOR_GROUP, BUILTIN_DETECTORS, self.add_detector),
            (PASS_GROUP, BUILTIN_PASSES, self.add_pass),
        ):
            declared = {ep.name: ep for ep in entry_points(group=group)}
            for name, target in table.items():
                ep = declared.pop(name, None)
                if ep is not None:
                    add(name, _Lazy(name, ep, fallback=target))
                elif builtins:
                    add(name, _Lazy(name, target))
            for name in sorted(declared):
                add(name, _Lazy(name, declared[name]))
        return self

    @classmethod
    def from_entry_points(cls, *, builtins: bool = True) -> DetectorRegistry:
        return cls().load_entry_points(builtins=builtins)

    # -- reading -----------------------------------------------------------------------------------
    def available_detectors(self) -> list[str]:
        return sorted(self.detectors)

    def available_passes(self) -> list[str]:
        return sorted(self.passes)

    def default_detectors(self) -> list[str]:
        return list(self.defaults)

    def create_detector(self, name: str, **options: Any) -> Detector:
        return _create(self.detectors, "detector", name, options)

    def create_pass(self, name: str, **options: Any) -> CommunityPass:
        return _create(self.passes, "community pass", name, options)


def _create(factories: dict[str, Callable[..., T]], what: str, name: str, options: dict[str, Any]) -> T:
    """``factories[name](**options)``; an unknown name is a KeyError listing the known ones."""
    try:
        factory = factories[name]
    except KeyError:
        known = ", ".join(sorted(factories)) or "none"
        raise KeyError(f"unknown {what} {name!r} (available: {known})") from None
    return factory(**options)


# The process-wide registry used when ``scan`` is given none: entry points, loaded on first use. The
# module-level functions below act on it (``register_detector`` adds to it, e.g. from a test).
_DEFAULT = DetectorRegistry()
_REGISTRY = _DEFAULT.detectors
_PASSES = _DEFAULT.passes
_DEFAULTS = _DEFAULT.defaults
_LOADED = False


def default_registry() -> DetectorRegistry:
    """The process-wide registry (built-ins + installed plugins + whatever ``register_*`` added)."""
    global _LOADED
    if not _LOADED:
        _LOADED = True
        loaded = DetectorRegistry.from_entry_points()
        # What was registered by hand before (a test's detector) stays; entry points fill the rest.
        _DEFAULT.defaults[:0] = [n for n in loaded.defaults if n not in _DEFAULT.detectors]
        for name, factory in loaded.detectors.items():
            _DEFAULT.detectors.setdefault(name, factory)
        for name, pass_factory in loaded.passes.items():
            _DEFAULT.passes.setdefault(name, pass_factory)
    return _DEFAULT


def register_detector(name: str, factory: DetectorFactory, *, default: bool = True) -> None:
    """Add a detector to the process-wide registry (plugins declare an entry point instead)."""
    _DEFAULT.add_detector(name, factory, default=default)


def register_pass(name: str, factory: PassFactory) -> None:
    """Add a community pass to the process-wide registry."""
    _DEFAULT.add_pass(name, factory)


def available_detectors() -> list[str]:
    return default_registry().available_detectors()


def available_passes() -> list[str]:
    return default_registry().available_passes()


def default_detectors() -> list[str]:
    return default_registry().default_detectors()


def create_detector(name: str, **options: Any) -> Detector:
    return default_registry().create_detector(name, **options)


def create_pass(name: str, **options: Any) -> CommunityPass:
    return default_registry().create_pass(name, **options)


__all__ = [
    "BUILTIN_DETECTORS",
    "BUILTIN_PASSES",
    "CommunityPass",
    "ContextDetector",
    "DetectionContext",
    "Detector",
    "DetectorRegistry",
    "MemberRef",
    "accepts_context",
    "available_detectors",
    "available_passes",
    "call_detect",
    "create_detector",
    "create_pass",
    "default_detectors",
    "default_registry",
    "register_detector",
    "register_pass",
]
