"""The workspace in a real headless Chromium (Debian ``chromium``) driven by Playwright, against uvicorn.

Logs in, works through the review queue with the keyboard, takes each action, checks the audit log and
the member page, checks that a viewer and a "personne visée" are refused. Its screenshots (synthetic data) go to
tmp_path; the README's are taken from the demo data by test_browser_demo.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from veilleur.records import Case

from .browser import MARKS, chromium, click, log_in, press, selected_id, serve
from .conftest import World, build_world

pytestmark = MARKS


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, World]]:
    from veilleur.web import create_app

    world = build_world(tmp_path / "h")
    with serve(create_app(world.store.settings, world.store)) as base:
        yield base, world
    world.store.close()


@pytest.fixture()
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_moderator_works_through_queue_with_keyboard(server, browser, tmp_path):
    base, world = server
    shots = tmp_path / "shots"
    store = world.store
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None
        ),
    )
    log_in(page, base, "mod")
    assert page.url.endswith("/dashboard")
    shots.mkdir()
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

    page.goto(f"{base}/queue")
    first = selected_id(page)
    page.keyboard.press("j")
    second = selected_id(page)
    assert second != first
    page.keyboard.press("k")
    assert selected_id(page) == first
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("?")

    # d: dismiss the selected item (the critical threat is first)
    press(page, "d")
    assert store.get_finding(first).status == "dismissed"
    # h: hide the next one
    target = selected_id(page)
    press(page, "h")
    hidden_msg = store.get_finding(target).finding.message_uid
    assert store.message_visibility(hidden_msg) == "hidden"
    # e: escalate the next one to a case
    target = selected_id(page)
    press(page, "e")
    assert "/cases/case_" in page.url and store.get_finding(target).status == "escalated"

    # w: from the queue, opens the item with its editable warning focused
    page.goto(f"{base}/queue")
    target = selected_id(page)
    with page.expect_navigation():
        page.keyboard.press("w")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'warn-text'")
    page.fill("#warn-text", "Avertissement de test : merci de rester courtois.")
    click(page, "#act-warn")
    member = store.get_finding(target).member_uid
    assert store.audit_log(action="member.warn", target=member)

    # the item view, with the image blurred by default; then suspend, ban and remove from buttons
    photo = next(f for f in world.findings.values() if f.category == "patient_photo")
    page.goto(f"{base}/item/{photo.id}")
    page.screenshot(path=str(shots / "item.png"), full_page=True)
    assert page.locator("#media img").count() == 1 and "?original" not in str(
        page.locator("#media img").get_attribute("src")
    )
    click(page, "#media button")  # reveal (logged)
    assert "original=1" in str(page.locator("#media img").get_attribute("src"))
    assert store.audit_log(actor="mod", action="media.reveal")
    page.fill("input[name=days]", "5")
    click(page, "#act-suspend")
    page.goto(f"{base}/item/{photo.id}")
    click(page, "#act-ban")
    remaining = [f for f in world.findings.values() if store.get_finding(f.id).status == "open"]
    if remaining:
        page.goto(f"{base}/item/{remaining[0].id}")
        click(page, "#act-remove")
        assert store.message_visibility(remaining[0].message_uid) == "removed"

    # each action is in the audit log page and on the member page
    page.goto(f"{base}/audit")
    text = page.inner_text("table.audit")
    for action in (
        "finding.dismissed",
        "message.hidden",
        "case.created",
        "member.warn",
        "media.reveal",
        "member.suspend",
        "member.ban",
    ):
        assert action in text, action
    troll = store.get_finding(photo.id).member_uid
    page.goto(f"{base}/member/{troll}")
    body = page.inner_text("main")
    assert "Exclusion" in body and "Suspension" in body and "récidiviste" in body

    # the English switch and a phone-sized screen
    click(page, "a.lang")
    assert "Decisions and warnings" in page.inner_text("main")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    mp = phone.new_page()
    log_in(mp, base, "mod")
    mp.goto(f"{base}/queue")
    assert mp.evaluate("document.documentElement.scrollWidth") <= 400  # no horizontal scrolling
    phone.close()
    assert not external, external  # nothing loaded from the network
    assert not errors, errors  # no JavaScript error
    ctx.close()


def test_viewer_refused_and_target_isolated(server, browser):
    base, world = server
    store = world.store
    threat = next(f for f in world.findings.values() if f.category == "threat")
    insult = next(f for f in world.findings.values() if f.category == "insult")
    mine = store.create_case(
        Case(
            id="",
            title="Menaces visant Dr Claire",
            kind="message",
            community_uid=world.community_uid,
            message_uids=(threat.message_uid,),
            finding_ids=(threat.id,),
            target_user="drclaire",
        ),
        "test",
    )
    other = store.create_case(
        Case(
            id="",
            title="Dossier confidentiel d'un confrère",
            kind="message",
            community_uid=None,
            message_uids=(insult.message_uid,),
            finding_ids=(insult.id,),
            target_user="drautre",
        ),
        "test",
    )
    ctx = browser.new_context()
    page = ctx.new_page()
    log_in(page, base, "viewer")
    page.goto(f"{base}/item/{threat.id}")
    assert page.locator("#act-dismiss").count() == 0  # no action buttons for a viewer
    # even a hand-made POST with a valid CSRF token is refused
    csrf = page.evaluate("document.querySelector('input[name=csrf]').value")
    status = page.evaluate(
        """async ([url, csrf]) => (await fetch(url, {method: 'POST', body: new URLSearchParams({action: 'dismiss', csrf})})).status""",
        [f"{base}/item/{threat.id}/action", csrf],
    )
    assert status == 403 and store.get_finding(threat.id).status == "open"
    ctx.close()

    ctx = browser.new_context()
    page = ctx.new_page()
    log_in(page, base, "drclaire")
    assert page.url.endswith("/cases")
    assert "Menaces visant Dr Claire" in page.inner_text("main") and "confrère" not in page.inner_text("main")
    page.goto(f"{base}/cases/{mine.id}")
    assert "je vais te tuer" in page.inner_text("main")
    resp = page.goto(f"{base}/cases/{other.id}")
    assert resp.status == 403 and "confrère" not in page.content()
    resp = page.goto(f"{base}/queue")
    assert resp.status == 403
    ctx.close()
