"""Tables of the moderator workspace: accounts, API tokens, sessions, moderation decisions, alerts.

Secrets are never stored in clear: passwords as argon2 hashes, API tokens and session ids as SHA-256.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from veilleur.store.models import Base, UTCDateTime, now_utc

ROLES = ("admin", "moderator", "viewer", "target")


class UserRow(Base):
    __tablename__ = "web_users"
    login: Mapped[str] = mapped_column(String(255), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))  # admin | moderator | viewer | target
    display_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiTokenRow(Base):
    __tablename__ = "web_api_tokens"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    login: Mapped[str] = mapped_column(String(255), ForeignKey("web_users.login"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionRow(Base):
    __tablename__ = "web_sessions"
    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    login: Mapped[str] = mapped_column(String(255), ForeignKey("web_users.login"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


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


class AlertSubscriptionRow(Base):
    __tablename__ = "web_alert_subscriptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320))
    community_uid: Mapped[str | None] = mapped_column(String(40), nullable=True)  # None: every community
    min_severity: Mapped[int] = mapped_column(Integer, default=3)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    lang: Mapped[str] = mapped_column(String(8), default="fr")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class WebhookRow(Base):
    __tablename__ = "web_webhooks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(255))  # HMAC key: must be readable to sign, never displayed
    community_uid: Mapped[str | None] = mapped_column(String(40), nullable=True)
    min_severity: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class NotificationRow(Base):
    __tablename__ = "web_notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    channel: Mapped[str] = mapped_column(String(16))  # email | webhook | digest
    recipient: Mapped[str] = mapped_column(Text)
    community_uid: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    finding_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))  # sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
