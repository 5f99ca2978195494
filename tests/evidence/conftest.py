"""Fixtures for the evidence tests: a fresh store in a temporary VEILLEUR_HOME, a local TSA, messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.evidence.tsa_server import LocalTSA, start_tsa
from veilleur.config import load_settings
from veilleur.records import Attachment, Author, Case, Message
from veilleur.store import Store


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    t = start_tsa(tmp_path_factory.mktemp("tsa"))
    yield t
    t.close()


def _open(home: Path, monkeypatch: pytest.MonkeyPatch, toml: str = "") -> Store:
    monkeypatch.setenv("VEILLEUR_HOME", str(home))
    monkeypatch.delenv("VEILLEUR_DB", raising=False)
    monkeypatch.delenv("VEILLEUR_CONFIG", raising=False)
    home.mkdir(parents=True, exist_ok=True)
    if toml:
        (home / "veilleur.toml").write_text(toml, encoding="utf-8")
    return Store.open(load_settings())


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A store with no TSA configured (timestamps stay pending)."""
    s = _open(tmp_path / "home", monkeypatch)
    yield s
    s.close()


@pytest.fixture
def tsa_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tsa: LocalTSA) -> Iterator[Store]:
    """A store whose veilleur.toml points at the local TSA."""
    toml = f'[evidence]\ntsa_urls = ["{tsa.url}"]\ntsa_ca_files = ["{tsa.ca_file}"]\ntsa_timeout_s = 20\n'
    s = _open(tmp_path / "home", monkeypatch, toml)
    yield s
    s.close()


def make_message(
    store: Store, text: str = "Ce médecin est un incapable, on sait où il habite.", n: int = 1
) -> Message:
    """A fictional message with one attachment, imported into ``store``."""
    from veilleur.ingest.importer import import_messages

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64)) * n
    sha = store.blobs.put_bytes(png)
    m = Message(
        source="facebook",
        community_id="grp-1",
        community_name="Groupe fictif des patients",
        message_id=f"post-{n}",
        author=Author(id="u-42", name="Jean Fictif"),
        created_at=datetime(2026, 3, 14, 13, 5, tzinfo=UTC),
        text=text,
        kind="post",
        url=f"https://facebook.example/groups/1/posts/{n}",
        attachments=(Attachment(name="../../photo.png", media_type="image/png", sha256=sha, size=len(png)),),
        raw={
            "id": f"post-{n}",
            "from": {"name": "Jean Fictif"},
            "message": text,
            "created_time": "2026-03-14T13:05:00+0000",
        },
    )
    import_messages(store, [m])
    return m


def make_case(store: Store, case_id: str = "case_demo") -> Case:
    return store.create_case(
        Case(id=case_id, title="Harcèlement du Dr Fictif", kind="harassment", community_uid=None),
        actor="test",
    )
