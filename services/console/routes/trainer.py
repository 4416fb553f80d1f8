"""GET /turma/{lab} (admin): trainees × milestones, live; and the lab's hand-out (no secrets) as CSV."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import storage
from ..context import console_of
from ..domain.milestones import LABELS, Milestone, grid
from .common import page_principal, render

router = APIRouter(include_in_schema=False)
HANDOUT_COLUMNS = [
    "ibge",
    "ente",
    "login_client_ids",
    "assinatura_client_ids",
    "tramita_systems",
    "topics",
    "console",
]


async def _admin(request: Request):
    principal = await page_principal(request)
    if not principal.admin:
        return principal, render(
            request,
            "erro.html",
            principal,
            403,
            mensagem="A página da turma é do instrutor (token de administrador).",
        )
    return principal, None


@router.get("/turma")
async def labs(request: Request) -> Response:
    principal, refused = await _admin(request)
    if refused:
        return refused
    entes = await console_of(request).registry.entes()
    names = sorted({e["lab"] for e in entes if e.get("lab")})
    return render(request, "turmas.html", principal, labs=names)


@router.get("/turma/{lab}")
async def lab_grid(request: Request, lab: str) -> Response:
    principal, refused = await _admin(request)
    if refused:
        return refused
    console = console_of(request)
    entes = await console.registry.entes(lab=lab)
    if not entes:
        return render(request, "erro.html", principal, 404, mensagem=f"Turma {lab!r} não encontrada.")
    codes = [e["ibge"] for e in entes]
    table = grid(codes, await storage.milestone_events(console.db, codes))
    return render(
        request,
        "turma.html",
        principal,
        lab=lab,
        entes=entes,
        table=table,
        marcos=[(m.value, LABELS[m]) for m in Milestone],
        aba="turma",
        dados={
            "modo": "turma",
            "cursor": console.hub.last_seq,
            "stream": "/api/eventos?narrado=1",
            "estado": console.hub.status.as_dict(),
        },
    )


@router.get("/turma/{lab}/material.csv")
async def handout(request: Request, lab: str) -> Response:
    principal, refused = await _admin(request)
    if refused:
        return refused
    console = console_of(request)
    registry = console.registry
    entes = await registry.entes(lab=lab)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HANDOUT_COLUMNS)
    for ente in entes:
        ibge = ente["ibge"]
        writer.writerow(
            [
                ibge,
                ente["nome"],
                " ".join(c["client_id"] for c in await registry.clients(ibge, "login")),
                " ".join(c["client_id"] for c in await registry.clients(ibge, "assinatura")),
                " ".join(s["id"] for s in await registry.systems(ibge)),
                " ".join((ente.get("topics") or {}).values()),
                console.runtime.url,
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{lab}-material.csv"'},
    )
