"""Issue 14 (security/reliability probe), web rows: W3, W10, W15, W17, W19, W20, I11, I17 and the analyze service.

Every test here failed on the code the probe ran (commit b6079df)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from veilleur.accounts import auth
from veilleur.ingest.importer import import_messages
from veilleur.records import Author, Message
from veilleur.web.names import balance_bidi, confusable_with, invisible_chars, skeleton
from veilleur.web.security import safe_next, safe_url

from .conftest import NOW, PASSWORD, build_world, csrf_of, login


def h(world: Any, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[who]}"}


# -- W10: a password change ends the account's sessions ----------------------------------------------------
def test_password_change_ends_sessions(client, world):
    assert login(client, "mod").status_code == 303
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    ended = auth.set_password(world.store, "mod", "a brand new passphrase", actor="test")
    assert ended == 1
    assert client.get("/dashboard", follow_redirects=False).status_code == 303  # back to /login
    assert world.store.audit_log(action="user.password")[0].data["sessions_ended"] == 1


def test_password_change_can_keep_the_current_session(world):
    sid_a, _ = auth.create_session(world.store, "mod")
    sid_b, _ = auth.create_session(world.store, "mod")
    assert (
        auth.set_password(world.store, "mod", "another long passphrase", actor="mod", keep_session=sid_a) == 1
    )
    assert auth.session_user(world.store, sid_a) is not None
    assert auth.session_user(world.store, sid_b) is None


def test_cli_password_change_ends_sessions(world, monkeypatch):
    from typer.testing import CliRunner

    from veilleur.cli import app

    sid, _ = auth.create_session(world.store, "viewer")
    monkeypatch.setenv("VEILLEUR_HOME", str(world.home))
    monkeypatch.setenv("VEILLEUR_DB", str(world.store.engine.url))
    monkeypatch.setenv("VEILLEUR_PASSWORD", "une phrase secrète longue")
    r = CliRunner().invoke(app, ["user", "password", "viewer"])
    assert r.exit_code == 0 and "1 open session(s) ended" in r.output, r.output
    assert auth.session_user(world.store, sid) is None


# -- W15 / W14: local paths only -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    [
        "/\t/evil.example/phish",
        "/\n/evil.example",
        "/\r//evil.example",
        "\t//evil.example",
        " //evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/\x00/evil.example",
        "/\u202e/evil",
        "/\u200b/evil",
        "evil.example",
    ],
)
def test_safe_next_refuses_other_hosts(bad):
    assert safe_next(bad, "/queue") == "/queue"


def test_safe_next_keeps_local_paths():
    assert safe_next("/queue?category=insult&page=2", "/") == "/queue?category=insult&page=2"
    assert safe_next("/item/f_1#media") == "/item/f_1#media"


def test_item_back_link_is_never_another_host(client, world):
    login(client, "mod")
    fid = next(iter(world.findings))
    page = client.get(f"/item/{fid}", params={"next": "/\t/evil.example/phish"})
    assert page.status_code == 200
    back = re.search(r'<a href="([^"]*)">← ', page.text).group(1)  # type: ignore[union-attr]
    assert back == "/queue"
    page = client.get(f"/item/{fid}", params={"next": "/queue?status=open"})
    assert re.search(r'<a href="([^"]*)">← ', page.text).group(1) == "/queue?status=open"  # type: ignore[union-attr]


# -- W3: only http(s) links ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.domain)//",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "https:///nohost",
        "file:///etc/passwd",
    ],
)
def test_safe_url_refuses_non_http(url):
    assert safe_url(url) is None


def test_safe_url_keeps_http():
    assert (
        safe_url("https://www.facebook.com/groups/1/posts/2") == "https://www.facebook.com/groups/1/posts/2"
    )
    assert safe_url("HTTP://example.org/x") == "HTTP://example.org/x"


def _add_message(world: Any, mid: str, author: tuple[str, str], text: str, url: str | None = None) -> Message:
    m = Message(
        source="test",
        community_id="grp1",
        community_name="Groupe Médecins Test",
        message_id=mid,
        author=Author(*author),
        created_at=NOW,
        text=text,
        url=url,
        raw={"id": mid},
    )
    import_messages(world.store, [m], actor="test")
    return m


def _finding_on(world: Any, m: Message) -> str:
    from veilleur.records import Finding
    from veilleur.taxonomy import Severity

    f = Finding(m.uid, "fake_harm", "0.1", "insult", Severity.MEDIUM, 0.9, "injure")
    world.store.save_findings([f])
    return f.id


def test_javascript_url_is_not_a_link(client, world):
    m = _add_message(world, "js1", ("a9", "Quelqu'un"), "connard", url="javascript:alert(document.domain)//")
    fid = _finding_on(world, m)
    login(client, "mod")
    page = client.get(f"/item/{fid}")
    assert page.status_code == 200
    assert 'href="javascript:' not in page.text.lower()
    assert "javascript:alert(document.domain)//" in page.text  # still shown, as text
    m2 = _add_message(world, "ok1", ("a9", "Quelqu'un"), "connard encore", url="https://example.org/post/1")
    page = client.get(f"/item/{_finding_on(world, m2)}")
    assert 'href="https://example.org/post/1"' in page.text


# -- I11: bidi isolation and look-alike names ---------------------------------------------------------------
def test_balance_bidi_closes_what_a_string_opens():
    assert balance_bidi("Dr Martin \u202eidib") == "Dr Martin \u202eidib\u202c"
    assert balance_bidi("a\u2067b") == "a\u2067b\u2069"
    assert balance_bidi("a\u202eb\u202cc") == "a\u202eb\u202cc"  # balanced: unchanged
    assert balance_bidi("plain") == "plain"


def test_skeleton_and_confusables():
    assert skeleton("Dr Mar\u200btin") == skeleton("Dr Martin") == skeleton("DR  MARTIN")
    assert skeleton("Dr M\u0430rtin") == skeleton("Dr Martin")  # Cyrillic a
    assert skeleton("Dr Mart\u202ein") == skeleton("Dr Martin")
    assert confusable_with("Dr Mar\u200btin", ["Dr Martin", "Dr Martine", "Dr Mar\u200btin"]) == ["Dr Martin"]
    assert confusable_with("Dr Martin", ["Dr Martine", "Dr Bernard"]) == []
    assert invisible_chars("Dr Mar\u200btin") == ["U+200B"]


def test_rtl_override_in_a_name_does_not_reverse_the_page(client, world):
    m = _add_message(world, "bidi1", ("a10", "Dr Martin \u202eidib"), "connard")
    fid = _finding_on(world, m)
    login(client, "mod")
    page = client.get(f"/item/{fid}").text
    meta = page[page.index('class="msg-meta"') :]
    meta = meta[: meta.index("</div>")]
    # the name is isolated and its override closed before the date and the community
    assert "<bdi>Dr Martin \u202eidib\u202c</bdi>" in meta
    assert "<bdi>Groupe Médecins Test</bdi>" in meta


def test_member_page_flags_a_look_alike_name(client, world):
    real = _add_message(world, "lk1", ("a20", "Dr Martin"), "bonjour")
    fake = _add_message(world, "lk2", ("a21", "Dr Mar\u200btin"), "connard")
    login(client, "mod")
    page = client.get(f"/member/{fake.author_uid}").text
    assert "se confond avec" in page and "<bdi>Dr Martin</bdi>" in page
    assert "caractères invisibles dans le nom" in page
    page = client.get(f"/member/{real.author_uid}").text
    assert "se confond avec" in page and "caractères invisibles dans le nom" not in page
    page = client.get(f"/item/{_finding_on(world, fake)}").text
    assert "se confond avec" in page
    other = client.get("/member/" + next(iter(world.messages.values())).author_uid).text
    assert "se confond avec" not in other


# -- W17: concurrent logins cannot pass the limit --------------------------------------------------------
def test_concurrent_wrong_passwords_are_limited(world):
    app = _app(world)
    calls = []
    real = auth.check_password

    def counting(store: Any, login_: str, password: str) -> Any:
        calls.append(login_)
        time.sleep(0.05)  # keep the attempts overlapping
        return real(store, login_, password)

    with TestClient(app) as c:
        pre = c.get("/login")
        token = csrf_of(pre.text)
        cookies = {"veilleur_prelogin": token}
        auth_mod = auth.check_password
        auth.check_password = counting  # type: ignore[assignment]
        try:

            def attempt(i: int) -> int:
                return c.post(
                    "/login",
                    data={"login": "mod", "password": f"wrong {i}", "csrf": token},
                    cookies=cookies,
                    follow_redirects=False,
                ).status_code

            with ThreadPoolExecutor(max_workers=12) as pool:
                codes = list(pool.map(attempt, range(30)))
        finally:
            auth.check_password = auth_mod  # type: ignore[assignment]
    assert len(calls) <= 5, f"{len(calls)} passwords were checked"
    assert codes.count(401) == len(calls) and codes.count(429) == 30 - len(calls)


def test_password_checks_run_a_few_at_a_time(world):
    limiter = auth.LoginLimiter(max_failures=100, max_per_ip=100, max_concurrent=2, slot_wait_s=5)
    running = [0]
    peak = [0]
    lock = threading.Lock()

    def work(_: int) -> None:
        with limiter.slot() as got:
            assert got
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(16)))
    assert peak[0] == 2


def test_no_free_slot_answers_503(world):
    app = _app(world)
    with TestClient(app) as c:
        app.state.limiter.slot_wait_s = 0.05
        sem = app.state.limiter._slots
        held = [sem.acquire(timeout=1) for _ in range(2)]
        try:
            page = c.get("/login")
            r = c.post(
                "/login",
                data={"login": "mod", "password": PASSWORD, "csrf": csrf_of(page.text)},
                follow_redirects=False,
            )
        finally:
            for ok in held:
                if ok:
                    sem.release()
        assert r.status_code == 503 and r.headers.get("retry-after")
        assert app.state.limiter.size() == 0  # not counted as a failure
        assert login(c, "mod").status_code == 303


# -- W19: bounded limiter and audit under a flood of new names ------------------------------------------
def test_limiter_memory_is_bounded():
    lim = auth.LoginLimiter(max_failures=5, max_per_ip=20, max_keys=100)
    for i in range(20):
        assert lim.begin(f"name{i}", "10.0.0.1")
        lim.end(f"name{i}", "10.0.0.1", ok=False)
    before = lim.size()
    for i in range(5000):  # the address is blocked: checks must not create entries
        assert not lim.begin(f"flood{i}", "10.0.0.1")
    assert lim.size() == before
    for i in range(5000):  # failures from many addresses: capped
        lim.failed(f"other{i}", f"10.1.{i // 250}.{i % 250}")
    assert lim.size() <= 100


def test_throttled_and_unknown_logins_are_aggregated_in_the_audit(client, world):
    for i in range(20):  # block the address with unknown names
        assert login(client, f"ghost{i}", "wrong password!!").status_code == 401
    for i in range(60):
        assert login(client, f"flood{i}", "wrong password!!").status_code == 429
    failed = world.store.audit_log(action="login.failed", limit=1000)
    throttled = world.store.audit_log(action="login.throttled", limit=1000)
    assert len(failed) == 1 and len(throttled) == 1  # one row a minute per address
    assert login(client, "mod", "wrong password!!").status_code == 429  # still blocked


def test_failed_logins_of_a_known_account_are_each_audited(client, world):
    for _ in range(3):
        assert login(client, "mod", "wrong password!!").status_code == 401
    assert len(world.store.audit_log(action="login.failed", actor="mod")) == 3


def test_audit_throttle_counts_skipped_rows():
    t = auth.AuditThrottle(interval_s=2.0)
    assert t.admit("k") == 0
    assert t.admit("k") is None and t.admit("k") is None
    assert t.admit("other") == 0
    time.sleep(2.1)
    assert t.admit("k") == 2


# -- W20: request bodies are limited before they are read -------------------------------------------------
def test_big_body_without_token_is_refused_before_reading(client):
    big = b"{" + b" " * (20 * 1024 * 1024) + b"}"
    r = client.post("/v1/analyze", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413  # declared length over the analyze limit
    medium = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    r = client.post("/v1/analyze", content=medium, headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and "before reading" in r.json()["detail"]
    r = client.post(
        "/v1/analyze",
        content=medium,
        headers={"Content-Type": "application/json", "Authorization": "Bearer vt_forged"},
    )
    assert r.status_code == 401


def test_body_limits_per_route(client, world):
    r = client.post(
        "/login",
        content=b"login=" + b"a" * 20_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    login(client, "mod")
    r = client.post(
        "/bulk",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413

    # a streamed body without Content-Length is counted as it arrives
    def gen() -> Any:
        for _ in range(40):
            yield b"a" * 65536

    r = client.post("/bulk", content=gen(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    # a normal analyze with a token still works
    r = client.post("/v1/analyze", headers=h(world, "viewer"), json={"text": "connard " * 100})
    assert r.status_code == 200


def test_body_limit_keeps_memory_flat_under_concurrent_uploads(tmp_path):
    """The probe's W20: six concurrent 50 MB bodies without a token grew the server by 880 MB."""
    import resource

    import httpx

    from .browser import serve

    w = build_world(tmp_path / "home")
    from veilleur.web import create_app

    with serve(create_app(w.store.settings, w.store)) as base:

        def send(_: int) -> int:
            def chunks() -> Any:
                for _ in range(50 * 16):
                    yield b"a" * 65536  # 50 MB, streamed (no Content-Length)

            try:
                return httpx.post(
                    base + "/v1/messages",
                    content=chunks(),
                    headers={"Content-Type": "application/json"},
                    timeout=60,
                ).status_code
            except httpx.HTTPError:
                return 0  # the server may close the connection once it has answered

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with ThreadPoolExecutor(max_workers=6) as pool:
            codes = list(pool.map(send, range(6)))
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert all(code in (401, 0) for code in codes), codes
    assert grown_mb < 150, f"server process grew by {grown_mb:.0f} MB"
    w.store.close()


