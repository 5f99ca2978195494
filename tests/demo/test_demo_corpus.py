"""Checks the committed demo corpus: Facebook export format, counts, labels, cases and media files."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from veilleur.records import stable_id
from veilleur.taxonomy import CATEGORIES, HARM_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo"
EXPORT = DEMO / "facebook-export"
POSTS = EXPORT / "your_facebook_activity/groups/group_posts_and_comments.json"


def unmojibake(s: str) -> str:
    return s.encode("latin-1").decode("utf-8")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    raw = POSTS.read_text(encoding="ascii")  # Facebook escapes everything: the file is pure ASCII
    return json.loads(raw)


def walk(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, str | None]]:
    """(record, kind, parent id) for every post, comment and reply."""

    def rec(
        r: dict[str, Any], kind: str, parent: str | None
    ) -> Iterator[tuple[dict[str, Any], str, str | None]]:
        yield r, kind, parent
        for c in r.get("comments", []):
            yield from rec(c, "comment" if kind == "post" else "reply", r["id"])

    for p in doc["group_posts_v2"]:
        yield from rec(p, "post", None)


def author(r: dict[str, Any]) -> str:
    return unmojibake(r["author"])


def text(r: dict[str, Any]) -> str:
    if "comment" in r:
        return unmojibake(r["comment"])
    return unmojibake(next(d["post"] for d in r["data"] if "post" in d))


@pytest.fixture(scope="module")
def records(doc: dict[str, Any]) -> list[tuple[dict[str, Any], str, str | None]]:
    return list(walk(doc))


@pytest.fixture(scope="module")
def labels() -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in (DEMO / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = [line["message_id"] for line in lines]
    assert len(ids) == len(set(ids)), "duplicate message ids in labels.jsonl"
    return {line["message_id"]: line for line in lines}


def test_export_format(doc: dict[str, Any], records: list[tuple[dict[str, Any], str, str | None]]) -> None:
    assert set(doc) == {"group_name", "group_id", "group_posts_v2"}
    assert unmojibake(doc["group_name"]).startswith("Entre Confrères")
    ids = [r["id"] for r, _, _ in records]
    assert len(ids) == len(set(ids))
    for r, kind, _ in records:
        assert isinstance(r["timestamp"], int)
        if kind == "post":
            assert r["id"].startswith("fbp_")
            assert unmojibake(r["title"]).startswith(f"{author(r)} a publié dans ")
            assert any("post" in d for d in r["data"])
        else:
            assert r["id"].startswith("fbc_") and "comment" in r
        assert text(r).strip()
        for reaction in r.get("reactions", []):
            assert set(reaction) == {"reaction", "actor"} and reaction["reaction"].isupper()
        for c in r.get("comments", []):
            assert c["timestamp"] > r["timestamp"], "a comment cannot predate what it answers"


def test_strings_are_facebook_mojibake() -> None:
    raw = POSTS.read_text(encoding="ascii")
    assert "\\u00c3\\u00a9" in raw  # "é" as Facebook writes it
    assert "\\u00e9" not in raw  # never the plain escape
    assert "\\u00f0\\u009f" in raw  # emojis too (4-byte UTF-8 sequences)


def test_counts(records: list[tuple[dict[str, Any], str, str | None]]) -> None:
    assert len(records) >= 650
    kinds = Counter(kind for _, kind, _ in records)
    assert kinds["post"] >= 100 and kinds["comment"] >= 300 and kinds["reply"] >= 50
    members = {author(r) for r, _, _ in records}
    assert len(members) >= 65
    months = {datetime.fromtimestamp(r["timestamp"], UTC).strftime("%Y-%m") for r, _, _ in records}
    assert len(months) >= 4


def test_every_message_labelled_with_valid_categories(
    records: list[tuple[dict[str, Any], str, str | None]], labels: dict[str, dict[str, Any]]
) -> None:
    ids = {r["id"] for r, _, _ in records}
    assert set(labels) == ids
    for line in labels.values():
        assert all(c in CATEGORIES for c in line["categories"]), line
        assert len(set(line["categories"])) == len(line["categories"])


def test_problem_mix_is_realistic(
    records: list[tuple[dict[str, Any], str, str | None]], labels: dict[str, dict[str, Any]]
) -> None:
    problematic = [r for r, _, _ in records if labels[r["id"]]["categories"]]
    share = len(problematic) / len(records)
    assert 0.08 <= share <= 0.16, share
    offenders = {author(r) for r in problematic}
    assert 12 <= len(offenders) <= 25
    cats = Counter(c for line in labels.values() for c in line["categories"])
    for ground in (
        "sex_gender",
        "sexual_orientation",
        "origin_race",
        "religion",
        "disability_health",
        "body_weight",
        "age",
    ):
        assert cats[f"discrimination:{ground}"] >= 2, ground
    assert cats["patient_identifiable_text"] >= 15
    for c in (
        "patient_mockery",
        "insult",
        "threat",
        "harassment",
        "raid",
        "patient_photo",
        "exif_location",
        "dicom_phi",
        "text_in_image",
    ):
        assert cats[c] >= 1, c
    # Hard negatives: clean messages that talk about weight, religion, origin, sexuality, death.
    clean = [text(r).lower() for r, _, _ in records if not labels[r["id"]]["categories"]]
    for word in ("imc", "ramadan", "drépanocyt", "obésité", "fin de vie", "prep", "trans"):
        assert any(word in t for t in clean), word


def test_raid_is_a_pile_on_within_hours(
    records: list[tuple[dict[str, Any], str, str | None]], labels: dict[str, dict[str, Any]]
) -> None:
    raid = [r for r, _, _ in records if "raid" in labels[r["id"]]["categories"]]
    authors = {author(r) for r in raid}
    assert len(authors) >= 8
    times = sorted(r["timestamp"] for r in raid)
    first_night = [t for t in times if t - times[0] <= 4 * 3600]
    assert len(first_night) >= 10
    assert any("threat" in labels[r["id"]]["categories"] for r in raid)
    assert any("Marronniers" in text(r) for r in raid), "the doxxing message names her workplace"


def test_cases(
    records: list[tuple[dict[str, Any], str, str | None]],
    labels: dict[str, dict[str, Any]],
    doc: dict[str, Any],
) -> None:
    from veilleur.records import CaseContext

    cases = {c["id"]: c for c in yaml.safe_load((DEMO / "cases.yaml").read_text(encoding="utf-8"))["cases"]}
    by_id = {r["id"]: r for r, _, _ in records}
    harassment = cases["demo-harcelement-marchetti"]
    assert "Hélène Marchetti" in harassment["target_name"]
    ctx = CaseContext.from_dict(harassment["context"])
    assert ctx.target_is_health_professional and not ctx.public and ctx.author_is_doctor
    assert set(harassment["message_ids"]) == {i for i, line in labels.items() if "raid" in line["categories"]}
    assert len(harassment["members"]) >= 8
    secrecy = cases["demo-secret-medical-mineurs"]
    assert CaseContext.from_dict(secrecy["context"]).minor_involved
    for case in cases.values():
        assert set(case["members"]) == {author(by_id[i]) for i in case["message_ids"]}
        assert case["message_uids"] == [
            stable_id("facebook", doc["group_id"], i, prefix="m_") for i in case["message_ids"]
        ]
    for i in secrecy["message_ids"]:
        assert "patient_identifiable_text" in labels[i]["categories"]


def attachment_uris(records: list[tuple[dict[str, Any], str, str | None]]) -> dict[str, str]:
    out = {}
    for r, _, _ in records:
        for a in r.get("attachments", []):
            for d in a["data"]:
                if "media" in d:
                    out[d["media"]["uri"]] = r["id"]
    return out


def test_attachments_exist_and_are_labelled(
    records: list[tuple[dict[str, Any], str, str | None]], labels: dict[str, dict[str, Any]]
) -> None:
    uris = attachment_uris(records)
    assert len(uris) >= 5
    for uri in uris:
        assert not uri.startswith("/") and ".." not in uri
        assert (EXPORT / uri).is_file(), uri
    suffixes = {Path(u).suffix: labels[i]["categories"] for u, i in uris.items()}
    assert "dicom_phi" in suffixes[".dcm"]
    clean_media = [u for u, i in uris.items() if not labels[i]["categories"]]
    assert len(clean_media) >= 2, "innocent images are needed as negatives"


def test_dicom_has_patient_identity(records: list[tuple[dict[str, Any], str, str | None]]) -> None:
    pydicom = pytest.importorskip("pydicom")
    dcm = [u for u in attachment_uris(records) if u.endswith(".dcm")]
    assert len(dcm) == 1
    ds = pydicom.dcmread(EXPORT / dcm[0])
    assert str(ds.PatientName) and "^" in str(ds.PatientName)
    assert ds.PatientID and len(ds.PatientBirthDate) == 8 and ds.InstitutionName
    assert ds.pixel_array.shape == (64, 64)


def test_patient_photo_has_gps_exif(
    records: list[tuple[dict[str, Any], str, str | None]], labels: dict[str, dict[str, Any]]
) -> None:
    from PIL import Image

    uris = attachment_uris(records)
    photos = [u for u, i in uris.items() if "patient_photo" in labels[i]["categories"]]
    assert len(photos) == 1
    with Image.open(EXPORT / photos[0]) as im:
        assert max(im.size) <= 500
        gps = im.getexif().get_ifd(0x8825)
    assert gps[1] == "N" and gps[3] == "E"
    lat = float(gps[2][0]) + float(gps[2][1]) / 60 + float(gps[2][2]) / 3600
    lon = float(gps[4][0]) + float(gps[4][1]) / 60 + float(gps[4][2]) / 3600
    assert 41 < lat < 51.5 and -5.5 < lon < 10  # metropolitan France


def test_harmful_labels_have_authors_among_offenders(
    labels: dict[str, dict[str, Any]], records: list[tuple[dict[str, Any], str, str | None]]
) -> None:
    members = yaml.safe_load((DEMO / "content/members.yaml").read_text(encoding="utf-8"))["members"]
    role = {m["name"]: m["role"] for m in members}
    for r, _, _ in records:
        cats = labels[r["id"]]["categories"]
        if any(c in HARM_CATEGORIES for c in cats):
            assert role[author(r)] in {"offender", "leak"}, (r["id"], author(r))


def load_builder(monkeypatch: pytest.MonkeyPatch, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, DEMO / "build_demo.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, mod)  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(mod)
    return mod


def test_build_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuilding from the authored content gives exactly the committed export and labels."""
    pytest.importorskip("skimage")
    mod = load_builder(monkeypatch, "build_demo")
    monkeypatch.setattr(mod, "DEMO", tmp_path)
    monkeypatch.setattr(mod, "EXPORT", tmp_path / "facebook-export")
    b = mod.Builder()
    b.load()
    b.write()
    for rel in ("labels.jsonl", "cases.yaml", "facebook-export/" + str(POSTS.relative_to(EXPORT))):
        assert (tmp_path / rel).read_bytes() == (DEMO / rel).read_bytes(), rel
    for f in (EXPORT / "your_facebook_activity/groups/photos_and_videos").iterdir():
        built = tmp_path / "facebook-export" / f.relative_to(EXPORT)
        assert built.read_bytes() == f.read_bytes(), f.name


