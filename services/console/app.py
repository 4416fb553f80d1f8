"""The console service: a consumer of the event stream with its own read model, and the pages on top."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sandbox_kernel.app import create_service_app
from sandbox_kernel.secrets import admin_token
from sandbox_kernel.services import ServiceHooks
from sandbox_kernel.settings import Settings, get_settings

from . import storage
from .auth import KeyChecker
from .context import Console
from .hub import Hub
from .ingest import Ingest
from .registry import ConsoleRegistry
from .routes import ROUTERS, install_error_pages
from .settings import ConsoleSettings
from .storage import metadata

DESCRIPTION = (
    "Console do sandbox: os eventos de cada ente ao vivo (SSE em /api/eventos), histórias narradas, "
    "a página do ente e a grade da turma. Entre com a chave de API do ente ou o token de administrador."
)


hooks = ServiceHooks()


def create_app(
    settings: Settings | None = None,
    options: ConsoleSettings | None = None,
    registry_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    options = options or settings.of(ConsoleSettings)
    app = create_service_app(
        "console", metadata=metadata, settings=settings, description=DESCRIPTION, routers=ROUTERS
    )
    kernel_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with kernel_lifespan(app):
            runtime = app.state.runtime
            await storage.migrate(runtime.db)
            hub = Hub(options.memory_events)
            ingest = Ingest(settings.bootstrap_servers, settings.topic_namespace, runtime.db, hub)
            registry = ConsoleRegistry(settings, transport=registry_transport)
            token, _ = admin_token(settings)
            console = Console(runtime, options, hub, ingest, registry, None)  # type: ignore[arg-type]  # keys are set on the next line (they need the console)
            console.keys = KeyChecker(console, token, options.key_cache_seconds)
            app.state.console = console
            await ingest.start()
            try:
                yield
            finally:
                await ingest.stop()
                await registry.aclose()

    app.router.lifespan_context = lifespan
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    install_error_pages(app)
    return app
