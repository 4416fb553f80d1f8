"""A service served over real HTTP from a thread of the test process (``sandbox_server``).

Where a service is a dependency rather than the subject (the registry behind login or Tramita, the
login service behind a page test), starting it as a child process costs 4–10 s of imports per test.
Here the same app, with its real lifespan, is served by uvicorn on its configured port from a thread
with its own event loop: clients see real sockets (sync and async clients both work), the test process
pays the imports once. Process-level behaviour (crashes, signals, the CLI) still needs ``sandbox_process``.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
import time
from typing import Any

import uvicorn

from ..serve import server_options
from ..services import resolve_service
from ..settings import Settings


class ServerThread:
    """One service app under uvicorn in a daemon thread; the same surface as ``ServiceProcess``."""

    def __init__(self, name: str, settings: Settings, app: Any = None, **uvicorn_options: Any) -> None:
        self.service = resolve_service(name)
        self.settings = settings
        self.port = settings.port_of(self.service.name)
        module = importlib.import_module(self.service.app_module)
        self.app = app if app is not None else module.create_app(settings)
        # The same options `govbr-sandbox serve` gives uvicorn (HTTPS, Tramita's mutual TLS) unless given.
        options = uvicorn_options or server_options(settings, self.service)
        self.config = uvicorn.Config(
            self.app,
            host=settings.host,
            port=self.port,
            # uvicorn's own logging config (or access_log=False) would rewire the test process's loggers
            log_config=None,
            log_level="warning",
            lifespan="on",
            proxy_headers=False,
            timeout_graceful_shutdown=2,
            **options,
        )
        self.server = uvicorn.Server(self.config)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return self.service.url(self.settings)

    def start(self, timeout: float = 30.0) -> ServerThread:
        self._thread = threading.Thread(target=self._run, name=f"sandbox-{self.service.name}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError(f"{self.service.package} did not start: {self._error!r}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.service.package} did not start at {self.url}")
            time.sleep(0.01)
        return self

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve())
        except BaseException as exc:  # reported to the test by start()
            self._error = exc

    def stop(self, timeout: float = 15.0) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self.server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():  # a stuck request: stop waiting for it
            self.server.force_exit = True
            thread.join(timeout)
