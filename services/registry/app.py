"""HTTP entry point of the registry service (``govbr-sandbox serve registry``)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from sandbox_kernel.app import ServiceRuntime, create_service_app
from sandbox_kernel.errors import SandboxConfigError
from sandbox_kernel.pki import SandboxPKI
from sandbox_kernel.secrets import admin_token, admin_token_path
from sandbox_kernel.services import ServiceHooks
from sandbox_kernel.settings import Settings

from .domain.personas import Persona, PersonaFileError, load_persona_file
from .error_docs import ERRORS
from .routes import applications, catalog, entes, errors, labs, overrides, personas, structures, systems
from .settings import RegistrySettings
from .storage import metadata
from .stores import overrides as overrides_store
from .stores import seed

log = logging.getLogger("govbr_sandbox.registry")

DESCRIPTION = (
    "Plano de controle do sandbox: entes, credenciais, personas, estruturas organizacionais e catálogo de "
    "eventos. Autentique com `Authorization: Bearer <token>`: o token de administrador (SANDBOX_ADMIN_TOKEN, "
    "ou o arquivo admin-token no data dir) ou a chave de API de um ente, que só enxerga o próprio ente."
)

ROUTERS = [
    entes.router,
    applications.login_router,
    applications.assinatura_router,
    applications.internal_router,
    systems.router,
    systems.public_router,
    personas.router,
    structures.router,
    labs.router,
    catalog.router,
    overrides.router,
    overrides.internal_router,
]


def extra_personas(settings: Settings) -> list[Persona]:
    """The personas of SANDBOX_PERSONAS_FILE, strictly validated; errors name file, entry and field."""
    path = settings.of(RegistrySettings).personas_file
    if not path:
        return []
    try:
        return load_persona_file(path)
    except PersonaFileError as exc:
        raise SandboxConfigError("SANDBOX_PERSONAS_FILE", str(exc).replace("\n", "; ")) from None


def preflight(settings: Settings) -> None:
    extra_personas(settings)


hooks = ServiceHooks(preflight=preflight)


async def _startup(app: FastAPI, runtime: ServiceRuntime) -> None:
    token, created = admin_token(runtime.settings)
    if created:
        log.info(
            "admin token generated in %s (see govbr-sandbox info --json)", admin_token_path(runtime.settings)
        )
    app.state.admin_token = token
    app.state.pki = SandboxPKI(runtime.settings.data_dir)
    await seed.seed_if_first_start(runtime, app.state.pki)
    await seed.load_extra_personas(runtime, extra_personas(runtime.settings))
    await overrides_store.load_clocks(runtime)


def create_app(settings: Settings | None = None) -> FastAPI:
    app = create_service_app(
        "registry",
        metadata=metadata,
        settings=settings,
        description=DESCRIPTION,
        routers=ROUTERS,
        on_startup=_startup,
        errors=ERRORS,
    )
    errors.install(app)
    return app
