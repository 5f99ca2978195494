"""Storage: SQLAlchemy 2 models, Alembic migrations, the content-addressed blob store and the Store API."""

from veilleur.store.blobs import BlobStore
from veilleur.store.store import (
    AuditEntry,
    CaseEvent,
    CommunityInfo,
    MemberInfo,
    Store,
    StoredFinding,
)

__all__ = ["AuditEntry", "BlobStore", "CaseEvent", "CommunityInfo", "MemberInfo", "Store", "StoredFinding"]
