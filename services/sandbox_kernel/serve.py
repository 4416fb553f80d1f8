"""Run one service in this process: ``govbr-sandbox serve login`` (``up`` starts one of these per service)."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import uvicorn

from .broker import require_free_port
from .logs import log_config
from .services import ServiceHooks, ServiceInfo, resolve_service
from .settings import Settings
from .storage import check_database, service_database_url
from .tls import server_files, uvicorn_tls_options


def service_hooks(service: ServiceInfo) -> ServiceHooks:
    hooks = importlib.import_module(service.app_module).hooks
    if not isinstance(hooks, ServiceHooks):
        raise TypeError(f"{service.app_module}.hooks must be a ServiceHooks")
    return hooks


def preflight(settings: Settings, service: ServiceInfo) -> None:
    """Fail fast, with one line naming the setting, before uvicorn prints a traceback wall."""
    url = service_database_url(settings, service.name)  # also checks that the data dir is writable
    asyncio.run(check_database(url))
    require_free_port(settings.host, settings.port_of(service.name), f"SANDBOX_{service.name.upper()}_PORT")
    if settings.https:  # made here, once, before `up` starts the services side by side
        server_files(settings)
    own = service_hooks(service).preflight
    if own:
        own(settings)


def serve(name: str, settings: Settings) -> None:
    service = resolve_service(name)
    preflight(settings, service)
    extra = service_hooks(service).uvicorn_options
    options: dict[str, Any] = dict(uvicorn_tls_options(settings)) if settings.https else {}
    options.update(extra(settings) if extra else {})  # a service's own TLS (tramita_mock: mutual) wins
    uvicorn.run(
        service.factory,
        factory=True,
        host=settings.host,
        port=settings.port_of(service.name),
        log_config=log_config(settings.log_level),
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        **options,
    )
