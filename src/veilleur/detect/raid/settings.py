"""Settings of the raid pass: ``[detectors.raid]`` in veilleur.toml, passed to its factory as options."""

from __future__ import annotations

from dataclasses import dataclass

from veilleur.config import section, setting


@section("detectors.raid", detector="raid")
@dataclass(frozen=True)
class RaidSettings:
    window_hours: float = setting(6.0, "window in which the harmful messages must fall")
    min_authors: int = setting(4, "distinct harmful authors that make a raid")
