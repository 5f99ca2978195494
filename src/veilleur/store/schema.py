"""The whole schema's metadata: core tables plus those of areas that define their own (evidence, web)."""

from __future__ import annotations

import importlib

from veilleur.store.models import Base

# Areas whose modules add tables to Base.metadata. Missing modules are skipped.
TABLE_MODULES: tuple[str, ...] = ("veilleur.evidence.models", "veilleur.web.models")

for _mod in TABLE_MODULES:
    try:
        importlib.import_module(_mod)
    except ModuleNotFoundError as exc:
        if exc.name != _mod and not _mod.startswith(str(exc.name)):
            raise

metadata = Base.metadata
