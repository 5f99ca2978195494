"""The DetectionContext: what a detector may know beyond the message it reads, computed once per scan.

The pipeline builds one context per scan and feeds it the scanned messages batch by batch (in time
order), after loading, for each community, the messages that precede the scan (``history``), so that
a live feed of a few messages is still read in its conversation. Detectors receive it as
``detect(batch, ctx)``; community-level passes (raids, conversations) receive it as ``run(ctx, findings)``.

It holds: the messages (thread and preceding messages), the members with their display names and
nicknames, the communities, and who replies to whom. Addressees (who speaks to whom) are resolved
lazily by ``veilleur.detect.conversation.addressing`` and cached here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from veilleur.records import Finding, Message


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A community member as detectors see it: the display name and the nicknames others use."""

    uid: str
    name: str
    nicknames: tuple[str, ...] = ()
    community_uid: str = ""


class DetectionContext:
    """Messages, members, communities and reply links of one scan (see the module docstring)."""

    def __init__(self, members: Iterable[MemberRef] = (), communities: dict[str, str] | None = None) -> None:
        self.messages: dict[str, Message] = {}
        self.members: dict[str, MemberRef] = {m.uid: m for m in members}
        self.communities: dict[str, str] = dict(communities or {})
        self.history: set[str] = set()  # uids loaded as context only (not scanned now)
        self.prior_findings: list[Finding] = []  # stored findings on history messages
        self.quotes: dict[str, str] = {}  # message uid -> uid of the message it quotes
        # community -> [(time, order hint, insertion seq, uid)]: exports often have minute resolution, so
        # messages of the same minute keep their export order (line number, numeric id), else arrival order.
        self._order: dict[str, list[tuple[Any, tuple[Any, ...], int, str]]] = defaultdict(list)
        self._seq = 0
        self._sorted: set[str] = set()
        self._children: dict[str, list[str]] = defaultdict(list)
        self.cache: dict[str, Any] = {}  # computed views (addressees...), owned by their modules

    # -- filling -----------------------------------------------------------------------------------
    def add(self, messages: Iterable[Message], *, history: bool = False) -> None:
        """Add messages (the ``raw`` record is dropped to bound memory). Idempotent per uid."""
        for m in messages:
            if m.uid in self.messages:
                if not history:
                    self.history.discard(m.uid)  # scanned now, no longer mere context
                continue
            quote = _quote_id(m)
            hint = _order_hint(m)
            if m.raw is not None:
                m = replace(m, raw=None)
            self.messages[m.uid] = m
            if quote:
                from veilleur.records import stable_id

                self.quotes[m.uid] = stable_id(m.source, m.community_id, quote, prefix="m_")
            cu = m.community_uid
            self._seq += 1
            self._order[cu].append((m.created_at, hint, self._seq, m.uid))
            self._sorted.discard(cu)
            self.communities.setdefault(cu, m.community_name)
            if m.author_uid not in self.members:
                self.members[m.author_uid] = MemberRef(m.author_uid, m.author.name, (), cu)
            if m.parent_uid:
                self._children[m.parent_uid].append(m.uid)
            if history:
                self.history.add(m.uid)
        self.cache.clear()

    # -- reading -----------------------------------------------------------------------------------
    def community_messages(self, community_uid: str) -> list[Message]:
        """All known messages of a community, oldest first."""
        return [self.messages[u] for *_, u in self._ordered(community_uid)]

    def community_uids(self) -> list[str]:
        return sorted(self._order)

    def preceding(self, uid: str, n: int = 10) -> list[Message]:
        """Up to ``n`` messages of the same community just before ``uid``, oldest first."""
        m = self.messages[uid]
        order = self._ordered(m.community_uid)
        i = _index(order, m.created_at, uid)
        return [self.messages[u] for *_, u in order[max(0, i - n) : i]]

    def parent(self, uid: str) -> Message | None:
        """The message ``uid`` replies to, when known."""
        p = self.messages[uid].parent_uid
        return self.messages.get(p) if p else None

    def quoted(self, uid: str) -> Message | None:
        q = self.quotes.get(uid)
        return self.messages.get(q) if q else None

    def replies(self, uid: str) -> list[Message]:
        return sorted(
            (self.messages[c] for c in self._children.get(uid, []) if c in self.messages),
            key=lambda x: x.created_at,
        )

    def thread(self, uid: str) -> list[Message]:
        """The root of ``uid``'s thread and all its known descendants, oldest first."""
        m = self.messages[uid]
        seen = {m.uid}
        while m.parent_uid and m.parent_uid in self.messages and m.parent_uid not in seen:
            m = self.messages[m.parent_uid]
            seen.add(m.uid)
        out, frontier = [m.uid], [m.uid]
        seen = {m.uid}
        while frontier:
            nxt = [c for p in frontier for c in self._children.get(p, []) if c not in seen]
            seen.update(nxt)
            out.extend(nxt)
            frontier = nxt
        return sorted((self.messages[u] for u in out), key=lambda x: x.created_at)

    def reply_to_author(self, uid: str) -> str | None:
        """Member uid of the author ``uid`` replies to (who replies to whom)."""
        p = self.parent(uid)
        return p.author_uid if p else None

    def member(self, uid: str) -> MemberRef | None:
        return self.members.get(uid)

    def members_of(self, community_uid: str) -> list[MemberRef]:
        key = f"members_by_community:{len(self.members)}"
        groups = self.cache.get(key)
        if groups is None:
            groups = defaultdict(list)
            for m in self.members.values():
                groups[m.community_uid].append(m)
            self.cache[key] = groups
        return [*groups.get(community_uid, []), *(groups.get("", []) if community_uid else [])]

    def _ordered(self, community_uid: str) -> list[tuple[Any, tuple[Any, ...], int, str]]:
        order = self._order.get(community_uid, [])
        if community_uid not in self._sorted:
            order.sort()
            self._sorted.add(community_uid)
        return order


def _index(order: list[tuple[Any, tuple[Any, ...], int, str]], when: Any, uid: str) -> int:
    i = bisect_left(order, (when,))
    while i < len(order) and order[i][3] != uid:
        i += 1
    return i


_DIGITS = re.compile(r"\d+")


def _order_hint(m: Message) -> tuple[Any, ...]:
    """Export order within one timestamp: the source line, else the digits of a numeric-looking id."""
    raw = m.raw
    if isinstance(raw, dict):
        for k in ("line", "line_no", "index", "seq"):
            v = raw.get(k)
            if isinstance(v, int):
                return (0, v)
    digits = _DIGITS.findall(m.message_id)
    if digits and len("".join(digits)) >= len(m.message_id) - 3:  # "123", "m12", "msg-7"; not a hash
        return (1, *(int(d) for d in digits))
    return (2,)


def _quote_id(m: Message) -> str | None:
    """The platform id of a message this one quotes, when the export says so (``raw.quote_of``)."""
    raw = m.raw
    if isinstance(raw, dict):
        q = raw.get("quote_of") or raw.get("quoted_message_id")
        if isinstance(q, str | int) and str(q):
            return str(q)
    return None


def context_for(batch: Sequence[Message]) -> DetectionContext:
    """A context holding just ``batch`` (for callers outside the pipeline, e.g. tests and ``analyze``)."""
    ctx = DetectionContext()
    ctx.add(batch)
    return ctx
