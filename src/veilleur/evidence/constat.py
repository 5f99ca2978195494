"""Conditions of a URL capture, recorded the way a "constat" of an Internet page describes them
(machine, OS, network addresses, DNS answers, proxies, clock, operator) — in the spirit of the practices
of AFNOR NF Z67-147. It does not replace a constat by a commissaire de justice: see ``DISCLAIMER_FR``.

No network call is made unless configured: the public IP is asked to ``[evidence] public_ip_echo_url``
(absent by default: "non vérifiée"); the clock is compared with the time of the configured TSA.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import ipaddress
import platform
import re
import secrets
import socket
import struct
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from veilleur import __version__
from veilleur.config import environment_values
from veilleur.evidence.settings import EvidenceSettings

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")
NOT_CHECKED = "non vérifiée"

DISCLAIMER_FR = (
    "Cette capture n'est pas un constat de commissaire de justice. Elle est faite en s'inspirant des bonnes "
    "pratiques de la norme AFNOR NF Z67-147 (matériel, système, adresses réseau, résolution DNS, serveur "
    "mandataire, horloge, navigateur neuf, chemin de navigation, identité de l'opérateur), mais l'opérateur "
    "n'est pas un officier public : ses déclarations n'ont pas la force probante d'un constat, qui fait foi "
    "jusqu'à preuve contraire. Un constat par un commissaire de justice est recommandé quand l'affaire peut "
    "aller devant un juge (plainte, assignation, référé), quand l'auteur ou la plateforme contestera "
    "vraisemblablement la capture, quand le contenu risque d'être supprimé avant une audience, ou quand le "
    "préjudice est important ; cette capture reste utile pour signaler, déposer plainte et conserver la trace "
    "en attendant."
)


def _mask_url(u: str) -> str:
    """Drop credentials from a proxy URL (user:password@host)."""
    try:
        p = urlsplit(u)
    except ValueError:
        return "(illisible)"
    if p.username or p.password:
        host = p.hostname or ""
        netloc = f"***@{host}" + (f":{p.port}" if p.port else "")
        return urlunsplit((p.scheme, netloc, p.path, p.query, p.fragment))
    return u


def proxy_settings(chromium_flags: list[str]) -> dict[str, Any]:
    env = {k: _mask_url(v) for k, v in environment_values(PROXY_VARS).items()}
    flags = [f for f in chromium_flags if "proxy" in f.lower()]
    return {
        "environment": env,
        "chromium_flags": flags,
        "summary": (
            "aucun serveur mandataire détecté (variables d'environnement et options de Chromium)"
            if not env and not flags
            else "serveur mandataire détecté : " + ", ".join([f"{k}={v}" for k, v in env.items()] + flags)
        ),
    }


def _ipv4_of(ifname: str) -> str | None:
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", ifname[:15].encode()))  # SIOCGIFADDR
        return socket.inet_ntoa(packed[20:24])
    return None


def local_ips() -> list[dict[str, str]]:
    """Addresses of this machine's interfaces (Linux: ioctl for IPv4, /proc/net/if_inet6 for IPv6)."""
    out: list[dict[str, str]] = []
    with contextlib.suppress(OSError):
        for _, name in socket.if_nameindex():
            ip = _ipv4_of(name)
            if ip:
                out.append({"interface": name, "address": ip})
    with contextlib.suppress(OSError), open("/proc/net/if_inet6", encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6:
                addr = str(ipaddress.IPv6Address(bytes.fromhex(parts[0])))
                out.append({"interface": parts[5], "address": addr})
    if not out:
        with contextlib.suppress(OSError):
            out.append({"interface": "?", "address": socket.gethostbyname(socket.gethostname())})
    return out


def dns_answers(host: str) -> dict[str, Any]:
    resolvers: list[str] = []
    with contextlib.suppress(OSError), open("/etc/resolv.conf", encoding="utf-8", errors="replace") as f:
        resolvers = [ln.split()[1] for ln in f if ln.startswith("nameserver") and len(ln.split()) > 1]
    out: dict[str, Any] = {
        "host": host,
        "resolvers": resolvers,
        "A": [],
        "AAAA": [],
        "at": datetime.now(UTC).isoformat(),
    }
    try:
        ipaddress.ip_address(host)
        out["literal_ip"] = True
    except ValueError:
        out["literal_ip"] = False
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        out["error"] = str(exc)
        return out
    for fam, _, _, _, sa in infos:
        key = "A" if fam == socket.AF_INET else "AAAA"
        if sa[0] not in out[key]:
            out[key].append(sa[0])
    return out


def machine() -> dict[str, Any]:
    u = platform.uname()
    os_name = platform.platform()
    with contextlib.suppress(OSError), open("/etc/os-release", encoding="utf-8") as f:
        text = f.read()
        m = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', text, re.M)
        if m:
            os_name = m.group(1)
    tz = time.strftime("%Z %z")
    return {
        "hostname": u.node,
        "os": os_name,
        "kernel": f"{u.system} {u.release} {u.version}",
        "architecture": u.machine,
        "python": platform.python_version(),
        "software": f"veilleur {__version__}",
        "local_timezone": tz,
    }


def public_ip(url: str | None, timeout_s: float = 5.0) -> dict[str, Any]:
    if not url:
        return {
            "status": NOT_CHECKED,
            "reason": "aucun service d'écho configuré ([evidence] public_ip_echo_url) : aucun appel réseau",
        }
    import httpx

    try:
        r = httpx.get(url, timeout=timeout_s, follow_redirects=False)
        text = r.text.strip()[:100]
        ip = str(ipaddress.ip_address(text.split()[0] if text else ""))
    except (httpx.HTTPError, ValueError, IndexError) as exc:
        return {
            "status": NOT_CHECKED,
            "service": url,
            "reason": f"service injoignable ou réponse illisible ({exc.__class__.__name__})",
        }
    if r.status_code != 200:
        return {"status": NOT_CHECKED, "service": url, "reason": f"HTTP {r.status_code}"}
    return {"status": "vérifiée", "ip": ip, "service": url, "at": datetime.now(UTC).isoformat()}


def clock_offset(settings: Any) -> dict[str, Any]:
    """Local clock against the first configured TSA: a token on a random digest, offset = TSA time − local midpoint."""
    from veilleur.evidence import timestamp as ts

    try:
        cfg = ts.tsa_config(settings)
    except Exception as exc:  # a bad TSA setting must not block a capture
        return {"status": "non mesuré", "reason": str(exc)}
    if not cfg.urls:
        return {"status": "non mesuré", "reason": "aucune autorité d'horodatage configurée"}
    digest = hashlib.sha256(b"veilleur clock check " + secrets.token_bytes(16)).hexdigest()
    errors = []
    for url in cfg.urls:
        t0 = time.time()
        try:
            _, info = ts.request_token(url, digest, cfg.ca_pem, min(cfg.timeout_s, 10.0))
        except Exception as exc:  # network, TSA or token error: say it, don't fail the capture
            errors.append(f"{url}: {exc.__class__.__name__}")
            continue
        t1 = time.time()
        mid = (t0 + t1) / 2
        offset = info.gen_time.timestamp() - mid
        return {
            "status": "mesuré",
            "tsa": url,
            "tsa_time": info.gen_time.isoformat(),
            "local_time": datetime.fromtimestamp(mid, UTC).isoformat(),
            "offset_s": round(offset, 3),
            "round_trip_s": round(t1 - t0, 3),
            "note": "précision limitée à celle du jeton (souvent la seconde) et au temps d'aller-retour",
        }
    return {"status": "non mesuré", "reason": "; ".join(errors)}


def collect(settings: Any, host: str, chromium_flags: list[str], operator: str | None) -> dict[str, Any]:
    """What is known before the browser starts (the worker adds the browser and the navigation)."""
    return {
        "operator": {
            "declared": operator or None,
            "note": "identité déclarée par l'opérateur, non vérifiée par veilleur",
        },
        "machine": machine(),
        "local_ips": local_ips(),
        "dns": dns_answers(host),
        "proxy": proxy_settings(chromium_flags),
        "public_ip": public_ip(settings.section(EvidenceSettings).public_ip_echo_url),
        "clock": clock_offset(settings),
        "disclaimer": DISCLAIMER_FR,
    }


__all__ = ["DISCLAIMER_FR", "collect", "dns_answers", "local_ips", "machine", "proxy_settings", "public_ip"]
