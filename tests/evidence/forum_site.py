"""A fictional forum served on 127.0.0.1 for authenticated-capture tests: a login form, and a thread whose
comments appear only after login, in pages: page 1 on load, page 2 lazy-loaded when scrolled into view,
page 3 behind a "Charger plus de commentaires" button, and a "Voir la suite" button that reveals a reply."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

USER, PASSWORD = "alice.fictive", "mot-de-passe-fictif"

LOGIN = """<!doctype html><html><head><meta charset="utf-8"><title>Connexion</title></head><body>
<form method="post" action="/login"><label>Identifiant <input type="text" name="username"></label>
<label>Mot de passe <input type="password" name="password"></label><button type="submit">Se connecter</button></form>
{error}</body></html>"""

THREAD_ANON = """<!doctype html><html><head><meta charset="utf-8"><title>Groupe fictif</title></head><body>
<h1>Groupe privé fictif</h1><p>Connectez-vous pour voir la discussion.</p></body></html>"""

THREAD = """<!doctype html><html><head><meta charset="utf-8"><title>Groupe fictif — discussion</title>
<style>.c { height: 160px; border-bottom: 1px solid #ccc; } #sentinel { height: 10px; }</style></head><body>
<h1>Discussion privée fictive sur le Dr Fictif</h1><div id="comments"></div><div id="sentinel"></div>
<div id="more"></div>
<script>
let loaded = 0;
async function load(page) {
  const r = await fetch('/comments?page=' + page);
  const data = await r.json();
  for (const c of data.comments) {
    const d = document.createElement('div'); d.className = 'c'; d.textContent = c; document.getElementById('comments').appendChild(d);
  }
  loaded = page;
  if (page === 1) {
    new IntersectionObserver((es, obs) => { if (es[0].isIntersecting && loaded === 1) { obs.disconnect(); load(2); } })
      .observe(document.getElementById('sentinel'));
  }
  if (page === 2) {
    const b = document.createElement('button'); b.className = 'load-more'; b.textContent = 'Charger plus de commentaires';
    b.onclick = () => { b.remove(); load(3); }; document.getElementById('more').appendChild(b);
  }
  if (page === 3) {
    const b = document.createElement('button'); b.className = 'expand'; b.textContent = 'Voir la suite';
    b.onclick = () => { b.remove(); const d = document.createElement('div'); d.className = 'c';
      d.textContent = 'Réponse dépliée : SUITE_REVELEE'; document.getElementById('comments').appendChild(d); };
    document.getElementById('more').appendChild(b);
  }
}
load(1);
</script></body></html>"""


def comments(page: int) -> list[str]:
    return [
        f"Commentaire réservé aux membres n°{page}-{i} : propos fictif visant le Dr Fictif"
        for i in range(1, 5)
    ]


class Forum:
    def __init__(self) -> None:
        self.sessions: set[str] = set()
        self.cookies_seen: list[str] = []


def make_handler(forum: Forum) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _logged(self) -> bool:
            raw = self.headers.get("Cookie", "")
            self.cookies_seen_add(raw)
            for part in raw.split(";"):
                k, _, v = part.strip().partition("=")
                if k == "sid" and v in forum.sessions:
                    return True
            return False

        def cookies_seen_add(self, raw: str) -> None:
            if raw:
                forum.cookies_seen.append(raw)

        def do_GET(self) -> None:  # noqa: N802
            u = urlsplit(self.path)
            if u.path == "/login":
                extra = ""
                if "autosubmit=1" in (u.query or ""):  # stands for the user typing in the window
                    extra = (
                        f"<script>setTimeout(() => {{ document.querySelector('[name=username]').value = '{USER}'; "
                        f"document.querySelector('[name=password]').value = '{PASSWORD}'; "
                        "document.querySelector('form').submit(); }, 800);</script>"
                    )
                return self._send(200, LOGIN.format(error=extra).encode(), "text/html; charset=utf-8")
            if u.path == "/thread":
                body = THREAD if self._logged() else THREAD_ANON
                return self._send(200, body.encode(), "text/html; charset=utf-8")
            if u.path == "/comments":
                if not self._logged():
                    return self._send(403, b'{"error": "login required"}', "application/json")
                page = int(parse_qs(u.query).get("page", ["1"])[0])
                return self._send(200, json.dumps({"comments": comments(page)}).encode(), "application/json")
            return self._send(404, b"not found", "text/plain")

        def do_POST(self) -> None:  # noqa: N802
            n = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(n).decode())
            if form.get("username") == [USER] and form.get("password") == [PASSWORD]:
                sid = secrets.token_hex(16)
                forum.sessions.add(sid)
                return self._send(
                    302,
                    b"",
                    "text/plain",
                    [("Location", "/thread"), ("Set-Cookie", f"sid={sid}; Path=/; HttpOnly")],
                )
            return self._send(
                200, LOGIN.format(error="<p>Identifiants incorrects</p>").encode(), "text/html; charset=utf-8"
            )

        def _send(
            self, code: int, body: bytes, ctype: str, headers: list[tuple[str, str]] | None = None
        ) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers or []:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_forum() -> Iterator[tuple[str, Forum]]:
    forum = Forum()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(forum))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", forum
    finally:
        srv.shutdown()
        srv.server_close()


PROFILE_YAML = """profiles:
  - name: forum-fictif
    hosts: ["127.0.0.1"]
    scroll: true
    load_more: [".load-more"]
    expand: [".expand"]
    max_clicks: 10
    wait_ms: 400
"""
