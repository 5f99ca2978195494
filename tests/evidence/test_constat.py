"""Constat-grade capture conditions: public IP only from a configured echo service, proxies with credentials
masked, clock offset against the TSA, and the French report stating the session, the conditions and that a
capture does not replace a constat by a commissaire de justice."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.evidence.conftest import make_case
from tests.evidence.forum_site import PROFILE_YAML, Forum, serve_forum
from veilleur.config import load_settings
from veilleur.evidence import api, constat
from veilleur.evidence.sessions import SessionStore
from veilleur.store import Store


class Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = self.client_address[0].encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/ip"
    srv.shutdown()
    srv.server_close()


def test_public_ip_not_checked_without_a_configured_service(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("no network call may be made")

    monkeypatch.setattr(httpx, "get", boom)
    r = constat.public_ip(None)
    assert r["status"] == "non vérifiée" and "aucun appel réseau" in r["reason"]


def test_public_ip_from_echo_service_and_unreachable_service(echo: str) -> None:
    r = constat.public_ip(echo)
    assert (r["status"], r["ip"], r["service"]) == ("vérifiée", "127.0.0.1", echo)
    down = constat.public_ip("http://127.0.0.1:9/ip", timeout_s=2)
    assert down["status"] == "non vérifiée" and "injoignable" in down["reason"]


def test_proxy_credentials_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://jean:motdepasse@proxy.example:3128")
    p = constat.proxy_settings(["--headless", "--proxy-server=socks5://127.0.0.1:9050"])
    assert "motdepasse" not in json.dumps(p)
    assert p["environment"]["HTTPS_PROXY"] == "http://***@proxy.example:3128"
    assert p["chromium_flags"] == ["--proxy-server=socks5://127.0.0.1:9050"] and "détecté" in p["summary"]
    for k in (
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "ALL_PROXY",
        "https_proxy",
        "http_proxy",
        "all_proxy",
        "no_proxy",
        "NO_PROXY",
    ):
        monkeypatch.delenv(k, raising=False)
    assert constat.proxy_settings(["--headless"])["summary"].startswith("aucun serveur mandataire")


def test_machine_dns_and_local_ips() -> None:
    m = constat.machine()
    assert m["kernel"] and m["os"] and m["software"].startswith("veilleur")
    assert any(x["address"] in ("127.0.0.1", "::1") for x in constat.local_ips())
    d = constat.dns_answers("localhost")
    assert "127.0.0.1" in d["A"] or "::1" in d["AAAA"]


def test_clock_offset_against_the_tsa(tsa_store: Store) -> None:
    c = constat.clock_offset(tsa_store.settings)
    assert c["status"] == "mesuré" and abs(c["offset_s"]) < 5 and c["round_trip_s"] >= 0


def test_clock_not_measured_without_tsa(store: Store) -> None:
    assert constat.clock_offset(store.settings)["status"] == "non mesuré"


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium not installed")
def test_authenticated_capture_report_states_conditions(tsa_store: Store, echo: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    home = Path(tsa_store.settings.home)
    (home / "site_profiles.yaml").write_text(PROFILE_YAML, encoding="utf-8")
    with (home / "veilleur.toml").open("a", encoding="utf-8") as f:
        f.write(f'public_ip_echo_url = "{echo}"\n')  # appended under [evidence]
    settings = load_settings()
    assert settings.get("evidence.public_ip_echo_url") == echo
    tsa_store.settings = settings  # type: ignore[misc]
    forum: Forum
    with serve_forum() as (site, forum):
        forum.sessions.add("sid-fictif-0001")
        SessionStore(home).save(
            "forum",
            {
                "cookies": [
                    {
                        "name": "sid",
                        "value": "sid-fictif-0001",
                        "domain": "127.0.0.1",
                        "path": "/",
                        "expires": -1,
                        "httpOnly": True,
                        "secure": False,
                        "sameSite": "Lax",
                    }
                ],
                "origins": [],
            },
            account="alice.fictive",
            login_url=None,
            method="storage-state",
        )
        case = make_case(tsa_store)
        item = api.capture_url(
            tsa_store,
            f"{site}/thread",
            actor="moderatrice",
            case_id=case.id,
            timeout_s=60,
            session="forum",
            account="alice.fictive (compte de la victime)",
            operator="Mme Témoin",
        )
    c = item.observed["constat"]
    assert c["public_ip"]["status"] == "vérifiée" and c["public_ip"]["ip"] == "127.0.0.1"
    assert c["clock"]["status"] == "mesuré" and c["dns"]["A"] == ["127.0.0.1"]
    assert c["operator"]["declared"] == "Mme Témoin" and "commissaire de justice" in c["disclaimer"]
    out = tmp_path / "bundle.zip"
    api.export_bundle(tsa_store, case.id, out, actor="moderatrice", recipient="procureur")
    assert api.verify_bundle(out).ok
    import zipfile

    with zipfile.ZipFile(out) as z:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(z.read("rapport.pdf"))).pages)
    text = "".join(text.split())  # the report wraps anywhere: compare without blanks
    for needle in (
        "AUTHENTIFIÉE",
        "alice.fictive (compte de la victime)",
        "Mme Témoin",
        "127.0.0.1 (vue par",
        "n'est pas un constat de commissaire de justice",
        "NF Z67-147",
        "écart avec l'autorité",
        "clic",
    ):
        assert "".join(needle.split()) in text, needle
