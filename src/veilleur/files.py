"""Model and table files: written whole or not at all (``atomic_open``: a trainer stopped half-way, or a full disk, never
leaves a half-written file where the detector or the next command would take it for a real one), and read with one
clear error naming the file (``reading``: missing, empty, corrupt, not the expected arrays or text encoding)."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from veilleur.errors import InputError


@contextmanager
def atomic_open(path: Path | str, mode: str = "w") -> Iterator[IO[Any]]:
    """A temporary file beside ``path``, opened in ``mode`` (``"w"``: UTF-8 text, ``"wb"``: bytes); when the block ends
    without an error it replaces ``path`` (``os.replace``), else it is removed and ``path`` is left as it was."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from other readers
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def reading(path: Any, kind: str) -> Iterator[None]:
    """Any error met while the block reads ``path`` as a ``kind`` file (a model's .npz, a JSON-lines table) becomes
    one ``InputError`` naming the file: missing, empty, not a zip archive, an array or key missing, bad JSON or
    encoding, arrays of the wrong shape (a ``ValueError`` the block raises)."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(path, f"no such {kind} file") from None
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(path, f"not a readable {kind} file ({why})") from None
