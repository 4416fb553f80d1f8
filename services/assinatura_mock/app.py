"""HTTP entry point of the assinatura_mock service (`govbr-sandbox serve assinatura`).

Replaces cas.staging.iti.br (``/oauth2.0/*``) and assinatura-api.staging.iti.br (``/externo/v2/*``);
sandbox extras under ``/sandbox/*``. Its own settings: ``settings.AssinaturaSettings`` (``SANDBOX_ASSINATURA_*``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import anyio
import httpx
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from sandbox_kernel.app import ServiceRuntime, create_service_app
from sandbox_kernel.pki import kept
from sandbox_kernel.registry_client import RegistryClient, RegistryUnavailable
from sandbox_kernel.services import ServiceHooks
from sandbox_kernel.settings import Settings

from .context import Context
from .domain.certificates import SigningPKI, Urls, signing_pki
from .error_docs import ERRORS
from .routes import api, authorize, login, sandbox, token
from .settings import AssinaturaSettings
from .storage import metadata

DESCRIPTION = "Emula a Assinatura GOV.BR do ITI: substitui cas.staging.iti.br (/oauth2.0/*) e assinatura-api.staging.iti.br (/externo/v2/*)."

ROUTERS = [authorize.router, login.router, token.router, api.router, sandbox.router]

hooks = ServiceHooks()


def create_app(
    settings: Settings | None = None,
    *,
    registry_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """``registry_transport`` lets tests reach an in-process registry; by default it is HTTP to the registry URL."""

    async def startup(app: FastAPI, runtime: ServiceRuntime) -> None:
        opts = runtime.settings.of(AssinaturaSettings)
        base = (opts.public_url or runtime.url).rstrip("/")
        pki_dir = opts.pki_dir or runtime.settings.data_dir / "pki" / "assinatura"
        # First start makes four 4096-bit CA keys (seconds): off the event loop.
        pki = await anyio.to_thread.run_sync(load_signing_pki, pki_dir, Urls(base), opts.ca_key_bits)
        registry = RegistryClient(runtime.settings, transport=registry_transport)
        app.state.assinatura = context = Context(runtime, registry, pki, opts)
        if runtime.faults is not None:
            runtime.faults.resolver = context.fault_owner

    app = create_service_app(
        "assinatura",
        metadata=metadata,
        settings=settings,
        description=DESCRIPTION,
        routers=ROUTERS,
        on_startup=startup,
        errors=ERRORS,
    )
    _close_registry_on_shutdown(app)

    @app.exception_handler(RegistryUnavailable)
    async def _registry_down(_: Request, exc: RegistryUnavailable) -> PlainTextResponse:
        # The real service would answer 5xx too; say why instead of a stack trace.
        return PlainTextResponse(f"Serviço indisponível: {exc}", status_code=503)

    return app


def load_signing_pki(directory: Path, urls: Urls, ca_key_bits: int = 4096) -> SigningPKI:
    """The ITI chain, made once per directory by the kernel PKI (file-locked), then reused."""
    return signing_pki(urls, partial(kept, directory), ca_key_bits)


def _close_registry_on_shutdown(app: FastAPI) -> None:
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with inner(a):
            try:
                yield
            finally:
                ctx = getattr(a.state, "assinatura", None)
                if ctx is not None:
                    await ctx.registry.aclose()

    app.router.lifespan_context = lifespan
