"""Alerts: e-mail subscriptions, webhooks and the notifications sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from veilleur.store.models import Base, UTCDateTime, now_utc


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
