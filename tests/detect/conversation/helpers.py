"""Build small fictional chats in code: ``chat([(author, text), ...])``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from veilleur.detect.context import DetectionContext, MemberRef
from veilleur.records import Author, Message, member_uid

T0 = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
MEMBERS = {
    "lea": ("Léa Martin", ("lele",)),
    "ines": ("Inès Moreau", ("nenes",)),
    "sarah": ("Sarah B", ()),
    "kenza": ("Kenza", ()),
    "tom": ("Tom Girard", ()),
    "yanis": ("Yanis", ()),
}


def uid(member: str, community: str = "g") -> str:
    return member_uid("whatsapp", community, member)


def chat(
    rows: list[tuple], community: str = "g", start: datetime = T0, step_min: float = 1.0
) -> tuple[DetectionContext, list[Message]]:
    """Rows: (author, text) or (author, text, {"reply": i, "quote": i, "minutes": m}) with i a row index."""
    msgs: list[Message] = []
    for i, row in enumerate(rows):
        author, text = row[0], row[1]
        opt = row[2] if len(row) > 2 else {}
        when = start + timedelta(minutes=opt.get("minutes", i * step_min))
        raw = {"quote_of": f"m{opt['quote']}"} if "quote" in opt else None
        msgs.append(
            Message(
                source="whatsapp",
                community_id=community,
                community_name="Classe",
                message_id=f"m{i}",
                author=Author(author, MEMBERS.get(author, (author.title(), ()))[0]),
                created_at=when,
                text=text,
                parent_id=f"m{opt['reply']}" if "reply" in opt else None,
                raw=raw,
            )
        )
    ctx = DetectionContext(
        members=[MemberRef(uid(k, community), v[0], v[1], msgs[0].community_uid) for k, v in MEMBERS.items()]
    )
    ctx.add(msgs)
    return ctx, msgs
