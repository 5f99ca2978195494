"""Alerts through a real local SMTP server (aiosmtpd) and a local webhook receiver checking the HMAC."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from veilleur.ingest.importer import import_messages
from veilleur.notify import alerts
from veilleur.notify.models import NotificationRow
from veilleur.pipeline import scan
from veilleur.records import Author, Message

from .conftest import build_world

SECRET = "un-secret-de-webhook-assez-long"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=email_policy)))
        return "250 OK"


@pytest.fixture()
def smtp() -> Any:
    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield ctl.port, inbox
    ctl.stop()


class Receiver:
    def __init__(self, fail_first: int = 0, status: int = 500) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.fail_first, self.status = fail_first, status
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                rec.requests.append(({k: v for k, v in self.headers.items()}, body))
                code = rec.status if len(rec.requests) <= rec.fail_first else 204
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _live(world: Any, text: str, mid: str) -> Message:
    return Message(
        source="test",
        community_id="grp1",
        community_name="Groupe Médecins Test",
        message_id=mid,
        author=Author("a9", "Nouveau Membre"),
        created_at=datetime.now(UTC),
        text=text,
    )


def test_new_serious_findings_send_email_and_signed_webhook(tmp_path, smtp):
    port, inbox = smtp
    w = build_world(
        tmp_path / "h",
        f'[alerts]\nmin_severity = "high"\nwebhook_backoff_s = 0.05\n[alerts.smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "veilleur@test.local"\n[web]\nbase_url = "https://veilleur.test"\n',
    )
    store = w.store
    alerts.install_listener()
    alerts.add_subscription(store, "moderation@groupe.test", min_severity="high", actor="test")
    alerts.add_subscription(
        store, "autre@groupe.test", community_uid="c_other", min_severity="info", actor="test"
    )
    rec = Receiver(fail_first=1)
    try:
        alerts.add_webhook(store, rec.url, SECRET, min_severity="critical", actor="test")
        msgs = [_live(w, "je vais te tuer, tu vas voir", "n1"), _live(w, "quel connard", "n2")]
        import_messages(store, msgs)
        report = scan(store, message_uids=[m.uid for m in msgs], detectors=["fake_harm"])
        assert report.new_findings == 2
    finally:
        rec.close()
    # one e-mail, to the subscriber of every community; the threat (critical) is in it, the insult (medium) is not
    assert len(inbox.messages) == 1
    rcpt, mail = inbox.messages[0]
    assert rcpt == ["moderation@groupe.test"]
    body = mail.get_content()
    assert "Menace" in body and "Injure" not in body and "https://veilleur.test/item/f_" in body
    assert "je vais te tuer" not in body  # no message text leaves by e-mail
    # the webhook failed once (HTTP 500), was retried, and each attempt is signed
    assert len(rec.requests) == 2
    headers, raw = rec.requests[-1]
    ts, sig = headers[alerts.TIMESTAMP_HEADER], headers[alerts.SIGNATURE_HEADER]
    assert alerts.verify_signature(SECRET, ts, raw, sig)
    assert not alerts.verify_signature("wrong-secret-wrong-secret", ts, raw, sig)
    assert not alerts.verify_signature(SECRET, ts, raw + b" ", sig)
    assert not alerts.verify_signature(SECRET, str(int(ts) - 3600), raw, sig)  # replayed later
    payload = json.loads(raw)
    assert payload["event"] == "findings.new" and [f["category"] for f in payload["findings"]] == ["threat"]
    with store.session() as s:
        logged = {(r.channel, r.status, r.attempts) for r in s.query(NotificationRow)}
        assert all(
            "abc" not in r.recipient for r in s.query(NotificationRow)
        )  # no token from the URL in logs
    assert logged == {("email", "sent", 1), ("webhook", "sent", 2)}
    # a re-scan finds nothing new: no second alert
    scan(store, message_uids=[m.uid for m in msgs], detectors=["fake_harm"])
    assert len(inbox.messages) == 1


def test_webhook_retries_are_bounded():
    rec = Receiver(fail_first=100)
    try:
        ok, attempts, error = alerts.send_webhook(rec.url, SECRET, {"x": 1}, retries=3, backoff_s=0.01)
    finally:
        rec.close()
    assert (ok, attempts, error) == (False, 3, "HTTP 500") and len(rec.requests) == 3
    rec = Receiver(fail_first=100, status=410)
    try:
        ok, attempts, _ = alerts.send_webhook(rec.url, SECRET, {"x": 1}, retries=3, backoff_s=0.01)
    finally:
        rec.close()
    assert (ok, attempts) == (False, 1)  # a 4xx refusal is not retried
    ok, attempts, error = alerts.send_webhook(
        f"http://127.0.0.1:{free_port()}/", SECRET, {}, retries=2, backoff_s=0.01
    )
    assert not ok and attempts == 2 and error


def test_weekly_digest(tmp_path, smtp):
    port, inbox = smtp
    w = build_world(tmp_path / "h", f'[alerts.smtp]\nhost = "127.0.0.1"\nport = {port}\n')
    alerts.add_subscription(
        w.store, "admin@groupe.test", community_uid=w.community_uid, lang="fr", actor="test"
    )
    alerts.add_subscription(w.store, "en@groupe.test", lang="en", digest=True, actor="test")
    alerts.add_subscription(w.store, "nodigest@groupe.test", digest=False, actor="test")
    out = alerts.send_digest(w.store)
    assert sorted(d["to"] for d in out) == ["admin@groupe.test", "en@groupe.test"]
    assert all(d["status"] == "sent" for d in out) and len(inbox.messages) == 2
    fr = next(m for r, m in inbox.messages if r == ["admin@groupe.test"])
    assert fr["Subject"] == "[veilleur] Votre communauté cette semaine : Groupe Médecins Test"
    body = fr.get_content()
    assert "Nouveaux signalements : 7" in body and "Menace : 1" in body
    en = next(m for r, m in inbox.messages if r == ["en@groupe.test"])
    assert "Your community this week" in en["Subject"]


def test_digest_cli_dry_run_and_missing_smtp(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from veilleur.cli import app

    w = build_world(tmp_path / "h")
    alerts.add_subscription(w.store, "admin@groupe.test", actor="test")
    monkeypatch.setenv("VEILLEUR_HOME", str(w.home))
    monkeypatch.setenv("VEILLEUR_DB", w.store.settings.db_url)
    r = CliRunner().invoke(app, ["alerts", "digest", "--dry-run"])
    assert r.exit_code == 0 and "Votre communauté cette semaine" in r.output
    r = CliRunner().invoke(app, ["alerts", "digest"])
    assert r.exit_code != 0 and "alerts.smtp.host" in str(r.exception)
