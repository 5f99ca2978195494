"""Ingestion: one adapter per source format, a registry by name, and the importer."""

from veilleur.ingest.base import (
    Adapter,
    ImportOptions,
    Limits,
    SourceTree,
    adapter_names,
    detect_format,
    get_adapter,
    register_adapter,
)

__all__ = [
    "Adapter",
    "ImportOptions",
    "Limits",
    "SourceTree",
    "adapter_names",
    "detect_format",
    "get_adapter",
    "register_adapter",
]