# -- I17: a long write lock (an import) never gives a 500 ---------------------------------------------------
def _app(world: Any, toml: str = "") -> Any:
    from veilleur.web import create_app

    if toml:
        cfg = world.home / "veilleur.toml"
        cfg.write_text(cfg.read_text(encoding="utf-8") + toml, encoding="utf-8")
        from veilleur.config import load_settings

        settings = load_settings(home=world.home, db_url=str(world.store.engine.url))
        return create_app(settings, world.store)
    return create_app(world.store.settings, world.store)


def test_web_stays_usable_while_another_process_holds_the_write_lock(world):
    app = _app(world, "[web]\ndb_busy_timeout_s = 0.3\n")
    path = world.store.engine.url.database
    with TestClient(app) as c:
        assert login(c, "mod").status_code == 303
        page = c.get("/login")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # what a long `veilleur import` does
        try:
            t = time.monotonic()
            assert c.get("/dashboard").status_code == 200  # reading works
            assert (
                c.get("/v1/findings", headers=h(world, "viewer")).status_code == 200
            )  # token check does not write-wait
            assert (
                c.post("/v1/analyze", headers=h(world, "viewer"), json={"text": "connard"}).status_code == 200
            )
            r = c.post(
                "/login",
                data={"login": "admin", "password": PASSWORD, "csrf": csrf_of(page.text)},
                follow_redirects=False,
            )
            assert r.status_code == 503 and r.headers["retry-after"]
            assert "occupée" in r.text
            assert app.state.limiter.size() == 0  # a busy database is not a failed login
            r = c.post(
                "/v1/messages",
                headers=h(world, "mod"),
                json={
                    "messages": [
                        {
                            "source": "test",
                            "community_id": "grp1",
                            "message_id": "busy1",
                            "author": {"id": "x", "name": "X"},
                            "created_at": NOW.isoformat(),
                            "text": "bonjour",
                        }
                    ]
                },
            )
            assert r.status_code == 503 and r.json()["error"] == "database_busy"
            assert time.monotonic() - t < 10
        finally:
            other.execute("ROLLBACK")
            other.close()
        page = c.get("/login")
        r = c.post(
            "/login",
            data={"login": "admin", "password": PASSWORD, "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert r.status_code == 303  # works again once the lock is released


# -- the analyze service ----------------------------------------------------------------------------------------
def test_readyz_is_503_until_the_detectors_are_loaded(world):
    from veilleur.detect.base import register_detector

    from .conftest import FakeHarm

    gate = threading.Event()

    class SlowHarm(FakeHarm):
        name = "fake_slow"

        def __init__(self) -> None:
            gate.wait(10)

    register_detector("fake_slow", SlowHarm, default=False)
    cfg = world.home / "veilleur.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            'text_detectors = ["fake_harm"]', 'text_detectors = ["fake_slow"]'
        ),
        encoding="utf-8",
    )
    app = _app(world, "\n")
    with TestClient(app) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "loading"
        gate.set()
        for _ in range(100):
            if c.get("/readyz").status_code == 200:
                break
            time.sleep(0.05)
        r = c.get("/readyz")
        assert r.status_code == 200 and r.json()["detectors"] == ["fake_image", "fake_slow"]
        assert (
            c.post("/v1/analyze", headers=h(world, "viewer"), json={"text": "connard"}).json()["scores"][
                "insult"
            ]
            == 0.9
        )


