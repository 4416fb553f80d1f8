"""What every router needs: the service, the calling system, JSON bodies and lenient booleans."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Depends, Request

from sandbox_kernel.faults.catalog import endpoint_for
from sandbox_kernel.faults.hooks import take_effect

from ..domain.errors import Erro, TramitaError, validation_error
from ..identity import Caller, common_name, identify
from ..operations import TramitaService

API_PREFIXES = ("/interoperabilidade/rest/v3", "/interoperabilidade/rest/v4")


def service_of(request: Request) -> TramitaService:
    return request.app.state.tramita


async def current_caller(request: Request) -> Caller:
    svc = service_of(request)
    caller = await identify(
        request.scope, svc.registry, svc.settings.trusted_proxies, svc.settings.client_cert_header
    )
    revoked = await take_effect(  # a fault rule: this system's certificate is now revoked
        svc.runtime, ("revoked_certificate",), ente=caller.ente, system_id=caller.system_id,
        endpoint=endpoint_for("tramita", request.method, request.url.path),
        method=request.method, path=request.url.path,
    )  # fmt: skip
    if revoked:
        raise TramitaError(
            Erro.CERTIFICADO_NAO_RECONHECIDO,
            cn=common_name(caller.certificate),
            detalhe="o certificado foi revogado",
        )
    request.state.caller = caller
    return caller


CallerDep = Depends(current_caller)


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise validation_error(["corpo da requisição deve ser um JSON válido"]) from None
    if not isinstance(body, dict):
        raise validation_error(["corpo da requisição deve ser um objeto JSON"])
    return body


def lenient_bool(name: str, value: str | None) -> bool | None:
    """Booleans in the query string as clients send them: true/false (SUAP, wiki) or 1/0 (PHP/Guzzle)."""
    if value is None or value == "":
        return None
    text = value.strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise validation_error([f"{name} deve ser verdadeiro ou falso (true/false ou 1/0)"])


def lenient_int(name: str, value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise validation_error([f"{name} deve ser um número inteiro"]) from None


__all__ = ["TramitaError", "CallerDep", "Caller"]
