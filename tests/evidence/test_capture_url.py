"""URL capture in headless Chromium against pages served on 127.0.0.1, hostile ones included."""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from veilleur.errors import InputError
from veilleur.evidence import api
from veilleur.evidence.vault import EvidenceError, Vault
from veilleur.store import Store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium not installed"),
]

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Forum fictif</title></head>
<body><h1>Sujet : le Dr Fictif</h1><p class="post">Message injurieux fictif, publié par anon123.</p>
<img src="/logo.png"></body></html>"""
ENDLESS = """<!doctype html><html><body><div id="c"></div><script>
function more(){ for (let i=0;i<50;i++){ const p=document.createElement('p'); p.textContent='ligne '+Math.random(); p.style.height='40px'; document.getElementById('c').appendChild(p);} }
more(); setInterval(more, 20); window.addEventListener('scroll', more);
</script></body></html>"""
POPUPS = """<!doctype html><html><body><p>Fenêtres</p><script>
window.open('/page'); window.open('/page?2'); alert('coucou'); confirm('vraiment ?');
</script></body></html>"""
HANG = """<!doctype html><html><body><p>avant</p><script>window.addEventListener('load', () => { while (true) {} });</script></body></html>"""


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buf, "PNG")
    return buf.getvalue()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        if path == "/start":
            return self._send(302, b"", "text/plain", [("Location", "/page")])
        if path == "/page":
            return self._send(200, PAGE.encode(), "text/html; charset=utf-8", [("X-Test", "fictif")])
        if path == "/logo.png":
            return self._send(200, _png(), "image/png")
        if path == "/gz":
            return self._send(
                200, gzip.compress(PAGE.encode()), "text/html; charset=utf-8", [("Content-Encoding", "gzip")]
            )
        if path == "/loop":
            return self._send(302, b"", "text/plain", [("Location", "/loop2")])
        if path == "/loop2":
            return self._send(302, b"", "text/plain", [("Location", "/loop")])
        if path == "/download":
            return self._send(
                200,
                b"x" * 1000,
                "application/octet-stream",
                [("Content-Disposition", 'attachment; filename="a.bin"')],
            )
        if path == "/endless":
            return self._send(200, ENDLESS.encode(), "text/html")
        if path == "/popups":
            return self._send(200, POPUPS.encode(), "text/html; charset=utf-8")
        if path == "/huge":
            body = (
                "<!doctype html><html><body>"
                + "<div><span>élément fictif</span></div>" * 30000
                + "</body></html>"
            )
            return self._send(200, body.encode(), "text/html; charset=utf-8")
        if path == "/hang":
            return self._send(200, HANG.encode(), "text/html")
        return self._send(404, b"not found", "text/plain")

    def _send(self, code: int, body: bytes, ctype: str, headers: list[tuple[str, str]] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers or []:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_capture_page_gives_screenshot_pdf_html_warc_and_metadata(store: Store, site: str) -> None:
    item = api.capture_url(store, f"{site}/start", actor="moderatrice", timeout_s=40)
    vault = Vault(store)
    files = {f.role: f for f in item.files}
    assert set(files) == {
        "screenshot",
        "pdf",
        "html",
        "warc",
        "metadata",
        "navigation",
    }  # navigation: the opening view
    assert item.status == "complete", item.partial_reason
    assert Image.open(io.BytesIO(vault.read(files["screenshot"]))).width == 1280
    assert vault.read(files["pdf"]).startswith(b"%PDF")
    assert "Message injurieux fictif" in vault.read(files["html"]).decode()
    obs = item.observed
    assert obs["final_url"] == f"{site}/page" and obs["redirect_chain"] == [f"{site}/start"]
    assert obs["response"]["status"] == 200 and obs["response"]["server_ip"] == "127.0.0.1"
    assert {"name": "X-Test", "value": "fictif"} in obs["response"]["headers"]
    assert obs["resolved_ips"] == ["127.0.0.1"] and obs["browser"]["version"]
    assert obs["started_at"] <= obs["ended_at"] and obs["title"] == "Forum fictif"
    records = _records(vault.read(files["warc"]))
    responses = {uri: r for kind, uri, r in records if kind == "response"}
    page = responses[f"{site}/page"]
    assert page["ip"] == "127.0.0.1" and page["x-test"] == "fictif"
    assert b"Message injurieux fictif" in page["body"]
    assert responses[f"{site}/logo.png"]["body"].startswith(b"\x89PNG") and f"{site}/start" in responses
    assert any(kind == "request" for kind, _, _ in records)


def _records(warc: bytes) -> list[tuple[str, str, dict[str, object]]]:
    out = []
    for r in ArchiveIterator(io.BytesIO(warc)):  # a record's stream is only readable during iteration
        info = {
            "ip": r.rec_headers.get_header("WARC-IP-Address"),
            "x-test": r.http_headers.get_header("X-Test") if r.http_headers else None,
            "orig-encoding": r.http_headers.get_header("X-Archive-Orig-Content-Encoding")
            if r.http_headers
            else None,
            "body": r.content_stream().read(),
        }
        out.append((r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or "", info))
    return out


def test_gzip_page_is_archived_decoded_with_original_encoding_kept(store: Store, site: str) -> None:
    item = api.capture_url(store, f"{site}/gz", actor="m", timeout_s=40)
    warc = Vault(store).read(item.file("warc"))  # type: ignore[arg-type]
    rec = next(info for kind, uri, info in _records(warc) if kind == "response" and uri.endswith("/gz"))
    assert rec["orig-encoding"] == "gzip"
    assert b"Message injurieux fictif" in rec["body"]  # type: ignore[operator]


def test_redirect_loop_is_a_clear_error(store: Store, site: str) -> None:
    with pytest.raises(EvidenceError, match="redirect loop"):
        api.capture_url(store, f"{site}/loop", actor="m", timeout_s=30)
    assert api.list_items(store) == []


def test_download_is_a_clear_error(store: Store, site: str) -> None:
    with pytest.raises(EvidenceError, match="download"):
        api.capture_url(store, f"{site}/download", actor="m", timeout_s=30)


def test_popups_and_dialogs_are_closed_and_recorded(store: Store, site: str) -> None:
    item = api.capture_url(store, f"{site}/popups", actor="m", timeout_s=40)
    assert item.file("screenshot") is not None
    assert len(item.observed["popups"]) == 2
    assert [d["type"] for d in item.observed["dialogs"]] == ["alert", "confirm"]


def test_endless_page_is_cut_and_marked_partial(store: Store, site: str) -> None:
    t0 = time.monotonic()
    item = api.capture_url(store, f"{site}/endless", actor="m", timeout_s=40, limits={"max_height": 3000})
    assert time.monotonic() - t0 < 60
    assert item.status == "partial" and "3000 px" in (item.partial_reason or "")
    img = Image.open(io.BytesIO(Vault(store).read(item.file("screenshot"))))  # type: ignore[arg-type]
    assert img.height <= 3000


def test_huge_dom_is_truncated_and_marked_partial(store: Store, site: str) -> None:
    item = api.capture_url(
        store, f"{site}/huge", actor="m", timeout_s=60, limits={"max_html_bytes": 300_000, "max_height": 5000}
    )
    assert item.status == "partial"
    assert "HTML" in (item.partial_reason or "")
    html = Vault(store).read(item.file("html"))  # type: ignore[arg-type]
    assert len(html) <= 300_000


def test_hung_page_cannot_hang_the_capture(store: Store, site: str) -> None:
    t0 = time.monotonic()
    try:
        item = api.capture_url(store, f"{site}/hang", actor="m", timeout_s=8)
    except EvidenceError as exc:
        assert "capture failed" in str(exc)
    else:
        assert item.status == "partial" and item.partial_reason
    assert time.monotonic() - t0 < 40


def test_non_http_url_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="http"):
        api.capture_url(store, "file:///etc/passwd", actor="m")