def test_concurrent_analyze_calls_are_batched_without_a_global_lock(world):
    from veilleur.detect.base import register_detector

    from .conftest import FakeHarm

    sizes: list[int] = []

    class CountingHarm(FakeHarm):
        name = "fake_count"

        def detect(self, batch: Any) -> Any:
            if batch[0].message_id.startswith("analyze-"):  # not the start-up warm-up
                sizes.append(len(batch))
            time.sleep(0.1)  # a slow model: calls arriving meanwhile wait for the next batch
            return super().detect(batch)

    register_detector("fake_count", CountingHarm, default=False)
    cfg = world.home / "veilleur.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            'text_detectors = ["fake_harm"]', 'text_detectors = ["fake_count"]'
        ),
        encoding="utf-8",
    )
    app = _app(world, "\n")
    texts = [f"message {i} connard" if i % 2 else f"message {i} bonjour" for i in range(12)]
    with TestClient(app) as c:

        def call(t: str) -> Any:
            return c.post("/v1/analyze", headers=h(world, "viewer"), json={"text": t}).json()

        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(call, texts))
    for t, res in zip(texts, results, strict=True):  # each caller gets its own message's findings
        assert (res["scores"].get("insult", 0) == 0.9) == ("connard" in t), res
        assert all(s["text"] == "connard" for s in res["spans"])
    assert sum(sizes) == 12 and len(sizes) < 12 and max(sizes) > 1, sizes


