"""Sandbox-only endpoints (never under the real paths): connection info and the robots' controls."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import keys
from ..app_info import connection_info

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
    try:
        sent = await robots.send_sample(unidade)
    except LookupError as exc:
        return JSONResponse({"erro": "nao_encontrado", "mensagem": str(exc)}, 404)
    return JSONResponse(sent, status_code=201)
