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


# a chat message whose words are only these (laughs, approvals, interjections) is hostile only in its thread
_REACTION = re.compile(
    r"^(?:m+d+r+|p+t+d+r+|l+o+l+|l+m+f*a+o+|x+d+|(?:a*h+a+)+h*|(?:h+e+)+h*|(?:h+i+)+|j+p+p+|omg|ptn|wsh|wesh|"
    r"ouais|ouai|oui|non|nan|exact|exactement|grave|trop|vrai|same|fr|true|facts|ah+|oh+|o+h+|bah|ben|bien|dit|"
    r"clair|carrément|pareil|yes|yep|yeah|ok|okay|c|ça|ca|est|lui|elle|mais|genre|la|le|les|de|quoi|tkt|jsp|"
    r"sah|wallah|wlh|frr|frère|frero|bro|mec|lmfao|rofl|yikes|bruh|dead|wow|waw|ouf|oups|oops|aie|aïe|mort|morte|jsuis|"
    r"bref|sérieux|serieux|carrement|tellement)$"
)
_CHAT_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def content_words(text: str) -> list[str]:
    """The words of a chat message that are not laughs, approvals or interjections (``_REACTION``): a message with
    none is hostile only by what it answers ("mdr", "😂", "+1", "trop vrai ptdr"). Used to leave such messages out of
    e5's chat training lines (``train_e5 --chat-lines``) and to count them (``benchmarks/text_harm_teen.py --kinds``)."""
    return [w for w in _CHAT_WORD.findall(text.lower()) if not _REACTION.match(w)]


# révision 14a (s11-formal): the formal register (letters, e-mails, reviews, petitions, careful forum posts, op-eds)
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]")
_APOS = re.compile(r"[’`´]")


def _phrases(words: Any) -> re.Pattern[str] | None:
    items = [_APOS.sub("'", str(w).lower()) for w in words or []]
    return re.compile(r"(?<![\w'])(?:" + trie_pattern(items) + r")(?![\w'])") if items else None


class FormalRegister:
    """``match(text)``: is this message written in the formal register (révision 14a, contexts.yaml
    ``formal_register``)? Hate said politely is the weakest register of the cascade: the semantic tier's low-band bars,
    chosen so that ordinary messages naming a group stay quiet, drop most of it. The register is read from the form
    alone: an addressee or a document type at the head of the message (`openers`: "Madame la Directrice,", "Dear
    editor,", "Objet :", "Review:"; or `addressee_heads` then a colon within 50 characters: "Au syndic :"), 2 points; each formula of careful writing (`markers`: "je me permets", "with all
    due respect", "à mon sens", "cordialement"), 1 point; a long message (`long_words` words), 1 point. A message
    with `min_points` points and at least `min_words` words is formal, unless it holds an emoji, a hashtag or an
    @mention, or a word of chat (`informal`: "mdr", "lol", "putain", "genre"), or is in the teen / SMS register."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.openers = _phrases(config.get("openers"))
        # an addressee named before a colon ("Au syndic :", "À la direction des ressources humaines :", "Aux parents :")
        heads = [_APOS.sub("'", str(w).lower()) for w in config.get("addressee_heads", []) or []]
        self.addressee = (
            re.compile(r"(?:" + trie_pattern(heads) + r")(?![\w'])[^:,.;!?\n]{2,50}\s*:") if heads else None
        )
        self.markers = _phrases(config.get("markers"))
        self.informal = _phrases(config.get("informal"))
        self.min_points = int(config.get("min_points", 2))
        self.min_words = int(config.get("min_words", 8))
        self.long_words = int(config.get("long_words", 0))

    def points(self, text: str) -> int:
        low = _APOS.sub("'", text.lower())
        head = low.lstrip(" \t\"«“'*-–—>")
        opener = self.openers is not None and self.openers.match(head)
        pts = 2 if opener or (self.addressee is not None and self.addressee.match(head)) else 0
        if self.markers is not None:
            pts += len({m.group() for m in self.markers.finditer(low)})
        if self.long_words and len(_CHAT_WORD.findall(low)) >= self.long_words:
            pts += 1
        return pts

    def match(self, text: str) -> bool:
        low = text.lower()
        if (
            len(_CHAT_WORD.findall(low)) < self.min_words
            or _EMOJI.search(text)
            or "#" in text
            or "@" in text
            or (self.informal is not None and self.informal.search(_APOS.sub("'", low)))
        ):
            return False
        return self.points(text) >= self.min_points
