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

import contextlib
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
from veilleur.web.settings import ApiSettings

log = logging.getLogger(__name__)


class DetectorUnavailable(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"detector {name!r} is not available: {reason}")
        self.name, self.reason = name, reason


class DetectorFailed(Exception):
    def __init__(self, name: str, exc_name: str) -> None:
        super().__init__(f"detector {name!r} failed: {exc_name}")
        self.name, self.exc_name = name, exc_name


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


class _Runner:
    """Loads detectors once (failures remembered) and runs each once on a batch of messages.

    ``options``: each detector's options (its settings section), by name."""

    def __init__(self, options: dict[str, dict[str, Any]] | None = None) -> None:
        self.options = dict(options or {})
        self.detectors: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def load(self, name: str) -> Any:
        if name in self.detectors:
            return self.detectors[name]
        if name in self.errors:
            raise DetectorUnavailable(name, self.errors[name])
        from veilleur.detect.base import create_detector

        try:
            det = create_detector(name, **self.options.get(name, {}))
        except Exception as exc:
            self.errors[name] = str(exc)
            raise DetectorUnavailable(name, str(exc)) from None
        self.detectors[name] = det
        return det

    def warm(self, names: Sequence[str]) -> None:
        t = time.perf_counter()
        for name in names:
            try:
                self.load(name).detect(_warmup_messages())  # many detectors load their models on first use
            except DetectorUnavailable as exc:
                log.warning("%s", exc)
            except Exception as exc:
                log.warning("detector %s failed its warm-up: %s", name, exc)
        log.info("analyze: detectors %s loaded in %.1f s", sorted(self.detectors), time.perf_counter() - t)

    def versions(self) -> dict[str, str]:
        return {n: str(getattr(d, "version", "?")) for n, d in self.detectors.items()}

    def run(
        self, names: Sequence[str], messages: Sequence[Message]
    ) -> tuple[dict[str, list[Finding]], dict[str, str]]:
        found: dict[str, list[Finding]] = {m.uid: [] for m in messages}
        versions: dict[str, str] = {}
        for name in names:
            det = self.load(name)
            versions[det.name] = det.version
            try:
                results = det.detect(list(messages))
            except Exception as exc:
                log.exception("detector %s failed on an analyze batch", name)
                raise DetectorFailed(name, type(exc).__name__) from None
            for f in results:
                if f.message_uid in found:
                    found[f.message_uid].append(f)
        return found, versions


def _child_main(conn: Any, options: dict[str, dict[str, Any]], names: list[str], preload: bool) -> None:
    """The detector process (``api.analyze_processes = 1``): answers batches sent by the parent's worker thread.
    ``options``: the detectors' options, computed by the parent from its settings."""
    runner = _Runner(options)
    if preload:
        runner.warm(names)
    conn.send(("ready", runner.versions(), dict(runner.errors)))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        names_, msgs = req
        try:
            found, versions = runner.run(names_, msgs)
            conn.send(("ok", found, versions))
        except DetectorUnavailable as exc:
            conn.send(("unavailable", exc.name, exc.reason))
        except DetectorFailed as exc:
            conn.send(("failed", exc.name, exc.exc_name))


class _Child:
    """One detector process: the models live there, so detection runs beside the web process, not under its GIL."""

    def __init__(self, options: dict[str, dict[str, Any]], names: list[str], preload: bool) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # never fork a threaded server
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(
            target=_child_main,
            args=(child_conn, options, names, preload),
            name="veilleur-analyze-worker",
            daemon=True,
        )
        self.proc.start()
        child_conn.close()
        _tag, self.versions, self.errors = self.conn.recv()

    def run(
        self, names: Sequence[str], messages: Sequence[Message]
    ) -> tuple[dict[str, list[Finding]], dict[str, str]]:
        try:
            self.conn.send((list(names), list(messages)))
            reply = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise DetectorFailed(",".join(names), "worker process died") from None
        if reply[0] == "ok":
            self.versions.update(reply[2])
            return reply[1], reply[2]
        if reply[0] == "unavailable":
            self.errors[reply[1]] = reply[2]
            raise DetectorUnavailable(reply[1], reply[2])
        raise DetectorFailed(reply[1], reply[2])

    def alive(self) -> bool:
        return self.proc.is_alive()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()


