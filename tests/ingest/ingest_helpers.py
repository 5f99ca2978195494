"""Helpers shared by the ingestion adapter tests (fixture paths, reading, zipping)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from veilleur.ingest.base import ImportOptions, SourceTree, get_adapter
from veilleur.records import Message

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def read_all(path: Path | str, fmt: str, **opts: object) -> list[Message]:
    tree = SourceTree.open(path)
    try:
        return list(get_adapter(fmt).read(tree, ImportOptions(**opts)))  # type: ignore[arg-type]
    finally:
        tree.close()


def zip_dir(src: Path, dest: Path, prefix: str = "") -> Path:
    """Zip a fixture directory (zip variants are built by the tests, not stored)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(src.rglob("*")):
            if f.is_file():
                z.write(f, prefix + f.relative_to(src).as_posix())
    return dest
