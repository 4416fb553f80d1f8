"""The sandbox services: names, packages, ports and the real hosts each one replaces."""

from __future__ import annotations

import importlib
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
    error_format: str = "registry"  # body of unknown-path errors (http_errors.ErrorFormat)
    settings: str | None = None  # "package.settings:Class", the service's own ServiceSettings

    @property
    def app_module(self) -> str:
        return f"{self.package}.app"

    @property
    def factory(self) -> str:
        return f"{self.package}.app:create_app"

    def own_settings(self, settings: Settings | None = None) -> Any:
        """The service's own settings (``settings.of`` when given, else read from the environment)."""
        if not self.settings:
            return None
        module, _, name = self.settings.partition(":")
        cls = getattr(importlib.import_module(module), name)
        return settings.of(cls) if settings is not None else cls()

    def scheme_of(self, settings: Settings | None = None) -> str:
        # HTTPS when the service's own settings say ``tls``: the very object the service reads when it
        # starts uvicorn, so the URL we print can never disagree with what it serves.
        return "https" if getattr(self.own_settings(settings), "tls", False) else "http"

    @property
    def scheme(self) -> str:
        return self.scheme_of()

    def url(self, settings: Settings) -> str:
        """The local URL (what ``up`` probes); the real-hosts mode adds the staging names in front."""
        scheme = "https" if settings.https else self.scheme_of(settings)
        return f"{scheme}://{settings.host}:{settings.port_of(self.name)}"


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
            settings="assinatura_mock.settings:AssinaturaSettings",
            error_format="iti",
        ),
        ServiceInfo(
            "tramita",
            "tramita_mock",
            "Tramita GOV.BR (PEN)",
            ("homolog.api.processoeletronico.gov.br",),
            settings="tramita_mock.settings:TramitaSettings",  # tls: mutual TLS, as the real API
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
