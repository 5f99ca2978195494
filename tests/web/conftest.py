"""Fixtures for the workspace tests: a temporary store seeded with fictional messages and findings,
users of every role, API tokens, and two fake detectors registered under test-only names."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from PIL import Image, ImageDraw

from veilleur.accounts import auth
from veilleur.config import load_settings
from veilleur.detect import base as detect_base
from veilleur.detect.base import register_detector
from veilleur.ingest.importer import import_messages
from veilleur.records import Attachment, Author, Finding, Message, Region, Span
from veilleur.store import Store
from veilleur.taxonomy import Severity

PASSWORD = "correct horse battery staple"
# Production argon2 parameters cost ~0.4 s a hash on a busy 2-core machine; tests use cheap ones (still argon2id).
auth._hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
NOW = datetime.now(UTC)


class FakeHarm:
    """Flags the French word "connard" (insult) and "je vais te tuer" (threat): predictable for API tests."""

    name = "fake_harm"
    version = "0.1"

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        out = []
        for m in batch:
            for pattern, cat, sev in (
                (r"connard", "insult", Severity.MEDIUM),
                (r"je vais te tuer", "threat", Severity.CRITICAL),
            ):
                for mt in re.finditer(pattern, m.text, flags=re.I):
                    out.append(
                        Finding(
                            message_uid=m.uid,
                            detector=self.name,
                            detector_version=self.version,
                            category=cat,
                            severity=sev,
                            score=0.9,
                            explanation=f"motif « {pattern} »",
                            spans=(Span(mt.start(), mt.end(), cat, mt.group(0)),),
                            excerpt=m.text[:120],
                        )
                    )
        return out


class FakeImage:
    """Reports every image attachment as a patient photo with one face region in its top-left quarter."""

    name = "fake_image"
    version = "0.1"

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        out = []
        for m in batch:
            for a in m.attachments:
                if a.path and a.media_type.startswith("image/"):
                    with Image.open(a.path) as im:
                        w, h = im.size
                    out.append(
                        Finding(
                            message_uid=m.uid,
                            detector=self.name,
                            detector_version=self.version,
                            category="patient_photo",
                            severity=Severity.HIGH,
                            score=0.8,
                            regions=(Region(a.sha256 or "", 0, 0, w // 2, h // 2, "face"),),
                        )
                    )
        return out


class Broken:
    name = "fake_broken"
    version = "0"

    def __init__(self) -> None:
        raise RuntimeError("model file missing")

    def detect(self, batch: Sequence[Message]) -> list[Finding]:  # pragma: no cover
        return []


@pytest.fixture(autouse=True)
def fake_detectors() -> Iterator[None]:
    """Test-only detectors; the built-in ones (spaCy, ONNX models) are not loaded: the web layer is under test."""
    import veilleur.detect.raid  # noqa: F401  (the raid pass always ran after the detectors)

    was = detect_base._LOADED
    passes = dict(detect_base._PASSES)
    detect_base._LOADED = True
    # Only the raid pass: whether the conversation pass is registered must not depend on which test
    # imported it first (tests/detect/conversation covers it, on the web pages too).
    detect_base._PASSES.clear()
    detect_base._PASSES["raid"] = passes.get("raid") or veilleur.detect.raid.RaidPass
    register_detector("fake_harm", FakeHarm, default=False)
    register_detector("fake_image", FakeImage, default=False)
    register_detector("fake_broken", Broken, default=False)
    yield
    detect_base._LOADED = was
    detect_base._PASSES.clear()
    detect_base._PASSES.update(passes)


def face_png(w: int = 200, h: int = 160) -> bytes:
    img = Image.new("RGB", (w, h), (230, 200, 180))
    d = ImageDraw.Draw(img)
    for x in range(0, w, 8):  # sharp stripes: blurring must visibly change them
        d.line([(x, 0), (x, h)], fill=(0, 0, 0) if (x // 8) % 2 else (255, 255, 255), width=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@dataclass
class World:
    store: Store
    home: Path
    community_uid: str
    messages: dict[str, Message]
    findings: dict[str, Finding]
    tokens: dict[str, str]
    image_sha: str


def _msg(
    mid: str,
    author: tuple[str, str],
    text: str,
    hours_ago: float,
    parent: str | None = None,
    reactions: dict[str, int] | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> Message:
    return Message(
        source="test",
        community_id="grp1",
        community_name="Groupe Médecins Test",
        message_id=mid,
        author=Author(*author),
        created_at=NOW - timedelta(hours=hours_ago),
        text=text,
        kind="comment" if parent else "post",
        parent_id=parent,
        reactions=reactions or {},
        attachments=attachments,
        raw={"id": mid, "text": text},
    )


def sp(m: Message, sub: str, label: str) -> Span:
    start = m.text.index(sub)
    return Span(start, start + len(sub), label, sub)


def build_world(home: Path, settings_toml: str = "") -> World:
    home.mkdir(parents=True, exist_ok=True)
    (home / "veilleur.toml").write_text(
        '[api]\ntext_detectors = ["fake_harm"]\nimage_detectors = ["fake_image"]\nscan_detectors = ["fake_harm"]\n'
        + settings_toml,
        encoding="utf-8",
    )
    settings = load_settings(home=home, db_url=f"sqlite:///{home / 'v.sqlite'}")
    store = Store.open(settings)
    png = face_png()
    sha = store.blobs.put_bytes(png)
    sha = sha if isinstance(sha, str) else getattr(sha, "sha256", str(sha))
    brute, troll, doc, nice = (
        ("a1", "Jean Brute"),
        ("a2", "Paul Troll"),
        ("a3", "Dr Claire Fictive"),
        ("a4", "Anne Calme"),
    )
    msgs = [
        _msg("p1", doc, "Question clinique : conduite à tenir devant une douleur thoracique atypique ?", 200),
        _msg(
            "c1",
            brute,
            "T'es vraiment un connard de médecin, je vais te tuer si tu reviens.",
            100,
            "p1",
            {"like": 40, "angry": 12},
        ),
        _msg(
            "c2",
            troll,
            "Cette patiente obèse de la chambre 12 mérite bien ce qui lui arrive lol",
            50,
            "p1",
            {"haha": 3},
        ),
        _msg("c3", brute, "Encore toi connard", 30, "p1"),
        _msg("c4", nice, "Merci pour ce partage très utile.", 20, "p1"),
        _msg(
            "p2",
            troll,
            "Regardez la tête de ce patient ce matin aux urgences",
            10,
            attachments=(Attachment(name="photo.png", media_type="image/png", sha256=sha, size=len(png)),),
        ),
        _msg("c5", troll, "Et celui-là, un vrai légume", 5, "p2", {"haha": 1}),
    ]
    import_messages(store, msgs, actor="test")
    by = {m.message_id: m for m in msgs}
    F = Finding
    findings = [
        F(
            by["c1"].uid,
            "fake_harm",
            "0.1",
            "threat",
            Severity.CRITICAL,
            0.95,
            "menace de mort explicite",
            (sp(by["c1"], "je vais te tuer", "threat"),),
            excerpt="je vais te tuer si tu reviens",
        ),
        F(
            by["c1"].uid,
            "fake_harm",
            "0.1",
            "insult",
            Severity.MEDIUM,
            0.9,
            "injure",
            (sp(by["c1"], "connard", "insult"),),
            excerpt="un connard de médecin",
        ),
        F(
            by["c2"].uid,
            "fake_text",
            "0.1",
            "patient_mockery",
            Severity.HIGH,
            0.8,
            "moquerie envers une patiente",
            excerpt="Cette patiente obèse de la chambre 12",
        ),
        F(
            by["c2"].uid,
            "fake_text",
            "0.1",
            "patient_identifiable_text",
            Severity.HIGH,
            0.7,
            "chambre identifiante",
            (sp(by["c2"], "chambre 12", "room"),),
        ),
        F(
            by["c3"].uid,
            "fake_harm",
            "0.1",
            "insult",
            Severity.MEDIUM,
            0.6,
            "injure",
            (sp(by["c3"], "connard", "insult"),),
        ),
        F(
            by["p2"].uid,
            "fake_image",
            "0.1",
            "patient_photo",
            Severity.HIGH,
            0.85,
            "visage détecté",
            regions=(Region(sha, 0, 0, 100, 80, "face"),),
            details={"exif_gps": "absent", "faces": 1},
        ),
        F(
            by["c5"].uid,
            "fake_text",
            "0.1",
            "patient_mockery",
            Severity.LOW,
            0.4,
            "",
            excerpt="un vrai légume",
        ),
    ]
    # keep the spans honest: they must match the text they claim
    for f in findings:
        text = by[next(k for k, v in by.items() if v.uid == f.message_uid)].text
        for s in f.spans:
            assert text[s.start : s.end] == s.text, (text, s)
    store.save_findings(findings)
    users = {
        "admin": "admin",
        "mod": "moderator",
        "viewer": "viewer",
        "drclaire": "target",
        "drautre": "target",
    }
    tokens = {}
    for login, role in users.items():
        auth.add_user(store, login, PASSWORD, role, display_name=login.capitalize(), actor="test")
        tokens[login] = auth.create_token(store, login, "tests", actor="test")[1]
    return World(store, home, by["p1"].community_uid, by, {f.id: f for f in findings}, tokens, sha)


@pytest.fixture()
def world(tmp_path: Path) -> Iterator[World]:
    w = build_world(tmp_path / "home")
    yield w
    w.store.close()


@pytest.fixture()
def app(world: World) -> Any:
    from veilleur.web import create_app

    return create_app(world.store.settings, world.store)


@pytest.fixture()
def client(app: Any) -> Any:
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


def login(client: Any, user: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client.post(
        "/login",
        data={"login": user, "password": password, "csrf": token, "next": "/"},
        follow_redirects=False,
    )


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token in page"
    return m.group(1)
