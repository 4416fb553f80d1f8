"""A real browser for page tests: Debian's Chromium driven by Playwright, and a stand-in municipal app.

Chromium is started as this machine needs it: no sandbox (root), no background networking (the network is
closed), and no proxy (the services are on loopback). One Chromium serves the whole test session
(``SessionChromium``); each test connects to it and works in a fresh browser context (its own cookies and
storage), which costs a fraction of a browser start.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from ..process import child_preexec

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
]


class _CallbackApp(BaseHTTPRequestHandler):
    """The municipal app's redirect target: it only has to answer; tests read the code from the URL."""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write("app do município".encode())

    def log_message(self, *args):
        pass


@contextmanager
def callback_app(path: str = "/retorno") -> Iterator[str]:
    """Serve a callback on a free loopback port; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CallbackApp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()


async def launch_chromium(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)


class SessionChromium:
    """One headless Chromium for a test session, reachable over the DevTools protocol on a loopback port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self._profile = Path(tempfile.mkdtemp(prefix="sandbox-chromium-"))
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> SessionChromium:
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                f"--remote-debugging-port={self.port}",
                "--remote-debugging-address=127.0.0.1",
                f"--user-data-dir={self._profile}",
                *CHROMIUM_FLAGS,
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            preexec_fn=child_preexec,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.process.returncode}")
            try:
                if httpx.get(f"{self.endpoint}/json/version", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"chromium did not open its DevTools port {self.port}")

    @asynccontextmanager
    async def connect(self) -> AsyncIterator:
        """A Playwright ``Browser`` on this Chromium for the running event loop; contexts made on it close
        when the block ends."""
        from playwright.async_api import async_playwright  # a test extra

        async with async_playwright() as playwright:
            browser = await playwright.chromium.connect_over_cdp(self.endpoint)
            try:
                yield browser
            finally:
                await browser.close()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self._profile, ignore_errors=True)
