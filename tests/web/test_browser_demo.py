"""The workspace on the bundled demo group, in a real headless Chromium (Debian ``chromium``) via Playwright.

Imports ``demo/facebook-export`` into a fresh store and runs the real scan (the default detectors: text_harm,
secrecy, media, then the raid pass) once for the module; then, against uvicorn on 127.0.0.1:
- the dashboard shows the demo community with the figures the store holds, and ``docs/screenshots/dashboard.png``
  and ``item.png`` (a patient made identifiable, its spans highlighted) are taken from it for the README;
- a moderator works through the review queue with the keyboard shortcuts only (Enter, j/k, d, e, h, w), and
  each decision shows in the audit log page and on the author's member page;
- a viewer sees the same data and cannot act.
No page may raise a JavaScript error, answer an unexpected HTTP error, or load anything outside 127.0.0.1."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from veilleur.accounts import auth
from veilleur.config import load_settings
from veilleur.ingest.importer import import_path
from veilleur.moderate import queries
from veilleur.pipeline import ScanReport, scan
from veilleur.store import Store
from veilleur.taxonomy import Severity, label

from .browser import MARKS, chromium, log_in, press, selected_id, serve
from .conftest import PASSWORD

pytestmark = MARKS

ROOT = Path(__file__).resolve().parents[2]
DEMO_EXPORT = ROOT / "demo" / "facebook-export"
SHOTS = ROOT / "docs" / "screenshots"
SEV_FR = {
    Severity.CRITICAL: "critique",
    Severity.HIGH: "élevée",
    Severity.MEDIUM: "moyenne",
    Severity.LOW: "faible",
    Severity.INFO: "info",
}
# The demo finding shown in docs/screenshots/item.png: a patient named, aged, with her room and hospital.
ITEM_SHOT_TEXT = "Mme Josiane Ferrand"


@dataclass
class Demo:
    store: Store
    community_uid: str
    community_name: str
    report: ScanReport


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A fresh store holding the demo export and the findings of the real detectors (~15 s, once per module)."""
    home = tmp_path_factory.mktemp("demo-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEILLEUR_HOME", str(home))
        mp.delenv("VEILLEUR_DB", raising=False)
        mp.delenv("VEILLEUR_CONFIG", raising=False)
        store = Store.open(load_settings(home=home, db_url=f"sqlite:///{home / 'v.sqlite'}"))
        imported = import_path(store, DEMO_EXPORT, actor="test")
        assert imported.messages_seen == 688 and len(imported.communities) == 1
        (community_uid,) = imported.communities
        report = scan(store, message_uids=store.message_uids(community_uid=community_uid))
    assert set(report.detectors) == {"text_harm", "secrecy", "media"} and not report.errors, report.to_dict()
    assert report.findings > 50
    auth.add_user(
        store, "moderatrice", PASSWORD, "moderator", display_name="Camille Modératrice", actor="test"
    )
    auth.add_user(store, "lecteur", PASSWORD, "viewer", display_name="Louis Lecteur", actor="test")
    name = next(c.name for c in store.list_communities() if c.uid == community_uid)
    yield Demo(store, community_uid, name, report)
    store.close()


