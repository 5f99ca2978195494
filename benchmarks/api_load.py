"""Load test of `veilleur serve`: N concurrent clients on 127.0.0.1, per-route latency, throughput, peak memory.

Run: ``.venv/bin/python benchmarks/api_load.py [--mix analyze|mixed|pages] [--clients 20] [--requests 1000]
[--time-limit 60] [--home DIR] [--json]``.

Bounded by design: the server is started by the script on 127.0.0.1 (random free port) and stopped at the end;
a fixed number of requests is sent, no new request starts after ``--time-limit`` seconds, and the whole run
(set-up included) is killed after ``--time-limit`` + 300 s. Without ``--home`` a fresh temporary home is built:
the demo group (``demo/facebook-export``) imported and scanned with the text detectors (text_harm, secrecy).

Mixes: ``analyze`` = only ``POST /v1/analyze`` with one short FR/EN message (viewer token); ``mixed`` = half
analyze, half GET of /dashboard, /queue, /item/{id}, /member/{uid}, /cases and /v1/findings (moderator
session); ``pages`` = only those GETs. The server's RSS is sampled every 0.2 s from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-123"
TEXTS = [
    "Ce médecin est un incompétent, il faut le virer de la région.",
    "Merci docteur pour votre écoute hier, je me sens mieux.",
    "You are a disgrace, people like you should not practise medicine.",
    "Ma voisine Mme Durand a un cancer du sein, elle est suivie à Clermont.",
    "Quelqu'un connaît un bon kiné à Aurillac ?",
    "Dr Martin a encore raté le diagnostic, on devrait aller l'attendre devant son cabinet.",
    "The nurse told me the patient in room 12 is HIV positive.",
    "Rendez-vous annulé, le cabinet est fermé lundi.",
    "Sale charlatan, on sait où tu habites.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def family(pid: int) -> list[int]:
    """The process and all its descendants (children of every thread: a worker process may be started by one)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def rss_mb(pid: int) -> float:
    """RSS of the server and its worker processes (MB), from /proc."""
    total = 0
    for p in family(pid):
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of the server and its worker processes (from /proc)."""
    total = 0.0
    for p in family(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def veilleur(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "veilleur", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if r.returncode != 0:
        raise SystemExit(f"veilleur {' '.join(args)} failed: {r.stderr.strip()[-500:]}")
    return r.stdout


def build_home(home: Path, env: dict[str, str]) -> None:
    print(f"building a home in {home}: demo import + text scan ...", file=sys.stderr, flush=True)
    veilleur(
        env, "scan", str(ROOT / "demo" / "facebook-export"), "-d", "text_harm", "-d", "secrecy", "--json"
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[k]


async def run_load(
    base: str,
    token: str,
    cookies: dict[str, str],
    pages: list[str],
    mix: str,
    n: int,
    clients: int,
    time_limit: float,
    pid: int,
) -> dict[str, object]:
    import httpx

    rng = random.Random(7)
    plan: list[tuple[str, str]] = []
    for _ in range(n):
        if mix == "analyze" or (mix == "mixed" and rng.random() < 0.5):
            plan.append(("POST /v1/analyze", rng.choice(TEXTS)))
        else:
            plan.append(("GET", rng.choice(pages)))
    lat: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    peak = [rss_mb(pid)]
    start_rss = peak[0]
    stop = asyncio.Event()
    it = iter(plan)
    t0 = time.monotonic()

    async def sampler() -> None:
        while not stop.is_set():
            peak.append(rss_mb(pid))
            await asyncio.sleep(0.2)

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60, cookies=cookies) as c:
            for kind, arg in it:
                if time.monotonic() - t0 > time_limit:
                    return
                t = time.perf_counter()
                try:
                    if kind == "GET":
                        route = "GET " + re.sub(r"/(f|u)_[0-9a-f]+", r"/{\1}", arg.split("?")[0])
                        r = await c.get(
                            arg,
                            headers={"Authorization": f"Bearer {token}"} if arg.startswith("/v1") else None,
                        )
                    else:
                        route = kind
                        r = await c.post(
                            "/v1/analyze", json={"text": arg}, headers={"Authorization": f"Bearer {token}"}
                        )
                    ok = r.status_code == 200
                except httpx.HTTPError as exc:
                    ok, r = False, None
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                dt = (time.perf_counter() - t) * 1000
                lat.setdefault(route, []).append(dt)
                lat.setdefault("all", []).append(dt)
                if r is not None and not ok:
                    errors[f"{route} {r.status_code}"] = errors.get(f"{route} {r.status_code}", 0) + 1

    cpu0, me0 = cpu_s(pid), time.process_time()
    samp = asyncio.create_task(sampler())
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.monotonic() - t0
    server_cpu, client_cpu = cpu_s(pid) - cpu0, time.process_time() - me0
    stop.set()
    await samp
    done = len(lat.get("all", []))
    routes = {
        k: {
            "n": len(v),
            "p50": round(percentile(v, 50), 1),
            "p95": round(percentile(v, 95), 1),
            "p99": round(percentile(v, 99), 1),
            "mean": round(statistics.fmean(v), 1),
        }
        for k, v in sorted(lat.items())
    }
    return {
        "mix": mix,
        "clients": clients,
        "requests": n,
        "done": done,
        "seconds": round(elapsed, 1),
        "req_per_s": round(done / elapsed, 1) if elapsed else 0.0,
        "errors": errors,
        "routes": routes,
        "server_cpu_ms_per_req": round(server_cpu / max(1, len(lat.get("all", []))) * 1000, 2),
        "client_cpu_ms_per_req": round(client_cpu / max(1, len(lat.get("all", []))) * 1000, 2),
        "rss_mb_start": round(start_rss),
        "rss_mb_peak": round(max(peak)),
        "rss_mb_end": round(rss_mb(pid)),
    }


def login(base: str) -> dict[str, str]:
    import httpx

    with httpx.Client(base_url=base, timeout=120) as c:
        r = c.get("/login")
        token = c.cookies.get("veilleur_prelogin")
        r = c.post("/login", data={"login": "bench_mod", "password": PASSWORD, "csrf": token, "next": "/"})
        if r.status_code != 303:
            raise SystemExit(f"login failed: {r.status_code}")
        return {"veilleur_session": c.cookies.get("veilleur_session") or ""}


def page_urls(base: str, cookies: dict[str, str], token: str) -> list[str]:
    import httpx

    with httpx.Client(base_url=base, timeout=120, cookies=cookies) as c:
        found = c.get(
            "/v1/findings", params={"limit": 50}, headers={"Authorization": f"Bearer {token}"}
        ).json()
    pages = ["/dashboard", "/queue", "/cases", "/v1/findings?limit=20"]
    for f in found[:5]:
        pages += [f"/item/{f['id']}", f"/member/{f['member_uid']}"]
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mix", choices=("analyze", "mixed", "pages"), default="analyze")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--time-limit", type=float, default=60.0, help="no new request after this many seconds")
    ap.add_argument("--home", type=Path, help="existing VEILLEUR_HOME (default: a fresh temporary demo home)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit("time limit exceeded")))
    signal.alarm(int(args.time_limit) + 300)

    tmp = tempfile.TemporaryDirectory(prefix="veilleur-load-")
    home = args.home or Path(tmp.name) / "home"
    env = dict(os.environ, VEILLEUR_HOME=str(home), VEILLEUR_PASSWORD=PASSWORD)
    env.pop("VEILLEUR_DB", None)
    if args.home is None:
        build_home(home, env)
    for login_, role in (("bench_mod", "moderator"), ("bench_viewer", "viewer")):
        if login_ not in veilleur(env, "user", "list"):
            veilleur(env, "user", "add", login_, "--role", role)
    token = veilleur(env, "user", "token-create", "bench_viewer", "--name", "load").strip().split()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(Path(tmp.name) / "server.log", "w")  # noqa: SIM115 - closed at the end
    t_start = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "veilleur", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        import httpx

        ready_s = None
        while time.monotonic() - t_start < 240:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        up_s = time.monotonic() - t_start
        while (
            time.monotonic() - t_start < 240
        ):  # /readyz: 503 while the models load (absent on old versions: 404)
            try:
                code = httpx.get(base + "/readyz", timeout=2).status_code
            except httpx.HTTPError:
                code = 0
            if code in (200, 404):
                ready_s = time.monotonic() - t_start if code == 200 else None
                break
            time.sleep(0.2)
        idle_rss = rss_mb(server.pid)
        t = time.perf_counter()
        r = httpx.post(
            base + "/v1/analyze",
            json={"text": TEXTS[0]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=240,
        )
        first = (time.perf_counter() - t) * 1000
        if r.status_code != 200:
            raise SystemExit(f"first analyze failed: {r.status_code} {r.text[:200]}")
        cookies = login(base) if args.mix != "analyze" else {}
        pages = page_urls(base, cookies, token) if args.mix != "analyze" else []
        res = asyncio.run(
            run_load(
                base,
                token,
                cookies,
                pages,
                args.mix,
                args.requests,
                args.clients,
                args.time_limit,
                server.pid,
            )
        )
        res.update(
            server_up_s=round(up_s, 1),
            ready_s=round(ready_s, 1) if ready_s else None,
            idle_rss_mb=round(idle_rss),
            first_analyze_ms=round(first),
            loadavg=[round(x, 2) for x in os.getloadavg()],
            cpus=os.cpu_count(),
        )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        tmp.cleanup()
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    print(
        f"mix={res['mix']} clients={res['clients']} done={res['done']}/{res['requests']} in {res['seconds']} s "
        f"-> {res['req_per_s']} req/s; errors={res['errors'] or 0}"
    )
    print(
        f"server up {res['server_up_s']} s, ready {res['ready_s']} s, first analyze {res['first_analyze_ms']} ms; "
        f"RSS idle {res['idle_rss_mb']} MB, run {res['rss_mb_start']} -> peak {res['rss_mb_peak']} -> end {res['rss_mb_end']} MB"
    )
    print(
        f"CPU per request: server {res['server_cpu_ms_per_req']} ms, load client {res['client_cpu_ms_per_req']} ms"
    )
    print(f"load average at the end {res['loadavg']} on {res['cpus']} CPUs")
    print(f"{'route':32} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
    for k, v in res["routes"].items():  # type: ignore[attr-defined]
        print(f"{k:32} {v['n']:>5} {v['p50']:>8} {v['p95']:>8} {v['p99']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
