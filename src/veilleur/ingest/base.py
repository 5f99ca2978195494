"""What every ingestion adapter plugs into: the source tree it reads, the adapter protocol,
the registry by name, format detection, and safety limits for archives.

An adapter turns a ``SourceTree`` (a file, a directory or a zip archive) into a stream of
``Message`` records. Attachments it yields carry ``path`` = the entry's name *inside the tree*;
the importer copies their bytes into the content-addressed store and fills ``sha256``.
Adapters stream: they never hold a whole export in memory.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol

from veilleur.errors import InputError
from veilleur.records import Message


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile inputs (zip bombs, absurd entries) from exhausting the machine."""

    max_entry_bytes: int = 8 * 1024**3  # one uncompressed entry
    max_total_bytes: int = 64 * 1024**3  # all entries of an archive together
    max_ratio: float = 200.0  # uncompressed / compressed, per entry (zip bomb)
    ratio_floor_bytes: int = (
        10 * 1024**2
    )  # entries compressed past max_ratio: allowed up to this size, all together
    max_total_ratio: float = 100.0  # uncompressed / compressed, whole archive (many small bombs)
    max_entries: int = 500_000
    max_text_chars: int = 1_000_000  # one message's text


DEFAULT_LIMITS = Limits()


def _safe_member_name(name: str) -> str | None:
    """The normalised POSIX name of an archive member, or None if it escapes the tree."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    norm = posixpath.normpath(name)
    if norm == ".." or norm.startswith("../") or "/../" in f"/{norm}/":
        return None
    return norm


class _BoundedReader(io.RawIOBase):
    """Wraps a stream and fails once more than ``limit`` bytes were read (zip bombs lie in headers)."""

    def __init__(self, raw: IO[bytes], limit: int, what: str, path: str) -> None:
        self._raw = raw
        self._left = limit
        self._what = what
        self._path = path

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(min(len(b), self._left + 1))
        if len(data) > self._left:
            raise InputError(self._path, f"{self._what}: uncompressed size exceeds the limit (zip bomb?)")
        self._left -= len(data)
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass
class SourceTree:
    """A file, a directory, or a zip archive, seen as a tree of named entries (POSIX paths).

    A single file is a tree of one entry, its own name. Entry names never escape the tree:
    zip members such as ``../../etc/passwd`` or absolute paths are refused with a clear error.
    """

    path: Path
    limits: Limits = field(default_factory=lambda: DEFAULT_LIMITS)
    _zip: zipfile.ZipFile | None = None
    _names: list[str] | None = None
    _name_set: frozenset[str] | None = None
    _zip_index: dict[str, str] | None = None  # normalised name -> member name (lookups must not be O(n))

    @classmethod
    def open(cls, path: str | os.PathLike[str], limits: Limits | None = None) -> SourceTree:
        p = Path(path)
        if not p.exists():
            raise InputError(p, "no such file or directory")
        tree = cls(p, limits or DEFAULT_LIMITS)
        if p.is_file() and p.stat().st_size == 0:
            raise InputError(p, "the file is empty")
        if p.is_file() and zipfile.is_zipfile(p):
            try:
                tree._zip = zipfile.ZipFile(p)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(p, f"unreadable zip archive ({exc})") from None
            tree._check_zip()
        return tree

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    @property
    def is_dir(self) -> bool:
        return self.path.is_dir()

    def _check_zip(self) -> None:
        assert self._zip is not None
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_entries:
            raise InputError(self.path, f"archive has {len(infos)} entries (limit {self.limits.max_entries})")
        total = compressed = dense = 0
        for info in infos:
            if _safe_member_name(info.filename) is None:
                raise InputError(self.path, f"unsafe path in archive: {info.filename!r} (path traversal)")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise InputError(self.path, f"archive entry {info.filename!r} is a symbolic link (refused)")
            if info.file_size > self.limits.max_entry_bytes:
                raise InputError(
                    self.path, f"archive entry {info.filename!r} is too large ({info.file_size} bytes)"
                )
            if info.file_size > max(info.compress_size, 1) * self.limits.max_ratio:
                dense += info.file_size
                if info.file_size > self.limits.ratio_floor_bytes:
                    raise InputError(
                        self.path,
                        f"archive entry {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}x (zip bomb)",
                    )
                if dense > self.limits.ratio_floor_bytes:
                    raise InputError(
                        self.path,
                        f"archive entries compressed more than {self.limits.max_ratio:.0f}x expand to over "
                        f"{dense // (1024 * 1024)} MB together (zip bomb of many entries, the last {info.filename!r})",
                    )
            total += info.file_size
            compressed += info.compress_size
        if total > self.limits.max_total_bytes:
            raise InputError(
                self.path, f"archive expands to {total} bytes (limit {self.limits.max_total_bytes})"
            )
        if total > self.limits.ratio_floor_bytes and total > max(compressed, 1) * self.limits.max_total_ratio:
            raise InputError(
                self.path,
                f"archive expands {total // max(compressed, 1)}x as a whole ({total // (1024 * 1024)} MB from "
                f"{max(compressed // 1024, 1)} KB; limit {self.limits.max_total_ratio:.0f}x: zip bomb)",
            )

    def names(self) -> list[str]:
        """All file entries, as POSIX paths relative to the tree root, sorted."""
        if self._names is not None:
            return self._names
        if self._zip is not None:
            names = []
            for info in self._zip.infolist():
                if info.is_dir():
                    continue
                n = _safe_member_name(info.filename)
                assert n is not None
                names.append(n)
        elif self.path.is_dir():
            names = []
            root = self.path.resolve()
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames.sort()
                for fn in filenames:
                    full = Path(dirpath) / fn
                    if full.is_symlink():
                        continue  # never follow links out of the export
                    names.append(full.relative_to(root).as_posix())
        else:
            names = [self.path.name]
        self._names = sorted(names)
        return self._names

    def exists(self, name: str) -> bool:
        if self._name_set is None:
            self._name_set = frozenset(self.names())
        return _safe_member_name(name) in self._name_set

    def find(self, suffix: str) -> list[str]:
        """Entries whose name ends with ``suffix`` (case-insensitive)."""
        s = suffix.lower()
        return [n for n in self.names() if n.lower().endswith(s)]

    def size(self, name: str) -> int:
        n = self._resolve(name)
        if self._zip is not None:
            return self._zip.getinfo(self._zip_name(n)).file_size
        return self._fs_path(n).stat().st_size

    def _resolve(self, name: str) -> str:
        n = _safe_member_name(name)
        if n is None:
            raise InputError(self.path, f"unsafe path {name!r} (path traversal)")
        return n

    def _zip_name(self, n: str) -> str:
        assert self._zip is not None
        if self._zip_index is None:
            self._zip_index = {}
            for info in self._zip.infolist():
                norm = _safe_member_name(info.filename)
                if norm is not None and not info.is_dir():
                    self._zip_index.setdefault(norm, info.filename)
        try:
            return self._zip_index[n]
        except KeyError:
            raise InputError(self.path, f"archive has no entry {n!r}") from None

    def _fs_path(self, n: str) -> Path:
        if self.path.is_file():
            if n != self.path.name:
                raise InputError(self.path, f"no entry {n!r}")
            return self.path
        root = self.path.resolve()
        full = (root / n).resolve()
        if root not in full.parents and full != root:
            raise InputError(self.path, f"unsafe path {n!r} (outside the export)")
        return full

    @contextmanager
    def open_binary(self, name: str) -> Iterator[IO[bytes]]:
        """Open an entry for streaming reads. Bounded: a lying zip header cannot inflate forever."""
        n = self._resolve(name)
        if self._zip is not None:
            zn = self._zip_name(n)
            info = self._zip.getinfo(zn)
            limit = min(self.limits.max_entry_bytes, max(info.file_size, 0))
            try:
                raw = self._zip.open(zn)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
                raise InputError(self.path, f"cannot read archive entry {n!r}: {exc}") from None
            bounded = io.BufferedReader(_BoundedReader(raw, limit, n, str(self.path)), 1024 * 1024)
            try:
                yield bounded
            except zipfile.BadZipFile as exc:
                raise InputError(self.path, f"corrupt archive entry {n!r}: {exc}") from None
            finally:
                bounded.close()
        else:
            try:
                f = self._fs_path(n).open("rb")
            except OSError as exc:
                raise InputError(self.path, f"cannot open {n!r}: {exc.strerror}") from None
            with f:
                yield f

    def read_bytes(self, name: str, max_bytes: int = 256 * 1024**2) -> bytes:
        if self.size(name) > max_bytes:
            raise InputError(
                self.path, f"entry {name!r} is larger than {max_bytes} bytes; it must be streamed"
            )
        with self.open_binary(name) as f:
            return f.read()

    def head(self, name: str, n: int = 4096) -> bytes:
        """The first ``n`` bytes of an entry (for sniffing)."""
        with self.open_binary(name) as f:
            return f.read(n)

    def display(self, name: str) -> str:
        """A human name for an entry, for error messages."""
        if self.path.is_file() and self._zip is None:
            return str(self.path)
        return f"{self.path}!{name}" if self._zip is not None else str(self.path / name)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


@dataclass(frozen=True)
class ImportOptions:
    """Options shared by adapters. ``column_map`` maps record fields for CSV/JSONL."""

    community_name: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    timezone: str = "Europe/Paris"  # for exports whose timestamps carry no zone (WhatsApp)
    extra: dict[str, Any] = field(default_factory=dict)


class Adapter(Protocol):
    """Reads one platform's export format."""

    name: str
    description: str

    def sniff(self, tree: SourceTree) -> float:
        """Confidence in [0, 1] that ``tree`` is this format. Must be cheap (read heads only)."""
        ...

    def read(self, tree: SourceTree, options: ImportOptions) -> Iterator[Message]:
        """Stream the messages. Raise ``InputError`` naming the entry and the problem on bad data."""
        ...


