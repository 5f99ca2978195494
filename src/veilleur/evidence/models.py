"""Tables of the evidence vault: items, the append-only ledger, ledger heads to timestamp and tokens.

Rows of ``evidence_items`` and ``evidence_ledger`` are written once and never updated; an item's
state (deleted, legal hold) is derived from the ledger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from veilleur.store.models import Base, UTCDateTime


class EvidenceItemRow(Base):
    __tablename__ = "evidence_items"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # message | url | file
    case_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("cases.id"), nullable=True, index=True)
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)  # message uid, URL or original file name
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # the primary file
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))  # complete | partial
    record: Mapped[dict[str, Any]] = mapped_column(JSON)  # the item as written in its item.added entry
    added_seq: Mapped[int] = mapped_column(Integer)


class LedgerEntryRow(Base):
    __tablename__ = "evidence_ledger"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32), index=True)
    item_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    header: Mapped[str] = mapped_column(Text)  # canonical JSON whose sha256 is ``hash``
    data: Mapped[str] = mapped_column(Text)  # canonical JSON whose sha256 is in the header


class TimestampHeadRow(Base):
    __tablename__ = "evidence_ts_heads"
    seq: Mapped[int] = mapped_column(
        Integer, ForeignKey("evidence_ledger.seq"), primary_key=True, autoincrement=False
    )
    entry_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | stamped
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class TimestampTokenRow(Base):
    __tablename__ = "evidence_ts_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, ForeignKey("evidence_ledger.seq"), index=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    tsa_url: Mapped[str] = mapped_column(Text)
    token_sha256: Mapped[str] = mapped_column(String(64))  # the TimeStampResp (.tsr) in the vault
    gen_time: Mapped[datetime] = mapped_column(UTCDateTime)
    serial: Mapped[str] = mapped_column(String(128))
    policy: Mapped[str] = mapped_column(String(128))
    tsa_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    ca_sha256: Mapped[str | None] = mapped_column(
        String(64), nullable=True
    )  # trust anchors (PEM) in the vault
    chain_sha256: Mapped[str | None] = mapped_column(
        String(64), nullable=True
    )  # certs inside the token (PEM)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
