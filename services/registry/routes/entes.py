"""/sandbox/registry/entes"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from sandbox_kernel.app import Transaction

from ..domain.entes import EnteSpec, topics_of
from ..stores import entes
from .deps import PREFIX, Caller, CallerDep, TxDep

router = APIRouter(prefix=f"{PREFIX}/entes", tags=["entes"])


def _ns(request: Request) -> str:
    return request.app.state.runtime.settings.topic_namespace


@router.post(
    "", status_code=201, summary="Cadastra um ente (admin); a chave de API aparece só nesta resposta"
)
async def create(spec: EnteSpec, request: Request, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_admin()
    row, api_key = await entes.create_ente(tx, spec)
    return entes.view(row, _ns(request)) | {"api_key": api_key}


@router.get("", summary="Lista os entes visíveis para quem chama")
async def list_(
    request: Request, lab: str | None = None, who: Caller = CallerDep, tx: Transaction = TxDep
) -> list:
    rows = await entes.list_entes(tx, only=None if who.admin else who.ente, lab=lab)
    return [entes.view(r, _ns(request)) for r in rows]


@router.get("/{ibge}")
async def get(ibge: str, request: Request, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_ente(ibge)
    return entes.view(await entes.get_ente(tx, ibge), _ns(request))


@router.delete("/{ibge}", status_code=204, summary="Remove o ente e tudo o que é dele (admin)")
async def delete(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> Response:
    who.require_admin()
    await entes.delete_ente(tx, await entes.get_ente(tx, ibge))
    return Response(status_code=204)


@router.post("/{ibge}/api-key", summary="Troca a chave de API do ente; a anterior deixa de valer")
async def rotate_key(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_ente(ibge)
    return {"ibge": ibge, "api_key": await entes.rotate_api_key(tx, await entes.get_ente(tx, ibge))}


@router.get("/{ibge}/topics", summary="Os tópicos Kafka do ente, um por serviço")
async def topics(ibge: str, request: Request, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_ente(ibge)
    await entes.get_ente(tx, ibge)
    return {"ibge": ibge, "topics": topics_of(ibge, _ns(request))}
