"""Builders of fictional records for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from veilleur.records import Author, Message

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def msg(
    i: int,
    text: str = "Bonjour à tous",
    *,
    author: str = "a1",
    name: str | None = None,
    parent: int | None = None,
    community: str = "g1",
    minutes: int | None = None,
    source: str = "test",
) -> Message:
    return Message(
        source=source,
        community_id=community,
        community_name=f"Groupe {community}",
        message_id=f"m{i}",
        author=Author(id=author, name=name or f"Dr {author.upper()}"),
        created_at=T0 + timedelta(minutes=i if minutes is None else minutes),
        text=text,
        kind="comment" if parent is not None else "post",
        parent_id=f"m{parent}" if parent is not None else None,
        raw={"id": f"m{i}", "text": text, "author": author},
    )