def test_content_errors_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = load_builder(monkeypatch, "build_demo_err")
    content = tmp_path / "content"
    content.mkdir()
    (content / "members.yaml").write_bytes((DEMO / "content/members.yaml").read_bytes())
    (content / "threads_x.yaml").write_text('- date: 2026-01-01 10:00\n  Nobody: "hello"\n', encoding="utf-8")
    monkeypatch.setattr(mod, "CONTENT", content)
    with pytest.raises(mod.ContentError, match="unknown member"):
        mod.Builder().load()
    (content / "threads_x.yaml").write_text(
        '- date: 2026-01-01 10:00\n  Marc: "hello"\n  labels: [rudeness]\n', encoding="utf-8"
    )
    with pytest.raises(mod.ContentError, match="unknown category"):
        mod.Builder().load()


def test_demo_imports_through_facebook_adapter(
    records: list[tuple[dict[str, Any], str, str | None]],
    labels: dict[str, dict[str, Any]],
    doc: dict[str, Any],
) -> None:
    facebook = pytest.importorskip("veilleur.ingest.facebook", reason="Facebook adapter not available")
    from veilleur.ingest.base import ImportOptions, SourceTree

    tree = SourceTree.open(EXPORT)
    try:
        messages = list(facebook.FacebookAdapter().read(tree, ImportOptions()))
    finally:
        tree.close()
    assert len(messages) == len(records)
    by_id = {m.message_id: m for m in messages}
    assert set(by_id) == set(labels)
    kinds = {r["id"]: k for r, k, _ in records}
    parents = {r["id"]: p for r, _, p in records}
    for r, _, _ in records:
        m = by_id[r["id"]]
        assert m.text == text(r)
        assert m.author.name == author(r)
        assert m.kind == kinds[r["id"]] and m.parent_id == parents[r["id"]]
        assert m.community_id == doc["group_id"]
        assert m.community_name == "Entre Confrères — Médecins francophones"
    assert len({m.author.name for m in messages}) >= 65
    with_media = [m for m in messages if m.attachments]
    assert len(with_media) == len(attachment_uris(records))
