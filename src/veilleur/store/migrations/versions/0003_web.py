"""web workspace tables: users, tokens, decisions, alerts (owned by the web area)

Revision ID: 0003_web
Revises: 0002_evidence
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import veilleur.store.models

revision = "0003_web"
down_revision = "0002_evidence"
branch_labels = None
depends_on = None


def _dt() -> veilleur.store.models.UTCDateTime:
    return veilleur.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("login", sa.String(255), primary_key=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
        sa.Column("last_login", _dt(), nullable=True),
    )
    op.create_table(
        "web_api_tokens",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("login", sa.String(255), sa.ForeignKey("web_users.login"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
        sa.Column("last_used", _dt(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_web_api_tokens_login", "web_api_tokens", ["login"])
    op.create_table(
        "web_sessions",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("login", sa.String(255), sa.ForeignKey("web_users.login"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
        sa.Column("expires_at", _dt(), nullable=False),
    )
    op.create_index("ix_web_sessions_login", "web_sessions", ["login"])
    op.create_table(
        "web_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("member_uid", sa.String(40), nullable=False),
        sa.Column("community_uid", sa.String(40), nullable=False),
        sa.Column("message_uid", sa.String(40), nullable=True),
        sa.Column("finding_id", sa.String(40), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("until", _dt(), nullable=True),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("at", _dt(), nullable=False),
    )
    op.create_index("ix_web_decisions_kind", "web_decisions", ["kind"])
    op.create_index("ix_web_decisions_member_uid", "web_decisions", ["member_uid"])
    op.create_index("ix_web_decisions_community_uid", "web_decisions", ["community_uid"])
    op.create_index("ix_web_decisions_at", "web_decisions", ["at"])
    op.create_table(
        "web_alert_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("community_uid", sa.String(40), nullable=True),
        sa.Column("min_severity", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
    )
    op.create_table(
        "web_webhooks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(255), nullable=False),
        sa.Column("community_uid", sa.String(40), nullable=True),
        sa.Column("min_severity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
    )
    op.create_table(
        "web_notifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", _dt(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("community_uid", sa.String(40), nullable=True),
        sa.Column("finding_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_web_notifications_at", "web_notifications", ["at"])
    op.create_index("ix_web_notifications_community_uid", "web_notifications", ["community_uid"])


def downgrade() -> None:
    for t in (
        "web_notifications",
        "web_webhooks",
        "web_alert_subscriptions",
        "web_decisions",
        "web_sessions",
        "web_api_tokens",
        "web_users",
    ):
        op.drop_table(t)
