"""HTTP entry point of the tramita_mock service (`govbr-sandbox serve tramita`).

Serves the Tramita GOV.BR REST API under ``/interoperabilidade/rest/v3/`` and ``/v4/`` over HTTPS with
mutual TLS: ``uvicorn_options(settings)`` gives uvicorn the server certificate, the CA that client
certificates are checked against and the HTTP protocol class that puts the client certificate into the
ASGI scope (see ``identity.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from sandbox_kernel.app import ServiceRuntime, create_service_app
from sandbox_kernel.services import ServiceHooks
from sandbox_kernel.settings import Settings, get_settings

from . import keys
from .blobs import BlobStore
from .domain.errors import TramitaError, validation_error
from .domain.payloads import path_of
from .error_docs import ERRORS
from .identity import TLSH11Protocol, TLSHttpToolsProtocol
from .operations import TramitaService
from .registry import TramitaRegistry
from .routes import pendencias, reference, root, sandbox, structures, tramites
from .routes.deps import API_PREFIXES
from .settings import TramitaSettings
from .storage import metadata

log = logging.getLogger("govbr_sandbox.tramita")

DESCRIPTION = (
    "Emula o Tramita GOV.BR (ex-Barramento PEN), API REST v3: substitui homolog.api.processoeletronico.gov.br. "
    "Cada sistema se identifica pelo certificado de cliente (TLS mútuo) emitido pelo registry."
)

__all__ = ["create_app", "hooks", "uvicorn_options", "metadata"]


def uvicorn_options(settings: Settings, tramita: TramitaSettings | None = None) -> dict[str, Any]:
    """Extra ``uvicorn.run`` arguments: HTTPS with client certificates, and the TLS-aware protocol."""
    tramita = tramita or settings.of(TramitaSettings)
    try:
        import httptools  # noqa: F401

        protocol: type = TLSHttpToolsProtocol
    except ImportError:  # pragma: no cover - uvicorn[standard] ships httptools
        protocol = TLSH11Protocol
    if not tramita.tls:
        return {"http": protocol}
    files = keys.tls_files(settings)
    return {
        "http": protocol,
        "ssl_certfile": files["certfile"],
        "ssl_keyfile": files["keyfile"],
        "ssl_ca_certs": files["client_ca"],
        "ssl_cert_reqs": ssl.CERT_REQUIRED if tramita.require_client_cert else ssl.CERT_OPTIONAL,
    }


hooks = ServiceHooks(uvicorn_options=uvicorn_options)


def create_app(settings: Settings | None = None, tramita: TramitaSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    tramita = tramita or settings.of(TramitaSettings)
    tasks: list[asyncio.Task] = []

    async def startup(app: FastAPI, runtime: ServiceRuntime) -> None:
        registry = TramitaRegistry(settings)
        blob_store = BlobStore(keys.tramita_dir(settings))
        service = TramitaService(runtime, tramita, registry, blob_store, keys.platform_key(settings))
        app.state.tramita = service
        tasks.append(asyncio.create_task(service.expiry_loop(), name="tramita-expiry"))
        if tramita.robots:
            from .robots import RobotRunner

            runner = RobotRunner(app, service)
            app.state.robots = runner
            tasks.append(asyncio.create_task(runner.run(), name="tramita-robots"))

    app = create_service_app(
        "tramita",
        metadata=metadata,
        settings=settings,
        description=DESCRIPTION,
        routers=[root.router, sandbox.router, pendencias.router],
        on_startup=startup,
        errors=ERRORS,
    )
    for prefix in API_PREFIXES:
        for router in (reference.router, structures.router, tramites.router):
            app.include_router(router, prefix=prefix)

    kernel_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with kernel_lifespan(app) as state:
            try:
                yield state
            finally:  # stop our loops before the kernel closes the database
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                tasks.clear()
                service = getattr(app.state, "tramita", None)
                if service is not None:
                    await service.registry.aclose()

    app.router.lifespan_context = lifespan
    app.add_middleware(CollapseSlashes)
    _install_errors(app)
    return app


class CollapseSlashes:
    """``base + '/' + 'healthcheck'`` gives ``…/v3//healthcheck`` in SEI's check: serve it like one slash."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and "//" in scope["path"]:
            path = re.sub(r"/{2,}", "/", scope["path"])
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


def _operation(request: Request) -> str:
    route = getattr(request.scope.get("route"), "path", None)
    if route is None:
        return f"{request.method} {request.url.path}"
    prefix = next((p for p in API_PREFIXES if request.url.path.startswith(p + "/")), "")
    return f"{request.method} {route if route.startswith(prefix) else prefix + route}"


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(TramitaError)
    async def _tramita_error(request: Request, exc: TramitaError) -> JSONResponse:
        service = getattr(request.app.state, "tramita", None)
        if service is not None:
            params = request.path_params
            idt, ticket = (params.get(k) for k in ("idt", "ticket"))
            await service.reject(
                exc,
                _operation(request),
                getattr(request.state, "caller", None),
                int(idt) if idt and str(idt).isdigit() else None,
                ticket=int(ticket) if ticket and str(ticket).isdigit() else None,
                nre=params.get("nre"),
            )
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if p not in ("path", "query", "body"))
            problems.append(
                f"{path_of(loc)} deve ser um número inteiro"
                if "int" in error["type"]
                else f"{path_of(loc)} é inválido"
            )
        return await _tramita_error(request, validation_error(problems))
