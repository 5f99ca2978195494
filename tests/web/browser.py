"""What the real-browser tests share: Debian Chromium with the project's flags, uvicorn serving the app in a
thread on 127.0.0.1, and page helpers (log in, shortcuts that navigate, the selected queue row)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from .conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed"),
]


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a free port of 127.0.0.1; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        t.join(5)


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def log_in(page: Any, base: str, user: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def press(page: Any, key: str) -> None:
    """Press a shortcut that leads to another page (a form submitted or a link followed), and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


def click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state("networkidle")


def selected_id(page: Any) -> str:
    return str(page.locator(".qitem.selected").get_attribute("data-id"))
