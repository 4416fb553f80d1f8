"""The sandbox services: names, packages, ports and the real hosts each one replaces."""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .settings import Settings


@dataclass(frozen=True)
class ServiceHooks:
    """What a service adds to ``govbr-sandbox serve``; every ``app.py`` exports one as ``hooks``."""

    # Checks the service's own settings before uvicorn starts (e.g. the registry's personas file);
    # raises SandboxConfigError naming the variable.
    preflight: Callable[[Settings], None] | None = None
    # Extra ``uvicorn.run`` arguments (e.g. tramita_mock: TLS with client certificates, its own protocol).
    uvicorn_options: Callable[[Settings], dict[str, Any]] | None = None


@dataclass(frozen=True)
class ServiceInfo:
    name: str  # short name used in event types, topics, settings and the CLI
    package: str  # import package under services/
    title: str
    replaces: tuple[str, ...]  # real hosts a client swaps for this service's URL
    tls_env: str | None = None  # services that serve HTTPS unless this variable says false
    error_format: str = "registry"  # body of unknown-path errors (http_errors.ErrorFormat)
    settings: str | None = None  # "package.settings:Class", the service's own ServiceSettings

    @property
    def app_module(self) -> str:
        return f"{self.package}.app"

    @property
    def factory(self) -> str:
        return f"{self.package}.app:create_app"

    @property
    def scheme(self) -> str:
        off = self.tls_env and os.environ.get(self.tls_env, "true").strip().lower() in ("false", "0", "no")
        return "https" if self.tls_env and not off else "http"

    def url(self, settings: Settings) -> str:
        return f"{self.scheme}://{settings.host}:{settings.port_of(self.name)}"


def local_verify(settings: Settings) -> ssl.SSLContext | bool:
    """How our own tools trust an HTTPS service of the sandbox: by the sandbox root CA in the data dir."""
    root = settings.data_dir / "pki" / "raiz-sandbox.crt"
    return ssl.create_default_context(cafile=str(root)) if root.exists() else True


SERVICES: dict[str, ServiceInfo] = {
    s.name: s
    for s in (
        ServiceInfo(
            "registry",
            "registry",
            "Registry (plano de controle)",
            (),
            settings="registry.settings:RegistrySettings",
        ),
        ServiceInfo(
            "login",
            "login_mock",
            "Acesso GOV.BR",
            (
                "sso.staging.acesso.gov.br",
                "api.staging.acesso.gov.br",
                "confiabilidades.staging.acesso.gov.br",
            ),
            settings="login_mock.settings:LoginSettings",
            error_format="acesso",
        ),
        ServiceInfo(
            "assinatura",
            "assinatura_mock",
            "Assinatura GOV.BR (ITI)",
            ("cas.staging.iti.br", "assinatura-api.staging.iti.br"),
            error_format="iti",
        ),
        ServiceInfo(
            "tramita",
            "tramita_mock",
            "Tramita GOV.BR (PEN)",
            ("homolog.api.processoeletronico.gov.br",),
            tls_env="SANDBOX_TRAMITA_TLS",  # mutual TLS, as the real API
            error_format="tramita",
        ),
        ServiceInfo(
            "console",
            "console",
            "Console (eventos e histórias do ente)",
            (),
            settings="console.settings:ConsoleSettings",
        ),
    )
}


def resolve_service(name: str) -> ServiceInfo:
    """Accept the short name (``login``) or the package name (``login_mock``)."""
    for service in SERVICES.values():
        if name in (service.name, service.package):
            return service
    known = ", ".join(SERVICES)
    raise KeyError(f"serviço desconhecido: {name!r} (use um de: {known})")
