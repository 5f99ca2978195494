"""Settings of alerts: ``[alerts]`` and ``[alerts.smtp]`` in veilleur.toml (see docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from veilleur.config import SecretStr, section, setting


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = setting(None, "SMTP server; no host: no e-mail is sent")
    port: int = setting(25, "SMTP port")
    sender: str = setting("veilleur@localhost", "From: address", key="from")
    user: str | None = setting(None, "SMTP login")
    password: SecretStr | None = setting(None, "SMTP password (never logged)")
    starttls: bool = setting(False, "STARTTLS after connecting")
    ssl: bool = setting(False, "TLS from the start (SMTPS)")
    timeout: float = setting(10.0, "seconds per SMTP operation")


@section("alerts")
@dataclass(frozen=True)
class AlertSettings:
    min_severity: str = setting("high", "floor for immediate alerts (each subscription has its own too)")
    webhook_retries: int = setting(3, "attempts per webhook delivery")
    webhook_backoff_s: float = setting(0.5, "first wait between webhook attempts (doubles)")
    smtp: SmtpSettings = field(default_factory=SmtpSettings, metadata={"doc": "the mail server"})
