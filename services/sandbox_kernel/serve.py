"""Run one service in this process: ``govbr-sandbox serve login`` (``up`` starts one of these per service)."""

from __future__ import annotations

import asyncio

import uvicorn

from .broker import require_free_port
from .logs import log_config
from .services import resolve_service
from .settings import Settings
from .storage import check_database, service_database_url


def preflight(settings: Settings, service: str) -> None:
    """Fail fast, with one line naming the setting, before uvicorn prints a traceback wall."""
    url = service_database_url(settings, service)  # also checks that the data dir is writable
    asyncio.run(check_database(url))
    require_free_port(settings.host, settings.port_of(service), f"SANDBOX_{service.upper()}_PORT")


def serve(name: str, settings: Settings) -> None:
    service = resolve_service(name)
    preflight(settings, service.name)
    uvicorn.run(
        service.factory,
        factory=True,
        host=settings.host,
        port=settings.port_of(service.name),
        log_config=log_config(settings.log_level),
        proxy_headers=False,
        timeout_graceful_shutdown=5,
    )
