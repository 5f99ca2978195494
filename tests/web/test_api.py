"""The /v1 REST API: tokens and roles, analyse without storing, live ingest, findings and cases."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from veilleur.records import Case

from .conftest import build_world, face_png


def h(world, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[user]}"}


def test_token_required(client, world):
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/me", headers={"Authorization": "Bearer vt_forged"}).status_code == 401
    r = client.get("/v1/me", headers=h(world, "mod"))
    assert r.status_code == 200 and r.json()["role"] == "moderator"


def test_analyze_text_without_storing(client, world):
    before = world.store.count_messages()
    r = client.post(
        "/v1/analyze",
        headers=h(world, "viewer"),
        json={"text": "Espèce de connard, je vais te tuer demain à la sortie de l'hôpital."},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scores"] == {"insult": 0.9, "threat": 0.9}
    assert {s["text"] for s in body["spans"]} == {"connard", "je vais te tuer"}
    assert body["language"] == "fr" and body["detectors"] == {"fake_harm": "0.1"}
    assert world.store.count_messages() == before  # nothing stored
    r = client.post(
        "/v1/analyze", headers=h(world, "viewer"), json={"text": "connard", "categories": ["threat"]}
    )
    assert r.json()["scores"] == {"threat": 0.0} and r.json()["spans"] == []
    r = client.post(
        "/v1/analyze",
        headers=h(world, "viewer"),
        json={"text": "You idiot, I will find you.", "languages": ["fr", "en"]},
    )
    assert r.json()["language"] == "en"


def test_analyze_image_and_bad_input(client, world):
    img = base64.b64encode(face_png()).decode()
    r = client.post("/v1/analyze", headers=h(world, "viewer"), json={"image": img})
    assert r.status_code == 200, r.text
    assert r.json()["scores"] == {"patient_photo": 0.8}
    assert r.json()["findings"][0]["regions"][0]["label"] == "face"
    assert (
        client.post("/v1/analyze", headers=h(world, "viewer"), json={"image": "!!notbase64"}).status_code
        == 422
    )
    r = client.post(
        "/v1/analyze", headers=h(world, "viewer"), json={"image": base64.b64encode(b"plain text").decode()}
    )
    assert r.status_code == 422 and r.json()["error"] == "invalid_image"
    assert client.post("/v1/analyze", headers=h(world, "viewer"), json={}).status_code == 422
    assert (
        client.post(
            "/v1/analyze", headers=h(world, "viewer"), json={"text": "x", "categories": ["nope"]}
        ).status_code
        == 422
    )


def test_unavailable_detector_is_a_clear_503(tmp_path):
    from fastapi.testclient import TestClient

    from veilleur.web import create_app

    w = build_world(tmp_path / "h", "")
    (w.home / "veilleur.toml").write_text(
        '[api]\ntext_detectors = ["fake_broken"]\nscan_detectors = ["fake_broken"]\n'
    )
    from veilleur.config import load_settings

    settings = load_settings(home=w.home, db_url=w.store.settings.db_url)
    with TestClient(create_app(settings, w.store)) as c:
        r = c.post("/v1/analyze", headers=h(w, "viewer"), json={"text": "bonjour"})
        assert (
            r.status_code == 503
            and r.json()["error"] == "detector_unavailable"
            and "fake_broken" in r.json()["detail"]
        )
        msg = {
            "source": "feed",
            "community_id": "g",
            "message_id": "1",
            "author": {"id": "a", "name": "A"},
            "created_at": "2026-01-05T10:00:00+01:00",
            "text": "connard",
        }
        r = c.post("/v1/messages", headers=h(w, "mod"), json={"messages": [msg]})
        assert r.status_code == 503


def test_ingest_live_feed_and_scan(client, world):
    msgs = [
        {
            "source": "feed",
            "community_id": "grp-live",
            "community_name": "Groupe live",
            "message_id": str(i),
            "author": {"id": f"a{i % 2}", "name": f"Membre {i % 2}"},
            "created_at": datetime(2026, 1, 5, 10, i, tzinfo=UTC).isoformat(),
            "text": text,
            "reactions": {"like": i},
        }
        for i, text in enumerate(["Bonjour à tous", "Quel connard ce chirurgien", "je vais te tuer"])
    ]
    assert client.post("/v1/messages", headers=h(world, "viewer"), json={"messages": msgs}).status_code == 403
    r = client.post("/v1/messages", headers=h(world, "mod"), json={"messages": msgs})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["messages_seen"], body["messages_new"], body["findings"], body["new_findings"]) == (
        3,
        3,
        2,
        2,
    )
    r = client.post("/v1/messages", headers=h(world, "mod"), json={"messages": msgs})
    assert r.json()["messages_new"] == 0 and r.json()["new_findings"] == 0  # idempotent
    bad = dict(msgs[0], created_at="2026-01-05T10:00:00")  # no timezone
    assert client.post("/v1/messages", headers=h(world, "mod"), json={"messages": [bad]}).status_code == 422
    assert world.store.audit_log(actor="mod", action="api.ingest")


def test_findings_list_update_and_actions(client, world):
    r = client.get("/v1/findings", headers=h(world, "viewer"), params={"min_severity": "high"})
    assert r.status_code == 200
    assert {f["severity"] for f in r.json()} <= {"high", "critical"} and len(r.json()) == 4
    fid = r.json()[0]["id"]
    assert client.get(f"/v1/findings/{fid}", headers=h(world, "viewer")).json()["id"] == fid
    assert client.get("/v1/findings/f_nope", headers=h(world, "viewer")).status_code == 404
    assert (
        client.patch(
            f"/v1/findings/{fid}", headers=h(world, "viewer"), json={"status": "dismissed"}
        ).status_code
        == 403
    )
    r = client.patch(
        f"/v1/findings/{fid}", headers=h(world, "mod"), json={"status": "dismissed", "note": "faux positif"}
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed" and r.json()["status_by"] == "mod"
    open_ = client.get(
        "/v1/findings", headers=h(world, "mod"), params={"status": "open", "category": "insult"}
    ).json()
    r = client.post(
        f"/v1/findings/{open_[0]['id']}/actions",
        headers=h(world, "mod"),
        json={"action": "suspend", "days": 2},
    )
    assert r.status_code == 200 and r.json()["decision_id"]
    assert (
        client.post(
            f"/v1/findings/{fid}/actions", headers=h(world, "mod"), json={"action": "explode"}
        ).status_code
        == 422
    )


def test_cases_api_and_target_isolation(client, world):
    ins = client.get("/v1/findings", headers=h(world, "mod"), params={"category": "threat"}).json()[0]
    r = client.post(
        "/v1/cases",
        headers=h(world, "mod"),
        json={"finding_id": ins["id"], "title": "Menace", "target_user": "drclaire"},
    )
    assert r.status_code == 200, r.text
    case = r.json()
    other = world.store.create_case(
        Case(id="", title="Autre", kind="message", community_uid=None, target_user="drautre"), "test"
    )
    mine = client.get("/v1/cases", headers=h(world, "drclaire")).json()
    assert [c["id"] for c in mine] == [case["id"]]
    assert client.get(f"/v1/cases/{other.id}", headers=h(world, "drclaire")).status_code == 404
    fs = client.get("/v1/findings", headers=h(world, "drclaire")).json()
    assert {f["id"] for f in fs} == set(case["finding_ids"])
    assert client.get("/v1/findings", headers=h(world, "drautre")).json() == []
    assert (
        client.patch(
            f"/v1/cases/{case['id']}", headers=h(world, "drclaire"), json={"state": "closed"}
        ).status_code
        == 403
    )
    r = client.patch(f"/v1/cases/{case['id']}", headers=h(world, "mod"), json={"state": "evidence"})
    assert r.status_code == 200 and r.json()["state"] == "evidence"
    assert client.patch(f"/v1/cases/{case['id']}", headers=h(world, "mod"), json={}).status_code == 400


def test_openapi_served(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/analyze", "/v1/messages", "/v1/findings", "/v1/cases/{case_id}"} <= set(spec["paths"])
    assert not any(p.startswith("/item") or p == "/login" for p in spec["paths"])  # pages are not API
