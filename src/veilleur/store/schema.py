"""The whole schema's metadata: core tables plus those of areas that define their own (evidence, web)."""

from __future__ import annotations

import importlib

from veilleur.store.models import Base

# Areas whose modules add tables to Base.metadata (they all ship in the wheel: a failure is a bug).
TABLE_MODULES: tuple[str, ...] = (
    "veilleur.evidence.models",
    "veilleur.accounts.models",
    "veilleur.moderate.models",
    "veilleur.notify.models",
)

for _mod in TABLE_MODULES:
    importlib.import_module(_mod)

metadata = Base.metadata