def test_analyze_works_without_startup_and_with_preload_off(world):
    cfg = world.home / "veilleur.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("[api]\n", "[api]\npreload = false\n"), encoding="utf-8"
    )
    app = _app(world, "\n")
    c = TestClient(app)  # no lifespan: the worker starts on the first call
    r = c.post("/v1/analyze", headers=h(world, "viewer"), json={"text": "connard"})
    assert r.status_code == 200 and r.json()["detectors"] == {"fake_harm": "0.1"}
    assert c.get("/readyz").status_code == 200
    app.state.analyzer.stop()


def test_a_caller_that_gives_up_does_not_break_the_batch(world):
    """A cancelled call (client gone) is skipped; the other callers of the batch still get their answer."""
    from veilleur.web.analyze import AnalyzeService

    svc = AnalyzeService(world.store.settings)
    svc.preload = False
    gate = threading.Event()
    svc.submit(_msg_for("slow"), ["fake_harm"]).add_done_callback(lambda _: None)
    orig = svc._process

    def slow(batch: Any) -> None:
        gate.wait(5)
        orig(batch)

    svc._process = slow  # type: ignore[method-assign]
    time.sleep(0.2)  # the worker is now holding the first batch
    gone = svc.submit(_msg_for("gone connard"), ["fake_harm"])
    kept = svc.submit(_msg_for("kept connard"), ["fake_harm"])
    assert gone.cancel()
    gate.set()
    out = kept.result(timeout=5)
    assert [f.category for f in out.findings] == ["insult"]
    svc.stop()


