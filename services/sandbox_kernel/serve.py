"""Run one service in this process: ``govbr-sandbox serve login`` (``up`` starts one of these per service)."""

from __future__ import annotations

import asyncio
import importlib

import uvicorn

from .broker import require_free_port
from .logs import log_config
from .services import ServiceInfo, resolve_service
from .settings import Settings
from .storage import check_database, service_database_url


def preflight(settings: Settings, service: ServiceInfo) -> None:
    """Fail fast, with one line naming the setting, before uvicorn prints a traceback wall."""
    url = service_database_url(settings, service.name)  # also checks that the data dir is writable
    asyncio.run(check_database(url))
    require_free_port(settings.host, settings.port_of(service.name), f"SANDBOX_{service.name.upper()}_PORT")
    # A service may check its own settings too (e.g. the registry validates SANDBOX_PERSONAS_FILE).
    own = getattr(importlib.import_module(f"{service.package}.app"), "preflight", None)
    if own:
        own(settings)


def serve(name: str, settings: Settings) -> None:
    service = resolve_service(name)
    preflight(settings, service)
    # A service may need more from uvicorn (tramita_mock: TLS with client certificates, its own protocol).
    extra = getattr(importlib.import_module(f"{service.package}.app"), "uvicorn_options", None)
    uvicorn.run(
        service.factory,
        factory=True,
        host=settings.host,
        port=settings.port_of(service.name),
        log_config=log_config(settings.log_level),
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        **(extra(settings) if extra else {}),
    )