class AnalyzeService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        api = settings.section(ApiSettings)
        self.api = api
        self.batch_s = api.analyze_batch_ms / 1000
        self.max_batch = max(1, api.analyze_max_batch)
        self.preload = api.preload
        self.processes = min(1, max(0, api.analyze_processes))
        self._runner = _Runner(self.detector_options())
        self._child: _Child | None = None
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._loaded = threading.Event()
        self.batches = 0  # batches run (for tests and the benchmark)
        self.largest_batch = 0

    # -- life cycle --------------------------------------------------------------------------------------------
    def configured(self) -> list[str]:
        names = list(self.api.text_detectors)
        names += [n for n in self.api.image_detectors if n not in names]
        return names

    def detector_options(self) -> dict[str, dict[str, Any]]:
        return {name: self.settings.detector_options(name) for name in self.configured()}

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
        if self._child is not None:
            versions, errors = dict(self._child.versions), dict(self._child.errors)
        else:
            versions, errors = self._runner.versions(), dict(self._runner.errors)
        return {
            "status": "ready" if self.ready else "loading",
            "preload": self.preload,
            "processes": self.processes,
            "detectors": versions,
            "errors": errors,
        }

    # -- requests ----------------------------------------------------------------------------------------------
    def submit(
        self, message: Message, names: Sequence[str], languages: Sequence[str] | None = None
    ) -> Future[Outcome]:
        """Queue one message; the future gives its findings (or raises DetectorUnavailable / DetectorFailed)."""
        self.start()
        job = _Job(message, tuple(names), tuple(languages) if languages else None)
        self._queue.put(job)
        return job.future

    # -- worker ------------------------------------------------------------------------------------------------
    def _start_child(self) -> None:
        self._child = _Child(self.detector_options(), self.configured(), self.preload)

    def _run(self) -> None:
        try:
            if self.processes:
                self._start_child()
            elif self.preload:
                self._runner.warm(self.configured())
            if self.preload:
                language("Bonjour tout le monde", None)
        finally:
            self._loaded.set()
        try:
            self._serve()
        finally:
            if self._child is not None:
                self._child.stop()
                self._child = None

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = (
                [first] if first.future.set_running_or_notify_cancel() else []
            )  # skip callers gone meanwhile
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
            try:
                if self.processes:
                    if self._child is None or not self._child.alive():
                        self._start_child()
                    assert self._child is not None
                    found, versions = self._child.run(names, [j.message for j in jobs])
                else:
                    found, versions = self._runner.run(names, [j.message for j in jobs])
            except (DetectorUnavailable, DetectorFailed) as exc:
                for j in jobs:
                    j.future.set_exception(exc)
                continue
            for j in jobs:
                lang = language(j.message.text, j.languages) if j.message.text else None
                j.future.set_result(Outcome(found.get(j.message.uid, []), versions, lang))


def _warmup_messages() -> list[Message]:
    """Messages that reach every tier: detectors gate their costly passes (the secrecy NER runs only on
    care talk naming someone, text_harm's semantic tier only on what its fast tier is unsure of), so a
    bland warm-up would leave a model to load during the first real burst of calls."""
    from datetime import UTC, datetime

    from veilleur.records import Author

    texts = (
        "Bonjour, le Dr Martin a reçu Mme Durand hier. Hello everyone.",
        "Mme Colette Verdier, 71 ans, chambre 208 en cardiologie au CH de Saumur, sortie prévue jeudi.",
        "Franchement ces gens-là je ne les supporte plus, ils devraient rester chez eux.",
    )
    now = datetime.now(UTC)
    return [
        Message(
            source="api",
            community_id="warmup",
            community_name="warmup",
            message_id=f"warmup{i}",
            author=Author("api", "api"),
            created_at=now,
            text=t,
        )
        for i, t in enumerate(texts)
    ]


_LINGUA: dict[tuple[Any, ...], Any] = {}


def language(text: str, wanted: Sequence[str] | None) -> str | None:
    """French or English (or None) for ``text``; with one expected language, that one."""
    from lingua import Language, LanguageDetectorBuilder  # a dependency (lazy: start-up time)

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
