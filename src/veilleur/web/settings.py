"""Settings of the HTTP adapter: ``[web]`` and ``[api]`` in veilleur.toml (see docs/configuration.md).

A leaf module (no FastAPI import): ``veilleur.config`` reads it to validate veilleur.toml."""

from __future__ import annotations

from dataclasses import dataclass

from veilleur.config import section, setting


@section("web")
@dataclass(frozen=True)
class WebSettings:
    base_url: str = setting("http://127.0.0.1:8000", "public address of the workspace, used in alert links")
    secure_cookies: bool = setting(False, "mark cookies Secure (set when served over HTTPS)")
    session_hours: float = setting(12.0, "lifetime of a login session")
    login_max_failures: int = setting(5, "failed logins per account within login_window_s before refusing")
    login_window_s: float = setting(900.0, "window of the login limits")
    login_max_per_address: int = setting(20, "failed logins per client address within login_window_s")
    login_concurrency: int = setting(
        2, "password checks at once (argon2: 64 MiB each); 503 after 10 s without a slot"
    )
    login_audit_interval_s: float = setting(
        60.0, "throttled or unknown-login failures: one audit row per address and interval"
    )
    db_busy_timeout_s: float = setting(5.0, "wait for another process's write lock (an import), then 503")
    max_body_mb: float = setting(1.0, "request body limit (413), checked before reading")
    max_body_analyze_mb: float = setting(16.0, "body limit of /v1/analyze")
    max_body_messages_mb: float = setting(32.0, "body limit of /v1/messages")


@section("api")
@dataclass(frozen=True)
class ApiSettings:
    text_detectors: tuple[str, ...] = setting(
        default_factory=lambda: ("text_harm", "secrecy"), doc="detectors run by /v1/analyze on text"
    )
    image_detectors: tuple[str, ...] = setting(
        default_factory=lambda: ("media",), doc="detectors run by /v1/analyze on images"
    )
    scan_detectors: tuple[str, ...] = setting(
        default_factory=tuple, doc="detectors of the /v1/messages scan; empty: the pipeline's defaults"
    )
    preload: bool = setting(
        True, "load and warm the analyze detectors at start-up (/readyz is 503 until done)"
    )
    analyze_batch_ms: float = setting(5.0, "micro-batching window of concurrent /v1/analyze calls")
    analyze_max_batch: int = setting(32, "largest micro-batch")
    analyze_processes: int = setting(0, "1: run the analyze detectors in a spawned worker process")
