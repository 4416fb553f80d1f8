"""Sandbox-only endpoints (never under the real paths): connection info and the robots' controls."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox_kernel.registry_client import RegistryUnavailable
from sandbox_kernel.secrets import bearer_credential, is_admin_bearer

from .. import keys
from ..app_info import connection_info
from ..domain.errors import TramitaError
from ..identity import identify
from .deps import service_of

router = APIRouter(prefix="/sandbox/tramita", tags=["sandbox"])


@router.get("/info", summary="Como conectar: URL base, CA do servidor, robôs e seus sistemas")
async def info(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    files = keys.tls_files(runtime.settings)
    robots = getattr(request.app.state, "robots", None)
    return JSONResponse(connection_info(runtime.settings, files, robots.info() if robots else []))


@router.post(
    "/robos/{unidade}/enviar", status_code=201, summary="O robô que envia manda agora um processo de exemplo"
)
async def enviar(unidade: str, request: Request) -> JSONResponse:
    robots = getattr(request.app.state, "robots", None)
    if robots is None:
        return JSONResponse(
            {"erro": "robos_desligados", "mensagem": "Robôs desligados (SANDBOX_TRAMITA_ROBOTS=false)."}, 409
        )
    system = await robots.ready_system_of_unit(unidade)
    if system is not None and not await _controls(request, system.ente):
        return JSONResponse(
            {
                "erro": "nao_autorizado",
                "mensagem": f"O robô {unidade} é do ente {system.ente}: envie o certificado de um sistema "
                "desse ente, ou Authorization: Bearer <chave de API do ente ou token de administrador>.",
            },
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        sent = await robots.send_sample(unidade)
    except LookupError as exc:
        return JSONResponse({"erro": "nao_encontrado", "mensagem": str(exc)}, 404)
    return JSONResponse(sent, status_code=201)


async def _controls(request: Request, ente: str) -> bool:
    """May this caller drive the robots of ``ente``? The admin, the ente's API key, or a system of the ente."""
    svc = service_of(request)
    settings = request.app.state.runtime.settings
    authorization = request.headers.get("authorization", "")
    if is_admin_bearer(settings, authorization):
        return True
    key = bearer_credential(authorization)
    try:
        if key is not None:
            owner = await svc.registry.whoami(key)
            return owner is not None and owner["ibge"] == ente
        caller = await identify(
            request.scope, svc.registry, svc.settings.trusted_proxies, svc.settings.client_cert_header
        )
        return caller.ente == ente
    except (TramitaError, RegistryUnavailable):
        return False
