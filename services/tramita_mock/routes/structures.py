"""Repositórios de estruturas and estruturas organizacionais, served from the registry (reference §5)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox_kernel.registry_client import RegistryUnavailable

from ..domain.errors import Erro, TramitaError, validation_error
from ..registry import unit_as_rest
from .deps import CallerDep, lenient_bool, lenient_int, service_of

router = APIRouter(tags=["Tramita GOV.BR: estruturas"])

_FLAGS = ("apenasAtivas", "permiteRecebimento", "permiteEnvio")


def _unavailable(exc: RegistryUnavailable) -> TramitaError:
    return TramitaError(Erro.SERVICO_INDISPONIVEL, detalhe=str(exc))


@router.get("/repositorios-de-estruturas", summary="Repositórios (lista JSON; ?ativos= ou ?ativo=)")
async def repositorios(request: Request, caller=CallerDep) -> JSONResponse:
    params = request.query_params
    ativos = lenient_bool("ativos", params.get("ativos"))
    if ativos is None:
        ativos = lenient_bool("ativo", params.get("ativo"))
    try:
        repos = await service_of(request).registry.repositories()
    except RegistryUnavailable as exc:
        raise _unavailable(exc) from None
    return JSONResponse([r for r in repos if ativos is None or bool(r.get("ativo")) == ativos])


async def _unit_in(request: Request, repo: int, unit_id: str) -> dict:
    try:
        unit = await service_of(request).registry.unit(unit_id)
    except RegistryUnavailable as exc:
        raise _unavailable(exc) from None
    if unit is None or int(unit.get("repository_id", -1)) != repo:
        raise TramitaError(Erro.ESTRUTURA_FORA_DO_REPOSITORIO, estrutura=unit_id, repositorio=repo)
    return unit


@router.get(
    "/repositorios-de-estruturas/{repo}/estruturas-organizacionais",
    summary="Busca paginada: nome, sigla, apenasAtivas, permiteRecebimento, permiteEnvio, raiz, registroInicial…",
)
async def estruturas(repo: int, request: Request, caller=CallerDep) -> JSONResponse:
    q = request.query_params
    params: dict[str, str] = {}
    for flag in _FLAGS:
        value = lenient_bool(flag, q.get(flag))
        if value is not None:
            params[flag] = "true" if value else "false"
    for name in ("sigla", "nome", "numeroDeIdentificacaoDaEstruturaRaizDaConsulta"):
        if q.get(name):
            params[name] = q[name]
    for name in ("registroInicial", "quantidadeDeRegistros"):
        number = lenient_int(name, q.get(name))
        if number is not None:
            if number < 0:
                raise validation_error([f"{name} deve ser maior ou igual a 0"])
            params[name] = str(number)
    try:
        found = await service_of(request).registry.search_units(repo, params)
    except RegistryUnavailable as exc:
        raise _unavailable(exc) from None
    if found is None:
        return JSONResponse({"estruturas": [], "totalDeRegistros": 0})
    return JSONResponse(
        {
            "estruturas": [unit_as_rest(u) for u in found["estruturas"]],
            "totalDeRegistros": found["totalDeRegistros"],
        }
    )


@router.get("/repositorios-de-estruturas/{repo}/estruturas-organizacionais/{unit_id}")
async def estrutura(repo: int, unit_id: str, request: Request, caller=CallerDep) -> JSONResponse:
    return JSONResponse(unit_as_rest(await _unit_in(request, repo, unit_id)))


@router.get("/repositorios-de-estruturas/{repo}/estruturas-organizacionais/{unit_id}/filhas")
async def filhas(repo: int, unit_id: str, request: Request, caller=CallerDep) -> JSONResponse:
    await _unit_in(request, repo, unit_id)
    try:
        children = await service_of(request).registry.children(
            unit_id, request.query_params.get("nome") or None
        )
    except RegistryUnavailable as exc:
        raise _unavailable(exc) from None
    return JSONResponse([unit_as_rest(u) for u in children or []])
