"""HTTP of the console: sign-in, the event gateway, and the pages. Thin: parse, authorise, call, render."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from sandbox_kernel.registry_client import RegistryUnavailable

from ..auth import from_session
from . import ente, gateway, pages, readiness, signin, trainer
from .common import NotSignedIn, render

ROUTERS = [signin.router, gateway.router, pages.router, ente.router, trainer.router, readiness.router]


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def _to_signin(request: Request, exc: NotSignedIn) -> RedirectResponse:
        return RedirectResponse("/entrar", status_code=303)

    @app.exception_handler(RegistryUnavailable)
    async def _registry_away(request: Request, exc: RegistryUnavailable):
        principal = await from_session(request, check_key=False)  # the registry is away: only the header
        return render(
            request, "erro.html", principal, 503, mensagem="O registry não respondeu; tente de novo."
        )
