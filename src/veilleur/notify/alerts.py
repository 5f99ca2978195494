"""Alerts: e-mail (SMTP) and signed webhooks when new serious findings arrive, and a weekly digest.

A webhook body is signed with HMAC-SHA256 over ``"{timestamp}.{body}"``, sent in
``X-Veilleur-Signature: sha256=<hex>`` with ``X-Veilleur-Timestamp`` (Unix seconds) so receivers can
refuse replays. Deliveries are retried a bounded number of times and every attempt is logged in
``web_notifications`` (never the secret, the password or a full message text).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from veilleur.config import SecretStr, Settings
from veilleur.errors import ConfigError, InputError
from veilleur.i18n import translate
from veilleur.moderate import queries
from veilleur.notify.models import AlertSubscriptionRow, NotificationRow, WebhookRow
from veilleur.notify.settings import AlertSettings
from veilleur.store import Store, StoredFinding
from veilleur.store.models import now_utc
from veilleur.taxonomy import Severity, label

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
SIGNATURE_HEADER = "X-Veilleur-Signature"
TIMESTAMP_HEADER = "X-Veilleur-Timestamp"


# -- configuration ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "veilleur@localhost"
    user: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        smtp = settings.section(AlertSettings).smtp
        if not smtp.host:
            return None
        return cls(
            host=smtp.host,
            port=smtp.port,
            sender=smtp.sender,
            user=smtp.user,
            password=smtp.password,
            starttls=smtp.starttls,
            ssl=smtp.ssl,
            timeout=smtp.timeout,
        )


def base_url(settings: Settings) -> str:
    return settings.public_url


def alert_min_severity(settings: Settings) -> Severity:
    try:
        return Severity.parse(settings.section(AlertSettings).min_severity)
    except ValueError as exc:
        raise ConfigError(f"alerts.min_severity: {exc}") from None


# -- subscriptions and webhooks -------------------------------------------------------------------------
def add_subscription(
    store: Store,
    email: str,
    *,
    community_uid: str | None = None,
    min_severity: str = "high",
    digest: bool = True,
    lang: str = "fr",
    actor: str = "cli",
) -> int:
    if "@" not in email or any(c.isspace() for c in email):
        raise InputError("email", f"not an e-mail address: {email!r}")
    sev = Severity.parse(min_severity)
    with store.session() as s:
        row = AlertSubscriptionRow(
            email=email,
            community_uid=community_uid,
            min_severity=int(sev),
            digest=digest,
            lang=lang if lang in ("fr", "en") else "fr",
            created_at=now_utc(),
        )
        s.add(row)
        s.flush()
        sub_id = row.id
    store.audit(
        actor, "alerts.subscribed", email, {"community": community_uid, "min_severity": sev.name.lower()}
    )
    return sub_id


def remove_subscription(store: Store, sub_id: int, actor: str = "cli") -> None:
    with store.session() as s:
        row = s.get(AlertSubscriptionRow, sub_id)
        if row is None:
            raise InputError("subscription", f"no subscription {sub_id}")
        email = row.email
        s.delete(row)
    store.audit(actor, "alerts.unsubscribed", email, {"id": sub_id})


def list_subscriptions(store: Store) -> list[dict[str, Any]]:
    with store.session() as s:
        return [
            {
                "id": r.id,
                "email": r.email,
                "community_uid": r.community_uid,
                "min_severity": Severity(r.min_severity).name.lower(),
                "digest": r.digest,
                "lang": r.lang,
            }
            for r in s.scalars(select(AlertSubscriptionRow).order_by(AlertSubscriptionRow.id))
        ]


def add_webhook(
    store: Store,
    url: str,
    secret: str,
    *,
    community_uid: str | None = None,
    min_severity: str = "high",
    actor: str = "cli",
) -> int:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError("url", f"not an http(s) URL: {url!r}")
    if len(secret) < 16:
        raise InputError("secret", "a webhook secret needs at least 16 characters")
    sev = Severity.parse(min_severity)
    with store.session() as s:
        row = WebhookRow(
            url=url,
            secret=secret,
            community_uid=community_uid,
            min_severity=int(sev),
            active=True,
            created_at=now_utc(),
        )
        s.add(row)
        s.flush()
        hook_id = row.id
    store.audit(actor, "alerts.webhook_added", _safe_url(url), {"id": hook_id})
    return hook_id


def list_webhooks(store: Store) -> list[dict[str, Any]]:
    with store.session() as s:
        return [
            {
                "id": r.id,
                "url": _safe_url(r.url),
                "community_uid": r.community_uid,
                "min_severity": Severity(r.min_severity).name.lower(),
                "active": r.active,
            }
            for r in s.scalars(select(WebhookRow).order_by(WebhookRow.id))
        ]


def remove_webhook(store: Store, hook_id: int, actor: str = "cli") -> None:
    with store.session() as s:
        row = s.get(WebhookRow, hook_id)
        if row is None:
            raise InputError("webhook", f"no webhook {hook_id}")
        row.active = False
    store.audit(actor, "alerts.webhook_removed", str(hook_id), {})


def _safe_url(url: str) -> str:
    """The URL without query string or credentials, for logs (tokens often hide there)."""
    p = urlsplit(url)
    host = p.hostname or ""
    if p.port:
        host += f":{p.port}"
    return f"{p.scheme}://{host}{p.path}"


def _log(
    store: Store,
    channel: str,
    recipient: str,
    community_uid: str | None,
    finding_ids: list[str],
    status: str,
    attempts: int,
    error: str | None,
    summary: str,
) -> None:
    with store.session() as s:
        s.add(
            NotificationRow(
                at=now_utc(),
                channel=channel,
                recipient=recipient,
                community_uid=community_uid,
                finding_ids=finding_ids,
                status=status,
                attempts=attempts,
                error=error,
                summary=summary,
            )
        )


# -- delivery -------------------------------------------------------------------------------------------
def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    max_age_s: int = 300,
    now: float | None = None,
) -> bool:
    """For receivers: the signature matches and the timestamp is recent (replay protection)."""
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= max_age_s and hmac.compare_digest(sign(secret, timestamp, body), signature)


def send_webhook(
    url: str,
    secret: str,
    payload: dict[str, Any],
    *,
    retries: int = 3,
    timeout: float = 5.0,
    backoff_s: float = 0.5,
) -> tuple[bool, int, str | None]:
    """POST the signed payload; retry on network errors and 5xx/429 up to ``retries`` attempts.

    Returns (delivered, attempts, last error)."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    error: str | None = None
    for attempt in range(1, retries + 1):
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(secret, ts, body),
            "User-Agent": "veilleur-alerts",
        }
        try:
            r = httpx.post(url, content=body, headers=headers, timeout=timeout, follow_redirects=False)
            if r.status_code < 300:
                return True, attempt, None
            error = f"HTTP {r.status_code}"
            if r.status_code < 500 and r.status_code != 429:
                return False, attempt, error  # the receiver refused: retrying will not help
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        if attempt < retries:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return False, retries, error


