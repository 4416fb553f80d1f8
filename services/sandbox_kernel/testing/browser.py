"""A real browser for page tests: Debian's Chromium driven by Playwright, and a stand-in municipal app.

Chromium is started as this machine needs it: no sandbox (root), no background networking (the network is
closed), and no proxy (the services are on loopback).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
