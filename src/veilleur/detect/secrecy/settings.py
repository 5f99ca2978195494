"""Settings of the text secrecy detector: ``[detectors.secrecy]`` in veilleur.toml, passed to its factory as options."""

from __future__ import annotations

from dataclasses import dataclass

from veilleur.config import section, setting


@section("detectors.secrecy", detector="secrecy")
@dataclass(frozen=True)
class SecrecySettings:
    min_risk: str = setting("medium", "lowest re-identification risk reported: low, medium or high")
    lang: str | None = setting(None, "fr or en (default: guessed per message)")
    gate: bool = setting(True, "skip the NER pass on texts that cannot be about care")
