"""Settings of the conversation pass: ``[detectors.conversation]`` in veilleur.toml (docs/conversations.md)."""

from __future__ import annotations

from dataclasses import dataclass

from veilleur.config import section, setting


@section("detectors.conversation", detector="conversation")
@dataclass(frozen=True)
class ConversationSettings:
    min_authors: int = setting(2, "hostile authors that make a pile-on")
    min_messages: int = setting(3, "hostile messages that make a pile-on")
    gap_hours: float = setting(48.0, "silence that ends an episode")
    campaign_days: int = setting(2, "distinct days that make a campaign")
    finding_threshold: float = setting(0.0, "lowest detector score counted as hostile")
    model: bool = setting(True, "use the learned hostility-in-context model (false: rules only)")
    model_threshold: float | None = setting(
        None, "p(hostile in context) above which a turn is hostile (empty: the model's own)"
    )
    raider_min: float = setting(0.6, "p(written by an attacker) from which an author counts as a raider")
