"""HTTP entry point of login_mock, the Acesso GOV.BR emulator (``govbr-sandbox serve login``).

It answers for both sso.staging.acesso.gov.br and api.staging.acesso.gov.br: their paths do not collide.
"""

from __future__ import annotations

from fastapi import FastAPI

from sandbox_kernel.app import ServiceRuntime, create_service_app
from sandbox_kernel.registry_client import RegistryClient
from sandbox_kernel.services import ServiceHooks
from sandbox_kernel.settings import Settings

from .context import LoginContext
from .error_docs import ERRORS
from .keys import SigningKey
from .routes import apis, authorize, discovery, logout, sandbox, token
from .settings import LoginSettings
from .storage import metadata

DESCRIPTION = (
    "Emula o Acesso GOV.BR (Login Único, OpenID Connect): substitui sso.staging.acesso.gov.br e "
    "api.staging.acesso.gov.br. Troque só as URLs base."
)


async def _startup(app: FastAPI, runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    key = SigningKey(settings.data_dir / "login", settings.of(LoginSettings).kid)
    app.state.login = LoginContext(runtime, RegistryClient(settings), key)


async def _shutdown(app: FastAPI, runtime: ServiceRuntime) -> None:
    await app.state.login.registry.aclose()


hooks = ServiceHooks()


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        "login",
        metadata=metadata,
        settings=settings,
        description=DESCRIPTION,
        routers=[
            authorize.router,
            token.router,
            apis.router,
            discovery.router,
            logout.router,
            sandbox.router,
        ],
        on_startup=_startup,
        on_shutdown=_shutdown,
        errors=ERRORS,
    )