@pytest.fixture(scope="module")
def base(demo: Demo) -> Iterator[str]:
    from veilleur.web import create_app

    with serve(create_app(demo.store.settings, demo.store)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@dataclass
class Watch:
    """What a page did wrong: JavaScript errors, console errors (CSP violations among them), HTTP errors, and
    requests that left 127.0.0.1."""

    base: str
    errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> Any:
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on(
            "response", lambda r: self.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith((self.base + "/", "data:")) else self.external.append(r.url),
        )
        return page

    def check(self) -> None:
        assert not self.external, self.external  # nothing loaded from the network
        assert not self.errors, self.errors  # no JavaScript error
        assert not self.http_errors, self.http_errors


@pytest.fixture()
def watched(base: str, browser: Any) -> Iterator[tuple[Any, Watch]]:
    """A 1280×900 page in a fresh context; the test ends with ``watch.check()`` run for it."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    watch = Watch(base)
    yield watch.attach(ctx.new_page()), watch
    ctx.close()


def go(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def queue_rows(page: Any) -> list[tuple[str, str, float]]:
    """(finding id, severity class, priority shown) of each row of the queue page, top to bottom."""
    rows = page.eval_on_selector_all(
        ".qitem", "els => els.map(e => [e.dataset.id, e.className, e.querySelector('.prio').textContent])"
    )
    return [(i, re.search(r"sev-(\w+)", c).group(1), float(p)) for i, c, p in rows]  # type: ignore[union-attr]


def finding_row(page: Any, finding_id: str) -> str:
    """The text of the member page's line about one finding."""
    return str(page.locator("ul.findings li", has=page.locator(f'a[href="/item/{finding_id}"]')).inner_text())


def test_dashboard_and_item_of_the_demo(demo: Demo, base: str, watched: tuple[Any, Watch]) -> None:
    """The dashboard's figures are the store's; the two README screenshots are taken here, before any decision."""
    page, watch = watched
    store = demo.store
    log_in(page, base, "moderatrice")
    assert page.url.endswith("/dashboard")
    # The weekly chart ends at the community's latest finding when that is older than today: the demo
    # (January to June 2026), analysed months later, still shows its own weeks.
    as_of = max(
        sf.message_created_at
        for sf in store.list_findings(community_uid=demo.community_uid)
        if sf.status != "dismissed"
    )
    assert page.inner_text("h1") == f"Tableau de bord — {demo.community_name}"

    findings = store.list_findings(community_uid=demo.community_uid)
    open_by_sev = Counter(int(sf.finding.severity) for sf in findings if sf.status == "open")
    assert open_by_sev[Severity.CRITICAL] and open_by_sev[Severity.HIGH]  # the demo has both
    assert page.inner_text("h2:has-text('À traiter par gravité') .count") == str(sum(open_by_sev.values()))
    shown = page.get_attribute("svg.bars", "aria-label")
    assert shown == ", ".join(f"{SEV_FR[s]} {open_by_sev[int(s)]}" for s in sorted(Severity, reverse=True))

    # findings per week (dismissed ones excluded), counted here from the store, are the chart's text alternative
    monday = datetime.combine(as_of.date() - timedelta(days=as_of.weekday()), datetime.min.time(), UTC)
    weeks = [monday - timedelta(weeks=7 - i) for i in range(8)]
    per_week = Counter(
        (sf.message_created_at - weeks[0]).days // 7
        for sf in findings
        if sf.status != "dismissed" and weeks[0] <= sf.message_created_at <= as_of
    )
    assert sum(per_week.values()) > 5
    assert page.get_attribute("svg.chart", "aria-label") == "Signalements par semaine : " + ", ".join(
        f"{w.strftime('%d/%m')} {per_week[i]}" for i, w in enumerate(weeks)
    )

    # concentration: the most flagged member of the demo is named first, with their count of findings
    per_member = Counter(sf.member_uid for sf in findings if sf.status != "dismissed")
    top_uid, top_n = per_member.most_common(1)[0]
    first = page.locator("ol.top li").first
    assert first.locator("a").get_attribute("href") == f"/member/{top_uid}"
    assert first.inner_text() == f"{store.get_member(top_uid).display_name} — {top_n}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    # the item view of a patient made identifiable, every span of its findings highlighted in the message
    (msg,) = store.search_messages(text=ITEM_SHOT_TEXT, community_uid=demo.community_uid)
    on_msg = store.list_findings(message_uid=msg.uid)
    shot = next(sf.finding for sf in on_msg if sf.finding.category == "patient_identifiable_text")
    assert shot.spans and shot.severity >= Severity.HIGH
    go(page, f"{base}/item/{shot.id}")
    assert (
        " ".join(str(page.text_content("h1")).split())
        == f"{SEV_FR[shot.severity]} {label(shot.category, 'fr')}"
    )
    marks = page.locator("p.msg-text mark").all_inner_texts()
    assert any(ITEM_SHOT_TEXT.removeprefix("Mme ") in m for m in marks), marks
    for s in shot.spans:
        assert msg.text[s.start : s.end] in "".join(marks)
    assert page.inner_text("p.msg-text") == msg.text  # highlighting cuts the text, never changes it
    page.screenshot(path=str(SHOTS / "item.png"), full_page=True)
    watch.check()


def test_moderator_works_through_the_demo_queue_with_the_keyboard(
    demo: Demo, base: str, watched: tuple[Any, Watch]
) -> None:
    page, watch = watched
    store = demo.store
    log_in(page, base, "moderatrice")
    go(page, f"{base}/queue")

    # the queue is the store's open findings ranked by priority, the most urgent (critical or high) first
    rows = queue_rows(page)
    expected = [it.stored.finding.id for it in queries.review_queue(store, community_uid=demo.community_uid)]
    assert [r[0] for r in rows] == expected[:50] and len(expected) == store.count_findings(status="open")
    assert page.inner_text("h1 .count") == str(len(expected))
    assert (
        rows[0][1] in ("critical", "high") and store.get_finding(rows[0][0]).finding.severity >= Severity.HIGH
    )
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    ranks = [int(store.get_finding(r[0]).finding.severity) for r in rows]
    assert ranks == sorted(ranks, reverse=True)  # severity dominates reach and waiting time

    # j/k move the selection; Enter opens it; on the item, j goes to the next item of the queue
    assert selected_id(page) == rows[0][0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert selected_id(page) == rows[1][0]
    press(page, "Enter")
    assert page.url.startswith(f"{base}/item/{rows[1][0]}")
    press(page, "j")
    assert page.url == f"{base}/item/{rows[2][0]}"

    decided: dict[str, str] = {}  # finding id → the action taken on it
    # d on the item: dismissed as a false positive; the next item of the queue opens
    dismissed = rows[2][0]
    press(page, "d")
    assert store.get_finding(dismissed).status == "dismissed"
    decided[dismissed] = "dismiss"
    assert page.url == f"{base}/item/{rows[3][0]}"
    # e on the item: a case is opened for the message, with every finding of the message in it
    escalated = rows[3][0]
    press(page, "e")
    case_id = page.url.rsplit("/", 1)[1]
    assert page.url.startswith(f"{base}/cases/case_")
    case = store.get_case(case_id)
    msg_uid = store.get_finding(escalated).finding.message_uid
    assert case.message_uids == (msg_uid,) and escalated in case.finding_ids
    assert all(store.get_finding(i).status in ("escalated", "dismissed") for i in case.finding_ids)
    decided[escalated] = "escalate"

    # back in the queue (now without the settled items): h hides the selected message
    go(page, f"{base}/queue")
    rows = queue_rows(page)
    assert dismissed not in [r[0] for r in rows] and escalated not in [r[0] for r in rows]
    page.keyboard.press("j")
    hidden = selected_id(page)
    press(page, "h")
    hidden_msg = store.get_finding(hidden).finding.message_uid
    assert store.message_visibility(hidden_msg) == "hidden"
    assert {sf.status for sf in store.list_findings(message_uid=hidden_msg)} <= {
        "actioned",
        "dismissed",
        "escalated",
    }
    decided[hidden] = "hide"
    # d in the queue dismisses the selected row and stays in the queue
    assert page.url.startswith(f"{base}/queue")
    page.keyboard.press("j")
    page.keyboard.press("j")
    dismissed2 = selected_id(page)
    press(page, "d")
    assert store.get_finding(dismissed2).status == "dismissed" and dismissed2 not in [
        r[0] for r in queue_rows(page)
    ]
    decided[dismissed2] = "dismiss"

    # w opens the item with its warning (from the template, editable) focused; Tab reaches the button, Enter sends
    page.keyboard.press("j")
    warned = selected_id(page)
    press(page, "w")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'warn-text'")
    author = store.get_finding(warned)
    author_name = store.get_member(author.member_uid).display_name
    assert author_name in page.input_value("#warn-text")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nMerci de relire la charte du groupe.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "act-warn"
    press(page, "Enter")
    warn_entries = store.audit_log(action="member.warn", target=author.member_uid)
    assert warn_entries and warn_entries[0].data["text"].endswith("Merci de relire la charte du groupe.")
    assert store.get_finding(warned).status == "actioned"
    decided[warned] = "warn"
    assert len(decided) == 5

    # every decision is in the audit log page, by the moderator, on the right target
    go(page, f"{base}/audit?actor=moderatrice")
    audit = [
        tuple(r)
        for r in page.eval_on_selector_all(
            "table.audit tbody tr",
            "trs => trs.map(tr => [...tr.cells].slice(1, 4).map(c => c.textContent.trim()))",
        )
    ]
    for fid, action in decided.items():
        sf = store.get_finding(fid)
        want = {
            "dismiss": ("finding.dismissed", fid),
            "escalate": ("finding.escalated", fid),
            "hide": ("message.hidden", sf.finding.message_uid),
            "warn": ("member.warn", sf.member_uid),
        }[action]
        assert ("moderatrice", *want) in audit, (action, want)
    assert ("moderatrice", "case.created", case_id) in audit

    # and on the member page of each author: the finding's status, the decisions with their text, the audit trail
    for fid, action in decided.items():
        sf = store.get_finding(fid)
        go(page, f"{base}/member/{sf.member_uid}")
        assert page.inner_text("h1").startswith(store.get_member(sf.member_uid).display_name)
        line = finding_row(page, fid)
        assert line.endswith(
            {
                "dismiss": "écarté (faux positif)",
                "escalate": "transmis en dossier",
                "hide": "traité",
                "warn": "traité",
            }[action]
        ), (action, line)
        if action == "hide":
            assert page.locator("li.decision-hide").count() >= 1
            assert "masqué" in page.inner_text("ol.thread")
        if action == "warn":
            assert "Avertissement" in page.inner_text("li.decision-warn")
            assert "Merci de relire la charte du groupe." in str(
                page.locator("li.decision-warn pre").first.text_content()
            )
            assert "member.warn" in page.inner_text(
                'section:has(h2:has-text("Journal d\'audit")) table.audit'
            )
    watch.check()


def test_viewer_sees_the_demo_and_cannot_act(demo: Demo, base: str, watched: tuple[Any, Watch]) -> None:
    page, watch = watched
    store = demo.store
    log_in(page, base, "lecteur")
    assert page.url.endswith("/dashboard") and demo.community_name in page.inner_text("h1")
    go(page, f"{base}/queue")
    rows = queue_rows(page)
    assert (
        rows
        and page.locator("input[name=finding_ids]").count() == 0
        and page.locator(".bulkbar").count() == 0
    )
    before = [(sf.finding.id, sf.status) for sf in store.list_findings()]
    for k in ("d", "h", "e"):  # the shortcuts do nothing for a viewer
        page.keyboard.press(k)
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base}/queue"
    press(page, "Enter")
    assert page.url.startswith(f"{base}/item/{rows[0][0]}")
    assert page.locator("p.msg-text").inner_text() and page.locator("#act-dismiss, #warn-form").count() == 0
    for k in ("d", "h", "e"):
        page.keyboard.press(k)
    page.wait_for_load_state("networkidle")
    assert [(sf.finding.id, sf.status) for sf in store.list_findings()] == before
    assert page.locator("nav a[href='/audit']").count() == 0
    watch.check()
