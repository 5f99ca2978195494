"""evidence vault tables (owned by the evidence area)

Revision ID: 0002_evidence
Revises: 0001_core
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import veilleur.store.models

revision = "0002_evidence"
down_revision = "0001_core"
branch_labels = None
depends_on = None

UTC = veilleur.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "evidence_items",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("captured_at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("added_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_items_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_items_captured_at"), ["captured_at"], unique=False)

    op.create_table(
        "evidence_ledger",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=True),
        sa.Column("header", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("hash"),
    )
    with op.batch_alter_table("evidence_ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_ledger_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_ledger_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_ledger_item_id"), ["item_id"], unique=False)

    op.create_table(
        "evidence_ts_heads",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTC(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", UTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["seq"], ["evidence_ledger.seq"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("evidence_ts_heads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_ts_heads_status"), ["status"], unique=False)

    op.create_table(
        "evidence_ts_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("tsa_url", sa.Text(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("gen_time", UTC(timezone=True), nullable=False),
        sa.Column("serial", sa.String(length=128), nullable=False),
        sa.Column("policy", sa.String(length=128), nullable=False),
        sa.Column("tsa_name", sa.Text(), nullable=True),
        sa.Column("ca_sha256", sa.String(length=64), nullable=True),
        sa.Column("chain_sha256", sa.String(length=64), nullable=True),
        sa.Column("received_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["evidence_ledger.seq"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence_ts_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_ts_tokens_seq"), ["seq"], unique=False)


def downgrade() -> None:
    op.drop_table("evidence_ts_tokens")
    op.drop_table("evidence_ts_heads")
    op.drop_table("evidence_ledger")
    op.drop_table("evidence_items")