def send_email(cfg: SmtpConfig, to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = cfg.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    smtp_cls = smtplib.SMTP_SSL if cfg.ssl else smtplib.SMTP
    with smtp_cls(cfg.host, cfg.port, timeout=cfg.timeout) as smtp:
        if cfg.starttls and not cfg.ssl:
            smtp.starttls(context=ssl.create_default_context())
        if cfg.user and cfg.password:
            smtp.login(cfg.user, cfg.password.get_secret_value())
        smtp.send_message(msg)


# -- alerts on new findings ------------------------------------------------------------------------------
def _paris(dt: datetime) -> str:
    return dt.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _finding_payload(sf: StoredFinding, url: str) -> dict[str, Any]:
    f = sf.finding
    # No message text in alerts: an e-mail or webhook leaves our control; the link leads to the workspace.
    return {
        "id": f.id,
        "category": f.category,
        "severity": f.severity.name.lower(),
        "score": round(f.score, 3),
        "detector": f.detector,
        "message_uid": f.message_uid,
        "member_uid": sf.member_uid,
        "community_uid": sf.community_uid,
        "message_created_at": sf.message_created_at.isoformat(),
        "url": f"{url}/item/{f.id}",
    }


def _alert_email(
    findings: list[StoredFinding], lang: str, url: str, community_names: dict[str, str]
) -> tuple[str, str]:
    n = len(findings)
    top = max(sf.finding.severity for sf in findings)
    subject = translate("alert.subject", lang, n=n, severity=translate(f"sev.{top.name.lower()}", lang))
    lines = [translate("alert.intro", lang, n=n), ""]
    for sf in sorted(findings, key=lambda x: -int(x.finding.severity)):
        f = sf.finding
        lines.append(
            f"- [{translate('sev.' + f.severity.name.lower(), lang)}] {label(f.category, lang)} — "
            f"{community_names.get(sf.community_uid, sf.community_uid)} — {_paris(sf.message_created_at)}"
        )
        lines.append(f"  {url}/item/{f.id}")
    lines += ["", translate("alert.footer", lang)]
    return subject, "\n".join(lines)


def notify_new_findings(store: Store, findings: list[StoredFinding]) -> dict[str, int]:
    """Send e-mails and webhooks for new findings at or above each subscriber's threshold."""
    settings = store.settings
    floor = alert_min_severity(settings)
    serious = [sf for sf in findings if sf.finding.severity >= floor and sf.status == "open"]
    sent = {"email": 0, "webhook": 0, "failed": 0}
    if not serious:
        return sent
    url = base_url(settings)
    names = {c.uid: c.name for c in store.list_communities()}
    subs = list_subscriptions_rows(store)
    with store.session() as s:
        hooks = [
            (h.id, h.url, h.secret, h.community_uid, h.min_severity)
            for h in s.scalars(select(WebhookRow).where(WebhookRow.active.is_(True)))
        ]
    smtp = SmtpConfig.from_settings(settings)
    for email, community, min_sev, lang in subs:
        mine = [
            sf
            for sf in serious
            if sf.finding.severity >= min_sev and (community is None or sf.community_uid == community)
        ]
        if not mine:
            continue
        ids = [sf.finding.id for sf in mine]
        subject, body = _alert_email(mine, lang, url, names)
        if smtp is None:
            _log(
                store, "email", email, community, ids, "failed", 0, "alerts.smtp.host not configured", subject
            )
            sent["failed"] += 1
            continue
        error: str | None = None
        attempts = 0
        for attempts in range(1, 4):
            try:
                send_email(smtp, email, subject, body)
                error = None
                break
            except (OSError, smtplib.SMTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
                time.sleep(0.2 * attempts)
        _log(store, "email", email, community, ids, "failed" if error else "sent", attempts, error, subject)
        sent["failed" if error else "email"] += 1
    for _hook_id, hook_url, secret, community, min_sev in hooks:
        mine = [
            sf
            for sf in serious
            if sf.finding.severity >= min_sev and (community is None or sf.community_uid == community)
        ]
        if not mine:
            continue
        payload = {
            "event": "findings.new",
            "sent_at": now_utc().isoformat(),
            "findings": [_finding_payload(sf, url) for sf in mine],
        }
        ok, attempts, error = send_webhook(
            hook_url,
            secret,
            payload,
            retries=settings.section(AlertSettings).webhook_retries,
            backoff_s=settings.section(AlertSettings).webhook_backoff_s,
        )
        _log(
            store,
            "webhook",
            _safe_url(hook_url),
            community,
            [sf.finding.id for sf in mine],
            "sent" if ok else "failed",
            attempts,
            error,
            f"{len(mine)} finding(s)",
        )
        sent["webhook" if ok else "failed"] += 1
    return sent


def list_subscriptions_rows(store: Store) -> list[tuple[str, str | None, int, str]]:
    with store.session() as s:
        return [
            (r.email, r.community_uid, r.min_severity, r.lang)
            for r in s.scalars(select(AlertSubscriptionRow))
        ]


def _listener(store: Store, findings: list[StoredFinding]) -> None:
    if not list_subscriptions_rows(store) and not list_webhooks(store):
        return  # alerts not configured: nothing to do
    notify_new_findings(store, findings)


def install_listener() -> None:
    """Hook alerts into the scan pipeline (idempotent). A no-op until subscriptions or webhooks exist."""
    from veilleur import pipeline

    if _listener not in pipeline.finding_listeners:
        pipeline.finding_listeners.append(_listener)


def recent_notifications(
    store: Store, community_uid: str | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    q = select(NotificationRow).order_by(NotificationRow.at.desc(), NotificationRow.id.desc()).limit(limit)
    if community_uid:
        q = q.where(
            (NotificationRow.community_uid == community_uid) | (NotificationRow.community_uid.is_(None))
        )
    with store.session() as s:
        return [
            {
                "at": r.at,
                "channel": r.channel,
                "recipient": r.recipient,
                "status": r.status,
                "summary": r.summary,
                "attempts": r.attempts,
                "finding_ids": list(r.finding_ids or []),
            }
            for r in s.scalars(q)
        ]


# -- weekly digest -----------------------------------------------------------------------------------------
def digest_text(
    store: Store, community_uid: str | None, lang: str, now: datetime | None = None
) -> tuple[str, str]:
    """Subject and body of "votre communauté cette semaine" for one community (or all)."""
    now = now or now_utc()
    since = now - timedelta(days=7)
    names = {c.uid: c.name for c in store.list_communities()}
    name = names.get(community_uid or "", translate("digest.all", lang))
    week = store.list_findings(community_uid=community_uid, since=since, until=now)
    kept = [sf for sf in week if sf.status != "dismissed"]
    cats = Counter(sf.finding.category for sf in kept)
    sev = Counter(sf.finding.severity.name.lower() for sf in kept)
    open_now = queries.open_by_severity(store, community_uid)
    conc = queries.concentration(store, community_uid, top_n=5)
    decs = [d for d in queries.decisions(store, community_uid=community_uid) if d.at >= since]
    subject = translate("digest.subject", lang, community=name)
    lines = [
        translate(
            "digest.title",
            lang,
            community=name,
            start=since.astimezone(PARIS).strftime("%d/%m/%Y"),
            end=now.astimezone(PARIS).strftime("%d/%m/%Y"),
        ),
        "",
    ]
    lines.append(translate("digest.new", lang, n=len(kept)))
    for cat, n in cats.most_common():
        lines.append(f"  - {label(cat, lang)} : {n}")
    if sev:
        lines.append(
            translate("digest.by_severity", lang)
            + " "
            + ", ".join(
                f"{translate('sev.' + k, lang)} {v}"
                for k, v in sorted(sev.items(), key=lambda kv: -int(Severity.parse(kv[0])))
            )
        )
    lines.append(translate("digest.open", lang, n=sum(open_now.values())))
    if conc.total_findings:
        lines.append(
            translate(
                "digest.concentration",
                lang,
                n=conc.top_n,
                share=round(conc.top_share * 100),
                members=conc.members_with_findings,
            )
        )
    lines.append(translate("digest.decisions", lang, n=len(decs)))
    lines += [
        "",
        f"{base_url(store.settings)}/dashboard" + (f"?community={community_uid}" if community_uid else ""),
        "",
        translate("alert.footer", lang),
    ]
    return subject, "\n".join(lines)


def send_digest(store: Store, *, dry_run: bool = False, now: datetime | None = None) -> list[dict[str, Any]]:
    """Send the weekly digest to every subscriber who wants it. Returns what was (or would be) sent."""
    smtp = SmtpConfig.from_settings(store.settings)
    if smtp is None and not dry_run:
        raise ConfigError("alerts.smtp.host is not set in veilleur.toml: cannot send the digest")
    out: list[dict[str, Any]] = []
    with store.session() as s:
        subs = [
            (r.email, r.community_uid, r.lang)
            for r in s.scalars(select(AlertSubscriptionRow).where(AlertSubscriptionRow.digest.is_(True)))
        ]
    for email, community, lang in subs:
        subject, body = digest_text(store, community, lang, now)
        status, error = "dry-run", None
        if not dry_run and smtp is not None:
            try:
                send_email(smtp, email, subject, body)
                status = "sent"
            except (OSError, smtplib.SMTPException) as exc:
                status, error = "failed", f"{type(exc).__name__}: {exc}"[:300]
            _log(store, "digest", email, community, [], status, 1, error, subject)
        out.append(
            {"to": email, "community_uid": community, "subject": subject, "status": status, "body": body}
        )
    return out