_ADAPTERS: dict[str, Callable[[], Adapter]] = {}

BUILTIN_ADAPTER_MODULES: tuple[str, ...] = (
    "veilleur.ingest.facebook",
    "veilleur.ingest.telegram",
    "veilleur.ingest.whatsapp",
    "veilleur.ingest.discord",
    "veilleur.ingest.slack",
    "veilleur.ingest.twitter",
    "veilleur.ingest.tabular",
)
_loaded = False


def register_adapter(name: str, factory: Callable[[], Adapter]) -> None:
    _ADAPTERS[name] = factory


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib

    for mod in BUILTIN_ADAPTER_MODULES:
        importlib.import_module(mod)


def adapter_names() -> list[str]:
    _load()
    return sorted(_ADAPTERS)


def get_adapter(name: str) -> Adapter:
    _load()
    try:
        return _ADAPTERS[name]()
    except KeyError:
        raise InputError(name, f"unknown format {name!r} (known: {', '.join(adapter_names())})") from None


def detect_format(tree: SourceTree) -> Adapter:
    """The adapter most confident that it reads ``tree``; a clear error when none is."""
    _load()
    best: tuple[float, str] = (0.0, "")
    for name, factory in _ADAPTERS.items():
        try:
            conf = factory().sniff(tree)
        except InputError:
            raise
        except Exception:
            conf = 0.0
        if conf > best[0]:
            best = (conf, name)
    if best[0] < 0.5:
        kinds = ", ".join(adapter_names())
        raise InputError(tree.path, f"unknown format: not recognised as any of {kinds} (use --format)")
    return _ADAPTERS[best[1]]()


def entry_suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()
