"""Moderation state: the decisions moderators take on members and messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from veilleur.store.models import Base, UTCDateTime, now_utc


class DecisionRow(Base):
    """A moderation decision about a member: warning, suspension, ban (hide/remove live on the message)."""

    __tablename__ = "web_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # warn | suspend | ban | hide | remove | ...
    member_uid: Mapped[str] = mapped_column(String(40), index=True)
    community_uid: Mapped[str] = mapped_column(String(40), index=True)
    message_uid: Mapped[str | None] = mapped_column(String(40), nullable=True)
    finding_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    actor: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
