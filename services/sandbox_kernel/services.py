"""The four sandbox services: names, packages, ports and the real hosts each one replaces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceInfo:
    name: str  # short name used in event types, topics, settings and the CLI
    package: str  # import package under services/
    title: str
    replaces: tuple[str, ...]  # real hosts a client swaps for this service's URL

    @property
    def factory(self) -> str:
        return f"{self.package}.app:create_app"


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
            "tramita", "tramita_mock", "Tramita GOV.BR (PEN)", ("homolog.api.processoeletronico.gov.br",)
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
