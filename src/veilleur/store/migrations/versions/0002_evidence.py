"""evidence vault tables (owned by the evidence area)

Revision ID: 0002_evidence
Revises: 0001_core
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import veilleur.store.models  # noqa: F401

revision = "0002_evidence"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
