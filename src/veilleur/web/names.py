"""User-supplied names and texts shown unambiguously: bidi controls kept in their box, look-alike names flagged.

Names are stored verbatim (evidence); only their display changes:
- ``balance_bidi`` closes every bidi embedding/override/isolate a string opens, so an unterminated
  U+202E in an author name cannot reverse the date and community printed after it (templates apply it to
  every expression through Jinja's ``finalize``; names are also wrapped in ``<bdi>``);
- ``skeleton`` reduces a name to what a reader sees: NFKC, invisible characters (zero-width, bidi controls,
  soft hyphen...) removed, common Cyrillic/Greek look-alikes mapped to Latin, case folded, spaces collapsed.
  Two members of one community whose names differ but share a skeleton are *confusable*
  ("Dr Mar\\u200btin" and "Dr Martin", "Dr Маrtin" with a Cyrillic "а").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from veilleur.confusables import HOMOGLYPHS

# Embeddings/overrides end with PDF (U+202C); isolates with PDI (U+2069).
_OPENERS_PDF = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO
_OPENERS_PDI = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI
_PDF, _PDI = "\u202c", "\u2069"
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_HOMOGLYPHS = str.maketrans(HOMOGLYPHS)


def balance_bidi(text: str) -> str:
    """``text`` with the bidi embeddings, overrides and isolates it leaves open closed at its end."""
    if not _BIDI.search(text):
        return text
    stack: list[str] = []
    for ch in text:
        if ch in _OPENERS_PDF:
            stack.append(_PDF)
        elif ch in _OPENERS_PDI:
            stack.append(_PDI)
        elif ch == _PDF and stack and stack[-1] == _PDF:
            stack.pop()
        elif ch == _PDI:
            while stack:  # a PDI also closes the embeddings opened inside its isolate
                if stack.pop() == _PDI:
                    break
    return text + "".join(reversed(stack))


def invisible_chars(text: str) -> list[str]:
    """Code points that a reader cannot see (format characters: zero-width, bidi controls, soft hyphen...)."""
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cf"]


def skeleton(name: str) -> str:
    """What a reader sees of ``name``: the comparison key for look-alike names."""
    s = unicodedata.normalize("NFKC", name)
    s = "".join(c for c in s if unicodedata.category(c) != "Cf")
    s = s.translate(_HOMOGLYPHS).casefold().translate(_HOMOGLYPHS)
    s = s.replace("rn", "m").replace("vv", "w")
    return " ".join(s.split())


def confusable_with(name: str, others: Iterable[str]) -> list[str]:
    """The names among ``others`` that differ from ``name`` but look the same."""
    key = skeleton(name)
    seen: list[str] = []
    for other in others:
        if other != name and other not in seen and skeleton(other) == key:
            seen.append(other)
    return seen
