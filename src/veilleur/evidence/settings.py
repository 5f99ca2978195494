"""Settings of the evidence vault: ``[evidence]`` and ``[evidence.capture]`` (see docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from veilleur.config import section, setting


@dataclass(frozen=True)
class CaptureSettings:
    """Bounds of a URL capture (the defaults of ``capture.URL_DEFAULTS``)."""

    timeout_s: float = setting(60.0, "seconds for the whole page capture")
    max_bytes: int = setting(50 * 1024 * 1024, "HTTP bodies kept, in bytes")
    max_height: int = setting(20000, "screenshot height in pixels")
    max_html_bytes: int = setting(10 * 1024 * 1024, "HTML kept, in bytes")
    max_pdf_pages: int = setting(50, "pages of the PDF print")
    max_responses: int = setting(500, "HTTP responses recorded")
    settle_ms: int = setting(1000, "wait after load before capturing")


@section("evidence")
@dataclass(frozen=True)
class EvidenceSettings:
    tsa_urls: tuple[str, ...] = setting(
        default_factory=tuple, doc="RFC 3161 time-stamping authorities (none: no call)"
    )
    tsa_ca_files: tuple[str, ...] = setting(
        default_factory=tuple, doc="their root certificates (PEM; copied into bundles)"
    )
    tsa_timeout_s: float = setting(10.0, "seconds per TSA request")
    stamp_on_capture: bool = setting(
        True, "time-stamp each capture (false: only `veilleur evidence timestamp`)"
    )
    chromium: str = setting("/usr/bin/chromium", "the browser used for URL captures")
    public_ip_echo_url: str | None = setting(
        None, "service giving the public IP for the capture report (none: no call)"
    )
    site_profiles_file: str | None = setting(None, "more site profiles (YAML)")
    original_roles: tuple[str, ...] = setting(
        default_factory=lambda: ("admin", "avocat", "procureur", "commissaire", "dpo"),
        doc="roles that may `evidence open` an original",
    )
    capture: CaptureSettings = field(default_factory=CaptureSettings, metadata={"doc": "URL capture bounds"})