def _msg_for(text: str) -> Message:
    import uuid

    return Message(
        source="api",
        community_id="a",
        community_name="a",
        message_id="analyze-" + uuid.uuid4().hex,
        author=Author("api", "api"),
        created_at=NOW,
        text=text,
    )


def test_analyze_in_a_worker_process(world):
    """``api.analyze_processes = 1``: the models live in a spawned process (real text_harm detector)."""
    cfg = world.home / "veilleur.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        .replace('text_detectors = ["fake_harm"]', 'text_detectors = ["text_harm"]')
        .replace('image_detectors = ["fake_image"]', "image_detectors = []")
        .replace("[api]\n", "[api]\nanalyze_processes = 1\n"),
        encoding="utf-8",
    )
    app = _app(world, "\n")
    with TestClient(app) as c:
        for _ in range(1200):
            if c.get("/readyz").status_code == 200:
                break
            time.sleep(0.1)
        ready = c.get("/readyz").json()
        assert ready["detectors"] == ["text_harm"], ready
        child = app.state.analyzer._child
        assert child is not None and child.alive() and child.proc.pid != __import__("os").getpid()
        with ThreadPoolExecutor(max_workers=4) as pool:
            res = list(
                pool.map(
                    lambda t: c.post("/v1/analyze", headers=h(world, "viewer"), json={"text": t}),
                    [
                        "T'es vraiment un connard",
                        "Merci docteur",
                        "Sale connard incompétent",
                        "Bonjour à tous",
                    ],
                )
            )
        assert all(r.status_code == 200 for r in res)
        assert res[0].json()["detectors"] == {"text_harm": res[0].json()["detectors"]["text_harm"]}
        assert res[0].json()["scores"].get("insult", 0) > res[1].json()["scores"].get("insult", 0)
    assert not child.alive()  # stopped with the app
