"""URL capture worker, run in its own process (``python -m veilleur.evidence.browser CONFIG.json``)
so that the parent can kill it, and Chromium with it, whatever a hostile page does.

It writes each artefact to the output folder as soon as it exists, and ``capture.json`` after each
step, so a capture stopped at the time limit still leaves what it had.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: Any = {"width": 1280, "height": 900}
HOP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
SECRET_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization"}
MASK = "[masked by veilleur: session secret]"  # ASCII: warcio percent-encodes other header values
MAX_NAV_SHOTS = 20


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Capture:
    def __init__(self, cfg: dict[str, Any]) -> None:
        self.cfg = cfg
        self.out = Path(cfg["out"])
        self.deadline = time.monotonic() + float(cfg["timeout_s"])
        self.meta: dict[str, Any] = {
            "url": cfg["url"],
            "started_at": _now(),
            "ended_at": None,
            "step": "start",
            "partial_reasons": [],
            "error": None,
            "files": {},
            "popups": [],
            "dialogs": [],
            "downloads": [],
            "limits": {
                k: cfg[k] for k in ("timeout_s", "max_bytes", "max_height", "max_html_bytes", "max_pdf_pages")
            },
            "navigation": [],
        }
        self.save()

    def save(self) -> None:
        tmp = self.out / "capture.json.tmp"
        tmp.write_text(json.dumps(self.meta, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, self.out / "capture.json")

    def step(self, name: str) -> None:
        self.meta["step"] = name
        self.save()

    def partial(self, reason: str) -> None:
        self.meta["partial_reasons"].append(reason)
        self.save()

    def nav(self, page: Any, action: str, detail: str = "") -> None:
        """One step of the navigation path, with a viewport screenshot (the first ``MAX_NAV_SHOTS``)."""
        from playwright.sync_api import Error as PlaywrightError

        n = len(self.meta["navigation"])
        step: dict[str, Any] = {
            "n": n,
            "at": _now(),
            "action": action,
            "url": page.url,
            "detail": detail[:200],
            "screenshot": None,
        }
        if n < MAX_NAV_SHOTS and time.monotonic() < self.deadline - 3:
            name = f"nav-{n:02d}.png"
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=str(self.out / name), timeout=3000)
                step["screenshot"] = name
        self.meta["navigation"].append(step)
        self.save()

    def expand(self, page: Any, prof: dict[str, Any], budget_s: float) -> None:
        """Scroll to trigger lazy loading and click the profile's "load more"/"expand" buttons, bounded."""
        from playwright.sync_api import Error as PlaywrightError

        end = min(self.deadline - 5, time.monotonic() + min(float(prof.get("max_s", 25)), budget_s))
        wait = int(prof.get("wait_ms", 600))
        clicks, max_clicks = 0, int(prof.get("max_clicks", 20))
        selectors = [str(x) for x in (prof.get("load_more") or []) + (prof.get("expand") or [])]
        height_js = "() => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
        info: dict[str, Any] = {"profile": prof.get("name"), "clicks": 0, "scrolls": 0, "rounds": 0}
        self.meta["expansion"] = info
        for _ in range(int(prof.get("max_rounds", 8))):
            if time.monotonic() > end:
                self.partial("time budget of the page expansion spent: later comments may be missing")
                break
            info["rounds"] += 1
            changed = False
            h0 = int(page.evaluate(height_js))
            if prof.get("scroll", True):
                with contextlib.suppress(PlaywrightError):
                    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
                    page.wait_for_timeout(wait)
                    info["scrolls"] += 1
                    h1 = int(page.evaluate(height_js))
                    if h1 > h0 or info["rounds"] == 1:
                        self.nav(page, "scroll", f"défilement jusqu'en bas : hauteur {h0} → {h1} px")
            for sel in selectors:
                while clicks < max_clicks and time.monotonic() < end:
                    loc = page.locator(f"{sel}:not([data-veilleur-clicked])").first
                    try:
                        if not loc.count() or not loc.is_visible():
                            break
                        handle = loc.element_handle(timeout=1000)
                        text = (handle.inner_text() or "").strip()
                        handle.evaluate(
                            "(el) => el.setAttribute('data-veilleur-clicked', '1')"
                        )  # never clicked twice
                        handle.click(timeout=3000)
                    except PlaywrightError:
                        break
                    clicks += 1
                    changed = True
                    page.wait_for_timeout(wait)
                    self.nav(page, "click", f"clic « {text[:80]} » ({sel})")
            info["clicks"] = clicks
            self.save()
            with contextlib.suppress(PlaywrightError):
                changed = changed or int(page.evaluate(height_js)) > h0
            if not changed:
                break
        if clicks >= max_clicks and max_clicks:
            self.partial(
                f"{max_clicks} clicks on 'load more'/'expand' buttons reached: later comments may be missing"
            )
        with contextlib.suppress(PlaywrightError):
            page.evaluate(
                "() => document.querySelectorAll('[data-veilleur-clicked]').forEach(e => e.removeAttribute('data-veilleur-clicked'))"
            )
            page.evaluate("() => window.scrollTo(0, 0)")

    def left_ms(self, reserve_s: float = 0.0) -> int:
        return max(500, int((self.deadline - time.monotonic() - reserve_s) * 1000))

    def run(self) -> None:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright

        url = self.cfg["url"]
        host = urlsplit(url).hostname or ""
        self.step("resolve")
        try:
            self.meta["resolved_ips"] = sorted({ai[4][0] for ai in socket.getaddrinfo(host, None)})
        except OSError as exc:
            self.meta["error"] = f"cannot resolve host {host!r} ({exc})"
            return
        timeout_s = float(self.cfg["timeout_s"])
        with sync_playwright() as p:
            self.step("launch")
            browser = p.chromium.launch(
                executable_path=self.cfg["chromium"], args=CHROMIUM_FLAGS, timeout=self.left_ms()
            )
            self.meta["browser"] = {"name": "chromium", "version": browser.version, "flags": CHROMIUM_FLAGS}
            state = self.cfg.get("storage_state")
            try:
                context = browser.new_context(
                    accept_downloads=False,
                    viewport=VIEWPORT,
                    locale="fr-FR",
                    timezone_id="Europe/Paris",
                    service_workers="block",
                    storage_state=state,
                )
            finally:
                if state:
                    Path(state).unlink(missing_ok=True)  # the decrypted session lives only in the browser now
            start_cookies = context.cookies()
            self.meta["profile"] = {
                "kind": "fresh browser context (empty cache, no history)",
                "cookies_at_start": len(start_cookies),
                "cookie_domains_at_start": sorted({c.get("domain", "").lstrip(".") for c in start_cookies}),
                "from_session": bool(state),
            }
            page = context.new_page()
            self.meta["user_agent"] = page.evaluate("() => navigator.userAgent")
            responses: list[Any] = []

            def on_response(r: Any) -> None:
                if len(responses) < int(self.cfg["max_responses"]):
                    responses.append(r)

            def on_popup(popup: Any) -> None:
                self.meta["popups"].append(popup.url)
                with contextlib.suppress(PlaywrightError):
                    popup.close()

            def on_dialog(d: Any) -> None:
                self.meta["dialogs"].append({"type": d.type, "message": d.message[:500]})
                with contextlib.suppress(PlaywrightError):
                    d.dismiss()

            def on_download(d: Any) -> None:
                self.meta["downloads"].append(d.url)
                with contextlib.suppress(PlaywrightError):
                    d.cancel()

            page.on("response", on_response)
            page.on("popup", on_popup)
            page.on("dialog", on_dialog)
            page.on("download", on_download)

            self.step("navigate")
            resp = None
            try:
                resp = page.goto(url, wait_until="load", timeout=int(timeout_s * 0.4 * 1000))
            except PlaywrightTimeout:
                self.partial(f"page did not finish loading within {timeout_s * 0.4:.0f} s")
            except PlaywrightError as exc:
                first = str(exc).splitlines()[0]
                if "ERR_TOO_MANY_REDIRECTS" in first:
                    self.meta["error"] = "redirect loop (too many redirects)"
                elif "Download is starting" in first:
                    self.meta["error"] = (
                        "the URL is a file download, not a page (download it, then capture the file)"
                    )
                else:
                    self.meta["error"] = f"navigation failed: {first}"
            if self.meta["error"]:
                self.meta["final_url"] = page.url
                self._write_warc(responses)
                return
            self.meta["final_url"] = page.url
            if resp is not None:
                addr: Any = resp.server_addr() or {}
                self.meta["response"] = {
                    "status": resp.status,
                    "status_text": resp.status_text,
                    "headers": resp.headers_array(),
                    "server_ip": addr.get("ipAddress"),
                    "server_port": addr.get("port"),
                }
                chain = []
                req = resp.request.redirected_from
                while req is not None:
                    chain.append(req.url)
                    req = req.redirected_from
                self.meta["redirect_chain"] = list(reversed(chain))
            page.wait_for_timeout(min(float(self.cfg["settle_ms"]), self.left_ms(timeout_s * 0.5)))
            try:
                self.meta["title"] = page.title()
            except PlaywrightError:
                self.meta["title"] = None
            self.nav(page, "open", f"adresse saisie : {url}")
            prof = self.cfg.get("site_profile")
            if prof:
                self.step("expand")
                try:
                    self.expand(page, prof, timeout_s * 0.4)
                except PlaywrightError as exc:
                    self.partial(f"page expansion stopped: {str(exc).splitlines()[0]}")
                with contextlib.suppress(PlaywrightError):
                    self.meta["title"] = page.title()

            self.meta["final_url_after_expansion"] = page.url
            # Bodies are read now: Chromium may evict them once the page is printed.
            self.step("warc")
            self._write_warc(responses)

            self.step("screenshot")
            try:
                height = int(
                    page.evaluate(
                        "() => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
                    )
                )
                self.meta["page_height"] = height
                max_h = int(self.cfg["max_height"])
                kwargs: dict[str, Any] = {"full_page": True, "timeout": self.left_ms(timeout_s * 0.35)}
                if height > max_h:
                    kwargs["clip"] = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": max_h}
                    self.partial(
                        f"page height {height} px over the {max_h} px limit: screenshot cut at {max_h} px"
                    )
                page.screenshot(path=str(self.out / "screenshot.png"), **kwargs)
                self.meta["files"]["screenshot"] = "screenshot.png"
            except PlaywrightError as exc:
                self.partial(f"screenshot failed: {str(exc).splitlines()[0]}")

            self.step("html")
            try:
                size = int(page.evaluate("() => document.documentElement.outerHTML.length"))
                limit = int(self.cfg["max_html_bytes"])
                if size * 3 > limit:  # UTF-8 can take up to 3 bytes per UTF-16 unit
                    html = page.evaluate("(n) => document.documentElement.outerHTML.slice(0, n)", limit // 3)
                    self.partial(
                        f"HTML of {size} characters over the limit: first {limit // 3} characters kept"
                    )
                else:
                    html = page.content()
                (self.out / "page.html").write_text(html, encoding="utf-8")
                self.meta["files"]["html"] = "page.html"
            except PlaywrightError as exc:
                self.partial(f"HTML not saved: {str(exc).splitlines()[0]}")

            self.step("pdf")
            if time.monotonic() < self.deadline - 2:
                try:
                    pages = int(self.cfg["max_pdf_pages"])
                    data = page.pdf(print_background=True, page_ranges=f"1-{pages}", format="A4")
                    (self.out / "page.pdf").write_bytes(data)
                    self.meta["files"]["pdf"] = "page.pdf"
                except PlaywrightError as exc:
                    self.partial(f"PDF not printed: {str(exc).splitlines()[0]}")
            else:
                self.partial("no time left to print the PDF")

            try:
                context.close()
                browser.close()
            except PlaywrightError:
                pass

    def _write_warc(self, responses: list[Any]) -> None:
        from playwright.sync_api import Error as PlaywrightError
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        budget = int(self.cfg["max_bytes"])
        written = 0
        count = 0
        path = self.out / "capture.warc.gz"
        with path.open("wb") as f:
            writer = WARCWriter(f, gzip=True)
            writer.write_record(
                writer.create_warcinfo_record(
                    "capture.warc.gz",
                    {
                        "software": "veilleur",
                        "format": "WARC File Format 1.1",
                        "browser": str(self.meta.get("browser", {}).get("version", "")),
                    },
                )
            )
            for r in responses:
                if time.monotonic() > self.deadline - 1:
                    self.partial("time limit reached while writing the WARC: later HTTP exchanges left out")
                    break
                try:
                    body = r.body()
                except PlaywrightError as exc:
                    body = b""  # redirects and aborted responses have no body
                    if not 300 <= r.status < 400:
                        self.meta.setdefault("warc_missing_bodies", []).append(
                            f"{r.url}: {str(exc).splitlines()[0]}"
                        )
                if written + len(body) > budget:
                    self.partial(
                        f"HTTP bodies over the {budget} byte limit: WARC holds the first {count} exchanges"
                    )
                    break
                written += len(body)
                req = r.request
                target = urlsplit(r.url)
                path_q = (target.path or "/") + (f"?{target.query}" if target.query else "")
                try:
                    mask = bool(self.cfg.get("storage_state"))
                    req_headers = [
                        (h["name"], MASK if mask and h["name"].lower() in SECRET_HEADERS else h["value"])
                        for h in req.headers_array()
                        if not h["name"].startswith(":")
                    ]
                    resp_headers = [
                        (
                            h["name"]
                            if h["name"].lower() not in HOP_HEADERS
                            else f"X-Archive-Orig-{h['name']}",
                            MASK if mask and h["name"].lower() in SECRET_HEADERS else h["value"],
                        )
                        for h in r.headers_array()
                        if not h["name"].startswith(":")
                    ]
                    addr = r.server_addr() or {}
                except PlaywrightError:
                    continue
                resp_headers.append(("Content-Length", str(len(body))))
                warc_headers = {"WARC-IP-Address": addr["ipAddress"]} if addr.get("ipAddress") else {}
                post = req.post_data_buffer or b""
                writer.write_record(
                    writer.create_warc_record(
                        r.url,
                        "request",
                        payload=io.BytesIO(post),
                        length=len(post),
                        http_headers=StatusAndHeaders(
                            f"{req.method} {path_q} HTTP/1.1", req_headers, is_http_request=True
                        ),
                    )
                )
                writer.write_record(
                    writer.create_warc_record(
                        r.url,
                        "response",
                        payload=io.BytesIO(body),
                        length=len(body),
                        http_headers=StatusAndHeaders(
                            f"{r.status} {r.status_text or 'OK'}", resp_headers, protocol="HTTP/1.1"
                        ),
                        warc_headers_dict=warc_headers,
                    )
                )
                count += 1
        self.meta["warc_exchanges"] = count
        self.meta["files"]["warc"] = "capture.warc.gz"
        self.save()


def main(argv: list[str]) -> int:
    cfg = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    cap = Capture(cfg)
    try:
        cap.run()
    except Exception as exc:  # the parent reports it; a worker never shows a traceback to the user
        cap.meta["error"] = (
            cap.meta["error"] or f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
    cap.meta["ended_at"] = _now()
    cap.meta["step"] = "done"
    cap.save()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
