"""The teen / SMS chat register of one message (révision 10, contexts.yaml ``chat_register``).

Group chats of teenagers are written in a register of their own: SMS abbreviations ("mdr", "jsp", "tkt"), dropped
elisions and accents ("t es", "c est", "deja"), repeated letters ("nannn"), and most lines start with a small letter
and end without punctuation. Doctors' groups, the project's first users, rarely write that way. The detector uses
the register to choose its operating point (``TextHarmAnalyzer``): harm is common in such chats and terse.
"""

from __future__ import annotations

import re
from typing import Any

from veilleur.detect.text_harm.patterns import trie_pattern

_WORD = re.compile(r"[a-zà-ÿ]+")
_REPEAT = re.compile(r"([a-z])\1\1")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_END_PUNCT = re.compile(r"[.!?…:]\s*$")


class ChatRegister:
    """``match(text)``: is this message written in the teen / SMS chat register?"""

    def __init__(self, config: dict[str, Any]) -> None:
        self.markers = frozenset(str(w).lower() for w in config.get("markers", []) or [])
        informal = [str(w).lower() for w in config.get("informal", []) or []]
        self.informal = (
            re.compile(r"(?<![\w'’])(?:" + trie_pattern(informal) + r")(?![\w'’])") if informal else None
        )
        self.min_points = int(config.get("min_points", 2))
        self.lowercase_unpunctuated = bool(config.get("lowercase_unpunctuated", False))

    def points(self, text: str) -> int:
        """2 per SMS marker, 1 per informal spelling, 1 for a letter repeated three times ("nannn")."""
        low = text.lower()
        pts = 2 * sum(w in self.markers for w in _WORD.findall(low))
        if self.informal is not None:
            pts += len(self.informal.findall(low))
        return pts + (1 if _REPEAT.search(low) else 0)

    def match(self, text: str) -> bool:
        if self.lowercase_unpunctuated:
            first = _FIRST_LETTER.search(text)
            if first is not None and first.group().islower() and not _END_PUNCT.search(text):
                return True
        return self.points(text) >= self.min_points
