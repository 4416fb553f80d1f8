"""healthcheck, hipóteses legais, espécies documentais, motivos de urgência (reference §1.4, §2.14)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from ..domain.especies import ESPECIES
from ..domain.reference import HIPOTESES_LEGAIS, MOTIVOS_URGENCIA
from .deps import CallerDep, lenient_bool

router = APIRouter(tags=["Tramita GOV.BR: referência"])


@router.get("/healthcheck", summary="200 quando a plataforma está no ar (o SEI confere antes de tudo)")
async def healthcheck() -> PlainTextResponse:
    return PlainTextResponse("OK")


@router.get("/console", include_in_schema=False)
async def console() -> PlainTextResponse:  # SUAP's availability check
    return PlainTextResponse("OK")


@router.get("/hipoteses", summary="Hipóteses legais (?ativos= ou ?status=, true/false ou 1/0)")
async def hipoteses(request: Request, caller=CallerDep) -> JSONResponse:
    params = request.query_params
    ativos = lenient_bool("ativos", params.get("ativos"))
    if ativos is None:
        ativos = lenient_bool("status", params.get("status"))
    items = [h for h in HIPOTESES_LEGAIS if ativos is None or h["status"] == ativos]
    return JSONResponse({"hipotesesLegais": items})


@router.get("/especies", summary="Espécies documentais (1–186 e 999)")
async def especies(caller=CallerDep) -> JSONResponse:
    return JSONResponse(
        {
            "especies": [
                {"codigo": str(code), "nomeNoProdutor": nome} for code, nome in sorted(ESPECIES.items())
            ]
        }
    )


@router.get("/motivosUrgencia", summary="Motivos de urgência (o SEI numera pela posição)")
async def motivos_urgencia(caller=CallerDep) -> JSONResponse:
    return JSONResponse({"motivosUrgencia": [{"descricao": d} for d in MOTIVOS_URGENCIA]})
