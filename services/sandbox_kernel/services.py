"""The four sandbox services: names, packages, ports and the real hosts each one replaces."""

from __future__ import annotations

import importlib
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Settings


@dataclass(frozen=True)
class ServiceInfo:
    name: str  # short name used in event types, topics, settings and the CLI
    package: str  # import package under services/
    title: str
    replaces: tuple[str, ...]  # real hosts a client swaps for this service's URL
    # "module:Class" of the service's own settings whose ``tls`` field decides HTTPS: the very object the
    # service reads when it starts uvicorn, so the URL we print can never disagree with what it serves.
    tls_settings: str | None = None

    @property
    def factory(self) -> str:
        return f"{self.package}.app:create_app"

    @property
    def scheme(self) -> str:
        if self.tls_settings is None:
            return "http"
        module, _, name = self.tls_settings.partition(":")
        own = getattr(importlib.import_module(module), name)()
        return "https" if own.tls else "http"

    def url(self, settings: Settings) -> str:
        return f"{self.scheme}://{settings.host}:{settings.port_of(self.name)}"


def local_verify(settings: Settings) -> ssl.SSLContext | bool:
    """How our own tools trust an HTTPS service of the sandbox: by the sandbox root CA in the data dir."""
    root = settings.data_dir / "pki" / "raiz-sandbox.crt"
    return ssl.create_default_context(cafile=str(root)) if root.exists() else True


SERVICES: dict[str, ServiceInfo] = {
    s.name: s
    for s in (
        ServiceInfo("registry", "registry", "Registry (plano de controle)", ()),
        ServiceInfo(
            "login", "login_mock", "Acesso GOV.BR", ("sso.staging.acesso.gov.br", "api.staging.acesso.gov.br")
        ),
        ServiceInfo(
            "assinatura",
            "assinatura_mock",
            "Assinatura GOV.BR (ITI)",
            ("cas.staging.iti.br", "assinatura-api.staging.iti.br"),
        ),
        ServiceInfo(
            "tramita",
            "tramita_mock",
            "Tramita GOV.BR (PEN)",
            ("homolog.api.processoeletronico.gov.br",),
            tls_settings="tramita_mock.settings:TramitaSettings",  # mutual TLS, as the real API
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
