"""Settings of the documents: ``[respond]``, ``[respond.sender]``, ``[respond.options]`` (docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from veilleur.config import section, setting


@dataclass(frozen=True)
class SenderSettings:
    """Who signs the generated documents (``--set name=...`` overrides each)."""

    name: str = setting("", "sender's name")
    email: str = setting("", "sender's e-mail")
    address: str = setting("", "postal address (lines separated by newlines or ' / ')")
    phone: str = setting("", "phone")
    capacity: str = setting("", "capacity (e.g. médecin généraliste)")
    city: str = setting("", "city written after « Fait à »")


@section("respond")
@dataclass(frozen=True)
class DocumentsSettings:
    font_dir: Path = setting(
        Path("/usr/share/fonts/truetype/dejavu"),
        "folder of the DejaVu fonts used in PDFs",
        aliases=("VEILLEUR_FONT_DIR",),
    )
    sender: SenderSettings = field(default_factory=SenderSettings, metadata={"doc": "the sender"})
    options: dict[str, str] = setting(
        default_factory=dict, doc="document options by name (court_city, ordre_department…; docs/law.md)"
    )
