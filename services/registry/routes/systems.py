"""/sandbox/registry/entes/{ibge}/systems: Tramita systems and their certificates."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from sandbox_kernel.app import Transaction
from sandbox_kernel.pki import cert_pem

from ..domain.errors import NotFound
from ..domain.systems import bundle, systems_ca
from ..storage import SystemRow
from ..stores import entes, structures, systems
from .deps import PREFIX, Caller, CallerDep, TxDep

router = APIRouter(prefix=f"{PREFIX}/entes/{{ibge}}/systems", tags=["sistemas (Tramita)"])
public_router = APIRouter(prefix=PREFIX, tags=["sistemas (Tramita)"])


class SystemSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nome: str = Field(..., min_length=2, max_length=64)
    unidades: list[str] = Field(
        default_factory=list,
        description="numeroDeIdentificacaoDaEstrutura das unidades do ente que o sistema representa.",
    )


def _pki(request: Request):
    return request.app.state.pki


async def _owned(tx: Transaction, who: Caller, ibge: str, system_id: str) -> SystemRow:
    who.require_ente(ibge)
    system = await systems.get_system(tx, system_id)
    if system.ente != ibge:
        raise NotFound(f"Sistema {system_id!r} não encontrado neste ente.")
    return system


@router.post(
    "", status_code=201, summary="Cria o sistema e emite seu certificado (a chave privada vem só aqui)"
)
async def create(
    ibge: str, spec: SystemSpec, request: Request, who: Caller = CallerDep, tx: Transaction = TxDep
):
    who.require_ente(ibge)
    ente = await entes.get_ente(tx, ibge)
    await structures.require_units_of(tx, ibge, spec.unidades)
    system, issued = await systems.create_system(tx, _pki(request), ibge, ente.nome, spec.nome, spec.unidades)
    current = await systems.current_certificate(tx, system.id)
    return systems.system_view(system, current) | bundle(_pki(request), issued)


@router.get("")
async def list_(ibge: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> list:
    who.require_ente(ibge)
    return [
        systems.system_view(s, await systems.current_certificate(tx, s.id))
        for s in await systems.systems_of(tx, ibge)
    ]


@router.get("/{system_id}")
async def get(ibge: str, system_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    system = await _owned(tx, who, ibge, system_id)
    return systems.system_view(system, await systems.current_certificate(tx, system.id))


@router.post("/{system_id}/certificate", summary="Emite novo certificado e revoga o anterior")
async def reissue(
    ibge: str, system_id: str, request: Request, who: Caller = CallerDep, tx: Transaction = TxDep
):
    system = await _owned(tx, who, ibge, system_id)
    ente = await entes.get_ente(tx, ibge)
    issued = await systems.issue_certificate(tx, _pki(request), system, ente.nome)
    return systems.system_view(system, await systems.current_certificate(tx, system.id)) | bundle(
        _pki(request), issued
    )


@router.delete("/{system_id}/certificate", status_code=204, summary="Revoga o certificado atual")
async def revoke(ibge: str, system_id: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> Response:
    system = await _owned(tx, who, ibge, system_id)
    current = await systems.current_certificate(tx, system.id)
    if current is None:
        raise NotFound("O sistema não tem certificado válido.")
    await systems.revoke(tx, system, current, "revogado a pedido")
    return Response(status_code=204)


@public_router.get(
    "/certificates/{fingerprint}", summary="Para o tramita_mock (admin): de quem é este certificado"
)
async def by_fingerprint(fingerprint: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_admin()
    found = await systems.find_by_fingerprint(tx, fingerprint)
    if found is None:
        raise NotFound("Certificado desconhecido.")
    system, cert = found
    return {
        "system": systems.system_view(system, None),
        "serial": cert.serial,
        "revoked": cert.revoked_at is not None,
        "not_after": cert.not_after.isoformat(),
    }


@public_router.get("/ca.pem", summary="Cadeia da PKI do sandbox (raiz + AC de sistemas), para confiar nela")
async def ca_pem(request: Request) -> Response:
    pki = _pki(request)
    chain = pki.root.cert_pem + cert_pem(systems_ca(pki).certificate)
    return Response(chain, media_type="application/x-pem-file")
