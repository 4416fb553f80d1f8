"""The closed lists a fault rule is checked against: services, their endpoints (operations) and effects.

Endpoints are named the way the platform's own documentation and clients name them (Tramita operations by
their SOAP/REST names: ``enviarProcesso``, ``recusarTramite`` …). Each one maps to the HTTP method(s) and
path pattern the emulator serves, so the generic middleware can tell which endpoint a request is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    name: str
    methods: frozenset[str]
    pattern: re.Pattern[str]

    def matches(self, method: str, path: str) -> bool:
        return (not self.methods or method in self.methods) and bool(self.pattern.match(path))


def _ep(name: str, methods: str, pattern: str) -> Endpoint:
    return Endpoint(name, frozenset(methods.split()) if methods else frozenset(), re.compile(pattern))


_T = "/interoperabilidade/rest/v3"
_UPLOAD = _T + r"/tickets-de-envio-de-componente/\d+/protocolos/componentes-a-enviar"

ENDPOINTS: dict[str, tuple[Endpoint, ...]] = {
    "login": (
        _ep("authorize", "", r"^/authorize/?$"),
        _ep("login", "", r"^/login/?$"),
        _ep("consent", "", r"^/consent/?$"),
        _ep("token", "POST", r"^/token/?$"),
        _ep("userinfo", "", r"^/userinfo"),
        _ep("jwks", "", r"^/jwk/?$"),
        _ep("discovery", "", r"^/\.well-known/openid-configuration$"),
        _ep("confiabilidades", "", r"^/confiabilidades/v3/"),
        _ep("empresas", "", r"^/empresas/v2/"),
        _ep("x509", "", r"^/api/x509/info"),
        _ep("logout", "", r"^/logout/?$"),
    ),
    "assinatura": (
        _ep("authorize", "", r"^/oauth2\.0/(authorize|consent)"),
        _ep("token", "POST", r"^/oauth2\.0/token/?$"),
        _ep("certificadoPublico", "", r"^/externo/v2/certificadoPublico"),
        _ep("assinarPKCS7", "", r"^/externo/v2/assinarPKCS7"),
    ),
    "tramita": (
        _ep("enviarProcesso", "POST", rf"^{_T}/tramites/processo$"),
        _ep("enviarDocumento", "POST", rf"^{_T}/tramites/documento$"),
        _ep("enviarParteDeComponenteDigital", "PUT POST", rf"^{_UPLOAD}/partes/"),
        _ep("enviarComponenteDigital", "PUT", rf"^{_UPLOAD}$"),
        _ep("listarPendencias", "GET", rf"^{_T}/tramites/pendentes$"),
        _ep("consultarTramites", "GET", rf"^{_T}/tramites$"),
        _ep("receberComponenteDigital", "POST", rf"^{_T}/tramites/\d+/protocolos/componentes-digitais"),
        _ep("receberReciboDeEnvio", "GET", rf"^{_T}/tramites/\d+/recibo-de-envio$"),
        _ep("enviarReciboDeTramite", "POST", rf"^{_T}/tramites/\d+/recibo$"),
        _ep("receberReciboDeTramite", "GET", rf"^{_T}/tramites/\d+/recibo$"),
        _ep("recusarTramite", "POST", rf"^{_T}/tramites/\d+/recusa$"),
        _ep("cienciaRecusa", "GET", rf"^{_T}/tramites/\d+/ciencia$"),
        _ep("cancelarEnvioDeTramite", "DELETE", rf"^{_T}/tramites/\d+$"),
        _ep("solicitarMetadados", "GET", rf"^{_T}/tramites/\d+$"),
        _ep("pendencias", "GET", r"^/pendencias/?$"),
        _ep("estruturas", "GET", rf"^{_T}/repositorios-de-estruturas"),
        _ep("hipoteses", "GET", rf"^{_T}/hipoteses"),
        _ep("especies", "GET", rf"^{_T}/especies"),
        _ep("healthcheck", "GET", rf"^{_T}/healthcheck"),
    ),
}

SERVICES = tuple(ENDPOINTS)

# Effects every emulator applies the same way, in the kernel middleware.
GENERIC_EFFECTS = ("status", "latency", "drop")

ID_TOKEN_EFFECTS = (
    "id_token_wrong_iss",
    "id_token_wrong_aud",
    "id_token_wrong_nonce",
    "id_token_expired",
    "id_token_not_yet_valid",
    "id_token_bad_signature",
    "id_token_unknown_kid",
    "id_token_alg_none",
)

# Effects a service applies itself, where it knows the domain (small hooks in each service).
DOMAIN_EFFECTS: dict[str, tuple[str, ...]] = {
    "login": ("access_denied", "temporarily_unavailable", *ID_TOKEN_EFFECTS, "jwks_rotation"),
    "assinatura": ("bronze_forbidden", "expired_certificate", "no_timestamp"),
    "tramita": ("late_robot", "silent_pendencias", "revoked_certificate"),
}

# Where a domain effect happens: rules with these effects apply to this endpoint when none is given.
EFFECT_ENDPOINT = {
    "access_denied": "authorize",
    "temporarily_unavailable": "authorize",
    **{effect: "token" for effect in ID_TOKEN_EFFECTS},
    "jwks_rotation": "token",
    "bronze_forbidden": "assinarPKCS7",
    "expired_certificate": "assinarPKCS7",
    "no_timestamp": "assinarPKCS7",
    "silent_pendencias": "pendencias",
}


def effects_of(service: str) -> tuple[str, ...]:
    return GENERIC_EFFECTS + DOMAIN_EFFECTS.get(service, ())


def endpoint_names(service: str) -> list[str]:
    return [e.name for e in ENDPOINTS.get(service, ())]


def endpoint_for(service: str, method: str, path: str) -> str | None:
    """The endpoint a request is for (the first pattern that matches), or None."""
    for endpoint in ENDPOINTS.get(service, ()):
        if endpoint.matches(method, path):
            return endpoint.name
    return None
