"""The workspace pages: roles, every moderation action, blur and reveal, queue order, dashboard, language."""

from __future__ import annotations

import io
from datetime import timedelta

import numpy as np
import pytest
from PIL import Image

from veilleur.moderate import actions, queries
from veilleur.records import Case

from .conftest import NOW, csrf_of, face_png, login


def fid(world, message_id: str, category: str) -> str:
    uid = world.messages[message_id].uid
    return next(f.id for f in world.findings.values() if f.message_uid == uid and f.category == category)


def act(client, finding_id: str, action: str, **extra: str):
    page = client.get(f"/item/{finding_id}")
    assert page.status_code == 200
    data = {"action": action, "csrf": csrf_of(page.text), "next": "/queue", **extra}
    return client.post(f"/item/{finding_id}/action", data=data, follow_redirects=False)


def test_pages_need_login(client):
    for path in ("/dashboard", "/queue", "/audit", "/cases", "/member/u_x"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_queue_is_ordered_by_priority_and_filters(client, world):
    login(client, "viewer")
    html = client.get("/queue").text
    order = [f for f in world.findings if f'data-id="{f}"' in html]
    positions = sorted(order, key=lambda f: html.index(f'data-id="{f}"'))
    assert positions[0] == fid(world, "c1", "threat")  # critical, most reactions
    assert positions[-1] == fid(world, "c5", "patient_mockery")  # low severity
    html = client.get("/queue?category=insult").text
    shown = [f for f in world.findings if f'data-id="{f}"' in html]
    assert set(shown) == {fid(world, "c1", "insult"), fid(world, "c3", "insult")}
    html = client.get("/queue?detector=fake_image").text
    assert [f for f in world.findings if f'data-id="{f}"' in html] == [fid(world, "p2", "patient_photo")]
    member = world.messages["c2"].author_uid
    html = client.get(f"/queue?member={member}").text
    assert {f for f in world.findings if f'data-id="{f}"' in html} == {
        fid(world, "c2", "patient_mockery"),
        fid(world, "c2", "patient_identifiable_text"),
        fid(world, "p2", "patient_photo"),
        fid(world, "c5", "patient_mockery"),
    }
    since = (NOW - timedelta(hours=12)).strftime("%Y-%m-%d")
    assert client.get(f"/queue?since={since}").status_code == 200
    assert client.get("/queue?since=notadate").status_code == 400
    assert client.get("/queue?category=nonsense").status_code == 400


def test_priority_formula():
    assert queries.priority(4, 0, 0) > queries.priority(3, 10**6, 300)  # severity dominates
    assert queries.priority(2, 50, 1) > queries.priority(2, 0, 1)  # reach counts
    assert queries.priority(2, 0, 20) > queries.priority(2, 0, 0)  # waiting raises
    assert queries.priority(2, 0, 300) == queries.priority(2, 0, 30)  # bounded


def test_viewer_is_refused_actions(client, world):
    login(client, "viewer")
    f = fid(world, "c1", "threat")
    page = client.get(f"/item/{f}")
    assert page.status_code == 200 and 'id="act-dismiss"' not in page.text
    r = client.post(
        f"/item/{f}/action", data={"action": "dismiss", "csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert r.status_code == 403
    assert world.store.get_finding(f).status == "open"
    assert client.get("/audit").status_code == 403


def test_target_sees_only_own_cases(client, world):
    store = world.store
    mine = store.create_case(
        Case(
            id="",
            title="Menaces contre Dr Claire",
            kind="message",
            community_uid=world.community_uid,
            message_uids=(world.messages["c1"].uid,),
            finding_ids=(fid(world, "c1", "threat"),),
            target_user="drclaire",
        ),
        "test",
    )
    other = store.create_case(
        Case(
            id="",
            title="Dossier d'un autre médecin",
            kind="message",
            community_uid=world.community_uid,
            message_uids=(world.messages["c3"].uid,),
            finding_ids=(fid(world, "c3", "insult"),),
            target_user="drautre",
        ),
        "test",
    )
    r = login(client, "drclaire")
    assert r.headers["location"] == "/cases"
    listing = client.get("/cases").text
    assert "Menaces contre Dr Claire" in listing and "autre médecin" not in listing
    page = client.get(f"/cases/{mine.id}")
    assert page.status_code == 200 and "je vais te tuer" in page.text
    assert client.get(f"/cases/{other.id}").status_code == 403
    assert store.audit_log(actor="drclaire", action="case.refused")
    for path in ("/dashboard", "/queue", f"/item/{fid(world, 'c1', 'threat')}", "/audit"):
        assert client.get(path).status_code == 403, path
    assert client.get(f"/media/{fid(world, 'p2', 'patient_photo')}/{world.image_sha}").status_code == 403


def test_each_action(client, world):
    store = world.store
    login(client, "mod")
    # dismiss: kept as feedback, with who and why
    f = fid(world, "c5", "patient_mockery")
    assert act(client, f, "dismiss", note="ironie").status_code == 303
    sf = store.get_finding(f)
    assert (sf.status, sf.status_by, sf.status_note) == ("dismissed", "mod", "ironie")
    # hide: the message is hidden and all its open findings settled
    f = fid(world, "c2", "patient_mockery")
    act(client, f, "hide")
    assert store.message_visibility(world.messages["c2"].uid) == "hidden"
    assert store.get_finding(fid(world, "c2", "patient_identifiable_text")).status == "actioned"
    # warn with an edited template
    f = fid(world, "c3", "insult")
    page = client.get(f"/item/{f}")
    assert "Bonjour Jean Brute" in page.text and "Injure" in page.text  # template filled in
    assert (
        "secret médical" in client.get(f"/item/{fid(world, 'p2', 'patient_photo')}").text
    )  # secrecy template
    act(client, f, "warn", text="Bonjour Jean, dernier avertissement (texte modifié).")
    member = world.messages["c3"].author_uid
    ds = queries.decisions(store, member_uid=member)
    assert ds[0].kind == "warn" and "texte modifié" in ds[0].text
    # suspend for 3 days, then ban
    f = fid(world, "c1", "insult")
    act(client, f, "suspend", days="3")
    assert queries.member_status(store, member) == "suspended"
    until = queries.decisions(store, member_uid=member)[0].until
    assert timedelta(days=2.9) < until - NOW < timedelta(days=3.1)
    act(client, f, "ban")
    assert queries.member_status(store, member) == "banned"
    # remove
    f = fid(world, "p2", "patient_photo")
    act(client, f, "remove")
    assert store.message_visibility(world.messages["p2"].uid) == "removed"
    # everything is in the audit log with who
    actions_logged = {e.action for e in store.audit_log(actor="mod")}
    assert {
        "finding.dismissed",
        "message.hidden",
        "member.warn",
        "member.suspend",
        "member.ban",
        "message.removed",
    } <= actions_logged
    audit = client.get("/audit").text
    assert "member.ban" in audit and "message.removed" in audit
    # member page: history, decisions, warnings, repeat-offender flag
    page = client.get(f"/member/{member}").text
    assert "Exclusion" in page and "Avertissement" in page and "récidiviste" in page
    assert "Encore toi" in page


def test_escalate_creates_case_with_all_findings(client, world):
    login(client, "mod")
    f = fid(world, "c1", "threat")
    r = act(client, f, "escalate", target_user="drclaire")
    assert r.status_code == 303 and r.headers["location"].startswith("/cases/case_")
    case = world.store.get_case(r.headers["location"].rsplit("/", 1)[1])
    assert set(case.finding_ids) == {fid(world, "c1", "threat"), fid(world, "c1", "insult")}
    assert case.target_user == "drclaire" and case.message_uids == (world.messages["c1"].uid,)
    assert world.store.get_finding(f).status == "escalated"
    assert client.get(r.headers["location"]).status_code == 200


def test_bulk_dismiss(client, world):
    login(client, "mod")
    page = client.get("/queue")
    ids = [fid(world, "c3", "insult"), fid(world, "c5", "patient_mockery")]
    r = client.post(
        "/bulk",
        data={"csrf": csrf_of(page.text), "action": "dismiss", "finding_ids": ids},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert all(world.store.get_finding(i).status == "dismissed" for i in ids)
    assert world.store.get_finding(fid(world, "c1", "threat")).status == "open"
    assert world.store.audit_log(action="bulk.dismiss")


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=float)


def test_image_blurred_by_default_and_reveal_is_logged(client, world):
    login(client, "mod")
    f = fid(world, "p2", "patient_photo")
    original = _pixels(face_png())
    blurred = _pixels(client.get(f"/media/{f}/{world.image_sha}").content)
    # the face region (top-left 100×80) loses its stripes; the rest stays close to the original
    assert blurred[10:70, 10:90].std() < original[10:70, 10:90].std() / 4
    assert abs(blurred[120:, 150:] - original[120:, 150:]).mean() < 20
    assert client.get(f"/media/{f}/{world.image_sha}?original=1").status_code == 403  # not revealed yet
    page = client.get(f"/item/{f}")
    r = client.post(
        f"/media/{f}/{world.image_sha}/reveal", data={"csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert world.store.audit_log(actor="mod", action="media.reveal", target=world.image_sha)
    raw = client.get(f"/media/{f}/{world.image_sha}?original=1")
    assert raw.status_code == 200 and raw.content == face_png()
    # a viewer may not reveal
    client.cookies.clear()
    login(client, "viewer")
    page = client.get(f"/item/{f}")
    assert (
        client.post(f"/media/{f}/{world.image_sha}/reveal", data={"csrf": csrf_of(page.text)}).status_code
        == 403
    )


def test_item_shows_spans_thread_and_details(client, world):
    login(client, "viewer")
    page = client.get(f"/item/{fid(world, 'c1', 'threat')}").text
    assert '<mark title="threat · fake_harm 0.95">je vais te tuer</mark>' in page
    assert "menace de mort explicite" in page
    assert "Question clinique" in page  # the thread's root
    page = client.get(f"/item/{fid(world, 'p2', 'patient_photo')}").text
    assert "exif_gps" in page and "face" in page


def test_dashboard_figures(client, world):
    login(client, "mod")
    page = client.get("/dashboard").text
    assert "<svg" in page and "Menace" in page
    conc = queries.concentration(world.store, world.community_uid, top_n=1)
    # Paul Troll wrote 4 of the 7 findings
    assert (
        conc.total_findings == 7
        and conc.members_with_findings == 2
        and conc.top_share == pytest.approx(4 / 7)
    )
    starts, series = queries.findings_per_week(world.store, world.community_uid)
    assert sum(sum(v) for v in series.values()) == 7 and len(starts) == 8
    actions.apply(world.store, fid(world, "c5", "patient_mockery"), "dismiss", "test")
    _, series = queries.findings_per_week(world.store, world.community_uid)
    assert sum(sum(v) for v in series.values()) == 6  # dismissed findings are not counted


def test_english_switch(client):
    login(client, "mod")
    assert "File de revue" in client.get("/queue").text
    client.get("/lang/en?next=/queue")
    page = client.get("/queue").text
    assert "Review queue" in page and "File de revue" not in page
    assert 'lang="en"' in page


def test_security_headers_and_no_external_assets(client):
    login(client, "mod")
    r = client.get("/dashboard")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "http://" not in r.text.replace("http://www.w3.org/2000/svg", "") and "https://" not in r.text


def test_dashboard_shows_legal_deadlines_of_open_cases(client, world):
    pytest.importorskip("veilleur.law.qualify")
    f = fid(world, "c1", "threat")
    actions.apply(world.store, f, "escalate", "test", note="Menace de mort contre Dr Claire")
    login(client, "mod")
    page = client.get("/dashboard").text
    assert "Délais qui expirent bientôt" in page
    from veilleur.web.pages import _deadlines

    found = _deadlines(world.store, world.community_uid, within_days=4000)
    assert found  # the law module qualifies the threat: its deadlines are listed, soonest first
    assert [d["days_left"] for d in found] == sorted(d["days_left"] for d in found)
    assert all(d["title"] == "Menace de mort contre Dr Claire" for d in found)
    assert "Prescription" in page  # 3-month press-law limitation of the insult expires within 90 days


def test_weekly_chart_follows_an_old_export(world):
    # An export analysed months after the facts must still show its weeks, not eight empty ones.
    from datetime import timedelta

    store = world.store
    latest = max(
        f.message_created_at for f in store.list_findings(community_uid=world.community_uid, limit=1000)
    )
    later = latest + timedelta(days=200)
    starts, series = queries.findings_per_week(store, world.community_uid, now=later)
    assert sum(sum(v) for v in series.values()) == 0  # explicit clock far after the facts: nothing in window
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(queries, "now_utc", lambda: later)
        starts, series = queries.findings_per_week(store, world.community_uid)
    assert sum(sum(v) for v in series.values()) == 7 and starts[-1] <= latest < starts[-1] + timedelta(
        weeks=1
    )
    # Findings after an explicit "now" are not piled into the last week.
    early = latest - timedelta(days=60)
    _, series = queries.findings_per_week(store, world.community_uid, now=early)
    assert sum(sum(v) for v in series.values()) == 0
