"""/sandbox/registry/entes/{ibge}/clock and /faults: the ente's virtual clock and fault rules.

An ente's API key manages only its own; the emulators read everything at once (``GET /overrides``,
admin token) and spend counted rules with ``POST /faults/{id}/fire``.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sandbox_kernel.app import Transaction
from sandbox_kernel.clock import DurationError, parse_duration
from sandbox_kernel.faults.catalog import ENDPOINTS, effects_of
from sandbox_kernel.faults.rules import FaultSpec

from ..domain.errors import Invalid
from ..stores import entes, overrides
from .deps import PREFIX, Caller, CallerDep, TxDep

router = APIRouter(prefix=f"{PREFIX}/entes/{{ibge}}", tags=["relógio e falhas"])
internal_router = APIRouter(prefix=PREFIX, tags=["relógio e falhas"])

MAX_OFFSET = 10 * 365 * 86400.0  # ten years either way: enough to age any certificate


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str | float = Field(..., description="Quanto avançar: 8d, 1d12h, 90m, 45s, P8DT2H (ou segundos).")

    @field_validator("by")
    @classmethod
    def _duration(cls, value):
        try:
            return parse_duration(value)
        except DurationError as exc:
            raise ValueError(str(exc)) from None


async def _ente(tx: Transaction, who: Caller, ibge: str) -> None:
    who.require_ente(ibge)
    await entes.get_ente(tx, ibge)


@router.get("/clock", summary="O relógio virtual do ente: deslocamento e hora atual")
async def show_clock(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    await _ente(tx, who, ibge)
    return overrides.clock_view(ibge, await overrides.get_offset(tx, ibge))


@router.post("/clock/advance", summary='Avança o relógio só deste ente (ex.: {"by": "8d"})')
async def advance_clock(ibge: str, body: Advance, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    await _ente(tx, who, ibge)
    offset = await overrides.get_offset(tx, ibge) + float(body.by)
    if abs(offset) > MAX_OFFSET:
        raise Invalid("by", "o relógio do ente ficaria mais de 10 anos longe da hora real")
    return await overrides.set_offset(tx, ibge, offset)


@router.delete("/clock", summary="Volta o relógio do ente à hora real")
async def reset_clock(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    await _ente(tx, who, ibge)
    return await overrides.set_offset(tx, ibge, 0.0)


@router.post("/faults", status_code=201, summary="Cria uma regra de falha do ente")
async def create_fault(ibge: str, spec: FaultSpec, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    await _ente(tx, who, ibge)
    return overrides.fault_view(await overrides.create_fault(tx, ibge, spec))


@router.get("/faults", summary="Regras de falha vigentes do ente")
async def list_faults(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> list:
    await _ente(tx, who, ibge)
    return [overrides.fault_view(r) for r in await overrides.list_faults(tx, ibge)]


@router.get("/faults/{rule_id}")
async def get_fault(ibge: str, rule_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    await _ente(tx, who, ibge)
    return overrides.fault_view(await overrides.get_fault(tx, ibge, rule_id))


@router.delete("/faults/{rule_id}", status_code=204, summary="Remove uma regra de falha")
async def delete_fault(ibge: str, rule_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> Response:
    await _ente(tx, who, ibge)
    await overrides.remove_fault(tx, await overrides.get_fault(tx, ibge, rule_id))
    return Response(status_code=204)


@router.delete("/faults", status_code=204, summary="Remove todas as regras de falha do ente")
async def clear_faults(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> Response:
    await _ente(tx, who, ibge)
    for row in await overrides.list_faults(tx, ibge):
        await overrides.remove_fault(tx, row)
    return Response(status_code=204)


@internal_router.get("/faults/catalog", summary="Serviços, endpoints e efeitos que uma regra pode usar")
async def fault_catalog() -> dict:
    return {
        service: {"endpoints": [e.name for e in endpoints], "effects": list(effects_of(service))}
        for service, endpoints in ENDPOINTS.items()
    }


@internal_router.get("/overrides", summary="Interno: todos os relógios e regras (os emuladores leem daqui)")
async def all_overrides(who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_admin()
    return {
        "clocks": await overrides.all_offsets(tx),
        "faults": [overrides.fault_view(r) for r in await overrides.list_faults(tx)],
    }


@internal_router.post("/faults/{rule_id}/fire", summary="Interno: gasta um disparo de uma regra contada")
async def fire(rule_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> Response:
    who.require_admin()
    fired = await overrides.fire(tx, rule_id)
    return JSONResponse(fired) if fired is not None else Response(status_code=409)
