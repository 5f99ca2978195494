"""The detectors behind ``POST /v1/analyze``: loaded once at start-up, run in micro-batches by one worker thread.

Concurrent analyze calls are queued; the worker takes the first one, collects the others that arrive within
``api.analyze_batch_ms`` (up to ``api.analyze_max_batch``), and runs each detector once on the whole batch
(``Detector.detect`` takes a batch: spaCy and the linear model amortise their cost over it). Every detector is
only ever called from that thread, so no global lock is needed and detectors need not be thread-safe; the
event loop and the other routes keep running while it works.

Readiness: ``ready`` is False while the configured detectors load (``/readyz`` answers 503), True after.
``api.preload = false`` loads them on the first call instead (tests, or a workspace that never analyses).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from veilleur.config import Settings
from veilleur.records import Finding, Message

log = logging.getLogger(__name__)


class DetectorUnavailable(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"detector {name!r} is not available: {reason}")
        self.name = name


class DetectorFailed(Exception):
    def __init__(self, name: str, exc: BaseException) -> None:
        super().__init__(f"detector {name!r} failed: {type(exc).__name__}")
        self.name = name


@dataclass
class Outcome:
    findings: list[Finding]
    versions: dict[str, str]
    language: str | None


@dataclass
class _Job:
    message: Message
    names: tuple[str, ...]
    languages: tuple[str, ...] | None
    future: Future[Outcome] = field(default_factory=Future)


class AnalyzeService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.batch_s = float(settings.get("api.analyze_batch_ms", 5)) / 1000
        self.max_batch = max(1, int(settings.get("api.analyze_max_batch", 32)))
        self.preload = bool(settings.get("api.preload", True))
        self._detectors: dict[str, Any] = {}
        self._errors: dict[str, str] = {}
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._loaded = threading.Event()
        self.batches = 0  # batches run (for tests and the benchmark)
        self.largest_batch = 0

    # -- life cycle --------------------------------------------------------------------------------------------
    def configured(self) -> list[str]:
        names = list(self.settings.get("api.text_detectors", ["text_harm", "secrecy"]))
        names += [n for n in self.settings.get("api.image_detectors", ["media"]) if n not in names]
        return names

    def start(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="veilleur-analyze", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        t = self._thread
        if t is not None and t.is_alive():
            self._queue.put(None)
            t.join(timeout)
        self._thread = None

    @property
    def ready(self) -> bool:
        return self._loaded.is_set()

    def status(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "loading", "preload": self.preload,
                "detectors": {n: getattr(d, "version", "?") for n, d in self._detectors.items()}, "errors": dict(self._errors)}

    # -- requests ----------------------------------------------------------------------------------------------
    def submit(self, message: Message, names: Sequence[str], languages: Sequence[str] | None = None) -> Future[Outcome]:
        """Queue one message; the future gives its findings (or raises DetectorUnavailable / DetectorFailed)."""
        self.start()
        job = _Job(message, tuple(names), tuple(languages) if languages else None)
        self._queue.put(job)
        return job.future

    # -- worker ------------------------------------------------------------------------------------------------
    def _load(self, name: str) -> Any:
        if name in self._detectors:
            return self._detectors[name]
        if name in self._errors:
            raise DetectorUnavailable(name, self._errors[name])
        from veilleur.detect.base import create_detector

        try:
            det = create_detector(name)
        except Exception as exc:
            self._errors[name] = str(exc)
            raise DetectorUnavailable(name, str(exc)) from None
        self._detectors[name] = det
        return det

    def _run(self) -> None:
        if self.preload:
            t = time.perf_counter()
            for name in self.configured():
                try:
                    det = self._load(name)
                    det.detect([_warmup_message()])  # many detectors load their models on first use
                except DetectorUnavailable as exc:
                    log.warning("%s", exc)
                except Exception as exc:
                    log.warning("detector %s failed its warm-up: %s", name, exc)
            log.info("analyze: detectors %s loaded in %.1f s", sorted(self._detectors), time.perf_counter() - t)
        if self.preload:
            language("Bonjour tout le monde", None)
        self._loaded.set()
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first] if first.future.set_running_or_notify_cancel() else []  # skip callers gone meanwhile
            deadline = time.monotonic() + self.batch_s
            while len(batch) < self.max_batch:
                left = deadline - time.monotonic()
                try:
                    job = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._queue.put(None)  # stop after this batch
                    break
                if job.future.set_running_or_notify_cancel():
                    batch.append(job)
            if not batch:
                continue
            try:
                self._process(batch)
            except BaseException as exc:  # never leave a caller waiting
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(exc)

    def _process(self, batch: list[_Job]) -> None:
        self.batches += 1
        self.largest_batch = max(self.largest_batch, len(batch))
        groups: dict[tuple[str, ...], list[_Job]] = {}
        for job in batch:
            groups.setdefault(job.names, []).append(job)
        for names, jobs in groups.items():
            found: dict[str, list[Finding]] = {j.message.uid: [] for j in jobs}
            versions: dict[str, str] = {}
            failed: BaseException | None = None
            for name in names:
                try:
                    det = self._load(name)
                    versions[det.name] = det.version
                    for f in det.detect([j.message for j in jobs]):
                        if f.message_uid in found:
                            found[f.message_uid].append(f)
                except DetectorUnavailable as exc:
                    failed = exc
                    break
                except Exception as exc:
                    log.exception("detector %s failed on an analyze batch", name)
                    failed = DetectorFailed(name, exc)
                    break
            for j in jobs:
                if failed is not None:
                    j.future.set_exception(failed)
                    continue
                lang = language(j.message.text, j.languages) if j.message.text else None
                j.future.set_result(Outcome(found[j.message.uid], versions, lang))


def _warmup_message() -> Message:
    from datetime import UTC, datetime

    from veilleur.records import Author

    return Message(source="api", community_id="warmup", community_name="warmup", message_id="warmup", author=Author("api", "api"),
                   created_at=datetime.now(UTC), text="Bonjour, le Dr Martin a reçu Mme Durand hier. Hello everyone.")


_LINGUA: dict[tuple[Any, ...], Any] = {}


def language(text: str, wanted: Sequence[str] | None) -> str | None:
    """French or English (or None) for ``text``; with one expected language, that one."""
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    langs = {"fr": Language.FRENCH, "en": Language.ENGLISH}
    use = tuple(langs[x] for x in (wanted or ["fr", "en"]))
    if len(use) == 1:
        return wanted[0] if wanted else None
    if use not in _LINGUA:
        _LINGUA[use] = LanguageDetectorBuilder.from_languages(*use).build()
    found = _LINGUA[use].detect_language_of(text)
    if found is None:
        return None
    return next((k for k, v in langs.items() if v == found), None)
