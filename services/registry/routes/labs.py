"""/sandbox/registry/labs: turmas do Capacita GOV.BR (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from sandbox_kernel.app import Transaction

from ..domain.errors import NotFound
from ..domain.labs import LabSpec
from ..stores import entes, labs
from .deps import PREFIX, Caller, CallerDep, TxDep

router = APIRouter(prefix=f"{PREFIX}/labs", tags=["turmas (labs)"])


@router.post(
    "", status_code=201, summary="Cria a turma: um ente isolado por aluno; devolve o material de cada um"
)
async def create(spec: LabSpec, request: Request, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_admin()
    runtime = request.app.state.runtime
    handout = await labs.create_lab(tx, request.app.state.pki, spec, runtime.settings.topic_namespace)
    return {"lab": spec.nome, "trainees": handout}


@router.get("/{nome}")
async def get(nome: str, request: Request, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_admin()
    rows = await entes.list_entes(tx, lab=nome)
    if not rows:
        raise NotFound(f"Turma {nome!r} não encontrada.")
    ns = request.app.state.runtime.settings.topic_namespace
    return {"lab": nome, "entes": [entes.view(r, ns) for r in rows]}


@router.delete("/{nome}", summary="Remove a turma e os entes dos alunos")
async def delete(nome: str, who: Caller = CallerDep, tx: Transaction = TxDep) -> dict:
    who.require_admin()
    return {"lab": nome, "entes_removidos": await labs.delete_lab(tx, nome)}
